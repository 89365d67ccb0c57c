//! Attribute lines `a=<name>[:<value>]` (RFC 8866 §5.13) and the grammar checks of the
//! attributes this crate types.

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::grammar::{is_ice_string, is_token};
use crate::{Candidate, Direction, Fingerprint, Fmtp, Group, Msid, RtpMap, Setup, Ssrc};

/// One attribute: `a=<name>` (a flag) or `a=<name>:<value>` (RFC 8866 §5.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// The attribute name, a token; compared case-sensitively.
    pub name: &'a str,
    /// The value after the first `:`, if any.
    pub value: Option<&'a str>,
}

impl<'a> Attribute<'a> {
    /// Splits the text after `a=` into name and value and checks the grammar of the
    /// attributes this crate types (`rtpmap`, `fmtp`, `candidate`, ...). Unknown
    /// attributes only need a token name.
    pub fn parse(text: &'a str) -> Result<Attribute<'a>, SdpError> {
        let (name, value) = match text.split_once(':') {
            Some((name, value)) => (name, Some(value)),
            None => (text, None),
        };
        if !is_token(name) {
            return Err(invalid("a= line", "attribute name is not a token"));
        }
        let attribute = Attribute { name, value };
        attribute.check()?;
        Ok(attribute)
    }

    /// The direction this attribute sets, if it is one of the four (RFC 3264 §5.1).
    pub fn direction(&self) -> Option<Direction> {
        Direction::from_attribute_name(self.name).filter(|_| self.value.is_none())
    }

    fn check(&self) -> Result<(), SdpError> {
        let what = match self.name {
            "sendrecv" | "sendonly" | "recvonly" | "inactive" | "rtcp-mux"
            | "end-of-candidates" | "bundle-only" => {
                // Property attributes carry no value (RFC 8866 §5.13).
                return match self.value {
                    None => Ok(()),
                    Some(_) => Err(invalid("flag attribute", "unexpected value")),
                };
            }
            "rtpmap" => "a=rtpmap",
            "fmtp" => "a=fmtp",
            "mid" => "a=mid",
            "ice-ufrag" => "a=ice-ufrag",
            "ice-pwd" => "a=ice-pwd",
            "fingerprint" => "a=fingerprint",
            "setup" => "a=setup",
            "candidate" => "a=candidate",
            "group" => "a=group",
            "msid" => "a=msid",
            "ssrc" => "a=ssrc",
            _ => return Ok(()),
        };
        let value = self.value.ok_or(invalid(what, "missing value"))?;
        match self.name {
            "rtpmap" => RtpMap::parse(value).map(drop),
            "fmtp" => Fmtp::parse(value).map(drop),
            // identification-tag = token (RFC 5888 §4).
            "mid" if !is_token(value) => Err(invalid(what, "not a token")),
            // 1*ice-char (RFC 8839 §5.4).
            "ice-ufrag" | "ice-pwd" if !is_ice_string(value) => {
                Err(invalid(what, "not made of ice-char"))
            }
            "fingerprint" => Fingerprint::parse(value).map(drop),
            "setup" => Setup::parse(value).map(drop),
            "candidate" => Candidate::parse(value).map(drop),
            "group" => Group::parse(value).map(drop),
            "msid" => Msid::parse(value).map(drop),
            "ssrc" => Ssrc::parse(value).map(drop),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Attribute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)?;
        if let Some(value) = self.value {
            f.write_str(":")?;
            f.write_str(value)?;
        }
        Ok(())
    }
}

/// Tracks the attributes that may appear at most once in one scope (session or one
/// media section): a second one would leave the reader guessing which counts.
/// RFC 3264 §5.1 (one direction), RFC 5888 §4 (one mid), RFC 8839 §5.4 (one
/// ufrag and pwd), RFC 4145 §4 (one setup).
#[derive(Debug, Default)]
pub(crate) struct SingleUse {
    seen: [bool; 5],
}

impl SingleUse {
    /// Records one attribute of the scope; fails on the second of a kind.
    pub(crate) fn note(&mut self, attribute: &Attribute<'_>) -> Result<(), SdpError> {
        let (slot, reason) = match attribute.name {
            _ if attribute.direction().is_some() => (0, "more than one direction attribute"),
            "mid" => (1, "more than one a=mid"),
            "ice-ufrag" => (2, "more than one a=ice-ufrag"),
            "ice-pwd" => (3, "more than one a=ice-pwd"),
            "setup" => (4, "more than one a=setup"),
            _ => return Ok(()),
        };
        if std::mem::replace(&mut self.seen[slot], true) {
            return Err(invalid("attribute", reason));
        }
        Ok(())
    }
}

/// Checks a whole scope with [`SingleUse`].
pub(crate) fn check_single_use<'a>(
    mut attributes: impl Iterator<Item = Attribute<'a>>,
) -> Result<(), SdpError> {
    let mut single = SingleUse::default();
    attributes.try_for_each(|a| single.note(&a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for text in [
            "rtcp-mux",
            "sendrecv",
            "mid:0",
            "msid-semantic: WMS",
            "extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "ice-ufrag:5DH+",
            "ice-pwd:coLPjdqH9norYQpnPyFS4JP9",
            "setup:actpass",
            "group:BUNDLE 0",
            "end-of-candidates",
            "x-unknown:anything at all: even colons",
        ] {
            assert_eq!(Attribute::parse(text).unwrap().to_string(), text);
        }
        let a = Attribute::parse("rtpmap:0 PCMU/8000").unwrap();
        assert_eq!((a.name, a.value), ("rtpmap", Some("0 PCMU/8000")));
    }

    #[test]
    fn directions() {
        assert_eq!(
            Attribute::parse("sendonly").unwrap().direction(),
            Some(Direction::SendOnly)
        );
        assert_eq!(Attribute::parse("rtcp-mux").unwrap().direction(), None);
    }

    #[test]
    fn errors() {
        for text in [
            "",
            ":value",
            "bad name:value",
            "sendrecv:now",
            "rtcp-mux:1",
            "rtpmap",
            "rtpmap:x",
            "mid:a b",
            "mid:",
            "ice-ufrag:a-b",
            "ice-pwd:",
            "setup:sideways",
            "fingerprint:sha-256",
            "candidate:1",
            "group:",
            "msid:",
            "ssrc:1",
            "fmtp:111",
        ] {
            assert!(Attribute::parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn single_use() {
        let parse = |texts: &[&'static str]| {
            check_single_use(texts.iter().map(|t| Attribute::parse(t).unwrap()))
        };
        assert!(parse(&[
            "sendonly",
            "mid:0",
            "ice-ufrag:abcd",
            "ice-pwd:abcd",
            "setup:active"
        ])
        .is_ok());
        assert!(parse(&["sendonly", "recvonly"]).is_err());
        assert!(parse(&["sendonly", "sendonly"]).is_err());
        assert!(parse(&["mid:0", "mid:1"]).is_err());
        assert!(parse(&["ice-ufrag:abcd", "ice-ufrag:efgh"]).is_err());
        assert!(parse(&["ice-pwd:abcd", "ice-pwd:efgh"]).is_err());
        assert!(parse(&["setup:active", "setup:passive"]).is_err());
        assert!(parse(&["rtcp-mux", "rtcp-mux"]).is_ok());
    }
}
