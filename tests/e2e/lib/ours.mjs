// Our client (pkg/, built by scripts/build.sh): is it there, and helpers for its pages.
// Run directly (`node tests/e2e/lib/ours.mjs`) it prints the verdict and exits 1 when missing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ROOT, env } from './env.mjs';
import { waitFor } from './wait.mjs';

/**
 * Why the ours-* specs must skip, or null when pkg/ holds a client with the BWClient API.
 * (A probe build of pkg/ without the BWClient export counts as "not built".)
 */
export function ourClientMissing() {
  const js = path.join(ROOT, 'pkg/bwclient.js');
  if (!fs.existsSync(js)) return 'OUR CLIENT NOT BUILT: pkg/bwclient.js does not exist (run scripts/build.sh)';
  const text = fs.readFileSync(js, 'utf8');
  if (!/export\s+class\s+BWClient\b|export\s*\{[^}]*\bBWClient\b/.test(text)) {
    return 'OUR CLIENT NOT BUILT: pkg/bwclient.js has no BWClient export yet (a probe build; run scripts/build.sh once src/ has the JS API)';
  }
  return null;
}

/** `describe(..., skipUnlessOurClient(), ...)`: prints the reason loudly once. */
export function skipUnlessOurClient() {
  const reason = ourClientMissing();
  if (reason) console.warn(`\n!!! ${reason}: skipping ${process.argv[1] ? path.basename(process.argv[1]) : 'these specs'}\n`);
  return { skip: reason || false };
}

/**
 * Opens the demo page (www/index.html). With `as`, the page logs in by itself with a demo token
 * (`?as=alice`); with `token`, it logs in through the page's "Use a token" form (a token's URL
 * says which server to use, see tokens.retargetToken). Resolves once `window.phone` exists and
 * the page shows "registered".
 */
export async function openDemoPage(party, { as, token, timeout = 20_000 } = {}) {
  const url = `${env.serverUrl}/${as ? `?as=${encodeURIComponent(as)}` : ''}`;
  await party.page.goto(url, { waitUntil: 'domcontentloaded' });
  if (token) {
    await party.page.locator('#login-card details summary').click();
    await party.page.fill('#token', token);
    await party.page.click('#login-token');
  }
  await waitFor(
    `${party.name}: demo page registered`,
    () => party.page.evaluate(() => ({ phone: !!window.phone, status: document.getElementById('status')?.textContent })),
    { timeout, accept: (s) => s.phone && s.status === 'registered' },
  );
}

/** `window.lastCall.getInfo()` on a demo page (null when no call yet). */
export async function lastCallInfo(party) {
  return party.page.evaluate(() => (window.lastCall ? window.lastCall.getInfo() : null));
}

/** The text of the demo page's state label of the newest call. */
export async function demoCallState(party) {
  return party.page.evaluate(() => document.querySelector('#calls li .state')?.textContent ?? null);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reason = ourClientMissing();
  console.log(reason ? `[e2e] ${reason}` : '[e2e] our client: pkg/bwclient.js with the BWClient API found');
  process.exit(reason ? 1 : 0);
}
