// Driving our client through the demo page (www/index.html + www/demo.js): log in, dial, answer,
// hang up with the page's own controls; read state with window.lastCall.getInfo() and the
// events recorded by ours.recordPhoneEvents.
import assert from 'node:assert/strict';

import { env } from './env.mjs';
import {
  demoButton, demoCallState, demoDial, lastCallInfo, openDemoPage, recordPhoneEvents,
  waitCallEvent, waitLastCall, waitPhoneEvent,
} from './ours.mjs';
import { demoToken, retargetToken } from './tokens.mjs';
import { waitFor } from './wait.mjs';

/**
 * Logs `endpoint` in on the demo page, through 'server' (?as=), or 'kamailio' / 'kamailio-wss'
 * (token form, retargeted to Kamailio's ws or wss listener).
 */
export async function demoLogin(party, endpoint, via) {
  if (via === 'server') {
    await openDemoPage(party, { as: endpoint });
  } else {
    const { token } = await demoToken(endpoint);
    const url = via === 'kamailio-wss' ? env.kamailioWss : env.kamailioWs;
    await openDemoPage(party, { token: retargetToken(token, url) });
  }
  await recordPhoneEvents(party);
  const me = await party.page.textContent('#me');
  assert.match(me, new RegExp(`${endpoint}@${env.demoHost.replace(/\./g, '\\.')}`), `${party.name} shows its URI`);
}

/**
 * caller dials `target` in the dial box, the callee answers with the Answer button, both
 * connect. Figures in wall-clock ms.
 */
export async function demoCall(caller, callee, target) {
  const t0 = Date.now();
  await demoDial(caller, target);
  const incoming = await waitPhoneEvent(callee, 'incomingCall', t0);
  const info = await waitLastCall(callee, 'incoming call info', (i) => i.direction === 'in' && i.status === 'connecting');
  assert.match(info.remoteUri, new RegExp(caller.endpoint), 'the callee sees who calls');
  await waitFor(`${callee.name}: demo shows the incoming call`, () => demoCallState(callee), { accept: (s) => s === 'incoming' || s === 'ringing' });
  const tAnswer = Date.now();
  await demoButton(callee, 'answer').click();
  const [connected] = await Promise.all([
    waitCallEvent(caller, 'connected', { since: t0 }),
    waitCallEvent(callee, 'connected', { since: t0 }),
  ]);
  await Promise.all([
    waitLastCall(caller, 'status connected', (i) => i.status === 'connected'),
    waitLastCall(callee, 'status connected', (i) => i.status === 'connected'),
  ]);
  return { ringMs: incoming.at - t0, answerToConnectedMs: connected.at - tAnswer, setupMs: connected.at - t0, answeredAt: tAnswer };
}

/** `who` clicks Hang up; both calls end with local_hangup / remote_hangup. */
export async function demoHangup(who, other) {
  const since = Date.now();
  await demoButton(who, 'hangup').click();
  const [a, b] = await Promise.all([
    waitCallEvent(who, 'ended', { since }),
    waitCallEvent(other, 'ended', { since }),
  ]);
  assert.equal(a.info?.reason, 'local_hangup', `${who.name} ended reason`);
  assert.equal(b.info?.reason, 'remote_hangup', `${other.name} ended reason`);
  assert.equal((await lastCallInfo(who)).status, 'ended');
  assert.equal((await lastCallInfo(other)).status, 'ended');
  await waitFor(`${other.name}: demo shows ended`, () => demoCallState(other), { accept: (s) => s === 'ended' });
}

/** Clicks one key of the demo page's dial pad. */
export async function clickPad(party, digit) {
  const escaped = digit.replace(/[*#]/g, (c) => `\\${c}`);
  await party.page.locator('#pad button').filter({ hasText: new RegExp(`^${escaped}$`) }).click();
}

/** Ends whatever call is still up on our demo pages (test clean-up). */
export async function demoEndQuietly(...parties) {
  for (const p of parties) {
    try {
      await p.page.evaluate(() => {
        const c = window.lastCall;
        if (c && c.getInfo().status !== 'ended') c.hangup();
      });
    } catch { /* the test already failed */ }
  }
}
