//! Header parameters: `*( SEMI generic-param )` after a header value (RFC 3261 §7.3.1, §25.1
//! `generic-param`), tolerant of the linear white space the grammar allows around `;` and `=`.

use crate::error::ParseError;
use crate::syntax::{is_token_byte, quoted_len, trim_lws};
use crate::uri::Param;

/// `gen-value = token / host / quoted-string`: token bytes plus the `[`, `]` and `:` of an IPv6
/// host. A quoted value keeps its quotes so printing gives back the same text.
fn is_gen_value_byte(b: u8) -> bool {
    is_token_byte(b) || matches!(b, b'[' | b']' | b':')
}

/// Parses `*( SEMI generic-param )`. `s` must be empty or start (after LWS) with `;`.
/// `header` names the header in the error.
pub fn parse_params(s: &str, header: &'static str) -> Result<Vec<Param>, ParseError> {
    let mut params = Vec::new();
    let mut rest = trim_lws(s);
    while !rest.is_empty() {
        rest = rest
            .strip_prefix(';')
            .ok_or(ParseError::Header(header, "expected ';' before parameter"))?;
        rest = rest.trim_start_matches([' ', '\t']);
        let name_len = rest.bytes().take_while(|&b| is_token_byte(b)).count();
        if name_len == 0 {
            return Err(ParseError::Header(header, "empty parameter name"));
        }
        let name = &rest[..name_len];
        rest = rest[name_len..].trim_start_matches([' ', '\t']);
        let mut value = None;
        if let Some(after_eq) = rest.strip_prefix('=') {
            let after_eq = after_eq.trim_start_matches([' ', '\t']);
            let len = if after_eq.starts_with('"') {
                quoted_len(after_eq).ok_or(ParseError::Header(header, "bad quoted parameter"))?
            } else {
                after_eq
                    .bytes()
                    .take_while(|&b| is_gen_value_byte(b))
                    .count()
            };
            if len == 0 {
                return Err(ParseError::Header(header, "empty parameter value"));
            }
            value = Some(after_eq[..len].to_owned());
            rest = after_eq[len..].trim_start_matches([' ', '\t']);
        }
        params.push(Param {
            name: name.to_owned(),
            value,
        });
    }
    Ok(params)
}

/// Appends `;name[=value]` for each parameter.
pub fn print_params(params: &[Param], out: &mut String) {
    for p in params {
        out.push(';');
        out.push_str(&p.name);
        if let Some(v) = &p.value {
            out.push('=');
            out.push_str(v);
        }
    }
}

/// The first parameter called `name` (case-insensitive, RFC 3261 §7.3.1).
pub fn find<'a>(params: &'a [Param], name: &str) -> Option<&'a Param> {
    params.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// Sets parameter `name` to `value` (replacing the first of that name, appending otherwise).
pub fn set(params: &mut Vec<Param>, name: &str, value: Option<&str>) {
    let value = value.map(str::to_owned);
    match params
        .iter_mut()
        .find(|p| p.name.eq_ignore_ascii_case(name))
    {
        Some(p) => p.value = value,
        None => params.push(Param {
            name: name.to_owned(),
            value,
        }),
    }
}

/// Removes every parameter called `name`; true if one was there.
pub fn remove(params: &mut Vec<Param>, name: &str) -> bool {
    let before = params.len();
    params.retain(|p| !p.name.eq_ignore_ascii_case(name));
    params.len() != before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerates_lws_around_separators() {
        let p = parse_params(" ;   tag    = 1918181833n ; q = 0.33 ;lr", "to").unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].name, "tag");
        assert_eq!(p[0].value.as_deref(), Some("1918181833n"));
        assert_eq!(p[1].value.as_deref(), Some("0.33"));
        assert_eq!(p[2].value, None);
    }

    #[test]
    fn quoted_values_keep_their_quotes() {
        let p = parse_params(";+sip.instance=\"<urn:uuid:1>\";x=\"a;b\"", "contact").unwrap();
        assert_eq!(p[0].value.as_deref(), Some("\"<urn:uuid:1>\""));
        assert_eq!(p[1].value.as_deref(), Some("\"a;b\""));
        let mut out = String::new();
        print_params(&p, &mut out);
        assert_eq!(out, ";+sip.instance=\"<urn:uuid:1>\";x=\"a;b\"");
    }

    #[test]
    fn ipv6_values() {
        let p = parse_params(";received=[2001:db8::9:1]", "via").unwrap();
        assert_eq!(p[0].value.as_deref(), Some("[2001:db8::9:1]"));
    }

    #[test]
    fn malformed_params_are_errors() {
        assert!(parse_params(";;", "via").is_err());
        assert!(parse_params(";a=", "via").is_err());
        assert!(parse_params(";a=\"open", "via").is_err());
        assert!(parse_params("junk", "via").is_err());
        assert!(parse_params(";a=b c", "via").is_err());
        assert!(parse_params("", "via").unwrap().is_empty());
    }

    #[test]
    fn set_find_remove() {
        let mut p = Vec::new();
        set(&mut p, "tag", Some("a"));
        set(&mut p, "TAG", Some("b"));
        assert_eq!(p.len(), 1);
        assert_eq!(find(&p, "Tag").and_then(|p| p.value.as_deref()), Some("b"));
        assert!(remove(&mut p, "tag"));
        assert!(p.is_empty());
    }
}
