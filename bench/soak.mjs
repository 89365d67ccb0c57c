// Soak (npm run soak, bench/soak.sh): SOAK_PHONES phones (200) driven by bench/loadgen through a
// release bwclient-server for SOAK_MINUTES (10), one connection in 20 sending garbage or
// stalling. Runs inside soak.sh's private network namespace. Starts the server (default
// limits: the phones connect from 127.0.0.2–127.0.0.11, so no address holds more than 20 of
// them), makes the endpoints lg0… and their tokens over REST, runs `loadgen soak`, then judges:
//   - zero lost calls among the well-behaved: every attempt completed (200, ACK seen by the
//     callee, BYE answered 200), none failed or unfinished;
//   - memory flat: server RSS at the end of the calling period within 5 % of RSS at minute 2
//     (at a fifth of the run when it is shorter than 10 minutes);
//   - no panic: the server log has no "panicked" and the process is alive at the end.
// Writes bench/out/soak/soak.json (and bench/out/results/soak.json); exits 1 if a criterion
// fails, 2 if the run itself could not be made.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { BENCH, OUT, ROOT, log, writeResult } from './lib/out.mjs';
import { sleep, withTimeout } from '../tests/e2e/lib/wait.mjs';

const say = log('soak');
const env = process.env;
const PORT = 18100;
const HOST = 'bench.bwclient.test';
const PHONES = Number(env.SOAK_PHONES || 200);
const MINUTES = Number(env.SOAK_MINUTES || 10);
const BAD_EVERY = Number(env.SOAK_BAD_EVERY || 20);
const SOURCES = 10;
const RSS_GROWTH_MAX = 0.05;
const LOADGEN = path.join(BENCH, 'target/release/bwclient-bench-loadgen');
const SERVER = path.join(ROOT, 'target/server/bwclient-server');
const dir = path.join(OUT, 'soak');
const TOKENS = path.join(dir, 'tokens.txt');
const SERVER_LOG = path.join(dir, 'bwclient-server.log');
const children = new Set();

process.on('exit', () => { for (const c of children) { try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ } } });
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

async function waitPort(port, child) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`bwclient-server exited (${child.exitCode})`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`bwclient-server did not listen on ${port}`);
}

async function startServer() {
  const data = path.join(dir, 'server-data');
  fs.rmSync(data, { recursive: true, force: true });
  const logFd = fs.openSync(SERVER_LOG, 'w');
  const child = spawn(SERVER, ['--listen', `127.0.0.1:${PORT}`, '--data', data, '--www', path.join(ROOT, 'www'), '--pkg', path.join(ROOT, 'pkg')], {
    stdio: ['ignore', logFd, logFd], env: { ...env, RUST_LOG: 'warn', NO_COLOR: '1' },
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  await waitPort(PORT, child);
  const base = `http://127.0.0.1:${PORT}`;
  const auth = `Basic ${Buffer.from(`${env.BWCLIENT_API_TOKEN}:${env.BWCLIENT_API_SECRET}`).toString('base64')}`;
  const api = async (method, p, body) => {
    const res = await withTimeout(`${method} ${p}`, fetch(`${base}${p}`, {
      method, headers: { authorization: auth, 'content-type': 'application/json' }, body: body && JSON.stringify(body),
    }), 10_000);
    const json = await res.json().catch(() => null);
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const me = await api('GET', '/v1/me');
  const domain = await api('POST', `/v1/users/${me.id}/domains`, { name: 'bench', description: 'soak' });
  const tokens = [];
  for (let i = 0; i < PHONES; i += 1) {
    const ep = await api('POST', `/v1/users/${me.id}/domains/${domain.id}/endpoints`, { name: `lg${i}`, description: 'soak', enabled: true });
    const expires = Math.ceil(MINUTES * 60 + 3600);
    tokens.push((await api('POST', `/v1/users/${me.id}/domains/${domain.id}/endpoints/${ep.id}/tokens`, { expires })).token);
  }
  fs.writeFileSync(TOKENS, `${tokens.join('\n')}\n`, { mode: 0o600 });
  say(`bwclient-server pid ${child.pid} on ${PORT}: ${PHONES} endpoints and tokens`);
  return child;
}

/** Runs the load generator; its progress lines (stderr) are shown as they come. */
function loadgen(args, timeoutS) {
  return new Promise((resolve) => {
    const child = spawn(LOADGEN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; process.stdout.write(d); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        resolve({ error: `loadgen exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ').slice(0, 500)}` });
      }
    });
  });
}

/** The sample nearest to `t` seconds. */
const at = (samples, t) => samples.reduce((best, s) => (!best || Math.abs(s[0] - t) < Math.abs(best[0] - t) ? s : best), null);

fs.mkdirSync(dir, { recursive: true });
const result = {
  phones: PHONES, minutes: MINUTES, badEvery: BAD_EVERY,
  serverOptions: 'defaults (max_connections_per_addr 2,000, max_unauthenticated_per_addr 100, auth deadline 10 s, 50 frames/s per connection)',
  sourceAddresses: `127.0.0.2–127.0.0.${1 + SOURCES} (phone i from 127.0.0.${'{'}2 + i % ${SOURCES}${'}'})`,
};
let server;
let exitCode = 2;
try {
  server = await startServer();
  const lg = await loadgen(['soak', '--url', `ws://127.0.0.1:${PORT}/sip`, '--host', HOST, '--tokens', TOKENS, '--pid', String(server.pid),
    '--phones', String(PHONES), '--minutes', String(MINUTES), '--bad-every', String(BAD_EVERY), '--sources', String(SOURCES)], MINUTES * 60 + 300);
  result.loadgen = lg;
  const alive = server.exitCode === null && server.signalCode === null;
  await sleep(500);
  const logText = fs.readFileSync(SERVER_LOG, 'utf8');
  const panics = logText.split('\n').filter((l) => l.includes('panicked'));
  if (lg.error) throw new Error(lg.error);
  const samples = lg.samples || [];
  const end = samples[samples.length - 1];
  const baseT = Math.min(120, (MINUTES * 60) / 5);
  const base = at(samples, baseT);
  const growth = base && end ? (end[1] - base[1]) / base[1] : null;
  const c = lg.calls;
  result.criteria = {
    noLostCalls: { pass: c.attempted > 0 && c.completed === c.attempted && c.failed === 0 && c.unfinished === 0, attempted: c.attempted, completed: c.completed, failed: c.failed, unfinished: c.unfinished, reasons: lg.reasons },
    memoryFlat: { pass: growth !== null && growth < RSS_GROWTH_MAX, baselineSecond: base?.[0], baselineKiB: base?.[1], endSecond: end?.[0], endKiB: end?.[1], growth, max: RSS_GROWTH_MAX, peakKiB: Math.max(...samples.map((s) => s[1])) },
    noPanic: { pass: alive && panics.length === 0 && !lg.serverGone, alive, panics: panics.slice(0, 5) },
  };
  result.serverCpuSeconds = lg.serverCpuSeconds;
  result.serverCpuUtilisation = lg.serverCpuUtilisation;
  result.callsPerSecond = c.attempted / (lg.callingSeconds || 1);
  result.serverLogLines = logText.split('\n').length - 1;
  result.pass = Object.values(result.criteria).every((x) => x.pass);
  exitCode = result.pass ? 0 : 1;
  const k = result.criteria;
  say(`calls: ${c.attempted} attempted, ${c.completed} completed, ${c.failed} failed, ${c.unfinished} unfinished${c.failed ? ` ${JSON.stringify(lg.reasons)}` : ''}: ${k.noLostCalls.pass ? 'PASS' : 'FAIL'}`);
  say(`RSS: ${base?.[1]} KiB at ${base?.[0]} s, ${end?.[1]} KiB at ${end?.[0]} s (${growth === null ? '?' : (growth * 100).toFixed(2)} %, < 5 %): ${k.memoryFlat.pass ? 'PASS' : 'FAIL'}`);
  say(`panic: ${panics.length} "panicked" lines, server ${alive ? 'alive' : 'gone'}: ${k.noPanic.pass ? 'PASS' : 'FAIL'}`);
  say(`server CPU ${lg.serverCpuSeconds} s over ${lg.callingSeconds} s (${(lg.serverCpuUtilisation * 100).toFixed(1)} % of one core)`);
} catch (e) {
  say(`failed: ${e.stack || e.message}`);
  result.error = String(e.message || e);
} finally {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    for (let i = 0; i < 50 && server.exitCode === null; i += 1) await sleep(100);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
}
const file = writeResult('soak', result);
fs.copyFileSync(file, path.join(dir, 'soak.json'));
say(`${result.pass ? 'PASS' : 'FAIL'}: ${file}`);
process.exit(exitCode);
