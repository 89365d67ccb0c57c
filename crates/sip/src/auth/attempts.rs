//! The "one retry per challenge" rule and nonce counting (RFC 3261 §22.2, RFC 7616 §3.4,
//! §3.3 `stale`).

use super::challenge::DigestChallenge;

/// At most this many `stale=true` retries per request: a server that keeps saying stale is
/// broken, and looping on it would never end.
const MAX_STALE_RETRIES: u8 = 2;

/// What one request (and its authenticated re-sends) has answered so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attempts {
    answered_realms: Vec<String>,
    stale_retries: u8,
}

impl Attempts {
    /// Whether to answer `challenge`. A realm is answered once; a second challenge for it means
    /// the credentials were refused, unless it says `stale=true` (the nonce expired, the
    /// credentials were fine), which does not count.
    pub fn should_answer(&mut self, challenge: &DigestChallenge) -> bool {
        let answered = self.answered_realms.contains(&challenge.realm);
        if answered {
            if challenge.stale && self.stale_retries < MAX_STALE_RETRIES {
                self.stale_retries += 1;
                return true;
            }
            return false;
        }
        self.answered_realms.push(challenge.realm.clone());
        true
    }
}

/// Remembers the last REGISTER challenge (reused on refresh with `nc` incremented) and counts
/// how often each nonce was used.
#[derive(Debug, Clone, Default)]
pub struct NonceCache {
    register: Option<DigestChallenge>,
    counts: Vec<(String, u32)>,
}

/// Nonce counters kept; older nonces are forgotten (the server has long expired them).
const MAX_NONCES: usize = 8;

impl NonceCache {
    /// The next `nc` for `nonce`: 1 the first time, then 2, 3…
    pub fn next_nc(&mut self, nonce: &str) -> u32 {
        if let Some((_, count)) = self.counts.iter_mut().find(|(n, _)| n == nonce) {
            *count += 1;
            return *count;
        }
        if self.counts.len() >= MAX_NONCES {
            self.counts.remove(0);
        }
        self.counts.push((nonce.to_owned(), 1));
        1
    }

    pub fn remember_register(&mut self, challenge: DigestChallenge) {
        self.register = Some(challenge);
    }

    pub fn register_challenge(&self) -> Option<&DigestChallenge> {
        self.register.as_ref()
    }

    /// Forget everything (new credentials).
    pub fn clear(&mut self) {
        self.register = None;
        self.counts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::digest::Algorithm;

    fn challenge(nonce: &str, stale: bool) -> DigestChallenge {
        DigestChallenge {
            realm: "r".into(),
            nonce: nonce.into(),
            opaque: None,
            algorithm: Algorithm::Md5,
            qop_auth: true,
            stale,
            proxy: false,
        }
    }

    #[test]
    fn one_answer_per_realm_except_stale() {
        let mut a = Attempts::default();
        assert!(a.should_answer(&challenge("n1", false)));
        assert!(!a.should_answer(&challenge("n1", false)));
        assert!(a.should_answer(&challenge("n2", true)));
        assert!(a.should_answer(&challenge("n3", true)));
        assert!(!a.should_answer(&challenge("n4", true)));
    }

    #[test]
    fn nonce_counts() {
        let mut c = NonceCache::default();
        assert_eq!(c.next_nc("a"), 1);
        assert_eq!(c.next_nc("a"), 2);
        assert_eq!(c.next_nc("b"), 1);
        for i in 0..10 {
            c.next_nc(&i.to_string());
        }
        assert_eq!(c.next_nc("a"), 1);
    }
}
