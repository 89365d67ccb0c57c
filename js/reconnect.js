/**
 * When to try the WebSocket again after it dropped: exponential back-off with jitter.
 *
 * Pure arithmetic: the caller keeps the attempt counter, draws the random number
 * (`Math.random()` in the browser, a fixed value in tests) and arms a `Timer`. Jitter spreads
 * the reconnections of many clients after a server restart so they do not all arrive at once.
 * @module reconnect
 */

const clamp01 = (x) => (x > 0 ? (x < 1 ? x : 1) : 0); // NaN -> 0

/** Back-off bounds; all configurable from the phone options. */
export class ReconnectPolicy {
  /**
   * Defaults: 0.5 s, 1 s, 2 s, … up to 30 s, each shortened by up to half at random.
   * @param {{initialMs?: number, maxMs?: number, factor?: number, jitter?: number}} [policy]
   *   `initialMs`: delay before the first retry; `maxMs`: no delay exceeds it; `factor`:
   *   growth per attempt (below 1 or not finite acts as 1); `jitter`: fraction of the delay
   *   that is random, 0..1 (the delay is drawn from `[base * (1 - jitter), base]`).
   */
  constructor({ initialMs = 500, maxMs = 30000, factor = 2, jitter = 0.5 } = {}) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.factor = factor;
    this.jitter = jitter;
  }

  /**
   * The delay in ms before retry number `attempt` (0 for the first retry after a drop), given
   * a uniform random number `random01` in `[0, 1)`; out-of-range or NaN inputs are clamped.
   * @param {number} attempt
   * @param {number} random01
   * @returns {number}
   */
  nextDelay(attempt, random01) {
    const factor = Number.isFinite(this.factor) && this.factor >= 1 ? this.factor : 1;
    // Capping the exponent keeps the power finite; the min with maxMs does the real bounding.
    const grown = this.initialMs * factor ** Math.min(attempt, 1024);
    const base = grown < this.maxMs ? grown : this.maxMs;
    return Math.round(base * (1 - clamp01(this.jitter) * clamp01(random01)));
  }
}
