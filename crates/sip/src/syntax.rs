//! Character classes and small scanners of the SIP grammar (RFC 3261 §25.1).
//!
//! Everything here works on `&str` and never panics: slicing only happens at positions found by
//! scanning for ASCII bytes, which are always char boundaries.

/// `token` characters: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~".
pub fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~'
        )
}

/// True for a non-empty `token` (RFC 3261 §25.1).
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_byte)
}

/// `WSP`: space or horizontal tab (RFC 3261 §25.1, from RFC 2234).
pub fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Trims linear white space on both sides. Values are unfolded on parse, so only SP/HTAB remain.
pub fn trim_lws(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\t')
}

/// True if `s` is 1*DIGIT.
pub fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses 1*DIGIT into a `u32`; leading zeros are allowed, overflow is an error
/// (RFC 4475 §3.1.2.4 `scalarlg`).
pub fn parse_u32(s: &str) -> Option<u32> {
    if !is_digits(s) {
        return None;
    }
    s.parse().ok()
}

/// Parses a `quoted-string` at the start of `s` (which must begin with `"`), RFC 3261 §25.1:
/// `qdtext` is LWS, %x21, %x23-5B, %x5D-7E or UTF-8 non-ASCII; `quoted-pair` is `\` followed by
/// any octet but LF and CR. Returns the unescaped content and the text after the closing quote.
pub fn parse_quoted(s: &str) -> Option<(String, &str)> {
    let rest = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &rest[i + 1..])),
            '\\' => match chars.next() {
                Some((_, e)) if e != '\r' && e != '\n' && e.is_ascii() => out.push(e),
                _ => return None,
            },
            '\t' | ' ' => out.push(c),
            c if c.is_ascii_control() => return None,
            c => out.push(c),
        }
    }
    None
}

/// Length in bytes of the `quoted-string` at the start of `s`, including both quotes.
pub fn quoted_len(s: &str) -> Option<usize> {
    let (_, rest) = parse_quoted(s)?;
    Some(s.len() - rest.len())
}

/// Appends `s` as a `quoted-string`: `"` and `\` and control characters are escaped as
/// `quoted-pair`s. CR and LF cannot be escaped (RFC 3261 §25.1 excludes them from
/// `quoted-pair`), so they are written as spaces: printing never splits a header line.
pub fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            '\t' => out.push(c),
            c if c.is_ascii_control() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `s` verbatim if it is a token, otherwise as a quoted string.
pub fn push_token_or_quoted(out: &mut String, s: &str) {
    if is_token(s) {
        out.push_str(s);
    } else {
        push_quoted(out, s);
    }
}

/// Appends a decimal number without `format!` (keeps the wasm download small).
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        // `n % 10` is < 10, so the cast cannot truncate.
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in digits[..len].iter().rev() {
        out.push(char::from(d));
    }
}

/// True if `s` contains a byte that must never appear in a header value (CR, LF or NUL outside
/// a quoted-pair is checked by the callers' grammars; this guards printing of free text).
pub fn has_line_break(s: &str) -> bool {
    s.bytes().any(|b| b == b'\r' || b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings_unescape_and_reescape() {
        let (v, rest) = parse_quoted(r#""J Rosenberg \\\"" <sip:x>"#).unwrap();
        assert_eq!(v, "J Rosenberg \\\"");
        assert_eq!(rest, " <sip:x>");
        let mut out = String::new();
        push_quoted(&mut out, &v);
        assert_eq!(out, r#""J Rosenberg \\\"""#);
        assert_eq!(parse_quoted(&out).unwrap().0, v);
    }

    #[test]
    fn quoted_pairs_of_control_characters_round_trip() {
        let (v, _) = parse_quoted("\"BEL:\\\u{7} NUL:\\\0 DEL:\\\u{7f}\"").unwrap();
        assert_eq!(v, "BEL:\u{7} NUL:\0 DEL:\u{7f}");
        let mut out = String::new();
        push_quoted(&mut out, &v);
        assert_eq!(parse_quoted(&out).unwrap().0, v);
    }

    #[test]
    fn bad_quoted_strings_are_rejected() {
        assert!(parse_quoted("\"unterminated").is_none());
        assert!(parse_quoted("\"ends in escape\\").is_none());
        assert!(parse_quoted("\"raw\u{7}bell\"").is_none());
        assert!(parse_quoted("no quote").is_none());
        assert_eq!(quoted_len("\"a\\\"b\" rest"), Some(6));
    }

    #[test]
    fn crlf_is_never_printed_inside_quotes() {
        let mut out = String::new();
        push_quoted(&mut out, "a\r\nb");
        assert!(!has_line_break(&out));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u32("0068"), Some(68));
        assert_eq!(parse_u32("4294967295"), Some(u32::MAX));
        assert_eq!(parse_u32("36893488147419103232"), None);
        assert_eq!(parse_u32("-1"), None);
        assert_eq!(parse_u32(""), None);
        let mut s = String::new();
        push_u64(&mut s, 0);
        s.push(' ');
        push_u64(&mut s, 18_446_744_073_709_551_615);
        assert_eq!(s, "0 18446744073709551615");
    }
}
