/**
 * Leveled logging to the browser console.
 *
 * One process-wide level (the page has one client library), set from the `logLevel` option:
 * `debug` traces every SIP message, `silent` prints nothing. Each line is written as
 * `console.<level>('[bwclient]', message[, value])`: the prefix is a separate argument so a JS
 * value (an error, an event) keeps its console inspector.
 * @module log
 */

/** The levels, most verbose first; each includes the ones after it. */
const LEVELS = ['debug', 'log', 'warn', 'error', 'silent'];

// A library should be quiet unless asked: warnings and errors only by default.
let current = 2;

/**
 * Parses a `logLevel` option value; `undefined` for anything else, so the caller can report
 * the bad option instead of guessing.
 * @param {string} name
 * @returns {'debug'|'log'|'warn'|'error'|'silent'|undefined}
 */
export const parseLevel = (name) => (LEVELS.includes(name) ? name : undefined);

/**
 * Sets the process-wide level; an unknown name is ignored.
 * @param {'debug'|'log'|'warn'|'error'|'silent'} level
 */
export function setLevel(level) {
  const i = LEVELS.indexOf(level);
  if (i >= 0) current = i;
}

/**
 * The current process-wide level.
 * @returns {'debug'|'log'|'warn'|'error'|'silent'}
 */
export const level = () => LEVELS[current];

/**
 * Whether a line at level `at` would be printed; check it before building an expensive message.
 * @param {'debug'|'log'|'warn'|'error'|'silent'} at
 */
export const enabled = (at) => at !== 'silent' && LEVELS.indexOf(at) >= current;

function print(at, args) {
  if (enabled(at)) console[at]('[bwclient]', ...args);
}

/** `console.debug`, at level `debug`. @param {string} message */
export const debug = (message) => print('debug', [message]);

/** `console.log`, at level `log`. @param {string} message */
export const log = (message) => print('log', [message]);

/** `console.warn`, at level `warn`. @param {string} message */
export const warn = (message) => print('warn', [message]);

/**
 * `console.warn` with a JS value (an error or event) after the message.
 * @param {string} message
 * @param {*} value
 */
export const warnValue = (message, value) => print('warn', [message, value]);

/** `console.error`, at level `error`. @param {string} message */
export const error = (message) => print('error', [message]);

/**
 * `console.error` with a JS value (an error or event) after the message.
 * @param {string} message
 * @param {*} value
 */
export const errorValue = (message, value) => print('error', [message, value]);

/**
 * Lets `promise` settle in the background and logs a rejection as a warning, instead of
 * leaving an unhandled rejection (autoplay refusals, `AudioContext.close()`).
 * @param {Promise<*>|undefined} promise
 * @param {string} what
 */
export function warnOnRejection(promise, what) {
  Promise.resolve(promise).catch((e) => warnValue(what, e));
}
