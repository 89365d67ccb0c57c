//! Reading a digest challenge (RFC 7616 §3.3, RFC 3261 §22.4) and answering it with
//! credentials (RFC 7616 §3.4, RFC 8760 §2).

use super::digest::{self, Algorithm, DigestInput};
use crate::header::typed::{Challenge, Credentials};

/// A digest challenge we can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestChallenge {
    pub realm: String,
    pub nonce: String,
    pub opaque: Option<String>,
    pub algorithm: Algorithm,
    /// The server offered `qop=auth`; false for the RFC 2069 form (no qop at all).
    pub qop_auth: bool,
    /// `stale=true`: the nonce expired but our credentials were right (RFC 7616 §3.3).
    pub stale: bool,
    /// From Proxy-Authenticate (answer with Proxy-Authorization) rather than WWW-Authenticate.
    pub proxy: bool,
}

impl DigestChallenge {
    /// `None` when the challenge is not Digest, lacks realm or nonce, or asks for something we
    /// do not implement (an unknown algorithm, or only `qop=auth-int`).
    pub fn from_challenge(challenge: &Challenge, proxy: bool) -> Option<DigestChallenge> {
        if !challenge.is_digest() {
            return None;
        }
        let algorithm = match challenge.param("algorithm") {
            Some(name) => Algorithm::parse(name)?,
            None => Algorithm::Md5,
        };
        let qop_auth = match challenge.param("qop") {
            Some(list) => {
                if !list
                    .split(',')
                    .any(|q| q.trim().eq_ignore_ascii_case("auth"))
                {
                    return None;
                }
                true
            }
            None => false,
        };
        Some(DigestChallenge {
            realm: challenge.param("realm")?.to_owned(),
            nonce: challenge.param("nonce")?.to_owned(),
            opaque: challenge.param("opaque").map(str::to_owned),
            algorithm,
            qop_auth,
            stale: challenge
                .param("stale")
                .is_some_and(|s| s.eq_ignore_ascii_case("true")),
            proxy,
        })
    }

    /// The strongest challenge we support among several (RFC 8760 §2.4: a server may offer
    /// SHA-256 and MD5 side by side).
    pub fn pick<'a>(
        challenges: impl IntoIterator<Item = &'a Challenge>,
        proxy: bool,
    ) -> Option<DigestChallenge> {
        challenges
            .into_iter()
            .filter_map(|c| DigestChallenge::from_challenge(c, proxy))
            .max_by_key(|c| c.algorithm.strength())
    }

    /// The credentials answering this challenge for `method` on `uri` (the Request-URI as
    /// sent). `nc` counts requests made with this nonce, from 1 (RFC 7616 §3.4).
    pub fn answer(
        &self,
        username: &str,
        password: &str,
        method: &str,
        uri: &str,
        nc: u32,
        cnonce: &str,
    ) -> Credentials {
        let response = digest::compute(&DigestInput {
            algorithm: self.algorithm,
            username,
            realm: &self.realm,
            password,
            method,
            uri,
            nonce: &self.nonce,
            cnonce,
            nc,
            qop_auth: self.qop_auth,
        });
        let mut params = vec![
            ("username".to_owned(), username.to_owned()),
            ("realm".to_owned(), self.realm.clone()),
            ("nonce".to_owned(), self.nonce.clone()),
            ("uri".to_owned(), uri.to_owned()),
            ("response".to_owned(), response),
            ("algorithm".to_owned(), self.algorithm.as_str().to_owned()),
        ];
        if self.qop_auth || self.algorithm.is_session() {
            params.push(("cnonce".to_owned(), cnonce.to_owned()));
        }
        if let Some(opaque) = &self.opaque {
            params.push(("opaque".to_owned(), opaque.clone()));
        }
        if self.qop_auth {
            params.push(("qop".to_owned(), "auth".to_owned()));
            params.push(("nc".to_owned(), digest::nc_hex(nc)));
        }
        Credentials {
            scheme: "Digest".to_owned(),
            params,
            token: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::{TypedHeader, WwwAuthenticate};

    fn challenge(value: &str) -> Challenge {
        WwwAuthenticate::parse(value).unwrap().0
    }

    #[test]
    fn picks_sha256_over_md5() {
        let md5 = challenge(r#"Digest realm="r", nonce="n1", qop="auth", algorithm=MD5"#);
        let sha = challenge(r#"Digest realm="r", nonce="n2", qop="auth", algorithm=SHA-256"#);
        let picked = DigestChallenge::pick([&md5, &sha], false).unwrap();
        assert_eq!(picked.algorithm, Algorithm::Sha256);
        assert_eq!(picked.nonce, "n2");
    }

    #[test]
    fn reads_stale_opaque_and_qop_list() {
        let c = challenge(
            r#"Digest realm="atlanta.com", nonce="abc", opaque="xyz", qop="auth,auth-int", stale=TRUE"#,
        );
        let d = DigestChallenge::from_challenge(&c, true).unwrap();
        assert!(d.stale && d.qop_auth && d.proxy);
        assert_eq!(d.opaque.as_deref(), Some("xyz"));
        assert_eq!(d.algorithm, Algorithm::Md5);
    }

    #[test]
    fn refuses_what_we_cannot_answer() {
        for value in [
            r#"Digest realm="r", nonce="n", algorithm=SHA-512-256"#,
            r#"Digest realm="r", nonce="n", qop="auth-int""#,
            r#"Digest realm="r""#,
            r#"Basic realm="r""#,
        ] {
            assert_eq!(
                DigestChallenge::from_challenge(&challenge(value), false),
                None,
                "{value}"
            );
        }
    }

    #[test]
    fn answer_matches_rfc7616_example() {
        let c = DigestChallenge {
            realm: "http-auth@example.org".into(),
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v".into(),
            opaque: Some("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS".into()),
            algorithm: Algorithm::Md5,
            qop_auth: true,
            stale: false,
            proxy: false,
        };
        let creds = c.answer(
            "Mufasa",
            "Circle of Life",
            "GET",
            "/dir/index.html",
            1,
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        );
        assert_eq!(
            creds.param("response"),
            Some("8ca523f5e9506fed4657c9700eebdbec")
        );
        let mut printed = String::new();
        creds.print(&mut printed);
        assert!(printed.starts_with(r#"Digest username="Mufasa", realm="http-auth@example.org""#));
        assert!(printed.ends_with("qop=auth, nc=00000001"), "{printed}");
    }

    #[test]
    fn no_qop_form_has_no_cnonce() {
        let c = DigestChallenge {
            realm: "r".into(),
            nonce: "n".into(),
            opaque: None,
            algorithm: Algorithm::Md5,
            qop_auth: false,
            stale: false,
            proxy: false,
        };
        let creds = c.answer("u", "p", "REGISTER", "sip:example.test", 1, "c");
        assert_eq!(creds.param("cnonce"), None);
        assert_eq!(creds.param("nc"), None);
    }
}
