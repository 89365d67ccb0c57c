//! The pure half of the early-offer ICE policy: which local candidates are worth waiting for.
//!
//! Chromium needs about 120 ms to declare ICE gathering complete even on loopback, while the
//! first host candidate is there in a few ms. So [`crate::media::Media`] hands out its local
//! SDP as soon as it holds the candidates this policy waits for:
//! - no STUN/TURN configured: any candidate (they can only be host candidates);
//! - STUN/TURN configured: a server-reflexive or relay candidate, since a host address alone
//!   rarely works across NATs;
//!
//! always capped by the gathering timeout. The decision reads the SDP the browser reports, so
//! it is right by construction: after an ICE restart the old candidates are gone from it.

use crate::sdp::candidates;

/// Which candidates the offer or answer waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatheringPolicy {
    /// No STUN/TURN configured: the first host candidates are enough.
    HostCandidates,
    /// STUN/TURN configured: wait for a `srflx` or `relay` candidate.
    ServerCandidate,
}

impl GatheringPolicy {
    /// Whether `sdp` (a local description) already carries what this policy waits for.
    pub fn is_satisfied_by(self, sdp: &str) -> bool {
        candidates(sdp).any(|candidate| {
            self == GatheringPolicy::HostCandidates
                || matches!(candidate_type(candidate), Some("srflx" | "relay"))
        })
    }
}

/// The `typ` of a candidate (`host`, `srflx`, `prflx`, `relay`), RFC 8839 §5.1.
pub fn candidate_type(candidate: &str) -> Option<&str> {
    let mut fields = candidate.split_ascii_whitespace();
    fields.find(|field| *field == "typ")?;
    fields.next()
}

/// Whether `sdp` already holds `candidate` (a `candidate:...` value, with or without `a=`): a
/// candidate the peer got inside the offer or answer is not trickled again (RFC 8838 §4).
pub fn sdp_has_candidate(sdp: &str, candidate: &str) -> bool {
    let wanted = candidate.strip_prefix("a=").unwrap_or(candidate).trim();
    candidates(sdp).any(|line| line.trim() == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Shaped like a Chromium offer taken right after the first candidates came in.
    const OFFER: &str = "v=0\r\n\
o=- 1 2 IN IP4 127.0.0.1\r\n\
s=-\r\n\
t=0 0\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n\
a=candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host generation 0\r\n\
a=candidate:2 1 tcp 1518280447 192.0.2.10 9 typ host tcptype active generation 0\r\n\
a=ice-ufrag:abcd\r\n\
a=sendrecv\r\n";

    #[test]
    fn reads_the_candidate_type() {
        assert_eq!(
            candidate_type("candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host"),
            Some("host")
        );
        assert_eq!(
            candidate_type(
                "a=candidate:3 1 udp 1686052607 198.51.100.7 40000 typ srflx raddr 0.0.0.0 rport 0"
            ),
            Some("srflx")
        );
        assert_eq!(candidate_type("candidate:1 1 udp 1 192.0.2.1 1"), None);
        assert_eq!(candidate_type("candidate:1 1 udp 1 192.0.2.1 1 typ"), None);
    }

    #[test]
    fn host_policy_is_satisfied_by_any_candidate() {
        assert!(GatheringPolicy::HostCandidates.is_satisfied_by(OFFER));
        assert!(!GatheringPolicy::HostCandidates.is_satisfied_by("v=0\r\nm=audio 9 x 0\r\n"));
    }

    #[test]
    fn server_policy_waits_for_srflx_or_relay() {
        assert!(!GatheringPolicy::ServerCandidate.is_satisfied_by(OFFER));
        let with_srflx = [
            OFFER,
            "a=candidate:3 1 udp 1686052607 198.51.100.7 40000 typ srflx raddr 192.0.2.10 rport 54321\r\n",
        ]
        .concat();
        assert!(GatheringPolicy::ServerCandidate.is_satisfied_by(&with_srflx));
        let with_relay = [
            OFFER,
            "a=candidate:4 1 udp 41885439 203.0.113.5 3478 typ relay raddr 198.51.100.7 rport 40000\r\n",
        ]
        .concat();
        assert!(GatheringPolicy::ServerCandidate.is_satisfied_by(&with_relay));
    }

    #[test]
    fn finds_a_trickled_candidate_already_in_the_sdp() {
        let first = "candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host generation 0";
        assert!(sdp_has_candidate(OFFER, first));
        assert!(sdp_has_candidate(OFFER, &["a=", first].concat()));
        assert!(!sdp_has_candidate(
            OFFER,
            "candidate:9 1 udp 2122260223 192.0.2.10 50000 typ host generation 0"
        ));
    }
}
