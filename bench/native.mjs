// Reads criterion's estimates (bench/target/criterion/<group>/<function>/new/) into
// bench/out/results/native.json: median time per iteration and messages per second, p95 over
// criterion's samples.
import fs from 'node:fs';
import path from 'node:path';

import { BENCH, log, writeResult } from './lib/out.mjs';
import { percentile } from './lib/stats.mjs';

const say = log('native');
const base = path.join(process.env.CARGO_TARGET_DIR || path.join(BENCH, 'target'), 'criterion');
const corpusSize = fs.readFileSync(path.join(BENCH, 'corpus/LIST'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).length;
const rows = [];
for (const group of ['message', 'corpus']) {
  const gdir = path.join(base, group);
  if (!fs.existsSync(gdir)) continue;
  for (const fn of fs.readdirSync(gdir)) {
    const dir = path.join(gdir, fn, 'new');
    if (!fs.existsSync(path.join(dir, 'estimates.json'))) continue;
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'benchmark.json'), 'utf8'));
    const est = JSON.parse(fs.readFileSync(path.join(dir, 'estimates.json'), 'utf8'));
    const sample = JSON.parse(fs.readFileSync(path.join(dir, 'sample.json'), 'utf8'));
    const perIter = sample.iters.map((n, i) => sample.times[i] / n);
    const elements = group === 'corpus' ? corpusSize : 1;
    const ns = est.median.point_estimate;
    rows.push({
      group,
      name: meta.function_id,
      elements,
      medianNs: ns,
      p95Ns: percentile(perIter, 0.95),
      messagesPerSecond: (elements * 1e9) / ns,
      nsPerMessage: ns / elements,
    });
  }
}
for (const r of rows) say(`${r.group}/${r.name}: ${(r.nsPerMessage / 1000).toFixed(2)} µs per message, ${Math.round(r.messagesPerSecond)} messages/s`);
writeResult('native', { profile: 'cargo bench (opt-level 3)', rows });
