/**
 * `BWClient`: the entry points (`login`, the legacy `createPhone`, device lists, `version`)
 *.
 * @module client
 */
import { Core } from './core-glue.js';
import { microphones, openMicrophone, speakers, stopStream } from './devices.js';
import { error } from './errors.js';
import { parseLevel } from './log.js';
import { defaults, getString, getStrings, parseHeaderLines, readOptions } from './options.js';
import { Phone } from './phone.js';

/**
 * A random 53-bit seed from `crypto.getRandomValues` (tags, branches, Call-IDs and cnonces
 * derive from it), falling back to `Math.random` where Web Crypto is missing.
 */
function randomSeed() {
  const words = new Uint32Array(2);
  try {
    crypto.getRandomValues(words);
  } catch {
    words[0] = Math.random() * 2 ** 32;
    words[1] = Math.random() * 2 ** 32;
  }
  return (words[0] & 0x1fffff) * 2 ** 32 + words[1];
}

/** The `Core` configuration; `login` is `{token}` or `{username, password}`. */
const coreConfig = (aor, login, url, o) => ({
  aor,
  ...login,
  displayName: o.displayName,
  userAgent: 'BWClient/' + Core.version(),
  registerExpires: o.registerExpires,
  seed: randomSeed(),
  secure: url.startsWith('wss:'),
  trace: o.logLevel === 'debug',
  trickleIce: o.trickle !== 'off',
});

/** `wss://<page host>/sip` (or `ws://` on an http page): where a legacy page's server is. */
function sameOriginWsUrl() {
  const location = globalThis.location || {};
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + (location.host || '') + '/sip';
}

/**
 * The entry points. `BWClient.login(token, options)` resolves with a registered `Phone`.
 */
export class BWClient {
  /**
   * Logs in with a token from the app server; resolves once registered. Rejects with an
   * `Error` whose `code` is `bad_token`, `token_expired`, `auth_failed`, `transport_failed`,
   * `timeout` or `bad_options`.
   * @param {string} token
   * @param {object} [options] `LoginOptions`
   * @returns {Promise<Phone>}
   */
  static async login(token, options) {
    const parsed = Core.parseToken(token);
    if (Math.floor(Date.now() / 1000) >= parsed.expires) throw error('token_expired', 'the token has expired');
    const o = readOptions(options);
    const aor = o.uri === undefined ? 'sip:' + parsed.user + '@' + parsed.host : Core.parseUri(o.uri);
    const url = o.server ?? parsed.wsUrl;
    const phone = new Phone(new Core(coreConfig(aor, { token }, url, o)), o, url, parsed, aor);
    await new Promise((resolve, reject) => {
      phone._loginWaiter = { resolve, reject };
      phone._connect();
    });
    return phone;
  }

  /**
   * The legacy entry point: `{username, domain, authToken | password, logLevel, extraHeaders,
   * server?}`. Throws on an invalid config, like the old library did. Nothing connects until
   * `phone.register()`. A token login also sends the token in `X-Callsign-Token`.
   * @param {object} config `LegacyPhoneConfig`
   * @returns {Phone}
   */
  static createPhone(config) {
    const bad = (message) => error('bad_options', message);
    const username = getString(config, 'username');
    const domain = getString(config, 'domain');
    if (!username || !domain) throw bad('username and domain are required');
    const password = getString(config, 'password') || undefined;
    const authToken = (getString(config, 'authToken') ?? getString(config, 'callsignToken')) || undefined;
    const o = defaults();
    o.logLevel = 'log';
    const level = getString(config, 'logLevel');
    if (level !== undefined) {
      o.logLevel = parseLevel(level);
      if (!o.logLevel) throw bad('logLevel must be debug, log, warn or error');
    }
    const lines = getStrings(config, 'extraHeaders');
    if (lines) o.extraHeaders = parseHeaderLines(lines);
    o.server = getString(config, 'server');
    if (authToken && password) throw bad('give either password or authToken, not both');
    if (!authToken && !password) throw bad('password or authToken is required');
    const token = authToken ? Core.parseToken(authToken) : undefined;
    const url = o.server ?? (token ? token.wsUrl : sameOriginWsUrl());
    const login = token ? { token: authToken } : { username, password };
    const aor = 'sip:' + username + '@' + domain;
    return new Phone(new Core(coreConfig(aor, login, url, o)), o, url, token, aor);
  }

  /**
   * `[{id, name}]` of the microphones (asks for permission first when labels are hidden).
   * @returns {Promise<Array<{id: string, name: string}>>}
   */
  static async getMicrophones() {
    return microphones();
  }

  /**
   * `[{id, name}]` of the audio outputs (empty where the browser does not list them).
   * @returns {Promise<Array<{id: string, name: string}>>}
   */
  static async getSpeakers() {
    return speakers();
  }

  /**
   * Asks for microphone permission early (audio only), like the legacy library.
   * @returns {Promise<boolean>}
   */
  static async getUserMedia() {
    stopStream(await openMicrophone());
    return true;
  }

  /**
   * The package version.
   * @returns {string}
   */
  static version() {
    return Core.version();
  }
}
