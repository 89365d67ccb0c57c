// Figures seen during a run (call setup time, first audio…), for the report: appended as JSON
// lines to test-artifacts/e2e/figures.jsonl and echoed as test diagnostics. Never asserted.
import fs from 'node:fs';
import path from 'node:path';

import { env } from './env.mjs';

export function recordFigures(t, suite, name, values) {
  const line = JSON.stringify({ suite, name, ...values });
  fs.mkdirSync(env.artifacts, { recursive: true });
  fs.appendFileSync(path.join(env.artifacts, 'figures.jsonl'), `${line}\n`);
  if (t && typeof t.diagnostic === 'function') t.diagnostic(`figures ${name}: ${JSON.stringify(values)}`);
}
