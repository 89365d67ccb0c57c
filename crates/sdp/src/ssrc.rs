//! `a=ssrc`: per-source attributes (RFC 5576 §4.1).

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::grammar::{decimal, is_token};

const WHAT: &str = "a=ssrc";

/// `a=ssrc:<ssrc-id> <attribute>[:<value>]` (RFC 5576 §4.1), e.g.
/// `a=ssrc:2962455826 cname:QCVZMO/hYO4WHDB0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ssrc<'a> {
    /// The synchronization source id.
    pub id: u32,
    /// The source attribute name, e.g. `cname` or `msid`.
    pub attribute: &'a str,
    /// The source attribute value, if any.
    pub value: Option<&'a str>,
}

impl<'a> Ssrc<'a> {
    /// Parses an `a=ssrc` value (after `ssrc:`).
    pub fn parse(value: &'a str) -> Result<Ssrc<'a>, SdpError> {
        let (id, attribute) = value
            .split_once(' ')
            .ok_or(invalid(WHAT, "missing source attribute"))?;
        let id = decimal::<u32>(id).ok_or(invalid(WHAT, "bad ssrc id"))?;
        let (attribute, value) = match attribute.split_once(':') {
            Some((name, value)) => (name, Some(value)),
            None => (attribute, None),
        };
        if !is_token(attribute) {
            return Err(invalid(WHAT, "bad source attribute"));
        }
        Ok(Ssrc {
            id,
            attribute,
            value,
        })
    }
}

impl fmt::Display for Ssrc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.id, self.attribute)?;
        if let Some(value) = self.value {
            f.write_str(":")?;
            f.write_str(value)?;
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
            "2962455826 cname:QCVZMO/hYO4WHDB0",
            "2962455826 msid:140ad551-512d-4ebe-8fad-04f60ccd1caf 96260768-0bcc",
            "1687021030 cname:{38825e36-5f4f-4afe-a964-e58794b216e5}",
            "4294967295 flag",
        ] {
            assert_eq!(Ssrc::parse(value).unwrap().to_string(), value);
        }
        let ssrc = Ssrc::parse("2962455826 cname:QCVZMO/hYO4WHDB0").unwrap();
        assert_eq!(ssrc.id, 2962455826);
        assert_eq!(ssrc.attribute, "cname");
        assert_eq!(ssrc.value, Some("QCVZMO/hYO4WHDB0"));
    }

    #[test]
    fn errors() {
        assert!(Ssrc::parse("").is_err());
        assert!(Ssrc::parse("123").is_err());
        assert!(Ssrc::parse("4294967296 cname:x").is_err());
        assert!(Ssrc::parse("x cname:x").is_err());
        assert!(Ssrc::parse("123 :x").is_err());
        assert!(Ssrc::parse("123  cname:x").is_err());
    }
}
