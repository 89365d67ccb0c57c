/**
 * SIP over WebSocket (RFC 7118): the only code that touches `WebSocket`.
 *
 * One WebSocket message carries exactly one SIP message (RFC 7118 §5.1), so frames go to and
 * from the core unchanged: no stream framing. Text frames are the norm; a binary frame is
 * accepted when it is valid UTF-8 (§5.1 allows binary frames) and dropped with a warning
 * otherwise, never guessed at.
 *
 * Events, in order: `{type:'open'}` once, any number of `{type:'message', text}`, then
 * `{type:'close', code, reason, wasClean}` once (`code` 1006 when the connection failed or
 * dropped without a close frame; RFC 6455 §7.4), possibly after `{type:'error'}` (the browser
 * gives no detail); a connection that never opens gives `error` then `close`.
 * @module transport
 */
import * as log from './log.js';

/** The WebSocket subprotocol SIP is carried in (RFC 7118 §4). */
export const SUBPROTOCOL = 'sip';

const decoder = () => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The SIP message in a frame, or undefined (logged) for anything but text or UTF-8 bytes. */
function frameText(data) {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) {
    try {
      return decoder().decode(data);
    } catch {
      log.warn('dropped a binary websocket frame that is not UTF-8');
      return undefined;
    }
  }
  log.warn('dropped a websocket frame of unknown type');
  return undefined;
}

/** An open or opening SIP WebSocket connection. */
export class Transport {
  /**
   * Opens `url` (`ws:` or `wss:`) offering subprotocol `sip`; `onEvent` receives every event
   * (module docs). Throws at once only for a URL the browser refuses (`SyntaxError`); an
   * unreachable server is reported as `error` + `close` events.
   * @param {string} url
   * @param {(event: {type: string, text?: string, code?: number, reason?: string,
   *   wasClean?: boolean}) => void} onEvent
   * @returns {Transport}
   */
  static connect(url, onEvent) {
    return new Transport(url, onEvent);
  }

  /** Same as `Transport.connect(url, onEvent)`. */
  constructor(url, onEvent) {
    const socket = (this.socket = new WebSocket(url, SUBPROTOCOL));
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      // RFC 7118 §4: the server must agree to `sip`. A browser rejects any other answer, but
      // accepts a server that answers with no subprotocol at all.
      if (socket.protocol !== SUBPROTOCOL) {
        log.error('server did not agree to WebSocket subprotocol sip; closing');
        onEvent({ type: 'error' });
        socket.close(1000, 'subprotocol sip required');
        return;
      }
      onEvent({ type: 'open' });
    };
    socket.onmessage = (event) => {
      const text = frameText(event.data);
      if (text !== undefined) onEvent({ type: 'message', text });
    };
    socket.onclose = (event) =>
      onEvent({ type: 'close', code: event.code, reason: event.reason, wasClean: event.wasClean });
    socket.onerror = () => onEvent({ type: 'error' });
  }

  /**
   * Sends one SIP message as one text frame.
   * @param {string} message
   * @throws {Error} 'websocket is not open' (the browser would silently discard it while
   *   CONNECTING/CLOSING)
   */
  send(message) {
    if (!this.isOpen()) throw new Error('websocket is not open');
    this.socket.send(message);
  }

  /** Whether the handshake completed and the socket is not closing. @returns {boolean} */
  isOpen() {
    return this.socket.readyState === 1; // OPEN
  }

  /** Bytes queued by `send` and not yet handed to the network. @returns {number} */
  bufferedAmount() {
    return this.socket.bufferedAmount;
  }

  /** The URL this transport was opened with. @returns {string} */
  url() {
    return this.socket.url;
  }

  /** Starts a normal close (code 1000); the `close` event follows. Idempotent. */
  close() {
    // CONNECTING (0) or OPEN (1).
    if (this.socket.readyState < 2) this.socket.close(1000);
  }

  /**
   * Detaches every handler, then closes: nothing is reported any more.
   */
  drop() {
    const socket = this.socket;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    this.close();
  }
}
