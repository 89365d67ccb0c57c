//! A whole session description: the head (`v=`, `o=`, `s=`), the session-level lines
//! and the media sections (RFC 8866 §5).

use std::fmt;

use crate::attribute::check_single_use;
use crate::body::{parse_body, split_lines, split_type};
use crate::error::SdpError;
use crate::{
    Attribute, Connection, Direction, Fingerprint, Group, Line, MediaSection, Origin, Timing,
};

/// A parsed session description.
///
/// Every line is kept in order with its text, so `Sdp::parse(x)?.to_string() == x` for
/// any well-formed `x` written with CRLF line ends. Typed accessors read the lines on
/// demand; the lines they read were checked by [`Sdp::parse`], so they do not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdp {
    origin: Origin,
    session_name: String,
    lines: Vec<Line>,
    media: Vec<MediaSection>,
}

impl Sdp {
    /// Parses a session description.
    ///
    /// RFC 8866 §5 fixes the head: `v=0`, then `o=`, then `s=`. After it, any line
    /// type is accepted and kept; `c=`, `t=`, `m=` and the typed attributes must
    /// follow their grammar, and a scope may not repeat a direction, `a=mid`,
    /// `a=ice-ufrag`, `a=ice-pwd` or `a=setup`.
    pub fn parse(text: &str) -> Result<Sdp, SdpError> {
        let lines = split_lines(text)?;
        let mut rest = lines.iter();
        match rest.next() {
            Some((_, "v=0")) => {}
            _ => return Err(SdpError::Version),
        }
        let (number, text) = rest.next().ok_or(SdpError::Missing('o'))?;
        let origin = match split_type(*number, text)? {
            ('o', value) => Origin::parse(value).map_err(|e| e.at_line(*number))?,
            _ => return Err(SdpError::Missing('o')),
        };
        let (number, text) = rest.next().ok_or(SdpError::Missing('s'))?;
        let session_name = match split_type(*number, text)? {
            ('s', value) => value.to_owned(),
            _ => return Err(SdpError::Missing('s')),
        };
        let (lines, media) = parse_body(rest)?;
        Ok(Sdp {
            origin,
            session_name,
            lines,
            media,
        })
    }

    /// The `o=` line.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The `o=` line, to bump its version (RFC 3264 §8).
    pub fn origin_mut(&mut self) -> &mut Origin {
        &mut self.origin
    }

    /// The `s=` text, `-` for browsers.
    pub fn session_name(&self) -> &str {
        &self.session_name
    }

    /// The session-level lines between `s=` and the first `m=`, in order.
    pub fn session_lines(&self) -> &[Line] {
        &self.lines
    }

    /// Appends a session-level line; fails if it repeats an attribute that may appear
    /// only once.
    pub fn push_session_line(&mut self, line: Line) -> Result<(), SdpError> {
        check_single_use(
            self.lines
                .iter()
                .chain(std::iter::once(&line))
                .filter_map(Line::as_attribute),
        )?;
        self.lines.push(line);
        Ok(())
    }

    /// Removes the session-level lines for which `keep` returns false.
    pub fn retain_session_lines(&mut self, keep: impl FnMut(&Line) -> bool) {
        self.lines.retain(keep);
    }

    /// The session-level attributes, in order.
    pub fn session_attributes(&self) -> impl Iterator<Item = Attribute<'_>> {
        self.lines.iter().filter_map(Line::as_attribute)
    }

    /// The value of the first session-level attribute called `name`.
    pub fn session_attribute(&self, name: &str) -> Option<&str> {
        self.session_attributes()
            .find(|a| a.name == name)
            .and_then(|a| a.value)
    }

    /// The session-level `c=` line (RFC 8866 §5.7).
    pub fn connection(&self) -> Option<Connection<'_>> {
        self.lines
            .iter()
            .find(|l| l.kind() == 'c')
            .and_then(|l| Connection::parse(l.value()).ok())
    }

    /// The first `t=` line (RFC 8866 §5.9).
    pub fn timing(&self) -> Option<Timing> {
        self.lines
            .iter()
            .find(|l| l.kind() == 't')
            .and_then(|l| Timing::parse(l.value()).ok())
    }

    /// `a=group` lines, e.g. `BUNDLE` (RFC 5888 §5, RFC 8843).
    pub fn groups(&self) -> impl Iterator<Item = Group<'_>> {
        self.session_attributes()
            .filter(|a| a.name == "group")
            .filter_map(|a| a.value)
            .filter_map(|v| Group::parse(v).ok())
    }

    /// Session-level `a=fingerprint` lines (Firefox writes them here; RFC 8122 §5).
    pub fn fingerprints(&self) -> impl Iterator<Item = Fingerprint<'_>> {
        self.session_attributes()
            .filter(|a| a.name == "fingerprint")
            .filter_map(|a| a.value)
            .filter_map(|v| Fingerprint::parse(v).ok())
    }

    /// The media sections, in order.
    pub fn media(&self) -> &[MediaSection] {
        &self.media
    }

    /// The media sections, to edit them.
    pub fn media_mut(&mut self) -> &mut [MediaSection] {
        &mut self.media
    }

    /// Appends a media section.
    pub fn push_media(&mut self, media: MediaSection) {
        self.media.push(media);
    }

    /// The media section with this `a=mid` (RFC 5888 §4).
    pub fn media_by_mid(&self, mid: &str) -> Option<&MediaSection> {
        self.media.iter().find(|m| m.mid() == Some(mid))
    }

    /// The media section with this `a=mid`, to edit it.
    pub fn media_by_mid_mut(&mut self, mid: &str) -> Option<&mut MediaSection> {
        self.media.iter_mut().find(|m| m.mid() == Some(mid))
    }

    /// The session-level direction attribute, the default for every media section
    /// (RFC 8866 §6.7).
    pub fn session_direction(&self) -> Option<Direction> {
        self.session_attributes().find_map(|a| a.direction())
    }

    /// The direction of media section `index`: its own attribute, else the session
    /// one, else `sendrecv` (RFC 8866 §6.7, RFC 3264 §5.1). `None` if there is no such
    /// section.
    pub fn direction(&self, index: usize) -> Option<Direction> {
        let media = self.media.get(index)?;
        Some(
            media
                .direction()
                .or_else(|| self.session_direction())
                .unwrap_or(Direction::SendRecv),
        )
    }

    /// Sets the direction of every media section and drops the session-level
    /// direction, so each section says what it means.
    pub fn set_direction(&mut self, direction: Direction) {
        self.lines
            .retain(|l| l.as_attribute().and_then(|a| a.direction()).is_none());
        for media in &mut self.media {
            media.set_direction(direction);
        }
    }

    /// The ICE credentials that apply to media section `index`: its own
    /// `a=ice-ufrag`/`a=ice-pwd`, else the session ones (RFC 8839 §5.4).
    pub fn ice_credentials(&self, index: usize) -> Option<(&str, &str)> {
        let media = self.media.get(index)?;
        let ufrag = media
            .ice_ufrag()
            .or_else(|| self.session_attribute("ice-ufrag"))?;
        let pwd = media
            .ice_pwd()
            .or_else(|| self.session_attribute("ice-pwd"))?;
        Some((ufrag, pwd))
    }
}

impl fmt::Display for Sdp {
    /// The description as it goes on the wire: every line ends with CRLF.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v=0\r\no={}\r\ns=", self.origin)?;
        f.write_str(&self.session_name)?;
        f.write_str("\r\n")?;
        for line in &self.lines {
            write!(f, "{line}\r\n")?;
        }
        for media in &self.media {
            write!(f, "{media}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
        m=audio 49170 RTP/AVP 0 101\r\nc=IN IP4 192.0.2.1\r\na=rtpmap:101 telephone-event/8000\r\n";

    #[test]
    fn round_trip() {
        let sdp = Sdp::parse(MINIMAL).unwrap();
        assert_eq!(sdp.to_string(), MINIMAL);
        assert_eq!(sdp.origin().session_version(), "2");
        assert_eq!(sdp.session_name(), "-");
        assert_eq!(sdp.timing(), Some(Timing { start: 0, stop: 0 }));
        assert_eq!(sdp.media().len(), 1);
        assert_eq!(sdp.media()[0].port(), 49170);
        assert_eq!(sdp.media()[0].connection().unwrap().address, "192.0.2.1");
        assert!(sdp.connection().is_none());
    }

    #[test]
    fn bare_lf_is_read_and_printed_with_crlf() {
        let lf = MINIMAL.replace("\r\n", "\n");
        let sdp = Sdp::parse(&lf).unwrap();
        assert_eq!(sdp.to_string(), MINIMAL);
    }

    #[test]
    fn unknown_lines_are_kept() {
        let text = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\ni=info\r\nu=http://x\r\n\
            e=a@b\r\nb=AS:64\r\nz=0 0\r\nk=clear:x\r\nt=0 0\r\nr=7d 1h 0 25h\r\n\
            a=x-custom:any thing\r\nm=audio 0 RTP/AVP 0\r\nb=TIAS:64000\r\ny=unknown\r\n";
        assert_eq!(Sdp::parse(text).unwrap().to_string(), text);
    }

    #[test]
    fn head_errors() {
        assert_eq!(Sdp::parse(""), Err(SdpError::Empty));
        assert_eq!(Sdp::parse("v=1\r\n"), Err(SdpError::Version));
        assert_eq!(
            Sdp::parse("o=- 1 2 IN IP4 1.1.1.1\r\n"),
            Err(SdpError::Version)
        );
        assert_eq!(Sdp::parse("v=0\r\n"), Err(SdpError::Missing('o')));
        assert_eq!(Sdp::parse("v=0\r\ns=-\r\n"), Err(SdpError::Missing('o')));
        assert_eq!(
            Sdp::parse("v=0\r\no=- 1 2 IN IP4 1.1.1.1\r\n"),
            Err(SdpError::Missing('s'))
        );
        assert_eq!(
            Sdp::parse("v=0\r\no=- 1 2 IN IP4 1.1.1.1\r\nt=0 0\r\n"),
            Err(SdpError::Missing('s'))
        );
        assert!(matches!(
            Sdp::parse("v=0\r\no=- x 2 IN IP4 1.1.1.1\r\ns=-\r\n"),
            Err(SdpError::InvalidLine { line: 2, .. })
        ));
    }

    #[test]
    fn body_errors() {
        let head = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n";
        let cases = [
            ("s=again\r\n", SdpError::Misplaced { line: 4, kind: 's' }),
            ("v=0\r\n", SdpError::Misplaced { line: 4, kind: 'v' }),
            ("garbage\r\n", SdpError::Syntax { line: 4 }),
            (
                "t=0 0\r\n\r\nm=audio 9 RTP/AVP 0\r\n",
                SdpError::EmptyLine { line: 5 },
            ),
        ];
        for (body, error) in cases {
            assert_eq!(Sdp::parse(&format!("{head}{body}")), Err(error), "{body:?}");
        }
        for body in [
            "c=IN IP4\r\n",
            "t=zero\r\n",
            "m=audio RTP/AVP 0\r\n",
            "m=audio 9 RTP/AVP 0\r\na=rtpmap:0\r\n",
            "m=audio 9 RTP/AVP 0\r\na=sendonly\r\na=inactive\r\n",
            "m=audio 9 RTP/AVP 0\r\na=mid:0\r\na=mid:1\r\n",
            "a=setup:active\r\na=setup:passive\r\n",
        ] {
            assert!(
                matches!(
                    Sdp::parse(&format!("{head}{body}")),
                    Err(SdpError::InvalidLine { .. })
                ),
                "{body:?}"
            );
        }
    }

    #[test]
    fn single_use_is_per_scope() {
        let text = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\na=sendrecv\r\n\
            m=audio 9 RTP/AVP 0\r\na=sendonly\r\na=mid:0\r\nm=audio 9 RTP/AVP 0\r\na=mid:1\r\na=inactive\r\n";
        let sdp = Sdp::parse(text).unwrap();
        assert_eq!(sdp.session_direction(), Some(Direction::SendRecv));
        assert_eq!(sdp.direction(0), Some(Direction::SendOnly));
        assert_eq!(sdp.direction(1), Some(Direction::Inactive));
        assert_eq!(sdp.direction(2), None);
    }

    #[test]
    fn session_direction_is_the_default() {
        let text = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\na=sendonly\r\n\
            m=audio 9 RTP/AVP 0\r\nm=audio 9 RTP/AVP 0\r\na=recvonly\r\n";
        let sdp = Sdp::parse(text).unwrap();
        assert_eq!(sdp.direction(0), Some(Direction::SendOnly));
        assert_eq!(sdp.direction(1), Some(Direction::RecvOnly));
        let text = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n";
        assert_eq!(
            Sdp::parse(text).unwrap().direction(0),
            Some(Direction::SendRecv)
        );
    }

    #[test]
    fn set_direction_replaces_in_place() {
        let text = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\na=sendrecv\r\n\
            m=audio 9 RTP/AVP 0\r\na=sendrecv\r\na=rtcp-mux\r\nm=video 9 RTP/AVP 96\r\n";
        let mut sdp = Sdp::parse(text).unwrap();
        sdp.set_direction(Direction::SendOnly);
        assert_eq!(
            sdp.to_string(),
            "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n\
            m=audio 9 RTP/AVP 0\r\na=sendonly\r\na=rtcp-mux\r\nm=video 9 RTP/AVP 96\r\na=sendonly\r\n"
        );
        assert_eq!(sdp.direction(1), Some(Direction::SendOnly));
    }

    #[test]
    fn edits_keep_single_use() {
        let mut sdp = Sdp::parse(MINIMAL).unwrap();
        sdp.push_session_line(Line::attribute("ice-ufrag", Some("abcd")).unwrap())
            .unwrap();
        assert!(sdp
            .push_session_line(Line::attribute("ice-ufrag", Some("efgh")).unwrap())
            .is_err());
        let media = &mut sdp.media_mut()[0];
        media
            .push_line(Line::attribute("mid", Some("0")).unwrap())
            .unwrap();
        assert!(media
            .push_line(Line::attribute("mid", Some("1")).unwrap())
            .is_err());
        assert_eq!(sdp.media_by_mid("0").map(MediaSection::port), Some(49170));
        assert!(sdp.media_by_mid("1").is_none());
        assert_eq!(sdp.ice_credentials(0), None);
        sdp.push_session_line(Line::attribute("ice-pwd", Some("pwd0")).unwrap())
            .unwrap();
        assert_eq!(sdp.ice_credentials(0), Some(("abcd", "pwd0")));
        let printed = sdp.to_string();
        assert_eq!(Sdp::parse(&printed).unwrap(), sdp);
    }
}
