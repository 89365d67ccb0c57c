//! When to try the WebSocket again after it dropped: exponential back-off with jitter.
//!
//! Pure arithmetic: the caller keeps the attempt counter, draws the random number (from
//! `Math.random()` in the browser, a fixed value in tests) and arms a [`crate::timer::Timer`].
//! Jitter spreads the reconnections of many clients after a server restart so they do not all
//! arrive in the same instant.

/// Back-off bounds; all configurable from the phone options.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReconnectPolicy {
    /// Delay before the first retry, in ms.
    pub initial_ms: u32,
    /// No delay exceeds this, in ms.
    pub max_ms: u32,
    /// Growth per attempt (2.0 doubles); values below 1 (or not finite) are treated as 1.
    pub factor: f64,
    /// Fraction of the delay that is random, 0..=1: the delay is drawn from
    /// `[base * (1 - jitter), base]`, so jitter never pushes it past `max_ms`.
    pub jitter: f64,
}

impl Default for ReconnectPolicy {
    /// 0.5 s, 1 s, 2 s, … up to 30 s, each shortened by up to half at random.
    fn default() -> ReconnectPolicy {
        ReconnectPolicy {
            initial_ms: 500,
            max_ms: 30_000,
            factor: 2.0,
            jitter: 0.5,
        }
    }
}

impl ReconnectPolicy {
    /// The delay before retry number `attempt` (0 for the first retry after a drop), given a
    /// uniform random number `random01` in `[0, 1)`; out-of-range or NaN inputs are clamped.
    pub fn next_delay(&self, attempt: u32, random01: f64) -> u32 {
        let factor = if self.factor.is_finite() && self.factor >= 1.0 {
            self.factor
        } else {
            1.0
        };
        let max = f64::from(self.max_ms);
        // Capping the exponent keeps powi finite; the min with `max` does the real bounding.
        let exponent = i32::try_from(attempt.min(1024)).unwrap_or(1024);
        let base = (f64::from(self.initial_ms) * factor.powi(exponent)).min(max);
        let jitter = clamp01(self.jitter);
        let random = clamp01(random01);
        // `as` saturates for floats, and the value is already within 0..=max_ms.
        (base * (1.0 - jitter * random)).round() as u32
    }
}

fn clamp01(value: f64) -> f64 {
    if value.is_nan() {
        0.0
    } else {
        value.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_jitter() -> ReconnectPolicy {
        ReconnectPolicy {
            jitter: 0.0,
            ..ReconnectPolicy::default()
        }
    }

    #[test]
    fn grows_exponentially_from_initial_and_stops_at_max() {
        let policy = no_jitter();
        let delays: Vec<u32> = (0..8).map(|n| policy.next_delay(n, 0.7)).collect();
        assert_eq!(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
        assert_eq!(policy.next_delay(u32::MAX, 0.0), 30_000);
    }

    #[test]
    fn jitter_shortens_the_delay_by_at_most_its_fraction() {
        let policy = ReconnectPolicy::default();
        assert_eq!(policy.next_delay(2, 0.0), 2000);
        assert_eq!(policy.next_delay(2, 0.5), 1500);
        assert_eq!(policy.next_delay(2, 0.999_999), 1000);
        assert_eq!(policy.next_delay(40, 0.0), 30_000);
        assert_eq!(policy.next_delay(40, 1.0), 15_000);
    }

    #[test]
    fn bad_inputs_are_clamped_not_propagated() {
        let policy = ReconnectPolicy {
            initial_ms: 100,
            max_ms: 1000,
            factor: 0.5,
            jitter: 7.0,
        };
        // factor < 1 acts as 1; jitter > 1 acts as 1.
        assert_eq!(policy.next_delay(5, 0.0), 100);
        assert_eq!(policy.next_delay(5, 0.25), 75);
        assert_eq!(policy.next_delay(5, f64::NAN), 100);
        assert_eq!(policy.next_delay(5, -3.0), 100);
        assert_eq!(policy.next_delay(5, 9.0), 0);
        let nan_factor = ReconnectPolicy {
            factor: f64::NAN,
            ..policy
        };
        assert_eq!(nan_factor.next_delay(3, 0.0), 100);
    }

    #[test]
    fn max_below_initial_caps_the_first_delay_too() {
        let policy = ReconnectPolicy {
            initial_ms: 5000,
            max_ms: 1000,
            factor: 2.0,
            jitter: 0.0,
        };
        assert_eq!(policy.next_delay(0, 0.3), 1000);
    }
}
