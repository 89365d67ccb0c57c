//! [`SipService`]: the shared state of the registrar and proxy, and the few entry points the
//! connection tasks and the rest of the server use.

use super::admission::{AddrGate, Admission, Refused};
use super::config::SipConfig;
use super::conn_auth::ConnAuth;
use super::conn_table::{lock, ConnId, ConnTable};
use super::flow_token::FlowKey;
use super::keys;
use super::location::{aor_key, Location};
use super::nonce::NonceKey;
use super::nonce_count::NonceCounts;
use super::txn::ProxyState;
use crate::directory::Directory;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The SIP registrar and stateful proxy. One per server; shared by every WebSocket task.
pub struct SipService {
    pub(super) dir: Arc<dyn Directory>,
    pub(super) config: SipConfig,
    pub(super) conns: ConnTable,
    pub(super) location: Mutex<Location>,
    /// Who each connection registered as, and with what credential (`conn_auth.rs`).
    pub(super) conn_auth: Mutex<ConnAuth>,
    pub(super) proxy: Mutex<ProxyState>,
    pub(super) nonces: NonceKey,
    /// Highest nonce-count seen per nonce in use (digest replay protection).
    pub(super) nonce_counts: Mutex<NonceCounts>,
    pub(super) flows: FlowKey,
    /// Connections admitted (upgrades accepted), for `max_connections`.
    slots: AtomicUsize,
    /// Per-source-address counts, for `max_connections_per_addr` and
    /// `max_unauthenticated_per_addr`.
    pub(super) gate: AddrGate,
    sweeper_started: AtomicBool,
    /// Set by a graceful shutdown (`shutdown.rs`): new WebSockets are refused.
    pub(super) draining: AtomicBool,
    /// Connection tasks running, closing handshakes included.
    pub(super) tasks: AtomicUsize,
}

impl SipService {
    pub fn new(directory: Arc<dyn Directory>, config: SipConfig) -> Arc<SipService> {
        // Keys that survive a restart (`keys.rs`).
        let secret = directory.token_secret();
        let nonce_key = keys::derive(&secret, keys::NONCE_LABEL);
        let flow_key = keys::derive(&secret, keys::FLOW_LABEL);
        let service = Arc::new(SipService {
            dir: directory,
            nonces: NonceKey::new(nonce_key, config.nonce_ttl, now_unix()),
            gate: AddrGate::new(
                config.max_connections_per_addr,
                config.max_unauthenticated_per_addr,
            ),
            nonce_counts: Mutex::new(NonceCounts::new(
                config.nonce_ttl.as_secs(),
                config.max_tracked_nonces,
            )),
            flows: FlowKey::new(flow_key),
            config,
            conns: ConnTable::default(),
            location: Mutex::new(Location::default()),
            conn_auth: Mutex::new(ConnAuth::default()),
            proxy: Mutex::new(ProxyState::default()),
            slots: AtomicUsize::new(0),
            sweeper_started: AtomicBool::new(false),
            draining: AtomicBool::new(false),
            tasks: AtomicUsize::new(0),
        });
        // Calls set up before a restart (`saved_call.rs`); the sweeper ends those whose ends
        // do not come back.
        if service.restore_calls(Instant::now()) > 0
            && tokio::runtime::Handle::try_current().is_ok()
        {
            service.ensure_sweeper();
        }
        service
    }

    pub fn config(&self) -> &SipConfig {
        &self.config
    }

    /// Live registered contacts of an address-of-record, written `user@host` or
    /// `sip:user@host`.
    pub fn registered_contacts(&self, aor: &str) -> usize {
        let aor = aor
            .strip_prefix("sips:")
            .or_else(|| aor.strip_prefix("sip:"))
            .unwrap_or(aor);
        let Some((user, host)) = aor.rsplit_once('@') else {
            return 0;
        };
        lock(&self.location).count(&aor_key(user, host), Instant::now())
    }

    /// Closes every WebSocket that holds a binding of `user@host` (the server side of a network
    /// drop, for fault tests and the demo's "drop my connection" button). Returns how many.
    pub fn drop_connections(&self, user: &str, host: &str) -> usize {
        self.drop_connections_with(user, host, None)
    }

    /// [`SipService::drop_connections`], closing each socket with `close` (a close code and
    /// reason, e.g. 1001 as a graceful shutdown does) instead of dropping it.
    pub fn drop_connections_with(
        &self,
        user: &str,
        host: &str,
        close: Option<(u16, &'static str)>,
    ) -> usize {
        let conns: Vec<ConnId> = lock(&self.location)
            .bindings(&aor_key(user, host), Instant::now())
            .into_iter()
            .map(|b| b.conn)
            .collect();
        for conn in &conns {
            match close {
                Some((code, reason)) => self.conns.close(*conn, code, reason),
                // Without its sender the connection task's queue ends, and the task closes the
                // socket.
                None => self.conns.remove(*conn),
            }
        }
        conns.len()
    }

    /// Addresses-of-record with at least one binding.
    pub fn registered_aors(&self) -> usize {
        lock(&self.location).aor_count()
    }

    /// Open SIP WebSocket connections.
    pub fn connection_count(&self) -> usize {
        self.slots.load(Ordering::Relaxed)
    }

    /// Calls being set up or in progress that the proxy tracks (for stats and tests).
    pub fn active_calls(&self) -> usize {
        lock(&self.proxy).call_count()
    }

    /// Takes a connection slot, or `None` at `max_connections`.
    /// A connection with no socket behind it: what the service sends it arrives on the
    /// returned receiver (at most `queue` frames waiting). With [`SipService::on_frame`],
    /// [`SipService::sweep_at`] and [`SipService::connection_closed`] a test drives the
    /// registrar and proxy in simulated time.
    pub fn attach(&self, queue: usize) -> (ConnId, tokio::sync::mpsc::Receiver<Vec<u8>>) {
        let (tx, rx) = tokio::sync::mpsc::channel(queue.max(1));
        (self.conns.insert(tx, None), rx)
    }

    /// `(open, not yet authenticated)` WebSocket connections from `ip`'s address.
    pub fn connections_from(&self, ip: IpAddr) -> (usize, usize) {
        self.gate.held(ip)
    }

    /// Takes a connection slot for a client at `peer` (if known), or says which limit
    /// refuses it: `max_connections`, or one of the per-address caps.
    pub(super) fn reserve_slot(
        self: &Arc<Self>,
        peer: Option<IpAddr>,
    ) -> Result<ConnSlot, SlotRefused> {
        let admission = match peer {
            Some(ip) => self.gate.admit(ip).map_err(SlotRefused::Addr)?,
            None => Admission::unlisted(),
        };
        let before = self.slots.fetch_add(1, Ordering::AcqRel);
        if before >= self.config.max_connections {
            self.slots.fetch_sub(1, Ordering::AcqRel);
            self.gate.release(&admission);
            return Err(SlotRefused::Total);
        }
        Ok(ConnSlot {
            service: Arc::clone(self),
            admission,
        })
    }

    /// `conn` sent a request that passed authentication (issue 11, hole 5): it no longer
    /// counts as anonymous, and the authentication deadline no longer applies to it.
    pub(super) fn authenticated(&self, conn: ConnId) {
        if let Some(a) = self.conns.admission(conn) {
            self.gate.authenticated(&a);
        }
    }

    /// Starts the periodic sweep (binding expiry, Timer C, transaction clean-up) once, from
    /// inside the runtime.
    pub(super) fn ensure_sweeper(self: &Arc<Self>) {
        if !self.sweeper_started.swap(true, Ordering::AcqRel) {
            super::sweep::spawn(Arc::downgrade(self));
        }
    }

    /// Queues a frame for a connection; `false` if it is gone or saturated.
    pub(super) fn send(&self, conn: ConnId, frame: Vec<u8>) -> bool {
        self.conns.send(conn, frame)
    }
}

impl std::fmt::Debug for SipService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SipService")
            .field("connections", &self.connection_count())
            .finish_non_exhaustive()
    }
}

/// Why a WebSocket upgrade was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotRefused {
    /// `max_connections` reached.
    Total,
    /// A per-address cap reached.
    Addr(Refused),
}

/// A held connection slot; dropping it frees the slot.
pub struct ConnSlot {
    service: Arc<SipService>,
    admission: Arc<Admission>,
}

impl ConnSlot {
    /// The connection's place in the per-address count, and whether it has authenticated.
    pub fn admission(&self) -> Arc<Admission> {
        Arc::clone(&self.admission)
    }
}

impl Drop for ConnSlot {
    fn drop(&mut self) {
        self.service.slots.fetch_sub(1, Ordering::AcqRel);
        self.service.gate.release(&self.admission);
    }
}

/// Wall-clock seconds for token and nonce expiry (tokens carry Unix times).
pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
