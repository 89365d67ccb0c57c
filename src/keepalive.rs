//! CRLF keep-alives on the SIP WebSocket (RFC 5626 §4.4.1, over RFC 7118): on an idle
//! connection the client sends a "ping" (`CRLFCRLF`) and expects the "pong" (`CRLF`) within
//! [`PONG_TIMEOUT_MS`]; none → the flow has failed, and the phone takes its reconnect/failover
//! path. This finds a server that died without closing the TCP connection (power loss, a
//! partition, a frozen process), which otherwise goes unnoticed until the next SIP transaction.
//!
//! Pure state: the phone feeds it the clock (ms), what it receives and a random number (from
//! `Math.random()` in the browser, fixed values in tests), and arms a [`crate::timer::Timer`]
//! for [`KeepAlive::deadline`].
//!
//! A server that never answers a ping is not taken for dead: RFC 5626 §4.4.1 wants keep-alives
//! only where the registrar agreed to outbound, and a server that does not pong is treated as
//! "keep-alives unsupported" on that connection (they stop). Only a server that has answered a
//! ping on this connection and then stays silent past the deadline fails the flow. So that this
//! is known at once, the first ping goes out as soon as the connection opens.

/// The "ping": a double CRLF (RFC 5626 §4.4.1, §3.5.1).
pub const PING: &str = "\r\n\r\n";

/// RFC 5626 §4.4.1: "If a pong is not received within 10 seconds after sending a ping ... the
/// UA MUST treat the flow as failed".
pub const PONG_TIMEOUT_MS: u32 = 10_000;

/// The `keepAliveSeconds` default. Short enough that a dead server is noticed within 35 s at
/// worst (25 s + the 10 s pong deadline) — a call's in-dialog requests go nowhere until then —
/// and under the 30–60 s idle timeouts common in proxies, load balancers and NATs; long enough
/// that a ping costs a server one 4-byte frame per phone every 20–25 s.
pub const DEFAULT_INTERVAL_S: u32 = 25;

/// Whether a received frame is a pong (a lone CRLF) — or any frame of only CR/LF, which is
/// keep-alive traffic, never a SIP message, and must not reach the SIP parser.
pub fn is_keep_alive_frame(frame: &str) -> bool {
    !frame.is_empty() && frame.bytes().all(|b| b == b'\r' || b == b'\n')
}

/// What the phone must do when [`KeepAlive::deadline`] passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Nothing yet (the timer fired early, or the state moved on).
    Nothing,
    /// Send [`PING`] now.
    Ping,
    /// No pong within [`PONG_TIMEOUT_MS`] from a server that pongs: the flow has failed.
    Failed,
}

/// The keep-alive state of one connection (a new one per socket).
#[derive(Debug, Clone, PartialEq)]
pub struct KeepAlive {
    /// The configured interval in ms; 0 means off.
    interval_ms: u32,
    /// When the next ping goes out, or when the pong is due; `None` when stopped.
    deadline: Option<f64>,
    /// `deadline` is a pong's: a ping is out and nothing came since.
    awaiting_pong: bool,
    /// A ping is out and its pong has not come (SIP traffic may have come meanwhile).
    ping_out: bool,
    /// The server answered a ping on this connection: its silence now means failure.
    ponged: bool,
}

impl KeepAlive {
    /// The state for a connection that just opened, `now` in ms: the first ping is due at
    /// once (it finds out whether the server answers them). `interval_s` 0 turns keep-alives
    /// off.
    pub fn opened(interval_s: u32, now: f64) -> KeepAlive {
        let interval_ms = interval_s.saturating_mul(1000);
        KeepAlive {
            interval_ms,
            deadline: (interval_ms > 0).then_some(now),
            awaiting_pong: false,
            ping_out: false,
            ponged: false,
        }
    }

    /// When the phone must call [`KeepAlive::on_deadline`] (ms, the clock of `now`); `None`
    /// when keep-alives are off or stopped.
    pub fn deadline(&self) -> Option<f64> {
        self.deadline
    }

    /// Whether the server has answered a ping on this connection.
    pub fn ponged(&self) -> bool {
        self.ponged
    }

    /// RFC 5626 §4.4.1: each interval is drawn at random between 80 % and 100 % of the
    /// configured one, so many clients do not ping in step.
    fn schedule_ping(&mut self, now: f64, random01: f64) {
        self.awaiting_pong = false;
        self.deadline = (self.interval_ms > 0).then(|| {
            let random = if random01.is_nan() {
                0.0
            } else {
                random01.clamp(0.0, 1.0)
            };
            now + f64::from(self.interval_ms) * (0.8 + 0.2 * random)
        });
    }

    /// Something came from the server at `now`: `pong` for a keep-alive frame, else a SIP
    /// message. Either proves the connection alive (a busy server may drop a pong under its
    /// rate limit but still answers SIP); the next ping waits for another idle interval.
    pub fn on_received(&mut self, now: f64, pong: bool, random01: f64) {
        // Stopped; or the first ping is not out yet: it goes out anyway, to learn whether the
        // server answers keep-alives.
        if self.deadline.is_none() || !(self.ping_out || self.ponged) {
            return;
        }
        if pong && self.ping_out {
            self.ping_out = false;
            self.ponged = true;
        }
        self.schedule_ping(now, random01);
    }

    /// The timer for [`KeepAlive::deadline`] fired at `now`.
    pub fn on_deadline(&mut self, now: f64) -> Due {
        match self.deadline {
            Some(at) if now >= at => {}
            _ => return Due::Nothing,
        }
        if !self.awaiting_pong {
            self.awaiting_pong = true;
            self.ping_out = true;
            self.deadline = Some(now + f64::from(PONG_TIMEOUT_MS));
            return Due::Ping;
        }
        self.deadline = None;
        self.awaiting_pong = false;
        if self.ponged {
            Due::Failed
        } else {
            // Never answered on this connection: a server without CRLF keep-alives (RFC 5626
            // §4.4.1 asks for them only when the registrar agreed to outbound). Stop.
            Due::Nothing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection opened at 0 whose first ping (at once) got its pong at `at`.
    fn answered(interval_s: u32, at: f64, random01: f64) -> KeepAlive {
        let mut k = KeepAlive::opened(interval_s, 0.0);
        assert_eq!(k.deadline(), Some(0.0), "the first ping is due at once");
        assert_eq!(k.on_deadline(0.0), Due::Ping);
        k.on_received(at, true, random01);
        assert!(k.ponged());
        k
    }

    #[test]
    fn the_interval_is_80_to_100_percent_of_the_configured_one() {
        assert_eq!(answered(25, 1000.0, 0.0).deadline(), Some(21_000.0));
        assert_eq!(answered(25, 1000.0, 1.0).deadline(), Some(26_000.0));
        assert_eq!(answered(25, 0.0, 0.5).deadline(), Some(22_500.0));
        // Out-of-range randoms are clamped, never propagated.
        assert_eq!(answered(25, 0.0, f64::NAN).deadline(), Some(20_000.0));
        assert_eq!(answered(25, 0.0, 7.0).deadline(), Some(25_000.0));
        assert_eq!(answered(25, 0.0, -1.0).deadline(), Some(20_000.0));
    }

    #[test]
    fn zero_turns_keep_alives_off() {
        let mut k = KeepAlive::opened(0, 0.0);
        assert_eq!(k.deadline(), None);
        assert_eq!(k.on_deadline(1e12), Due::Nothing);
        k.on_received(5.0, true, 0.5);
        assert_eq!(k.deadline(), None);
    }

    #[test]
    fn ping_then_pong_then_the_next_ping_an_interval_later() {
        let mut k = answered(10, 50.0, 0.0);
        assert_eq!(k.on_deadline(8_049.0), Due::Nothing, "too early");
        assert_eq!(k.on_deadline(8_050.0), Due::Ping);
        assert_eq!(k.deadline(), Some(18_050.0), "the pong is due 10 s later");
        k.on_received(8_100.0, true, 1.0);
        assert_eq!(k.deadline(), Some(18_100.0));
        assert_eq!(k.on_deadline(18_100.0), Due::Ping);
    }

    #[test]
    fn no_pong_from_a_server_that_pongs_fails_the_flow_after_10_s() {
        let mut k = answered(10, 10.0, 0.0);
        assert_eq!(k.on_deadline(8_010.0), Due::Ping);
        assert_eq!(k.on_deadline(18_009.0), Due::Nothing);
        assert_eq!(k.on_deadline(18_010.0), Due::Failed);
        assert_eq!(k.deadline(), None, "nothing more on a failed flow");
    }

    #[test]
    fn a_server_that_never_pongs_is_taken_for_one_without_keep_alives() {
        let mut k = KeepAlive::opened(10, 0.0);
        assert_eq!(k.on_deadline(0.0), Due::Ping);
        assert_eq!(k.on_deadline(10_000.0), Due::Nothing);
        assert!(!k.ponged());
        assert_eq!(k.deadline(), None, "no more pings on this connection");
    }

    #[test]
    fn sip_traffic_counts_as_liveness_and_postpones_the_ping() {
        let mut k = KeepAlive::opened(10, 0.0);
        assert_eq!(k.on_deadline(0.0), Due::Ping);
        // The 200 to the REGISTER comes before the pong: alive, not yet known to pong.
        k.on_received(5.0, false, 0.0);
        assert!(!k.ponged());
        assert_eq!(k.deadline(), Some(8_005.0));
        // ... and the pong after it still shows that the server answers keep-alives.
        k.on_received(7.0, true, 0.0);
        assert!(k.ponged());
        assert_eq!(k.deadline(), Some(8_007.0));
        k.on_received(5_000.0, false, 0.0);
        assert_eq!(k.deadline(), Some(13_000.0));
        assert_eq!(k.on_deadline(13_000.0), Due::Ping);
        // A SIP message instead of the pong (a pong dropped under a rate limit) is enough.
        k.on_received(14_000.0, false, 0.0);
        assert_eq!(k.on_deadline(22_000.0), Due::Ping);
        // A pong nobody asked for does not make a server "one that pongs".
        // Nor does anything received before the first ping put that ping off.
        let mut fresh = KeepAlive::opened(10, 0.0);
        fresh.on_received(1.0, true, 0.0);
        assert!(!fresh.ponged());
        assert_eq!(fresh.deadline(), Some(0.0));
    }

    #[test]
    fn keep_alive_frames_are_only_cr_and_lf() {
        assert!(is_keep_alive_frame("\r\n"));
        assert!(is_keep_alive_frame("\r\n\r\n"));
        assert!(is_keep_alive_frame("\n"));
        assert!(!is_keep_alive_frame(""));
        assert!(!is_keep_alive_frame("\r\nSIP/2.0 200 OK\r\n"));
    }
}
