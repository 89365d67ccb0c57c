// Interop through Kamailio with a SIP stack nobody here wrote: our client (alice, demo page)
// and JsSIP (bob, tests/e2e/pages/jssip.html). Each calls the other, with media, DTMF each way,
// hold from each side and hang-up from each side. Skips until pkg/ is built.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newParty, screenshot } from '../lib/browser.mjs';
import { env } from '../lib/env.mjs';
import { recordFigures } from '../lib/figures.mjs';
import { endQuietly, openJssip, waitCall } from '../lib/jssip.mjs';
import { assertLoopback, dtmfReceived, expectAudioBothWays, expectAudioStopped, expectDtmfReceived } from '../lib/media.mjs';
import { demoEndQuietly, demoLogin } from '../lib/ours-demo.mjs';
import {
  demoButton, demoDial, describeOurs, waitCallEvent, waitLastCall, waitPhoneEvent,
} from '../lib/ours.mjs';
import { demoToken } from '../lib/tokens.mjs';
import { waitFor } from '../lib/wait.mjs';

const SUITE = 'ours-jssip-kamailio';

describeOurs('our client ↔ JsSIP through Kamailio', { timeout: 170_000 }, () => {
  let browser;
  let ours; // alice, our client on the demo page
  let jssip; // bob, JsSIP

  before(async () => {
    browser = await launchBrowser();
    ours = Object.assign(await newParty(browser, SUITE, 'alice-ours'), { endpoint: 'alice' });
    jssip = Object.assign(await openJssip(browser, SUITE, 'bob-jssip'), { endpoint: 'bob' });
  });

  after(async () => {
    await ours?.page.evaluate(() => window.phone?.logout()).catch(() => {});
    await jssip?.logout();
    await browser?.close().catch(() => {});
  });

  test('both register on Kamailio with bwclient-server tokens', async () => {
    await Promise.all([
      demoLogin(ours, 'alice', 'kamailio'),
      jssip.login({ token: (await demoToken('bob')).token, wsUrl: env.kamailioWs }),
    ]);
  });

  test('our client calls JsSIP: audio both ways, DTMF each way, hold from each side; our side hangs up', async (t) => {
    try {
      const t0 = Date.now();
      await demoDial(ours, 'sip:bob@demo.bwclient.test');
      await waitCall(jssip, 'ringing');
      const tAnswer = Date.now();
      await jssip.answer();
      const connected = await waitCallEvent(ours, 'connected', { since: t0 });
      await waitCall(jssip, 'confirmed');
      const media = await expectAudioBothWays(ours, jssip);
      assertLoopback(media['alice-ours'], 'our client');
      await Promise.all([screenshot(ours, SUITE, 'ours-calls-jssip-ours'), screenshot(jssip, SUITE, 'ours-calls-jssip-jssip')]);
      recordFigures(t, SUITE, 'ours-calls-jssip', {
        setupMs: connected.at - t0,
        answerToConnectedMs: connected.at - tAnswer,
        firstAudioAfterAnswerMs: media['alice-ours'].firstFrameAt - tAnswer,
      });

      // DTMF: ours → JsSIP over RFC 4733; JsSIP → ours over RFC 4733 and SIP INFO.
      let before = await dtmfReceived(jssip);
      await ours.page.evaluate(() => window.lastCall.sendDtmf('159#'));
      await expectDtmfReceived(jssip, before, '159#');
      before = await dtmfReceived(ours);
      assert.equal(await jssip.sendDtmf('*7', { transport: 'RFC2833' }), '*7');
      await expectDtmfReceived(ours, before, '*7');
      const since = Date.now();
      await jssip.sendDtmf('3', { transport: 'INFO' });
      const dtmf = await waitCallEvent(ours, 'dtmf', { since });
      assert.equal(dtmf.info?.digit, '3', 'our client reports the SIP INFO digit');
      await waitFor('the demo page shows the INFO digit', () => ours.page.textContent('#calls li:first-child .dtmf-seen'), { accept: (s) => s.includes('3') });

      // Our side holds: JsSIP sees the remote hold and stops sending.
      await demoButton(ours, 'hold').click();
      await waitLastCall(ours, 'held', (i) => i.held === true);
      await waitFor('JsSIP sees the remote hold', async () => (await jssip.state()).call.remoteHold, { accept: (h) => h === true });
      await expectAudioStopped(ours);
      await demoButton(ours, 'hold').click();
      await waitLastCall(ours, 'unheld', (i) => i.held === false);
      await waitFor('JsSIP sees the unhold', async () => (await jssip.state()).call.remoteHold, { accept: (h) => h === false });
      await expectAudioBothWays(ours, jssip, { minPackets: 20 });

      // JsSIP holds: our client reports remoteHeld and stops sending.
      assert.equal(await jssip.hold(), true);
      await waitLastCall(ours, 'remoteHeld', (i) => i.remoteHeld === true);
      await expectAudioStopped(jssip);
      assert.equal(await jssip.unhold(), false);
      await waitLastCall(ours, 'not remoteHeld', (i) => i.remoteHeld === false);
      await expectAudioBothWays(ours, jssip, { minPackets: 20 });

      const since2 = Date.now();
      await demoButton(ours, 'hangup').click();
      const ended = await waitCallEvent(ours, 'ended', { since: since2 });
      assert.equal(ended.info?.reason, 'local_hangup');
      const j = await waitCall(jssip, ['ended', 'failed']);
      assert.equal(j.status, 'ended');
      assert.equal(j.endOriginator, 'remote');
    } finally {
      await demoEndQuietly(ours);
      await endQuietly(jssip);
    }
  });

  test('JsSIP calls our client: answered on the demo page, audio both ways; the JsSIP side hangs up', async (t) => {
    try {
      const t0 = Date.now();
      await jssip.call('sip:alice@demo.bwclient.test');
      const incoming = await waitPhoneEvent(ours, 'incomingCall', t0);
      const info = await waitLastCall(ours, 'incoming call', (i) => i.direction === 'in');
      assert.match(info.remoteUri, /bob@demo\.bwclient\.test/);
      const tAnswer = Date.now();
      await demoButton(ours, 'answer').click();
      const confirmed = await waitCall(jssip, 'confirmed');
      await waitLastCall(ours, 'connected', (i) => i.status === 'connected');
      await expectAudioBothWays(ours, jssip);
      recordFigures(t, SUITE, 'jssip-calls-ours', {
        ringMs: incoming.at - t0,
        answerToConfirmedMs: confirmed.confirmedAt - tAnswer,
      });

      const since = Date.now();
      await jssip.hangup();
      const ended = await waitCallEvent(ours, 'ended', { since });
      assert.equal(ended.info?.reason, 'remote_hangup');
      assert.equal((await waitCall(jssip, ['ended', 'failed'])).endOriginator, 'local');
    } finally {
      await demoEndQuietly(ours);
      await endQuietly(jssip);
    }
  });
});
