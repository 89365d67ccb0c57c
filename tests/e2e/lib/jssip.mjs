// Node-side driver of tests/e2e/pages/jssip.html (window.sip, see pages/jssip-page.js).
import assert from 'node:assert/strict';

import { newParty } from './browser.mjs';
import { env } from './env.mjs';
import { waitFor, withTimeout } from './wait.mjs';

/** A party running the JsSIP page, with `login`, `call`, … bound to it. */
export async function openJssip(browser, suite, name) {
  const party = await newParty(browser, suite, name);
  const { page } = party;
  await page.goto(`${env.serverUrl}/e2e/jssip.html`, { waitUntil: 'load' });
  await waitFor(`${name}: JsSIP page loaded`, () => page.evaluate(() => !!window.sip), { timeout: 10_000 });
  const ev = (what, fn, arg, ms = 15_000) => withTimeout(`${name}: ${what}`, page.evaluate(fn, arg), ms);
  return Object.assign(party, {
    kind: 'jssip',
    /** {token, wsUrl?} → resolves when registered. */
    login: (opts) => ev('login', (o) => window.sip.login(o), opts, 20_000),
    logout: () => ev('logout', () => window.sip.logout(), undefined, 5_000).catch(() => {}),
    call: (target) => ev(`call ${target}`, (t) => window.sip.call(t), target),
    answer: () => ev('answer', () => window.sip.answer()),
    reject: (code) => ev('reject', (c) => window.sip.reject(c), code),
    hangup: () => ev('hangup', () => window.sip.hangup()),
    hold: () => ev('hold', () => window.sip.hold()),
    unhold: () => ev('unhold', () => window.sip.unhold()),
    mute: () => ev('mute', () => window.sip.mute()),
    unmute: () => ev('unmute', () => window.sip.unmute()),
    sendDtmf: (tones, opts) => ev(`DTMF ${tones}`, ([t, o]) => window.sip.sendDtmf(t, o), [tones, opts]),
    state: () => ev('state', () => window.sip.state(), undefined, 5_000),
    /** Every SIP request the JsSIP stack received, raw. */
    receivedRequests: () => ev('received requests', () => window.sip.receivedRequests(), undefined, 5_000),
  });
}

/** Waits until the party's current call is in one of `statuses`; returns the call state. */
export async function waitCall(party, statuses, { timeout = 15_000 } = {}) {
  const list = [].concat(statuses);
  const s = await waitFor(
    `${party.name}: call ${list.join('|')}`,
    () => party.state(),
    { timeout, accept: (st) => st.call && list.includes(st.call.status) },
  );
  return s.call;
}

/** Waits until the party sees an event `name` after index `from` of its event list. */
export async function waitEvent(party, name, since, { timeout = 15_000 } = {}) {
  const s = await waitFor(
    `${party.name}: event ${name}`,
    () => party.state(),
    { timeout, accept: (st) => st.events.some((e) => e.name === name && e.at >= since) },
  );
  return s.events.filter((e) => e.name === name && e.at >= since).pop();
}

/**
 * caller calls `target`; the callee sees it ringing and answers; both confirm. Returns figures
 * (wall-clock ms): ring = INVITE sent → callee rings; answer = answer() → caller confirmed;
 * setup = call() → caller confirmed (includes the harness's own answer round trip).
 */
export async function establishCall(caller, callee, target) {
  const t0 = Date.now();
  await caller.call(target);
  const ring = await waitCall(callee, 'ringing');
  assert.equal(ring.direction, 'incoming');
  const tAnswer = Date.now();
  await callee.answer();
  const [c1] = await Promise.all([waitCall(caller, 'confirmed'), waitCall(callee, 'confirmed')]);
  return {
    ringMs: ring.startedAt - t0,
    answerToConfirmedMs: c1.confirmedAt - tAnswer,
    setupMs: c1.confirmedAt - t0,
    answeredAt: tAnswer,
  };
}

/** `who` hangs up; both sides end, `who` as the originator. */
export async function hangupFrom(who, other) {
  await who.hangup();
  const [a, b] = await Promise.all([waitCall(who, ['ended', 'failed']), waitCall(other, ['ended', 'failed'])]);
  assert.equal(a.endOriginator, 'local', `${who.name} ended the call`);
  assert.equal(b.endOriginator, 'remote', `${other.name} saw the far end hang up (cause ${b.endCause})`);
  assert.equal(b.status, 'ended');
  return { a, b };
}

/** Best-effort: end whatever call a party still has (test clean-up). */
export async function endQuietly(...parties) {
  for (const p of parties) {
    try {
      const s = await p.state();
      if (s.call && !['ended', 'failed'].includes(s.call.status)) await p.hangup();
    } catch { /* the test already failed */ }
  }
}
