// Writes the "Soak" section of bench/RESULTS.md from bench/out/soak/soak.json, keeping every
// other section as it is (bench/report.mjs keeps this one the same way).
import fs from 'node:fs';
import path from 'node:path';

import { BENCH, OUT } from './lib/out.mjs';
import { replaceSoakSection, soakSection } from './lib/soak-section.mjs';

const result = JSON.parse(fs.readFileSync(path.join(OUT, 'soak', 'soak.json'), 'utf8'));
const runTxt = (() => { try { return fs.readFileSync(path.join(OUT, 'soak', 'run.txt'), 'utf8'); } catch { return ''; } })();
const run = Object.fromEntries(runTxt.split('\n').filter(Boolean).map((l) => { const i = l.indexOf(' '); return [l.slice(0, i), l.slice(i + 1)]; }));
const file = path.join(BENCH, 'RESULTS.md');
const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks: BWClient against its peers\n';
fs.writeFileSync(file, replaceSoakSection(old, soakSection(result, run)));
console.log(`[soak] section written to ${file}`);
