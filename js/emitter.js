/**
 * A tiny event emitter behind `phone.on(name, fn)` / `call.on(name, fn)`.
 *
 * Listeners are kept in registration order. `emit` calls them with `this` undefined; a listener
 * that throws is logged and the remaining listeners still run, so a bug in page code never
 * breaks the client's own state machine. A listener may call straight back into the client
 * (`call.on('connected', () => call.hangup())`).
 * @module emitter
 */
import * as log from './log.js';

/** Named listener lists. */
export class Emitter {
  /** An emitter with no listeners. */
  constructor() {
    /** @type {Array<[string, Function]>} */
    this.listeners = [];
  }

  /**
   * Adds `listener` for `name`. Like Node's `EventEmitter`, adding the same function twice
   * makes it run twice.
   * @param {string} name
   * @param {Function} listener
   */
  on(name, listener) {
    this.listeners.push([name, listener]);
  }

  /**
   * Removes the most recently added registration of `listener` (`===`) for `name`.
   * @param {string} name
   * @param {Function} listener
   * @returns {boolean} whether one was found
   */
  off(name, listener) {
    for (let i = this.listeners.length; i--; ) {
      const [n, f] = this.listeners[i];
      if (n === name && f === listener) {
        this.listeners.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /**
   * Removes every listener for `name`, or every listener at all when `name` is undefined.
   * @param {string} [name]
   */
  removeAll(name) {
    this.listeners = name == null ? [] : this.listeners.filter(([n]) => n !== name);
  }

  /**
   * How many listeners `name` has.
   * @param {string} name
   * @returns {number}
   */
  listenerCount(name) {
    return this.listeners.filter(([n]) => n === name).length;
  }

  /**
   * Calls every listener of `name` with `args`, in registration order. Listeners added or
   * removed by a listener take effect from the next `emit`.
   * @param {string} name
   * @param {Array<*>} [args]
   * @returns {number} how many ran (including ones that threw)
   */
  emit(name, args = []) {
    // Snapshot first: a listener may call `on`/`off` while we iterate.
    const targets = this.listeners.filter(([n]) => n === name);
    for (const [, f] of targets) {
      try {
        f.apply(undefined, args);
      } catch (e) {
        log.errorValue("a listener for '" + name + "' threw:", e);
      }
    }
    return targets.length;
  }
}
