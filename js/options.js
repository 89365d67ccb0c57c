/**
 * `BWClient.login(token, options)` options, and the small readers the legacy config and the
 * call options share.
 *
 * A read is lenient: a value of the wrong type counts as absent, except
 * where a wrong value must be reported (`bad_options`).
 * @module options
 */
import { Core } from './core-glue.js';
import { error } from './errors.js';
import { parseLevel } from './log.js';
import { ReconnectPolicy } from './reconnect.js';

const bad = (message) => error('bad_options', message);

/** `o[key]`, or undefined when `o` is not an object. */
const get = (o, key) => (typeof o == 'object' && o !== null ? o[key] : undefined);

/**
 * `o[key]` if it is a string.
 * @param {*} o
 * @param {string} key
 * @returns {string|undefined}
 */
export function getString(o, key) {
  const v = get(o, key);
  return typeof v == 'string' ? v : undefined;
}

/**
 * `o[key]` if it is an array, keeping only its strings.
 * @param {*} o
 * @param {string} key
 * @returns {string[]|undefined}
 */
export function getStrings(o, key) {
  const v = get(o, key);
  return Array.isArray(v) ? v.filter((s) => typeof s == 'string') : undefined;
}

const getBool = (o, key) => {
  const v = get(o, key);
  return typeof v == 'boolean' ? v : undefined;
};

/** A non-negative whole number (ms, counts); fractions are truncated. */
const getU32 = (o, key) => {
  const v = get(o, key);
  return typeof v == 'number' && v >= 0 && v < Infinity ? Math.floor(Math.min(v, 4294967295)) : undefined;
};

/**
 * Parses `"Name: value"` header lines into the same form, trimmed; a name that is not an
 * RFC 3261 §25.1 `token`, or a value with a line break, is a `bad_options` error.
 * @param {string[]} lines
 * @returns {string[]}
 */
export function parseHeaderLines(lines) {
  return lines.map((line) => {
    const at = line.indexOf(':');
    const name = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (at < 0 || !/^[\w.!%*+`'~-]+$/.test(name) || /[\r\n]/.test(value)) {
      throw bad('extraHeaders entries must be "Name: value"');
    }
    return name + ': ' + value;
  });
}

/**
 * Everything a phone is configured with, at its defaults. `trickle` is trickle ICE over SIP
 * (RFC 8840): `'half'` (the default, RFC 8840 §5: the offer waits for its first candidates,
 * later ones go in INFO to peers that listed the `trickle-ice` package), `'full'` (the INVITE
 * goes out before any candidate, RFC 8840 §5.1) or `'off'`. `dtmf` is `'rfc4733'` (in the
 * media, through `RTCDTMFSender`) or `'info'` (SIP INFO `application/dtmf-relay`).
 */
export function defaults() {
  return {
    server: undefined,
    uri: undefined,
    displayName: undefined,
    iceServers: undefined,
    iceGatheringTimeoutMs: 1000,
    logLevel: 'warn',
    extraHeaders: [],
    register: true,
    microphoneId: undefined,
    speakerId: undefined,
    ringback: true,
    ringtone: true,
    reconnect: new ReconnectPolicy(),
    loginTimeoutMs: 15000,
    dtmf: 'rfc4733',
    tokenRefreshLeadSeconds: 60,
    registerExpires: 600,
    trickle: 'half',
  };
}

/**
 * Reads `options` (an object, or undefined/null for the defaults).
 * @param {*} options the `LoginOptions` object
 * @returns {ReturnType<typeof defaults>}
 * @throws {Error} code `bad_options`
 */
export function readOptions(options) {
  const o = defaults();
  if (options == null) return o;
  if (typeof options != 'object') throw bad('options must be an object');
  o.server = getString(options, 'server');
  o.uri = getString(options, 'uri');
  o.displayName = getString(options, 'displayName');
  o.iceServers = options.iceServers;
  const gathering = getU32(options, 'iceGatheringTimeoutMs');
  if (gathering !== undefined) o.iceGatheringTimeoutMs = Math.min(30000, Math.max(50, gathering));
  const level = getString(options, 'logLevel');
  if (level !== undefined) {
    o.logLevel = parseLevel(level);
    if (!o.logLevel) throw bad('logLevel must be debug, log, warn, error or silent');
  }
  const lines = getStrings(options, 'extraHeaders');
  if (lines) o.extraHeaders = parseHeaderLines(lines);
  o.register = getBool(options, 'register') ?? true;
  o.microphoneId = getString(options, 'microphoneId');
  o.speakerId = getString(options, 'speakerId');
  o.ringback = getBool(options, 'ringback') ?? true;
  o.ringtone = getBool(options, 'ringtone') ?? true;
  const reconnect = options.reconnect;
  const initial = getU32(reconnect, 'initialMs');
  if (initial !== undefined) o.reconnect.initialMs = Math.max(1, initial);
  const max = getU32(reconnect, 'maxMs');
  if (max !== undefined) o.reconnect.maxMs = Math.max(max, o.reconnect.initialMs);
  const login = getU32(options, 'loginTimeoutMs');
  if (login !== undefined) o.loginTimeoutMs = Math.max(100, login);
  const dtmf = get(options, 'dtmf');
  if (dtmf === 'info') o.dtmf = dtmf;
  else if (typeof dtmf == 'string' && dtmf !== 'rfc4733') throw bad('dtmf must be rfc4733 or info');
  o.tokenRefreshLeadSeconds = getU32(options, 'tokenRefreshLeadSeconds') ?? 60;
  const expires = getU32(options, 'registerExpires');
  if (expires !== undefined) o.registerExpires = Math.max(30, expires);
  const trickle = options.trickleIce;
  if (trickle === false) o.trickle = 'off';
  else if (trickle === 'full') o.trickle = trickle;
  else if (trickle !== undefined && trickle !== true && trickle !== 'half') {
    throw bad('trickleIce must be true, false, "half" or "full"');
  }
  return o;
}

/**
 * The extra INVITE headers of `phone.call(target, options)`: `extraHeaders` lines, and
 * `identity` (a phone number) as `P-Preferred-Identity: <sip:+E164@host>` (RFC 3325 §9.2).
 * @param {*} options the `CallOptions` object
 * @param {string} host our domain
 * @returns {string[]}
 */
export function callHeaders(options, host) {
  const lines = getStrings(options, 'extraHeaders');
  const extra = lines ? parseHeaderLines(lines) : [];
  const identity = getString(options, 'identity');
  if (identity !== undefined) {
    const number = Core.normalizeNumber(identity);
    if (!number) throw bad('identity must be a phone number');
    extra.push('P-Preferred-Identity: <sip:' + number + '@' + host + '>');
  }
  return extra;
}
