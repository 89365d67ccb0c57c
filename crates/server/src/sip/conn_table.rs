//! The table of live WebSocket connections: a connection id names a flow (RFC 5626 §3.1, the
//! "flow" a registration and a dialog are bound to), and sending to it queues a frame for that
//! connection's task.

use super::admission::Admission;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// One WebSocket connection (one flow). Never reused, within a process or by the next one:
/// numbering starts at the process's start time in microseconds, so an id in a flow token
/// signed before a restart never names a connection opened after it (that would take more
/// than a million connections a second, sustained, in the previous process).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

impl fmt::Display for ConnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Live connections and the queues feeding their writer.
pub struct ConnTable {
    next: AtomicU64,
    senders: Mutex<HashMap<ConnId, mpsc::Sender<Vec<u8>>>>,
    /// Each socket connection's place in the per-address count (none for [`SipService::attach`]).
    ///
    /// [`SipService::attach`]: super::service::SipService::attach
    admissions: Mutex<HashMap<ConnId, Arc<Admission>>>,
    /// Close code and reason for connections the server closes on purpose (revocation).
    closing: Mutex<HashMap<ConnId, (u16, &'static str)>>,
}

impl Default for ConnTable {
    fn default() -> Self {
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX / 2))
            .unwrap_or(0);
        ConnTable {
            next: AtomicU64::new(start),
            senders: Mutex::default(),
            admissions: Mutex::default(),
            closing: Mutex::default(),
        }
    }
}

impl ConnTable {
    /// Adds a connection whose task reads frames from `tx`'s receiver.
    pub fn insert(&self, tx: mpsc::Sender<Vec<u8>>, admission: Option<Arc<Admission>>) -> ConnId {
        let id = ConnId(self.next.fetch_add(1, Ordering::Relaxed) + 1);
        lock(&self.senders).insert(id, tx);
        if let Some(admission) = admission {
            lock(&self.admissions).insert(id, admission);
        }
        id
    }

    /// Stops sending to `id` (its task then closes the socket).
    pub fn remove(&self, id: ConnId) {
        lock(&self.senders).remove(&id);
        lock(&self.closing).remove(&id);
    }

    /// Removes `id` so that nothing more is sent to it or routed to it, and has its task close
    /// the WebSocket with `code` and `reason` (RFC 6455 §5.5.1).
    ///
    /// The code is recorded before the sender is dropped: dropping it wakes the task, which
    /// must find the code then (else it closes without a Close frame — a race that showed once
    /// revocations came from the blocking pool, beside the workers).
    pub fn close(&self, id: ConnId, code: u16, reason: &'static str) {
        let mut senders = lock(&self.senders);
        if senders.contains_key(&id) {
            lock(&self.closing).insert(id, (code, reason));
            senders.remove(&id);
        }
    }

    /// The close code and reason set by [`ConnTable::close`], taken once.
    pub fn take_close(&self, id: ConnId) -> Option<(u16, &'static str)> {
        lock(&self.closing).remove(&id)
    }

    /// Forgets `id` entirely, once its task has ended.
    pub fn forget(&self, id: ConnId) {
        lock(&self.senders).remove(&id);
        lock(&self.closing).remove(&id);
        lock(&self.admissions).remove(&id);
    }

    /// The per-address admission of a socket connection.
    pub fn admission(&self, id: ConnId) -> Option<Arc<Admission>> {
        lock(&self.admissions).get(&id).cloned()
    }

    /// Every connection still in the table.
    pub fn ids(&self) -> Vec<ConnId> {
        lock(&self.senders).keys().copied().collect()
    }

    pub fn contains(&self, id: ConnId) -> bool {
        lock(&self.senders).contains_key(&id)
    }

    /// Queues one message (its bytes) for `id`. `false` if the connection is gone or its queue is full
    /// (a reader that does not keep up loses frames rather than growing the server's memory).
    pub fn send(&self, id: ConnId, frame: Vec<u8>) -> bool {
        let tx = match lock(&self.senders).get(&id) {
            Some(tx) => tx.clone(),
            None => return false,
        };
        match tx.try_send(frame) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(conn = %id, "sip: frame dropped: {e}");
                false
            }
        }
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it (state stays usable).
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
