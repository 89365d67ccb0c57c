// Stops and starts the harness's Kamailio through deploy/kamailio/run.sh (by pid file), for
// the fault specs. Same run directory, port and secret as tests/e2e/run.sh used.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
 * How many answered dialogs Kamailio has written to its state file (deploy/kamailio/run.sh:
 * kamailio-state.db) with both parties' +sip.instance: what it needs to route the call after a
 * restart. Dialogs are written every second when changed (dialog db_mode 2), and the callee's
 * instance is recorded when the caller's first in-dialog request (the ACK) passes, so a row in
 * state 3 alone may still lack it: a test that restarts Kamailio waits for the whole record.
 */
export async function persistedDialogs() {
  const file = path.join(env.kamailioRunDir, 'kamailio-state.db');
  const hasVar = (key) => `EXISTS (SELECT 1 FROM dialog_vars v WHERE v.hash_entry = d.hash_entry AND v.hash_id = d.hash_id AND v.dialog_key = '${key}')`;
  const sql = `SELECT COUNT(*) FROM dialog d WHERE d.state >= 3 AND ${hasVar('caller_inst')} AND ${hasVar('callee_inst')}`;
  const { stdout } = await run('sqlite3', [file, sql], { timeout: 5_000 });
  return Number(stdout.trim());
}

/** `pid` and every process descended from it (from /proc: Kamailio forks its workers). */
function processTree(pid) {
  const parentOf = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone meanwhile */ }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i += 1) {
    for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/**
 * A node of a Kamailio cluster (deploy/kamailio/run.sh with KAM_LISTEN_ADDR and KAM_DMQ_PEERS,
 * deploy/kamailio/README.md "Cluster"), reading the harness server's database like the main
 * Kamailio. `peers` is a list of "ip:port". Its run directory is test-artifacts/e2e/kamailio-<name>
 * (kamailio.log kept). Returns {name, ws, freeze(), stop()}: freeze() SIGSTOPs every process of
 * the node (a server that dies without closing its connections: power loss, a partition, a hung
 * host); stop() (idempotent) resumes a frozen node first, then stops it.
 */
export async function startClusterNode(name, addr, port, peers) {
  const dir = path.join(env.artifacts, `kamailio-${name}`);
  const opts = { timeout: 20_000, env: { ...process.env, KAM_LISTEN_ADDR: addr, KAM_DMQ_PEERS: peers.join(',') } };
  await run(SCRIPT, ['start', dir, String(port)], opts);
  let frozen = [];
  const signal = (pids, sig) => { for (const pid of pids) { try { process.kill(pid, sig); } catch { /* gone */ } } };
  return {
    name,
    ws: `ws://${addr}:${port}`,
    freeze: () => {
      frozen = processTree(Number(readFileSync(path.join(dir, 'kamailio.main.pid'), 'utf8').trim()));
      signal(frozen, 'SIGSTOP');
      return frozen.length;
    },
    stop: () => {
      signal(frozen, 'SIGCONT');
      frozen = [];
      return run(SCRIPT, ['stop', dir], { timeout: 15_000 });
    },
  };
}
