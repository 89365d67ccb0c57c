//! Login tokens minted by `bwclient-server`: self-describing, and usable as Kamailio
//! `auth_ephemeral` credentials.
//!
//! Format (all ASCII, URL-safe): `B64URL(payload) "." B64URL(signature)` where
//! - `payload` = `"v1 " username (" " ws_url)+`: one URL or more, in the order the client
//!   tries them (one URL is the original format, unchanged),
//! - `username` = `<expiry-unix-seconds> ":" <user> "@" <host>` (the `auth_ephemeral` username,
//!   `username_format=1`, with the domain so a token never names two endpoints),
//! - `signature` = `HMAC-SHA1(secret, username)`; its standard base64 is the digest password
//!   that `auth_ephemeral` derives from the same shared secret.
//!
//! The client only decodes (no secret, no HMAC); the server mints and verifies (feature `mint`).
//! The URLs are a hint for the client and are not covered by the signature: they name where to
//! connect, not who you are.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

/// Why a token string is not a usable token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    Shape,
    Payload,
    Version,
    Signature,
    Expired,
    /// A URL field that is not `ws://…` or `wss://…` (or an empty field: two spaces).
    Url,
}

impl TokenError {
    /// Why, in words (what `Display` prints).
    pub fn message(&self) -> &'static str {
        match self {
            TokenError::Shape => "token is not two base64url parts",
            TokenError::Payload => "token payload is malformed",
            TokenError::Version => "token version is not supported",
            TokenError::Signature => "token signature does not match",
            TokenError::Expired => "token has expired",
            TokenError::Url => "token carries a server URL that is not ws:// or wss://",
        }
    }
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for TokenError {}

/// A decoded token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    raw: String,
    /// Expiry, in Unix seconds.
    pub expires: u64,
    /// SIP user part of the identity.
    pub user: String,
    /// SIP host (domain) of the identity.
    pub host: String,
    /// Where the client connects (`ws://…/sip` or `wss://…/sip`), in the order it tries them;
    /// never empty.
    pub ws_urls: Vec<String>,
    signature: Vec<u8>,
}

impl Token {
    /// Decodes a token. Checks its shape only; the signature needs the server's secret.
    pub fn parse(raw: &str) -> Result<Token, TokenError> {
        let raw = raw.trim();
        let (payload_b64, sig_b64) = raw.split_once('.').ok_or(TokenError::Shape)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload_b64)
            .map_err(|_| TokenError::Shape)?;
        let signature = URL_SAFE_NO_PAD
            .decode(sig_b64)
            .map_err(|_| TokenError::Shape)?;
        let payload = String::from_utf8(payload).map_err(|_| TokenError::Payload)?;
        let mut fields = payload.split(' ');
        if fields.next() != Some("v1") {
            return Err(TokenError::Version);
        }
        let username = fields.next().ok_or(TokenError::Payload)?;
        let ws_urls: Vec<String> = fields.map(str::to_owned).collect();
        if ws_urls.is_empty() || signature.is_empty() {
            return Err(TokenError::Payload);
        }
        let (expires, identity) = username.split_once(':').ok_or(TokenError::Payload)?;
        let expires: u64 = expires.parse().map_err(|_| TokenError::Payload)?;
        let (user, host) = identity.rsplit_once('@').ok_or(TokenError::Payload)?;
        if user.is_empty() || host.is_empty() {
            return Err(TokenError::Payload);
        }
        if !ws_urls.iter().all(|url| is_ws_url(url)) {
            return Err(TokenError::Url);
        }
        Ok(Token {
            raw: raw.to_owned(),
            expires,
            user: user.to_owned(),
            host: host.to_owned(),
            ws_urls,
            signature,
        })
    }

    /// The first server URL: where the client connects first.
    pub fn ws_url(&self) -> &str {
        // `parse` and `mint_urls` never make a token without one.
        self.ws_urls.first().map_or("", String::as_str)
    }

    /// The token as it was given (what goes in `X-Callsign-Token` and `Authorization: Bearer`).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The `auth_ephemeral` digest username: `<expiry>:<user>@<host>`.
    pub fn digest_username(&self) -> String {
        let mut out = String::new();
        crate::syntax::push_u64(&mut out, self.expires);
        out.push(':');
        out.push_str(&self.user);
        out.push('@');
        out.push_str(&self.host);
        out
    }

    /// The `auth_ephemeral` digest password: `base64(HMAC-SHA1(secret, username))`.
    pub fn digest_password(&self) -> String {
        // `encode_slice` rather than `encode`: `encode` checks its own output with
        // `String::from_utf8(..).expect(..)`, which links `Debug` for the error and its bytes.
        let mut buf = vec![0; self.signature.len().div_ceil(3) * 4];
        let len = STANDARD
            .encode_slice(&self.signature, &mut buf)
            .unwrap_or(0);
        buf[..len].iter().copied().map(char::from).collect()
    }

    /// True once `now_unix` (seconds) has reached the expiry.
    pub fn is_expired(&self, now_unix: u64) -> bool {
        now_unix >= self.expires
    }

    /// Mints a token for `user@host`, valid until `expires` (Unix seconds), naming one server.
    #[cfg(feature = "mint")]
    pub fn mint(secret: &[u8], expires: u64, user: &str, host: &str, ws_url: &str) -> Token {
        Token::mint_urls(secret, expires, user, host, &[ws_url])
    }

    /// Mints a token naming several servers, tried in this order (`ws_urls` must not be empty;
    /// the server's config guarantees it).
    #[cfg(feature = "mint")]
    pub fn mint_urls(
        secret: &[u8],
        expires: u64,
        user: &str,
        host: &str,
        ws_urls: &[&str],
    ) -> Token {
        let mut token = Token {
            raw: String::new(),
            expires,
            user: user.to_owned(),
            host: host.to_owned(),
            ws_urls: ws_urls.iter().map(|url| (*url).to_owned()).collect(),
            signature: Vec::new(),
        };
        let username = token.digest_username();
        token.signature = ephemeral_password_bytes(secret, &username);
        let mut payload = ["v1 ", &username].concat();
        for url in ws_urls {
            payload.push(' ');
            payload.push_str(url);
        }
        token.raw = [
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(&token.signature),
        ]
        .join(".");
        token
    }

    /// Checks the signature against `secret` in constant time, then the expiry.
    #[cfg(feature = "mint")]
    pub fn verify(&self, secret: &[u8], now_unix: u64) -> Result<(), TokenError> {
        use hmac::Mac;
        let mut mac = Hmac::new_from_slice(secret).map_err(|_| TokenError::Signature)?;
        mac.update(self.digest_username().as_bytes());
        mac.verify_slice(&self.signature)
            .map_err(|_| TokenError::Signature)?;
        if self.is_expired(now_unix) {
            return Err(TokenError::Expired);
        }
        Ok(())
    }
}

/// `ws://<something>` or `wss://<something>`, without spaces (they separate the fields).
pub fn is_ws_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("ws://")
        .or_else(|| url.strip_prefix("wss://"));
    // ASCII whitespace only: `char::is_whitespace` would link Unicode tables into the client.
    rest.is_some_and(|rest| !rest.is_empty() && !rest.bytes().any(|b| b.is_ascii_whitespace()))
}

#[cfg(feature = "mint")]
type Hmac = hmac::Hmac<sha1::Sha1>;

/// `HMAC-SHA1(secret, username)`, the `auth_ephemeral` password before base64.
#[cfg(feature = "mint")]
fn ephemeral_password_bytes(secret: &[u8], username: &str) -> Vec<u8> {
    use hmac::Mac;
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = match Hmac::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => return Vec::new(),
    };
    mac.update(username.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The `auth_ephemeral` password for `username` under `secret`, base64 (what Kamailio computes).
#[cfg(feature = "mint")]
pub fn ephemeral_password(secret: &[u8], username: &str) -> String {
    STANDARD.encode(ephemeral_password_bytes(secret, username))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_garbage() {
        assert_eq!(Token::parse("nope"), Err(TokenError::Shape));
        assert_eq!(Token::parse("!!.!!"), Err(TokenError::Shape));
        let payload = URL_SAFE_NO_PAD.encode("v2 1:a@b ws://x");
        let tok = [payload.as_str(), "AAAA"].join(".");
        assert_eq!(Token::parse(&tok), Err(TokenError::Version));
        let payload = URL_SAFE_NO_PAD.encode("v1 nocolon ws://x");
        let tok = [payload.as_str(), "AAAA"].join(".");
        assert_eq!(Token::parse(&tok), Err(TokenError::Payload));
        assert_eq!(
            Token::parse(&unsigned("v1 1:a@b")),
            Err(TokenError::Payload)
        );
    }

    /// A token with `payload` and a dummy signature (parsing does not check it).
    fn unsigned(payload: &str) -> String {
        [URL_SAFE_NO_PAD.encode(payload).as_str(), "AAAA"].join(".")
    }

    #[test]
    fn one_url_is_the_original_format() {
        let t = Token::parse(&unsigned("v1 9:alice@d.test ws://127.0.0.1:8080/sip")).unwrap();
        assert_eq!(t.ws_urls, ["ws://127.0.0.1:8080/sip"]);
        assert_eq!(t.ws_url(), "ws://127.0.0.1:8080/sip");
        assert_eq!((t.user.as_str(), t.host.as_str()), ("alice", "d.test"));
    }

    #[test]
    fn several_urls_in_order() {
        let payload =
            "v1 9:alice@d.test wss://a.test/sip ws://127.0.0.2:8080/sip wss://c.test:9/sip";
        let t = Token::parse(&unsigned(payload)).unwrap();
        assert_eq!(
            t.ws_urls,
            [
                "wss://a.test/sip",
                "ws://127.0.0.2:8080/sip",
                "wss://c.test:9/sip"
            ]
        );
        assert_eq!(t.ws_url(), "wss://a.test/sip");
    }

    #[test]
    fn bad_urls_are_refused_by_name() {
        for payload in [
            "v1 9:alice@d.test http://a.test/sip",
            "v1 9:alice@d.test ws://a.test/sip https://b.test/sip",
            "v1 9:alice@d.test ws://a.test/sip wsx://b.test",
            "v1 9:alice@d.test ws://a.test/sip  ws://b.test/sip",
            "v1 9:alice@d.test ws://a.test/sip ",
            "v1 9:alice@d.test ws://",
            "v1 9:alice@d.test ws:// wss://b.test/sip",
        ] {
            assert_eq!(
                Token::parse(&unsigned(payload)),
                Err(TokenError::Url),
                "{payload}"
            );
        }
        assert_eq!(
            TokenError::Url.to_string(),
            "token carries a server URL that is not ws:// or wss://"
        );
    }

    #[cfg(feature = "mint")]
    #[test]
    fn kamailio_worked_example() {
        // From the shared Kamailio notes: secret, username and password that auth_ephemeral took.
        let secret = b"probe-shared-secret-change-me";
        assert_eq!(
            ephemeral_password(secret, "1795835000:alice"),
            "ar/YK+RCI6si9+wd/l2lVOz7S7g="
        );
    }

    #[cfg(feature = "mint")]
    #[test]
    fn mint_parse_verify_round_trip() {
        let secret = b"test-only-secret";
        let t = Token::mint(
            secret,
            2_000,
            "alice",
            "demo.bwclient.test",
            "ws://127.0.0.1:8080/sip",
        );
        let p = Token::parse(t.as_str()).unwrap();
        assert_eq!(p, t);
        assert_eq!(p.digest_username(), "2000:alice@demo.bwclient.test");
        assert_eq!(
            p.digest_password(),
            ephemeral_password(secret, "2000:alice@demo.bwclient.test")
        );
        assert_eq!(p.verify(secret, 1_999), Ok(()));
        assert_eq!(p.verify(secret, 2_000), Err(TokenError::Expired));
        assert_eq!(p.verify(b"other", 1_000), Err(TokenError::Signature));
        // Re-labelling the token for another user breaks the signature.
        let forged = Token {
            user: "bob".into(),
            ..p
        };
        assert_eq!(forged.verify(secret, 1_000), Err(TokenError::Signature));
        assert!(!t.as_str().contains(['+', '/', '=']));
    }

    #[cfg(feature = "mint")]
    #[test]
    fn mint_several_urls_signs_the_username_only() {
        let secret = b"test-only-secret";
        let urls = ["ws://127.0.0.1:18080/sip", "ws://127.0.0.1:18081/sip"];
        let t = Token::mint_urls(secret, 2_000, "alice", "d.test", &urls);
        let p = Token::parse(t.as_str()).unwrap();
        assert_eq!(p.ws_urls, urls);
        assert_eq!(p.verify(secret, 1_000), Ok(()));
        let payload = URL_SAFE_NO_PAD
            .decode(t.as_str().split_once('.').unwrap().0)
            .unwrap();
        assert_eq!(
            String::from_utf8(payload).unwrap(),
            "v1 2000:alice@d.test ws://127.0.0.1:18080/sip ws://127.0.0.1:18081/sip"
        );
        // The same identity with one URL: same signature, today's payload.
        let one = Token::mint(secret, 2_000, "alice", "d.test", urls[0]);
        assert_eq!(one.signature, t.signature);
        assert_eq!(Token::parse(one.as_str()).unwrap().ws_urls, [urls[0]]);
    }
}
