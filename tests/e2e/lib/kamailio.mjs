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
