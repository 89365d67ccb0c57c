//! Replay protection for digest credentials (RFC 7616 §3.3–3.4; issue 11, hole 6): the
//! nonce-count of each nonce must increase. "The nc value … allows the server to detect request
//! replays by maintaining its own copy of this count — if the same nc value is seen twice, then
//! the request is a replay" (RFC 7616 §3.4).
//!
//! State is kept only for nonces a valid credential used (the digest response is verified
//! first, so nobody fills the table without a password or token), only while the nonce can be
//! accepted (its lifetime), and for at most `cap` nonces. Past the cap the oldest nonce's state
//! is dropped and every nonce issued no later than it is treated as stale from then on (the
//! client gets a fresh challenge with `stale=true`): memory stays bounded and nothing ever
//! replays.

use std::collections::{BTreeSet, HashMap};

/// What the nonce-count of a request says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NcCheck {
    /// Higher than any seen with this nonce: accepted (and remembered).
    Fresh,
    /// Not higher than one already seen with this nonce: a replay.
    Replay,
    /// The nonce's state had to be dropped (memory bound): challenge afresh.
    Stale,
}

/// Highest nonce-count seen per nonce, for nonces still within their lifetime.
pub struct NonceCounts {
    last: HashMap<String, (u32, u64)>,
    /// `(issued_at, nonce)`, oldest first.
    by_issue: BTreeSet<(u64, String)>,
    /// Nonces issued at or before this (Unix seconds) lost their state: stale.
    floor: Option<u64>,
    ttl_secs: u64,
    cap: usize,
}

impl NonceCounts {
    pub fn new(ttl_secs: u64, cap: usize) -> Self {
        NonceCounts {
            last: HashMap::new(),
            by_issue: BTreeSet::new(),
            floor: None,
            ttl_secs,
            cap: cap.max(1),
        }
    }

    /// Checks and records nonce-count `nc` of `nonce` (issued at `issued`) at `now`.
    pub fn check(&mut self, nonce: &str, issued: u64, nc: u32, now: u64) -> NcCheck {
        self.expire(now);
        if self.floor.is_some_and(|floor| issued <= floor) {
            return NcCheck::Stale;
        }
        if let Some((last, _)) = self.last.get_mut(nonce) {
            if nc > *last {
                *last = nc;
                return NcCheck::Fresh;
            }
            return NcCheck::Replay;
        }
        if nc == 0 {
            return NcCheck::Replay;
        }
        while self.last.len() >= self.cap {
            let Some((oldest, gone)) = self.by_issue.pop_first() else {
                break;
            };
            self.last.remove(&gone);
            self.floor = Some(self.floor.map_or(oldest, |f| f.max(oldest)));
        }
        if self.floor.is_some_and(|floor| issued <= floor) {
            return NcCheck::Stale;
        }
        self.last.insert(nonce.to_owned(), (nc, issued));
        self.by_issue.insert((issued, nonce.to_owned()));
        NcCheck::Fresh
    }

    /// Nonces tracked now.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.last.len()
    }

    /// Forgets nonces past their lifetime (they are refused as stale before reaching here).
    fn expire(&mut self, now: u64) {
        while let Some((issued, _)) = self.by_issue.first() {
            if now.saturating_sub(*issued) <= self.ttl_secs {
                break;
            }
            if let Some((_, nonce)) = self.by_issue.pop_first() {
                self.last.remove(&nonce);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_must_increase_per_nonce() {
        let mut c = NonceCounts::new(300, 100);
        assert_eq!(c.check("n1", 1000, 1, 1000), NcCheck::Fresh);
        assert_eq!(c.check("n1", 1000, 1, 1001), NcCheck::Replay);
        assert_eq!(c.check("n1", 1000, 2, 1001), NcCheck::Fresh);
        assert_eq!(c.check("n1", 1000, 2, 1001), NcCheck::Replay);
        assert_eq!(c.check("n1", 1000, 1, 1001), NcCheck::Replay);
        assert_eq!(c.check("n2", 1000, 1, 1001), NcCheck::Fresh);
        assert_eq!(c.check("n3", 1000, 0, 1001), NcCheck::Replay);
        // Expired state goes with the nonce's lifetime.
        assert_eq!(c.check("n4", 1200, 1, 1301), NcCheck::Fresh);
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn memory_is_bounded_and_evicted_nonces_go_stale() {
        let mut c = NonceCounts::new(300, 3);
        for (i, n) in ["a", "b", "c"].iter().enumerate() {
            assert_eq!(c.check(n, 1000 + i as u64, 1, 1010), NcCheck::Fresh);
        }
        assert_eq!(c.check("d", 1005, 1, 1010), NcCheck::Fresh);
        assert_eq!(c.len(), 3);
        // "a" lost its state: it (and anything as old) is stale, never replayable.
        assert_eq!(c.check("a", 1000, 1, 1010), NcCheck::Stale);
        assert_eq!(c.check("a", 1000, 9, 1010), NcCheck::Stale);
        assert_eq!(c.check("b", 1001, 2, 1010), NcCheck::Fresh);
    }
}
