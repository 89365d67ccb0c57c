// Crashes and restarts the harness's bwclient-server (tests/e2e/run.sh writes the launcher
// $E2E_SERVER_START and the pid file $E2E_SERVER_PID_FILE): same port, data folder and secrets.
// Also starts extra bwclient-server processes on other ports sharing the harness's database
// (the failover spec's servers A and B).
import { spawn } from 'node:child_process';
import fs, { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { ROOT, env } from './env.mjs';
import { waitFor } from './wait.mjs';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e specs through tests/e2e/run.sh`);
  return value;
}

/** True if something accepts TCP connections on the server's port (or `url`'s). */
function listening(url = env.serverUrl) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** SIGKILL (a crash: no shutdown, no close frames); resolves once the port is closed. */
export async function crashServer() {
  const pid = Number(readFileSync(required('E2E_SERVER_PID_FILE'), 'utf8').trim());
  process.kill(pid, 'SIGKILL');
  await waitFor('bwclient-server gone', async () => !(await listening()), { timeout: 10_000 });
}

/** Starts the server again through the harness's launcher; resolves once it listens. */
export async function startServer() {
  const child = spawn('bash', [required('E2E_SERVER_START')], { detached: true, stdio: 'ignore' });
  child.unref();
  writeFileSync(required('E2E_SERVER_PID_FILE'), String(child.pid));
  await waitFor('bwclient-server listening again', listening, { timeout: 15_000 });
}

/**
 * Starts another bwclient-server (target/debug, demo mode) on 127.0.0.1:`port` with the harness's
 * secrets and database ($BWCLIENT_DB: tokens minted by any of them log in on all), its own data
 * folder, and `args` (e.g. --public-ws-url). Resolves once it listens:
 * {url, ws, pid, crash()} — crash() is a SIGKILL, resolved once the port is closed.
 */
export async function startExtraServer(name, port, args = []) {
  const url = `http://127.0.0.1:${port}`;
  const data = path.join(env.artifacts, `server-${name}`);
  fs.mkdirSync(path.join(env.artifacts, 'logs'), { recursive: true });
  const log = fs.openSync(path.join(env.artifacts, 'logs', `bwclient-server-${name}.log`), 'a');
  const child = spawn(path.join(ROOT, 'target/debug/bwclient-server'), [
    '--listen', `127.0.0.1:${port}`, '--data', data, '--db', required('BWCLIENT_DB'), '--demo', ...args,
  ], { cwd: ROOT, stdio: ['ignore', log, log], env: { ...process.env, NO_COLOR: '1' } });
  fs.closeSync(log);
  let exited = false;
  child.once('exit', () => { exited = true; });
  await waitFor(`bwclient-server ${name} listening on ${port}`, async () => {
    if (exited) throw new Error(`bwclient-server ${name} exited (logs/bwclient-server-${name}.log)`);
    return listening(url);
  }, { timeout: 15_000 });
  return {
    url,
    ws: `ws://127.0.0.1:${port}/sip`,
    pid: child.pid,
    async crash() {
      if (!exited) child.kill('SIGKILL');
      await waitFor(`bwclient-server ${name} gone`, async () => !(await listening(url)), { timeout: 10_000 });
    },
  };
}
