//! `a=fmtp` (RFC 8866 §6.15).

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::grammar::is_token;

const WHAT: &str = "a=fmtp";

/// `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15). The parameters
/// are codec-defined; most codecs write `key=value` pairs split by `;`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fmtp<'a> {
    /// The format (payload type) the parameters apply to.
    pub format: &'a str,
    /// The parameters, as written.
    pub parameters: &'a str,
}

impl<'a> Fmtp<'a> {
    /// Parses an `a=fmtp` value (after `fmtp:`).
    pub fn parse(value: &'a str) -> Result<Fmtp<'a>, SdpError> {
        let (format, parameters) = value
            .split_once(' ')
            .ok_or(invalid(WHAT, "missing parameters"))?;
        if !is_token(format) {
            return Err(invalid(WHAT, "bad format"));
        }
        if parameters.is_empty() {
            return Err(invalid(WHAT, "missing parameters"));
        }
        Ok(Fmtp { format, parameters })
    }

    /// The `;`-separated `key=value` parameters, trimmed; a parameter without `=`
    /// (e.g. the RFC 4733 event list `0-15`, or RED's `111/111`) has no value.
    pub fn params(&self) -> impl Iterator<Item = (&'a str, Option<&'a str>)> {
        self.parameters
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((key, value)) => (key.trim(), Some(value.trim())),
                None => (p, None),
            })
    }

    /// The value of one `key=value` parameter.
    pub fn param(&self, key: &str) -> Option<&'a str> {
        self.params()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, v)| v)
    }
}

impl fmt::Display for Fmtp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.format)?;
        f.write_str(" ")?;
        f.write_str(self.parameters)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for value in [
            "111 minptime=10;useinbandfec=1",
            "63 111/111",
            "126 0-15",
            "109 maxplaybackrate=48000;stereo=1;useinbandfec=1",
        ] {
            assert_eq!(Fmtp::parse(value).unwrap().to_string(), value);
        }
    }

    #[test]
    fn params() {
        let fmtp = Fmtp::parse("111 minptime=10; useinbandfec=1").unwrap();
        assert_eq!(fmtp.format, "111");
        assert_eq!(
            fmtp.params().collect::<Vec<_>>(),
            [("minptime", Some("10")), ("useinbandfec", Some("1"))]
        );
        assert_eq!(fmtp.param("useinbandfec"), Some("1"));
        assert_eq!(fmtp.param("stereo"), None);
        let events = Fmtp::parse("101 0-16").unwrap();
        assert_eq!(events.params().collect::<Vec<_>>(), [("0-16", None)]);
    }

    #[test]
    fn errors() {
        assert!(Fmtp::parse("111").is_err());
        assert!(Fmtp::parse("111 ").is_err());
        assert!(Fmtp::parse(" minptime=10").is_err());
        assert!(Fmtp::parse("").is_err());
    }
}
