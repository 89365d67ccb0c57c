//! The pure half of trickle ICE over SIP (RFC 8840): which local candidates still have to
//! reach the peer, as `application/trickle-ice-sdpfrag` bodies, and reading the peer's.
//!
//! The early offer/answer already carries the candidates found before it went out
//! ([`crate::ice`]); the rest (TCP and IPv6 host candidates, late server-reflexive or relay
//! ones) and `a=end-of-candidates` follow in INFO requests once the core says the peer may take
//! them ([`bwclient_sip::Ua::can_trickle`]).

use bwclient_sdp::{Candidate, IceFragment, Sdp, SdpError};

/// Local candidates not yet sent, against the description we signalled.
#[derive(Debug, Default)]
pub struct TrickleQueue {
    /// The offer or answer we sent: its candidates need no INFO, its ICE credentials and
    /// `a=mid`s head every fragment.
    signalled: String,
    /// `(mid, candidate value)` in the order the browser found them.
    pending: Vec<(String, String)>,
    /// The browser finished gathering.
    complete: bool,
    /// `a=end-of-candidates` went out.
    ended: bool,
}

impl TrickleQueue {
    /// Records the description we sent; candidates already in it are dropped from the queue.
    pub fn signalled(&mut self, sdp: &str) {
        self.signalled = sdp.to_owned();
        let sent = &self.signalled;
        self.pending
            .retain(|(_, candidate)| !crate::ice::sdp_has_candidate(sent, candidate));
    }

    /// A candidate the browser found (`candidate:...`) for media section `mid`. Candidates
    /// of another ICE generation than the one signalled (an ICE restart: Chromium tags each
    /// with `ufrag`) are not ours to trickle (RFC 8838 §4.4).
    pub fn push(&mut self, mid: &str, candidate: &str) {
        let Ok(parsed) = Candidate::parse(candidate) else {
            return;
        };
        let ours = crate::ice::ice_ufrag(&self.signalled);
        if let (Some(theirs), Some(ours)) = (parsed.extension("ufrag"), ours) {
            if theirs != ours {
                return;
            }
        }
        if !crate::ice::sdp_has_candidate(&self.signalled, candidate) {
            self.pending.push((mid.to_owned(), candidate.to_owned()));
        }
    }

    /// Gathering is over: the next fragment ends with `a=end-of-candidates` (RFC 8838 §4.5).
    pub fn gathering_complete(&mut self) {
        self.complete = true;
    }

    /// The fragment to send now, if there is news: the queued candidates, and
    /// `a=end-of-candidates` once gathering completed. `Ok(None)` before anything was
    /// signalled or with nothing new; an error if the signalled description has no ICE
    /// credentials or a candidate names an unknown `a=mid`.
    pub fn take_fragment(&mut self) -> Result<Option<String>, SdpError> {
        let end = self.complete && !self.ended;
        if self.signalled.is_empty() || (self.pending.is_empty() && !end) {
            return Ok(None);
        }
        let sdp = Sdp::parse(&self.signalled)?;
        let mut fragment = IceFragment::for_sdp(&sdp)?;
        for (mid, candidate) in &self.pending {
            fragment.add_candidate(mid, &Candidate::parse(candidate)?)?;
        }
        if end {
            let mids = sdp.media().iter().filter(|m| !m.is_rejected());
            for mid in mids.filter_map(|m| m.mid()) {
                fragment.set_end_of_candidates(mid)?;
            }
        }
        self.pending.clear();
        self.ended |= end;
        Ok(Some(fragment.to_string()))
    }
}

/// What a peer's fragment asks of our peer connection, in order: `(mid, candidate)` pairs
/// (`candidate:...`, as `RTCIceCandidateInit.candidate` takes them), and `(mid, "")` for each
/// section whose candidates are complete, the end-of-candidates indication (RFC 8840 §4.4,
/// RFC 8838 §4.5).
pub fn remote_candidates(fragment: &str) -> Result<Vec<(String, String)>, SdpError> {
    let fragment = IceFragment::parse(fragment)?;
    let mut out = Vec::new();
    for section in fragment.media() {
        let Some(mid) = section.mid() else { continue };
        for candidate in section.candidates() {
            out.push((
                mid.to_owned(),
                ["candidate:", &candidate.to_string()].concat(),
            ));
        }
        if section.end_of_candidates() || fragment.end_of_candidates() {
            out.push((mid.to_owned(), String::new()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Shaped like a Chromium offer taken once its first host candidate was in.
    const OFFER: &str = "v=0\r\n\
o=- 1 2 IN IP4 127.0.0.1\r\n\
s=-\r\n\
t=0 0\r\n\
a=group:BUNDLE 0\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n\
c=IN IP4 0.0.0.0\r\n\
a=candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host generation 0 ufrag abcd\r\n\
a=ice-ufrag:abcd\r\n\
a=ice-pwd:0123456789abcdefghijkl\r\n\
a=mid:0\r\n\
a=sendrecv\r\n\
a=rtpmap:111 opus/48000/2\r\n";

    const TCP: &str =
        "candidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype passive generation 0 ufrag abcd";

    #[test]
    fn sends_only_what_the_offer_lacked_then_end_of_candidates() {
        let mut queue = TrickleQueue::default();
        // Found before the offer went out: in it, so never trickled.
        queue.push(
            "0",
            "candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host generation 0 ufrag abcd",
        );
        assert_eq!(
            queue.take_fragment().unwrap(),
            None,
            "nothing signalled yet"
        );
        queue.signalled(OFFER);
        assert_eq!(queue.take_fragment().unwrap(), None);

        queue.push("0", TCP);
        let fragment = queue.take_fragment().unwrap().unwrap();
        assert!(
            fragment.starts_with("a=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdefghijkl\r\n"),
            "{fragment}"
        );
        assert!(
            fragment.contains("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"),
            "{fragment}"
        );
        assert!(
            fragment.contains(&["a=", TCP, "\r\n"].concat()),
            "{fragment}"
        );
        assert!(!fragment.contains("54321"), "{fragment}");
        assert!(!fragment.contains("end-of-candidates"));
        assert_eq!(queue.take_fragment().unwrap(), None, "sent once");

        queue.gathering_complete();
        let last = queue.take_fragment().unwrap().unwrap();
        assert!(last.contains("a=end-of-candidates"), "{last}");
        assert!(!last.contains("a=candidate"), "{last}");
        assert_eq!(queue.take_fragment().unwrap(), None);
    }

    #[test]
    fn skips_other_generations_and_garbage() {
        let mut queue = TrickleQueue::default();
        queue.signalled(OFFER);
        queue.push("0", &TCP.replace("ufrag abcd", "ufrag zzzz"));
        queue.push("0", "candidate:not a candidate");
        assert_eq!(queue.take_fragment().unwrap(), None);
        queue.push("7", TCP);
        assert!(queue.take_fragment().is_err(), "unknown mid");
    }

    #[test]
    fn reads_a_peer_fragment() {
        let mut queue = TrickleQueue::default();
        queue.signalled(OFFER);
        queue.push("0", TCP);
        queue.gathering_complete();
        let fragment = queue.take_fragment().unwrap().unwrap();
        let candidates = remote_candidates(&fragment).unwrap();
        let end = ("0".to_owned(), String::new());
        assert_eq!(candidates, [("0".to_owned(), TCP.to_owned()), end]);
        assert!(remote_candidates("v=0\r\n").is_err());
    }
}
