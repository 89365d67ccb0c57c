// Failover between servers (issue 13, item 2): two more bwclient-server processes, A
// (127.0.0.1:18082) and B (:18083), sharing the harness's database and secret, each started with
// `--public-ws-url <A>,<B>` so the tokens they mint carry both URLs. Our client, through the
// package's public API (pages/api.html):
// 1. alice logs in with `servers: [A, B]`, bob on B; A is killed (SIGKILL): alice emits
//    `reconnecting` (next server B), then `reconnected` with `server` B, `phone.server` is B,
//    and she places a call to bob and receives one from him, both through B (audio checked,
//    `getInfo().server` is B).
// 2. the token's own list: with A down, a login without options falls through to B.
// 3. a server that accepts TCP but never answers the WebSocket handshake: after
//    `connectTimeoutMs` the login gives up on it and registers on B.
// 4. a server that freezes (SIGSTOP: the TCP connection stays up, nothing answers): with
//    `keepAliveSeconds: 1` the phone sees bwclient-server's CRLF pongs, then none for 10 s
//    (RFC 5626 §4.4.1), and fails over to B (`reconnecting` reason keepalive_timeout).
// Every token is minted by A before B starts: a server reads the minted-token rows into memory
// when it starts (crates/server/src/db/tokens.rs), so B knows only those minted before.
// Skips until pkg/ is built.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';

import { launchBrowser, newParty } from '../lib/browser.mjs';
import { env } from '../lib/env.mjs';
import { recordFigures } from '../lib/figures.mjs';
import { describeOurs } from '../lib/ours.mjs';
import { startExtraServer } from '../lib/server.mjs';
import { decodeToken } from '../lib/tokens.mjs';
import { waitFor, withTimeout } from '../lib/wait.mjs';

const SUITE = 'ours-failover-server';
const QUIET = { ringback: false, ringtone: false, logLevel: 'log' };

/** A demo token for `endpoint` minted by `server` (it carries the server's URL list). */
async function tokenFrom(server, endpoint) {
  const res = await withTimeout(`demo token from ${server.url}`, fetch(`${server.url}/demo/token?endpoint=${endpoint}`), 10_000);
  assert.equal(res.status, 200, `GET ${server.url}/demo/token answered ${res.status}`);
  return (await res.json()).token;
}

describeOurs('our client fails over from one bwclient-server to the next', { timeout: 120_000 }, () => {
  let browser;
  let party;
  let a;
  let b;
  let mute;
  let frozen;
  const held = new Set();
  const tokens = {};

  before(async () => {
    const urls = 'ws://127.0.0.1:18082/sip,ws://127.0.0.1:18083/sip';
    // One after the other: each sets up the demo rows in the shared database on start.
    a = await startExtraServer('a', 18082, ['--public-ws-url', urls]);
    for (const who of ['alice', 'bob', 'carol']) tokens[who] = await tokenFrom(a, who);
    b = await startExtraServer('b', 18083, ['--public-ws-url', urls]);
    browser = await launchBrowser();
    party = await newParty(browser, SUITE, 'page');
    await party.page.goto(`${env.serverUrl}/e2e/api.html`, { waitUntil: 'load' });
    await waitFor('api page ready', () => party.page.evaluate(() => window.api?.ready === true), { timeout: 10_000 });
  });

  after(async () => {
    await withTimeout('clean-up', party?.page.evaluate(() => window.api.cleanup()), 10_000).catch(() => {});
    await party?.close();
    await browser?.close().catch(() => {});
    for (const s of [a, b, frozen]) await s?.crash().catch(() => {});
    for (const socket of held) socket.destroy();
    mute?.close();
  });

  // ------------------------------------------------------------------ page helpers
  const ev = (what, fn, arg, ms = 20_000) => withTimeout(what, party.page.evaluate(fn, arg), ms);
  const mark = () => party.page.evaluate(() => window.api.seq);
  const phoneProp = (who, prop) => party.page.evaluate(([w, p]) => window.api.phones[w][p], [who, prop]);

  async function login(who, token, options = {}) {
    const r = await ev(`login ${who}`, ([w, t, o]) => window.api.login(w, t, o), [who, token, { ...QUIET, ...options }]);
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

  /** `caller` calls `callee` (call named `name`); answered, audio both ways; returns both names. */
  async function callThrough(caller, callee, name) {
    const since = await mark();
    const r = await ev(`${caller} dials ${callee}`, ([w, c, t]) => window.api.dial(w, c, t), [caller, name, callee]);
    assert.equal(r.ok, true, `${caller}.call(${callee}): ${r.code} ${r.message}`);
    const incoming = (await waitEvent(callee, 'incomingCall', { since })).info.call;
    await ok('call', incoming, 'answer');
    await Promise.all([waitEvent(name, 'connected', { since }), waitEvent(incoming, 'connected', { since })]);
    for (const call of [name, incoming]) {
      const base = (await ok('call', call, 'getStats')).packetsReceived;
      await waitFor(`${call}: audio received`, () => ok('call', call, 'getStats'), { timeout: 15_000, accept: (s) => s.packetsReceived > base + 5 });
    }
    return [name, incoming];
  }

  async function hangUp(call, other) {
    const since = await mark();
    await ok('call', call, 'hangup');
    await Promise.all([waitEvent(call, 'ended', { since }), waitEvent(other, 'ended', { since })]);
  }

  test('servers: [A, B]: A killed → reconnecting, reconnected on B; calls out and in through B', async (t) => {
    await login('alice', tokens.alice, { servers: [a.ws, b.ws] });
    await login('bob', tokens.bob, { servers: [b.ws] });
    assert.equal(await phoneProp('alice', 'server'), a.ws, 'alice starts on the first server');
    assert.equal(await phoneProp('bob', 'server'), b.ws);

    const since = await mark();
    const tCrash = Date.now();
    await a.crash();
    const reconnecting = await waitEvent('alice', 'reconnecting', { since });
    assert.equal(reconnecting.info.server, b.ws, 'the next attempt goes to B');
    const reconnected = await waitEvent('alice', 'reconnected', { since, timeout: 20_000 });
    assert.equal(reconnected.info.server, b.ws);
    assert.equal(await phoneProp('alice', 'server'), b.ws);
    assert.equal(await phoneProp('alice', 'registered'), true);

    // Out: alice → bob through B; the call's info names the server.
    const [out, bobIn] = await callThrough('alice', 'bob', 'out');
    const info = await ev('getInfo', (c) => window.api.calls[c].getInfo(), out);
    assert.equal(info.server, b.ws);
    await hangUp(out, bobIn);
    // In: bob → alice reaches her on B.
    const [bobOut, aliceIn] = await callThrough('bob', 'alice', 'back');
    await hangUp(bobOut, aliceIn);

    recordFigures(t, SUITE, 'failover', { reconnectedAfterCrashMs: reconnected.at - tCrash, attempts: reconnecting.info.attempt });
  });

  test('a token minted with two --public-ws-url carries both; with A down, login without options falls through to B', async () => {
    await a.crash(); // already down after the first test; idempotent
    assert.deepEqual(decodeToken(tokens.carol).wsUrls, [a.ws, b.ws]);
    await login('carol', tokens.carol);
    assert.equal(await phoneProp('carol', 'server'), b.ws);
  });

  test('a server that never answers the handshake is given up after connectTimeoutMs; login registers on B', async () => {
    // Accepts connections and never says a word: the WebSocket stays "connecting".
    mute = net.createServer((socket) => { held.add(socket); });
    await new Promise((resolve) => { mute.listen(18084, '127.0.0.1', resolve); });
    await login('alice2', tokens.alice, { servers: ['ws://127.0.0.1:18084/sip', b.ws], connectTimeoutMs: 500 });
    assert.equal(await phoneProp('alice2', 'server'), b.ws);
    assert.ok(held.size >= 1, 'the client did connect to the silent server first');
  });

  test('a server that freezes (SIGSTOP) stops answering CRLF keep-alives: the phone fails over to B (reason keepalive_timeout)', async (t) => {
    frozen = await startExtraServer('frozen', 18085, ['--public-ws-url', `ws://127.0.0.1:18085/sip,${b.ws}`]);
    await login('bob2', tokens.bob, { servers: [frozen.ws, b.ws], keepAliveSeconds: 1, logLevel: 'debug' });
    assert.equal(await phoneProp('bob2', 'server'), frozen.ws);
    await waitFor('bob2: a CRLF pong from bwclient-server', () => party.page.evaluate(
      () => window.api.logs.bob2.some((m) => m.endsWith('CRLF keep-alive pong')),
    ), { timeout: 10_000 });
    const since = await mark();
    const tFreeze = Date.now();
    process.kill(frozen.pid, 'SIGSTOP'); // crash() (after) SIGKILLs it, stopped or not
    const reconnecting = await waitEvent('bob2', 'reconnecting', { since, timeout: 25_000 });
    assert.equal(reconnecting.info.reason, 'keepalive_timeout');
    assert.equal(reconnecting.info.server, b.ws);
    const reconnected = await waitEvent('bob2', 'reconnected', { since, timeout: 20_000 });
    assert.equal(reconnected.info.server, b.ws);
    assert.equal(await phoneProp('bob2', 'registered'), true);
    recordFigures(t, SUITE, 'freeze', { keepAliveSeconds: 1, detectedAfterFreezeMs: reconnecting.at - tFreeze });
  });
});
