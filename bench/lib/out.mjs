// Where a bench step writes its figures: bench/out/results/<step>.json (read by report.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH, '..');
export const OUT = process.env.BENCH_OUT || path.join(BENCH, 'out');
export const RESULTS = path.join(OUT, 'results');

export function writeResult(step, data) {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${step}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ step, at: new Date().toISOString(), ...data }, null, 2)}\n`);
  return file;
}

export function readResult(step) {
  try {
    return JSON.parse(fs.readFileSync(path.join(RESULTS, `${step}.json`), 'utf8'));
  } catch {
    return null;
  }
}

export const log = (step) => (...a) => console.log(`[bench:${step}]`, ...a);

/** The parse corpus (bench/corpus/LIST): [{name, path, text}]. */
export function corpus() {
  return fs.readFileSync(path.join(BENCH, 'corpus/LIST'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [name, file] = l.split(/\s+/);
      return { name, path: file, text: fs.readFileSync(path.join(ROOT, file), 'utf8') };
    });
}
