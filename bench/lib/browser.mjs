// Chromium for the bench, through the e2e harness's settings (tests/e2e/lib/browser.mjs: Debian
// Chromium, the same flags). Bench pages get a context of their own each (a tab per party, like
// two people), optionally with the e2e media instrumentation and the peer-connection watch.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/e2e/lib/browser.mjs';
import { env } from '../../tests/e2e/lib/env.mjs';
import { waitFor, withTimeout } from '../../tests/e2e/lib/wait.mjs';
import { BENCH, OUT, ROOT } from './out.mjs';

const INSTRUMENT = fs.readFileSync(path.join(ROOT, 'tests/e2e/lib/instrument.js'), 'utf8');
const PCWATCH = fs.readFileSync(path.join(BENCH, 'pages/pcwatch.js'), 'utf8');

export async function launch(extraArgs = []) {
  return withTimeout('launching Chromium', chromium.launch({
    executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs],
  }), 30_000);
}

/**
 * Opens `/bench/<file>` of bwclient-server in a new context; waits for `window.bench.ready`.
 * `media: true` injects tests/e2e/lib/instrument.js (first inbound audio frame) and
 * pages/pcwatch.js (peer connection connected time).
 */
export async function openPage(browser, name, file, { media = false } = {}) {
  const context = await browser.newContext();
  if (media) {
    await context.addInitScript({ content: INSTRUMENT });
    await context.addInitScript({ content: PCWATCH });
  }
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const dir = path.join(OUT, 'logs');
  fs.mkdirSync(dir, { recursive: true });
  const log = fs.createWriteStream(path.join(dir, `${name}.console.log`), { flags: 'a' });
  page.on('console', (m) => log.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => log.write(`[pageerror] ${e.stack || e.message}\n`));
  await page.goto(`${env.serverUrl}/bench/${file}`, { waitUntil: 'load' });
  await waitFor(`${name}: ${file} ready`, () => page.evaluate(() => !!(window.bench && window.bench.ready)), { timeout: 20_000 });
  return {
    name,
    context,
    page,
    /** page.evaluate bounded in time. */
    ev: (fn, arg, ms = 30_000) => withTimeout(`${name}: ${fn.toString().slice(0, 60)}`, page.evaluate(fn, arg), ms),
    async close() { await context.close().catch(() => {}); log.end(); },
  };
}
