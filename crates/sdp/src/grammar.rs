//! Character classes and number rules shared by the typed lines (RFC 8866 §9, RFC 8839 §5.1).

/// `token-char` of RFC 8866 §9: printable ASCII except separators such as
/// space, `"`, `(`, `)`, `,`, `/`, `:`, `;`, `<`, `=`, `>`, `?`, `@`, `[`, `]`.
pub(crate) fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '!' | '#'
                | '$'
                | '%'
                | '&'
                | '\''
                | '*'
                | '+'
                | '-'
                | '.'
                | '^'
                | '_'
                | '`'
                | '{'
                | '|'
                | '}'
                | '~'
        )
}

/// `token = 1*token-char` (RFC 8866 §9).
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_token_char)
}

/// `ice-char = ALPHA / DIGIT / "+" / "/"` (RFC 8839 §5.1).
pub(crate) fn is_ice_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+' || c == '/'
}

/// `1*ice-char`, the shape of `ice-ufrag`, `ice-pwd` and a candidate foundation.
pub(crate) fn is_ice_string(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_ice_char)
}

/// `non-ws-string = 1*(VCHAR / %x80-FF)` (RFC 8866 §9): no space, tab or control.
pub(crate) fn is_non_ws_string(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c > ' ' && c != '\u{7f}')
}

/// `1*DIGIT` read as a number; `None` when it is not all digits or does not fit `T`.
pub(crate) fn decimal<T: TryFrom<u64>>(s: &str) -> Option<T> {
    // A u64 holds at most 20 digits; longer input cannot fit and must not be scanned further.
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u64>().ok().and_then(|n| T::try_from(n).ok())
}

/// `decimal` for values the crate stores as numbers and prints back: a leading zero
/// would not survive printing, so it is refused (no implementation sends one).
pub(crate) fn canonical_decimal<T: TryFrom<u64>>(s: &str) -> Option<T> {
    if s.len() > 1 && s.starts_with('0') {
        return None;
    }
    decimal(s)
}

/// `2HEX *(":" 2HEX)`, the fingerprint of RFC 8122 §5. Lower-case hex is accepted too:
/// it reads the same and some stacks send it.
pub(crate) fn is_hex_pairs(s: &str) -> bool {
    !s.is_empty()
        && s.split(':')
            .all(|pair| pair.len() == 2 && pair.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert!(is_token("telephone-event"));
        assert!(is_token("{1b2c}"));
        assert!(!is_token(""));
        assert!(!is_token("a b"));
        assert!(!is_token("a:b"));
        assert!(!is_token("a/b"));
    }

    #[test]
    fn ice_strings() {
        assert!(is_ice_string("qEA+KCGezaoGknNYbpAADXBK"));
        assert!(is_ice_string("5DH+"));
        assert!(!is_ice_string("a-b"));
        assert!(!is_ice_string(""));
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal::<u16>("65535"), Some(65535));
        assert_eq!(decimal::<u16>("65536"), None);
        assert_eq!(decimal::<u8>("-1"), None);
        assert_eq!(decimal::<u64>(""), None);
        assert_eq!(decimal::<u64>("99999999999999999999999"), None);
        assert_eq!(decimal::<u16>("09"), Some(9));
        assert_eq!(canonical_decimal::<u16>("09"), None);
        assert_eq!(canonical_decimal::<u16>("0"), Some(0));
    }

    #[test]
    fn hex_pairs() {
        assert!(is_hex_pairs("7B:8B:0A"));
        assert!(is_hex_pairs("ab:cd"));
        assert!(!is_hex_pairs("7B:8"));
        assert!(!is_hex_pairs("7B::8B"));
        assert!(!is_hex_pairs("ZZ"));
    }

    #[test]
    fn non_ws() {
        assert!(is_non_ws_string("127.0.0.1"));
        assert!(!is_non_ws_string("a b"));
        assert!(!is_non_ws_string("a\tb"));
        assert!(!is_non_ws_string(""));
    }
}
