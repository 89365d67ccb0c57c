//! Time as the caller gives it: milliseconds since an arbitrary origin.
//!
//! The core never reads a clock (`std::time::Instant::now()` panics on wasm32): every entry point
//! takes `now`, which the browser takes from `performance.now()` and tests advance by hand.

use core::ops::Add;
use core::time::Duration;

/// A point in time, in milliseconds since an origin chosen by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Time(u64);

impl Time {
    /// The origin.
    pub const ZERO: Time = Time(0);

    /// The time `millis` milliseconds after the origin.
    pub const fn from_millis(millis: u64) -> Time {
        Time(millis)
    }

    /// Milliseconds since the origin.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// How long after `earlier` this is; zero if it is not after it.
    pub fn since(self, earlier: Time) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Time {
    type Output = Time;

    /// Saturates instead of overflowing: a deadline that far away never fires anyway.
    fn add(self, rhs: Duration) -> Time {
        let millis = u64::try_from(rhs.as_millis()).unwrap_or(u64::MAX);
        Time(self.0.saturating_add(millis))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_and_measures() {
        let t = Time::from_millis(1_000) + Duration::from_secs(2);
        assert_eq!(t.as_millis(), 3_000);
        assert_eq!(
            t.since(Time::from_millis(500)),
            Duration::from_millis(2_500)
        );
        assert_eq!(Time::ZERO.since(t), Duration::ZERO);
        assert_eq!(
            (Time::from_millis(u64::MAX) + Duration::from_secs(1)).as_millis(),
            u64::MAX
        );
    }
}
