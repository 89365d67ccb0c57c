// Summarises bench/cluster.sh's measurements (OUT_DIR/rate.jsonl, hold.jsonl, failover.jsonl)
// into OUT_DIR/cluster.json, prints the "Kamailio cluster" section (markdown) and puts it into
// bench/RESULTS.md between its markers (report.mjs carries it over when it rewrites the rest).
//   node bench/cluster-report.mjs OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2];
const lines = (f) => {
  const file = path.join(dir, f);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
};
const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const range = (xs) => `${fmt(Math.min(...xs))} – ${fmt(Math.max(...xs))}`;
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');

const rate = lines('rate.jsonl');
const hold = lines('hold.jsonl');
const failover = lines('failover.jsonl');

// 1. Rate. Over the whole loadgen run, the peer's CPU relative to A's: what replication costs
// the cluster beyond the registrar itself.
const rows = {};
for (const mode of ['off', 'on']) {
  const rs = rate.filter((r) => r.dmq === mode);
  const perCpu = rs.map((r) => r.loadgen.perCpuSecond);
  const peerShare = rs.map((r) => r.nodeBCpuTicks / r.nodeACpuTicks);
  const clusterPerCpu = rs.map((r) => r.loadgen.perCpuSecond / (1 + r.nodeBCpuTicks / r.nodeACpuTicks));
  rows[mode] = {
    rounds: rs.length,
    perCpuSecond: median(perCpu),
    perCpuSecondRange: perCpu,
    perSecond: median(rs.map((r) => r.loadgen.perSecond)),
    p50Ms: median(rs.map((r) => r.loadgen.latencyMs.p50)),
    p95Ms: median(rs.map((r) => r.loadgen.latencyMs.p95)),
    errors: rs.reduce((n, r) => n + r.loadgen.other + r.loadgen.errors, 0),
    peerCpuShare: median(peerShare),
    clusterPerCpuSecond: median(clusterPerCpu),
  };
}

// 2. Hold.
const holdRow = (mode) => {
  const h = hold.find((x) => x.dmq === mode);
  if (!h) return null;
  const held = h.loadgen.held;
  return {
    held,
    failed: h.loadgen.failed,
    rampSeconds: h.loadgen.rampSeconds,
    pssKiBPerRegistration: h.loadgen.pssKiBPerConn,
    rssKiBPerRegistration: h.loadgen.rssKiBPerConn,
    peerReplicas: h.peerReplicas,
    peerPssKiBPerReplica: mode === 'on' && held ? (h.peerPssKiB[1] - h.peerPssKiB[0]) / held : null,
  };
};
const holdOff = holdRow('off');
const holdOn = holdRow('on');

// 3. Failover (the e2e spec's figures).
const fo = (k) => failover.map((f) => f[k]).filter((x) => Number.isFinite(x));
const failoverRow = {
  runs: failover.length,
  registeredOnBAfterStopMs: median(fo('registeredOnBAfterStopMs')),
  registeredRange: fo('registeredOnBAfterStopMs'),
  reconnectedAfterStopMs: median(fo('reconnectedAfterStopMs')),
  audioGapMs: median([...fo('audioGapAliceMs'), ...fo('audioGapBobMs')]),
  audioGapRange: [...fo('audioGapAliceMs'), ...fo('audioGapBobMs')],
  baselineGapMs: median([...fo('baselineGapAliceMs'), ...fo('baselineGapBobMs')]),
  baselineRange: [...fo('baselineGapAliceMs'), ...fo('baselineGapBobMs')],
};

const summary = { at: new Date().toISOString(), rate: rows, hold: { off: holdOff, on: holdOn }, failover: failoverRow };
fs.writeFileSync(path.join(dir, 'cluster.json'), `${JSON.stringify(summary, null, 2)}\n`);

const START = '<!-- cluster:start -->';
const END = '<!-- cluster:end -->';
const md = [START, ''];
md.push(`## Kamailio cluster (issue 13)`, '');
md.push(`_\`bash bench/cluster.sh\`, ${summary.at.slice(0, 16)}Z; raw figures in bench/out/cluster/._`, '');
md.push(`**REGISTERs per CPU-second, DMQ off vs on.** \`bench/loadgen rate\` against node A (127.0.0.2): 1000 WebSocket connections, users lg0…lg499, digest (auth_ephemeral), 2 s warm-up, 4 s measured, ${rows.off.rounds} rounds alternating. DMQ off: A alone. DMQ on: A with peer B (127.0.0.3), every binding change replicated (\`dmq_usrloc\`) and each REGISTER given a Path. Both: the \`deploy/kamailio\` profile through \`run.sh\` (usrloc write-back to the state file), \`BWCLIENT_DB=none\`. "Cluster" counts B's CPU too (B's CPU ÷ A's over the whole run, applied to A's figure).`, '');
md.push('| DMQ | REGISTERs per CPU-second of A (median) | min – max | per CPU-second of A + B | B\'s CPU ÷ A\'s | REGISTERs/s | p50 | p95 | non-200 / errors |');
md.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const m of ['off', 'on']) {
  const r = rows[m];
  md.push(`| ${m} | ${fmt(r.perCpuSecond)} | ${range(r.perCpuSecondRange)} | ${m === 'off' ? fmt(r.perCpuSecond) : fmt(r.clusterPerCpuSecond)} | ${m === 'off' ? '–' : fmt(r.peerCpuShare, 2)} | ${fmt(r.perSecond)} | ${fmt(r.p50Ms, 1)} ms | ${fmt(r.p95Ms, 1)} ms | ${r.errors} |`);
}
md.push('', `DMQ on ÷ off, REGISTERs per CPU-second of the registrar: ${fmt(rows.on.perCpuSecond / rows.off.perCpuSecond, 2)}×; of the pair: ${fmt(rows.on.clusterPerCpuSecond / rows.off.perCpuSecond, 2)}×. The registrar's extra work per REGISTER is the replication (a KDMQ request per binding change per peer, through tm, and its reply) and the Path (msg_apply_changes); the peer pays ${fmt(rows.on.peerCpuShare, 2)}× the registrar's CPU to apply the replicas. Every refresh is a binding change for dmq_usrloc, so the cost is per REGISTER, not per new phone: longer registration intervals (the client's expires) cut it in proportion.`, '');
if (holdOff && holdOn) {
  md.push(`**Registrations held.** ${fmt(holdOff.held)} WebSocket connections, one REGISTER each (distinct AORs), held; PSS of the node's process tree before and 8 s after the last registration (\`-m 1024\`, \`tcp_max_connections\` raised). On the pair, B's PSS growth while A holds them (B keeps only the replicas: no connection), and the replicas B wrote to its state file.`, '');
  md.push('| Node | Held | Ramp | PSS per registration | RSS per registration | Replicas at the peer | Peer PSS per replica | Failed |');
  md.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  md.push(`| lone node | ${fmt(holdOff.held)} | ${fmt(holdOff.rampSeconds, 2)} s | ${fmt(holdOff.pssKiBPerRegistration, 1)} KiB | ${fmt(holdOff.rssKiBPerRegistration, 1)} KiB | – | – | ${holdOff.failed} |`);
  md.push(`| node A of a pair | ${fmt(holdOn.held)} | ${fmt(holdOn.rampSeconds, 2)} s | ${fmt(holdOn.pssKiBPerRegistration, 1)} KiB | ${fmt(holdOn.rssKiBPerRegistration, 1)} KiB | ${fmt(holdOn.peerReplicas)} | ${fmt(holdOn.peerPssKiBPerReplica, 2)} KiB | ${holdOn.failed} |`);
  const perNode = holdOn.pssKiBPerRegistration + (holdOn.peerPssKiBPerReplica || 0);
  const crossover = 1 + holdOn.pssKiBPerRegistration / holdOn.peerPssKiBPerReplica;
  md.push('', `How many fit: a node's own registrations (WebSocket connection + binding) cost it ≈ ${fmt(holdOn.pssKiBPerRegistration, 1)} KiB each; every registration held by another node costs it ≈ ${fmt(holdOn.peerPssKiBPerReplica, 2)} KiB (the replica). Per GiB of memory for Kamailio, a lone node holds ≈ ${fmt(1048576 / holdOff.pssKiBPerRegistration)} registrations; a pair, phones spread evenly, ≈ ${fmt(2 * 1048576 / (holdOn.pssKiBPerRegistration + holdOn.peerPssKiBPerReplica))} (each node: its half + the other half's replicas). In an N-node cluster each node holds 1/N of the phones plus the replicas of the rest, so the replicas cost a node as much as its own phones only at N ≈ ${fmt(crossover)}: memory scales out nearly linearly well below that; the connections per node are the limit.`, '');
  md.push(`Per registration: ${fmt(perNode, 1)} KiB across the pair.`, '');
}
if (failoverRow.runs) {
  md.push(`**Failover** (\`tests/e2e/specs/ours-cluster-kamailio\`, ${failoverRow.runs} runs, our client in Chromium): alice on A (\`servers: [A, B]\`) in a call with bob on B; A stopped (\`run.sh stop\`, SIGTERM). Reachable again = alice's \`registered\` on B after the stop: median ${fmt(failoverRow.registeredOnBAfterStopMs)} ms (${range(failoverRow.registeredRange)}); \`reconnected\` ${fmt(failoverRow.reconnectedAfterStopMs)} ms. Audio gap at failover (longest stretch without a new inbound RTP packet, sampled every 10 ms in the page, both directions, from the stop until audio is seen after the reconnection): median ${fmt(failoverRow.audioGapMs)} ms (${range(failoverRow.audioGapRange)}), against ${fmt(failoverRow.baselineGapMs)} ms (${range(failoverRow.baselineRange)}) over the seconds before the stop (the measure's floor: getStats' packet counters move in steps of about 60 ms). The media path (browser to browser) does not cross Kamailio: a node's death costs the call no interruption of its own, only the page's work during the reconnection shows (both phones and the sampler share one page). The call's hold/unhold from each side and its BYE then go through B.`, '');
}
md.push(END, '');
const section = md.join('\n');
process.stdout.write(section);
const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
const results = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '';
const a = results.indexOf(START);
const b = results.indexOf(END);
fs.writeFileSync(resultsFile, a >= 0 && b > a
  ? `${results.slice(0, a)}${section}${results.slice(b + END.length).replace(/^\n+/, '')}`
  : `${results.replace(/\n*$/, '\n\n')}${section}`);
