//! What a user typed into a dial box → the Request-URI to call.
//!
//! The legacy BWClient accepted `sip:` URIs, bare users and US numbers in any common spelling
//! (`+12223334444`, `222-333-4444`, `+1 (222) 333 4444`), with +1 implied. This keeps those rules
//! and also accepts any `+`-prefixed E.164 number (ITU-T E.164: at most 15 digits).

use crate::error::ParseError;
use crate::uri::{Scheme, Uri};

/// Visual separators people type inside phone numbers (RFC 3966 §5.1.1 `visual-separator`).
fn is_visual_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}')
}

/// Normalises a dialable phone number to E.164 (`+` and digits), or `None` if `input` is not one.
/// Ten digits are a US number (`+1` implied); eleven starting with `1` too. Other lengths without
/// `+` are not numbers (they are extensions or user names).
pub fn normalize_number(input: &str) -> Option<String> {
    let input = input.trim();
    let (plus, rest) = match input.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, input),
    };
    if rest.is_empty()
        || !rest
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '(')
    {
        return None;
    }
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !is_visual_separator(c) {
            return None;
        }
    }
    let e164 = if plus {
        digits
    } else if digits.len() == 10 {
        ["1", &digits].concat()
    } else if digits.len() == 11 && digits.starts_with('1') {
        digits
    } else {
        return None;
    };
    if !(8..=15).contains(&e164.len()) || e164.starts_with('0') {
        return None;
    }
    Some(["+", &e164].concat())
}

/// Turns a dial string into a Request-URI: a `sip:`/`sips:`/`tel:` URI is taken as written; a
/// phone number becomes `sip:+E164@<default_host>`; `user@host` and a bare `user` become SIP URIs
/// (the bare user in `default_host`).
pub fn dial_target(input: &str, default_host: &str) -> Result<Uri, ParseError> {
    let input = input.trim();
    let lower = input
        .get(..5)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if lower.starts_with("sip:") || lower.starts_with("sips:") {
        return Uri::parse(input);
    }
    if lower.starts_with("tel:") {
        let number = input.get(4..).unwrap_or_default();
        let number = number.split(';').next().unwrap_or_default();
        let e164 = normalize_number(number).ok_or(ParseError::Uri("bad tel number"))?;
        return Ok(Uri::sip(Some(&e164), default_host));
    }
    if let Some(e164) = normalize_number(input) {
        return Ok(Uri::sip(Some(&e164), default_host));
    }
    if input.is_empty()
        || input
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>')
    {
        return Err(ParseError::Uri("not a user, number or sip uri"));
    }
    let uri = if input.contains('@') {
        Uri::parse(&["sip:", input].concat())?
    } else {
        Uri::parse(&["sip:", input, "@", default_host].concat())?
    };
    debug_assert_eq!(uri.scheme, Scheme::Sip);
    Ok(uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn us_numbers_in_legacy_spellings() {
        for s in [
            "+12223334444",
            "222-333-4444",
            "+1 (222) 333 4444",
            "(222) 333-4444",
            "1 222 333 4444",
            "222.333.4444",
        ] {
            assert_eq!(normalize_number(s).as_deref(), Some("+12223334444"), "{s}");
        }
    }

    #[test]
    fn international_and_non_numbers() {
        assert_eq!(
            normalize_number("+44 20 7946 0958").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(normalize_number("1234"), None);
        assert_eq!(normalize_number("bob"), None);
        assert_eq!(normalize_number("+"), None);
        assert_eq!(normalize_number("+1234567890123456"), None);
        assert_eq!(normalize_number("555-CALL-NOW"), None);
    }

    /// The one normaliser serves dial strings here and the REST `phoneNumbers` of
    /// `bwclient-server`: the inputs each accepted or refused before they were one function.
    #[test]
    fn the_table_of_numbers_both_sides_took() {
        let us = Some("+12223334444");
        let table: &[(&str, Option<&str>)] = &[
            ("+12223334444", us),
            ("222-333-4444", us),
            ("+1 (222) 333 4444", us),
            ("(222) 333-4444", us),
            ("1 222 333 4444", us),
            ("222.333.4444", us),
            (" 2223334444 ", us),
            ("222\u{a0}333\u{a0}4444", us),
            ("+44 20 7946 0958", Some("+442079460958")),
            ("442079460958", None),
            ("", None),
            ("+", None),
            ("abc", None),
            ("222-333-444x", None),
            ("12345", None),
            ("+1234567890123456", None),
            ("+0123456789", None),
            ("++12223334444", None),
            ("-222-333-4444", None),
        ];
        for (input, e164) in table {
            assert_eq!(normalize_number(input).as_deref(), *e164, "{input:?}");
        }
    }

    #[test]
    fn dial_targets() {
        let p = |s: &str| {
            let mut out = String::new();
            dial_target(s, "demo.bwclient.test")
                .unwrap()
                .print(&mut out);
            out
        };
        assert_eq!(p("bob"), "sip:bob@demo.bwclient.test");
        assert_eq!(p("222-333-4444"), "sip:+12223334444@demo.bwclient.test");
        assert_eq!(
            p("tel:+1-222-333-4444"),
            "sip:+12223334444@demo.bwclient.test"
        );
        assert_eq!(
            p("sip:carol@example.test;transport=ws"),
            "sip:carol@example.test;transport=ws"
        );
        assert_eq!(p("dave@other.test"), "sip:dave@other.test");
        assert_eq!(p("1234"), "sip:1234@demo.bwclient.test");
        assert!(dial_target("", "h").is_err());
        assert!(dial_target("a b", "h").is_err());
        assert!(dial_target("tel:abc", "h").is_err());
    }
}
