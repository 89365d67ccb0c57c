//! Digest nonces (RFC 7616 §3.3: "a nonce might be … time-stamp H(time-stamp ":" ETag ":"
//! secret-data)"): `base64url(issued_at ‖ random ‖ HMAC-SHA256(key, issued_at ‖ random ‖
//! realm)[..16])`. Issuing keeps nothing per challenge; a nonce from another realm, a tampered
//! one or one older than its lifetime is refused. The random part makes every challenge's nonce
//! unique, so the nonce-count kept for it once used (`nonce_count.rs`, replay protection) is
//! one client's. The key is derived from the token secret (`keys.rs`), so a nonce of the
//! previous process is still recognised as ours, but the nonce-counts seen for it are gone: it
//! is answered as stale (RFC 7616 §3.3 `stale=true`, the client answers the new challenge
//! without asking anyone), never accepted, so an answer captured before a restart cannot be
//! replayed after it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

type HmacSha256 = Hmac<Sha256>;

const MAC_LEN: usize = 16;
/// Random bytes per nonce.
const SALT_LEN: usize = 8;
/// Bytes before the MAC: the issue time and the random part.
const STAMP_LEN: usize = 8 + SALT_LEN;

/// Why a nonce is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceError {
    /// Not one of ours (bad shape or MAC): refuse.
    Invalid,
    /// Ours but too old: challenge again with `stale=true` (RFC 7616 §3.3).
    Stale,
}

/// Issues and checks nonces with a key that never leaves the process.
pub struct NonceKey {
    key: [u8; 32],
    ttl: Duration,
    /// Unix second this process started: nonces issued before are stale.
    not_before: u64,
}

impl NonceKey {
    pub fn new(key: [u8; 32], ttl: Duration, not_before: u64) -> Self {
        NonceKey {
            key,
            ttl,
            not_before,
        }
    }

    /// A fresh, unique nonce for `realm`, issued at `now_unix` seconds.
    pub fn issue(&self, realm: &str, now_unix: u64) -> String {
        use rand::RngCore;
        let mut stamp = now_unix.to_be_bytes().to_vec();
        let mut salt = [0u8; SALT_LEN];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        stamp.extend_from_slice(&salt);
        let mut raw = stamp.clone();
        raw.extend_from_slice(&self.mac(&stamp, realm)[..MAC_LEN]);
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// Checks a nonce the client echoed for `realm` at `now_unix` seconds; returns when it
    /// was issued.
    pub fn check(&self, nonce: &str, realm: &str, now_unix: u64) -> Result<u64, NonceError> {
        let raw = URL_SAFE_NO_PAD
            .decode(nonce)
            .map_err(|_| NonceError::Invalid)?;
        if raw.len() != STAMP_LEN + MAC_LEN {
            return Err(NonceError::Invalid);
        }
        let (stamp, tag) = raw.split_at(STAMP_LEN);
        let mut mac = HmacSha256::new_from_slice(&self.key).map_err(|_| NonceError::Invalid)?;
        mac.update(stamp);
        mac.update(realm.as_bytes());
        mac.verify_truncated_left(tag)
            .map_err(|_| NonceError::Invalid)?;
        let mut be = [0u8; 8];
        be.copy_from_slice(&stamp[..8]);
        let issued = u64::from_be_bytes(be);
        if issued > now_unix.saturating_add(5) {
            return Err(NonceError::Invalid);
        }
        if now_unix.saturating_sub(issued) > self.ttl.as_secs() || issued < self.not_before {
            return Err(NonceError::Stale);
        }
        Ok(issued)
    }

    fn mac(&self, stamp: &[u8], realm: &str) -> Vec<u8> {
        // HMAC accepts keys of any length: this cannot fail, but no unwrap on principle.
        match HmacSha256::new_from_slice(&self.key) {
            Ok(mut mac) => {
                mac.update(stamp);
                mac.update(realm.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => vec![0; 32],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_stale_and_tamper() {
        let k = NonceKey::new([7; 32], Duration::from_secs(300), 0);
        let n = k.issue("demo.example", 1_000);
        assert_eq!(k.check(&n, "demo.example", 1_000), Ok(1_000));
        assert_eq!(k.check(&n, "demo.example", 1_300), Ok(1_000));
        assert_ne!(n, k.issue("demo.example", 1_000), "every nonce is unique");
        assert_eq!(k.check(&n, "demo.example", 1_301), Err(NonceError::Stale));
        assert_eq!(
            k.check(&n, "other.example", 1_000),
            Err(NonceError::Invalid)
        );
        assert_eq!(
            k.check("garbage!", "demo.example", 1_000),
            Err(NonceError::Invalid)
        );
        let other = NonceKey::new([8; 32], Duration::from_secs(300), 0);
        assert_eq!(
            other.check(&n, "demo.example", 1_000),
            Err(NonceError::Invalid)
        );
        // The same key in a process started later: stale, never accepted (its nonce-counts
        // are gone).
        let restarted = NonceKey::new([7; 32], Duration::from_secs(300), 1_001);
        assert_eq!(
            restarted.check(&n, "demo.example", 1_002),
            Err(NonceError::Stale)
        );
        // A nonce from the future (forged clock) is not ours.
        let future = k.issue("demo.example", 9_000);
        assert_eq!(
            k.check(&future, "demo.example", 1_000),
            Err(NonceError::Invalid)
        );
    }
}
