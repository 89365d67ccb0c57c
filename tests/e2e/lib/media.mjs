// Media assertions from the receiving side, through lib/instrument.js (client-agnostic):
// inbound-rtp packets received, audio level / energy above silence (Chromium's fake microphone
// plays a beep, so a working path carries non-zero audio), RFC 4733 digits received.
import assert from 'node:assert/strict';

import { sleep, waitFor } from './wait.mjs';

/** Level (0..1, RMS-ish as in RTCInboundRtpStreamStats.audioLevel) counted as above silence. */
export const SILENCE_LEVEL = 0.0005;

export async function audioStats(party) {
  return party.page.evaluate(() => window.__e2e.audioStats());
}

/**
 * Waits until `party` has received at least `minPackets` more audio RTP packets than at the
 * start of the wait, with audio above silence (a level sample above SILENCE_LEVEL and
 * totalAudioEnergy growing). Returns the figures seen.
 */
export async function expectAudioFlowing(party, { minPackets = 25, timeout = 15_000 } = {}) {
  const start = await audioStats(party);
  const base = start.packetsReceived || 0;
  const baseEnergy = start.totalAudioEnergy || 0;
  let maxLevel = 0;
  const last = await waitFor(
    `${party.name} to receive ${minPackets} audio packets above silence`,
    async () => {
      const s = await audioStats(party);
      maxLevel = Math.max(maxLevel, s.audioLevel || 0);
      return s;
    },
    {
      timeout,
      interval: 100,
      accept: (s) => s.live
        && (s.packetsReceived || 0) - base >= minPackets
        && maxLevel > SILENCE_LEVEL
        && (s.totalAudioEnergy || 0) > baseEnergy,
    },
  );
  return {
    packets: last.packetsReceived - base,
    packetsReceived: last.packetsReceived,
    maxLevel,
    energy: (last.totalAudioEnergy || 0) - baseEnergy,
    codec: last.codec,
    localAddress: last.localAddress,
    remoteAddress: last.remoteAddress,
    firstFrameAt: last.firstFrameAt,
  };
}

/** Both parties receive audio; returns {a, b}. */
export async function expectAudioBothWays(a, b, opts) {
  const [ra, rb] = await Promise.all([expectAudioFlowing(a, opts), expectAudioFlowing(b, opts)]);
  return { [a.name]: ra, [b.name]: rb };
}

/**
 * `party` receives (almost) no audio packets during `windowMs` (after `settleMs` for packets in
 * flight): the far end stopped sending, e.g. on hold.
 */
export async function expectAudioStopped(party, { settleMs = 700, windowMs = 1500, maxPackets = 3 } = {}) {
  await sleep(settleMs);
  const a = await audioStats(party);
  await sleep(windowMs);
  const b = await audioStats(party);
  const delta = (b.packetsReceived || 0) - (a.packetsReceived || 0);
  assert.ok(
    delta <= maxPackets,
    `${party.name} still received ${delta} audio packets in ${windowMs} ms while the far end should not send`,
  );
  return delta;
}

/**
 * `party` hears nothing during `windowMs`: no audio level sample above SILENCE_LEVEL and no
 * growth of totalAudioEnergy, e.g. while the far end is muted. The negative control of
 * expectAudioFlowing. `settleMs` covers the jitter buffer and Chromium's level smoothing (the
 * reported level decays by about 4x per 100 ms after the sound stops).
 */
export async function expectSilence(party, { settleMs = 1200, windowMs = 1500 } = {}) {
  await sleep(settleMs);
  const first = await audioStats(party);
  const end = Date.now() + windowMs;
  let maxLevel = first.audioLevel || 0;
  let last = first;
  while (Date.now() < end) {
    await sleep(50);
    last = await audioStats(party);
    maxLevel = Math.max(maxLevel, last.audioLevel || 0);
  }
  const energy = (last.totalAudioEnergy || 0) - (first.totalAudioEnergy || 0);
  assert.ok(
    maxLevel <= SILENCE_LEVEL && energy < 1e-4,
    `${party.name} still hears audio (level ${maxLevel}, energy +${energy}) while the far end should be silent`,
  );
  return { maxLevel, energy };
}

/** The selected ICE pair runs over loopback (the private namespace has nothing else). */
export function assertLoopback(figures, who) {
  assert.match(figures.localAddress || '', /^(127\.|\[?::1)/, `${who} local ICE address ${figures.localAddress}`);
  assert.match(figures.remoteAddress || '', /^(127\.|\[?::1)/, `${who} remote ICE address ${figures.remoteAddress}`);
}

export async function dtmfReceived(party) {
  return party.page.evaluate(() => window.__e2e.dtmfReceived());
}

/** Waits until `party` has received `digits` over RFC 4733 after `before` (a dtmfReceived value). */
export async function expectDtmfReceived(party, before, digits, { timeout = 10_000 } = {}) {
  return waitFor(
    `${party.name} to receive RFC 4733 digits ${digits}`,
    () => dtmfReceived(party),
    { timeout, accept: (got) => got === before + digits },
  );
}
