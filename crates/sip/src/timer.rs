//! A typed timer table (after quinn-proto's `connection/timer.rs`): each state machine keeps
//! one deadline per timer kind it uses, and reports the earliest one.

use crate::time::Time;
use core::time::Duration;

/// RFC 3261 §17.1.1.1: the round-trip estimate, 500 ms.
const T1: Duration = Duration::from_millis(500);

/// RFC 3261 §17.1.1.2 Timer B, §17.1.2.2 Timer F, §17.2.1 Timer H, RFC 6026 Timers L and M:
/// `64 * T1` = 32 s. (Timers D, I, J and K are zero over a reliable transport, RFC 3261
/// §17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2: over WebSocket those states end at once.)
pub const TIMER_64_T1: Duration = T1.saturating_mul(64);

/// Deadlines keyed by a small copyable kind. Setting a kind again moves its deadline.
#[derive(Debug, Clone)]
pub struct TimerTable<K> {
    entries: Vec<(K, Time)>,
}

impl<K> Default for TimerTable<K> {
    fn default() -> Self {
        TimerTable {
            entries: Vec::new(),
        }
    }
}

impl<K: Copy + PartialEq> TimerTable<K> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Arms `kind` to fire at `at`.
    pub fn set(&mut self, kind: K, at: Time) {
        self.stop(kind);
        self.entries.push((kind, at));
    }

    /// Disarms `kind`.
    pub fn stop(&mut self, kind: K) {
        self.entries.retain(|(k, _)| *k != kind);
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn get(&self, kind: K) -> Option<Time> {
        self.entries
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, t)| *t)
    }

    /// The earliest deadline.
    pub fn next_deadline(&self) -> Option<Time> {
        self.entries.iter().map(|(_, t)| *t).min()
    }

    /// Removes and returns the earliest kind due at `now`, if any.
    pub fn pop_expired(&mut self, now: Time) -> Option<K> {
        let (at, _) = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, (_, t))| *t <= now)
            .min_by_key(|(_, (_, t))| *t)?;
        Some(self.entries.remove(at).0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Kind {
        A,
        B,
    }

    #[test]
    fn earliest_first() {
        let mut t = TimerTable::new();
        t.set(Kind::A, Time::from_millis(50));
        t.set(Kind::B, Time::from_millis(20));
        assert_eq!(t.next_deadline(), Some(Time::from_millis(20)));
        assert_eq!(t.pop_expired(Time::from_millis(10)), None);
        assert_eq!(t.pop_expired(Time::from_millis(60)), Some(Kind::B));
        assert_eq!(t.pop_expired(Time::from_millis(60)), Some(Kind::A));
        assert_eq!(t.pop_expired(Time::from_millis(60)), None);
        t.set(Kind::A, Time::from_millis(5));
        t.set(Kind::A, Time::from_millis(9));
        assert_eq!(t.get(Kind::A), Some(Time::from_millis(9)));
        t.stop(Kind::A);
        assert_eq!(t.next_deadline(), None);
    }
}
