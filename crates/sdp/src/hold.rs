//! Putting a call on hold and recognising a hold offer (RFC 3264 §8.4).

use crate::{Direction, MediaSection, Sdp};

impl Sdp {
    /// Puts every active stream on hold (RFC 3264 §8.4): `sendrecv` becomes
    /// `sendonly`, and `recvonly` (the peer already holds us) becomes `inactive`.
    /// Rejected streams are left alone. The caller bumps the `o=` version for the
    /// new offer ([`crate::Origin::bump_version`]).
    pub fn hold(&mut self) {
        self.redirect(Direction::hold);
    }

    /// Takes every active stream off hold: the inverse of [`Sdp::hold`]
    /// (`sendonly` → `sendrecv`, `inactive` → `recvonly`).
    pub fn unhold(&mut self) {
        self.redirect(Direction::unhold);
    }

    fn redirect(&mut self, change: fn(Direction) -> Direction) {
        let directions: Vec<Option<Direction>> =
            (0..self.media().len()).map(|i| self.direction(i)).collect();
        for (media, direction) in self.media_mut().iter_mut().zip(directions) {
            if let (false, Some(direction)) = (media.is_rejected(), direction) {
                media.set_direction(change(direction));
            }
        }
    }
}

/// Whether a remote offer puts us on hold (RFC 3264 §8.4): every active stream is
/// `sendonly` or `inactive`, or uses the RFC 2543 convention `c=IN IP4 0.0.0.0`.
///
/// With ICE, `c=IN IP4 0.0.0.0` is only JSEP's placeholder address (RFC 8829 §5.2.1)
/// and browsers send it in every offer, so the legacy rule applies only to streams
/// without `a=ice-ufrag`. An offer without active streams is not a hold.
pub fn is_hold_offer(sdp: &Sdp) -> bool {
    let mut active = sdp
        .media()
        .iter()
        .enumerate()
        .filter(|(_, media)| !media.is_rejected())
        .peekable();
    active.peek().is_some()
        && active.all(|(index, media)| {
            sdp.direction(index).is_some_and(Direction::is_hold) || legacy_hold(sdp, media)
        })
}

fn legacy_hold(sdp: &Sdp, media: &MediaSection) -> bool {
    let uses_ice = media.ice_ufrag().is_some() || sdp.session_attribute("ice-ufrag").is_some();
    let connection = media.connection().or_else(|| sdp.connection());
    !uses_ice && connection.is_some_and(|c| c.is_null_ipv4())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sdp(body: &str) -> Sdp {
        Sdp::parse(&format!(
            "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n{body}"
        ))
        .unwrap()
    }

    #[test]
    fn hold_offers() {
        assert!(is_hold_offer(&sdp("m=audio 9 RTP/AVP 0\r\na=sendonly\r\n")));
        assert!(is_hold_offer(&sdp("m=audio 9 RTP/AVP 0\r\na=inactive\r\n")));
        assert!(is_hold_offer(&sdp("a=sendonly\r\nm=audio 9 RTP/AVP 0\r\n")));
        assert!(!is_hold_offer(&sdp(
            "m=audio 9 RTP/AVP 0\r\na=sendrecv\r\n"
        )));
        assert!(!is_hold_offer(&sdp(
            "m=audio 9 RTP/AVP 0\r\na=recvonly\r\n"
        )));
        assert!(!is_hold_offer(&sdp("m=audio 9 RTP/AVP 0\r\n")));
        // Rejected streams do not count either way.
        assert!(is_hold_offer(&sdp(
            "m=audio 9 RTP/AVP 0\r\na=sendonly\r\nm=video 0 RTP/AVP 96\r\n"
        )));
        assert!(!is_hold_offer(&sdp(
            "m=audio 0 RTP/AVP 0\r\na=sendonly\r\n"
        )));
        assert!(!is_hold_offer(&sdp("")));
        // Every active stream must be held.
        assert!(!is_hold_offer(&sdp(
            "m=audio 9 RTP/AVP 0\r\na=sendonly\r\nm=video 9 RTP/AVP 96\r\n"
        )));
    }

    #[test]
    fn legacy_null_address() {
        assert!(is_hold_offer(&sdp(
            "c=IN IP4 0.0.0.0\r\nm=audio 9 RTP/AVP 0\r\n"
        )));
        assert!(is_hold_offer(&sdp(
            "m=audio 9 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\n"
        )));
        assert!(!is_hold_offer(&sdp(
            "c=IN IP4 0.0.0.0\r\nm=audio 9 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\n"
        )));
        // JSEP placeholder with ICE is not a hold.
        assert!(!is_hold_offer(&sdp(
            "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n"
        )));
        assert!(!is_hold_offer(&sdp(
            "a=ice-ufrag:abcd\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
        )));
    }

    #[test]
    fn hold_and_unhold() {
        let mut offer = sdp(
            "m=audio 9 RTP/AVP 0\r\na=sendrecv\r\nm=audio 9 RTP/AVP 0\r\na=recvonly\r\n\
            m=video 0 RTP/AVP 96\r\na=sendrecv\r\n",
        );
        offer.hold();
        assert_eq!(offer.direction(0), Some(Direction::SendOnly));
        assert_eq!(offer.direction(1), Some(Direction::Inactive));
        assert_eq!(offer.direction(2), Some(Direction::SendRecv));
        offer.unhold();
        assert_eq!(offer.direction(0), Some(Direction::SendRecv));
        assert_eq!(offer.direction(1), Some(Direction::RecvOnly));
        // A section without attribute takes the session default before holding.
        let mut implicit = sdp("a=recvonly\r\nm=audio 9 RTP/AVP 0\r\n");
        implicit.hold();
        assert_eq!(implicit.media()[0].direction(), Some(Direction::Inactive));
        assert_eq!(Sdp::parse(&implicit.to_string()).unwrap(), implicit);
    }
}
