// The harness checks itself: it runs in a loopback-only namespace, both servers share the token
// secret, and they really check credentials (negative controls, so that the call specs cannot
// pass by accident against an open proxy).
import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from '../lib/browser.mjs';
import { env } from '../lib/env.mjs';
import { openJssip } from '../lib/jssip.mjs';
import { decodeToken, demoToken, mintToken, restToken } from '../lib/tokens.mjs';

const SUITE = 'harness';

describe('harness', { timeout: 90_000 }, () => {
  test('the test network namespace has only loopback', () => {
    const addresses = Object.entries(os.networkInterfaces())
      .flatMap(([name, list]) => list.map((a) => `${name} ${a.address}`));
    assert.ok(addresses.length > 0);
    for (const a of addresses) assert.match(a, /^lo (127\.0\.0\.1|::1)$/, `unexpected interface address: ${a}`);
  });

  test('demo tokens are signed with the shared test secret', async () => {
    const demo = await demoToken('alice');
    const d = decodeToken(demo.token);
    assert.equal(`${d.user}@${d.host}`, 'alice@demo.bwclient.test');
    assert.equal(demo.sipUri, 'alice@demo.bwclient.test');
    assert.equal(d.wsUrl, env.serverWs);
    assert.equal(mintToken({ user: 'alice', expires: d.expires }), demo.token, 'the harness mints the very same token');
  });

  test('the REST API mints tokens with a chosen lifetime', async () => {
    const now = Math.floor(Date.now() / 1000);
    const r = await restToken('carol', { expires: 120 });
    assert.equal(r.expires, 120);
    const d = decodeToken(r.token);
    assert.equal(`${d.user}@${d.host}`, r.sipUri);
    assert.equal(r.sipUri, 'carol@e2e.bwclient.test');
    assert.ok(d.expires >= now + 119 && d.expires <= now + 122, `expiry ${d.expires - now} s from now`);
  });

  describe('both servers check credentials', () => {
    let browser;
    before(async () => { browser = await launchBrowser(); });
    after(async () => { await browser?.close().catch(() => {}); });

    const servers = [
      ['Kamailio', () => env.kamailioWs],
      ['bwclient-server', () => env.serverWs],
    ];
    for (const [label, ws] of servers) {
      test(`${label} registers a REST-minted token of a non-demo domain`, async () => {
        const p = await openJssip(browser, SUITE, `carol-${label}`);
        try {
          const { token, sipUri } = await restToken('carol');
          const r = await p.login({ token, wsUrl: ws() });
          assert.equal(r.uri, `sip:${sipUri}`);
        } finally {
          await p.logout();
          await p.close();
        }
      });

      test(`${label} refuses a token signed with another secret`, async () => {
        const p = await openJssip(browser, SUITE, `forged-${label}`);
        try {
          const forged = mintToken({ user: 'alice', secret: 'not-the-shared-secret' });
          await assert.rejects(p.login({ token: forged, wsUrl: ws() }), /registration failed/);
          assert.equal((await p.state()).registered, false);
        } finally {
          await p.logout();
          await p.close();
        }
      });

      test(`${label} refuses an expired token`, async () => {
        const p = await openJssip(browser, SUITE, `expired-${label}`);
        try {
          const expired = mintToken({ user: 'alice', expires: Math.floor(Date.now() / 1000) - 60 });
          await assert.rejects(p.login({ token: expired, wsUrl: ws() }), /registration failed/);
        } finally {
          await p.logout();
          await p.close();
        }
      });
    }
  });
});
