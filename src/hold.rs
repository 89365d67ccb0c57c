//! Whether the peer's offer puts us on hold (RFC 3264 §8.4). The browser applies the offer and
//! answers `recvonly` by itself; this only tells the page (`held` with `by: 'remote'`).

use crate::sdp::{sections, Section};

const DIRECTIONS: [&str; 4] = ["sendrecv", "sendonly", "recvonly", "inactive"];

/// Whether a remote offer puts us on hold (RFC 3264 §8.4): every active stream is `sendonly`
/// or `inactive` (its own direction, else the session's, else `sendrecv`), or uses the RFC 2543
/// convention `c=IN IP4 0.0.0.0`. With ICE that address is only JSEP's placeholder
/// (RFC 8829 §5.2.1), so the legacy rule applies only without `a=ice-ufrag`. An offer without
/// active streams is not a hold.
pub fn is_hold_offer(sdp: &str) -> bool {
    let (session, media) = sections(sdp);
    let mut active = media.iter().filter(|m| m.is_active()).peekable();
    active.peek().is_some() && active.all(|m| is_held(&session, m))
}

fn is_held(session: &Section, media: &Section) -> bool {
    let direction = media.flag(&DIRECTIONS).or(session.flag(&DIRECTIONS));
    let uses_ice =
        media.attribute("ice-ufrag").is_some() || session.attribute("ice-ufrag").is_some();
    let legacy = !uses_ice && connection(media).or(connection(session)) == Some("IN IP4 0.0.0.0");
    matches!(direction, Some("sendonly" | "inactive")) || legacy
}

/// The `c=` value of a section (RFC 8866 §5.7).
fn connection<'a>(section: &Section<'a>) -> Option<&'a str> {
    section.lines.iter().find_map(|l| l.strip_prefix("c="))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sdp(body: &str) -> String {
        ["v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", body].concat()
    }

    fn fixture(name: &str) -> String {
        let path = [env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sdp/", name].concat();
        std::fs::read_to_string(path).expect("fixture")
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
        // The stream's own direction wins over the session's.
        assert!(!is_hold_offer(&sdp(
            "a=sendonly\r\nm=audio 9 RTP/AVP 0\r\na=sendrecv\r\n"
        )));
        // Rejected streams do not count either way; a bundle-only one does.
        assert!(is_hold_offer(&sdp(
            "m=audio 9 RTP/AVP 0\r\na=sendonly\r\nm=video 0 RTP/AVP 96\r\n"
        )));
        assert!(!is_hold_offer(&sdp(
            "m=audio 0 RTP/AVP 0\r\na=sendonly\r\n"
        )));
        assert!(is_hold_offer(&sdp(
            "m=audio 0 RTP/AVP 0\r\na=bundle-only\r\na=sendonly\r\n"
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
        // JSEP's placeholder with ICE is not a hold.
        assert!(!is_hold_offer(&sdp(
            "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n"
        )));
        assert!(!is_hold_offer(&sdp(
            "a=ice-ufrag:abcd\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
        )));
    }

    #[test]
    fn real_offers_are_holds_only_once_their_direction_says_so() {
        for name in ["chrome_offer.sdp", "firefox_offer.sdp", "safari_offer.sdp"] {
            let offer = fixture(name);
            assert!(!is_hold_offer(&offer), "{name}");
            let held = offer.replace("a=sendrecv", "a=sendonly");
            assert!(is_hold_offer(&held), "{name} with sendonly");
            let inactive = offer.replace("a=sendrecv", "a=inactive");
            assert!(is_hold_offer(&inactive), "{name} with inactive");
        }
        // Asterisk's plain RTP answer with a real address, then with RFC 2543's null address.
        let asterisk = fixture("asterisk_answer.sdp");
        assert!(!is_hold_offer(&asterisk));
        let nulled = asterisk.replace("c=IN IP4 198.51.100.20", "c=IN IP4 0.0.0.0");
        assert!(is_hold_offer(&nulled));
    }
}
