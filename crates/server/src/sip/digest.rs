//! Verifying a digest `response` on the server (RFC 7616 §3.4.1, RFC 8760 for SIP), with
//! `qop=auth` required. The response itself is computed by the shared pure function
//! [`bwclient_sip::auth::digest::compute`] (RustCrypto `md-5`/`sha2`); this file adds what a
//! server needs: reading the credential parameters and a constant-time comparison.

use bwclient_sip::auth::digest::{compute, Algorithm, DigestInput};
use bwclient_sip::header::typed::Credentials;
use bwclient_sip::Uri;
use subtle::ConstantTimeEq;

/// Algorithms the server offers, strongest first (RFC 8760 §2.4: a server offering several
/// sends one challenge per algorithm, in order of preference).
pub const OFFERED: [Algorithm; 2] = [Algorithm::Sha256, Algorithm::Md5];

/// The digest parameters of one `Authorization`/`Proxy-Authorization`, checked for shape.
#[derive(Debug, Clone)]
pub struct DigestCredentials<'a> {
    pub algorithm: Algorithm,
    pub username: &'a str,
    pub realm: &'a str,
    pub nonce: &'a str,
    pub uri: &'a str,
    pub response: &'a str,
    /// `(nc, cnonce)`: `qop=auth` is required (RFC 7616 §3.4: the nonce-count is what lets
    /// the server detect replays; the RFC 2069 form without it is refused).
    pub nc_cnonce: (u32, &'a str),
}

/// Why digest parameters cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeError {
    /// A mandatory parameter is missing (RFC 7616 §3.4).
    Missing,
    /// An algorithm or qop the server did not offer (e.g. `auth-int`, `-sess`), or no qop.
    Unsupported,
}

impl<'a> DigestCredentials<'a> {
    /// Reads digest parameters; `None` if these are not `Digest` credentials at all.
    pub fn from_credentials(c: &'a Credentials) -> Option<Result<Self, ShapeError>> {
        if !c.scheme.eq_ignore_ascii_case("Digest") {
            return None;
        }
        Some(Self::read(c))
    }

    fn read(c: &'a Credentials) -> Result<Self, ShapeError> {
        let need = |name: &str| c.param(name).ok_or(ShapeError::Missing);
        let algorithm = match c.param("algorithm") {
            None => Algorithm::Md5,
            Some(a) => Algorithm::parse(a).ok_or(ShapeError::Unsupported)?,
        };
        if !OFFERED.contains(&algorithm) {
            return Err(ShapeError::Unsupported);
        }
        let (username, realm, nonce, uri, response) = (
            need("username")?,
            need("realm")?,
            need("nonce")?,
            need("uri")?,
            need("response")?,
        );
        let nc_cnonce = match c.param("qop") {
            Some(q) if q.eq_ignore_ascii_case("auth") => {
                let nc = u32::from_str_radix(need("nc")?, 16).map_err(|_| ShapeError::Missing)?;
                (nc, need("cnonce")?)
            }
            // The challenge offered qop="auth" only; without it nothing detects a replay.
            _ => return Err(ShapeError::Unsupported),
        };
        Ok(DigestCredentials {
            algorithm,
            username,
            realm,
            nonce,
            uri,
            response,
            nc_cnonce,
        })
    }

    /// True if `response` is right for `password` and `method`; compared in constant time.
    pub fn verify(&self, method: &str, password: &str) -> bool {
        let (nc, cnonce) = self.nc_cnonce;
        let expected = compute(&DigestInput {
            algorithm: self.algorithm,
            username: self.username,
            realm: self.realm,
            password,
            method,
            uri: self.uri,
            nonce: self.nonce,
            cnonce,
            nc,
            qop_auth: true,
        });
        let given = self.response.to_ascii_lowercase();
        expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
    }
}

/// True if the digest `uri` parameter names the Request-URI (RFC 3261 §22.4: "the server
/// SHOULD check that the uri parameter … matches the Request-URI"; RFC 2617 §3.2.2.5, RFC 7616
/// §3.4.6), so a captured answer cannot be replayed on a request to another URI within the
/// nonce's lifetime. Compared as written, else as URIs (RFC 3261 §19.1.4: scheme, host and
/// parameters case-insensitive, user and password exact, parameter order free).
pub fn uri_matches(digest_uri: &str, request_uri: &Uri) -> bool {
    if digest_uri == request_uri.to_string() {
        return true;
    }
    let Ok(d) = Uri::parse(digest_uri) else {
        return false;
    };
    let params = |u: &Uri| {
        let mut p: Vec<(String, Option<String>)> = u
            .params
            .iter()
            .map(|p| {
                (
                    p.name.to_ascii_lowercase(),
                    p.value.as_deref().map(str::to_ascii_lowercase),
                )
            })
            .collect();
        p.sort();
        p
    };
    d.scheme == request_uri.scheme
        && d.user == request_uri.user
        && d.password == request_uri.password
        && d.host.eq_ignore_ascii_case(&request_uri.host)
        && d.port == request_uri.port
        && params(&d) == params(request_uri)
        && d.headers == request_uri.headers
}

#[cfg(test)]
mod tests {
    use super::*;
    use bwclient_sip::header::typed::Authorization;
    use bwclient_sip::TypedHeader;

    fn creds(value: &str) -> Credentials {
        match Authorization::parse(value) {
            Ok(a) => a.0,
            Err(e) => panic!("{value}: {e}"),
        }
    }

    #[test]
    fn rfc7616_example_verifies_with_sha256() {
        // RFC 7616 §3.9.1 with SHA-256.
        let c = creds(
            "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", \
             algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, \
             cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, \
             response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\"",
        );
        let d = DigestCredentials::from_credentials(&c).and_then(Result::ok);
        let d = d.expect("digest credentials");
        assert!(d.verify("GET", "Circle of Life"));
        assert!(!d.verify("GET", "circle of life"));
        assert!(!d.verify("POST", "Circle of Life"));
    }

    #[test]
    fn digest_uri_must_name_the_request_uri() {
        let req = Uri::parse("sip:bob@Acme.Test;transport=ws;lr").expect("uri");
        assert!(uri_matches("sip:bob@Acme.Test;transport=ws;lr", &req));
        assert!(uri_matches("SIP:bob@acme.test;LR;transport=WS", &req));
        assert!(!uri_matches("sip:BOB@acme.test;transport=ws;lr", &req));
        assert!(!uri_matches("sip:bob@acme.test;transport=ws", &req));
        assert!(!uri_matches("sip:bob@acme.test:5060;transport=ws;lr", &req));
        assert!(!uri_matches("sip:carol@acme.test;transport=ws;lr", &req));
        assert!(!uri_matches("not a uri", &req));
        let reg = Uri::parse("sip:acme.test").expect("uri");
        assert!(uri_matches("sip:acme.test", &reg));
        assert!(!uri_matches("sip:other.test", &reg));
    }

    #[test]
    fn shapes() {
        let bearer = creds("Bearer abc.def");
        assert!(DigestCredentials::from_credentials(&bearer).is_none());
        let no_resp = creds("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:r\"");
        assert!(matches!(
            DigestCredentials::from_credentials(&no_resp),
            Some(Err(ShapeError::Missing))
        ));
        let sess = creds(
            "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"x\", algorithm=MD5-sess",
        );
        assert!(matches!(
            DigestCredentials::from_credentials(&sess),
            Some(Err(ShapeError::Unsupported))
        ));
        let no_qop =
            creds("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"x\"");
        assert!(matches!(
            DigestCredentials::from_credentials(&no_qop),
            Some(Err(ShapeError::Unsupported))
        ));
        let int = creds(
            "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"x\", qop=auth-int, nc=00000001, cnonce=\"c\"",
        );
        assert!(matches!(
            DigestCredentials::from_credentials(&int),
            Some(Err(ShapeError::Unsupported))
        ));
    }
}
