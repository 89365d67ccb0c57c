// The one-file, JSFiddle-style example (www/fiddle.html: one <script type="module"> importing
// the package from a URL). Its token box is prefilled from /demo/token; it logs in as alice,
// calls bob with its call box, bob answers on the demo page, audio both ways, the fiddle hangs
// up; then bob calls the fiddle, its Answer button answers, bob hangs up. Skips until pkg/ is built.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newParty, screenshot } from '../lib/browser.mjs';
import { env } from '../lib/env.mjs';
import { assertLoopback, expectAudioBothWays } from '../lib/media.mjs';
import { demoEndQuietly } from '../lib/ours-demo.mjs';
import { demoButton, demoCallState, demoDial, describeOurs, openDemoPage, recordPhoneEvents, waitCallEvent, waitPhoneEvent } from '../lib/ours.mjs';
import { decodeToken } from '../lib/tokens.mjs';
import { waitFor } from '../lib/wait.mjs';

const SUITE = 'ours-fiddle';

const fiddle = (party) => party.page.evaluate(() => ({
  phone: document.getElementById('status').textContent,
  state: document.getElementById('state').textContent,
  info: window.lastCall ? window.lastCall.getInfo() : null,
}));

async function waitFiddle(party, what, accept, timeout = 15_000) {
  return waitFor(`${party.name}: fiddle ${what}`, () => fiddle(party), { timeout, accept });
}

async function endQuietly(alice, bob) {
  await alice.page.evaluate(() => {
    if (window.lastCall && window.lastCall.getInfo().status !== 'ended') window.lastCall.hangup();
  }).catch(() => {});
  await demoEndQuietly(bob);
}

describeOurs('the one-file fiddle (www/fiddle.html)', { timeout: 90_000 }, () => {
  let browser;
  let alice;
  let bob;

  before(async () => {
    browser = await launchBrowser();
    alice = await newParty(browser, SUITE, 'alice');
    bob = await newParty(browser, SUITE, 'bob');
  });

  after(async () => {
    for (const p of [alice, bob]) await p?.page.evaluate(() => window.phone?.logout()).catch(() => {});
    await browser?.close().catch(() => {});
  });

  test('token box prefilled from /demo/token; Log in registers alice', async () => {
    await Promise.all([
      openDemoPage(bob, { as: 'bob' }).then(() => recordPhoneEvents(bob)),
      (async () => {
        await alice.page.goto(`${env.serverUrl}/fiddle.html`, { waitUntil: 'load' });
        const token = await waitFor('alice: fiddle token box prefilled', () => alice.page.inputValue('#token'), { accept: (v) => v.length > 20 });
        assert.equal(decodeToken(token).user, 'alice');
        await alice.page.click('#login');
        await waitFiddle(alice, 'registered', (s) => s.phone.startsWith('registered as sip:alice@'), 20_000);
      })(),
    ]);
  });

  test('the call box calls bob; bob answers on the demo page; audio both ways; Hang up', async () => {
    try {
      const t0 = Date.now();
      await alice.page.fill('#to', 'bob');
      await alice.page.click('#dial');
      await waitPhoneEvent(bob, 'incomingCall', t0);
      await waitFor('bob: demo shows the incoming call', () => demoCallState(bob), { accept: (s) => s === 'incoming' || s === 'ringing' });
      await demoButton(bob, 'answer').click();
      await Promise.all([
        waitFiddle(alice, 'connected', (s) => s.state === 'connected'),
        waitCallEvent(bob, 'connected', { since: t0 }),
      ]);
      const media = await expectAudioBothWays(alice, bob);
      assertLoopback(media.alice, 'alice');
      await screenshot(alice, SUITE, 'alice-mid-call');

      const since = Date.now();
      await alice.page.click('#hangup');
      await Promise.all([
        waitFiddle(alice, 'ended', (s) => s.state === 'ended (local_hangup)' && s.info?.status === 'ended'),
        waitCallEvent(bob, 'ended', { since }),
      ]);
    } finally {
      await endQuietly(alice, bob);
    }
  });

  test('bob calls the fiddle; its Answer button answers; audio both ways; bob hangs up', async () => {
    try {
      await demoDial(bob, 'alice');
      await waitFiddle(alice, 'incoming call shown', (s) => s.state.startsWith('incoming from sip:bob@'));
      await alice.page.click('#answer');
      await Promise.all([
        waitFiddle(alice, 'connected', (s) => s.state === 'connected' && s.info?.direction === 'in'),
        waitCallEvent(bob, 'connected'),
      ]);
      await expectAudioBothWays(alice, bob, { minPackets: 10 });
      const since = Date.now();
      await demoButton(bob, 'hangup').click();
      await Promise.all([
        waitFiddle(alice, 'ended', (s) => s.state === 'ended (remote_hangup)'),
        waitCallEvent(bob, 'ended', { since }),
      ]);
    } finally {
      await endQuietly(alice, bob);
    }
  });
});
