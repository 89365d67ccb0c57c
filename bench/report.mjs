// Writes bench/RESULTS.md and bench/latency.svg from bench/out/results/*.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { BENCH, RESULTS, ROOT, readResult } from './lib/out.mjs';
import { boxPlots } from './lib/svg.mjs';
import { existingSoakSection } from './lib/soak-section.mjs';

const size = readResult('size');
const parse = readResult('parse-browser');
const native = readResult('native');
const lat = readResult('latency');
const mem = readResult('memory');
const load = readResult('load');
const read = (f) => { try { return fs.readFileSync(path.join(RESULTS, f), 'utf8'); } catch { return ''; } };
const runInfo = Object.fromEntries(read('run.txt').split('\n').filter(Boolean).map((l) => { const i = l.indexOf(' '); return [l.slice(0, i), l.slice(i + 1)]; }));
const steps = read('steps.txt').split('\n').filter(Boolean).map((l) => { const [name, rc, s] = l.split(' '); return { name, rc: Number(rc), s: Number(s) }; });

const sh = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return '?'; } };
const pkgVersion = (p) => { try { return JSON.parse(fs.readFileSync(p, 'utf8')).version; } catch { return '?'; } };
const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || '?';
const memGiB = (os.totalmem() / 2 ** 30).toFixed(1);

// ------------------------------------------------------------------ formatting
const D = '—';
const fin = (v) => typeof v === 'number' && Number.isFinite(v);
const ms = (v, d = 1) => (fin(v) ? `${v.toFixed(d)} ms` : D);
const num = (v) => (fin(v) ? Math.round(v).toLocaleString('en-US') : D);
const kb = (b) => (fin(b) ? `${(b / 1000).toFixed(1)} KB` : D);
const mib = (b) => (fin(b) ? `${(b / 1048576).toFixed(2)} MiB` : D);
const x = (r, d = 2) => (fin(r) ? `${r.toFixed(d)}×` : D);
const kib = (v) => (fin(v) ? `${v.toFixed(1)} KiB` : D);
const yes = (ok) => (ok === null ? D : ok ? '**yes**' : '**no**');
const table = (head, rows) => [`| ${head.join(' | ')} |`, `| ${head.map((h, i) => (i ? '---:' : '---')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const SERVER = { 'bwclient-server': 'bwclient-server', kamailio: 'Kamailio' };
const q = (s) => (s ? `${ms(s.median)} / ${ms(s.p95)}` : D);

// ------------------------------------------------------------------ figures
const ours = size?.rows.find((r) => r.ours);
const jssipSize = size?.rows.find((r) => r.pkg === 'jssip');
const pps = parse?.perSecond || {};
const sameWork = pps['ours-call-per-message-typed'];
const lsrv = lat?.servers?.['bwclient-server'];
const lkam = lat?.servers?.kamailio;
const rate = load?.rate || {};
const hold = load?.hold || {};
const cmp = (a, b, f) => (fin(a) && fin(b) ? f(a, b) : null);

const headline = [
  ['Download, gzip -9 (wasm + JS glue)', kb(ours?.gzip), `JsSIP ${kb(jssipSize?.gzip)}`, x(cmp(ours?.gzip, jssipSize?.gzip, (a, b) => a / b)), '< 45 KB', yes(fin(ours?.gzip) ? ours.gzip < 45000 : null)],
  ['SIP parsing in Chromium, messages/s (same work as JsSIP: parse + typed headers, one call per message)', num(sameWork?.median), `JsSIP ${num(pps.jssip?.median)}`, x(parse?.ratioToJssip?.['ours-call-per-message-typed']?.median, 1), '≥ 89,000 (10× JsSIP)', fin(sameWork?.median) ? `10× JsSIP: ${yes(parse.ratioToJssip['ours-call-per-message-typed'].median >= 10)}; 89,000/s: ${yes(sameWork.median >= 89000)}` : D],
  ['`call()` → connected on both sides, through Kamailio (median)', ms(lkam?.summary?.ours?.bothConnectedMs?.median), `JsSIP ${ms(lkam?.summary?.jssip?.bothConnectedMs?.median)}`, x(lkam?.ratio?.bothConnectedMs?.median), '< 40 ms', yes(fin(lkam?.summary?.ours?.bothConnectedMs?.median) ? lkam.summary.ours.bothConnectedMs.median < 40 : null)],
  ['`login()` → registered, through Kamailio (median)', ms(lkam?.summary?.ours?.login?.median), `JsSIP ${ms(lkam?.summary?.jssip?.login?.median)}`, x(lkam?.ratio?.login?.median), 'no slower than JsSIP', yes(fin(lkam?.ratio?.login?.median) ? lkam.ratio.login.median <= 1 : null)],
  ['`login()` → registered, through bwclient-server (median)', ms(lsrv?.summary?.ours?.login?.median), `JsSIP ${ms(lsrv?.summary?.jssip?.login?.median)}`, x(lsrv?.ratio?.login?.median), 'no slower than JsSIP', yes(fin(lsrv?.ratio?.login?.median) ? lsrv.ratio.login.median <= 1 : null)],
  ...[['token', 'X-Callsign-Token'], ['digest', 'digest']].flatMap(([k, label]) => {
    const r = rate.ratios?.[`ours-${k}/kamailio-digest`]?.median;
    const w = rate.ratios?.[`ours-${k}-writer/ours-${k}`]?.median;
    const wn = rate.ratios?.[`ours-${k}-writer-net/ours-${k}`]?.median;
    return [
      [`Authenticated REGISTERs per CPU-second (bwclient-server, ${label})`, num(rate[`ours-${k}`]?.perCpuSecond?.median), `Kamailio ${num(rate['kamailio-digest']?.perCpuSecond?.median)} (digest)`, x(r), '≥ 1.5× Kamailio (issue 12)', yes(fin(r) ? r >= 1.5 : null)],
      ...(rate[`ours-${k}-writer`] ? [[`… the same with a REST writer at ${num(load.writer?.target)} writes/s beside it`, num(rate[`ours-${k}-writer`]?.perCpuSecond?.median), `without the writer ${num(rate[`ours-${k}`]?.perCpuSecond?.median)}`, x(w), 'unchanged (within noise)', fin(w) ? `${((w - 1) * 100).toFixed(0)}% counting the writes' own CPU${fin(wn) ? `, ${((wn - 1) * 100).toFixed(0)}% net of it` : ''}` : D]] : []),
    ];
  }),
  [`Memory per held registered WebSocket (${num(load?.holdConns)} connections)`, kib(hold.ours?.pssKiBPerConn?.median), `Kamailio ${kib(hold.kamailio?.pssKiBPerConn?.median)}`, x(hold.ratio?.median), '< 24 KiB', yes(fin(hold.ours?.pssKiBPerConn?.median) ? hold.ours.pssKiBPerConn.median < 24 : null)],
  ['Page memory with a registered phone in a call (JS heap + wasm)', mib(mem?.ours?.inCallTotal?.median), `JsSIP ${mib(mem?.jssip?.inCallTotal?.median)}`, x(mem?.ratio?.inCallTotal?.median), '—', D],
];

const md = [];
md.push('# Benchmarks: BWClient against its peers');
md.push('');
md.push(`Written by \`npm run bench\` (\`bench/run.sh\`, see \`bench/README.md\`) on ${runInfo.start || new Date().toISOString()}, in ${runInfo.seconds || '?'} s. All figures come from this one run on this one machine; ratios are ours ÷ peer, computed round by round (same round = side by side) and then the median taken. "p95" is the 95th percentile of the runs. Benchmarks report; they never fail a build.`);
md.push('');
md.push(table(['Machine and versions', ''], [
  ['CPU', `${os.cpus().length} × ${cpu} (\`nproc\`: ${sh('nproc', [])})`],
  ['Memory', `${memGiB} GiB`],
  ['Load average (1/5/15 min) at start → end', `${runInfo['loadavg-start'] || '?'} → ${runInfo['loadavg-end'] || '?'} (anything else running on the machine skews the figures)`],
  ['Chromium', sh('chromium', ['--version']).split('\n').pop()],
  ['Kamailio', sh('kamailio', ['-v']).split('\n')[0].replace(/^version:\s*/, '')],
  ['Node', process.version],
  ['rustc', sh('rustc', ['-V'])],
  ['esbuild / playwright-core', `${size?.esbuild || pkgVersion(path.join(ROOT, 'node_modules/esbuild/package.json'))} / ${pkgVersion(path.join(ROOT, 'node_modules/playwright-core/package.json'))}`],
  ['Peers', (size?.rows || []).filter((r) => !r.ours).map((r) => `${r.name} ${r.version}`).join(', ') || D],
  ['bwclient-server', '`cargo build --profile server -p bwclient-server`: opt-level 3, fat LTO, 1 codegen unit'],
]));
md.push('');
md.push('## Headline, against the targets of issue 6');
md.push('');
md.push(table(['Figure', 'Ours', 'Peer', 'Ratio', 'Target', 'Met'], headline));
md.push('');
md.push('![latency distributions](latency.svg)');
md.push('');

// 1. size
md.push('## 1. Download size');
md.push('');
md.push('Each peer bundled whole (`export * from \'<package>\'`) by esbuild `--bundle --minify --format=esm --platform=browser`; ours is `pkg/bwclient_bg.wasm` + `pkg/bwclient.js` as `scripts/build.sh` makes them (the Rust crate as a cdylib, wasm-bindgen, wasm-opt -Oz, short import names, the wasm-bindgen glue minified by esbuild), each file compressed on its own (two downloads) and summed. gzip -9 and brotli quality 11 with node\'s zlib.');
md.push('');
md.push(size ? table(['Library', 'Version', 'Raw', 'gzip -9', 'brotli', 'gzip vs ours'], size.rows.map((r) => [r.name, r.version, kb(r.raw), kb(r.gzip), kb(r.brotli), r.ours ? '' : x(r.gzip / ours.gzip)])) : '_size step failed_');
if (ours) md.push('', `Ours in parts: ${ours.parts.map((p) => `\`${p.file}\` ${kb(p.raw)} raw / ${kb(p.gzip)} gzip / ${kb(p.brotli)} brotli`).join('; ')}.`);
md.push('');

// 2. parsing
md.push('## 2. SIP parsing');
md.push('');
md.push(`Corpus (\`bench/corpus/LIST\`): ${(parse?.corpus || []).map((c) => `${c.name} (${c.bytes} B)`).join(', ') || D}. In headless Chromium, as JS strings (what a WebSocket delivers), ${parse?.rounds ?? '?'} rounds of ~${parse?.msPerRun ?? '?'} ms per implementation after a warm-up, the order rotating each round.`);
md.push('');
const implLabel = {
  jssip: 'JsSIP `Parser.parseMessage` (parses Via, From, To, Call-ID, CSeq, Contact, Record-Route, Content-*, Max-Forwards, *-Authenticate, Event, Refer-To eagerly)',
  'ours-call-per-message-typed': 'ours, one wasm call per message, parse + the same typed headers as JsSIP (**same work**)',
  'ours-call-per-message': 'ours, one wasm call per message, `Message::parse` only (validates the mandatory headers; others typed on demand)',
  'ours-loop-in-wasm-typed': 'ours, whole loop inside wasm, parse + typed headers',
  'ours-loop-in-wasm': 'ours, whole loop inside wasm, `Message::parse` only',
};
md.push(parse?.perSecond ? table(['Implementation', 'Messages/s (median)', 'min – max', 'vs JsSIP'], Object.entries(pps).map(([k, s]) => [implLabel[k] || k, num(s.median), `${num(s.min)} – ${num(s.max)}`, k === 'jssip' ? '' : x(parse.ratioToJssip[k]?.median, 1)])) : '_browser parse step failed_');
if (parse?.accepted) {
  const bad = parse.accepted.filter((a) => !a.jssip || !a.ours || !a.oursTyped);
  md.push('', bad.length ? `Not accepted by both: ${bad.map((b) => b.name).join(', ')}.` : 'Every message of the corpus is accepted by both parsers.');
}
md.push('');
if (native?.rows?.length) {
  const order = (parse?.corpus || []).map((c) => c.name);
  const rows = [...native.rows].sort((a, b) => (a.group === b.group ? order.indexOf(a.name) - order.indexOf(b.name) : a.group === 'message' ? -1 : 1));
  md.push(`Native (criterion, \`bench/native\`, ${native.profile}), the same functions on the same corpus:`);
  md.push('');
  md.push(table(['Benchmark', 'µs per message (median)', 'p95 of samples', 'Messages/s'], rows.map((r) => [`${r.group}/${r.name}`, (r.nsPerMessage / 1000).toFixed(2), (r.p95Ns / r.elements / 1000).toFixed(2), num(r.messagesPerSecond)])));
} else {
  md.push('_native criterion step failed or skipped_');
}
md.push('');

// 3. latency
md.push('## 3. Login and call setup');
md.push('');
md.push(`${lat?.logins ?? '?'} logins and ${lat?.calls ?? '?'} calls per client per server (after one warm-up round), ours and JsSIP alternating in the same browser against the same server, each party in its own browser context. Times on the pages' own clocks (\`performance.timeOrigin + performance.now()\`). **login**: \`BWClient.login(token, {server})\` resolving / JsSIP \`UA\` start → \`registered\` (WebSocket connect included; through Kamailio both answer a 401 digest challenge, through bwclient-server both send \`X-Callsign-Token\`). **connected**: \`phone.call('obob')\` → \`connected\` on both calls / \`ua.call()\` → \`confirmed\` on both sessions, the callee answering by itself. **media**: the same call's \`RTCPeerConnection\` \`connectionState\` \`connected\` on both sides (ICE + DTLS). **first audio**: first inbound audio frame on both sides (\`tests/e2e/lib/instrument.js\`). Median / p95.`);
md.push('');
const latRows = [];
for (const [server, res] of Object.entries(lat?.servers || {})) {
  for (const impl of ['ours', 'jssip']) {
    const s = res.summary?.[impl];
    if (!s) continue;
    latRows.push([SERVER[server], impl === 'ours' ? 'ours' : 'JsSIP', q(s.login), q(s.bothConnectedMs), q(s.callerConnectedMs), q(s.bothMediaConnectedMs), q(s.bothFirstAudioMs), String(res.failures?.[impl]?.length ?? 0)]);
  }
  latRows.push([SERVER[server], 'ours ÷ JsSIP', x(res.ratio?.login?.median), x(res.ratio?.bothConnectedMs?.median), '', x(res.ratio?.bothMediaConnectedMs?.median), x(res.ratio?.bothFirstAudioMs?.median), '']);
}
md.push(latRows.length ? table(['Server', 'Client', 'login', 'call → connected (both)', 'call → caller connected', 'call → media (both)', 'call → first audio (both)', 'failures'], latRows) : '_latency step failed_');
md.push('');
if (lat?.floor?.trickle) {
  md.push(`Floor: two \`RTCPeerConnection\`s in one page connected directly, both sending the fake microphone, from creating them to both \`connected\` (${lat.floorRuns} runs each, microphone opened beforehand): trickled candidates ${q(lat.floor.trickle)}; waiting for ICE gathering to complete ${q(lat.floor.gathered)}.`);
  md.push('');
}

// 4. load
md.push('## 4. Server load');
md.push('');
if (load && !load.error) {
  md.push(`\`bench/loadgen\` (Rust, tokio-tungstenite) over loopback in the namespace. **REGISTER rate**: ${load.rateConns} WebSocket connections (users lg0…lg${load.hostUsers - 1}, real endpoints on bwclient-server), each sending its next REGISTER when the previous one is answered, at most 40/s per connection (bwclient-server limits each connection to 50/s); ${load.warmupSeconds} s warm-up, then ${load.seconds} s measured; ${load.reps} repetitions alternating the servers. CPU = utime + stime of the server's whole process tree from \`/proc/<pid>/stat\` over the measured window. Digest: one 401 per connection, then the nonce reused with a growing \`nc\` (RFC 7616 §3.4) — the \`auth_ephemeral\` credentials of the token, MD5. Kamailio: the \`deploy/kamailio\` profile (children=2).`);
  md.push('');
  const rrow = (k, label) => { const r = rate[k]; return r ? [label, num(r.perCpuSecond.median), `${num(r.perCpuSecond.min)} – ${num(r.perCpuSecond.max)}`, num(r.perSecond.median), ms(r.latencyP50Ms.median, 2), ms(r.latencyP95Ms.median, 2), String(r.runs.reduce((n, x) => n + (x.challenged || 0), 0)), String(r.runs.reduce((n, x) => n + (x.other || 0) + (x.errors || 0), 0))] : [label, D, D, D, D, D, D, D]; };
  md.push(table(['Server', 'REGISTERs per CPU-second (median)', 'min – max', 'REGISTERs/s', 'round trip p50', 'p95', '401s in the windows', 'non-200 / errors'], [
    rrow('ours-token', 'bwclient-server, X-Callsign-Token'),
    rrow('ours-digest', 'bwclient-server, digest'),
    rrow('kamailio-digest', 'Kamailio, digest'),
    ...(rate['ours-token-writer'] ? [
      rrow('ours-token-writer', `bwclient-server, X-Callsign-Token, REST writer ${num(load.writer?.target)}/s beside`),
      rrow('ours-digest-writer', `bwclient-server, digest, REST writer ${num(load.writer?.target)}/s beside`),
    ] : []),
  ]));
  md.push('');
  md.push(`Ratios per round: X-Callsign-Token ÷ Kamailio ${x(rate.ratios?.['ours-token/kamailio-digest']?.median)}, digest ÷ Kamailio ${x(rate.ratios?.['ours-digest/kamailio-digest']?.median)}.`);
  if (load.writer) {
    md.push('');
    md.push(`**With a REST writer** (issue 12): the same runs for bwclient-server while a writer sends it ${num(load.writer.target)} REST writes/s (25 chains cycling through create endpoint, mint token, add number, disable, enable, revoke token, remove number, delete endpoint, on scratch endpoints; the server's CPU for them is counted too): achieved ${num(load.writer.perSecond?.median)} writes/s (median of the runs), ${load.writer.errors} failed${load.writer.firstError ? ` (${load.writer.firstError})` : ''}. The writer alone (no REGISTERs) costs the server ${load.writer.alone?.cpuPerSecond?.median?.toFixed(3) ?? D} CPU-seconds per second (${load.writer.alone?.msPerWrite?.median?.toFixed(2) ?? D} ms per write: basic auth, JSON, SQLite commits, view updates, revocations); net of that, REGISTERs per CPU-second with the writer ÷ without: X-Callsign-Token ${x(rate.ratios?.['ours-token-writer-net/ours-token']?.median)}, digest ${x(rate.ratios?.['ours-digest-writer-net/ours-digest']?.median)}. Ratios per round: X-Callsign-Token with writer ÷ without ${x(rate.ratios?.['ours-token-writer/ours-token']?.median)}, digest ${x(rate.ratios?.['ours-digest-writer/ours-digest']?.median)}; ÷ Kamailio ${x(rate.ratios?.['ours-token-writer/kamailio-digest']?.median)} (token), ${x(rate.ratios?.['ours-digest-writer/kamailio-digest']?.median)} (digest).`);
  }
  md.push('');
  md.push(`**Held connections**: ${num(load.holdConns)} WebSocket connections opened (200 handshakes at a time), each REGISTERed once (ours: X-Callsign-Token; Kamailio: digest) and kept open; each server freshly started for each of ${load.holdReps ?? 1} repetitions, alternating. Resident memory of the server's process tree before and 3 s after the last registration; per connection = growth ÷ connections held. PSS counts pages shared between Kamailio's processes once (its RSS sum counts its shared memory in every process that touched it). Kamailio ran with two limits raised for this step only: \`tcp_max_connections\` ${num(load.holdConns + 2000)} (default 2048) and \`-m 1024\` MB of shared memory (deploy/kamailio/run.sh gives 64). Medians (min – max):`);
  md.push('');
  const range = (s, f) => (s && s.n ? `${f(s.median)} (${f(s.min)} – ${f(s.max)})` : D);
  const hrow = (t, label) => { const h = hold[t]; return h ? [label, `${num(h.held?.median)} of ${num(load.holdConns)}`, range(h.rampSeconds, (v) => `${v.toFixed(2)} s`), range(h.pssKiBPerConn, kib), kib(h.rssKiBPerConn?.median), mib((h.pssKiBTotal?.median ?? NaN) * 1024), h.failed ? `${h.failed} (${h.firstError})` : '0'] : [label, D, D, D, D, D, D]; };
  md.push(table(['Server', 'Held', 'Ramp', 'PSS per connection', 'RSS per connection', 'PSS of the server, held', 'Failed'], [hrow('ours', 'bwclient-server'), hrow('kamailio', 'Kamailio')]));
  md.push('', `Ours ÷ Kamailio, PSS per connection, per repetition: ${x(hold.ratio?.median)}.`);
} else {
  md.push(`_load step failed${load?.error ? `: ${load.error}` : ''}_`);
}
md.push('');

// 5. memory
md.push('## 5. Page memory');
md.push('');
if (mem?.ours) {
  md.push(`The caller's page with a registered phone and one connected call (1.5 s of media), through bwclient-server, ${mem.rounds} rounds, fresh browser contexts each. JS heap = \`performance.memory.usedJSHeapSize\` (Chromium \`--enable-precise-memory-info\`) after two forced garbage collections (CDP \`HeapProfiler.collectGarbage\`); wasm = the module's \`memory.buffer.byteLength\` (linear memory reserved, which never shrinks). \`measureUserAgentSpecificMemory\` would need a cross-origin isolated page, which bwclient-server does not serve. Medians:`);
  md.push('');
  md.push(table(['Client', 'JS heap, loaded', 'JS heap, in a call', 'wasm memory, in a call', 'Total in a call', 'p95 total'], ['ours', 'jssip'].map((i) => [i === 'ours' ? 'ours' : 'JsSIP', mib(mem[i].loadedHeap.median), mib(mem[i].inCallHeap.median), mib(mem[i].inCallWasm.median), mib(mem[i].inCallTotal.median), mib(mem[i].inCallTotal.p95)])));
  md.push('', `A blank page of the same origin: JS heap ${mib(mem.blank?.heap?.median)}. Ours ÷ JsSIP, total in a call: ${x(mem.ratio?.inCallTotal?.median)}.`);
} else {
  md.push('_memory step failed_');
}
md.push('');

// Computed observations (each from this run's figures).
const notes = [];
const fl = lat?.floor;
for (const [server, res] of Object.entries(lat?.servers || {})) {
  const o = res.summary?.ours?.bothConnectedMs?.median;
  const j = res.summary?.jssip?.bothConnectedMs?.median;
  if (fin(o) && fin(j) && fin(fl?.gathered?.median) && fin(fl?.trickle?.median)) {
    notes.push(`Through ${SERVER[server]}: JsSIP's ${ms(j)} is ${ms(j - fl.gathered.median)} above the gathered floor (${ms(fl.gathered.median)}): JsSIP sends its offer, and its answer, only once ICE gathering completes (its default), while ours does not wait for gathering to complete (README: the offer goes out once the host candidates are in); ours is ${ms(o - fl.trickle.median)} above the trickle floor (${ms(fl.trickle.median)}).`);
  }
}
if (fin(sameWork?.median) && fin(pps['ours-call-per-message']?.median)) {
  notes.push(`Typing the headers JsSIP parses eagerly costs ours ${((1 - sameWork.median / pps['ours-call-per-message'].median) * 100).toFixed(0)}% of its parse rate; crossing from JS into wasm once per message (copying the string) costs ${fin(pps['ours-loop-in-wasm']?.median) ? `${((1 - pps['ours-call-per-message'].median / pps['ours-loop-in-wasm'].median) * 100).toFixed(0)}%` : D} against the loop inside wasm. Natively the same corpus parses at ${num(native?.rows?.find((r) => r.name === 'parse+typed')?.messagesPerSecond)} messages/s with the typed headers.`);
}
if (fin(rate['ours-token']?.perSecond?.median) && fin(rate['kamailio-digest']?.perSecond?.median)) {
  const u = (k) => rate[k].runs.map((r) => r.cpuUtilisation).filter(fin);
  notes.push(`Both servers were saturated in the rate runs (CPU of the server's process tree: ours ${Math.max(...u('ours-token')).toFixed(2)} cores at most, Kamailio ${Math.max(...u('kamailio-digest')).toFixed(2)}, of 2, the load generator using the rest), so the REGISTER round trip (p50 ${ms(rate['ours-token'].latencyP50Ms.median)} ours, ${ms(rate['kamailio-digest'].latencyP50Ms.median)} Kamailio) is queueing at ${load.rateConns} connections, not idle latency.`);
}
if (notes.length) {
  md.push('## Reading these figures');
  md.push('');
  for (const n of notes) md.push(`- ${n}`);
  md.push('');
}

md.push('## Steps of this run');
md.push('');
md.push(table(['Step', 'Exit', 'Seconds'], steps.map((s) => [s.name, s.rc === 0 ? '0' : `**${s.rc} (failed)**`, String(s.s)])));
md.push('');
md.push('Raw figures of every run: `bench/out/results/*.json` (not committed).');
md.push('');
// The soak (npm run soak) writes its own section; carry it over unchanged.
const previous = (() => { try { return fs.readFileSync(path.join(BENCH, 'RESULTS.md'), 'utf8'); } catch { return ''; } })();
const soak = existingSoakSection(previous);
if (soak) md.push(soak);
// So does bench/cluster.sh (bench/cluster-report.mjs).
const clusterAt = previous.indexOf('<!-- cluster:start -->');
const clusterEnd = previous.indexOf('<!-- cluster:end -->');
if (clusterAt >= 0 && clusterEnd > clusterAt) md.push(`${previous.slice(clusterAt, clusterEnd + '<!-- cluster:end -->'.length)}\n`);
fs.writeFileSync(path.join(BENCH, 'RESULTS.md'), md.join('\n'));

// ------------------------------------------------------------------ chart
const col = (res, impl, k) => (res?.calls?.[impl] || []).map((c) => c[k]).filter(fin);
const OURS = '#1f77b4';
const PEER = '#d62728';
const FLOORC = '#555';
const panels = [];
for (const [k, title] of [['bothConnectedMs', 'call() → connected on both sides'], ['bothFirstAudioMs', 'call() → first inbound audio on both sides']]) {
  const rows = [];
  for (const [server, res] of Object.entries(lat?.servers || {})) {
    rows.push({ label: `${SERVER[server]} · ours`, values: col(res, 'ours', k), color: OURS });
    rows.push({ label: `${SERVER[server]} · JsSIP`, values: col(res, 'jssip', k), color: PEER });
  }
  if (k === 'bothConnectedMs' && lat?.floor?.runs) {
    rows.push({ label: 'floor: 2 peer connections, trickle', values: lat.floor.runs.trickle.filter(fin), color: FLOORC });
    rows.push({ label: 'floor: 2 peer connections, gathered', values: lat.floor.runs.gathered.filter(fin), color: FLOORC });
  }
  panels.push({ title, unit: 'ms', rows });
}
const loginRows = [];
for (const [server, res] of Object.entries(lat?.servers || {})) {
  loginRows.push({ label: `${SERVER[server]} · ours`, values: (res.login?.ours || []).filter(fin), color: OURS });
  loginRows.push({ label: `${SERVER[server]} · JsSIP`, values: (res.login?.jssip || []).filter(fin), color: PEER });
}
panels.push({ title: 'login() → registered', unit: 'ms', rows: loginRows });
fs.writeFileSync(path.join(BENCH, 'latency.svg'), boxPlots(`BWClient (blue) vs JsSIP (red): latency distributions, ${runInfo.start?.slice(0, 10) || ''}`, panels, {
  note: `box p25–p75, thick line median, whiskers p5–p95, dots every run; ${lat?.calls ?? '?'} calls and ${lat?.logins ?? '?'} logins each; ${os.cpus().length} × ${cpu}, Chromium headless, loopback`,
}));
console.log('[bench:report] wrote bench/RESULTS.md and bench/latency.svg');
