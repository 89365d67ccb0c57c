//! The signature every callback carries, so an application can tell the server's POSTs from
//! anyone else's and refuse a replayed one:
//!
//! ```text
//! X-BWClient-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>
//! ```
//!
//! HMAC is RFC 2104, SHA-256 is FIPS 180-4; the key is the application's `callbackSecret`
//! (its ASCII text as bytes). `t` is the time of the attempt (each retry is signed anew), so a
//! receiver that refuses a `t` more than a few minutes from its clock refuses replays.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header's name.
pub const SIGNATURE_HEADER: &str = "X-BWClient-Signature";

/// The header's value for `body` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    format!("t={timestamp},v1={}", hex(&digest))
}

/// Lower-case hex.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// A new application secret: 32 random bytes as 64 hex characters (what migration 3 gives
/// existing applications too).
pub fn new_secret() -> String {
    hex(&rand::random::<[u8; 32]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_timestamp_dot_body() {
        // Checked with: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
        assert_eq!(
            signature("secret", 1_700_000_000, br#"{"a":1}"#),
            "t=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686"
        );
        let secret = new_secret();
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(secret, new_secret());
    }
}
