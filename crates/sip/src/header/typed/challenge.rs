//! `WWW-Authenticate` and `Proxy-Authenticate` (RFC 3261 §20.44, §20.27; digest per RFC 7616
//! §3.3 and RFC 8760; `Bearer` per RFC 8898).

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::syntax::{is_token_byte, parse_quoted, push_quoted, push_token_or_quoted};

/// A challenge: `Digest realm="example.com", nonce="…", qop="auth", algorithm=SHA-256`.
/// Values are stored unquoted; names keep their spelling and are looked up case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: String,
    pub params: Vec<(String, String)>,
}

/// `WWW-Authenticate`, sent with 401.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WwwAuthenticate(pub Challenge);

/// `Proxy-Authenticate`, sent with 407.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyAuthenticate(pub Challenge);

/// Finds a parameter by case-insensitive name.
pub(super) fn find_param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Splits `auth-scheme LWS rest`.
pub(super) fn split_scheme<'a>(
    value: &'a str,
    header: &'static str,
) -> Result<(&'a str, &'a str), ParseError> {
    let v = crate::syntax::trim_lws(value);
    let n = v.bytes().take_while(|&b| is_token_byte(b)).count();
    let (scheme, rest) = v.split_at(n);
    if scheme.is_empty() || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return Err(ParseError::Header(header, "bad auth scheme"));
    }
    Ok((scheme, crate::syntax::trim_lws(rest)))
}

/// Parses `auth-param *(COMMA auth-param)` with `auth-param = token EQUAL ( token /
/// quoted-string )` (RFC 3261 §25.1, RFC 7235 §2.1). Empty elements between commas are skipped
/// (RFC 7230 §7). An unquoted value may also hold `:`, `/`, `@` and the like, which some
/// clients send unquoted (`uri=sip:bob@example.com`); it ends at a comma or white space.
pub(super) fn parse_auth_params(
    s: &str,
    header: &'static str,
) -> Result<Vec<(String, String)>, ParseError> {
    let mut params = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return Ok(params);
        }
        let n = rest.bytes().take_while(|&b| is_token_byte(b)).count();
        if n == 0 {
            return Err(ParseError::Header(header, "bad auth-param name"));
        }
        let name = &rest[..n];
        rest = rest[n..].trim_start_matches([' ', '\t']);
        rest = rest
            .strip_prefix('=')
            .ok_or(ParseError::Header(header, "auth-param without '='"))?
            .trim_start_matches([' ', '\t']);
        let value = if rest.starts_with('"') {
            let (v, after) =
                parse_quoted(rest).ok_or(ParseError::Header(header, "bad quoted auth-param"))?;
            rest = after;
            v
        } else {
            let n = rest
                .bytes()
                .take_while(|&b| !matches!(b, b',' | b' ' | b'\t' | b'"'))
                .count();
            if n == 0 {
                return Err(ParseError::Header(header, "empty auth-param value"));
            }
            let v = rest[..n].to_owned();
            rest = &rest[n..];
            v
        };
        rest = rest.trim_start_matches([' ', '\t']);
        if !(rest.is_empty() || rest.starts_with(',')) {
            return Err(ParseError::Header(
                header,
                "expected ',' between auth-params",
            ));
        }
        params.push((name.to_owned(), value));
    }
}

/// Appends `name=value, name=value`, quoting names in `always_quoted` and any value that is not
/// a token, leaving the others bare.
pub(super) fn print_auth_params(
    params: &[(String, String)],
    always_quoted: &[&str],
    out: &mut String,
) {
    for (i, (name, value)) in params.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
        out.push('=');
        if always_quoted.iter().any(|q| q.eq_ignore_ascii_case(name)) {
            push_quoted(out, value);
        } else {
            push_token_or_quoted(out, value);
        }
    }
}

/// Parameters a challenge always quotes (RFC 7616 §3.3: realm, domain, nonce, opaque and the
/// qop-options list are quoted strings; algorithm, stale, charset and userhash are not).
const QUOTED_IN_CHALLENGE: &[&str] = &["realm", "domain", "nonce", "opaque", "qop"];

impl Challenge {
    /// A parameter's unquoted value (`realm`, `nonce`, `qop`, …), by case-insensitive name.
    pub fn param(&self, name: &str) -> Option<&str> {
        find_param(&self.params, name)
    }

    /// True if the scheme is `Digest` (case-insensitive, RFC 7235 §2.1).
    pub fn is_digest(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("Digest")
    }

    fn parse_in(value: &str, header: &'static str) -> Result<Challenge, ParseError> {
        let (scheme, rest) = split_scheme(value, header)?;
        Ok(Challenge {
            scheme: scheme.to_owned(),
            params: parse_auth_params(rest, header)?,
        })
    }

    pub fn print(&self, out: &mut String) {
        out.push_str(&self.scheme);
        if !self.params.is_empty() {
            out.push(' ');
            print_auth_params(&self.params, QUOTED_IN_CHALLENGE, out);
        }
    }
}

impl TypedHeader for WwwAuthenticate {
    const NAME: HeaderName = HeaderName::WWW_AUTHENTICATE;

    fn parse(value: &str) -> Result<Self, ParseError> {
        Challenge::parse_in(value, "www-authenticate").map(WwwAuthenticate)
    }

    fn print(&self, out: &mut String) {
        self.0.print(out);
    }
}

impl TypedHeader for ProxyAuthenticate {
    const NAME: HeaderName = HeaderName::PROXY_AUTHENTICATE;

    fn parse(value: &str) -> Result<Self, ParseError> {
        Challenge::parse_in(value, "proxy-authenticate").map(ProxyAuthenticate)
    }

    fn print(&self, out: &mut String) {
        self.0.print(out);
    }
}

/// True if `s` is a `token68` (RFC 7235 §2.1), the form of a Bearer token.
pub(super) fn is_token68(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;
    use crate::{HeaderName, Headers};

    #[test]
    fn kamailio_digest_challenge() {
        let w: WwwAuthenticate = round_trip(
            "Digest realm=\"sip.example.com\", nonce=\"ZbH7nWWx5nFCGxd3ZPbQ4fdR/u4XF4uV\", qop=\"auth\", algorithm=MD5",
        );
        assert!(w.0.is_digest());
        assert_eq!(w.0.param("REALM"), Some("sip.example.com"));
        assert_eq!(w.0.param("nonce"), Some("ZbH7nWWx5nFCGxd3ZPbQ4fdR/u4XF4uV"));
        assert_eq!(w.0.param("qop"), Some("auth"));
        assert_eq!(w.0.param("algorithm"), Some("MD5"));
        let mut out = String::new();
        w.0.print(&mut out);
        assert_eq!(
            out,
            "Digest realm=\"sip.example.com\", nonce=\"ZbH7nWWx5nFCGxd3ZPbQ4fdR/u4XF4uV\", qop=\"auth\", algorithm=MD5"
        );
    }

    #[test]
    fn sha256_stale_and_odd_spacing() {
        let p: ProxyAuthenticate = round_trip(
            "Digest  realm = \"atlanta.example.com\" ,nonce=\"x\\\"y\",, opaque=\"\", stale=TRUE, algorithm=SHA-256, qop=\"auth,auth-int\"",
        );
        assert_eq!(p.0.param("nonce"), Some("x\"y"));
        assert_eq!(p.0.param("opaque"), Some(""));
        assert_eq!(p.0.param("stale"), Some("TRUE"));
        assert_eq!(p.0.param("qop"), Some("auth,auth-int"));
        let mut out = String::new();
        p.0.print(&mut out);
        assert!(
            out.contains("stale=TRUE, algorithm=SHA-256, qop=\"auth,auth-int\""),
            "{out}"
        );
    }

    #[test]
    fn one_challenge_per_line_is_not_split() {
        let mut h = Headers::new();
        h.push(
            HeaderName::WWW_AUTHENTICATE,
            "Digest realm=\"a\", nonce=\"1\", algorithm=SHA-256",
        );
        h.push(
            HeaderName::WWW_AUTHENTICATE,
            "Digest realm=\"a\", nonce=\"2\", algorithm=MD5",
        );
        let all = h.typed_all::<WwwAuthenticate>().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].0.param("algorithm"), Some("MD5"));
    }

    #[test]
    fn bearer_challenge() {
        let w: WwwAuthenticate = round_trip("Bearer realm=\"example.com\", scope=\"sip\"");
        assert_eq!(w.0.scheme, "Bearer");
        assert!(!w.0.is_digest());
        let w: WwwAuthenticate = round_trip("Bearer");
        assert!(w.0.params.is_empty());
    }

    #[test]
    fn errors() {
        for bad in [
            "",
            "Digest realm",
            "Digest realm=\"open",
            "Digest realm=",
            "Digest realm=\"a\" nonce=\"b\"",
            "\"Digest\" realm=a",
            "Digest=x",
        ] {
            assert!(WwwAuthenticate::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
