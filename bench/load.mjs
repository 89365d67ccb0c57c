// 4. Server load: bwclient-server (release build) against Kamailio (deploy/kamailio profile),
// driven by bench/loadgen over loopback inside the bench's private network namespace.
//   - REGISTER rate: 200 OKs per CPU-second of the server (its whole process tree), with
//     X-Callsign-Token and with digest (auth_ephemeral credentials) for ours, digest for Kamailio;
//     the runs alternate server by server, repeated BENCH_LOAD_REPS times.
//   - The same REGISTER runs for ours with a REST writer beside them (BENCH_WRITES_PER_SECOND,
//     default 100): endpoints created and deleted, tokens minted and revoked, numbers added and
//     removed, endpoints disabled and enabled, through the REST API of the server under load.
//   - Held connections: BENCH_HOLD_CONNS registered WebSocket connections, resident memory
//     (RSS and PSS of the process tree) before and after.
// Both servers are started here, fresh, and stopped by pid at the end.
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

import { BENCH, OUT, ROOT, log, writeResult } from './lib/out.mjs';
import { summary, pairRatios } from './lib/stats.mjs';
import { sleep, withTimeout } from '../tests/e2e/lib/wait.mjs';

const say = log('load');
const run = promisify(execFile);
const env = process.env;
const SECRET = env.BWCLIENT_TOKEN_SECRET;
const OUR_PORT = 18090;
const KAM_PORT = 15076;
const HOST = 'bench.bwclient.test';
const USERS = Number(env.BENCH_LOAD_USERS || 500);
const RATE_CONNS = Number(env.BENCH_RATE_CONNS || 1000);
const REPS = Number(env.BENCH_LOAD_REPS || 3);
const WARMUP = Number(env.BENCH_RATE_WARMUP || 2);
const DURATION = Number(env.BENCH_RATE_SECONDS || 4);
const HOLD = Number(env.BENCH_HOLD_CONNS || 10000);
const HOLD_REPS = Number(env.BENCH_HOLD_REPS || 3);
const WRITES = Number(env.BENCH_WRITES_PER_SECOND || 100);
const LOADGEN = path.join(BENCH, 'target/release/bwclient-bench-loadgen');
const SERVER = env.BENCH_SERVER_BIN || path.join(ROOT, 'target/server/bwclient-server');
const dir = path.join(OUT, 'load');
/** Tokens the server minted for lg0…, one a line (bwclient-bench-loadgen --tokens). */
const TOKENS = path.join(dir, 'tokens.txt');
const children = new Set();
/** The REST API of the running bwclient-server (set by startOurs). */
let ourApi = null;

function stopAll() {
  for (const c of children) {
    try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
  }
}
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

/** utime + stime of process `pid` (all its threads), in seconds. */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
const CLK_TCK = 100;

async function waitPort(port, child, what) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode})`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${what} did not listen on ${port}`);
}

function start(what, cmd, args, opts) {
  const logFile = fs.openSync(path.join(dir, `${what}.log`), 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', logFile, logFile], ...opts });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

async function stop(child) {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  for (let i = 0; i < 50 && child.exitCode === null; i += 1) await sleep(100);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function startOurs() {
  const data = path.join(dir, 'server-data');
  fs.rmSync(data, { recursive: true, force: true });
  const child = start('bwclient-server', SERVER, ['--listen', `127.0.0.1:${OUR_PORT}`, '--data', data, '--www', path.join(OUT, 'www'), '--pkg', path.join(ROOT, 'pkg')], {
    // The load generator is one address standing in for every phone: the per-address caps of
    // `/sip` (issue 11, hole 5; defaults 2000 connections, 100 unauthenticated) are raised
    // above its connection counts.
    env: {
      ...env, RUST_LOG: 'warn', NO_COLOR: '1',
      BWCLIENT_SIP_MAX_CONNECTIONS_PER_ADDR: String(Math.max(HOLD, RATE_CONNS) + 1000),
      BWCLIENT_SIP_MAX_UNAUTHENTICATED_PER_ADDR: String(Math.max(RATE_CONNS, 200) + 100),
    },
  });
  await waitPort(OUR_PORT, child, 'bwclient-server');
  // USERS endpoints lg0… in domain "bench" (REST API), so every REGISTER names a real one
  // and no AOR holds more than max_contacts_per_aor (32) bindings.
  const base = `http://127.0.0.1:${OUR_PORT}`;
  const auth = `Basic ${Buffer.from(`${env.BWCLIENT_API_TOKEN}:${env.BWCLIENT_API_SECRET}`).toString('base64')}`;
  const api = async (method, p, body) => {
    const res = await withTimeout(`${method} ${p}`, fetch(`${base}${p}`, {
      method, headers: { authorization: auth, 'content-type': 'application/json' }, body: body && JSON.stringify(body),
    }), 10_000);
    const json = await res.json().catch(() => null);
    if (res.status === 204) return {};
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const me = await api('GET', '/v1/me');
  const domain = await api('POST', `/v1/users/${me.id}/domains`, { name: 'bench', description: 'bench load' });
  const t0 = Date.now();
  const endpoints = [];
  for (let i = 0; i < USERS; i += 1) {
    endpoints.push(await api('POST', `/v1/users/${me.id}/domains/${domain.id}/endpoints`, { name: `lg${i}`, description: 'bench', enabled: true }));
  }
  // Tokens come from the server: it accepts only tokens it minted and recorded (issue 11,
  // hole 4); Kamailio checks the same rows in the shared database.
  const tokens = [];
  for (let i = 0; i < USERS; i += 1) {
    tokens.push((await api('POST', `/v1/users/${me.id}/domains/${domain.id}/endpoints/${endpoints[i].id}/tokens`, { expires: 7200 })).token);
  }
  fs.writeFileSync(TOKENS, `${tokens.join('\n')}\n`, { mode: 0o600 });
  ourApi = { api, user: me.id, domain: domain.id };
  say(`bwclient-server pid ${child.pid} on ${OUR_PORT}: ${USERS} endpoints and tokens created in ${Date.now() - t0} ms`);
  return child;
}

async function startKamailio() {
  // The deploy profile, with two limits raised for 10,000 connections: tcp_max_connections
  // (default 2048) and the shared memory (-m, 64 MB in deploy/kamailio/run.sh).
  const runDir = path.join(dir, 'kamailio');
  fs.mkdirSync(runDir, { recursive: true });
  const cfg = fs.readFileSync(path.join(ROOT, 'deploy/kamailio/kamailio.cfg'), 'utf8')
    .replace(/^tcp_rd_buf_size=.*$/m, (l) => `${l}\ntcp_max_connections=${HOLD + 2000}`);
  fs.writeFileSync(path.join(runDir, 'kamailio.cfg'), cfg);
  fs.writeFileSync(path.join(runDir, 'secret.cfg'), `modparam("auth_ephemeral", "secret", "${SECRET}")\n`, { mode: 0o600 });
  const cfgFile = path.join(runDir, 'kamailio.cfg');
  await run_("kamailio -c", 'kamailio', ['-c', '-f', cfgFile, '-A', `WS_PORT=${KAM_PORT}`]);
  const child = start('kamailio', 'kamailio', ['-f', cfgFile, '-P', path.join(runDir, 'kamailio.pid'), '-Y', runDir, '-m', '1024', '-M', '16', '-DD', '-E', '-A', `WS_PORT=${KAM_PORT}`], {});
  await waitPort(KAM_PORT, child, 'kamailio');
  say(`kamailio pid ${child.pid} on ${KAM_PORT}`);
  return child;
}

async function run_(what, cmd, args) {
  try {
    return await run(cmd, args, { timeout: 30_000 });
  } catch (e) {
    throw new Error(`${what}: ${e.stderr || e.message}`);
  }
}

async function loadgen(args, timeoutS) {
  try {
    const { stdout } = await run(LOADGEN, args, { timeout: timeoutS * 1000, maxBuffer: 1 << 20 });
    // A run with no 200 at all reports NaN percentiles (not JSON).
    return JSON.parse(stdout.trim().split('\n').pop().replace(/\bNaN\b/g, 'null'));
  } catch (e) {
    say(`loadgen ${args.slice(0, 1)} failed: ${(e.stderr || e.message).toString().trim().slice(0, 300)}`);
    return { error: String(e.stderr || e.message).slice(0, 500) };
  }
}

/**
 * A REST writer at `perSecond` writes/s against ours until `stop()` (which returns its counts).
 * 25 chains, each cycling through the eight kinds of write on its own scratch endpoint
 * (never one the load generator registers as): create endpoint, mint token, add number,
 * disable, enable, revoke token, remove number, delete endpoint. Paced by a schedule, not by
 * the answers: a slow answer delays that chain's next write, not the others'.
 */
function startWriter(perSecond) {
  const { api, user, domain } = ourApi;
  const chains = 25;
  const period = (1000 * chains) / perSecond;
  const counts = { writes: 0, errors: 0, firstError: '', seconds: 0 };
  let stopping = false;
  const t0 = Date.now();
  const d = `/v1/users/${user}/domains/${domain}`;
  const chain = async (c) => {
    let n = 0;
    let next = Date.now();
    const write = async (f) => {
      next += period;
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        const r = await f();
        counts.writes += 1;
        return r;
      } catch (e) {
        counts.errors += 1;
        counts.firstError ||= String(e.message || e).slice(0, 200);
        return null;
      }
    };
    while (!stopping) {
      const name = `w${c}x${n}`;
      const number = `+1555${String(c).padStart(2, '0')}${String(n % 100000).padStart(5, '0')}`;
      n += 1;
      const ep = await write(() => api('POST', `${d}/endpoints`, { name, description: 'bench writer', enabled: true }));
      if (!ep) continue;
      const e = `${d}/endpoints/${ep.id}`;
      const tok = await write(() => api('POST', `${e}/tokens`, { expires: 600 }));
      const num = await write(() => api('POST', `/v1/users/${user}/phoneNumbers`, { number, endpointId: ep.id }));
      await write(() => api('PATCH', e, { enabled: false }));
      await write(() => api('PATCH', e, { enabled: true }));
      if (tok) await write(() => api('DELETE', `${e}/tokens/${encodeURIComponent(tok.token)}`));
      if (num) await write(() => api('DELETE', `/v1/users/${user}/phoneNumbers/${num.id}`));
      await write(() => api('DELETE', e));
    }
  };
  const running = Promise.all(Array.from({ length: chains }, (_, c) => chain(c)));
  return {
    async stop() {
      stopping = true;
      await running;
      counts.seconds = (Date.now() - t0) / 1000;
      counts.perSecond = counts.writes / counts.seconds;
      return counts;
    },
  };
}

const target = {
  ours: { url: `ws://127.0.0.1:${OUR_PORT}/sip` },
  kamailio: { url: `ws://127.0.0.1:${KAM_PORT}` },
};
const common = (t) => ['--url', target[t].url, '--host', HOST, '--secret', SECRET, '--tokens', TOKENS, '--users', String(USERS)];

fs.mkdirSync(dir, { recursive: true });
const result = { hostUsers: USERS, rateConns: RATE_CONNS, reps: REPS, warmupSeconds: WARMUP, seconds: DURATION, holdConns: HOLD, rate: {}, hold: {} };
let ours;
let kam;
try {
  ours = await startOurs();
  kam = await startKamailio();
  target.ours.pid = ours.pid;
  target.kamailio.pid = kam.pid;

  // REGISTER rate, alternating the servers each repetition.
  // "-writer": the same run with the REST writer beside it.
  const runs = { 'ours-token': [], 'ours-digest': [], 'kamailio-digest': [], 'ours-token-writer': [], 'ours-digest-writer': [] };
  const writes = [];
  for (let r = 0; r < REPS; r += 1) {
    const order = r % 2 === 0 ? Object.keys(runs) : Object.keys(runs).reverse();
    for (const key of order) {
      const [t, auth, withWriter] = key.split('-');
      const writer = withWriter ? startWriter(WRITES) : null;
      const res = await loadgen(['rate', ...common(t), '--auth', auth, '--conns', String(RATE_CONNS), '--warmup', String(WARMUP),
        '--duration', String(DURATION), '--pid', String(target[t].pid), '--max-rate-per-conn', '40'], WARMUP + DURATION + 60);
      if (writer) {
        res.writer = await writer.stop();
        writes.push(res.writer);
      }
      runs[key].push(res);
      say(`rate ${key} #${r + 1}: ${res.perCpuSecond ?? '-'} REGISTER/CPU-s, ${res.perSecond ?? '-'} /s, cpu ${res.cpuUtilisation ?? '-'}, p50 ${res.latencyMs?.p50 ?? '-'} ms, 401s ${res.challenged ?? '-'}, other ${res.other ?? '-'}, errors ${res.errors ?? '-'}${res.writer ? `; writer ${res.writer.perSecond.toFixed(1)} writes/s, ${res.writer.errors} errors${res.writer.firstError ? ` (${res.writer.firstError})` : ''}` : ''}`);
    }
  }
  // The writer alone (no REGISTER load): the server CPU its writes cost, so the with-writer
  // figures can be read net of it (the rate runs count all of the server's CPU).
  const alone = [];
  for (let r = 0; r < REPS; r += 1) {
    const w = startWriter(WRITES);
    await sleep(WARMUP * 1000);
    const c0 = cpuSeconds(ours.pid);
    const t0 = Date.now();
    await sleep(DURATION * 1000);
    const cpu = cpuSeconds(ours.pid) - c0;
    const wall = (Date.now() - t0) / 1000;
    const counts = await w.stop();
    alone.push({ cpuPerSecond: cpu / wall, writesPerSecond: counts.perSecond, msPerWrite: (1000 * cpu) / (wall * counts.perSecond) });
    say(`writer alone #${r + 1}: ${counts.perSecond.toFixed(1)} writes/s, server CPU ${(cpu / wall).toFixed(3)} s/s`);
  }
  const writerCpu = summary(alone.map((a) => a.cpuPerSecond)).median;
  for (const key of ['ours-token-writer', 'ours-digest-writer']) {
    for (const x of runs[key]) {
      if (Number.isFinite(x.cpuSeconds) && Number.isFinite(writerCpu)) x.perCpuSecondNet = x.ok / Math.max(1e-9, x.cpuSeconds - writerCpu * x.wallSeconds);
    }
  }
  result.writer = {
    alone: { runs: alone, cpuPerSecond: summary(alone.map((a) => a.cpuPerSecond)), msPerWrite: summary(alone.map((a) => a.msPerWrite)) },
    target: WRITES,
    perSecond: summary(writes.map((w) => w.perSecond)),
    errors: writes.reduce((n, w) => n + w.errors, 0),
    firstError: writes.map((w) => w.firstError).find(Boolean) || '',
  };
  for (const [key, list] of Object.entries(runs)) {
    result.rate[key] = {
      runs: list,
      perCpuSecond: summary(list.map((x) => x.perCpuSecond)),
      perSecond: summary(list.map((x) => x.perSecond)),
      latencyP50Ms: summary(list.map((x) => x.latencyMs?.p50)),
      latencyP95Ms: summary(list.map((x) => x.latencyMs?.p95)),
    };
  }
  const kamCpu = runs['kamailio-digest'].map((x) => x.perCpuSecond);
  result.rate.ratios = {
    'ours-token/kamailio-digest': summary(pairRatios(runs['ours-token'].map((x) => x.perCpuSecond), kamCpu)),
    'ours-digest/kamailio-digest': summary(pairRatios(runs['ours-digest'].map((x) => x.perCpuSecond), kamCpu)),
    'ours-token-writer/kamailio-digest': summary(pairRatios(runs['ours-token-writer'].map((x) => x.perCpuSecond), kamCpu)),
    'ours-digest-writer/kamailio-digest': summary(pairRatios(runs['ours-digest-writer'].map((x) => x.perCpuSecond), kamCpu)),
    'ours-token-writer/ours-token': summary(pairRatios(runs['ours-token-writer'].map((x) => x.perCpuSecond), runs['ours-token'].map((x) => x.perCpuSecond))),
    'ours-digest-writer/ours-digest': summary(pairRatios(runs['ours-digest-writer'].map((x) => x.perCpuSecond), runs['ours-digest'].map((x) => x.perCpuSecond))),
    'ours-token-writer-net/ours-token': summary(pairRatios(runs['ours-token-writer'].map((x) => x.perCpuSecondNet), runs['ours-token'].map((x) => x.perCpuSecond))),
    'ours-digest-writer-net/ours-digest': summary(pairRatios(runs['ours-digest-writer'].map((x) => x.perCpuSecondNet), runs['ours-digest'].map((x) => x.perCpuSecond))),
  };

  // Held connections: one server at a time, each freshly restarted so the baseline is clean;
  // HOLD_REPS repetitions alternating the servers.
  await stop(ours);
  await stop(kam);
  const holds = { ours: [], kamailio: [] };
  for (let r = 0; r < HOLD_REPS; r += 1) {
    const order = r % 2 === 0 ? [['ours', 'token'], ['kamailio', 'digest']] : [['kamailio', 'digest'], ['ours', 'token']];
    for (const [t, auth] of order) {
      const child = t === 'ours' ? await startOurs() : await startKamailio();
      await sleep(1000);
      const res = await loadgen(['hold', ...common(t), '--auth', auth, '--conns', String(HOLD), '--pid', String(child.pid),
        '--concurrency', '200', '--settle', '3', '--deadline', '90'], 200);
      holds[t].push(res);
      say(`hold ${t} #${r + 1}: ${res.held ?? '-'} held (${res.failed ?? '-'} failed${res.firstError ? `: ${res.firstError}` : ''}) in ${res.rampSeconds ?? '-'} s; RSS ${res.rssKiBPerConn ?? '-'} KiB/conn, PSS ${res.pssKiBPerConn ?? '-'} KiB/conn`);
      await stop(child);
    }
  }
  const ok = (x) => !x.error && x.held > 0;
  for (const t of ['ours', 'kamailio']) {
    const list = holds[t];
    result.hold[t] = {
      runs: list,
      held: summary(list.filter(ok).map((x) => x.held)),
      failed: list.reduce((n, x) => n + (x.failed || 0) + (x.error ? 1 : 0), 0),
      firstError: list.map((x) => x.firstError || x.error).find(Boolean) || '',
      rampSeconds: summary(list.filter(ok).map((x) => x.rampSeconds)),
      pssKiBPerConn: summary(list.filter(ok).map((x) => x.pssKiBPerConn)),
      rssKiBPerConn: summary(list.filter(ok).map((x) => x.rssKiBPerConn)),
      pssKiBTotal: summary(list.filter(ok).map((x) => x.pssKiB[1])),
    };
  }
  result.hold.ratio = summary(pairRatios(holds.ours.map((x) => (ok(x) ? x.pssKiBPerConn : null)), holds.kamailio.map((x) => (ok(x) ? x.pssKiBPerConn : null))));
  result.holdReps = HOLD_REPS;
} catch (e) {
  say(`failed: ${e.stack || e.message}`);
  result.error = String(e.message || e);
} finally {
  await stop(ours);
  await stop(kam);
  stopAll();
}
writeResult('load', result);
