//! The pure half of trickle ICE over SIP (RFC 8840): which local candidates still have to
//! reach the peer, as `application/trickle-ice-sdpfrag` bodies, and reading the peer's.
//!
//! The early offer/answer already carries the candidates found before it went out
//! ([`crate::ice`]); the rest (TCP and IPv6 host candidates, late server-reflexive or relay
//! ones) and `a=end-of-candidates` follow in INFO requests once the core says the peer may take
//! them ([`bwclient_sip::Ua::can_trickle`]).

use crate::ice::sdp_has_candidate;
use crate::sdp::{attribute, ice_ufrag, lines, sections};

/// Local candidates not yet sent, against the description we signalled.
#[derive(Debug, Default)]
pub struct TrickleQueue {
    /// The offer or answer we sent: its candidates need no INFO; its ICE credentials and
    /// media sections head every fragment.
    signalled: String,
    /// `(mid, candidate value)` in the order the browser found them.
    pending: Vec<(String, String)>,
    /// The browser finished gathering.
    complete: bool,
    /// `a=end-of-candidates` went out.
    ended: bool,
}

/// Why no fragment could be made.
#[derive(Debug, PartialEq, Eq)]
pub enum TrickleError {
    /// The signalled description has no `a=ice-ufrag`/`a=ice-pwd`.
    NoCredentials,
    /// A candidate names an `a=mid` the description lacks.
    UnknownMid(String),
}

impl TrickleError {
    /// A line for the log.
    pub fn message(&self) -> &str {
        match self {
            TrickleError::NoCredentials => "the description has no ICE credentials",
            TrickleError::UnknownMid(_) => "a candidate names a media section we did not offer",
        }
    }
}

/// The `name value` extension of a `candidate:...` (Chromium tags candidates with `ufrag`).
fn candidate_extension<'a>(candidate: &'a str, name: &str) -> Option<&'a str> {
    let mut fields = candidate.split_ascii_whitespace().skip(8);
    while let Some(field) = fields.next() {
        let value = fields.next()?;
        if field == name {
            return Some(value);
        }
    }
    None
}

/// Each active media section of `sdp`: its `a=mid` and its pseudo `m=` line for a fragment
/// (port 9, RFC 8840 §4.4).
fn media_sections(sdp: &str) -> Vec<(&str, String)> {
    let (_, media) = sections(sdp);
    media
        .iter()
        .filter(|m| m.is_active())
        .filter_map(|m| {
            let mid = m.attribute("mid")?;
            let mut fields = m.media().splitn(3, ' ');
            let (kind, _port, rest) = (fields.next()?, fields.next()?, fields.next()?);
            Some((mid, ["m=", kind, " 9 ", rest].concat()))
        })
        .collect()
}

impl TrickleQueue {
    /// Records the description we sent; candidates already in it leave the queue.
    pub fn signalled(&mut self, sdp: &str) {
        self.signalled = sdp.to_owned();
        let sent = &self.signalled;
        self.pending
            .retain(|(_, candidate)| !sdp_has_candidate(sent, candidate));
    }

    /// A candidate the browser found (`candidate:...`) for media section `mid`. Candidates of
    /// another ICE generation than the one signalled (an ICE restart: Chromium tags each with
    /// `ufrag`) are not ours to trickle (RFC 8838 §4.4).
    pub fn push(&mut self, mid: &str, candidate: &str) {
        if !candidate.starts_with("candidate:") {
            return;
        }
        let generation = candidate_extension(candidate, "ufrag");
        if let (Some(theirs), Some(ours)) = (generation, ice_ufrag(&self.signalled)) {
            if theirs != ours {
                return;
            }
        }
        if !sdp_has_candidate(&self.signalled, candidate) {
            self.pending.push((mid.to_owned(), candidate.to_owned()));
        }
    }

    /// Gathering is over: the next fragment ends with `a=end-of-candidates` (RFC 8838 §4.5).
    pub fn gathering_complete(&mut self) {
        self.complete = true;
    }

    /// The fragment to send now, if there is news: the ICE credentials, then for each media
    /// section its pseudo `m=` line, `a=mid`, the queued candidates and, once gathering
    /// completed, `a=end-of-candidates` (RFC 8840 §4.4). `Ok(None)` before anything was
    /// signalled or with nothing new.
    pub fn take_fragment(&mut self) -> Result<Option<String>, TrickleError> {
        let end = self.complete && !self.ended;
        if self.signalled.is_empty() || (self.pending.is_empty() && !end) {
            return Ok(None);
        }
        let sdp = &self.signalled;
        let (Some(ufrag), Some(pwd)) = (ice_ufrag(sdp), attribute(lines(sdp), "ice-pwd")) else {
            return Err(TrickleError::NoCredentials);
        };
        let sections = media_sections(sdp);
        if let Some((mid, _)) = self
            .pending
            .iter()
            .find(|(mid, _)| !sections.iter().any(|(m, _)| m == mid))
        {
            return Err(TrickleError::UnknownMid(mid.clone()));
        }
        let mut out = ["a=ice-ufrag:", ufrag, "\r\na=ice-pwd:", pwd, "\r\n"].concat();
        for (mid, m_line) in &sections {
            let mut body = String::new();
            for (_, candidate) in self.pending.iter().filter(|(m, _)| m == mid) {
                body += "a=";
                body += candidate;
                body += "\r\n";
            }
            if end {
                body += "a=end-of-candidates\r\n";
            }
            if !body.is_empty() {
                out += &[m_line, "\r\na=mid:", mid, "\r\n", &body].concat();
            }
        }
        self.pending.clear();
        self.ended |= end;
        Ok(Some(out))
    }
}

/// What a peer's fragment asks of our peer connection, in order: `(mid, candidate)` pairs
/// (`candidate:...`, as `RTCIceCandidateInit.candidate` takes them), and `(mid, "")` where a
/// section's candidates are complete, the end-of-candidates indication (RFC 8840 §4.4,
/// RFC 8838 §4.5). `None` if a candidate comes before any `a=mid`.
pub fn remote_candidates(fragment: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut mid: Option<&str> = None;
    let mut session_end = false;
    for line in lines(fragment) {
        if line.starts_with("m=") {
            mid = None;
        } else if let Some(value) = line.strip_prefix("a=mid:") {
            mid = Some(value);
        } else if let Some(value) = line.strip_prefix("a=") {
            let end = value == "end-of-candidates";
            if !end && !value.starts_with("candidate:") {
                continue;
            }
            match mid {
                Some(mid) => out.push((mid.to_owned(), if end { "" } else { value }.to_owned())),
                None if end => session_end = true,
                None => return None,
            }
        }
    }
    if session_end {
        for mid in lines(fragment).filter_map(|l| l.strip_prefix("a=mid:")) {
            out.push((mid.to_owned(), String::new()));
        }
    }
    Some(out)
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
m=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\n\
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
        assert_eq!(queue.take_fragment(), Ok(None), "nothing signalled yet");
        queue.signalled(OFFER);
        assert_eq!(queue.take_fragment(), Ok(None));

        queue.push("0", TCP);
        let fragment = queue.take_fragment().unwrap().unwrap();
        assert_eq!(
            fragment,
            [
                "a=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdefghijkl\r\n",
                "m=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\na=mid:0\r\n",
                "a=",
                TCP,
                "\r\n"
            ]
            .concat()
        );
        assert_eq!(queue.take_fragment(), Ok(None), "sent once");

        queue.gathering_complete();
        let last = queue.take_fragment().unwrap().unwrap();
        assert!(
            last.ends_with("a=mid:0\r\na=end-of-candidates\r\n"),
            "{last}"
        );
        assert!(!last.contains("a=candidate"), "{last}");
        assert_eq!(queue.take_fragment(), Ok(None));
    }

    #[test]
    fn skips_other_generations_and_garbage() {
        let mut queue = TrickleQueue::default();
        queue.signalled(OFFER);
        queue.push("0", &TCP.replace("ufrag abcd", "ufrag zzzz"));
        queue.push("0", "not a candidate");
        assert_eq!(queue.take_fragment(), Ok(None));
        queue.push("7", TCP);
        assert_eq!(
            queue.take_fragment(),
            Err(TrickleError::UnknownMid("7".into()))
        );
        let mut bare = TrickleQueue::default();
        bare.signalled("v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n");
        bare.push("0", TCP);
        assert_eq!(bare.take_fragment(), Err(TrickleError::NoCredentials));
    }

    #[test]
    fn reads_a_peer_fragment() {
        let mut queue = TrickleQueue::default();
        queue.signalled(OFFER);
        queue.push("0", TCP);
        queue.gathering_complete();
        let fragment = queue.take_fragment().unwrap().unwrap();
        let end = ("0".to_owned(), String::new());
        assert_eq!(
            remote_candidates(&fragment),
            Some(vec![("0".to_owned(), TCP.to_owned()), end.clone()])
        );
        // RFC 8840 §4.4 also allows a session-level end-of-candidates.
        let session =
            "a=ice-ufrag:abcd\r\na=end-of-candidates\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n";
        assert_eq!(remote_candidates(session), Some(vec![end]));
        assert_eq!(
            remote_candidates("a=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n"),
            None
        );
    }
}
