// The package as its users consume it: `npm pack` of pkg-bundler/ (--target bundler) installed
// into a Vite + TypeScript app and a webpack 5 app (tests/consumers/, built and type-checked by
// tests/consumers/build.sh, which run.sh calls before entering the namespace and stages at
// /consumers/<app>/). Each built page logs in as alice by itself and calls bob; bob answers on
// the demo page in another context; audio both ways; alice hangs up. Then bob calls alice and
// the app's `phone.on('incomingCall', (call) => call.answer())` answers. Skips until pkg/ is built.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launchBrowser, newParty, screenshot } from '../lib/browser.mjs';
import { env } from '../lib/env.mjs';
import { recordFigures } from '../lib/figures.mjs';
import { assertLoopback, expectAudioBothWays } from '../lib/media.mjs';
import { demoEndQuietly } from '../lib/ours-demo.mjs';
import { demoCallState, demoButton, demoDial, describeOurs, openDemoPage, recordPhoneEvents, waitCallEvent, waitPhoneEvent } from '../lib/ours.mjs';
import { withTimeout, waitFor } from '../lib/wait.mjs';

const SUITE = 'ours-consumers';
const BUILD_LOG = path.join(env.artifacts, 'logs', 'consumers-build.log');

/** The tail of tests/consumers/build.sh's log, for a failure message. */
function buildLogTail() {
  try {
    return fs.readFileSync(BUILD_LOG, 'utf8').split('\n').slice(-25).join('\n');
  } catch {
    return `(no ${BUILD_LOG})`;
  }
}

/** window.app of a consumer page (see tests/consumers/vite-app/src/main.ts, AppState). */
const appState = (party) => party.page.evaluate(() => {
  const a = window.app;
  if (!a) return null;
  return { bundler: a.bundler, version: a.version, phoneState: a.phoneState, callState: a.callState, ended: a.ended, info: a.info() };
});

/** Ends whatever call is still up on the app page and the demo page (test clean-up). */
async function endQuietly(alice, bob) {
  await alice.page.evaluate(() => {
    const c = window.app?.call;
    if (c && c.getInfo().status !== 'ended') c.hangup();
  }).catch(() => {});
  await demoEndQuietly(bob);
}

async function waitApp(party, what, accept, timeout = 15_000) {
  return waitFor(`${party.name}: ${what}`, () => appState(party), { timeout, accept: (s) => !!s && accept(s) });
}

for (const app of ['vite', 'webpack']) {
  describeOurs(`the package as users consume it: the ${app} app`, { timeout: 90_000 }, () => {
    const suite = `${SUITE}-${app}`;
    const url = `${env.serverUrl}/consumers/${app}/`;
    let browser;
    let alice;
    let bob;
    let served = false;

    before(async () => {
      browser = await launchBrowser();
      alice = await newParty(browser, suite, 'alice');
      bob = Object.assign(await newParty(browser, suite, 'bob'), { endpoint: 'bob' });
    });

    after(async () => {
      for (const p of [alice, bob]) {
        await p?.page.evaluate(() => (window.app?.phone ?? window.phone)?.logout()).catch(() => {});
      }
      await browser?.close().catch(() => {});
    });

    test(`built from the npm pack tarball (${app === 'vite' ? 'tsc --noEmit, vite build' : 'webpack --mode production'}) and served`, async (t) => {
      const res = await withTimeout(`GET ${url}`, fetch(url), 10_000);
      assert.equal(res.status, 200,
        `${url} is not there: tests/consumers/build.sh failed or did not run (${BUILD_LOG}):\n${buildLogTail()}`);
      const built = await withTimeout('GET build.json', fetch(`${env.serverUrl}/consumers/build.json`), 10_000);
      assert.equal(built.status, 200, 'tests/consumers/build.sh wrote no build.json');
      const info = await built.json();
      assert.match(info.tarball, /^bwclient-.*\.tgz$/);
      assert.deepEqual(info.failed, [], `consumer builds failed:\n${buildLogTail()}`);
      served = true;
      recordFigures(t, suite, 'build', { tarball: info.tarball, tarballBytes: info.tarballBytes, ...info[app] });
    });

    test('its page logs in as alice and calls bob; bob answers on the demo page; audio both ways; alice hangs up', async (t) => {
      assert.ok(served, `the ${app} app was not built (see the test above)`);
      try {
        await openDemoPage(bob, { as: 'bob' });
        await recordPhoneEvents(bob);
        const t0 = Date.now();
        await alice.page.goto(url, { waitUntil: 'load' });
        const registered = await waitApp(alice, 'app registered', (s) => s.phoneState === 'registered', 20_000);
        assert.equal(registered.bundler, app);
        assert.match(registered.version, /^\d+\.\d+\.\d+/);
        const loginMs = Date.now() - t0;

        await waitPhoneEvent(bob, 'incomingCall', t0);
        await waitFor('bob: demo shows the incoming call', () => demoCallState(bob), { accept: (s) => s === 'incoming' || s === 'ringing' });
        const tAnswer = Date.now();
        await demoButton(bob, 'answer').click();
        await Promise.all([
          waitApp(alice, 'call connected', (s) => s.callState === 'connected'),
          waitCallEvent(bob, 'connected', { since: t0 }),
        ]);
        const connectedMs = Date.now() - tAnswer;
        const { info } = await appState(alice);
        assert.equal(info.direction, 'out');
        assert.equal(info.status, 'connected');
        assert.match(info.remoteUri, /^sip:bob@/);

        const media = await expectAudioBothWays(alice, bob);
        assertLoopback(media.alice, 'alice');
        await Promise.all([screenshot(alice, suite, 'alice-mid-call'), screenshot(bob, suite, 'bob-mid-call')]);
        recordFigures(t, suite, 'call', { loginAndCallMs: loginMs, answerToConnectedMs: connectedMs, codec: media.alice.codec });

        const since = Date.now();
        await alice.page.click('#hangup');
        const [ended] = await Promise.all([
          waitApp(alice, 'call ended', (s) => s.callState === 'ended'),
          waitCallEvent(bob, 'ended', { since }),
        ]);
        assert.equal(ended.ended?.reason, 'local_hangup');
        assert.equal(ended.info.status, 'ended');
      } finally {
        await endQuietly(alice, bob);
      }
    });

    test('bob calls alice: the app answers in its incomingCall listener; audio both ways; bob hangs up', async () => {
      assert.ok(served, `the ${app} app was not built (see the first test)`);
      try {
        await waitApp(alice, 'app registered', (s) => s.phoneState === 'registered');
        await demoDial(bob, 'alice');
        await Promise.all([
          waitApp(alice, 'incoming call connected', (s) => s.callState === 'connected' && s.info?.direction === 'in'),
          waitCallEvent(bob, 'connected'),
        ]);
        await expectAudioBothWays(alice, bob, { minPackets: 10 });
        const since = Date.now();
        await demoButton(bob, 'hangup').click();
        const [ended] = await Promise.all([
          waitApp(alice, 'call ended', (s) => s.callState === 'ended'),
          waitCallEvent(bob, 'ended', { since }),
        ]);
        assert.equal(ended.ended?.reason, 'remote_hangup');
      } finally {
        await endQuietly(alice, bob);
      }
    });
  });
}
