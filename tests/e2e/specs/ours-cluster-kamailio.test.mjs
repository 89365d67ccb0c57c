// A Kamailio cluster (issue 13, items 1 and 4): two more Kamailio nodes, A on 127.0.0.2 and B on
// 127.0.0.3 (deploy/kamailio/run.sh with KAM_LISTEN_ADDR / KAM_DMQ_PEERS), sharing registrations
// with DMQ; each node reaches phones on the other through the Path of their registrations.
// Our client, through the package's public API (pages/api.html), alice with `servers: [A, B]`,
// bob with `servers: [B]`:
// 1. alice (on A) calls bob (on B): audio both ways, hold/unhold from each side.
// 2. Node A is stopped mid-call: alice emits reconnecting → reconnected on B (phone.server B) and
//    registers again with her +sip.instance; the call's audio goes on both ways; hold/unhold from
//    each side (re-INVITEs whose route set names dead A: B routes them to the far end's current
//    flow, RFC 5626) and alice's BYE end it at bob.
// 3. Node A freezes mid-call (restarted first; every process SIGSTOPped: a node that dies without
//    closing its connections — power loss, a partition — so no FIN/RST reaches the browser):
//    carol on A (`keepAliveSeconds: 2`) in a call with bob gets no CRLF pong within 10 s (RFC 5626
//    §4.4.1), drops the flow, emits reconnecting (reason keepalive_timeout, next server B) →
//    reconnected on B; the call's audio goes on; hold/unhold and BYE work. The detection time
//    (freeze → reconnecting) is a figure.
// The audio gap at failover (longest stretch without a new inbound RTP packet, sampled in the
// page every 10 ms, from A's stop until audio is seen after the reconnection), and the same
// measure over the seconds before (baseline), are recorded as figures, never asserted. Skips until pkg/ is built.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newParty } from '../lib/browser.mjs';
import { env } from '../lib/env.mjs';
import { recordFigures } from '../lib/figures.mjs';
import { startClusterNode } from '../lib/kamailio.mjs';
import { describeOurs } from '../lib/ours.mjs';
import { demoToken, retargetToken } from '../lib/tokens.mjs';
import { waitFor, withTimeout } from '../lib/wait.mjs';

const SUITE = 'ours-cluster-kamailio';
const QUIET = { ringback: false, ringtone: false, logLevel: 'log' };
const PORT = 15166;
// carol's keep-alive interval in the freeze test: short, so the freeze is noticed within 2 + 10 s.
const KEEP_ALIVE_S = 2;

describeOurs('our client on a two-node Kamailio cluster: a call across nodes survives its node', { timeout: 240_000 }, () => {
  let browser;
  let party;
  let a;
  let b;

  before(async () => {
    a = await startClusterNode('a', '127.0.0.2', PORT, [`127.0.0.3:${PORT}`]);
    b = await startClusterNode('b', '127.0.0.3', PORT, [`127.0.0.2:${PORT}`]);
    browser = await launchBrowser();
    party = await newParty(browser, SUITE, 'page');
    await party.page.goto(`${env.serverUrl}/e2e/api.html`, { waitUntil: 'load' });
    await waitFor('api page ready', () => party.page.evaluate(() => window.api?.ready === true), { timeout: 10_000 });
  });

  after(async () => {
    await withTimeout('clean-up', party?.page.evaluate(() => window.api.cleanup()), 10_000).catch(() => {});
    await party?.close();
    await browser?.close().catch(() => {});
    for (const node of [a, b]) await node?.stop().catch(() => {});
  });

  // ------------------------------------------------------------------ page helpers
  const ev = (what, fn, arg, ms = 20_000) => withTimeout(what, party.page.evaluate(fn, arg), ms);
  const mark = () => party.page.evaluate(() => window.api.seq);
  const phoneProp = (who, prop) => party.page.evaluate(([w, p]) => window.api.phones[w][p], [who, prop]);
  const info = (call) => ev(`${call}.getInfo()`, (c) => window.api.calls[c].getInfo(), call);

  async function login(who, node, options) {
    const { token } = await demoToken(who);
    const r = await ev(`login ${who}`, ([w, t, o]) => window.api.login(w, t, o), [who, retargetToken(token, node.ws), { ...QUIET, ...options }]);
    assert.equal(r.ok, true, `${who} login failed: ${r.code} ${r.message}`);
    assert.equal(r.registered, true);
  }

  async function ok(kind, name, method, ...args) {
    const r = await ev(`${kind} ${name}.${method}()`, ([k, nm, m, x]) => window.api.run(k, nm, m, x), [kind, name, method, args]);
    assert.equal(r.ok, true, `${kind} ${name}.${method}() failed: ${r.code} ${r.message}`);
    return r.value;
  }

  async function waitEvent(who, name, { since = 0, timeout = 15_000 } = {}) {
    const list = await waitFor(`${who}: event ${name}`, () => party.page.evaluate(
      ([w, nm, s]) => window.api.events.filter((e) => e.who === w && e.name === nm && e.seq > s),
      [who, name, since],
    ), { timeout, accept: (l) => l.length > 0 });
    return list[0];
  }

  async function audioFlows(...calls) {
    for (const call of calls) {
      const base = (await ok('call', call, 'getStats')).packetsReceived;
      await waitFor(`${call}: audio received`, () => ok('call', call, 'getStats'), { timeout: 15_000, accept: (s) => s.packetsReceived > base + 10 });
    }
  }

  /** `who` holds then unholds `call`; `other` (the far end's call) sees both. */
  async function holdUnhold(call, other) {
    const since = await mark();
    await ok('call', call, 'hold');
    await Promise.all([waitEvent(call, 'held', { since }), waitEvent(other, 'held', { since })]);
    assert.equal((await info(other)).remoteHeld, true);
    const since2 = await mark();
    await ok('call', call, 'unhold');
    await Promise.all([waitEvent(call, 'unheld', { since: since2 }), waitEvent(other, 'unheld', { since: since2 })]);
    assert.equal((await info(other)).remoteHeld, false);
    await audioFlows(call, other);
  }

  /**
   * Samples, in the page, every 10 ms, the inbound-rtp packetsReceived of `calls` until
   * stopGapSampler(): per call the longest time between two samples that saw new packets.
   */
  const startGapSampler = (calls) => party.page.evaluate((names) => {
    const s = { names, last: {}, lastAt: {}, maxGap: {}, samples: 0 };
    const tick = async () => {
      for (const n of names) {
        const pc = window.api.pcOf(n);
        if (!pc) continue;
        const stats = await pc.getStats();
        let packets = 0;
        stats.forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'audio') packets += r.packetsReceived; });
        const now = performance.now();
        if (s.last[n] === undefined || packets > s.last[n]) {
          if (s.lastAt[n] !== undefined) s.maxGap[n] = Math.max(s.maxGap[n] || 0, now - s.lastAt[n]);
          s.last[n] = packets;
          s.lastAt[n] = now;
        }
      }
      s.samples += 1;
    };
    s.timer = setInterval(tick, 10);
    // The gaps so far (no failover: the baseline), and a fresh start.
    s.baseline = () => { const b = { ...s.maxGap }; s.maxGap = {}; return b; };
    window.__gap = s;
  }, calls);
  const baselineGaps = () => party.page.evaluate(() => window.__gap.baseline());
  const stopGapSampler = () => party.page.evaluate(() => {
    clearInterval(window.__gap.timer);
    return { maxGapMs: window.__gap.maxGap, samples: window.__gap.samples };
  });

  /**
   * `caller` (on A) calls bob (on B) until bob rings (his registration reaches A through DMQ
   * within milliseconds of his REGISTER; until then A answers 404: a failed attempt is retried);
   * bob answers; audio both ways. Returns [caller's call, bob's call].
   */
  async function callBob(caller, prefix) {
    let out;
    let bobIn;
    for (let attempt = 1; !bobIn; attempt += 1) {
      const since = await mark();
      out = `${prefix}${attempt}`;
      const r = await ev(`${caller} dials bob`, ([w, c]) => window.api.dial(w, c, 'bob'), [caller, out]);
      assert.equal(r.ok, true, `${caller}.call(bob): ${r.code} ${r.message}`);
      const first = await waitFor(`${out}: ringing bob or failed`, () => party.page.evaluate(
        ([s, c]) => window.api.events.find((e) => e.seq > s && ((e.who === 'bob' && e.name === 'incomingCall') || (e.who === c && e.name === 'failed'))),
        [since, out],
      ), { timeout: 15_000 });
      if (first.name === 'incomingCall') bobIn = first.info.call;
      else assert.ok(attempt < 20, `${caller}'s calls to bob keep failing: ${JSON.stringify(first.info)}`);
    }
    const since = await mark();
    await ok('call', bobIn, 'answer');
    await Promise.all([waitEvent(out, 'connected', { since: 0 }), waitEvent(bobIn, 'connected', { since })]);
    await audioFlows(out, bobIn);
    return [out, bobIn];
  }

  test('alice on A calls bob on B (audio, hold); A stops mid-call: alice fails over to B, audio goes on, hold/unhold and BYE still work', async (t) => {
    await login('bob', b, { servers: [b.ws] });
    await login('alice', a, { servers: [a.ws, b.ws] });
    assert.equal(await phoneProp('alice', 'server'), a.ws);
    assert.equal(await phoneProp('bob', 'server'), b.ws);

    // 1. alice (A) → bob (B). bob's registration reaches A through DMQ (within milliseconds of
    //    his REGISTER; until then A answers 404: a failed attempt is retried).
    const [out, bobIn] = await callBob('alice', 'out');
    await holdUnhold(out, bobIn);
    await holdUnhold(bobIn, out);

    // 2. Node A stops with alice's WebSocket; she moves to B.
    await startGapSampler([out, bobIn]);
    await audioFlows(out, bobIn);
    const baseline = await baselineGaps();
    const before = await mark();
    const tStop = Date.now();
    await a.stop();
    const reconnecting = await waitEvent('alice', 'reconnecting', { since: before });
    const reconnected = await waitEvent('alice', 'reconnected', { since: before, timeout: 30_000 });
    assert.equal(reconnected.info.server, b.ws, 'alice reconnects to B');
    assert.equal(await phoneProp('alice', 'server'), b.ws);
    const registered = await waitEvent('alice', 'registered', { since: before });
    assert.equal(await phoneProp('alice', 'registered'), true);
    assert.equal((await info(out)).status, 'connected');
    assert.equal((await info(bobIn)).status, 'connected');
    await audioFlows(out, bobIn);
    const gap = await stopGapSampler();

    // The call's in-dialog requests after the failover: hold/unhold from each side, then BYE.
    const tHold = Date.now();
    await holdUnhold(out, bobIn);
    await holdUnhold(bobIn, out);
    const holdsMs = Date.now() - tHold;
    const sinceBye = await mark();
    await ok('call', out, 'hangup');
    const [endA, endB] = await Promise.all([waitEvent(out, 'ended', { since: sinceBye }), waitEvent(bobIn, 'ended', { since: sinceBye })]);
    assert.equal(endA.info?.reason, 'local_hangup');
    assert.equal(endB.info?.reason, 'remote_hangup', 'alice\'s BYE reached bob');

    recordFigures(t, SUITE, 'failover', {
      reconnectingAfterStopMs: reconnecting.at - tStop,
      reconnectedAfterStopMs: reconnected.at - tStop,
      registeredOnBAfterStopMs: registered.at - tStop,
      audioGapAliceMs: Math.round(gap.maxGapMs[out] ?? -1),
      audioGapBobMs: Math.round(gap.maxGapMs[bobIn] ?? -1),
      baselineGapAliceMs: Math.round(baseline[out] ?? -1),
      baselineGapBobMs: Math.round(baseline[bobIn] ?? -1),
      gapSamples: gap.samples,
      holdResumeBothSidesAfterFailoverMs: holdsMs,
    });
  });

  test('A freezes mid-call (no FIN/RST): carol\'s keep-alives time out within interval + 10 s, she fails over to B, audio goes on, hold/unhold and BYE work', async (t) => {
    // A was stopped by the test before (or never reached): a fresh node A, joining B again.
    await a.stop();
    a = await startClusterNode('a', '127.0.0.2', PORT, [`127.0.0.3:${PORT}`]);
    // logLevel debug: the page logs her keep-alive pings and pongs.
    await login('carol', a, { servers: [a.ws, b.ws], keepAliveSeconds: KEEP_ALIVE_S, logLevel: 'debug' });
    assert.equal(await phoneProp('carol', 'server'), a.ws);
    const [out, bobIn] = await callBob('carol', 'frz');
    // Kamailio's websocket module answers her CRLFCRLF pings with a CRLF pong.
    await waitFor('carol: a CRLF pong from node A', () => party.page.evaluate(
      () => window.api.logs.carol.some((m) => m.endsWith('CRLF keep-alive pong')),
    ), { timeout: 15_000 });

    const before = await mark();
    const tFreeze = Date.now();
    assert.ok(a.freeze() > 1, 'node A and its worker processes are frozen');
    const limitMs = (KEEP_ALIVE_S + 10) * 1000;
    const reconnecting = await waitEvent('carol', 'reconnecting', { since: before, timeout: limitMs + 10_000 });
    assert.equal(reconnecting.info.reason, 'keepalive_timeout', 'no FIN/RST came: the keep-alive found the dead flow');
    assert.equal(reconnecting.info.server, b.ws, 'the next attempt goes to B');
    const reconnected = await waitEvent('carol', 'reconnected', { since: before, timeout: 30_000 });
    assert.equal(reconnected.info.server, b.ws);
    assert.equal(await phoneProp('carol', 'registered'), true);
    assert.equal((await info(out)).status, 'connected');
    await audioFlows(out, bobIn);
    await holdUnhold(out, bobIn);
    await holdUnhold(bobIn, out);
    const sinceBye = await mark();
    await ok('call', out, 'hangup');
    const [endA, endB] = await Promise.all([waitEvent(out, 'ended', { since: sinceBye }), waitEvent(bobIn, 'ended', { since: sinceBye })]);
    assert.equal(endA.info?.reason, 'local_hangup');
    assert.equal(endB.info?.reason, 'remote_hangup', 'carol\'s BYE reached bob');

    recordFigures(t, SUITE, 'freeze', {
      keepAliveSeconds: KEEP_ALIVE_S,
      detectedAfterFreezeMs: reconnecting.at - tFreeze,
      reconnectedAfterFreezeMs: reconnected.at - tFreeze,
    });
  });
});
