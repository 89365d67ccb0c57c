// The package's PUBLIC JS API against the real bwclient-server, in real Chromium with real media:
// what tests/web_phone.rs covered through wasm-bindgen-test, plus whatever of web_media.rs,
// web_platform.rs and web_transport.rs shows through the public API or plain browser behaviour.
// One page per test (pages/api.html + api.js: `import init, { BWClient } from '/pkg/bwclient.js'`),
// every phone of the test in that page, as the Rust tests had them; tokens minted with the shared
// test secret for the demo endpoints alice, bob and carol. Media is checked with call.getStats()
// of each call (inbound-rtp packets, audio level), RFC 4733 digits with lib/instrument.js, SIP on
// the wire with the phones' `log` events at logLevel 'debug'. Skips until pkg/ is built.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, beforeEach, test } from 'node:test';

import { launchBrowser, newParty } from '../lib/browser.mjs';
import { ROOT, env } from '../lib/env.mjs';
import { SILENCE_LEVEL, dtmfReceived, expectDtmfReceived } from '../lib/media.mjs';
import { describeOurs } from '../lib/ours.mjs';
import { decodeToken, demoToken, mintToken } from '../lib/tokens.mjs';
import { sleep, waitFor, withTimeout } from '../lib/wait.mjs';

const SUITE = 'ours-api-server';
const HOST = env.demoHost;
/** Tones off and warnings only, as the Rust tests' options(). */
const QUIET = { ringback: false, ringtone: false, logLevel: 'warn' };

// Valid tokens come from the server (it records each token it mints and refuses any other,
// issue 11 hole 4); expired ones are signed here, refused for their expiry first.
const token = async (user, lifetime = 3600) => (lifetime <= 0
  ? mintToken({ user, lifetime })
  : (await demoToken(user, { expires: lifetime })).token);

describeOurs('the public JS API against bwclient-server (ported from tests/web_*.rs)', { timeout: 170_000 }, () => {
  let browser;
  let party;
  let n = 0;

  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close().catch(() => {}); });

  beforeEach(async (t) => {
    n += 1;
    const slug = `${String(n).padStart(2, '0')}-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`;
    party = await newParty(browser, SUITE, slug);
    await party.page.goto(`${env.serverUrl}/e2e/api.html`, { waitUntil: 'load' });
    await waitFor('api page ready', () => party.page.evaluate(() => window.api?.ready === true), { timeout: 10_000 });
  });

  afterEach(async () => {
    await withTimeout('clean-up', party.page.evaluate(() => window.api.cleanup()), 10_000).catch(() => {});
    await party.close();
  });

  // ------------------------------------------------------------------ page helpers
  const ev = (what, fn, arg, ms = 20_000) => withTimeout(what, party.page.evaluate(fn, arg), ms);
  const mark = () => party.page.evaluate(() => window.api.seq);

  async function login(who, options = {}, given = undefined) {
    const tok = given ?? await token(who);
    const r = await ev(`login ${who}`, ([w, t, o]) => window.api.login(w, t, o), [who, tok, { ...QUIET, ...options }]);
    assert.equal(r.ok, true, `${who} login failed: ${r.code} ${r.message}`);
    return r;
  }

  /** A login that must fail: its {code, message, isError}. */
  async function loginFails(tok, options = {}) {
    const r = await ev('login (to fail)', ([t, o]) => window.api.login('refused', t, o), [tok, { ...QUIET, ...options }]);
    assert.equal(r.ok, false, 'the login was refused');
    assert.equal(r.isError, true, 'rejected with an Error');
    return r;
  }

  /** `phone|call` method call, awaited: {ok, value} or {ok: false, code, message}. */
  const run = (kind, name, method, ...args) => ev(`${kind} ${name}.${method}()`, ([k, nm, m, a]) => window.api.run(k, nm, m, a), [kind, name, method, args]);

  async function ok(kind, name, method, ...args) {
    const r = await run(kind, name, method, ...args);
    assert.equal(r.ok, true, `${kind} ${name}.${method}() failed: ${r.code} ${r.message}`);
    return r.value;
  }

  async function fails(code, kind, name, method, ...args) {
    const r = await run(kind, name, method, ...args);
    assert.equal(r.ok, false, `${kind} ${name}.${method}() should fail with ${code}`);
    assert.equal(r.code, code, `${kind} ${name}.${method}(): ${r.message}`);
    return r;
  }

  const events = (who, name, since = 0) => party.page.evaluate(
    ([w, nm, s]) => window.api.events.filter((e) => e.who === w && e.name === nm && e.seq > s),
    [who, name, since],
  );

  /** Waits for event `name` of phone or call `who` after `since` (a mark()); returns the first. */
  async function waitEvent(who, name, { since = 0, count = 1, timeout = 15_000 } = {}) {
    const list = await waitFor(`${who}: event ${name}`, () => events(who, name, since), { timeout, accept: (l) => l.length >= count });
    return list[0];
  }

  const info = (call) => party.page.evaluate((c) => window.api.calls[c].getInfo(), call);
  const callCount = (who) => party.page.evaluate((w) => window.api.phones[w].calls().length, who);
  const stats = (call) => ok('call', call, 'getStats');
  const logs = (who) => party.page.evaluate((w) => window.api.logs[w].slice(), who);
  const consoleLines = (since = 0) => party.page.evaluate((s) => window.api.consoleLines.filter((l) => l.seq > s), since);

  async function dial(who, callName, target, options) {
    const r = await ev(`${who} dials ${target}`, ([w, c, t, o]) => window.api.dial(w, c, t, o), [who, callName, target, options]);
    assert.equal(r.ok, true, `${who}.call(${target}): ${r.code} ${r.message}`);
    return callName;
  }

  /** The name of `who`'s next incoming call after `since`. */
  async function incoming(who, since) {
    return (await waitEvent(who, 'incomingCall', { since })).info.call;
  }

  /** The call receives audio RTP: packetsReceived grows by more than `more` (getStats). */
  async function waitMedia(call, { more = 5, timeout = 15_000 } = {}) {
    const base = (await stats(call)).packetsReceived;
    return waitFor(`${call}: audio received`, () => stats(call), { timeout, accept: (s) => s.packetsReceived > base + more });
  }

  /** The call receives no audio packets over a window (the far end stopped sending). */
  async function expectNoPackets(call, { settleMs = 700, windowMs = 1500, maxPackets = 3 } = {}) {
    await sleep(settleMs);
    const a = (await stats(call)).packetsReceived;
    await sleep(windowMs);
    const b = (await stats(call)).packetsReceived;
    assert.ok(b - a <= maxPackets, `${call} still received ${b - a} packets while the far end should not send`);
  }

  /** The call hears silence: no audio level above SILENCE_LEVEL over a window (getStats). */
  async function expectSilent(call, { settleMs = 1200, windowMs = 1500 } = {}) {
    await sleep(settleMs);
    const end = Date.now() + windowMs;
    let max = 0;
    let packets = 0;
    const first = (await stats(call)).packetsReceived;
    while (Date.now() < end) {
      const s = await stats(call);
      max = Math.max(max, s.audioLevel ?? 0);
      packets = s.packetsReceived - first;
      await sleep(50);
    }
    assert.ok(packets > 0, `${call}: packets keep coming while the far end is muted (${packets})`);
    assert.ok(max <= SILENCE_LEVEL, `${call} still hears audio (level ${max}) while the far end should be silent`);
  }

  /** The call hears the far end's (beeping) microphone: a level above SILENCE_LEVEL. */
  async function expectSound(call) {
    await waitFor(`${call}: audio above silence`, () => stats(call), { timeout: 15_000, accept: (s) => (s.audioLevel ?? 0) > SILENCE_LEVEL });
  }

  /** alice calls bob (named `a` and bob's incoming); bob has not answered. */
  async function ringingCall({ caller = 'alice', callee = 'bob', target = 'bob', name = 'a' } = {}) {
    const since = await mark();
    await dial(caller, name, target);
    const b = await incoming(callee, since);
    return { a: name, b, since };
  }

  /** Bob answers; both connected, audio received on both sides (getStats). */
  async function answered(c) {
    await ok('call', c.b, 'answer');
    await Promise.all([waitEvent(c.a, 'connected'), waitEvent(c.b, 'connected')]);
    await Promise.all([waitMedia(c.a), waitMedia(c.b)]);
    return c;
  }

  async function connectedCall({ alice = {}, bob = {} } = {}) {
    await login('alice', alice);
    await login('bob', bob);
    return answered(await ringingCall());
  }

  /** Hangs `from` up; waits for both ends and returns their `ended` infos. */
  async function hangup(from, other) {
    const since = await mark();
    await ok('call', from, 'hangup');
    const [x, y] = await Promise.all([waitEvent(from, 'ended', { since }), waitEvent(other, 'ended', { since })]);
    return [x.info, y.info];
  }

  const sent = (list, start) => list.filter((m) => m.startsWith(`→ sent\n${start}`));
  const received = (list, start) => list.filter((m) => m.startsWith(`← received\n${start}`));
  const isInviteResponse = (m) => /\r?\nCSeq:\s*\d+\s+INVITE\r?\n/i.test(m);
  const hasLine = (m, line) => m.split(/\r?\n/).some((l) => l.trim() === line);

  // ------------------------------------------------------------------ phone_*: login and logout

  test('login registers; logout unregisters', async () => {
    const r = await login('alice');
    assert.equal(r.registered, true);
    assert.equal(r.uri, `sip:alice@${HOST}`);
    assert.equal(await party.page.evaluate(() => window.api.phones.alice.registered), true);
    const since = await mark();
    await ok('phone', 'alice', 'logout');
    const gone = await events('alice', 'unregistered', since);
    assert.equal(gone.length, 1, 'logout sends REGISTER Expires: 0 and sees the answer before resolving');
    assert.equal(gone[0].info.status, 200);
    assert.equal(await party.page.evaluate(() => window.api.phones.alice.registered), false);
    // A logged-out phone places no call.
    const call = await ev('call after logout', () => window.api.dial('alice', 'late', 'bob'));
    assert.equal(call.ok, false);
    assert.equal(call.code, 'invalid_state');
  });

  test('login is refused with a code: bad_token, token_expired, auth_failed, transport_failed, bad_options', async () => {
    assert.equal((await loginFails('not a token')).code, 'bad_token');
    assert.equal((await loginFails(await token('alice', -60))).code, 'token_expired');
    // Well-formed but signed with another secret: the server refuses the registration.
    const forged = mintToken({ user: 'alice', lifetime: 600, secret: 'not-the-secret' });
    assert.equal((await loginFails(forged)).code, 'auth_failed');
    // Nothing listens there: the WebSocket fails (web_transport: a refused connection).
    assert.equal((await loginFails(await token('alice', 600), { server: 'ws://127.0.0.1:65535/sip' })).code, 'transport_failed');
    // A URL the browser's WebSocket refuses outright (web_transport).
    assert.equal((await loginFails(await token('alice', 600), { server: 'ftp://127.0.0.1/' })).code, 'transport_failed');
    // Options are checked.
    assert.equal((await loginFails(await token('alice', 600), { logLevel: 'loud' })).code, 'bad_options');
    assert.equal((await loginFails(await token('alice', 600), { trickleIce: 'sometimes' })).code, 'bad_options');
    // The refused logins left nothing registered: alice can still log in.
    assert.equal((await login('alice')).registered, true);
  });

  // ------------------------------------------------------------------ calls

  test('alice calls bob: ringing, real media both ways (getStats), offer/answer with candidates; the caller hangs up', async () => {
    // logLevel 'debug' on both (the level is the page's): the SIP messages come as `log` events.
    const c = await connectedCall({ alice: { logLevel: 'debug' }, bob: { logLevel: 'debug' } });
    const ai = await info(c.a);
    const bi = await info(c.b);
    assert.equal(ai.status, 'connected');
    assert.equal(ai.direction, 'out');
    assert.match(ai.remoteUri, /^sip:bob@demo\.bwclient\.test/);
    assert.equal(ai.localUri, `sip:alice@${HOST}`);
    assert.equal(ai.remoteId, 'bob');
    assert.equal(ai.localId, 'alice');
    assert.equal(typeof ai.startTime, 'number');
    assert.equal(bi.status, 'connected');
    assert.equal(bi.direction, 'in');
    assert.match(bi.remoteUri, /^sip:alice@demo\.bwclient\.test/);
    assert.equal((await waitEvent(c.a, 'ringing')).info.status, 180, '180 seen by the caller');
    assert.equal((await events(c.a, 'connecting')).length, 1, 'connecting once the INVITE is out');
    assert.equal(await callCount('alice'), 1);
    assert.equal(await callCount('bob'), 1);

    // web_media: both peers receive each other's audio; the stats are complete.
    for (const call of [c.a, c.b]) {
      const s = await waitFor(`${call}: full stats`, () => stats(call), {
        accept: (x) => x.packetsReceived > 0 && x.packetsSent > 0 && x.mos !== null && x.rtt !== null,
      });
      assert.ok(s.bytesReceived > 0 && s.bytesSent > 0, JSON.stringify(s));
      assert.equal(s.codec, 'opus', JSON.stringify(s));
      assert.ok(s.rtt >= 0, JSON.stringify(s));
      assert.equal(typeof s.jitter, 'number', JSON.stringify(s));
      assert.ok(s.mos >= 1 && s.mos <= 4.5, JSON.stringify(s));
      // Remote audio is attached to the client's own <audio> by default.
      const remote = await party.page.evaluate((n) => {
        const stream = window.api.calls[n].getRemoteStream();
        const el = window.api.mediaElements.find((e) => e.srcObject === stream);
        return {
          stream: stream instanceof MediaStream,
          live: !!stream && stream.getAudioTracks().some((t) => t.readyState === 'live'),
          element: !!el && el.id !== 'page-audio',
        };
      }, call);
      assert.deepEqual(remote, { stream: true, live: true, element: true }, `${call} remote audio`);
    }

    // web_media: the offer (half trickle, the default) carries candidates; so does the answer,
    // which is sendrecv.
    const invite = sent(await logs('alice'), 'INVITE ')[0];
    assert.ok(invite, 'the INVITE in alice\'s log');
    assert.match(invite, /a=candidate:/, invite);
    assert.match(invite, /Recv-Info:\s*trickle-ice/i, invite);
    const ok200 = sent(await logs('bob'), 'SIP/2.0 200').find(isInviteResponse);
    assert.ok(ok200, 'bob\'s 200 to the INVITE in his log');
    assert.match(ok200, /a=candidate:/, ok200);
    assert.ok(hasLine(ok200, 'a=sendrecv'), ok200);

    assert.equal(await party.page.evaluate((n) => {
      window.__micA = window.api.senderTrack(n);
      window.__pcA = window.api.pcOf(n);
      return window.__micA.readyState;
    }, c.a), 'live');
    const [a, b] = await hangup(c.a, c.b);
    assert.equal(a.reason, 'local_hangup');
    assert.equal(b.reason, 'remote_hangup');
    assert.equal((await events(c.a, 'failed')).length, 0, 'a hang-up is no failure');
    // web_media close(): the microphone is stopped and the peer connection closed.
    assert.deepEqual(await party.page.evaluate(() => ({ mic: window.__micA.readyState, pc: window.__pcA.connectionState })),
      { mic: 'ended', pc: 'closed' });
    assert.equal((await info(c.a)).status, 'ended');
    assert.equal(await callCount('alice'), 0);
    assert.equal(await callCount('bob'), 0);
    // And the ended call refuses further work.
    await fails('invalid_state', 'call', c.a, 'getStats');
    await fails('invalid_state', 'call', c.a, 'sendDtmf', '1');
    await fails('invalid_state', 'call', c.a, 'hangup');
    await fails('invalid_state', 'call', c.a, 'hold');
  });

  test('the callee hangs up; remote audio moves to a page element; setSpeaker', async () => {
    const c = await connectedCall();
    // web_media: remote audio moves to an element of the page; the client's own is detached.
    const moved = await party.page.evaluate((n) => {
      const call = window.api.calls[n];
      const before = call.getRemoteStream();
      const own = window.api.mediaElements.find((e) => e.srcObject === before);
      const page = document.getElementById('page-audio');
      call.setRemoteAudioElement(page);
      return {
        own: !!own,
        pageHasStream: page.srcObject instanceof MediaStream && page.srcObject.getAudioTracks().length > 0,
        ownDetached: !!own && own.srcObject === null,
        sameStream: call.getRemoteStream() === page.srcObject,
      };
    }, c.a);
    assert.deepEqual(moved, { own: true, pageHasStream: true, ownDetached: true, sameStream: true });
    // "" is the browser's default output, valid wherever setSinkId exists.
    assert.equal(await ok('call', c.a, 'setSpeaker', ''), true);

    const [b, a] = await hangup(c.b, c.a);
    assert.equal(a.reason, 'remote_hangup');
    assert.equal(b.reason, 'local_hangup');
    assert.equal(await party.page.evaluate(() => document.getElementById('page-audio').srcObject), null,
      'the page element is detached when the call ends');
  });

  test('a rejected call fails with 486', async () => {
    await login('alice');
    await login('bob');
    const c = await ringingCall();
    await ok('call', c.b, 'reject');
    const ended = await waitEvent(c.a, 'ended');
    assert.equal(ended.info.reason, 'remote_rejected');
    assert.equal(ended.info.code, 486);
    const failed = await events(c.a, 'failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].info.code, 486);
    assert.equal((await events(c.a, 'connected')).length, 0);
    assert.equal((await waitEvent(c.b, 'ended')).info.reason, 'rejected');
    assert.equal((await info(c.a)).status, 'ended');
    // Only an unanswered incoming call can be rejected or answered.
    await fails('invalid_state', 'call', c.b, 'reject');
    await fails('invalid_state', 'call', c.b, 'answer');
  });

  test('the caller cancels before the answer (no tones with ringback/ringtone off)', async () => {
    await login('alice');
    await login('bob');
    const c = await ringingCall();
    await waitEvent(c.a, 'ringing');
    await ok('call', c.a, 'hangup');
    const [a, b] = await Promise.all([waitEvent(c.a, 'ended'), waitEvent(c.b, 'ended')]);
    assert.equal(a.info.reason, 'cancelled');
    assert.equal(b.info.reason, 'remote_cancelled');
    assert.equal((await events(c.a, 'connected')).length, 0);
    assert.equal(await party.page.evaluate(() => window.api.oscillators.length), 0, 'ringback: false and ringtone: false play nothing');
  });

  test('ringback at the caller and ringtone at the callee (WebAudio), both stop on answer', async () => {
    await login('alice', { ringback: true });
    await login('bob', { ringtone: true });
    const c = await ringingCall();
    const playing = (freqs) => party.page.evaluate((f) => f.every((hz) => window.api.oscillators
      .some((o) => Math.round(o.frequency) === hz && o.stopSeq === null)), freqs);
    // web_platform tones: the ringtone is 400 + 450 Hz, the ringback 440 + 480 Hz.
    await waitFor('the ringtone plays', () => playing([400, 450]), { timeout: 5_000 });
    await waitEvent(c.a, 'ringing');
    await waitFor('the ringback plays', () => playing([440, 480]), { timeout: 5_000 });
    await answered(c);
    const left = await party.page.evaluate(() => window.api.oscillators.filter((o) => o.stopSeq === null));
    assert.deepEqual(left, [], 'every tone stopped once answered');
    await hangup(c.a, c.b);
  });

  test('hold and unhold are seen by the other side (sendonly offer, recvonly answer)', async () => {
    const c = await connectedCall({ alice: { logLevel: 'debug' }, bob: { logLevel: 'debug' } });
    assert.equal((await party.page.evaluate((n) => window.api.senderTrack(n)?.enabled, c.a)), true, 'the microphone is on');
    const since = await mark();
    await ok('call', c.a, 'hold');
    const [ah, bh] = await Promise.all([waitEvent(c.a, 'held', { since }), waitEvent(c.b, 'held', { since })]);
    assert.equal(ah.info.by, 'local');
    assert.equal(bh.info.by, 'remote');
    assert.equal((await info(c.a)).held, true);
    assert.equal((await info(c.b)).remoteHeld, true);
    // web_media: the re-INVITE offers sendonly, answered recvonly; the held party hears us no more.
    const reinvite = sent(await logs('alice'), 'INVITE ')[1];
    assert.ok(reinvite, 'the hold re-INVITE in alice\'s log');
    assert.ok(hasLine(reinvite, 'a=sendonly'), reinvite);
    const answer = sent(await logs('bob'), 'SIP/2.0 200').filter(isInviteResponse)[1];
    assert.ok(answer, 'bob\'s 200 to the re-INVITE');
    assert.ok(hasLine(answer, 'a=recvonly'), answer);
    assert.equal((await party.page.evaluate((n) => window.api.senderTrack(n)?.enabled, c.a)), false, 'the microphone is off while holding');
    await expectNoPackets(c.a);

    const since2 = await mark();
    await ok('call', c.a, 'unhold');
    const [au, bu] = await Promise.all([waitEvent(c.a, 'unheld', { since: since2 }), waitEvent(c.b, 'unheld', { since: since2 })]);
    assert.equal(au.info.by, 'local');
    assert.equal(bu.info.by, 'remote');
    assert.equal((await info(c.a)).held, false);
    assert.equal((await info(c.b)).remoteHeld, false);
    const unhold = sent(await logs('alice'), 'INVITE ')[2];
    assert.ok(unhold && hasLine(unhold, 'a=sendrecv'), unhold);
    assert.equal((await party.page.evaluate((n) => window.api.senderTrack(n)?.enabled, c.a)), true);
    await Promise.all([waitMedia(c.a), waitMedia(c.b)]);
    await hangup(c.a, c.b);
  });

  test('DTMF: SIP INFO digits reach the other side; RFC 4733 tones are sent and received in the media', async () => {
    const c = await connectedCall({ alice: { dtmf: 'info' } });
    const since = await mark();
    await ok('call', c.a, 'sendDtmf', '12#');
    await waitEvent(c.b, 'dtmf', { since, count: 3 });
    const got = await events(c.b, 'dtmf', since);
    assert.equal(got.map((e) => e.info.digit).join(''), '12#');
    assert.ok(got.every((e) => e.info.transport === 'info'), JSON.stringify(got));
    // Bob's phone uses the default, RFC 4733 in the media: the browser plays the tones out
    // (dtmfSent, in order) and alice's side receives them as telephone-events.
    const before = await dtmfReceived(party);
    await ok('call', c.b, 'sendDtmf', '9*');
    await waitEvent(c.b, 'dtmfSent', { since, count: 2 });
    assert.deepEqual((await events(c.b, 'dtmfSent', since)).map((e) => e.info), ['9', '*']);
    await expectDtmfReceived(party, before, '9*');
    assert.equal((await events(c.a, 'dtmf', since)).length, 0, 'RFC 4733 digits are not SIP INFO');
    // Bad digits are refused.
    await fails('bad_options', 'call', c.b, 'sendDtmf', 'x');
    await fails('bad_options', 'call', c.a, 'sendDtmf', '');
    await hangup(c.a, c.b);
  });

  test('mute: events, getInfo, silence at the far end, survives a microphone switch; listeners', async () => {
    const c = await connectedCall();
    await expectSound(c.b); // the control: bob hears alice's (beeping) microphone before the mute
    const since = await mark();
    await ok('call', c.a, 'mute');
    assert.equal((await events(c.a, 'muted', since)).length, 1, 'muted is emitted at once');
    assert.equal((await info(c.a)).microphoneMuted, true);
    const first = await party.page.evaluate((n) => {
      const t = window.api.senderTrack(n);
      window.__firstTrack = t;
      return { id: t.id, enabled: t.enabled };
    }, c.a);
    assert.equal(first.enabled, false, 'mute disables the microphone track');
    await expectSilent(c.b);
    await ok('call', c.a, 'mute');
    assert.equal((await events(c.a, 'muted', since)).length, 1, 'muting twice emits once');

    // web_media: mute carries over a microphone switch (replaceTrack); the old track is stopped.
    const mics = await ev('getMicrophones', () => window.api.BWClient.getMicrophones());
    assert.ok(mics.length > 0);
    const other = mics.filter((m) => m.id !== 'default').at(-1) ?? mics.at(-1);
    await ok('call', c.a, 'setMicrophone', other.id);
    const switched = await party.page.evaluate((n) => {
      const t = window.api.senderTrack(n);
      return { id: t.id, enabled: t.enabled, oldState: window.__firstTrack.readyState };
    }, c.a);
    assert.notEqual(switched.id, first.id, 'a new track is sent');
    assert.equal(switched.enabled, false, 'mute must carry over');
    assert.equal(switched.oldState, 'ended', 'the old microphone is released');
    assert.equal((await info(c.a)).microphoneMuted, true);
    // web_platform: a missing microphone is an error, not another device.
    const missing = await run('call', c.a, 'setMicrophone', 'no-such-device');
    assert.equal(missing.ok, false);
    assert.equal(await party.page.evaluate((n) => window.api.senderTrack(n).id, c.a), switched.id, 'the current microphone stays');

    await ok('call', c.a, 'unmute');
    assert.equal((await events(c.a, 'unmuted', since)).length, 1);
    assert.equal((await info(c.a)).microphoneMuted, false);
    assert.equal(await party.page.evaluate((n) => window.api.senderTrack(n).enabled, c.a), true);
    await expectSound(c.b);

    // web_platform emitter, through call.on/off: order, arguments, a throwing listener is
    // logged and does not stop the others, off(), a listener removing itself, chaining.
    const mark2 = await mark();
    const listeners = await party.page.evaluate((n) => {
      const call = window.api.calls[n];
      const seen = [];
      const thrower = () => { throw new Error('page bug'); };
      const one = (...args) => seen.push(`one:${args.length}`);
      const two = () => seen.push('two');
      let onceCount = 0;
      const once = () => { onceCount += 1; call.off('muted', once); };
      const chained = call.on('muted', thrower).on('muted', one);
      call.on('muted', two).on('muted', once);
      call.mute();
      const firstRound = seen.splice(0);
      call.off('muted', one);
      call.unmute();
      call.mute();
      const secondRound = seen.splice(0);
      call.unmute();
      return { chained: typeof chained.on === 'function', firstRound, secondRound, onceCount };
    }, c.a);
    assert.deepEqual(listeners, { chained: true, firstRound: ['one:0', 'two'], secondRound: ['two'], onceCount: 1 });
    const logged = (await consoleLines(mark2)).filter((l) => l.text.includes('page bug'));
    assert.equal(logged.length, 2, 'each throw is logged');
    assert.ok(logged.every((l) => l.level === 'error' && l.text.includes("'muted'")), JSON.stringify(logged));
    await hangup(c.a, c.b);
  });

  test('a second call is answered while the first is held', async () => {
    const c = await connectedCall();
    // A second alice (another tab) calls bob while bob is busy with the first call.
    await login('alice2', {}, await token('alice'));
    const since = await mark();
    await dial('alice2', 'a2', 'bob');
    const b2 = await incoming('bob', since);
    await ok('call', c.b, 'hold');
    await waitEvent(c.b, 'held', { since });
    await ok('call', b2, 'answer');
    await Promise.all([waitEvent('a2', 'connected'), waitEvent(b2, 'connected')]);
    await waitMedia('a2');
    await waitMedia(b2);
    assert.equal(await callCount('bob'), 2);
    assert.equal((await info(c.b)).status, 'connected', 'the held call is still up');
    assert.equal((await info(c.b)).held, true);
    assert.equal((await info(c.a)).remoteHeld, true);
    await hangup('a2', b2);
    assert.equal(await callCount('bob'), 1);
    await hangup(c.a, c.b);
  });

  test('updateToken mid-call re-registers and keeps the call; other identities and bad tokens are refused', async () => {
    const c = await connectedCall();
    const since = await mark();
    await ok('phone', 'alice', 'updateToken', await token('alice', 7200));
    const reg = await waitEvent('alice', 'registered', { since });
    assert.equal(reg.info.status, 200);
    await fails('bad_token', 'phone', 'alice', 'updateToken', await token('bob', 7200));
    await fails('bad_token', 'phone', 'alice', 'updateToken', 'garbage');
    await fails('token_expired', 'phone', 'alice', 'updateToken', await token('alice', -60));
    assert.equal((await events('alice', 'registrationFailed', since)).length, 0);
    await waitMedia(c.a);
    assert.equal((await info(c.a)).status, 'connected', 'the call goes on');
    await hangup(c.a, c.b);
  });

  test('legacy createPhone registers and calls; invalid legacy configs throw', async () => {
    const config = { username: 'alice', domain: HOST, authToken: await token('alice'), logLevel: 'warn' };
    const made = await ev('createPhone', (cfg) => window.api.createPhone('legacy', cfg), config);
    assert.equal(made.ok, true, `${made.code} ${made.message}`);
    assert.equal(await party.page.evaluate(() => window.api.phones.legacy.registered), false, 'nothing connects before register()');
    const since = await mark();
    await ok('phone', 'legacy', 'register');
    await waitEvent('legacy', 'registrationSuccess', { since });
    await waitEvent('legacy', 'registered', { since });
    assert.equal(await party.page.evaluate(() => window.api.phones.legacy.uri), `sip:alice@${HOST}`);

    await login('bob');
    const since2 = await mark();
    await dial('bob', 'b', 'alice');
    const a = await incoming('legacy', since2);
    await ok('call', a, 'accept');
    await Promise.all([waitEvent('b', 'connected'), waitEvent(a, 'connected')]);
    const ai = await info(a);
    assert.equal(ai.direction, 'in');
    assert.equal(ai.remoteId, 'bob');
    await waitMedia('b');
    await hangup(a, 'b');

    const bad = async (cfg, what) => {
      const r = await ev('createPhone (invalid)', (x) => window.api.createPhone('invalid', x), cfg);
      assert.equal(r.ok, false, `${what} is refused`);
      assert.ok(['bad_options', 'bad_token'].includes(r.code), `${what}: ${r.code} ${r.message}`);
      return r;
    };
    assert.equal((await bad({ ...config, password: 'both' }, 'password and authToken')).code, 'bad_options');
    assert.equal((await bad({ username: 'alice', authToken: config.authToken }, 'no domain')).code, 'bad_options');
    assert.equal((await bad({ username: 'alice', domain: HOST }, 'no credential')).code, 'bad_options');
    assert.equal((await bad({ ...config, authToken: 'not a token' }, 'a bad token')).code, 'bad_token');
  });

  test('tokenWillExpire fires ahead of expiry; an expired token fails registration with token_expired', async () => {
    const LIFETIME = 8;
    const LEAD = 4;
    const tok = await token('alice', LIFETIME);
    const expiresAt = decodeToken(tok).expires;
    await login('alice', { tokenRefreshLeadSeconds: LEAD }, tok);
    const warn = await waitEvent('alice', 'tokenWillExpire', { timeout: (LIFETIME + 5) * 1000 });
    assert.equal(warn.info.expiresAt, expiresAt);
    assert.ok(warn.info.secondsLeft >= 1 && warn.info.secondsLeft <= LEAD, `secondsLeft ${warn.info.secondsLeft}`);
    assert.ok(warn.at < expiresAt * 1000, 'warned before the expiry');
    assert.equal((await events('alice', 'registrationFailed')).length, 0);
    // Let it expire without updateToken; the next REGISTER is refused with a code.
    const wait = expiresAt * 1000 + 1200 - Date.now();
    if (wait > 0) await sleep(wait);
    const since = await mark();
    await ok('phone', 'alice', 'register');
    const failed = await waitEvent('alice', 'registrationFailed', { since });
    assert.equal(failed.info.code, 'token_expired');
    assert.equal(typeof failed.info.status, 'number');
  });

  test('messages both ways; an unknown target fails with message_failed', async () => {
    await login('alice');
    await login('bob');
    const since = await mark();
    await ok('phone', 'alice', 'sendMessage', 'bob', 'hello bob');
    const m = await waitEvent('bob', 'message', { since });
    assert.equal(m.info.body, 'hello bob');
    assert.match(m.info.from, /alice@demo\.bwclient\.test/);
    assert.equal(m.info.contentType, 'text/plain');
    await ok('phone', 'bob', 'sendMessage', `sip:alice@${HOST}`, 'hi alice');
    const back = await waitEvent('alice', 'message', { since });
    assert.equal(back.info.body, 'hi alice');
    assert.match(back.info.from, /bob@demo\.bwclient\.test/);
    assert.equal((await events('alice', 'message', since)).length, 1);
    await fails('message_failed', 'phone', 'alice', 'sendMessage', 'nobody-here', 'x');
  });

  test('blind transfer connects the transferee to the target', async () => {
    const c = await connectedCall();
    await login('carol');
    const since = await mark();
    // Bob sends alice to carol (REFER); alice places the call, carol answers.
    await ok('call', c.b, 'transfer', 'carol');
    const carolCall = await incoming('carol', since);
    assert.match((await info(carolCall)).remoteUri, /^sip:alice@demo\.bwclient\.test/, 'carol is called by alice');
    await ok('call', carolCall, 'answer');
    const moved = await waitEvent(c.a, 'transferred', { since });
    assert.match(moved.info.target, /^sip:carol@demo\.bwclient\.test/);
    await waitFor('bob told the transfer succeeded', () => events(c.b, 'transferProgress', since), {
      accept: (l) => l.some((e) => e.info.status === 200),
    });
    await waitEvent(moved.info.call, 'connected');
    await waitMedia(carolCall);
    await waitMedia(moved.info.call);
    assert.equal((await info(moved.info.call)).direction, 'out');
    await hangup(moved.info.call, carolCall);
  });

  test('the server drops the socket mid-call: the client reconnects with the call up', async () => {
    const c = await connectedCall();
    const since = await mark();
    const res = await withTimeout('POST /demo/drop', fetch(`${env.serverUrl}/demo/drop?endpoint=alice`, { method: 'POST' }), 10_000);
    assert.equal(res.status, 200);
    assert.ok((await res.json()).dropped >= 1, 'the server closed alice\'s socket');
    const rec = await waitEvent('alice', 'reconnecting', { since });
    assert.equal(rec.info.attempt, 1);
    assert.equal(typeof rec.info.delayMs, 'number');
    await waitEvent('alice', 'reconnected', { since, timeout: 30_000 });
    assert.equal(await party.page.evaluate(() => window.api.phones.alice.registered), true);
    // Media never stopped: it is peer to peer.
    await waitMedia(c.a);
    assert.equal((await info(c.a)).status, 'connected');
    // In-dialog requests go through the new socket, both ways.
    const since2 = await mark();
    await ok('call', c.a, 'hold');
    await waitEvent(c.b, 'held', { since: since2 });
    const [b, a] = await hangup(c.b, c.a);
    assert.equal(a.reason, 'remote_hangup', 'alice gets bob\'s BYE on her new socket');
    assert.equal(b.reason, 'local_hangup');
  });

  test('full trickle ICE: the INVITE goes out without candidates, they follow in trickle-ice INFOs', async () => {
    const c = await connectedCall({ alice: { logLevel: 'debug', trickleIce: 'full' }, bob: { logLevel: 'debug' } });
    const invite = sent(await logs('alice'), 'INVITE ')[0];
    assert.ok(invite, 'the INVITE in alice\'s log');
    assert.match(invite, /Recv-Info:\s*trickle-ice/i, invite);
    assert.doesNotMatch(invite, /a=candidate/, 'a full-trickle INVITE goes out before any candidate');
    // Bob got alice's candidates in trickle-ice INFOs (RFC 8840), the last one ending them.
    const trickled = async () => received(await logs('bob'), 'INFO ').filter((m) => /Info-Package:\s*trickle-ice/i.test(m));
    const infos = await waitFor('alice\'s end-of-candidates at bob', trickled, {
      accept: (l) => l.some((m) => m.includes('a=end-of-candidates')),
    });
    assert.ok(infos.some((m) => m.includes('a=candidate:')), JSON.stringify(infos));
    assert.ok(infos.every((m) => /Content-Type:\s*application\/trickle-ice-sdpfrag/i.test(m)), JSON.stringify(infos));
    await hangup(c.a, c.b);
  });

  // ------------------------------------------------------------------ web_media through the API

  test('ICE servers: an unreachable STUN server still lets the offer out with host candidates; invalid iceServers are refused or fail the call', async () => {
    const stun = { iceServers: [{ urls: 'stun:127.0.0.1:9' }], iceGatheringTimeoutMs: 300, logLevel: 'debug' };
    const c = await connectedCall({ alice: stun, bob: { logLevel: 'debug' } });
    const invite = sent(await logs('alice'), 'INVITE ')[0];
    assert.ok(invite, 'the INVITE in alice\'s log');
    assert.match(invite, /a=candidate:.* typ host/, invite);
    assert.doesNotMatch(invite, / typ srflx/, invite);
    await hangup(c.a, c.b);

    // iceServers that are no array of RTCIceServer are refused at login, naming the option;
    // servers the browser itself refuses (a bad URL scheme) fail the call.
    const refused = await loginFails(await token('alice'), { iceServers: 'stun:x' });
    assert.equal(refused.code, 'bad_options');
    assert.match(refused.message, /iceServers/);
    await login('alice2', { iceServers: [{ urls: 'bogus:127.0.0.1' }] }, await token('alice'));
    const since = await mark();
    await dial('alice2', 'bad', 'bob');
    const ended = await waitEvent('bad', 'ended', { since });
    assert.equal(ended.info.reason, 'media_failed');
    assert.equal((await events('bad', 'failed', since)).length, 1);
    await sleep(500); // an INVITE sent anyway would reach bob by then
    assert.equal((await events('bob', 'incomingCall', since)).length, 0, 'no INVITE went out');
  });

  // ------------------------------------------------------------------ web_platform through the API

  test('platform: version, devices, getUserMedia; log level and the console', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'pkg/package.json'), 'utf8'));
    assert.equal(await party.page.evaluate(() => window.api.BWClient.version()), pkg.version);
    const mics = await ev('getMicrophones', () => window.api.BWClient.getMicrophones());
    assert.ok(Array.isArray(mics) && mics.length > 0, JSON.stringify(mics));
    assert.ok(mics.every((m) => typeof m.id === 'string' && m.id && typeof m.name === 'string' && m.name), JSON.stringify(mics));
    const speakers = await ev('getSpeakers', () => window.api.BWClient.getSpeakers());
    assert.ok(Array.isArray(speakers), 'outputs may be absent in a container; listing them must still work');
    assert.ok(speakers.every((s) => typeof s.id === 'string' && typeof s.name === 'string'), JSON.stringify(speakers));
    assert.equal(await ev('getUserMedia', () => window.api.BWClient.getUserMedia()), true);

    // logLevel 'debug': every SIP message goes to the console and to `log` events.
    await login('alice', { logLevel: 'debug' });
    assert.equal(await ok('phone', 'alice', 'getLogLevel'), 'debug');
    assert.equal(await ok('phone', 'alice', 'getTraceSip'), true);
    const registerLines = (await consoleLines()).filter((l) => l.level === 'debug' && l.text.includes('REGISTER sip:'));
    assert.ok(registerLines.length > 0, 'the REGISTER traced to console.debug');

    // unregister, unregister again (nothing to remove: a warning), register.
    const cycle = async () => {
      const s = await mark();
      await ok('phone', 'alice', 'unregister');
      await waitEvent('alice', 'unregistered', { since: s });
      await ok('phone', 'alice', 'unregister');
      await ok('phone', 'alice', 'register');
      await waitEvent('alice', 'registered', { since: s });
      return s;
    };
    // At 'warn' only warnings and errors are written, and no `log` events come.
    await ok('phone', 'alice', 'setLogLevel', 'warn');
    assert.equal(await ok('phone', 'alice', 'getLogLevel'), 'warn');
    let count = (await logs('alice')).length;
    let s = await cycle();
    let lines = await consoleLines(s);
    assert.ok(lines.some((l) => l.level === 'warn' && l.text.includes('unregister')), JSON.stringify(lines));
    assert.deepEqual(lines.filter((l) => l.level === 'debug' || l.level === 'log'), []);
    assert.equal((await logs('alice')).length, count, 'no log events at warn');
    // 'silent' writes nothing at all, not even that warning.
    await ok('phone', 'alice', 'setLogLevel', 'silent');
    s = await cycle();
    assert.deepEqual(await consoleLines(s), []);
    // Back at 'debug', the REGISTERs are traced again, to the console and as `log` events.
    await ok('phone', 'alice', 'setLogLevel', 'debug');
    count = (await logs('alice')).length;
    s = await cycle();
    assert.ok(sent((await logs('alice')).slice(count), 'REGISTER ').length >= 2, 'the un-REGISTER and the REGISTER traced');
    assert.ok((await consoleLines(s)).some((l) => l.level === 'debug' && l.text.includes('REGISTER sip:')));
    await fails('bad_options', 'phone', 'alice', 'setLogLevel', 'loud');
    assert.equal(await ok('phone', 'alice', 'getLogLevel'), 'debug');

    // Without 'debug', SIP is not traced.
    await login('bob', { logLevel: 'warn' });
    assert.equal(await ok('phone', 'bob', 'getTraceSip'), false);
  });
});
