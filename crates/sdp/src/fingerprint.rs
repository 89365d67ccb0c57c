//! `a=fingerprint` (RFC 8122 §5).

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::grammar::{is_hex_pairs, is_token};

const WHAT: &str = "a=fingerprint";

/// `a=fingerprint:<hash-func> <fingerprint>`: the DTLS certificate hash
/// (RFC 8122 §5), e.g. `sha-256 7B:8B:...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint<'a> {
    /// Hash function name, e.g. `sha-256`.
    pub hash_function: &'a str,
    /// Colon-separated hex bytes, as written.
    pub value: &'a str,
}

impl<'a> Fingerprint<'a> {
    /// Parses an `a=fingerprint` value (after `fingerprint:`).
    pub fn parse(value: &'a str) -> Result<Fingerprint<'a>, SdpError> {
        let (hash_function, value) = value
            .split_once(' ')
            .ok_or(invalid(WHAT, "missing fingerprint"))?;
        if !is_token(hash_function) {
            return Err(invalid(WHAT, "bad hash function"));
        }
        if !is_hex_pairs(value) {
            return Err(invalid(
                WHAT,
                "fingerprint is not colon-separated hex bytes",
            ));
        }
        Ok(Fingerprint {
            hash_function,
            value,
        })
    }
}

impl fmt::Display for Fingerprint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.hash_function)?;
        f.write_str(" ")?;
        f.write_str(self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let value = "sha-256 A6:2E:2E:1F:1E:29:D1:53:B1:71:B5:12:9B:8D:DE:44:B3:48:A0:99:92:42:00:04:A5:6F:F6:A7:59:35:0D:DA";
        let fp = Fingerprint::parse(value).unwrap();
        assert_eq!(fp.hash_function, "sha-256");
        assert_eq!(fp.value.len(), 95);
        assert_eq!(fp.to_string(), value);
        assert!(Fingerprint::parse("sha-1 0a:0b").is_ok());
    }

    #[test]
    fn errors() {
        assert!(Fingerprint::parse("sha-256").is_err());
        assert!(Fingerprint::parse("sha-256 ").is_err());
        assert!(Fingerprint::parse("sha-256 AB:C").is_err());
        assert!(Fingerprint::parse("sha-256 AB CD").is_err());
        assert!(Fingerprint::parse("sha 256 AB:CD").is_err());
    }
}
