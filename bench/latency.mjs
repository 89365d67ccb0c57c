// 3. Login and call setup, ours against JsSIP, in one browser, through bwclient-server and
// through Kamailio; and the floor: two peer connections in one page.
//   login: login() → registered (ours: BWClient.login resolves; JsSIP: UA 'registered');
//   call:  call() → connected on both sides, the callee answering by itself (ours: 'connected'
//          on both calls; JsSIP: 'confirmed' on both sessions), then ICE+DTLS connected and the
//          first inbound audio frame on both sides.
// Rounds alternate which client goes first; ratios are ours/JsSIP per round. Every party is in
// a context of its own (its own renderer process), all logged in with REST-minted tokens of
// endpoints in domain e2e (tests/e2e/lib/tokens.mjs): ours oalice → obob, JsSIP jalice → jbob.
import { env } from '../tests/e2e/lib/env.mjs';
import { decodeToken, restToken } from '../tests/e2e/lib/tokens.mjs';
import { sleep } from '../tests/e2e/lib/wait.mjs';
import { launch, openPage } from './lib/browser.mjs';
import { log, writeResult } from './lib/out.mjs';
import { pairRatios, summary } from './lib/stats.mjs';

const say = log('latency');
const CALLS = Number(process.env.BENCH_CALLS || 30);
const LOGINS = Number(process.env.BENCH_LOGINS || 30);
const FLOOR = Number(process.env.BENCH_FLOOR || 30);
const SERVERS = { 'bwclient-server': () => env.serverWs, kamailio: () => env.kamailioWs };

const tokens = {};
for (const n of ['oalice', 'obob', 'jalice', 'jbob']) tokens[n] = (await restToken(n, { expires: 7200 })).token;
const creds = (name) => ({ ...decodeToken(tokens[name]), token: tokens[name] });
const loginArg = (impl, name, ws) => (impl === 'ours'
  ? { token: tokens[name], server: ws }
  : { creds: creds(name), wsUrl: ws, sendTokenHeader: true });
const host = decodeToken(tokens.obob).host;
const target = { ours: 'obob', jssip: `sip:jbob@${host}` };

const browser = await launch();
const result = { calls: CALLS, logins: LOGINS, floorRuns: FLOOR, servers: {}, floor: {} };
const pages = {};
const orderOf = (r) => (r % 2 === 0 ? ['ours', 'jssip'] : ['jssip', 'ours']);

async function oneCall(impl, n) {
  const caller = pages[impl].caller;
  const callee = pages[impl].callee;
  const incoming = callee.ev((k) => window.bench.incomingConnected(k), n);
  incoming.catch(() => {});
  const out = await caller.ev((t) => window.bench.call(t), target[impl]);
  const inc = await incoming;
  const row = {
    callerConnectedMs: out.connectedAt - out.t0,
    bothConnectedMs: Math.max(out.connectedAt, inc.connectedAt) - out.t0,
  };
  // ICE + DTLS connected and first inbound audio on both sides (bounded; a miss is recorded).
  const [mo, mi] = await Promise.all([
    caller.ev(() => window.bench.waitMedia('out')),
    callee.ev((k) => window.bench.waitMedia('in', k), n),
  ]);
  if (mo[0] !== null && mi[0] !== null) row.bothMediaConnectedMs = Math.max(mo[0], mi[0]) - out.t0;
  if (mo[1] !== null) row.callerFirstAudioMs = mo[1] - out.t0;
  if (mo[1] !== null && mi[1] !== null) row.bothFirstAudioMs = Math.max(mo[1], mi[1]) - out.t0;
  if ([...mo, ...mi].some((x) => x === null)) row.mediaMissing = true;
  await caller.ev(() => window.bench.hangup());
  await callee.ev((k) => window.bench.incomingEnded(k), n);
  return row;
}

try {
  for (const impl of ['ours', 'jssip']) {
    const file = impl === 'ours' ? 'ours.html' : 'jssip.html';
    pages[impl] = {
      caller: await openPage(browser, `${impl}-caller`, file, { media: true }),
      callee: await openPage(browser, `${impl}-callee`, file, { media: true }),
    };
  }
  const callerName = { ours: 'oalice', jssip: 'jalice' };
  const calleeName = { ours: 'obob', jssip: 'jbob' };
  for (const [server, wsOf] of Object.entries(SERVERS)) {
    const ws = wsOf();
    const res = { login: { ours: [], jssip: [] }, calls: { ours: [], jssip: [] }, failures: { ours: [], jssip: [] } };
    result.servers[server] = res;
    const tPhase = Date.now();
    // Logins: log in, then out, LOGINS times per client.
    for (let r = 0; r < LOGINS + 1; r += 1) {
      for (const impl of orderOf(r)) {
        const p = pages[impl].caller;
        try {
          const ms = await p.ev((o) => window.bench.login(o), loginArg(impl, callerName[impl], ws));
          if (r > 0) res.login[impl].push(ms); // round 0 warms up (first WebSocket, JIT)
        } catch (e) {
          res.failures[impl].push(`login: ${e.message}`);
          if (r > 0) res.login[impl].push(null);
        }
        await p.ev(() => window.bench.logout()).catch(() => {});
      }
    }
    say(`${server}: logins took ${((Date.now() - tPhase) / 1000).toFixed(1)} s`);
    const tCalls = Date.now();
    // Calls: both parties stay logged in.
    for (const impl of ['ours', 'jssip']) {
      await pages[impl].caller.ev((o) => window.bench.login(o), loginArg(impl, callerName[impl], ws));
      await pages[impl].callee.ev((o) => window.bench.login(o), loginArg(impl, calleeName[impl], ws));
    }
    const count = { ours: 0, jssip: 0 };
    for (let r = 0; r < CALLS + 1; r += 1) {
      for (const impl of orderOf(r)) {
        const n = await pages[impl].callee.ev(() => window.bench.incomingCount());
        try {
          const row = await oneCall(impl, n);
          if (r > 0) res.calls[impl].push(row);
          count[impl] += 1;
        } catch (e) {
          res.failures[impl].push(`call ${r}: ${e.message}`);
          if (r > 0) res.calls[impl].push({});
          // Best effort: end whatever is left before the next round.
          await pages[impl].caller.ev(() => window.bench.hangup()).catch(() => {});
        }
        await sleep(100);
      }
    }
    say(`${server}: calls took ${((Date.now() - tCalls) / 1000).toFixed(1)} s`);
    for (const impl of ['ours', 'jssip']) {
      await pages[impl].caller.ev(() => window.bench.logout()).catch(() => {});
      await pages[impl].callee.ev(() => window.bench.logout()).catch(() => {});
    }
    const col = (impl, k) => res.calls[impl].map((c) => c[k] ?? null);
    res.summary = {};
    for (const impl of ['ours', 'jssip']) {
      res.summary[impl] = {
        login: summary(res.login[impl]),
        ...Object.fromEntries(['callerConnectedMs', 'bothConnectedMs', 'bothMediaConnectedMs', 'callerFirstAudioMs', 'bothFirstAudioMs']
          .map((k) => [k, summary(col(impl, k))])),
      };
    }
    res.ratio = {
      login: summary(pairRatios(res.login.ours, res.login.jssip)),
      bothConnectedMs: summary(pairRatios(col('ours', 'bothConnectedMs'), col('jssip', 'bothConnectedMs'))),
      bothMediaConnectedMs: summary(pairRatios(col('ours', 'bothMediaConnectedMs'), col('jssip', 'bothMediaConnectedMs'))),
      bothFirstAudioMs: summary(pairRatios(col('ours', 'bothFirstAudioMs'), col('jssip', 'bothFirstAudioMs'))),
    };
    for (const impl of ['ours', 'jssip']) {
      const s = res.summary[impl];
      say(`${server} ${impl}: login ${s.login.median?.toFixed(1)} ms, call→connected both ${s.bothConnectedMs.median?.toFixed(1)} ms (p95 ${s.bothConnectedMs.p95?.toFixed(1)}), media ${s.bothMediaConnectedMs.median?.toFixed(1)} ms, first audio ${s.bothFirstAudioMs.median?.toFixed(1)} ms; ${res.failures[impl].length} failures`);
    }
  }
  for (const impl of ['ours', 'jssip']) {
    await pages[impl].caller.close();
    await pages[impl].callee.close();
  }

  // The floor: two peer connections in one page.
  const f = await openPage(browser, 'floor', 'floor.html');
  const floor = { trickle: [], gathered: [] };
  const modes = ['trickle', 'gathered'];
  for (let r = 0; r < FLOOR + 1; r += 1) {
    for (const mode of r % 2 === 0 ? modes : [...modes].reverse()) {
      try {
        const ms = await f.ev((m) => window.bench.floor(m), mode);
        if (r > 0) floor[mode].push(ms);
      } catch (e) {
        if (r > 0) floor[mode].push(null);
      }
    }
  }
  result.floor = { runs: floor, trickle: summary(floor.trickle), gathered: summary(floor.gathered) };
  say(`floor: trickle ${result.floor.trickle.median?.toFixed(1)} ms, gathered ${result.floor.gathered.median?.toFixed(1)} ms`);
  await f.close();
} catch (e) {
  say(`failed: ${e.stack || e.message}`);
  result.error = String(e.message || e);
} finally {
  await browser.close().catch(() => {});
}
writeResult('latency', result);
