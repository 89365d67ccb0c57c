/**
 * The pure half of the early-offer ICE policy: reading candidate lines out of SDP.
 *
 * Chromium needs about 120 ms to declare ICE gathering complete even on loopback, while the
 * first host candidate is there in a few ms. So `Media` hands out its local SDP as soon as it
 * holds the candidates worth waiting for:
 * - no STUN/TURN configured (policy `'hostCandidates'`): any candidate (they can only be host
 *   candidates);
 * - STUN/TURN configured (policy `'serverCandidate'`): a server-reflexive or relay candidate,
 *   since a host address alone rarely works across NATs;
 *
 * always capped by the gathering timeout. The decision reads the SDP the browser reports, so
 * it is right by construction: after an ICE restart the old candidates are gone from it.
 * @module ice
 */

/**
 * The lines of `sdp`, without their line ends.
 * @param {string} sdp
 * @returns {string[]}
 */
export const lines = (sdp) => sdp.split('\n').map((line) => line.replace(/\r+$/, ''));

/**
 * The value of the first `a=name:value` line of `sdp`, or undefined.
 * @param {string} sdp
 * @param {string} name
 * @returns {string|undefined}
 */
export function attribute(sdp, name) {
  const prefix = 'a=' + name + ':';
  const line = lines(sdp).find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : line.slice(prefix.length);
}

/**
 * The `candidate:...` attribute values of every `a=candidate` line in `sdp` (RFC 8839 §5.1).
 * @param {string} sdp
 * @returns {string[]}
 */
export const candidates = (sdp) =>
  lines(sdp)
    .filter((l) => l.startsWith('a=candidate:'))
    .map((l) => l.slice(2));

/**
 * The `typ` of a candidate (`host`, `srflx`, `prflx`, `relay`), from either a `candidate:...`
 * value or a whole `a=candidate:...` line (RFC 8839 §5.1); undefined if it has none.
 * @param {string} candidate
 * @returns {string|undefined}
 */
export function candidateType(candidate) {
  const fields = candidate.trim().split(/\s+/);
  const i = fields.indexOf('typ');
  return i < 0 ? undefined : fields[i + 1];
}

/**
 * Whether `sdp` (a local description) already carries what `policy` waits for:
 * `'hostCandidates'` any candidate, `'serverCandidate'` a `srflx` or `relay` one.
 * @param {'hostCandidates'|'serverCandidate'} policy
 * @param {string} sdp
 * @returns {boolean}
 */
export const isSatisfiedBy = (policy, sdp) =>
  candidates(sdp).some(
    (c) => policy === 'hostCandidates' || ['srflx', 'relay'].includes(candidateType(c)),
  );

/**
 * The first `a=ice-ufrag` value in `sdp` (RFC 8839 §5.4): with bundle, the one ICE generation
 * in use. A new value means an ICE restart and a new gathering.
 * @param {string} sdp
 * @returns {string|undefined}
 */
export const iceUfrag = (sdp) => attribute(sdp, 'ice-ufrag');

/**
 * Whether `sdp` already contains `candidate` (a `candidate:...` value, as in an ICE candidate
 * event, or an `a=candidate:...` line): a trickled candidate the remote side got inside the
 * offer or answer need not be sent again (RFC 8838 §4).
 * @param {string} sdp
 * @param {string} candidate
 * @returns {boolean}
 */
export function sdpHasCandidate(sdp, candidate) {
  const wanted = (candidate.startsWith('a=') ? candidate.slice(2) : candidate).trim();
  return candidates(sdp).some((c) => c.trim() === wanted);
}
