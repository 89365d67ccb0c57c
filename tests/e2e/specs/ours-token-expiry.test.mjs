// Fault: the login token expires while the phone is registered. The client must emit
// `tokenWillExpire` ahead of the expiry; after `phone.updateToken(fresh)` it stays registered
// past the old token's expiry: a fresh REGISTER succeeds and calls still reach it. Through both
// servers, with short-lived tokens minted by the REST API. Skips until pkg/ is built.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newParty } from '../lib/browser.mjs';
import { env } from '../lib/env.mjs';
import { recordFigures } from '../lib/figures.mjs';
import { endQuietly, openJssip, waitCall } from '../lib/jssip.mjs';
import { expectAudioBothWays } from '../lib/media.mjs';
import { phoneEvents, recordPhoneEvents, describeOurs, waitCallEvent, waitPhoneEvent } from '../lib/ours.mjs';
import { decodeToken, restToken, retargetToken } from '../lib/tokens.mjs';
import { sleep } from '../lib/wait.mjs';

const SUITE = 'ours-token-expiry';
const LIFETIME_S = 16;
const LEAD_S = 6;

for (const via of ['server', 'kamailio']) {
  const label = via === 'server' ? 'bwclient-server' : 'Kamailio';
  describeOurs(`token expiry while registered, through ${label}`, { timeout: 90_000 }, () => {
    let browser;
    let ours;
    let caller;
    const ws = () => (via === 'server' ? env.serverWs : env.kamailioWs);
    const target = (t) => (via === 'server' ? t : retargetToken(t, env.kamailioWs));

    before(async () => {
      browser = await launchBrowser();
      ours = await newParty(browser, `${SUITE}-${via}`, 'dave-ours');
      caller = await openJssip(browser, `${SUITE}-${via}`, 'erin-jssip');
    });

    after(async () => {
      await ours?.page.evaluate(() => window.phone?.logout()).catch(() => {});
      await caller?.logout();
      await browser?.close().catch(() => {});
    });

    test('tokenWillExpire fires before expiry; updateToken keeps the phone registered past it', async (t) => {
      const short = await restToken('dave', { expires: LIFETIME_S });
      const oldExpiry = decodeToken(short.token).expires;
      await ours.page.goto(`${env.serverUrl}/`, { waitUntil: 'load' });
      const tLogin = Date.now();
      await ours.page.evaluate(async ([token, lead]) => {
        const mod = await import('/pkg/bwclient.js');
        await mod.default(); // already initialised by demo.js: returns at once
        window.phone = await mod.BWClient.login(token, { tokenRefreshLeadSeconds: lead });
      }, [target(short.token), LEAD_S]);
      await recordPhoneEvents(ours);
      await caller.login({ token: (await restToken('erin')).token, wsUrl: ws() });

      const warn = await waitPhoneEvent(ours, 'tokenWillExpire', tLogin, { timeout: (LIFETIME_S + 5) * 1000 });
      assert.equal(warn.info.expiresAt, oldExpiry);
      assert.ok(warn.info.secondsLeft > 0 && warn.info.secondsLeft <= LEAD_S, `secondsLeft ${warn.info.secondsLeft}`);
      assert.ok(warn.at < oldExpiry * 1000, 'warned before the expiry');

      const fresh = await restToken('dave', { expires: 3600 });
      await ours.page.evaluate((tok) => window.phone.updateToken(tok), target(fresh.token));

      // Past the old token's expiry (the server compares whole seconds).
      const wait = oldExpiry * 1000 + 2000 - Date.now();
      if (wait > 0) await sleep(wait);
      assert.equal(await ours.page.evaluate(() => window.phone.registered), true);
      assert.deepEqual(await phoneEvents(ours, 'registrationFailed', tLogin), []);
      assert.deepEqual(await phoneEvents(ours, 'unregistered', tLogin), []);

      // A fresh REGISTER after the old token expired succeeds: it carries the new credential.
      const tCycle = Date.now();
      await ours.page.evaluate(() => window.phone.unregister());
      await waitPhoneEvent(ours, 'unregistered', tCycle);
      await ours.page.evaluate(() => window.phone.register());
      await waitPhoneEvent(ours, 'registered', tCycle);
      assert.deepEqual(await phoneEvents(ours, 'registrationFailed', tLogin), []);

      // And calls still reach it.
      try {
        const tCall = Date.now();
        await caller.call(`sip:${short.sipUri}`);
        await waitPhoneEvent(ours, 'incomingCall', tCall);
        await ours.page.evaluate(() => window.__ours.calls.at(-1).answer());
        await waitCallEvent(ours, 'connected', { since: tCall });
        await waitCall(caller, 'confirmed');
        await expectAudioBothWays(ours, caller, { minPackets: 10 });
        await caller.hangup();
        await waitCallEvent(ours, 'ended', { since: tCall });
      } finally {
        await endQuietly(caller);
      }
      recordFigures(t, `${SUITE}-${via}`, 'token', { warnedSecondsBeforeExpiry: oldExpiry - warn.at / 1000 });
    });
  });
}
