//! `Authorization` and `Proxy-Authorization` (RFC 3261 §20.7, §20.28; digest per RFC 7616
//! §3.4; `Bearer` per RFC 8898 §2.3).

use super::challenge::{
    find_param, is_token68, parse_auth_params, print_auth_params, split_scheme,
};
use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;

/// Credentials: digest parameters (unquoted values), or a `token68` such as a Bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub scheme: String,
    pub params: Vec<(String, String)>,
    /// `Bearer eyJhbGciOi…` (RFC 8898): the token; `params` is then empty.
    pub token: Option<String>,
}

/// `Authorization`, answering a 401.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization(pub Credentials);

/// `Proxy-Authorization`, answering a 407.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyAuthorization(pub Credentials);

/// Exactly the digest parameters RFC 7616 §3.4 writes as quoted strings. `algorithm`, `qop`
/// and `nc` are bare tokens there, and servers such as Kamailio reject `qop="auth"` in a
/// response.
const QUOTED_IN_CREDENTIALS: &[&str] = &[
    "username", "realm", "nonce", "uri", "response", "cnonce", "opaque",
];

impl Credentials {
    /// A parameter's unquoted value, by case-insensitive name.
    pub fn param(&self, name: &str) -> Option<&str> {
        find_param(&self.params, name)
    }

    /// `Bearer <token>` (RFC 8898 §2.3).
    pub fn bearer(token: &str) -> Credentials {
        Credentials {
            scheme: "Bearer".to_owned(),
            params: Vec::new(),
            token: Some(token.to_owned()),
        }
    }

    fn parse_in(value: &str, header: &'static str) -> Result<Credentials, ParseError> {
        let (scheme, rest) = split_scheme(value, header)?;
        // A token68 has no '=' except trailing padding, so `realm=x` is never one.
        if is_token68(rest) {
            return Ok(Credentials {
                scheme: scheme.to_owned(),
                params: Vec::new(),
                token: Some(rest.to_owned()),
            });
        }
        Ok(Credentials {
            scheme: scheme.to_owned(),
            params: parse_auth_params(rest, header)?,
            token: None,
        })
    }

    pub fn print(&self, out: &mut String) {
        out.push_str(&self.scheme);
        if let Some(token) = &self.token {
            out.push(' ');
            out.push_str(token);
        } else if !self.params.is_empty() {
            out.push(' ');
            print_auth_params(&self.params, QUOTED_IN_CREDENTIALS, out);
        }
    }
}

impl TypedHeader for Authorization {
    const NAME: HeaderName = HeaderName::AUTHORIZATION;

    fn parse(value: &str) -> Result<Self, ParseError> {
        Credentials::parse_in(value, "authorization").map(Authorization)
    }

    fn print(&self, out: &mut String) {
        self.0.print(out);
    }
}

impl TypedHeader for ProxyAuthorization {
    const NAME: HeaderName = HeaderName::PROXY_AUTHORIZATION;

    fn parse(value: &str) -> Result<Self, ParseError> {
        Credentials::parse_in(value, "proxy-authorization").map(ProxyAuthorization)
    }

    fn print(&self, out: &mut String) {
        self.0.print(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;

    #[test]
    fn digest_quotes_exactly_the_rfc7616_set() {
        let creds = Credentials {
            scheme: "Digest".into(),
            params: [
                ("username", "1700000000:alice"),
                ("realm", "example.com"),
                ("nonce", "abc"),
                ("uri", "sip:example.com"),
                ("response", "0123456789abcdef"),
                ("algorithm", "MD5"),
                ("cnonce", "c1"),
                ("opaque", "op"),
                ("qop", "auth"),
                ("nc", "00000001"),
            ]
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect(),
            token: None,
        };
        let mut out = String::new();
        creds.print(&mut out);
        assert_eq!(
            out,
            "Digest username=\"1700000000:alice\", realm=\"example.com\", nonce=\"abc\", uri=\"sip:example.com\", response=\"0123456789abcdef\", algorithm=MD5, cnonce=\"c1\", opaque=\"op\", qop=auth, nc=00000001"
        );
        let back: Authorization = round_trip(&out);
        assert_eq!(back.0, creds);
        assert_eq!(back.0.param("NC"), Some("00000001"));
    }

    #[test]
    fn bearer_token() {
        let a: Authorization = round_trip("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln");
        assert_eq!(
            a.0.token.as_deref(),
            Some("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln")
        );
        assert!(a.0.params.is_empty());
        let a: Authorization = round_trip("Bearer dG9rZW4=");
        assert_eq!(a.0.token.as_deref(), Some("dG9rZW4="));
        assert_eq!(
            Credentials::bearer("t"),
            Authorization::parse("Bearer t").unwrap().0
        );
    }

    #[test]
    fn unquoted_uri_from_sloppy_clients() {
        let p: ProxyAuthorization =
            round_trip("Digest username=\"bob\", realm=\"b.example\", nonce=\"n\", uri=sip:bob@b.example, response=\"r\"");
        assert_eq!(p.0.param("uri"), Some("sip:bob@b.example"));
    }

    #[test]
    fn errors() {
        for bad in ["", "Digest username=\"x", "Digest a=b c=d", "Bearer a b"] {
            assert!(Authorization::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
