/**
 * Remote hold detection: whether an SDP offer puts us on hold (RFC 3264 §8.4), read from its
 * lines — the browser applies the offer; we only need to tell the page.
 * @module hold
 */
import { lines } from './ice.js';

/**
 * Whether a remote offer puts us on hold (RFC 3264 §8.4): every active stream is `sendonly`
 * or `inactive` (its own direction, else the session's, else `sendrecv`), or uses the
 * RFC 2543 convention `c=IN IP4 0.0.0.0`. With ICE that address is only JSEP's placeholder
 * (RFC 8829 §5.2.1), so the legacy rule applies only without `a=ice-ufrag`. An offer without
 * active streams is not a hold.
 * @param {string} sdp
 * @returns {boolean}
 */
export function isHoldOffer(sdp) {
  const sections = [[]];
  for (const line of lines(sdp)) {
    if (line.startsWith('m=')) sections.push([]);
    sections[sections.length - 1].push(line);
  }
  const session = sections.shift();
  const find = (section, re) => section.map((l) => re.exec(l)).find(Boolean)?.[1];
  const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)$/;
  const CONNECTION = /^c=(.*)$/;
  const ICE = /^a=(ice-ufrag):/;
  const active = sections.filter((m) => !/^m=\S+ 0 /.test(m[0]) || m.includes('a=bundle-only'));
  return (
    active.length > 0 &&
    active.every((m) => {
      const direction = find(m, DIRECTION) || find(session, DIRECTION);
      const legacy =
        !find(m, ICE) && !find(session, ICE) && (find(m, CONNECTION) ?? find(session, CONNECTION)) === 'IN IP4 0.0.0.0';
      return direction === 'sendonly' || direction === 'inactive' || legacy;
    })
  );
}

