// 5. Page memory: JS heap + wasm linear memory of a page with a registered phone and one
// connected call, ours against JsSIP (through bwclient-server), and of a blank page for scale.
// Chromium runs with --enable-precise-memory-info; each reading follows a forced garbage
// collection (CDP HeapProfiler.collectGarbage) and reads performance.memory.usedJSHeapSize plus,
// for ours, the wasm module's memory.buffer.byteLength. (measureUserAgentSpecificMemory would
// need a cross-origin isolated page, which bwclient-server does not serve.) Fresh contexts per
// round; rounds alternate the order.
import { env } from '../tests/e2e/lib/env.mjs';
import { decodeToken, restToken } from '../tests/e2e/lib/tokens.mjs';
import { sleep } from '../tests/e2e/lib/wait.mjs';
import { launch, openPage } from './lib/browser.mjs';
import { log, writeResult } from './lib/out.mjs';
import { pairRatios, summary } from './lib/stats.mjs';

const say = log('memory');
const ROUNDS = Number(process.env.BENCH_MEMORY_ROUNDS || 5);
const tokens = {};
for (const n of ['oalice', 'obob', 'jalice', 'jbob']) tokens[n] = (await restToken(n, { expires: 7200 })).token;
const host = decodeToken(tokens.obob).host;
const ws = env.serverWs;
const loginArg = (impl, name) => (impl === 'ours'
  ? { token: tokens[name], server: ws }
  : { creds: { ...decodeToken(tokens[name]), token: tokens[name] }, wsUrl: ws, sendTokenHeader: true });

async function reading(p) {
  const cdp = await p.context.newCDPSession(p.page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.detach().catch(() => {});
  return p.ev(() => ({ heap: performance.memory.usedJSHeapSize, wasm: window.bench.wasmBytes() }));
}

const browser = await launch(['--enable-precise-memory-info']);
const rows = { ours: [], jssip: [], blank: [] };
const result = { rounds: ROUNDS };
try {
  for (let r = 0; r < ROUNDS; r += 1) {
    const blank = await openPage(browser, 'memory-blank', 'blank.html');
    rows.blank.push(await reading(blank));
    await blank.close();
    for (const impl of r % 2 === 0 ? ['ours', 'jssip'] : ['jssip', 'ours']) {
      const file = impl === 'ours' ? 'ours.html' : 'jssip.html';
      const a = await openPage(browser, `memory-${impl}-caller`, file);
      const b = await openPage(browser, `memory-${impl}-callee`, file);
      try {
        const loaded = await reading(a);
        await a.ev((o) => window.bench.login(o), loginArg(impl, impl === 'ours' ? 'oalice' : 'jalice'));
        await b.ev((o) => window.bench.login(o), loginArg(impl, impl === 'ours' ? 'obob' : 'jbob'));
        const registered = await reading(a);
        const incoming = b.ev(() => window.bench.incomingConnected(0));
        await a.ev((t) => window.bench.call(t), impl === 'ours' ? 'obob' : `sip:jbob@${host}`);
        await incoming;
        await sleep(1500); // media flowing, jitter buffers filled
        const inCall = await reading(a);
        rows[impl].push({ loaded, registered, inCall, total: inCall.heap + inCall.wasm });
        await a.ev(() => window.bench.hangup()).catch(() => {});
        await a.ev(() => window.bench.logout()).catch(() => {});
        await b.ev(() => window.bench.logout()).catch(() => {});
      } catch (e) {
        say(`${impl} round ${r}: ${e.message}`);
        rows[impl].push({ error: e.message });
      } finally {
        await a.close();
        await b.close();
      }
    }
  }
  const col = (impl, f) => rows[impl].map((x) => (x.error ? null : f(x)));
  for (const impl of ['ours', 'jssip']) {
    result[impl] = {
      runs: rows[impl],
      loadedHeap: summary(col(impl, (x) => x.loaded.heap)),
      loadedWasm: summary(col(impl, (x) => x.loaded.wasm)),
      inCallHeap: summary(col(impl, (x) => x.inCall.heap)),
      inCallWasm: summary(col(impl, (x) => x.inCall.wasm)),
      inCallTotal: summary(col(impl, (x) => x.total)),
    };
  }
  result.blank = { runs: rows.blank, heap: summary(rows.blank.map((x) => x.heap)) };
  result.ratio = { inCallTotal: summary(pairRatios(col('ours', (x) => x.total), col('jssip', (x) => x.total))) };
  const mb = (v) => (v / 1048576).toFixed(2);
  for (const impl of ['ours', 'jssip']) {
    say(`${impl}: in a call ${mb(result[impl].inCallTotal.median)} MiB (heap ${mb(result[impl].inCallHeap.median)} + wasm ${mb(result[impl].inCallWasm.median)}); blank page heap ${mb(result.blank.heap.median)} MiB`);
  }
} catch (e) {
  say(`failed: ${e.stack || e.message}`);
  result.error = String(e.message || e);
} finally {
  await browser.close().catch(() => {});
}
writeResult('memory', result);
