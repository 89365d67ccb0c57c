//! REST credentials already verified against their argon2 hash, so that a client calling the
//! API many times pays the hash once (argon2id at 19 MiB takes milliseconds by design).
//!
//! Keyed by `SHA-256(api_token ":" api_secret)`, never by the secret itself; the value is the
//! stored hash the pair was verified against, so changing a user's credentials (a new hash)
//! makes old entries useless without any invalidation. Bounded: past [`MAX_ENTRIES`] the cache
//! starts again empty.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// Most verified credential pairs remembered.
pub const MAX_ENTRIES: usize = 1024;

/// argon2 checks that may run at once: each takes 19 MiB and milliseconds of CPU, so wrong
/// secrets sent in bulk queue here instead of taking every blocking thread and gigabytes.
pub const CONCURRENT_CHECKS: usize = 2;

/// Verified `(token, secret)` pairs → the stored hash they matched.
#[derive(Debug)]
pub struct CredentialCache {
    verified: Mutex<HashMap<[u8; 32], String>>,
    /// Permits for [`CONCURRENT_CHECKS`] argon2 verifications.
    pub checks: tokio::sync::Semaphore,
}

impl Default for CredentialCache {
    fn default() -> Self {
        CredentialCache {
            verified: Mutex::default(),
            checks: tokio::sync::Semaphore::new(CONCURRENT_CHECKS),
        }
    }
}

fn key(token: &str, secret: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(token.as_bytes());
    hasher.update(b":");
    hasher.update(secret.as_bytes());
    hasher.finalize().into()
}

impl CredentialCache {
    /// True if this pair was verified against `stored_hash` before.
    pub fn is_verified(&self, token: &str, secret: &str, stored_hash: &str) -> bool {
        self.lock()
            .get(&key(token, secret))
            .is_some_and(|h| h == stored_hash)
    }

    /// Remembers that this pair matched `stored_hash`.
    pub fn remember(&self, token: &str, secret: &str, stored_hash: &str) {
        let mut map = self.lock();
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key(token, secret), stored_hash.to_owned());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], String>> {
        self.verified
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_pairs_for_their_hash_and_stays_bounded() {
        let cache = CredentialCache::default();
        assert!(!cache.is_verified("t", "s", "h1"));
        cache.remember("t", "s", "h1");
        assert!(cache.is_verified("t", "s", "h1"));
        assert!(
            !cache.is_verified("t", "s", "h2"),
            "credentials changed since"
        );
        assert!(!cache.is_verified("t", "x", "h1"));
        for n in 0..(MAX_ENTRIES + 5) {
            cache.remember("t", &n.to_string(), "h");
        }
        assert!(cache.lock().len() <= MAX_ENTRIES);
    }
}
