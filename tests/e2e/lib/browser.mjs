// Debian Chromium through playwright-core, one browser per spec file, one context per party
// (separate cookie jars and media devices, like two people on two machines).
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { env, ROOT } from './env.mjs';
import { withTimeout } from './wait.mjs';

export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  // Remote audio is played by an <audio autoplay> element with no user gesture.
  '--autoplay-policy=no-user-gesture-required',
  // Kamailio's wss listener uses a self-signed certificate made at test start.
  '--ignore-certificate-errors',
];

const INSTRUMENT = fs.readFileSync(path.join(ROOT, 'tests/e2e/lib/instrument.js'), 'utf8');

/** Launches Chromium (bounded: 30 s). */
export async function launchBrowser() {
  return withTimeout(
    'launching Chromium',
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
    30_000,
  );
}

/**
 * A new browser context and page for one party. Console output and page errors go to
 * test-artifacts/e2e/logs/<suite>/<name>.console.log; `lib/instrument.js` is injected before the
 * page's own scripts.
 */
export async function newParty(browser, suite, name) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  await context.addInitScript({ content: INSTRUMENT });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const dir = path.join(env.artifacts, 'logs', suite);
  fs.mkdirSync(dir, { recursive: true });
  const log = fs.createWriteStream(path.join(dir, `${name}.console.log`), { flags: 'a' });
  const stamp = () => new Date().toISOString().slice(11, 23);
  page.on('console', (msg) => log.write(`${stamp()} [${msg.type()}] ${msg.text()}\n`));
  page.on('pageerror', (err) => log.write(`${stamp()} [pageerror] ${err.stack || err.message}\n`));
  page.on('requestfailed', (req) => log.write(`${stamp()} [requestfailed] ${req.url()} ${req.failure()?.errorText}\n`));
  return {
    name,
    context,
    page,
    log: (line) => log.write(`${stamp()} [harness] ${line}\n`),
    async close() {
      await context.close().catch(() => {});
      log.end();
    },
  };
}

/** Saves a full-page screenshot to test-artifacts/e2e/screenshots/<suite>-<name>.png. */
export async function screenshot(party, suite, name) {
  const dir = path.join(env.artifacts, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${suite}-${name}.png`);
  await withTimeout(`screenshot ${file}`, party.page.screenshot({ path: file, fullPage: true }), 15_000);
  return file;
}
