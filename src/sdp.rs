//! Reading SDP (RFC 8866) line by line: the few facts the media layer needs from a description
//! the browser made or will check itself — candidates, ICE credentials, media sections and
//! their directions. No typed model: parsing and printing whole descriptions would cost the
//! download several kilobytes for values the browser validates anyway.

/// The lines of `sdp`, without their line ends (RFC 8866 §5: CRLF, LF tolerated).
pub fn lines(sdp: &str) -> impl Iterator<Item = &str> {
    sdp.lines().map(|line| line.trim_end_matches('\r'))
}

/// The attribute values of `lines` (`a=...` without the `a=`).
pub fn attributes<'a>(lines: impl IntoIterator<Item = &'a str>) -> impl Iterator<Item = &'a str> {
    lines.into_iter().filter_map(|line| line.strip_prefix("a="))
}

/// The value of the first `a=name:value` in `lines`.
pub fn attribute<'a>(lines: impl IntoIterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    attributes(lines).find_map(|a| a.strip_prefix(name)?.strip_prefix(':'))
}

/// One media description: its `m=` line and the lines after it, up to the next `m=`.
pub struct Section<'a> {
    pub lines: Vec<&'a str>,
}

impl<'a> Section<'a> {
    /// The `m=` line, without `m=`.
    pub fn media(&self) -> &'a str {
        self.lines
            .first()
            .and_then(|m| m.strip_prefix("m="))
            .unwrap_or_default()
    }

    /// Whether the section is in use: a port other than 0, or `a=bundle-only` (RFC 8843
    /// §6: a bundled section may carry port 0 and still be active).
    pub fn is_active(&self) -> bool {
        self.media().split(' ').nth(1) != Some("0")
            || attributes(self.lines.iter().copied()).any(|a| a == "bundle-only")
    }

    /// The value of `a=name:value` in this section.
    pub fn attribute(&self, name: &str) -> Option<&'a str> {
        attribute(self.lines.iter().copied(), name)
    }

    /// The first of `names` present as a flag attribute (`a=sendonly`).
    pub fn flag(&self, names: &[&'static str]) -> Option<&'static str> {
        attributes(self.lines.iter().copied()).find_map(|a| names.iter().copied().find(|n| *n == a))
    }
}

/// The session-level lines and the media sections of `sdp`.
pub fn sections(sdp: &str) -> (Section<'_>, Vec<Section<'_>>) {
    let mut session = Section { lines: Vec::new() };
    let mut media: Vec<Section> = Vec::new();
    for line in lines(sdp) {
        if line.starts_with("m=") {
            media.push(Section { lines: Vec::new() });
        }
        match media.last_mut() {
            Some(section) => section.lines.push(line),
            None => session.lines.push(line),
        }
    }
    (session, media)
}

/// The `candidate:...` values of every `a=candidate` line in `sdp` (RFC 8839 §5.1).
pub fn candidates(sdp: &str) -> impl Iterator<Item = &str> {
    attributes(lines(sdp)).filter(|value| value.starts_with("candidate:"))
}

/// The first `a=ice-ufrag` in `sdp` (RFC 8839 §5.4): with bundle, the one ICE generation in
/// use. A new value means an ICE restart.
pub fn ice_ufrag(sdp: &str) -> Option<&str> {
    attribute(lines(sdp), "ice-ufrag")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDP: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-ufrag:sess\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendonly\r\na=candidate:1 1 udp 1 192.0.2.1 9 typ host\r\n\
m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n";

    #[test]
    fn splits_session_and_media_sections() {
        let (session, media) = sections(SDP);
        assert_eq!(session.lines.len(), 5);
        assert_eq!(media.len(), 2);
        assert_eq!(media[0].media(), "audio 9 UDP/TLS/RTP/SAVPF 111");
        assert!(media[0].is_active());
        assert!(!media[1].is_active());
        assert_eq!(media[1].attribute("mid"), Some("1"));
        assert_eq!(media[0].flag(&["sendrecv", "sendonly"]), Some("sendonly"));
        assert_eq!(media[1].flag(&["sendrecv", "sendonly"]), None);
    }

    #[test]
    fn reads_attributes_candidates_and_the_ufrag() {
        assert_eq!(ice_ufrag(SDP), Some("sess"));
        assert_eq!(ice_ufrag("v=0\n"), None);
        let found: Vec<&str> = candidates(SDP).collect();
        assert_eq!(found, ["candidate:1 1 udp 1 192.0.2.1 9 typ host"]);
        // Bare LF line ends read the same.
        assert_eq!(ice_ufrag("v=0\na=ice-ufrag:lf\n"), Some("lf"));
    }
}
