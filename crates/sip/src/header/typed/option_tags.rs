//! `Supported` (RFC 3261 §20.37) and `Require` (§20.32): lists of option tags.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::header::split::split_list;
use crate::syntax::is_token;

/// `Supported: outbound, path, gruu, 100rel` — one line's option tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supported(pub Vec<String>);

/// `Require: 100rel` — one line's option tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require(pub Vec<String>);

fn parse_tags(value: &str, header: &'static str) -> Result<Vec<String>, ParseError> {
    split_list(value)?
        .into_iter()
        .map(|t| {
            if is_token(t) {
                Ok(t.to_owned())
            } else {
                Err(ParseError::Header(header, "bad option tag"))
            }
        })
        .collect()
}

fn print_tags(tags: &[String], out: &mut String) {
    for (i, t) in tags.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(t);
    }
}

/// Option tags are tokens, and tokens compare case-insensitively unless a rule says otherwise
/// (RFC 3261 §7.3.1, §19.2).
fn has(tags: &[String], tag: &str) -> bool {
    tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
}

impl Supported {
    pub fn contains(&self, tag: &str) -> bool {
        has(&self.0, tag)
    }
}

impl Require {
    pub fn contains(&self, tag: &str) -> bool {
        has(&self.0, tag)
    }
}

impl TypedHeader for Supported {
    const NAME: HeaderName = HeaderName::SUPPORTED;

    fn parse(value: &str) -> Result<Self, ParseError> {
        parse_tags(value, "supported").map(Supported)
    }

    fn print(&self, out: &mut String) {
        print_tags(&self.0, out);
    }
}

impl TypedHeader for Require {
    const NAME: HeaderName = HeaderName::REQUIRE;

    fn parse(value: &str) -> Result<Self, ParseError> {
        parse_tags(value, "require").map(Require)
    }

    fn print(&self, out: &mut String) {
        print_tags(&self.0, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;
    use crate::{HeaderName, Headers};

    #[test]
    fn round_trips() {
        let s: Supported = round_trip("path, gruu,outbound");
        assert_eq!(s.0, ["path", "gruu", "outbound"]);
        assert!(s.contains("OUTBOUND"));
        assert!(!s.contains("100rel"));
        assert_eq!(round_trip::<Supported>(""), Supported(Vec::new()));
        let r: Require = round_trip("100rel");
        assert!(r.contains("100rel"));
    }

    #[test]
    fn compact_form_and_lines() {
        let mut h = Headers::new();
        h.push(HeaderName::parse("k").unwrap(), "timer");
        h.push(HeaderName::SUPPORTED, "replaces, norefersub");
        let all = h.typed_all::<Supported>().unwrap();
        assert_eq!(all.len(), 2);
        assert!(all[1].contains("norefersub"));
    }

    #[test]
    fn errors() {
        assert!(Supported::parse("a b").is_err());
        assert!(Require::parse("a,,b").is_err());
        assert!(Require::parse("\"x\"").is_err());
    }
}
