/**
 * `Phone`: a logged-in phone, and its run loop. It owns the wasm `Core` (the SIP user agent),
 * the WebSocket, the core's one timer, and routes every core event to the right JS object.
 *
 * Every entry (a socket event, a timer, a JS command) ends in `_drive()`, which drains
 * `core.poll()` first and only then dispatches the events it collected, so a listener may call
 * back into the phone (answer from `incomingCall`, hang up from `ringing`).
 *
 * Lifecycle: `idle` (made by the legacy `createPhone`, nothing opened yet), `starting` (the
 * first connection and registration), `ready` (connected, and registered unless
 * `register: false`), `reconnecting` (the socket dropped; a new one is being opened),
 * `loggedOut` (nothing reconnects).
 * @module phone
 */
import { Call } from './call.js';
import { Core } from './core-glue.js';
import { Emitter } from './emitter.js';
import { error, registrationCode } from './errors.js';
import * as log from './log.js';
import { callHeaders } from './options.js';
import { Timer, sleep } from './timer.js';
import { Tones } from './tones.js';
import { Transport } from './transport.js';

/**
 * The core's clock: the page's monotonic `performance.now()`, whole milliseconds.
 * @returns {number}
 */
export function coreNow() {
  return Math.floor(performance.now());
}

/** Whole seconds since the Unix epoch, the time base of token expiries. */
const unixNow = () => Math.floor(Date.now() / 1000);

/**
 * A logged-in phone. Events (`phone.on(name, fn)`): `registered` (alias
 * `registrationSuccess`), `registrationFailed` (`{code, status, reason}`), `unregistered`,
 * `incomingCall` (a `Call`), `reconnecting` (`{attempt, delayMs, closeCode}`), `reconnected`,
 * `tokenWillExpire` (`{expiresAt, secondsLeft}`), `message` (`{from, contentType, body}`),
 * `log` (`{level, message}`, with `logLevel: 'debug'`).
 *
 * Made by `BWClient.login` or `BWClient.createPhone`, never by the page.
 */
export class Phone {
  /**
   * @param {Core} core the user agent
   * @param {ReturnType<typeof import('./options.js').defaults>} options
   * @param {string} url the WebSocket URL
   * @param {{user: string, host: string, wsUrl: string, expires: number}|undefined} token
   *   the login token (`Core.parseToken`), if the login is by token
   * @param {string} aor our SIP URI
   */
  constructor(core, options, url, token, aor) {
    log.setLevel(options.logLevel);
    this._core = core;
    this._options = options;
    this._url = url;
    this._token = token;
    this._aor = aor;
    const parts = /^sips?:(?:([^@]*)@)?(\[[^\]]*\]|[^:;?>]*)/i.exec(aor) || [];
    this._user = parts[1];
    this._host = parts[2];
    this._trace = options.logLevel === 'debug';
    this._emitter = new Emitter();
    this._lifecycle = 'idle';
    this._transport = undefined;
    this._socketOpen = false;
    /** Frames the core produced while the socket was down; sent once it is back. */
    this._pendingFrames = [];
    this._coreTimer = new Timer();
    this._reconnectTimer = new Timer();
    this._tokenTimer = new Timer();
    this._loginTimer = new Timer();
    this._reconnectAttempt = 0;
    this._everRegistered = false;
    /** Set when the socket drops; the next registration then emits `reconnected`. */
    this._reconnectedPending = false;
    /** `{resolve, reject}` of `login()`: the first registration (or open, `register: false`). */
    this._loginWaiter = undefined;
    this._logoutWaiter = undefined;
    /** Message handle -> `[resolve, reject]` of `sendMessage()`. */
    this._messageWaiters = new Map();
    this._calls = [];
    /** Call operations asked for while reconnecting; run once registered again. */
    this._deferredOps = [];
    this._tones = new Tones();
    // Unregisters when the page goes away (the legacy library did it on `beforeunload`).
    this._pagehide = () => {
      if (this._everRegistered && this._lifecycle === 'ready') {
        this._unregister();
        this._drive();
      }
    };
    globalThis.addEventListener?.('pagehide', this._pagehide);
    this._armTokenTimer();
  }

  /**
   * Adds a listener; returns the phone so calls can chain.
   * @param {string} event
   * @param {Function} listener
   * @returns {Phone}
   */
  on(event, listener) {
    this._emitter.on(event, listener);
    return this;
  }

  /**
   * Removes a listener added with `on`.
   * @param {string} event
   * @param {Function} listener
   */
  off(event, listener) {
    this._emitter.off(event, listener);
  }

  _emit(name, ...args) {
    this._emitter.emit(name, args);
  }

  /**
   * Places a call to a `sip:`/`sips:` URI, a bare user, or a phone number (US numbers get
   * +1). `options`: `{extraHeaders: ["X-Name: value"], identity: "+1…"}`. The INVITE goes out
   * once the microphone and the offer are ready, after this returns.
   * @param {string} target
   * @param {{extraHeaders?: string[], identity?: string}} [options]
   * @returns {Call}
   */
  call(target, options) {
    if (this._lifecycle === 'loggedOut' || this._lifecycle === 'idle') {
      throw error('invalid_state', 'the phone is not connected');
    }
    const uri = this._dial(target, 'cannot call that: ');
    const extra = callHeaders(options, this._host);
    const call = new Call(this, 'out', undefined, uri);
    this._calls.push(call);
    call._startOutgoing(uri, extra);
    return call;
  }

  /** The Request-URI for a dial string (`Core.dialTarget`), or a `bad_target` error. */
  _dial(target, prefix = '') {
    try {
      return Core.dialTarget(target, this._host);
    } catch (e) {
      throw error('bad_target', prefix + e.message);
    }
  }

  /**
   * Takes a fresh token for the same identity and re-registers with it; calls go on.
   * @param {string} token
   */
  updateToken(token) {
    const parsed = Core.parseToken(token);
    if (unixNow() >= parsed.expires) throw error('token_expired', 'the new token has already expired');
    if (this._user !== parsed.user || this._host.toLowerCase() !== parsed.host.toLowerCase()) {
      throw error('bad_token', 'the new token is for another identity');
    }
    this._token = parsed;
    this._armTokenTimer();
    try {
      this._core.updateToken(coreNow(), token);
    } finally {
      this._drive();
    }
  }

  /**
   * Hangs up every call, unregisters (waiting at most 2 s for the answer) and closes.
   * @returns {Promise<void>}
   */
  async logout() {
    for (const call of this._calls.slice()) {
      try {
        call.hangup();
      } catch {}
    }
    if (this._lifecycle === 'ready' && this._core.registered) {
      const done = new Promise((resolve) => (this._logoutWaiter = resolve));
      if (!this._unregister()) {
        this._drive();
        await Promise.race([done, sleep(2000)]);
      }
    }
    this._shutdown();
  }

  /**
   * Sends a SIP MESSAGE (RFC 3428); resolves when the far end accepted it.
   * @param {string} target
   * @param {string} text
   * @returns {Promise<void>}
   */
  async sendMessage(target, text) {
    const uri = this._dial(target);
    const handle = this._core.sendMessage(coreNow(), uri, 'text/plain', text);
    const delivered = new Promise((resolve, reject) => this._messageWaiters.set(handle, [resolve, reject]));
    this._drive();
    return delivered;
  }

  /** Registers for incoming calls (the legacy `register()`; also after `register: false`). */
  register() {
    if (this._lifecycle === 'idle') return this._connect();
    if (this._lifecycle === 'loggedOut') return log.warn('register() after logout');
    try {
      this._core.register(coreNow());
    } catch (e) {
      log.warn('register: ' + e.message);
    }
    this._drive();
  }

  /** Removes the registration; the connection stays open. */
  unregister() {
    const e = this._unregister();
    if (e) log.warn('unregister: ' + e.message);
    this._drive();
  }

  /** Asks the core to unregister (RFC 3261 §10.2.2); returns its refusal, if any. */
  _unregister() {
    try {
      this._core.unregister(coreNow());
    } catch (e) {
      return e;
    }
  }

  /** Our SIP URI. @returns {string} */
  get uri() {
    return this._aor;
  }

  /** True while the phone holds a registration. @returns {boolean} */
  get registered() {
    return this._core.registered;
  }

  /** The calls in progress. @returns {Call[]} */
  calls() {
    return this._calls.slice();
  }

  /**
   * Sets the console log level (`debug`, `log`, `warn`, `error`, `silent`).
   * @param {string} level
   */
  setLogLevel(level) {
    const parsed = log.parseLevel(level);
    if (!parsed) throw error('bad_options', 'unknown log level');
    log.setLevel(parsed);
  }

  /** The console log level. @returns {string} */
  getLogLevel() {
    return log.level();
  }

  /**
   * Whether SIP messages are traced (the legacy `getTraceSip()`: `logLevel: 'debug'`).
   * @returns {boolean}
   */
  getTraceSip() {
    return this._trace;
  }

  // ---- The run loop ----

  /** Opens the WebSocket (the first time, or again after a drop). */
  _connect() {
    if (this._lifecycle === 'loggedOut') return;
    if (this._lifecycle === 'idle') {
      this._lifecycle = 'starting';
      this._loginTimer.set(this._options.loginTimeoutMs, () =>
        this._failLogin(error('timeout', 'no registration before the login timeout')),
      );
    }
    log.log('connecting to ' + this._url);
    try {
      this._transport = Transport.connect(this._url, (event) => this._onTransport(event));
    } catch {
      this._failLogin(error('transport_failed', 'the server URL is not a valid WebSocket URL'));
    }
  }

  /** Rejects a pending login and stops trying. */
  _failLogin(err) {
    const waiter = this._loginWaiter;
    if (waiter) {
      this._loginWaiter = undefined;
      this._shutdown();
      waiter.reject(err);
    }
  }

  /** Closes everything without unregistering (the socket is gone or never came). */
  _shutdown() {
    this._lifecycle = 'loggedOut';
    this._reconnectTimer.clear();
    this._coreTimer.clear();
    this._tokenTimer.clear();
    this._loginTimer.clear();
    for (const call of this._calls.splice(0)) call._closeMedia();
    this._tones.close();
    if (this._transport) this._transport.drop();
    this._transport = undefined;
    this._socketOpen = false;
    globalThis.removeEventListener?.('pagehide', this._pagehide);
  }

  _onTransport(event) {
    const now = coreNow();
    const core = this._core;
    if (event.type === 'open') {
      this._socketOpen = true;
      this._reconnectAttempt = 0;
      core.transportUp(now);
      this._flushPending();
      const reconnecting = this._lifecycle === 'reconnecting';
      if (!this._everRegistered && this._options.register) {
        try {
          core.register(now);
        } catch (e) {
          log.warn('register failed to start: ' + e.message);
        }
      } else if (!this._options.register) {
        this._lifecycle = 'ready';
        this._resolveLogin();
        if (reconnecting && this._reconnectedPending) {
          this._reconnectedPending = false;
          this._emit('reconnected');
        }
        this._runDeferred();
      }
      this._drive();
    } else if (event.type === 'message') {
      core.handleFrame(now, event.text);
      this._drive();
    } else if (event.type === 'error') {
      log.warn('websocket error');
    } else if (event.type === 'close') {
      this._socketOpen = false;
      this._transport = undefined;
      const lifecycle = this._lifecycle;
      if (lifecycle === 'starting') {
        this._failLogin(error('transport_failed', 'could not connect to the server'));
      } else if (lifecycle === 'ready' || lifecycle === 'reconnecting') {
        // The core parks the registration until the transport is back (RFC 5626 §4.4.1).
        core.transportDown(now);
        this._drive();
        this._scheduleReconnect(event.code);
      }
    }
  }

  /** Opens a new socket after a back-off with jitter (reconnect.js). */
  _scheduleReconnect(closeCode) {
    this._lifecycle = 'reconnecting';
    this._reconnectedPending = true;
    const attempt = this._reconnectAttempt++;
    const delayMs = this._options.reconnect.nextDelay(attempt, Math.random());
    log.log('connection lost, reconnecting');
    this._emit('reconnecting', { attempt: attempt + 1, delayMs, closeCode });
    this._reconnectTimer.set(delayMs, () => this._connect());
  }

  _flushPending() {
    for (const frame of this._pendingFrames.splice(0)) this._send(frame);
  }

  /** Sends one SIP message (RFC 7118 §5.1: one per WebSocket message), or keeps it for later. */
  _send(frame) {
    try {
      if (this._socketOpen && this._transport) return this._transport.send(frame);
    } catch {}
    this._pendingFrames.push(frame);
  }

  _resolveLogin() {
    this._loginTimer.clear();
    const waiter = this._loginWaiter;
    this._loginWaiter = undefined;
    if (waiter) waiter.resolve();
  }

  /** Drains the core: frames to the socket, events to JS, the next deadline to the timer. */
  _drive() {
    const events = [];
    for (;;) {
      const output = this._core.poll(coreNow());
      if (output.transmit !== undefined) {
        this._send(output.transmit);
      } else if (output.event) {
        events.push(output.event);
      } else {
        if (output.timeout !== undefined) {
          this._coreTimer.set(Math.max(0, output.timeout - coreNow()), () => {
            this._core.timeout(coreNow());
            this._drive();
          });
        } else {
          this._coreTimer.clear();
        }
        break;
      }
    }
    for (const event of events) this._dispatch(event);
  }

  _forgetCall(call) {
    this._calls = this._calls.filter((c) => c !== call);
    this._updateRingtone();
  }

  /** The ringtone plays while any incoming call is unanswered. */
  _updateRingtone() {
    const tones = this._tones;
    if (this._options.ringtone && this._calls.some((c) => c._isRingingIn())) {
      try {
        tones.start('ringtone');
      } catch (e) {
        log.warnValue('ringtone unavailable', e);
      }
    } else if (tones.playing() === 'ringtone') {
      tones.stop();
    }
  }

  /** Arms `tokenWillExpire` `tokenRefreshLeadSeconds` before the token's expiry. */
  _armTokenTimer() {
    const token = this._token;
    if (!token) return;
    const expiresAt = token.expires;
    const fireAt = expiresAt - this._options.tokenRefreshLeadSeconds;
    const delay = Math.min(2e9, Math.max(0, (fireAt - Date.now() / 1000) * 1000));
    this._tokenTimer.set(Math.floor(delay), () =>
      this._emit('tokenWillExpire', {
        expiresAt,
        secondsLeft: Math.floor(Math.max(0, expiresAt - Date.now() / 1000)),
      }),
    );
  }

  _dispatch(event) {
    switch (event.type) {
      case 'Registered': {
        this._lifecycle = 'ready';
        const first = !this._everRegistered;
        this._everRegistered = true;
        const info = { expires: event.expires, status: event.code };
        if (first) log.log('registered');
        this._emit('registered', info);
        this._emit('registrationSuccess', info);
        if (first) this._resolveLogin();
        if (this._reconnectedPending) {
          this._reconnectedPending = false;
          log.log('reconnected');
          this._emit('reconnected');
        }
        this._runDeferred();
        break;
      }
      case 'RegistrationFailed': {
        const token = this._token;
        const code = registrationCode(event.code, !!token && unixNow() >= token.expires);
        log.warn('registration failed: ' + event.reason);
        this._emit('registrationFailed', { code, status: event.code, reason: event.reason });
        this._failLogin(error(code, 'registration failed: ' + event.code + ' ' + event.reason));
        break;
      }
      case 'Unregistered': {
        this._emit('unregistered', { status: event.code });
        const resolve = this._logoutWaiter;
        this._logoutWaiter = undefined;
        if (resolve) resolve();
        break;
      }
      case 'IncomingCall': {
        const call = new Call(this, 'in', event.call, event.from, event.displayName, event.offer);
        this._calls.push(call);
        this._updateRingtone();
        log.log('incoming call');
        this._emit('incomingCall', call);
        break;
      }
      case 'Message':
        this._emit('message', { from: event.from, contentType: event.contentType, body: event.body });
        break;
      case 'MessageDelivered':
      case 'MessageFailed': {
        const waiter = this._messageWaiters.get(event.message);
        if (!waiter) break;
        this._messageWaiters.delete(event.message);
        if (event.type === 'MessageDelivered') waiter[0]();
        else waiter[1](error('message_failed', 'message not delivered: ' + event.code));
        break;
      }
      case 'Trace':
        if (log.enabled('debug')) {
          const line = (event.direction === 'sent' ? '→ sent\n' : '← received\n') + event.message;
          log.debug(line);
          this._emit('log', { level: 'debug', message: line });
        }
        break;
      case 'Discarded':
        log.warn('dropped input: ' + event.why);
        break;
      default: {
        const call = event.call !== undefined && this._calls.find((c) => c._handle === event.call);
        if (call) call._onEvent(event);
        else log.debug('event for an unknown call dropped');
      }
    }
  }

  _runDeferred() {
    for (const op of this._deferredOps.splice(0)) {
      try {
        op();
      } catch {}
    }
  }
}

