//! The digest response computation (RFC 7616 §3.4.1, RFC 8760 for SIP, RFC 2617 §3.2.2.1
//! without qop), as a pure function: the client signs with it and a server can verify with it.

use md5::Md5;
use sha2::{Digest, Sha256};

/// A digest algorithm (RFC 7616 §3.3 `algorithm`, RFC 8760 §2.1 for SIP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
}

impl Algorithm {
    /// Parses the `algorithm` parameter (case-insensitive). An absent parameter means MD5
    /// (RFC 7616 §3.3); `None` here means an algorithm we do not implement (e.g. SHA-512-256).
    pub fn parse(value: &str) -> Option<Algorithm> {
        [
            Algorithm::Md5,
            Algorithm::Md5Sess,
            Algorithm::Sha256,
            Algorithm::Sha256Sess,
        ]
        .into_iter()
        .find(|a| a.as_str().eq_ignore_ascii_case(value))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    /// RFC 7616 §3.3: `-sess` variants hash the nonce and cnonce into A1.
    pub fn is_session(self) -> bool {
        matches!(self, Algorithm::Md5Sess | Algorithm::Sha256Sess)
    }

    /// Preference when a server offers several challenges (RFC 8760 §2.4: the client uses the
    /// strongest it supports, and MD5 last).
    pub fn strength(self) -> u8 {
        match self {
            Algorithm::Md5 => 1,
            Algorithm::Md5Sess => 2,
            Algorithm::Sha256 => 3,
            Algorithm::Sha256Sess => 4,
        }
    }

    /// Lowercase hex of the hash of `data`.
    pub fn hash_hex(self, data: &[u8]) -> String {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => hex(&Md5::digest(data)),
            Algorithm::Sha256 | Algorithm::Sha256Sess => hex(&Sha256::digest(data)),
        }
    }
}

/// Everything the response depends on. `qop_auth` false is the RFC 2069/2617 form without qop,
/// for old servers; then `nc` and `cnonce` are unused (except by `-sess` A1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestInput<'a> {
    pub algorithm: Algorithm,
    pub username: &'a str,
    pub realm: &'a str,
    pub password: &'a str,
    pub method: &'a str,
    /// The `uri` parameter: the Request-URI as sent (RFC 3261 §22.4).
    pub uri: &'a str,
    pub nonce: &'a str,
    pub cnonce: &'a str,
    pub nc: u32,
    pub qop_auth: bool,
}

/// `nc` as the 8 lowercase hex digits the wire carries (RFC 7616 §3.4).
pub fn nc_hex(nc: u32) -> String {
    let mut out = String::with_capacity(8);
    for shift in (0..8).rev() {
        // Truncation to a nibble is the point here.
        out.push(hex_digit((nc >> (shift * 4)) as u8));
    }
    out
}

/// The `response` parameter (RFC 7616 §3.4.1):
/// `H(H(A1) ":" nonce ":" nc ":" cnonce ":" qop ":" H(A2))`, or `H(H(A1) ":" nonce ":" H(A2))`
/// without qop; `A1 = username ":" realm ":" password` (for `-sess`, `H(that) ":" nonce ":"
/// cnonce`), `A2 = method ":" uri`.
pub fn compute(input: &DigestInput<'_>) -> String {
    let alg = input.algorithm;
    let mut a1 = join(&[input.username, input.realm, input.password]);
    if alg.is_session() {
        a1 = join(&[&alg.hash_hex(a1.as_bytes()), input.nonce, input.cnonce]);
    }
    let ha1 = alg.hash_hex(a1.as_bytes());
    let ha2 = alg.hash_hex(join(&[input.method, input.uri]).as_bytes());
    let kd = if input.qop_auth {
        join(&[
            &ha1,
            input.nonce,
            &nc_hex(input.nc),
            input.cnonce,
            "auth",
            &ha2,
        ])
    } else {
        join(&[&ha1, input.nonce, &ha2])
    };
    alg.hash_hex(kd.as_bytes())
}

fn join(parts: &[&str]) -> String {
    parts.join(":")
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(hex_digit(b >> 4));
        out.push(hex_digit(b & 0x0f));
    }
    out
}

fn hex_digit(nibble: u8) -> char {
    char::from(b"0123456789abcdef"[usize::from(nibble & 0x0f)])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7616 §3.9.1, "Example with SHA-256 and MD5".
    fn rfc7616(algorithm: Algorithm) -> DigestInput<'static> {
        DigestInput {
            algorithm,
            username: "Mufasa",
            realm: "http-auth@example.org",
            password: "Circle of Life",
            method: "GET",
            uri: "/dir/index.html",
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            nc: 1,
            qop_auth: true,
        }
    }

    #[test]
    fn rfc7616_md5() {
        assert_eq!(
            compute(&rfc7616(Algorithm::Md5)),
            "8ca523f5e9506fed4657c9700eebdbec"
        );
    }

    #[test]
    fn rfc7616_sha256() {
        assert_eq!(
            compute(&rfc7616(Algorithm::Sha256)),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
    }

    /// RFC 2617 §3.5 example (qop=auth, MD5).
    #[test]
    fn rfc2617_example() {
        let input = DigestInput {
            algorithm: Algorithm::Md5,
            username: "Mufasa",
            realm: "testrealm@host.com",
            password: "Circle Of Life",
            method: "GET",
            uri: "/dir/index.html",
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            cnonce: "0a4f113b",
            nc: 1,
            qop_auth: true,
        };
        assert_eq!(compute(&input), "6629fae49393a05397450978507c4ef1");
    }

    #[test]
    fn without_qop_and_sess_differ() {
        let plain = rfc7616(Algorithm::Md5);
        let no_qop = DigestInput {
            qop_auth: false,
            ..plain
        };
        // RFC 2069 form: H(HA1:nonce:HA2), computed here by hand.
        let ha1 = Algorithm::Md5.hash_hex(b"Mufasa:http-auth@example.org:Circle of Life");
        let ha2 = Algorithm::Md5.hash_hex(b"GET:/dir/index.html");
        let expected = Algorithm::Md5.hash_hex(
            [ha1.as_str(), plain.nonce, ha2.as_str()]
                .join(":")
                .as_bytes(),
        );
        assert_eq!(compute(&no_qop), expected);
        let sess = DigestInput {
            algorithm: Algorithm::Md5Sess,
            ..plain
        };
        assert_ne!(compute(&sess), compute(&plain));
    }

    #[test]
    fn algorithm_names() {
        assert_eq!(Algorithm::parse("md5"), Some(Algorithm::Md5));
        assert_eq!(
            Algorithm::parse("SHA-256-sess"),
            Some(Algorithm::Sha256Sess)
        );
        assert_eq!(Algorithm::parse("SHA-512-256"), None);
        assert_eq!(nc_hex(1), "00000001");
        assert_eq!(nc_hex(0x1a2b), "00001a2b");
    }
}
