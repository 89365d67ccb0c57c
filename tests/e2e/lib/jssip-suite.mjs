// The JsSIP ↔ JsSIP call suite, run once per server (specs/jssip-kamailio, specs/jssip-server):
// two JsSIP pages in two browser contexts, logged in with tokens minted by bwclient-server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, screenshot } from './browser.mjs';
import { recordFigures } from './figures.mjs';
import { endQuietly, establishCall, hangupFrom, openJssip, waitCall } from './jssip.mjs';
import {
  assertLoopback, dtmfReceived, expectAudioBothWays, expectAudioFlowing, expectAudioStopped, expectDtmfReceived, expectSilence,
} from './media.mjs';
import { demoToken } from './tokens.mjs';
import { waitFor } from './wait.mjs';

/**
 * @param {object} o
 * @param {string} o.suite    artifact prefix
 * @param {string} o.label    describe() title
 * @param {() => string} o.wsUrl  the server's WebSocket URL
 */
export function jssipCallSuite({ suite, label, wsUrl }) {
  describe(label, { timeout: 170_000 }, () => {
    let browser;
    let alice;
    let bob;
    let tokens;

    before(async () => {
      browser = await launchBrowser();
      [alice, bob] = await Promise.all([openJssip(browser, suite, 'alice'), openJssip(browser, suite, 'bob')]);
      tokens = { alice: await demoToken('alice'), bob: await demoToken('bob') };
    });

    after(async () => {
      await Promise.all([alice?.logout(), bob?.logout()].filter(Boolean));
      await browser?.close().catch(() => {});
    });

    test('both JsSIP users register with tokens minted by bwclient-server', async (t) => {
      const t0 = Date.now();
      const [ra, rb] = await Promise.all([
        alice.login({ token: tokens.alice.token, wsUrl: wsUrl() }),
        bob.login({ token: tokens.bob.token, wsUrl: wsUrl() }),
      ]);
      const registerMs = Date.now() - t0;
      assert.equal(ra.uri, `sip:${tokens.alice.sipUri}`);
      assert.equal(rb.uri, `sip:${tokens.bob.sipUri}`);
      assert.equal((await alice.state()).registered, true);
      assert.equal((await bob.state()).registered, true);
      recordFigures(t, suite, 'register', { bothRegisteredMs: registerMs });
    });

    test('alice calls bob: rings, answer, audio both ways; the callee hangs up', async (t) => {
      try {
        const setup = await establishCall(alice, bob, `sip:${tokens.bob.sipUri}`);
        const media = await expectAudioBothWays(alice, bob);
        assertLoopback(media.alice, 'alice');
        assertLoopback(media.bob, 'bob');
        await Promise.all([screenshot(alice, suite, 'alice-mid-call'), screenshot(bob, suite, 'bob-mid-call')]);
        const { answeredAt, ...times } = setup;
        recordFigures(t, suite, 'call', {
          ...times,
          firstAudioAfterAnswerMs: media.alice.firstFrameAt - answeredAt,
          codec: media.alice.codec,
          maxLevelAlice: media.alice.maxLevel,
          maxLevelBob: media.bob.maxLevel,
        });
        await hangupFrom(bob, alice);
      } finally {
        await endQuietly(alice, bob);
      }
    });

    test('bob calls alice: DTMF both ways over RFC 4733 and SIP INFO; the caller hangs up', async (t) => {
      try {
        await establishCall(bob, alice, `sip:${tokens.alice.sipUri}`);
        await expectAudioBothWays(alice, bob, { minPackets: 10 });

        const beforeAlice = await dtmfReceived(alice);
        const t0 = Date.now();
        assert.equal(await bob.sendDtmf('123#', { transport: 'RFC2833' }), '123#', 'bob played every tone');
        await expectDtmfReceived(alice, beforeAlice, '123#');
        const dtmfMs = Date.now() - t0;

        const beforeBob = await dtmfReceived(bob);
        assert.equal(await alice.sendDtmf('*90', { transport: 'RFC2833' }), '*90', 'alice played every tone');
        await expectDtmfReceived(bob, beforeBob, '*90');

        // SIP INFO (application/dtmf-relay) goes through the proxy in the dialog.
        await alice.sendDtmf('47', { transport: 'INFO' });
        await waitCall(bob, 'confirmed');
        await waitFor('bob: INFO digits 47', async () => (await bob.state()).call.infoIn, { accept: (d) => d === '47' });

        recordFigures(t, suite, 'dtmf', { rfc4733FourDigitsMs: dtmfMs });
        await hangupFrom(bob, alice);
      } finally {
        await endQuietly(alice, bob);
      }
    });

    test('hold and unhold from each side: the held side stops sending, audio resumes', async () => {
      try {
        await establishCall(alice, bob, `sip:${tokens.bob.sipUri}`);
        await expectAudioBothWays(alice, bob, { minPackets: 10 });

        // alice holds: she offers sendonly, bob answers recvonly and stops sending.
        assert.equal(await alice.hold(), true);
        const b1 = await waitCall(bob, 'confirmed');
        assert.equal(b1.remoteHold, true, 'bob sees the remote hold');
        assert.equal((await alice.state()).call.localHold, true);
        await expectAudioStopped(alice);
        assert.equal(await alice.unhold(), false);
        await expectAudioBothWays(alice, bob, { minPackets: 20 });
        assert.equal((await bob.state()).call.remoteHold, false);

        // bob (the callee) holds.
        assert.equal(await bob.hold(), true);
        assert.equal((await alice.state()).call.remoteHold, true);
        await expectAudioStopped(bob);
        assert.equal(await bob.unhold(), false);
        await expectAudioBothWays(alice, bob, { minPackets: 20 });

        await hangupFrom(alice, bob);
      } finally {
        await endQuietly(alice, bob);
      }
    });

    test('mute and unmute: the far end hears silence, then the beep again', async () => {
      try {
        await establishCall(bob, alice, `sip:${tokens.alice.sipUri}`);
        await expectAudioBothWays(alice, bob, { minPackets: 10 });
        assert.equal(await alice.mute(), true);
        await expectSilence(bob);
        assert.equal(await alice.unmute(), false);
        await expectAudioFlowing(bob, { minPackets: 20 });
        await hangupFrom(alice, bob);
      } finally {
        await endQuietly(alice, bob);
      }
    });

    test('the caller cancels a ringing call (CANCEL through the proxy)', async () => {
      try {
        await alice.call(`sip:${tokens.bob.sipUri}`);
        await waitCall(bob, 'ringing');
        await waitCall(alice, 'ringing'); // 180 came back: the INVITE transaction is proceeding
        await alice.hangup();
        const [a, b] = await Promise.all([waitCall(alice, ['failed', 'ended']), waitCall(bob, ['failed', 'ended'])]);
        assert.equal(a.status, 'failed');
        assert.equal(a.endCause, 'Canceled');
        assert.equal(b.status, 'failed');
        assert.equal(b.endOriginator, 'remote');
        assert.equal(b.endCause, 'Canceled');
      } finally {
        await endQuietly(alice, bob);
      }
    });

    test('the callee rejects with 486: the caller fails with Busy', async () => {
      try {
        await bob.call(`sip:${tokens.alice.sipUri}`);
        await waitCall(alice, 'ringing');
        await alice.reject(486);
        const b = await waitCall(bob, ['failed', 'ended']);
        assert.equal(b.status, 'failed');
        assert.equal(b.failCode, 486);
        assert.equal(b.endCause, 'Busy');
        assert.equal((await alice.state()).call.status, 'failed');
      } finally {
        await endQuietly(alice, bob);
      }
    });
  });
}
