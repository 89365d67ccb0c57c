//! `a=msid`: the media stream and track a media section belongs to (RFC 8830 §2).

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::grammar::is_token_char;

const WHAT: &str = "a=msid";

/// `a=msid:<msid-id> [<msid-appdata>]` (RFC 8830 §2). Chrome writes `-` as the stream
/// id when a track has no stream; Firefox wraps ids in braces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msid<'a> {
    /// The stream id.
    pub id: &'a str,
    /// The application data: the track id for WebRTC (RFC 8829 §5.2.1).
    pub appdata: Option<&'a str>,
}

/// `1*64token-char` (RFC 8830 §2).
fn is_msid_part(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(is_token_char)
}

impl<'a> Msid<'a> {
    /// Parses an `a=msid` value (after `msid:`).
    pub fn parse(value: &'a str) -> Result<Msid<'a>, SdpError> {
        let (id, appdata) = match value.split_once(' ') {
            Some((id, appdata)) => (id, Some(appdata)),
            None => (value, None),
        };
        if !is_msid_part(id) {
            return Err(invalid(WHAT, "bad stream id"));
        }
        if let Some(appdata) = appdata {
            if !is_msid_part(appdata) {
                return Err(invalid(WHAT, "bad application data"));
            }
        }
        Ok(Msid { id, appdata })
    }
}

impl fmt::Display for Msid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)?;
        if let Some(appdata) = self.appdata {
            f.write_str(" ")?;
            f.write_str(appdata)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for value in [
            "- 96260768-0bcc-40ac-ade0-9d89c4f1514d",
            "140ad551-512d-4ebe-8fad-04f60ccd1caf 96260768-0bcc-40ac-ade0-9d89c4f1514d",
            "{18cf902d-9bf4-4a39-9eb3-f0b52627116e} {bba8b1ff-0be8-4b63-b0f2-8a7c128a023b}",
            "stream",
        ] {
            assert_eq!(Msid::parse(value).unwrap().to_string(), value);
        }
        let msid = Msid::parse("- track").unwrap();
        assert_eq!((msid.id, msid.appdata), ("-", Some("track")));
    }

    #[test]
    fn errors() {
        assert!(Msid::parse("").is_err());
        assert!(Msid::parse("a b c").is_err());
        assert!(Msid::parse("a ").is_err());
        assert!(Msid::parse(&"x".repeat(65)).is_err());
    }
}
