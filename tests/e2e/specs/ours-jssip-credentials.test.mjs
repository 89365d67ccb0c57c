// Issue 11, hole 1: no credential crosses a hop. Our client (alice, demo page) calls JsSIP (bob)
// through each server — Kamailio (deploy/kamailio) and bwclient-server — and holds, resumes and
// hangs up. JsSIP records every request its WebSocket received, raw (pages/jssip-page.js): none
// may carry X-Callsign-Token, Authorization or Proxy-Authorization (Bearer or digest), on the
// INVITE, the re-INVITEs, the ACKs or the BYE. Asserts on what the callee's stack received, not
// on what the caller sent. Skips until pkg/ is built.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newParty } from '../lib/browser.mjs';
import { env } from '../lib/env.mjs';
import { endQuietly, openJssip, waitCall } from '../lib/jssip.mjs';
import { demoEndQuietly, demoLogin } from '../lib/ours-demo.mjs';
import { demoButton, demoDial, describeOurs, waitCallEvent, waitLastCall } from '../lib/ours.mjs';
import { demoToken } from '../lib/tokens.mjs';
import { waitFor } from '../lib/wait.mjs';

const CREDENTIAL_HEADER = /^(x-callsign-token|authorization|proxy-authorization)[ \t]*:.*$/gim;

/** The method of a raw request and any credential header lines it carries. */
function inspect(raw) {
  const head = raw.split('\r\n\r\n')[0];
  return { method: head.split(' ')[0], credentials: head.match(CREDENTIAL_HEADER) || [] };
}

for (const via of ['kamailio', 'server']) {
  const SUITE = `ours-jssip-credentials-${via}`;
  describeOurs(`no credential reaches the callee through ${via === 'server' ? 'bwclient-server' : 'Kamailio'}`, { timeout: 120_000 }, () => {
    let browser;
    let ours;
    let jssip;

    before(async () => {
      browser = await launchBrowser();
      ours = Object.assign(await newParty(browser, SUITE, 'alice-ours'), { endpoint: 'alice' });
      jssip = Object.assign(await openJssip(browser, SUITE, 'bob-jssip'), { endpoint: 'bob' });
      await Promise.all([
        demoLogin(ours, 'alice', via),
        jssip.login({ token: (await demoToken('bob')).token, wsUrl: via === 'server' ? env.serverWs : env.kamailioWs }),
      ]);
    });

    after(async () => {
      await ours?.page.evaluate(() => window.phone?.logout()).catch(() => {});
      await jssip?.logout();
      await browser?.close().catch(() => {});
    });

    test('INVITE, ACK, hold and resume re-INVITEs, BYE: none carries a credential', async () => {
      try {
        const before = (await jssip.receivedRequests()).length;
        const t0 = Date.now();
        await demoDial(ours, `sip:bob@${env.demoHost}`);
        await waitCall(jssip, 'ringing');
        await jssip.answer();
        await waitCallEvent(ours, 'connected', { since: t0 });
        await waitCall(jssip, 'confirmed');

        await demoButton(ours, 'hold').click();
        await waitLastCall(ours, 'held', (i) => i.held === true);
        await waitFor('JsSIP sees the hold', async () => (await jssip.state()).call.remoteHold, { accept: (h) => h === true });
        await demoButton(ours, 'hold').click();
        await waitLastCall(ours, 'unheld', (i) => i.held === false);
        await waitFor('JsSIP sees the resume', async () => (await jssip.state()).call.remoteHold, { accept: (h) => h === false });

        const since = Date.now();
        await demoButton(ours, 'hangup').click();
        await waitCallEvent(ours, 'ended', { since });
        const ended = await waitCall(jssip, ['ended', 'failed']);
        assert.equal(ended.status, 'ended');
        assert.equal(ended.endOriginator, 'remote', 'the caller hung up (BYE)');

        const received = (await jssip.receivedRequests()).slice(before).map(inspect);
        const methods = received.map((r) => r.method);
        assert.ok(methods.filter((m) => m === 'INVITE').length >= 3, `the INVITE and two re-INVITEs arrived: ${methods.join(' ')}`);
        assert.ok(methods.filter((m) => m === 'ACK').length >= 3, `their ACKs arrived: ${methods.join(' ')}`);
        assert.ok(methods.includes('BYE'), `the BYE arrived: ${methods.join(' ')}`);
        const leaks = received.filter((r) => r.credentials.length > 0);
        assert.deepEqual(
          leaks.map((r) => `${r.method}: ${r.credentials.join(' | ')}`),
          [],
          `requests the callee received carry credentials (of ${methods.join(' ')})`,
        );
      } finally {
        await demoEndQuietly(ours);
        await endQuietly(jssip);
      }
    });
  });
}
