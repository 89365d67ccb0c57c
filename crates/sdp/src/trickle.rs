//! Trickle ICE over SIP: the `application/trickle-ice-sdpfrag` body (RFC 8840 §4.4,
//! §9) and applying one to a description.

use std::fmt;

use crate::body::{parse_body, split_lines};
use crate::error::{invalid, SdpError};
use crate::{Candidate, Line, MediaLine, MediaSection, Sdp};

/// An `application/trickle-ice-sdpfrag` body (RFC 8840 §4.4, §9.2): session-level
/// `a=ice-ufrag`/`a=ice-pwd` naming the ICE generation, then for each media section a
/// pseudo `m=` line and its `a=mid`, its `a=candidate` lines and, once gathering is
/// done, `a=end-of-candidates`:
///
/// ```text
/// a=ice-ufrag:5DH+
/// a=ice-pwd:coLPjdqH9norYQpnPyFS4JP9
/// m=audio 9 UDP/TLS/RTP/SAVPF 111 0
/// a=mid:0
/// a=candidate:3742922256 1 udp 2122260223 192.0.2.10 55175 typ host
/// a=end-of-candidates
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IceFragment {
    lines: Vec<Line>,
    media: Vec<MediaSection>,
}

impl IceFragment {
    /// Parses a fragment body. Lines follow the SDP line grammar; `v=`, `o=` and `s=`
    /// have no place in a fragment.
    pub fn parse(text: &str) -> Result<IceFragment, SdpError> {
        let lines = split_lines(text)?;
        let (lines, media) = parse_body(lines.iter())?;
        Ok(IceFragment { lines, media })
    }

    /// An empty fragment for the ICE generation `ufrag`/`pwd`.
    pub fn new(ufrag: &str, pwd: &str) -> Result<IceFragment, SdpError> {
        Ok(IceFragment {
            lines: vec![
                Line::attribute("ice-ufrag", Some(ufrag))?,
                Line::attribute("ice-pwd", Some(pwd))?,
            ],
            media: Vec::new(),
        })
    }

    /// An empty fragment for a local description: its ICE credentials and one pseudo
    /// `m=` line (port 9, same kind, transport and formats) with the `a=mid` of each
    /// active media section (RFC 8840 §4.4). Candidates are added with
    /// [`IceFragment::add_candidate`].
    pub fn for_sdp(sdp: &Sdp) -> Result<IceFragment, SdpError> {
        let (ufrag, pwd) = sdp
            .media()
            .iter()
            .enumerate()
            .filter(|(_, media)| !media.is_rejected())
            .find_map(|(index, _)| sdp.ice_credentials(index))
            .ok_or(invalid(
                "ice fragment",
                "description has no ice credentials",
            ))?;
        let mut fragment = IceFragment::new(ufrag, pwd)?;
        for media in sdp.media().iter().filter(|m| !m.is_rejected()) {
            let Some(mid) = media.mid() else { continue };
            let line = media.media_line();
            let formats: Vec<&str> = line.formats().collect();
            let mut pseudo =
                MediaSection::new(MediaLine::new(line.kind(), 9, line.proto(), &formats)?);
            pseudo.push_line(Line::attribute("mid", Some(mid))?)?;
            fragment.media.push(pseudo);
        }
        Ok(fragment)
    }

    /// The session-level `a=ice-ufrag`.
    pub fn ice_ufrag(&self) -> Option<&str> {
        self.session_attribute("ice-ufrag")
    }

    /// The session-level `a=ice-pwd`.
    pub fn ice_pwd(&self) -> Option<&str> {
        self.session_attribute("ice-pwd")
    }

    /// The pseudo media sections, in order.
    pub fn media(&self) -> &[MediaSection] {
        &self.media
    }

    /// Whether a session-level `a=end-of-candidates` ends gathering for every section.
    pub fn end_of_candidates(&self) -> bool {
        self.lines
            .iter()
            .filter_map(Line::as_attribute)
            .any(|a| a.name == "end-of-candidates" && a.value.is_none())
    }

    /// Adds a candidate to the pseudo section with this `a=mid`.
    pub fn add_candidate(&mut self, mid: &str, candidate: &Candidate<'_>) -> Result<(), SdpError> {
        self.section_mut(mid)?.add_candidate(candidate)
    }

    /// Marks gathering done for the pseudo section with this `a=mid`.
    pub fn set_end_of_candidates(&mut self, mid: &str) -> Result<(), SdpError> {
        self.section_mut(mid)?.set_end_of_candidates();
        Ok(())
    }

    fn section_mut(&mut self, mid: &str) -> Result<&mut MediaSection, SdpError> {
        self.media
            .iter_mut()
            .find(|m| m.mid() == Some(mid))
            .ok_or_else(|| SdpError::UnknownMid(mid.to_owned()))
    }

    fn session_attribute(&self, name: &str) -> Option<&str> {
        self.lines
            .iter()
            .filter_map(Line::as_attribute)
            .find(|a| a.name == name)
            .and_then(|a| a.value)
    }
}

impl fmt::Display for IceFragment {
    /// The body as it goes on the wire: every line ends with CRLF.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            write!(f, "{line}\r\n")?;
        }
        for media in &self.media {
            write!(f, "{media}")?;
        }
        Ok(())
    }
}

impl Sdp {
    /// Adds a candidate to the media section with this `a=mid`.
    pub fn add_candidate(&mut self, mid: &str, candidate: &Candidate<'_>) -> Result<(), SdpError> {
        self.media_by_mid_mut(mid)
            .ok_or_else(|| SdpError::UnknownMid(mid.to_owned()))?
            .add_candidate(candidate)
    }

    /// Applies a received trickle fragment (RFC 8840 §4.4): each pseudo section is
    /// matched by `a=mid` (by position when it has none), its new candidates are added
    /// and its `a=end-of-candidates` copied. Fails without changing anything when a
    /// mid is unknown or the fragment's ICE credentials differ from the section's
    /// (a fragment of another ICE generation). Returns the number of candidates added.
    pub fn apply_ice_fragment(&mut self, fragment: &IceFragment) -> Result<usize, SdpError> {
        let mut targets = Vec::with_capacity(fragment.media.len());
        for (position, pseudo) in fragment.media.iter().enumerate() {
            let index = match pseudo.mid() {
                Some(mid) => self
                    .media()
                    .iter()
                    .position(|m| m.mid() == Some(mid))
                    .ok_or_else(|| SdpError::UnknownMid(mid.to_owned()))?,
                None if position < self.media().len() => position,
                None => {
                    return Err(invalid(
                        "ice fragment",
                        "more sections than the description",
                    ))
                }
            };
            let theirs = pseudo.ice_ufrag().or(fragment.ice_ufrag());
            let ours = self.ice_credentials(index).map(|(ufrag, _)| ufrag);
            if let (Some(theirs), Some(ours)) = (theirs, ours) {
                if theirs != ours {
                    return Err(SdpError::IceMismatch);
                }
            }
            targets.push(index);
        }
        let mut added = 0;
        for (pseudo, index) in fragment.media.iter().zip(targets) {
            let end = pseudo.end_of_candidates() || fragment.end_of_candidates();
            let Some(media) = self.media_mut().get_mut(index) else {
                continue;
            };
            for candidate in pseudo.candidates() {
                let known = media.candidates().any(|c| c == candidate);
                if !known {
                    media.add_candidate(&candidate)?;
                    added += 1;
                }
            }
            if end {
                media.set_end_of_candidates();
            }
        }
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAGMENT: &str = "a=ice-ufrag:8hhY\r\na=ice-pwd:asd88fgpdd777uzjYhagZg\r\n\
        m=audio 9 RTP/AVP 0\r\na=mid:1\r\n\
        a=candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host\r\n\
        a=candidate:2 1 UDP 1694498815 198.51.100.3 45664 typ srflx raddr 192.0.2.1 rport 5000\r\n\
        a=end-of-candidates\r\n";

    fn offer() -> Sdp {
        Sdp::parse(
            "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\na=ice-ufrag:8hhY\r\n\
            a=ice-pwd:asd88fgpdd777uzjYhagZg\r\nm=audio 5000 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\n\
            a=mid:1\r\na=candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host\r\n\
            m=video 0 RTP/AVP 31\r\na=mid:2\r\n",
        )
        .unwrap()
    }

    #[test]
    fn parse_and_print() {
        let fragment = IceFragment::parse(FRAGMENT).unwrap();
        assert_eq!(fragment.to_string(), FRAGMENT);
        assert_eq!(fragment.ice_ufrag(), Some("8hhY"));
        assert_eq!(fragment.ice_pwd(), Some("asd88fgpdd777uzjYhagZg"));
        assert_eq!(fragment.media().len(), 1);
        assert_eq!(fragment.media()[0].mid(), Some("1"));
        assert_eq!(fragment.media()[0].candidates().count(), 2);
        assert!(fragment.media()[0].end_of_candidates());
        assert!(!fragment.end_of_candidates());
    }

    #[test]
    fn parse_errors() {
        assert_eq!(IceFragment::parse(""), Err(SdpError::Empty));
        assert!(matches!(
            IceFragment::parse("v=0\r\n"),
            Err(SdpError::Misplaced { line: 1, kind: 'v' })
        ));
        assert!(IceFragment::parse("a=candidate:1 1 UDP x 192.0.2.1 5000 typ host\r\n").is_err());
        assert!(IceFragment::parse("m=audio 9 RTP/AVP 0\r\na=mid:1\r\na=mid:2\r\n").is_err());
    }

    #[test]
    fn build_for_sdp() {
        let sdp = offer();
        let mut fragment = IceFragment::for_sdp(&sdp).unwrap();
        let candidate = Candidate::parse(
            "candidate:2 1 UDP 1694498815 198.51.100.3 45664 typ srflx raddr 192.0.2.1 rport 5000",
        )
        .unwrap();
        fragment.add_candidate("1", &candidate).unwrap();
        fragment.set_end_of_candidates("1").unwrap();
        assert_eq!(
            fragment.to_string(),
            "a=ice-ufrag:8hhY\r\na=ice-pwd:asd88fgpdd777uzjYhagZg\r\nm=audio 9 RTP/AVP 0\r\na=mid:1\r\n\
            a=candidate:2 1 UDP 1694498815 198.51.100.3 45664 typ srflx raddr 192.0.2.1 rport 5000\r\n\
            a=end-of-candidates\r\n"
        );
        assert_eq!(
            fragment.add_candidate("9", &candidate),
            Err(SdpError::UnknownMid("9".into()))
        );
        let no_ice =
            Sdp::parse("v=0\r\no=- 1 2 IN IP4 1.1.1.1\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n").unwrap();
        assert!(IceFragment::for_sdp(&no_ice).is_err());
    }

    #[test]
    fn apply() {
        let mut sdp = offer();
        let fragment = IceFragment::parse(FRAGMENT).unwrap();
        assert_eq!(sdp.apply_ice_fragment(&fragment), Ok(1));
        let media = &sdp.media()[0];
        assert_eq!(media.candidates().count(), 2);
        assert!(media.end_of_candidates());
        // The new candidate goes after the existing one, before end-of-candidates.
        let last_two: Vec<String> = media.lines()[media.lines().len() - 2..]
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            last_two,
            [
                "a=candidate:2 1 UDP 1694498815 198.51.100.3 45664 typ srflx raddr 192.0.2.1 rport 5000",
                "a=end-of-candidates"
            ]
        );
        // Applying again adds nothing.
        assert_eq!(sdp.apply_ice_fragment(&fragment), Ok(0));
        assert_eq!(Sdp::parse(&sdp.to_string()).unwrap(), sdp);
    }

    #[test]
    fn apply_errors_change_nothing() {
        let mut sdp = offer();
        let before = sdp.clone();
        let other_generation = IceFragment::parse(&FRAGMENT.replace("8hhY", "zzzz")).unwrap();
        assert_eq!(
            sdp.apply_ice_fragment(&other_generation),
            Err(SdpError::IceMismatch)
        );
        let unknown_mid = IceFragment::parse(&FRAGMENT.replace("mid:1", "mid:7")).unwrap();
        assert_eq!(
            sdp.apply_ice_fragment(&unknown_mid),
            Err(SdpError::UnknownMid("7".into()))
        );
        assert_eq!(sdp, before);
    }

    #[test]
    fn add_candidate_by_mid() {
        let mut sdp = offer();
        let candidate = Candidate::parse(
            "3 1 UDP 100 203.0.113.9 6000 typ relay raddr 198.51.100.3 rport 45664",
        )
        .unwrap();
        sdp.add_candidate("2", &candidate).unwrap();
        assert_eq!(sdp.media()[1].candidates().next(), Some(candidate.clone()));
        assert_eq!(
            sdp.add_candidate("3", &candidate),
            Err(SdpError::UnknownMid("3".into()))
        );
    }
}
