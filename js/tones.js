/**
 * Ringback and ringtone, synthesised with WebAudio oscillators, no audio asset.
 *
 * Two sine oscillators summed into one gain node; the cadence is written ahead as gain
 * automation on the audio clock (`setValueAtTime`), so no JS timer runs while a tone plays and
 * the rhythm stays exact even when the main thread is busy. The automation covers `HORIZON_MS`
 * (longer than any INVITE may ring: Timer C is 3 minutes, RFC 3261 §16.6); past it the tone
 * falls silent.
 *
 * Autoplay: an `AudioContext` created before the user touched the page starts `suspended`.
 * That is not an error here: the tone is scheduled anyway, `resume()` is requested, and the
 * tone becomes audible once the browser lets the context run.
 * @module tones
 */
import * as log from './log.js';

/** How far ahead a tone's cadence is scheduled, in ms. */
export const HORIZON_MS = 180000;

// Peak gain of each oscillator: two summed stay well below clipping and below speech level.
const LEVEL = 0.12;

/**
 * The two frequencies of `tone`, in Hz. `'ringback'` (played to the caller while the far end
 * rings): the North American audible ringing tone, 440 + 480 Hz (ITU-T E.180 Supplement 2,
 * United States). `'ringtone'` (an incoming call): 400 + 450 Hz.
 * @param {'ringback'|'ringtone'} tone
 * @returns {number[]}
 */
export const frequencies = (tone) => (tone === 'ringback' ? [440, 480] : [400, 450]);

/**
 * One period of the cadence as alternating on/off durations in ms, starting with on:
 * ringback 2 s on, 4 s off; ringtone a double ring, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off.
 * @param {'ringback'|'ringtone'} tone
 * @returns {number[]}
 */
export const cadence = (tone) => (tone === 'ringback' ? [2000, 4000] : [400, 200, 400, 2000]);

/**
 * The gain changes for the first `horizonMs`: `[offset in seconds, on]`, starting with on at 0
 * and ending with off.
 * @param {'ringback'|'ringtone'} tone
 * @param {number} horizonMs
 * @returns {Array<[number, boolean]>}
 */
export function steps(tone, horizonMs) {
  const periods = cadence(tone);
  const out = [];
  let at = 0;
  for (let i = 0; at < horizonMs; i = (i + 1) % periods.length) {
    out.push([at / 1000, i % 2 === 0]);
    at += periods[i];
  }
  if (out.length && out[out.length - 1][1]) out.push([at / 1000, false]);
  return out;
}

/** Plays at most one tone at a time; owns its `AudioContext`, created on first use. */
export class Tones {
  /** No audio resources are taken until the first `start`. */
  constructor() {
    this.context = undefined;
    this.current = undefined;
  }

  /**
   * Starts `tone`, replacing any other; starting the tone already playing does nothing.
   * Throws only when WebAudio itself is missing or broken, never because of autoplay.
   * @param {'ringback'|'ringtone'} tone
   */
  start(tone) {
    if (this.playing() === tone) return;
    this.stop();
    const context = this.context || (this.context = new AudioContext());
    if (context.state === 'suspended') {
      log.log('audio is suspended until the user interacts with the page');
      log.warnOnRejection(context.resume(), 'could not resume audio');
    }
    const gain = context.createGain();
    const level = gain.gain;
    level.value = 0;
    const start = context.currentTime;
    for (const [offset, on] of steps(tone, HORIZON_MS)) {
      level.setValueAtTime(on ? LEVEL : 0, start + offset);
    }
    gain.connect(context.destination);
    const oscillators = frequencies(tone).map((frequency) => {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start();
      return oscillator;
    });
    this.current = { tone, oscillators, gain };
  }

  /** Stops the tone, if any. Idempotent. */
  stop() {
    const playing = this.current;
    if (!playing) return;
    this.current = undefined;
    // These only throw for a node that was never started or is already gone.
    for (const oscillator of playing.oscillators) {
      try {
        oscillator.stop();
      } catch {}
      try {
        oscillator.disconnect();
      } catch {}
    }
    try {
      playing.gain.disconnect();
    } catch {}
  }

  /**
   * The tone playing (scheduled), if any.
   * @returns {'ringback'|'ringtone'|undefined}
   */
  playing() {
    return this.current?.tone;
  }

  /**
   * Whether the browser holds the audio back (autoplay policy) right now.
   * @returns {boolean}
   */
  isSuspended() {
    return !!this.context && this.context.state !== 'running';
  }

  /** Stops the tone and closes the `AudioContext`. */
  close() {
    this.stop();
    const context = this.context;
    this.context = undefined;
    if (context) log.warnOnRejection(context.close(), 'could not close audio');
  }
}
