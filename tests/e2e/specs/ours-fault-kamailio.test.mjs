// Fault: Kamailio stopped and restarted during a call between two of our clients (demo pages).
// The client must notice, reconnect and re-register (reconnecting → reconnected → registered),
// and the call's audio must keep flowing throughout. The call set up before the restart goes on
// (issue 12 item 3): Kamailio reloads the dialog from its SQLite file, accepts each party's new
// connection (it carries the party's registration) and routes to the other's by its registered
// +sip.instance (RFC 5626 flow recovery), so hold/unhold from each side and the BYE succeed.
// A new call works afterwards. Same procedure as jssip-fault-kamailio. Skips until pkg/ is built.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newParty, screenshot } from '../lib/browser.mjs';
import { recordFigures } from '../lib/figures.mjs';
import { persistedDialogs, startKamailio, stopKamailio } from '../lib/kamailio.mjs';
import { expectAudioBothWays } from '../lib/media.mjs';
import { demoCall, demoEndQuietly, demoHangup, demoLogin } from '../lib/ours-demo.mjs';
import {
  demoButton, lastCallInfo, phoneEvents, describeOurs, waitLastCall, waitPhoneEvent,
} from '../lib/ours.mjs';
import { waitFor } from '../lib/wait.mjs';

const SUITE = 'ours-fault-kamailio';

describeOurs('our client through Kamailio: Kamailio restarted mid-call', { timeout: 150_000 }, () => {
  let browser;
  let alice;
  let bob;

  before(async () => {
    browser = await launchBrowser();
    alice = Object.assign(await newParty(browser, SUITE, 'alice'), { endpoint: 'alice' });
    bob = Object.assign(await newParty(browser, SUITE, 'bob'), { endpoint: 'bob' });
    await Promise.all([demoLogin(alice, 'alice', 'kamailio'), demoLogin(bob, 'bob', 'kamailio')]);
  });

  after(async () => {
    await startKamailio().catch(() => {}); // whatever happened, the next spec needs it
    for (const p of [alice, bob]) await p?.page.evaluate(() => window.phone?.logout()).catch(() => {});
    await browser?.close().catch(() => {});
  });

  test('reconnects and re-registers; the call\'s audio keeps flowing; after the restart the old call holds, resumes and hangs up from each side; a new call works', async (t) => {
    try {
      const dialogsBefore = await persistedDialogs();
      await demoCall(alice, bob, 'bob');
      await expectAudioBothWays(alice, bob);

      // Kamailio writes the dialog to its state file within a second; restarting before that
      // would lose it (deploy/kamailio/README.md).
      await waitFor('the call\'s dialog in Kamailio\'s state file', persistedDialogs, { accept: (n) => n > dialogsBefore });
      const tStop = Date.now();
      await stopKamailio();
      await Promise.all([
        waitPhoneEvent(alice, 'reconnecting', tStop),
        waitPhoneEvent(bob, 'reconnecting', tStop),
      ]);
      await waitFor('the demo page shows reconnecting', () => alice.page.textContent('#status'), { accept: (s) => s.startsWith('reconnecting') });
      const down = await expectAudioBothWays(alice, bob, { minPackets: 25 });
      assert.equal((await lastCallInfo(alice)).status, 'connected');
      assert.equal((await lastCallInfo(bob)).status, 'connected');

      const tStart = Date.now();
      await startKamailio();
      const [ra, rb] = await Promise.all([
        waitPhoneEvent(alice, 'reconnected', tStart, { timeout: 40_000 }),
        waitPhoneEvent(bob, 'reconnected', tStart, { timeout: 40_000 }),
      ]);
      await Promise.all([
        waitPhoneEvent(alice, 'registered', tStart, { timeout: 20_000 }),
        waitPhoneEvent(bob, 'registered', tStart, { timeout: 20_000 }),
      ]);
      assert.equal(await alice.page.evaluate(() => window.phone.registered), true);
      assert.equal(await bob.page.evaluate(() => window.phone.registered), true);
      assert.deepEqual(await phoneEvents(alice, 'registrationFailed', tStop), [], 'no registrationFailed on alice');
      const afterRestart = await expectAudioBothWays(alice, bob, { minPackets: 25 });
      assert.equal((await lastCallInfo(alice)).status, 'connected');
      assert.equal((await lastCallInfo(bob)).status, 'connected');
      await Promise.all([screenshot(alice, SUITE, 'alice-after-restart'), screenshot(bob, SUITE, 'bob-after-restart')]);

      // The old call's in-dialog requests after the restart: each side holds and resumes (a
      // re-INVITE and its ACK each way), audio flows again, and alice's BYE ends it at bob.
      const tHold = Date.now();
      for (const [who, other] of [[alice, bob], [bob, alice]]) {
        await demoButton(who, 'hold').click();
        await waitLastCall(who, `${who.name} held`, (i) => i.held === true);
        await waitLastCall(other, `${other.name} sees remoteHeld`, (i) => i.remoteHeld === true);
        await demoButton(who, 'hold').click();
        await waitLastCall(who, `${who.name} unheld`, (i) => i.held === false);
        await waitLastCall(other, `${other.name} sees not remoteHeld`, (i) => i.remoteHeld === false);
        await expectAudioBothWays(alice, bob, { minPackets: 20 });
      }
      const holdsMs = Date.now() - tHold;
      await demoHangup(alice, bob);
      recordFigures(t, SUITE, 'restart', {
        downtimeMs: tStart - tStop,
        reconnectedAfterStartMs: Math.max(ra.at, rb.at) - tStart,
        packetsWhileDown: down.alice.packets + down.bob.packets,
        packetsAfterRestart: afterRestart.alice.packets + afterRestart.bob.packets,
        holdResumeBothSidesMs: holdsMs,
      });

      await demoCall(bob, alice, 'alice');
      await expectAudioBothWays(alice, bob);
      await demoHangup(alice, bob);
    } finally {
      await demoEndQuietly(alice, bob);
    }
  });
});
