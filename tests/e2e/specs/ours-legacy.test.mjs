// A page written against the legacy BWClient API (tests/e2e/pages/legacy.html + legacy.js:
// BWClient.createPhone({username, domain, authToken}), register(), call(), accept(), getInfo(),
// mute(), sendDtmf(), hangup(), reject()) runs unchanged, through both servers. Skips until pkg/
// is built.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newParty, screenshot } from '../lib/browser.mjs';
import { env } from '../lib/env.mjs';
import { dtmfReceived, expectAudioBothWays, expectAudioFlowing, expectDtmfReceived, expectSilence } from '../lib/media.mjs';
import { describeOurs } from '../lib/ours.mjs';
import { demoToken, retargetToken } from '../lib/tokens.mjs';
import { waitFor } from '../lib/wait.mjs';

const SUITE = 'ours-legacy';

async function openLegacy(party, endpoint, via) {
  const { token } = await demoToken(endpoint);
  const authToken = via === 'kamailio' ? retargetToken(token, env.kamailioWs) : token;
  const q = new URLSearchParams({ username: endpoint, domain: env.demoHost, authToken });
  await party.page.goto(`${env.serverUrl}/e2e/legacy.html?${q}`, { waitUntil: 'load' });
  await waitFor(`${party.name}: legacy registrationSuccess`, () => party.page.textContent('#status'), {
    timeout: 20_000, accept: (s) => s === 'registered',
  });
}

const legacyEvents = (party) => party.page.evaluate(() => window.legacy.events.map((e) => e.text));
const legacyInfo = (party) => party.page.evaluate(() => (window.legacy.call ? window.legacy.call.getInfo() : null));

async function waitLegacyEvent(party, text, after = 0) {
  return waitFor(`${party.name}: legacy event "${text}"`, async () => (await legacyEvents(party)).slice(after), {
    accept: (list) => list.includes(text),
  });
}

for (const via of ['server', 'kamailio']) {
  describeOurs(`legacy API page through ${via === 'server' ? 'bwclient-server' : 'Kamailio'}`, { timeout: 120_000 }, () => {
    let browser;
    let alice;
    let bob;

    before(async () => {
      browser = await launchBrowser();
      alice = await newParty(browser, `${SUITE}-${via}`, 'alice');
      bob = await newParty(browser, `${SUITE}-${via}`, 'bob');
    });

    after(async () => { await browser?.close().catch(() => {}); });

    test('createPhone + register: registrationSuccess on both pages', async () => {
      await Promise.all([openLegacy(alice, 'alice', via), openLegacy(bob, 'bob', via)]);
      assert.ok((await legacyEvents(alice)).includes('registrationSuccess'));
    });

    test('call, accept, getInfo, audio, sendDtmf, mute, hangup', async () => {
      const a0 = (await legacyEvents(alice)).length;
      const b0 = (await legacyEvents(bob)).length;
      await alice.page.fill('#number', `sip:bob@${env.demoHost}`);
      await alice.page.click('#callButton');
      await waitLegacyEvent(bob, `incomingCall from sip:alice@${env.demoHost}`, b0);
      const incoming = await legacyInfo(bob);
      assert.equal(incoming.direction, 'in');
      assert.equal(incoming.status, 'connecting');
      await bob.page.click('#acceptButton');
      await Promise.all([waitLegacyEvent(alice, 'call connected', a0), waitLegacyEvent(bob, 'call connected', b0)]);

      const ai = await legacyInfo(alice);
      const bi = await legacyInfo(bob);
      assert.equal(ai.direction, 'out');
      assert.equal(ai.status, 'connected');
      assert.match(ai.remoteUri, /^sip:bob@demo\.bwclient\.test/);
      assert.match(ai.localUri, /^sip:alice@demo\.bwclient\.test/);
      assert.equal(ai.microphoneMuted, false);
      for (const k of ['localId', 'remoteId']) assert.equal(typeof ai[k], 'string', `getInfo().${k}`);
      assert.equal(bi.direction, 'in');
      assert.equal(bi.status, 'connected');
      assert.match(bi.remoteUri, /^sip:alice@demo\.bwclient\.test/);

      await expectAudioBothWays(alice, bob);
      await Promise.all([screenshot(alice, `${SUITE}-${via}`, 'alice-mid-call'), screenshot(bob, `${SUITE}-${via}`, 'bob-mid-call')]);

      // sendDtmf from the pad, one key at a time.
      for (const d of ['4', '2']) {
        const before = await dtmfReceived(bob);
        await alice.page.locator('#pad button').filter({ hasText: new RegExp(`^${d}$`) }).click();
        await expectDtmfReceived(bob, before, d);
      }

      await alice.page.click('#muteButton');
      assert.equal((await legacyInfo(alice)).microphoneMuted, true);
      assert.equal(await alice.page.textContent('#muteButton'), 'Unmute');
      await expectSilence(bob);
      await alice.page.click('#muteButton');
      assert.equal((await legacyInfo(alice)).microphoneMuted, false);
      await expectAudioFlowing(bob, { minPackets: 20 });

      await alice.page.click('#hangupButton');
      await Promise.all([waitLegacyEvent(alice, 'call ended', a0), waitLegacyEvent(bob, 'call ended', b0)]);
      assert.equal((await legacyInfo(alice)).status, 'ended');
      assert.equal((await legacyInfo(bob)).status, 'ended');
    });

    test('reject: the caller\'s call ends', async () => {
      const a0 = (await legacyEvents(alice)).length;
      const b0 = (await legacyEvents(bob)).length;
      await bob.page.fill('#number', 'alice');
      await bob.page.click('#callButton');
      await waitLegacyEvent(alice, `incomingCall from sip:bob@${env.demoHost}`, a0);
      await alice.page.click('#rejectButton');
      await Promise.all([waitLegacyEvent(bob, 'call ended', b0), waitLegacyEvent(alice, 'call ended', a0)]);
      assert.equal((await legacyInfo(bob)).status, 'ended');
    });
  });
}
