//! Graceful shutdown of the SIP side (issue 12, item 4): no new WebSocket is accepted (HTTP
//! 503), transactions in flight get a bounded time to finish, then every WebSocket is closed
//! with 1001 "Going Away" (RFC 6455 §7.4.1: "an endpoint is going away, such as a server going
//! down"), which tells a client to reconnect at once rather than after its back-off. Calls are
//! not ended: their ends come back to the next process (`saved_call.rs`, `keys.rs`).

use super::conn_table::lock;
use super::service::SipService;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// RFC 6455 §7.4.1: "1001 indicates that an endpoint is 'going away'".
pub const CLOSE_GOING_AWAY: u16 = 1001;

/// Polling step while waiting (the waits themselves are bounded by the caller's deadline).
const STEP: Duration = Duration::from_millis(20);

/// Counts a connection task while it runs, closing handshake included.
pub struct TaskGuard<'a>(&'a SipService);

impl Drop for TaskGuard<'_> {
    fn drop(&mut self) {
        self.0.tasks.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What a drain did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drained {
    /// Transactions still unfinished when the wait ended (0 unless the bound was hit).
    pub unfinished: usize,
    /// WebSockets closed with 1001.
    pub closed: usize,
}

impl SipService {
    pub(super) fn task_guard(&self) -> TaskGuard<'_> {
        self.tasks.fetch_add(1, Ordering::AcqRel);
        TaskGuard(self)
    }

    /// True once [`SipService::drain`] started: new WebSockets are refused.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    /// Transactions with a branch still pending.
    pub fn transactions_in_flight(&self) -> usize {
        lock(&self.proxy)
            .txns
            .values()
            .filter(|t| t.done_at.is_none())
            .count()
    }

    /// Refuses new WebSockets, waits until no transaction is in flight (at most until
    /// `deadline`), closes every WebSocket with 1001 and waits for their tasks to end
    /// (closing handshakes included, at most until `deadline` plus the close wait).
    pub async fn drain(&self, deadline: Instant) -> Drained {
        self.draining.store(true, Ordering::Release);
        while self.transactions_in_flight() > 0 && Instant::now() < deadline {
            tokio::time::sleep(STEP).await;
        }
        let unfinished = self.transactions_in_flight();
        let ids = self.conns.ids();
        for id in &ids {
            self.conns
                .close(*id, CLOSE_GOING_AWAY, "server shutting down");
        }
        // Each task answers within its close wait (`connection.rs`); this bound is a backstop.
        let tasks_deadline = deadline.max(Instant::now()) + Duration::from_secs(3);
        while self.tasks.load(Ordering::Acquire) > 0 && Instant::now() < tasks_deadline {
            tokio::time::sleep(STEP).await;
        }
        Drained {
            unfinished,
            closed: ids.len(),
        }
    }
}
