/**
 * Timers on `setTimeout`, and the page clock.
 *
 * The core asks for one wake-up at a time (`poll` returns the next timeout), so a `Timer`
 * holds one live timeout: arming it again replaces the previous one. Globals only (no
 * `window`), so the same code runs in a worker.
 * @module timer
 */

// Browsers treat a delay above 2^31-1 as 0: clamp instead of wrapping.
const delayArg = (ms) => Math.min(ms, 2147483647);

/**
 * Milliseconds from `performance.now()`: monotonic, sub-millisecond, near zero at page load.
 * @returns {number}
 */
export const nowMs = () => performance.now();

/**
 * Calls `fn` (typically a promise's `resolve`) after `delayMs`; returns the id for
 * `cancelCall`.
 * @param {Function} fn
 * @param {number} delayMs
 */
export const callLater = (fn, delayMs) => setTimeout(fn, delayArg(delayMs));

/** Cancels a `callLater`; harmless if it already ran. @param {*} id */
export const cancelCall = (id) => clearTimeout(id);

/**
 * Resolves after `delayMs`. `sleep(0)` yields to the event loop, letting queued events (ICE
 * candidates, socket frames) run first.
 * @param {number} delayMs
 * @returns {Promise<void>}
 */
export const sleep = (delayMs) => new Promise((resolve) => callLater(resolve, delayMs));

/** One re-armable timeout. The callback may re-arm or clear the timer that runs it. */
export class Timer {
  /** A timer with nothing scheduled. */
  constructor() {
    this.id = undefined;
  }

  /**
   * Runs `callback` once after `delayMs`, replacing (and cancelling) whatever was armed.
   * @param {number} delayMs
   * @param {Function} callback
   */
  set(delayMs, callback) {
    this.clear();
    this.id = callLater(() => {
      // Only the armed timeout can fire: every other one was cleared.
      this.id = undefined;
      callback();
    }, delayMs);
  }

  /** Cancels the pending callback, if any. */
  clear() {
    if (this.id !== undefined) clearTimeout(this.id);
    this.id = undefined;
  }

  /** Whether a callback is scheduled and has not run yet. @returns {boolean} */
  isArmed() {
    return this.id !== undefined;
  }
}
