// Stops and starts the harness's Kamailio through deploy/kamailio/run.sh (by pid file), for
// the fault specs. Same run directory, port and secret as tests/e2e/run.sh used.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { env, ROOT } from './env.mjs';

const run = promisify(execFile);
const SCRIPT = path.join(ROOT, 'deploy/kamailio/run.sh');

export async function stopKamailio() {
  await run(SCRIPT, ['stop', env.kamailioRunDir], { timeout: 15_000 });
}

export async function startKamailio() {
  await run(SCRIPT, ['start', env.kamailioRunDir, String(env.kamailioPort), String(env.kamailioWssPort)], {
    timeout: 20_000,
  });
}

/**
 * How many dialogs Kamailio has written to its state file (deploy/kamailio/run.sh:
 * kamailio-state.db). Dialogs are written every second when changed (dialog db_mode 2), so a
 * test that restarts Kamailio waits until its call is there.
 */
export async function persistedDialogs() {
  const file = path.join(env.kamailioRunDir, 'kamailio-state.db');
  const { stdout } = await run('sqlite3', [file, 'SELECT COUNT(*) FROM dialog WHERE state >= 3'], { timeout: 5_000 });
  return Number(stdout.trim());
}
