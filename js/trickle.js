/**
 * The pure half of trickle ICE over SIP (RFC 8840): which local candidates still have to reach
 * the peer, as `application/trickle-ice-sdpfrag` bodies, and reading the peer's.
 *
 * The early offer/answer already carries the candidates found before it went out (ice.js); the
 * rest (TCP and IPv6 host candidates, late server-reflexive or relay ones) and
 * `a=end-of-candidates` follow in INFO requests once the core says the peer may take them
 * (`Core.canTrickle`). SDP lines are read and written directly: the browser made the
 * description and validates every candidate in `addIceCandidate`.
 * @module trickle
 */
import { attribute, iceUfrag, lines, sdpHasCandidate } from './ice.js';

/** The `name` extension value of a `candidate:...` (Chromium tags candidates with `ufrag`). */
function candidateExtension(candidate, name) {
  const fields = candidate.trim().split(/\s+/);
  for (let i = 8; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/**
 * Each accepted media section of `sdp` as `[mid, pseudo m= line]`, the m-line with port 9 for
 * a fragment (RFC 8840 §4.4).
 */
function sections(sdp) {
  const out = [];
  let mLine;
  for (const line of lines(sdp)) {
    if (line.startsWith('m=')) {
      const [kind, port, ...rest] = line.slice(2).split(' ');
      mLine = port === '0' ? undefined : 'm=' + kind + ' 9 ' + rest.join(' ');
    } else if (line.startsWith('a=mid:') && mLine !== undefined) {
      out.push([line.slice(6), mLine]);
      mLine = undefined;
    }
  }
  return out;
}

/** Local candidates not yet sent, against the description we signalled. */
export class TrickleQueue {
  constructor() {
    /** The offer or answer we sent: its candidates need no INFO. */
    this.sdp = '';
    /** @type {Array<[string, string]>} `[mid, candidate]` in the order the browser found them. */
    this.pending = [];
    /** The browser finished gathering. */
    this.complete = false;
    /** `a=end-of-candidates` went out. */
    this.ended = false;
  }

  /**
   * Records the description we sent; candidates already in it are dropped from the queue.
   * @param {string} sdp
   */
  signalled(sdp) {
    this.sdp = sdp;
    this.pending = this.pending.filter(([, c]) => !sdpHasCandidate(sdp, c));
  }

  /**
   * A candidate the browser found (`candidate:...`) for media section `mid`. Candidates of
   * another ICE generation than the one signalled (an ICE restart: Chromium tags each with
   * `ufrag`) are not ours to trickle (RFC 8838 §4.4).
   * @param {string} mid
   * @param {string} candidate
   */
  push(mid, candidate) {
    if (!candidate.startsWith('candidate:')) return;
    const theirs = candidateExtension(candidate, 'ufrag');
    const ours = iceUfrag(this.sdp);
    if (theirs !== undefined && ours !== undefined && theirs !== ours) return;
    if (!sdpHasCandidate(this.sdp, candidate)) this.pending.push([mid, candidate]);
  }

  /** Gathering is over: the next fragment ends with `a=end-of-candidates` (RFC 8838 §4.5). */
  gatheringComplete() {
    this.complete = true;
  }

  /**
   * The fragment to send now, if there is news: the ICE credentials, then for each media
   * section its pseudo `m=` line, `a=mid`, the queued candidates and, once gathering
   * completed, `a=end-of-candidates` (RFC 8840 §4.4). Undefined before anything was signalled
   * or with nothing new.
   * @returns {string|undefined}
   * @throws {Error} 'description has no ICE credentials' (no `a=ice-ufrag`/`a=ice-pwd`), or
   *   'candidate for unknown mid <mid>' (a candidate names an `a=mid` the description lacks)
   */
  takeFragment() {
    const end = this.complete && !this.ended;
    if (!this.sdp || (!this.pending.length && !end)) return undefined;
    const ufrag = iceUfrag(this.sdp);
    const pwd = attribute(this.sdp, 'ice-pwd');
    if (ufrag === undefined || pwd === undefined) {
      throw new Error('description has no ICE credentials');
    }
    const media = sections(this.sdp);
    const unknown = this.pending.find(([mid]) => !media.some(([m]) => m === mid));
    if (unknown) throw new Error('candidate for unknown mid ' + unknown[0]);
    let out = 'a=ice-ufrag:' + ufrag + '\r\na=ice-pwd:' + pwd + '\r\n';
    for (const [mid, mLine] of media) {
      let body = '';
      for (const [m, c] of this.pending) if (m === mid) body += 'a=' + c + '\r\n';
      if (end) body += 'a=end-of-candidates\r\n';
      if (body) out += mLine + '\r\na=mid:' + mid + '\r\n' + body;
    }
    this.pending = [];
    this.ended = this.ended || end;
    return out;
  }
}

/**
 * What a peer's fragment asks of our peer connection, in order: `[mid, candidate]` pairs
 * (`candidate:...`, as `RTCIceCandidateInit.candidate` takes them), and `[mid, '']` where a
 * section's candidates are complete, the end-of-candidates indication (RFC 8840 §4.4,
 * RFC 8838 §4.5). Undefined if a candidate comes before any `a=mid`.
 * @param {string} fragment
 * @returns {Array<[string, string]>|undefined}
 */
export function remoteCandidates(fragment) {
  const out = [];
  let mid;
  let sessionEnd = false;
  for (const line of lines(fragment)) {
    if (line.startsWith('m=')) mid = undefined;
    else if (line.startsWith('a=mid:')) mid = line.slice(6);
    else if (line.startsWith('a=')) {
      const value = line.slice(2);
      const end = value === 'end-of-candidates';
      if (!end && !value.startsWith('candidate:')) continue;
      if (mid !== undefined) out.push([mid, end ? '' : value]);
      else if (end) sessionEnd = true;
      else return undefined;
    }
  }
  if (sessionEnd) {
    for (const line of lines(fragment)) if (line.startsWith('a=mid:')) out.push([line.slice(6), '']);
  }
  return out;
}
