//! Per-connection rate limit: a token bucket, so one chatty client cannot starve the others.

use std::time::Instant;

/// A token bucket: `burst` messages at once, refilled at `per_sec` messages per second.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    per_sec: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket. A zero rate with a zero burst admits nothing.
    pub fn new(per_sec: u32, burst: u32, now: Instant) -> Self {
        let burst = f64::from(burst.max(1));
        TokenBucket {
            per_sec: f64::from(per_sec),
            burst,
            tokens: burst,
            last: now,
        }
    }

    /// Takes one token if there is one; `false` means the message is over the limit.
    pub fn admit(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn burst_then_refill() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10, 3, t0);
        assert!(b.admit(t0));
        assert!(b.admit(t0));
        assert!(b.admit(t0));
        assert!(!b.admit(t0));
        // 10 per second: one token back after 100 ms.
        let t1 = t0 + Duration::from_millis(100);
        assert!(b.admit(t1));
        assert!(!b.admit(t1));
        // Never more than the burst, however long the pause.
        let t2 = t1 + Duration::from_secs(60);
        for _ in 0..3 {
            assert!(b.admit(t2));
        }
        assert!(!b.admit(t2));
    }
}
