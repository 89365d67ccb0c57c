// Our client (pkg/, built by scripts/build.sh): is it there, and helpers for its pages.
// Run directly (`node tests/e2e/lib/ours.mjs`) it prints the verdict and exits 1 when missing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
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

let warned = false;

/**
 * `describe()` for specs of our client: when pkg/ has no client yet, a single skipped test with
 * the reason instead (so node's summary counts it under "skipped"), and a loud line once.
 */
export function describeOurs(label, options, fn) {
  const reason = ourClientMissing();
  if (!reason) {
    describe(label, options, fn);
    return;
  }
  if (!warned) {
    warned = true;
    console.warn(`\n!!! ${reason}: skipping ${process.argv[1] ? path.basename(process.argv[1]) : 'these specs'}\n`);
  }
  test(label, { skip: reason }, () => {});
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

/**
 * Records our phone's events (and those of every call it sees) in `window.__ours` so the specs
 * can wait on them: {phoneEvents: [{name, at, info}], callEvents: [{call, name, at, info}]}.
 * Outgoing calls made by the page are picked up through `watchLastCall`.
 */
export async function recordPhoneEvents(party) {
  await party.page.evaluate(() => {
    if (window.__ours) return;
    const plain = (v) => {
      if (v === undefined || v === null || typeof v !== 'object') return v ?? null;
      const out = {};
      for (const k of Object.keys(v)) {
        const x = v[k];
        if (x === null || ['string', 'number', 'boolean'].includes(typeof x)) out[k] = x;
      }
      if (v.message) out.message = String(v.message);
      if (v.code) out.code = v.code;
      return out;
    };
    const rec = { phoneEvents: [], callEvents: [], calls: [] };
    window.__ours = rec;
    rec.watchCall = (call) => {
      if (!call || rec.calls.includes(call)) return rec.calls.indexOf(call);
      rec.calls.push(call);
      const i = rec.calls.length - 1;
      for (const n of ['connecting', 'ringing', 'connected', 'ended', 'failed', 'held', 'unheld',
        'muted', 'unmuted', 'dtmf', 'dtmfSent', 'holdFailed', 'mediaFailed']) {
        call.on(n, (info) => rec.callEvents.push({ call: i, name: n, at: Date.now(), info: plain(info) }));
      }
      return i;
    };
    for (const n of ['registered', 'registrationFailed', 'unregistered', 'reconnecting', 'reconnected', 'tokenWillExpire', 'incomingCall']) {
      window.phone.on(n, (info) => {
        rec.phoneEvents.push({ name: n, at: Date.now(), info: n === 'incomingCall' ? null : plain(info) });
        if (n === 'incomingCall') rec.watchCall(info);
      });
    }
  });
}

/** Starts recording the events of the page's newest call (`window.lastCall`). */
export async function watchLastCall(party) {
  return party.page.evaluate(() => window.__ours.watchCall(window.lastCall));
}

/** Waits for a phone event `name` at or after `since` (ms); returns it. */
export async function waitPhoneEvent(party, name, since, { timeout = 15_000 } = {}) {
  const list = await waitFor(
    `${party.name}: phone event ${name}`,
    () => party.page.evaluate(([n, t]) => window.__ours.phoneEvents.filter((e) => e.name === n && e.at >= t), [name, since]),
    { timeout, accept: (l) => l.length > 0 },
  );
  return list[0];
}

/** Phone events named `name` at or after `since`. */
export async function phoneEvents(party, name, since = 0) {
  return party.page.evaluate(([n, t]) => window.__ours.phoneEvents.filter((e) => e.name === n && e.at >= t), [name, since]);
}

/** Waits for a call event `name` of the newest recorded call; returns it. */
export async function waitCallEvent(party, name, { since = 0, timeout = 15_000 } = {}) {
  const list = await waitFor(
    `${party.name}: call event ${name}`,
    () => party.page.evaluate(([n, t]) => {
      const i = window.__ours.calls.length - 1;
      return window.__ours.callEvents.filter((e) => e.call === i && e.name === n && e.at >= t);
    }, [name, since]),
    { timeout, accept: (l) => l.length > 0 },
  );
  return list[0];
}

/** Waits until `window.lastCall.getInfo()` satisfies `accept`; returns the info. */
export async function waitLastCall(party, what, accept, { timeout = 15_000 } = {}) {
  return waitFor(`${party.name}: ${what}`, () => lastCallInfo(party), { timeout, accept: (i) => !!i && accept(i) });
}

/** The newest call's row in the demo page. */
export function demoButton(party, act) {
  return party.page.locator(`#calls li:first-child [data-act="${act}"]`);
}

/** Places a call from the demo page's dial box; starts recording its events. */
export async function demoDial(party, target) {
  await party.page.fill('#target', target);
  await party.page.locator('#call').waitFor({ state: 'visible' });
  // Click and start watching in one task: the call's events are queued behind network I/O, so
  // none can fire before its listeners are on (a watcher attached after a round trip to the test
  // process missed `connected` when the callee answered at once).
  const made = await party.page.evaluate(() => {
    const prev = window.lastCall ?? null;
    document.querySelector('#call').click();
    if (!window.lastCall || window.lastCall === prev) return false;
    window.__ours?.watchCall(window.lastCall);
    return true;
  });
  assert.ok(made, `${party.name}: the call button made no outgoing call object`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reason = ourClientMissing();
  console.log(reason ? `[e2e] ${reason}` : '[e2e] our client: pkg/bwclient.js with the BWClient API found');
  process.exit(reason ? 1 : 0);
}
