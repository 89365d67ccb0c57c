// 2. SIP parsing in headless Chromium: our parser (wasm, bench/wasm-parse) against JsSIP's
// Parser.parseMessage on the same corpus (bench/corpus/LIST). Rounds alternate the order of
// the implementations; each runs ~BENCH_PARSE_MS ms per round; ratios are per round.
import { launch, openPage } from './lib/browser.mjs';
import { corpus, log, writeResult } from './lib/out.mjs';
import { pairRatios, summary } from './lib/stats.mjs';

const say = log('parse');
const ROUNDS = Number(process.env.BENCH_PARSE_ROUNDS || 7);
const MS = Number(process.env.BENCH_PARSE_MS || 300);
const IMPLS = ['jssip', 'ours-call-per-message', 'ours-call-per-message-typed', 'ours-loop-in-wasm', 'ours-loop-in-wasm-typed'];

const messages = corpus();
const frames = messages.map((m) => m.text);
const browser = await launch();
const result = { rounds: ROUNDS, msPerRun: MS, corpus: messages.map((m) => ({ name: m.name, path: m.path, bytes: Buffer.byteLength(m.text) })) };
try {
  const p = await openPage(browser, 'parse', 'parse.html');
  const accepted = await p.ev((f) => window.bench.check(f), frames);
  result.accepted = messages.map((m, i) => ({ name: m.name, ...accepted[i] }));
  for (const impl of IMPLS) await p.ev(([i, f]) => window.bench.run(i, f, 600), [impl, frames]); // warm-up (JIT, wasm tier-up)
  const per = Object.fromEntries(IMPLS.map((i) => [i, []]));
  for (let r = 0; r < ROUNDS; r += 1) {
    const order = IMPLS.map((_, k) => IMPLS[(k + r) % IMPLS.length]);
    for (const impl of order) {
      const { perSecond } = await p.ev(([i, f, ms]) => window.bench.run(i, f, ms), [impl, frames, MS]);
      per[impl].push(perSecond);
    }
  }
  result.perSecond = Object.fromEntries(IMPLS.map((i) => [i, { runs: per[i], ...summary(per[i]) }]));
  result.ratioToJssip = Object.fromEntries(IMPLS.filter((i) => i !== 'jssip').map((i) => [i, summary(pairRatios(per[i], per.jssip))]));
  for (const i of IMPLS) say(`${i.padEnd(28)} ${Math.round(result.perSecond[i].median)} messages/s (median of ${ROUNDS})`);
  await p.close();
} catch (e) {
  say(`failed: ${e.stack || e.message}`);
  result.error = String(e.message || e);
} finally {
  await browser.close().catch(() => {});
}
writeResult('parse-browser', result);
