//! Splitting a header line into its comma-separated values (RFC 3261 §7.3.1): commas inside
//! quoted strings, `<…>` and comments do not split.

use crate::error::ParseError;
use crate::syntax::{is_wsp, trim_lws};

/// Splits `line` at top-level commas, trimming white space around each element.
///
/// A line of only white space holds no element (e.g. an empty `Supported:`); an empty element
/// between commas is malformed (RFC 3261 §7.3.1: `value *(COMMA value)`, RFC 4475 §3.1.2.1).
/// A `(` starts a comment only at the start of an element or after white space (`Server: x/1
/// (Linux, x86)`), because URIs may contain parentheses (`sip:a(b)@c`, RFC 3261 §25.1 `mark`).
pub fn split_list(line: &str) -> Result<Vec<&str>, ParseError> {
    let mut items = Vec::new();
    if trim_lws(line).is_empty() {
        return Ok(items);
    }
    let bytes = line.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let mut in_angle = false;
    let mut comment_depth = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        if comment_depth > 0 {
            match b {
                b'\\' => i += 1,
                b'(' => comment_depth += 1,
                b')' => comment_depth -= 1,
                _ => {}
            }
        } else if in_angle {
            if b == b'>' {
                in_angle = false;
            }
        } else {
            match b {
                b'"' => {
                    let len = crate::syntax::quoted_len(&line[i..])
                        .ok_or(ParseError::Header("list", "unterminated quoted string"))?;
                    i += len;
                    continue;
                }
                b'<' => in_angle = true,
                b'(' if i == start || bytes.get(i.wrapping_sub(1)).copied().is_some_and(is_wsp) => {
                    comment_depth = 1
                }
                b',' => {
                    items.push(element(&line[start..i])?);
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    if in_angle {
        return Err(ParseError::Header("list", "unterminated '<'"));
    }
    if comment_depth > 0 {
        return Err(ParseError::Header("list", "unterminated comment"));
    }
    items.push(element(line.get(start..).unwrap_or(""))?);
    Ok(items)
}

fn element(s: &str) -> Result<&str, ParseError> {
    let s = trim_lws(s);
    if s.is_empty() {
        return Err(ParseError::Header("list", "empty list element"));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_top_level_commas_only() {
        let items =
            split_list(r#""Watson, Thomas" <sip:a@b;x=1,2>;tag=1 , <sip:c@d> ,sip:e@f;q=0.5"#)
                .unwrap();
        assert_eq!(
            items,
            vec![
                r#""Watson, Thomas" <sip:a@b;x=1,2>;tag=1"#,
                "<sip:c@d>",
                "sip:e@f;q=0.5"
            ]
        );
    }

    #[test]
    fn escaped_quotes_do_not_end_the_string() {
        let items = split_list(r#""a \", b" <sip:x@y>, c"#).unwrap();
        assert_eq!(items, vec![r#""a \", b" <sip:x@y>"#, "c"]);
    }

    #[test]
    fn comments_hide_commas() {
        let items = split_list("foo/1.0 (Linux, x86 (nested, yes)), bar").unwrap();
        assert_eq!(items, vec!["foo/1.0 (Linux, x86 (nested, yes))", "bar"]);
        // Parentheses inside a bare URI are not a comment.
        let items = split_list("sip:a(b@c.example, sip:d)e@f.example").unwrap();
        assert_eq!(items, vec!["sip:a(b@c.example", "sip:d)e@f.example"]);
    }

    #[test]
    fn whitespace_only_is_empty_list() {
        assert!(split_list("").unwrap().is_empty());
        assert!(split_list("  \t ").unwrap().is_empty());
        assert_eq!(split_list("  100rel  ").unwrap(), vec!["100rel"]);
    }

    #[test]
    fn malformed_lists_are_errors() {
        assert!(split_list("SIP/2.0/UDP 192.0.2.15;;,;,,").is_err());
        assert!(split_list("a,,b").is_err());
        assert!(split_list("a,").is_err());
        assert!(split_list("\"open, b").is_err());
        assert!(split_list("<sip:a@b, c").is_err());
        assert!(split_list("x (open, c").is_err());
    }
}
