// Fault: Kamailio is stopped (deploy/kamailio/run.sh stop) and started again in the middle of a
// JsSIP ↔ JsSIP call. The media path is peer to peer, so audio must keep flowing while the
// proxy is away; both phones reconnect their WebSocket and re-register. The call set up before
// the restart goes on (issue 12 item 3): Kamailio reloads the dialog from its SQLite file,
// accepts each phone's new connection (it carries the phone's registration, same AOR and
// +sip.instance) and routes to the other's by its registered instance (RFC 5626 flow recovery):
// hold/unhold from each side and the BYE succeed. A new call works after.
// Our client gets the same treatment in ours-fault-kamailio.test.mjs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, screenshot } from '../lib/browser.mjs';
import { env } from '../lib/env.mjs';
import { recordFigures } from '../lib/figures.mjs';
import { endQuietly, establishCall, hangupFrom, openJssip, waitCall, waitEvent } from '../lib/jssip.mjs';
import { persistedDialogs, startKamailio, stopKamailio } from '../lib/kamailio.mjs';
import { expectAudioBothWays } from '../lib/media.mjs';
import { demoToken } from '../lib/tokens.mjs';
import { waitFor } from '../lib/wait.mjs';

const SUITE = 'jssip-fault-kamailio';

describe('JsSIP through Kamailio: Kamailio restarted mid-call', { timeout: 120_000 }, () => {
  let browser;
  let alice;
  let bob;
  let tokens;

  before(async () => {
    browser = await launchBrowser();
    [alice, bob] = await Promise.all([openJssip(browser, SUITE, 'alice'), openJssip(browser, SUITE, 'bob')]);
    tokens = { alice: await demoToken('alice'), bob: await demoToken('bob') };
    await Promise.all([
      alice.login({ token: tokens.alice.token, wsUrl: env.kamailioWs }),
      bob.login({ token: tokens.bob.token, wsUrl: env.kamailioWs }),
    ]);
  });

  after(async () => {
    // Kamailio must be up for the next spec file whatever happened here.
    await startKamailio().catch(() => {});
    await Promise.all([alice?.logout(), bob?.logout()].filter(Boolean));
    await browser?.close().catch(() => {});
  });

  test('audio keeps flowing while Kamailio is down and after it restarts; both re-register; the old call holds, resumes and hangs up from each side; a new call works', async (t) => {
    try {
      const dialogsBefore = await persistedDialogs();
      await establishCall(alice, bob, `sip:${tokens.bob.sipUri}`);
      await expectAudioBothWays(alice, bob);

      // Kamailio writes the dialog to its state file within a second; restarting before that
      // would lose it (deploy/kamailio/README.md).
      await waitFor('the call\'s dialog in Kamailio\'s state file', persistedDialogs, { accept: (n) => n > dialogsBefore });
      const tStop = Date.now();
      await stopKamailio();
      await Promise.all([waitEvent(alice, 'ws-disconnected', tStop), waitEvent(bob, 'ws-disconnected', tStop)]);
      const down = await expectAudioBothWays(alice, bob, { minPackets: 25 });
      assert.equal((await alice.state()).call.status, 'confirmed');
      assert.equal((await bob.state()).call.status, 'confirmed');

      const tStart = Date.now();
      await startKamailio();
      const [ra, rb] = await Promise.all([
        waitEvent(alice, 'registered', tStart, { timeout: 20_000 }),
        waitEvent(bob, 'registered', tStart, { timeout: 20_000 }),
      ]);
      const after = await expectAudioBothWays(alice, bob, { minPackets: 25 });
      assert.equal((await alice.state()).call.status, 'confirmed');
      assert.equal((await bob.state()).call.status, 'confirmed');
      await Promise.all([screenshot(alice, SUITE, 'alice-after-restart'), screenshot(bob, SUITE, 'bob-after-restart')]);

      // The old dialog after the restart: each side holds and resumes (JsSIP's hold()/unhold()
      // resolve only on the re-INVITE's 2xx), the far end sees it, audio flows again; alice's
      // BYE ends the call at bob.
      const tHold = Date.now();
      for (const [who, other] of [[alice, bob], [bob, alice]]) {
        assert.equal(await who.hold(), true, `${who.name} holds`);
        await waitFor(`${other.name} sees the remote hold`, async () => (await other.state()).call.remoteHold, { accept: (h) => h === true });
        assert.equal(await who.unhold(), false, `${who.name} resumes`);
        await waitFor(`${other.name} sees the unhold`, async () => (await other.state()).call.remoteHold, { accept: (h) => h === false });
        await expectAudioBothWays(alice, bob, { minPackets: 20 });
      }
      const holdsMs = Date.now() - tHold;
      await hangupFrom(alice, bob);
      recordFigures(t, SUITE, 'restart', {
        downtimeMs: tStart - tStop,
        reregisteredAfterStartMs: Math.max(ra.at, rb.at) - tStart,
        packetsWhileDown: down.alice.packets + down.bob.packets,
        packetsAfterRestart: after.alice.packets + after.bob.packets,
        holdResumeBothSidesMs: holdsMs,
      });

      // A new call through the restarted proxy, with media, hung up normally.
      await establishCall(bob, alice, `sip:${tokens.alice.sipUri}`);
      await expectAudioBothWays(alice, bob);
      await hangupFrom(bob, alice);
    } finally {
      await endQuietly(alice, bob);
    }
  });
});
