//! A media section: an `m=` line and the lines up to the next `m=` (RFC 8866 §5).

use std::fmt;

use crate::attribute::check_single_use;
use crate::error::SdpError;
use crate::{
    Attribute, Candidate, Connection, Direction, Fingerprint, Fmtp, Line, MediaLine, Msid, RtpMap,
    Setup, Ssrc, TelephoneEvent,
};

/// One media section. Lines keep their order and text; typed accessors read them on
/// demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaSection {
    media_line: MediaLine,
    lines: Vec<Line>,
}

impl MediaSection {
    /// A section with only its `m=` line.
    pub fn new(media_line: MediaLine) -> MediaSection {
        MediaSection {
            media_line,
            lines: Vec::new(),
        }
    }

    /// Assembles a section whose lines were checked by the parser.
    pub(crate) fn from_parts(media_line: MediaLine, lines: Vec<Line>) -> MediaSection {
        MediaSection { media_line, lines }
    }

    /// The `m=` line.
    pub fn media_line(&self) -> &MediaLine {
        &self.media_line
    }

    /// The `m=` line, to change its port.
    pub fn media_line_mut(&mut self) -> &mut MediaLine {
        &mut self.media_line
    }

    /// The media type: `audio`, `video`, `application`, ...
    pub fn kind(&self) -> &str {
        self.media_line.kind()
    }

    /// The `m=` port.
    pub fn port(&self) -> u16 {
        self.media_line.port()
    }

    /// Whether the stream is rejected or removed: port 0 (RFC 3264 §6, §8.2), unless
    /// `a=bundle-only` marks a port-0 section that joins a BUNDLE group (RFC 8843 §6).
    pub fn is_rejected(&self) -> bool {
        self.port() == 0 && !self.has_flag("bundle-only")
    }

    /// The lines after the `m=` line, in order.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Appends a line; fails if it repeats an attribute that may appear only once
    /// (a direction, `a=mid`, `a=ice-ufrag`, `a=ice-pwd`, `a=setup`).
    pub fn push_line(&mut self, line: Line) -> Result<(), SdpError> {
        self.insert_line(self.lines.len(), line)
    }

    /// Removes the lines for which `keep` returns false.
    pub fn retain_lines(&mut self, keep: impl FnMut(&Line) -> bool) {
        self.lines.retain(keep);
    }

    fn insert_line(&mut self, index: usize, line: Line) -> Result<(), SdpError> {
        check_single_use(
            self.lines
                .iter()
                .chain(std::iter::once(&line))
                .filter_map(Line::as_attribute),
        )?;
        self.lines.insert(index.min(self.lines.len()), line);
        Ok(())
    }

    /// The attributes, in order.
    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'_>> {
        self.lines.iter().filter_map(Line::as_attribute)
    }

    /// The value of the first attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes()
            .find(|a| a.name == name)
            .and_then(|a| a.value)
    }

    /// Whether the property attribute `name` (one without value) is present.
    pub fn has_flag(&self, name: &str) -> bool {
        self.attributes()
            .any(|a| a.name == name && a.value.is_none())
    }

    /// The section's own direction attribute, if any (RFC 3264 §5.1). See
    /// [`crate::Sdp::direction`] for the direction with the session default applied.
    pub fn direction(&self) -> Option<Direction> {
        self.attributes().find_map(|a| a.direction())
    }

    /// Sets the direction attribute: replaces the existing one in place, or appends one.
    pub fn set_direction(&mut self, direction: Direction) {
        let line = Line::flag(direction.as_str());
        match self
            .lines
            .iter_mut()
            .find(|l| l.as_attribute().and_then(|a| a.direction()).is_some())
        {
            Some(existing) => *existing = line,
            None => self.lines.push(line),
        }
    }

    /// `a=mid` (RFC 5888 §4).
    pub fn mid(&self) -> Option<&str> {
        self.attribute("mid")
    }

    /// The section's `c=` line, if it has one (RFC 8866 §5.7).
    pub fn connection(&self) -> Option<Connection<'_>> {
        self.lines
            .iter()
            .find(|l| l.kind() == 'c')
            .and_then(|l| Connection::parse(l.value()).ok())
    }

    /// `a=rtpmap` attributes, in order (RFC 8866 §6.6).
    pub fn rtpmaps(&self) -> impl Iterator<Item = RtpMap<'_>> {
        self.values("rtpmap").filter_map(|v| RtpMap::parse(v).ok())
    }

    /// The `a=rtpmap` of one payload type.
    pub fn rtpmap(&self, payload_type: u8) -> Option<RtpMap<'_>> {
        self.rtpmaps().find(|r| r.payload_type == payload_type)
    }

    /// `a=fmtp` attributes, in order (RFC 8866 §6.15).
    pub fn fmtps(&self) -> impl Iterator<Item = Fmtp<'_>> {
        self.values("fmtp").filter_map(|v| Fmtp::parse(v).ok())
    }

    /// The `a=fmtp` of one format.
    pub fn fmtp(&self, format: &str) -> Option<Fmtp<'_>> {
        self.fmtps().find(|f| f.format == format)
    }

    /// `a=ice-ufrag` of this section (RFC 8839 §5.4).
    pub fn ice_ufrag(&self) -> Option<&str> {
        self.attribute("ice-ufrag")
    }

    /// `a=ice-pwd` of this section (RFC 8839 §5.4).
    pub fn ice_pwd(&self) -> Option<&str> {
        self.attribute("ice-pwd")
    }

    /// `a=fingerprint` attributes (RFC 8122 §5); there may be one per hash function.
    pub fn fingerprints(&self) -> impl Iterator<Item = Fingerprint<'_>> {
        self.values("fingerprint")
            .filter_map(|v| Fingerprint::parse(v).ok())
    }

    /// `a=setup` (RFC 4145 §4).
    pub fn setup(&self) -> Option<Setup> {
        self.attribute("setup").and_then(|v| Setup::parse(v).ok())
    }

    /// Whether `a=rtcp-mux` is present (RFC 5761 §5.1.1).
    pub fn rtcp_mux(&self) -> bool {
        self.has_flag("rtcp-mux")
    }

    /// `a=msid` attributes (RFC 8830 §2).
    pub fn msids(&self) -> impl Iterator<Item = Msid<'_>> {
        self.values("msid").filter_map(|v| Msid::parse(v).ok())
    }

    /// `a=ssrc` attributes (RFC 5576 §4.1).
    pub fn ssrcs(&self) -> impl Iterator<Item = Ssrc<'_>> {
        self.values("ssrc").filter_map(|v| Ssrc::parse(v).ok())
    }

    /// `a=candidate` attributes (RFC 8839 §5.1).
    pub fn candidates(&self) -> impl Iterator<Item = Candidate<'_>> {
        self.values("candidate")
            .filter_map(|v| Candidate::parse(v).ok())
    }

    /// Adds an `a=candidate` line after the last one (or before
    /// `a=end-of-candidates`, or at the end), as trickle ICE does (RFC 8840 §4.4).
    pub fn add_candidate(&mut self, candidate: &Candidate<'_>) -> Result<(), SdpError> {
        let line = Line::attribute("candidate", Some(&candidate.to_string()))?;
        let index = match self
            .lines
            .iter()
            .rposition(|l| is_attribute(l, "candidate"))
        {
            Some(last) => last + 1,
            None => self
                .lines
                .iter()
                .position(|l| is_attribute(l, "end-of-candidates"))
                .unwrap_or(self.lines.len()),
        };
        self.insert_line(index, line)
    }

    /// Whether `a=end-of-candidates` is present (RFC 8840, RFC 8838).
    pub fn end_of_candidates(&self) -> bool {
        self.has_flag("end-of-candidates")
    }

    /// Adds `a=end-of-candidates` unless present (RFC 8840, RFC 8838).
    pub fn set_end_of_candidates(&mut self) {
        if !self.end_of_candidates() {
            self.lines.push(Line::flag("end-of-candidates"));
        }
    }

    /// The `telephone-event` payloads listed in the `m=` line, in preference order
    /// (RFC 4733 §2.5.1.1).
    pub fn telephone_events(&self) -> impl Iterator<Item = TelephoneEvent> + '_ {
        self.media_line.payload_types().filter_map(|pt| {
            self.rtpmap(pt)
                .filter(|r| r.is("telephone-event"))
                .map(|r| TelephoneEvent {
                    payload_type: pt,
                    clock_rate: r.clock_rate,
                })
        })
    }

    fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> {
        self.attributes()
            .filter(move |a| a.name == name)
            .filter_map(|a| a.value)
    }
}

fn is_attribute(line: &Line, name: &str) -> bool {
    line.as_attribute().is_some_and(|a| a.name == name)
}

impl fmt::Display for MediaSection {
    /// The section as it goes on the wire: every line ends with CRLF.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "m={}\r\n", self.media_line)?;
        for line in &self.lines {
            write!(f, "{line}\r\n")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(text: &str) -> MediaSection {
        let sdp = crate::Sdp::parse(&format!(
            "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n{text}"
        ))
        .unwrap();
        sdp.media()[0].clone()
    }

    #[test]
    fn rejected_and_bundle_only() {
        assert!(section("m=audio 0 RTP/AVP 0\r\n").is_rejected());
        assert!(!section("m=audio 0 RTP/AVP 0\r\na=bundle-only\r\n").is_rejected());
        assert!(!section("m=audio 9 RTP/AVP 0\r\n").is_rejected());
        let mut media = section("m=audio 9 RTP/AVP 0\r\n");
        media.media_line_mut().set_port(0);
        assert!(media.is_rejected());
        assert_eq!(media.to_string(), "m=audio 0 RTP/AVP 0\r\n");
    }

    #[test]
    fn candidates_go_after_the_last_one_and_before_the_end() {
        let first = "a=candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host";
        let mut media = section(&format!("m=audio 9 RTP/AVP 0\r\n{first}\r\na=rtcp-mux\r\n"));
        let second = Candidate::parse("2 1 udp 1686052607 198.51.100.1 5000 typ srflx").unwrap();
        media.add_candidate(&second).unwrap();
        assert_eq!(
            media.lines()[1].to_string(),
            format!("a=candidate:{second}")
        );
        let mut media = section("m=audio 9 RTP/AVP 0\r\na=end-of-candidates\r\na=rtcp-mux\r\n");
        media.add_candidate(&second).unwrap();
        assert_eq!(
            media.lines()[0].to_string(),
            format!("a=candidate:{second}")
        );
        media.set_end_of_candidates();
        media.set_end_of_candidates();
        assert_eq!(
            media
                .attributes()
                .filter(|a| a.name == "end-of-candidates")
                .count(),
            1
        );
        let bad = Candidate {
            foundation: "has space",
            ..second
        };
        assert!(media.add_candidate(&bad).is_err());
    }

    #[test]
    fn typed_accessors() {
        let media = section(
            "m=audio 9 RTP/AVP 0 101\r\nc=IN IP4 192.0.2.1\r\na=rtcp-mux\r\na=mid:a1\r\n\
             a=setup:passive\r\na=ice-ufrag:abcd\r\na=ice-pwd:efghijklmnopqrstuvwxyz\r\n\
             a=msid:s t\r\na=ssrc:1 cname:c\r\na=rtpmap:101 telephone-event/8000\r\n\
             a=fmtp:101 0-16\r\na=x-flag\r\n",
        );
        assert!(media.rtcp_mux());
        assert_eq!(media.mid(), Some("a1"));
        assert_eq!(media.setup(), Some(Setup::Passive));
        assert_eq!(media.ice_ufrag(), Some("abcd"));
        assert_eq!(media.ice_pwd(), Some("efghijklmnopqrstuvwxyz"));
        assert_eq!(media.msids().next().map(|m| m.appdata), Some(Some("t")));
        assert_eq!(media.ssrcs().next().map(|s| s.id), Some(1));
        assert_eq!(media.fmtp("101").map(|f| f.parameters), Some("0-16"));
        assert_eq!(media.connection().map(|c| c.address), Some("192.0.2.1"));
        assert!(media.has_flag("x-flag"));
        assert!(!media.has_flag("mid"));
        assert_eq!(media.direction(), None);
        assert_eq!(
            media.telephone_events().collect::<Vec<_>>(),
            [TelephoneEvent {
                payload_type: 101,
                clock_rate: 8000
            }]
        );
        assert_eq!(media.fingerprints().count(), 0);
    }
}
