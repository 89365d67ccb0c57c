// The "Soak" section of bench/RESULTS.md (npm run soak, bench/soak.sh), between two markers so
// that bench/soak-report.mjs can replace it alone and bench/report.mjs can carry it over when it
// rewrites the other sections.
export const START = '<!-- soak:start -->';
export const END = '<!-- soak:end -->';

const fin = (v) => typeof v === 'number' && Number.isFinite(v);
const num = (v) => (fin(v) ? Math.round(v).toLocaleString('en-US') : '—');
const mib = (kib) => (fin(kib) ? `${(kib / 1024).toFixed(1)} MiB` : '—');
const yes = (ok) => (ok ? '**yes**' : '**no**');
const table = (head, rows) => [`| ${head.join(' | ')} |`, `| ${head.map((h, i) => (i ? '---:' : '---')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** The section for one soak result (bench/out/soak/soak.json) and its run.txt fields. */
export function soakSection(r, run = {}) {
  const lg = r.loadgen || {};
  const k = r.criteria || {};
  const c = lg.calls || {};
  const m = k.memoryFlat || {};
  const n = lg.counters || {};
  const md = [START, '## Soak', ''];
  md.push(`Written by \`npm run soak\` (\`bench/soak.sh\`, see \`bench/README.md\`) on ${run.start || r.at || '?'}; load average ${run['loadavg-start'] || '?'} → ${run['loadavg-end'] || '?'}. `
    + `${num(r.phones)} phones (bench/loadgen, \`soak\` mode) through a release bwclient-server for ${r.minutes} min inside a private network namespace: `
    + `${num(lg.wellBehaved)} well-behaved phones register (\`X-Callsign-Token\`, refreshed every 4 min) and call one another (INVITE with an SDP offer, 200 with an answer, ACK, `
    + `${(lg.holdMs?.[0] ?? 0) / 1000}–${(lg.holdMs?.[1] ?? 0) / 1000} s of call, BYE from the caller or the callee, ${(lg.thinkMs?.[0] ?? 0) / 1000}–${(lg.thinkMs?.[1] ?? 0) / 1000} s between calls); `
    + `one connection in ${r.badEvery} misbehaves: ${num(lg.garbage)} send garbage (binary junk, truncated and duplicated-header SIP, 100 KiB messages, 300 KiB frames, forged flow tokens, keep-alive bursts over the rate limit) `
    + `and ${num(lg.stall)} stall (silent after connecting; INVITE then never ACK nor read; registered but deaf). `
    + `Server limits: ${r.serverOptions || '—'}; phones connect from ${r.sourceAddresses || '—'}.`);
  md.push('');
  if (r.error) {
    md.push(`**The run failed: ${r.error}**`, '', END, '');
    return md.join('\n');
  }
  md.push(table(['Criterion', 'Measured', 'Target', 'Met'], [
    ['Lost calls among the well-behaved', `${num(c.attempted)} attempted, ${num(c.completed)} completed (200 + ACK seen by the callee + BYE answered 200), ${num(c.failed)} failed, ${num(c.unfinished)} unfinished`, '0 lost', yes(k.noLostCalls?.pass)],
    ['Server RSS growth', `${mib(m.baselineKiB)} at ${num(m.baselineSecond)} s → ${mib(m.endKiB)} at ${num(m.endSecond)} s: ${fin(m.growth) ? `${(m.growth * 100).toFixed(2)} %` : '—'} (peak ${mib(m.peakKiB)})`, '< 5 %', yes(m.pass)],
    ['Panics', `${(k.noPanic?.panics || []).length} "panicked" in the server log; server ${k.noPanic?.alive ? 'alive' : '**gone**'} at the end`, 'none, alive', yes(k.noPanic?.pass)],
  ]));
  md.push('');
  const reasons = Object.entries(k.noLostCalls?.reasons || {}).map(([why, times]) => `${times} × ${why}`).join('; ');
  md.push(table(['Figure', ''], [
    ['Calls per second (well-behaved)', fin(r.callsPerSecond) ? r.callsPerSecond.toFixed(1) : '—'],
    ['Failure reasons', reasons || 'none'],
    ['Server CPU over the calling period', `${fin(lg.serverCpuSeconds) ? lg.serverCpuSeconds.toFixed(1) : '—'} s (${fin(lg.serverCpuUtilisation) ? (lg.serverCpuUtilisation * 100).toFixed(1) : '—'} % of one core)`],
    ['Load generator CPU', `${fin(lg.loadgenCpuSeconds) ? lg.loadgenCpuSeconds.toFixed(1) : '—'} s`],
    ['Registrations (well-behaved), refused or failed', `${num(n.goodRegisters)}, ${num(n.goodRegisterFailures)}`],
    ['Well-behaved connections lost', num(n.goodDisconnects)],
    ['Misbehaving: connections, closed by the server, junk frames, answers read', `${num(n.badConnects)}, ${num(n.badClosedByServer)}, ${num(n.junkFrames)}, ${num(n.junkAnswers)}`],
    ['Stalls, of which stalled INVITEs answered by a phone', `${num(n.stalls)}, ${num(n.stallCallsAnswered)}`],
    ['Server RSS after the drain', mib(lg.rssAfterDrainKiB)],
  ]));
  md.push('');
  const samples = lg.samples || [];
  const perMinute = samples.filter((s) => s[0] % 60 === 0);
  md.push(`Server RSS each minute (MiB): ${perMinute.map((s) => `${s[0] / 60}: ${(s[1] / 1024).toFixed(1)}`).join(', ') || '—'}.`);
  md.push('', END, '');
  return md.join('\n');
}

/** `md` with its soak section replaced by `section` (or `section` appended). */
export function replaceSoakSection(md, section) {
  const a = md.indexOf(START);
  const b = md.indexOf(END);
  if (a >= 0 && b > a) {
    const after = md.slice(b + END.length).replace(/^\n+/, '');
    return `${md.slice(0, a)}${section}${after ? `\n${after}` : ''}`;
  }
  return `${md.replace(/\n*$/, '\n\n')}${section}`;
}

/** The soak section of an existing RESULTS.md text, or ''. */
export function existingSoakSection(md) {
  const a = md.indexOf(START);
  const b = md.indexOf(END);
  return a >= 0 && b > a ? `${md.slice(a, b + END.length)}\n` : '';
}
