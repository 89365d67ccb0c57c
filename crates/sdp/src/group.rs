//! `a=group`, e.g. `a=group:BUNDLE 0 1` (RFC 5888 §5, RFC 8843).

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::grammar::is_token;

const WHAT: &str = "a=group";

/// `a=group:<semantics> *(SP <identification-tag>)` (RFC 5888 §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group<'a> {
    /// Semantics, e.g. `BUNDLE` (RFC 8843) or `LS`.
    pub semantics: &'a str,
    /// The `a=mid` values grouped, in order.
    pub mids: Vec<&'a str>,
}

impl<'a> Group<'a> {
    /// Parses an `a=group` value (after `group:`).
    pub fn parse(value: &'a str) -> Result<Group<'a>, SdpError> {
        let mut fields = value.split(' ');
        let semantics = fields.next().unwrap_or_default();
        if !is_token(semantics) {
            return Err(invalid(WHAT, "bad semantics"));
        }
        let mids: Vec<&str> = fields.collect();
        if !mids.iter().all(|mid| is_token(mid)) {
            return Err(invalid(WHAT, "bad identification tag"));
        }
        Ok(Group { semantics, mids })
    }

    /// Whether this is a BUNDLE group (RFC 8843).
    pub fn is_bundle(&self) -> bool {
        self.semantics == "BUNDLE"
    }
}

impl fmt::Display for Group<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.semantics)?;
        for mid in &self.mids {
            f.write_str(" ")?;
            f.write_str(mid)?;
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
            "BUNDLE 0",
            "BUNDLE 0 1 2",
            "BUNDLE audio video",
            "BUNDLE",
            "LS 1 2",
        ] {
            assert_eq!(Group::parse(value).unwrap().to_string(), value);
        }
        let group = Group::parse("BUNDLE 0 1").unwrap();
        assert!(group.is_bundle());
        assert_eq!(group.mids, ["0", "1"]);
        assert!(!Group::parse("LS 1").unwrap().is_bundle());
    }

    #[test]
    fn errors() {
        assert!(Group::parse("").is_err());
        assert!(Group::parse("BUNDLE 0  1").is_err());
        assert!(Group::parse("BUNDLE 0 ").is_err());
        assert!(Group::parse("BUN:DLE 0").is_err());
    }
}
