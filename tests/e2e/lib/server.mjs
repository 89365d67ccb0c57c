// Crashes and restarts the harness's bwclient-server (tests/e2e/run.sh writes the launcher
// $E2E_SERVER_START and the pid file $E2E_SERVER_PID_FILE): same port, data folder and secrets.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';

import { env } from './env.mjs';
import { waitFor } from './wait.mjs';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e specs through tests/e2e/run.sh`);
  return value;
}

/** True if something accepts TCP connections on the server's port. */
function listening() {
  const { hostname, port } = new URL(env.serverUrl);
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
