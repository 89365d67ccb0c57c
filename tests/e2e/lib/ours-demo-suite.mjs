// Our client on the demo page, alice ↔ bob, run once per server (specs/ours-demo-*).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newParty, screenshot } from './browser.mjs';
import { waitFor } from './wait.mjs';
import { recordFigures } from './figures.mjs';
import { assertLoopback, dtmfReceived, expectAudioBothWays, expectAudioStopped, expectDtmfReceived } from './media.mjs';
import { clickPad, demoCall, demoEndQuietly, demoHangup, demoLogin } from './ours-demo.mjs';
import { demoButton, describeOurs, waitCallEvent, waitLastCall } from './ours.mjs';

/** @param {{suite: string, label: string, via: 'server'|'kamailio'|'kamailio-wss'}} o */
export function ourDemoSuite({ suite, label, via }) {
  describeOurs(label, { timeout: 170_000 }, () => {
    let browser;
    let alice;
    let bob;

    before(async () => {
      browser = await launchBrowser();
      alice = Object.assign(await newParty(browser, suite, 'alice'), { endpoint: 'alice' });
      bob = Object.assign(await newParty(browser, suite, 'bob'), { endpoint: 'bob' });
    });

    after(async () => {
      for (const p of [alice, bob]) {
        await p?.page.evaluate(() => window.phone?.logout()).catch(() => {});
      }
      await browser?.close().catch(() => {});
    });

    test('alice and bob log in on the demo page', async (t) => {
      const t0 = Date.now();
      await Promise.all([demoLogin(alice, 'alice', via), demoLogin(bob, 'bob', via)]);
      recordFigures(t, suite, 'login', { bothRegisteredMs: Date.now() - t0 });
      // The page names its icon, which the server serves: no 404 for /favicon.ico on each load.
      const icon = await alice.page.evaluate(async () => {
        const href = document.querySelector('link[rel="icon"]')?.getAttribute('href');
        const r = href ? await fetch(href) : null;
        return { href, status: r?.status, type: r?.headers.get('content-type') };
      });
      assert.deepEqual(icon, { href: 'favicon.svg', status: 200, type: 'image/svg+xml' });
    });

    test('alice dials bob, bob answers: audio both ways; bob (the callee) hangs up', async (t) => {
      try {
        const setup = await demoCall(alice, bob, 'bob');
        const media = await expectAudioBothWays(alice, bob);
        assertLoopback(media.alice, 'alice');
        assertLoopback(media.bob, 'bob');
        // The call card shows the far end's level and the call's quality (getStats).
        for (const party of [alice, bob]) {
          await waitFor(`${party.name}'s quality line`, () => party.page.textContent('[data-testid="quality"]'),
            { accept: (text) => /RTT \d+ ms · jitter [\d.]+ ms · MOS [1-4]\.\d · opus/.test(text ?? '') });
          await waitFor(`${party.name}'s far-end meter moving`, () =>
            party.page.$eval('[data-testid="remote-level"]', (el) => parseFloat(el.style.width) || 0), { accept: (w) => w > 0 });
        }
        await Promise.all([screenshot(alice, suite, 'alice-mid-call'), screenshot(bob, suite, 'bob-mid-call')]);
        const { answeredAt, ...times } = setup;
        recordFigures(t, suite, 'call', { ...times, firstAudioAfterAnswerMs: media.alice.firstFrameAt - answeredAt, codec: media.alice.codec });
        await demoHangup(bob, alice);
      } finally {
        await demoEndQuietly(alice, bob);
      }
    });

    test('DTMF both ways over RFC 4733: the dial pad and call.sendDtmf; alice (the caller) hangs up', async () => {
      try {
        await demoCall(alice, bob, `sip:bob@demo.bwclient.test`);
        await expectAudioBothWays(alice, bob, { minPackets: 10 });
        // One key at a time, like a person: each must arrive before the next is pressed.
        for (const d of ['1', '2', '3', '#']) {
          const before = await dtmfReceived(bob);
          await clickPad(alice, d);
          await expectDtmfReceived(bob, before, d);
        }
        const before = await dtmfReceived(alice);
        await bob.page.evaluate(() => window.lastCall.sendDtmf('*09'));
        await expectDtmfReceived(alice, before, '*09');
        await demoHangup(alice, bob);
      } finally {
        await demoEndQuietly(alice, bob);
      }
    });

    test('hold and unhold from each side with the Hold button: the held side stops sending, audio resumes', async () => {
      try {
        await demoCall(bob, alice, 'alice');
        await expectAudioBothWays(alice, bob, { minPackets: 10 });

        for (const [holder, other] of [[alice, bob], [bob, alice]]) {
          const since = Date.now();
          await demoButton(holder, 'hold').click();
          await waitCallEvent(holder, 'held', { since });
          await waitLastCall(holder, 'held', (i) => i.held === true);
          await waitLastCall(other, 'remoteHeld', (i) => i.remoteHeld === true);
          assert.equal(await demoButton(holder, 'hold').textContent(), 'Unhold');
          await expectAudioStopped(holder);

          const since2 = Date.now();
          await demoButton(holder, 'hold').click();
          await waitCallEvent(holder, 'unheld', { since: since2 });
          await waitLastCall(holder, 'not held', (i) => i.held === false);
          await waitLastCall(other, 'not remoteHeld', (i) => i.remoteHeld === false);
          await expectAudioBothWays(alice, bob, { minPackets: 20 });
        }
        await demoHangup(bob, alice);
      } finally {
        await demoEndQuietly(alice, bob);
      }
    });
  });
}
