//! When to try the WebSocket again after it dropped: exponential back-off with jitter; and
//! where, when the phone has several servers ([`next_server`]).
//!
//! Pure arithmetic: the caller keeps the attempt counter, draws the random number (from
//! `Math.random()` in the browser, a fixed value in tests) and arms a [`crate::timer::Timer`].
//! Jitter spreads the reconnections of many clients after a server restart so they do not all
//! arrive in the same instant.

/// RFC 6455 §7.4.1: "1001 indicates that an endpoint is 'going away', such as a server going
/// down". The server is shutting down on purpose (bwclient-server on SIGTERM) and a new
/// instance takes over, so the first retry is not backed off.
pub const CLOSE_GOING_AWAY: u16 = 1001;

/// The first retry after a 1001 comes within this many ms: at once, spread just enough that
/// every phone of a stopping server does not arrive in the same millisecond.
pub const GOING_AWAY_SPREAD_MS: u32 = 100;

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

impl ReconnectPolicy {
    /// The delay before retry `attempt` after the socket closed with `close_code`: after a
    /// 1001 ([`CLOSE_GOING_AWAY`]) the first retry goes at once (within
    /// [`GOING_AWAY_SPREAD_MS`], never past `max_ms`); otherwise, and for later retries, the
    /// back-off of [`ReconnectPolicy::next_delay`].
    pub fn delay_after_close(&self, close_code: u16, attempt: u32, random01: f64) -> u32 {
        let policy = if close_code == CLOSE_GOING_AWAY && attempt == 0 {
            // The same arithmetic over `[0, GOING_AWAY_SPREAD_MS]` (full jitter).
            ReconnectPolicy {
                initial_ms: GOING_AWAY_SPREAD_MS.min(self.max_ms),
                jitter: 1.0,
                ..*self
            }
        } else {
            *self
        };
        policy.next_delay(attempt, random01)
    }
}

/// The index, in a list of `count` servers, that the retry after a close goes to when the
/// phone was on `current`: after a 1001 ([`CLOSE_GOING_AWAY`]) the first retry goes to the same
/// server (it is being restarted or replaced on purpose, RFC 6455 §7.4.1); any other close,
/// and any failed retry, moves on to the next one, wrapping round to the first.
pub fn next_server(current: usize, count: usize, close_code: u16, attempt: u32) -> usize {
    if count == 0 {
        return 0;
    }
    if close_code == CLOSE_GOING_AWAY && attempt == 0 {
        current % count
    } else {
        (current + 1) % count
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

    #[test]
    fn going_away_retries_at_once_then_backs_off() {
        let policy = ReconnectPolicy::default();
        assert_eq!(policy.delay_after_close(1001, 0, 0.0), 100);
        assert_eq!(policy.delay_after_close(1001, 0, 0.999), 0);
        assert_eq!(policy.delay_after_close(1001, 0, f64::NAN), 100);
        // Later retries (the new server is not up yet) and other codes back off as usual.
        assert_eq!(policy.delay_after_close(1001, 1, 0.0), 1000);
        assert_eq!(policy.delay_after_close(1006, 0, 0.0), 500);
        let tight = ReconnectPolicy {
            max_ms: 40,
            ..policy
        };
        assert_eq!(tight.delay_after_close(1001, 0, 0.0), 40);
    }

    #[test]
    fn servers_rotate_in_order_and_wrap() {
        // A drop or a failed connect moves on; the list wraps round.
        assert_eq!(next_server(0, 3, 1006, 0), 1);
        assert_eq!(next_server(1, 3, 1006, 4), 2);
        assert_eq!(next_server(2, 3, 1006, 1), 0);
        // One server: always that one.
        assert_eq!(next_server(0, 1, 1006, 0), 0);
        assert_eq!(next_server(0, 1, 1001, 0), 0);
        // Going Away: the same server once, then the next if it is not back.
        assert_eq!(next_server(1, 3, 1001, 0), 1);
        assert_eq!(next_server(1, 3, 1001, 1), 2);
        // Out-of-range input never panics.
        assert_eq!(next_server(7, 3, 1001, 0), 1);
        assert_eq!(next_server(5, 0, 1006, 0), 0);
    }

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
