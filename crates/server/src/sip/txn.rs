//! The proxy's transaction state (RFC 3261 §16.2 "stateful proxy", §17): one server
//! transaction per request a client sent, with one client transaction (branch) per target it
//! was forked to, and the calls being tracked for application events.
//!
//! Over WebSocket the transport is reliable, so there are no retransmission timers (RFC 3261
//! §17.1.1.2, §17.2.1): a transaction lives until every branch has a final response, plus a
//! short linger to absorb a late ACK or a late extra 2xx.

use super::conn_table::ConnId;
use super::side::{Side, Who};
use crate::directory::CallEvent;
use bwclient_sip::{Request, Response};
use std::collections::HashMap;
use std::time::Instant;

/// Names one proxy transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TxnId(pub u64);

/// Where one branch (client transaction) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchState {
    /// Sent, nothing back yet.
    Calling,
    /// A provisional response came (RFC 3261 §17.1.1.2 "Proceeding").
    Proceeding,
    /// A final response came (or was synthesised: flow lost, timeout).
    Completed(u16),
}

/// One forked copy of the request (RFC 3261 §16.6).
#[derive(Debug, Clone)]
pub struct Branch {
    /// The `branch` of the Via the proxy added.
    pub branch: String,
    pub conn: ConnId,
    /// Who is at `conn`, if it registered with an instance (RFC 5626 §5.3).
    pub who: Option<Who>,
    /// The request as forwarded, to build CANCEL and ACK from (RFC 3261 §9.1, §17.1.1.3).
    pub request: Request,
    pub state: BranchState,
    pub started: Instant,
    /// When a CANCEL went to this branch.
    pub cancel_sent: Option<Instant>,
}

impl Branch {
    pub fn is_pending(&self) -> bool {
        !matches!(self.state, BranchState::Completed(_))
    }
}

/// One server transaction and its branches (RFC 3261 §16.2: a stateful proxy is a server
/// transaction plus one or more client transactions).
#[derive(Debug, Clone)]
pub struct ProxyTxn {
    /// The client: its connection and, if known, its identity, so that responses still reach
    /// it after it reconnected (RFC 5626 §5.3).
    pub from: Side,
    /// The request as received (responses the proxy generates are built from it).
    pub request: Request,
    /// The `branch` of the client's top Via (RFC 3261 §17.2.3 matching).
    pub server_branch: String,
    pub is_invite: bool,
    pub branches: Vec<Branch>,
    /// A final response went to the client; for INVITE later 2xx are still forwarded
    /// (RFC 3261 §16.7 step 5).
    pub final_sent: bool,
    /// A 2xx went to the client.
    pub answered: bool,
    /// The best final non-2xx so far (RFC 3261 §16.7 step 6).
    pub best: Option<Response>,
    /// Set when no branch is pending any more.
    pub done_at: Option<Instant>,
    /// The Call-ID of the call this initial INVITE set up, for events.
    pub call: Option<String>,
}

/// An application-visible call (an initial INVITE the proxy forwarded).
#[derive(Debug, Clone)]
pub struct CallRecord {
    pub from: String,
    pub to: String,
    /// `(endpoint id, callback url)` of each party whose application wants events.
    pub parties: Vec<(String, String)>,
    pub answered: bool,
    /// The caller's end, then the answering one.
    pub sides: Vec<Side>,
    /// Since when an end is gone and may still come back on a new connection (RFC 5626 §5.3);
    /// the call ends if it has not after [`super::SipConfig::reconnect_grace`].
    pub orphaned_at: Option<Instant>,
}

impl CallRecord {
    /// One event per interested party.
    pub fn events(&self, kind: &'static str, call_id: &str) -> Vec<CallEvent> {
        self.parties
            .iter()
            .map(|(endpoint_id, url)| CallEvent {
                kind,
                call_id: call_id.to_owned(),
                from: self.from.clone(),
                to: self.to.clone(),
                endpoint_id: endpoint_id.clone(),
                callback_url: url.clone(),
            })
            .collect()
    }
}

/// What processing produced, carried out after the state lock is released.
#[derive(Debug, Default)]
pub struct Out {
    /// Frames for a connection; with an identity, a response that may follow its client to
    /// a new connection if this one is gone.
    pub sends: Vec<(ConnId, Option<Who>, Vec<u8>)>,
    pub events: Vec<CallEvent>,
}

impl Out {
    /// A frame for exactly this connection.
    pub fn send(&mut self, conn: ConnId, frame: Vec<u8>) {
        self.sends.push((conn, None, frame));
    }

    /// A response for the client `to`: its connection, or where it reconnected.
    pub fn reply_to(&mut self, to: &Side, frame: Vec<u8>) {
        self.sends.push((to.conn, to.who.clone(), frame));
    }
}

/// All transactions and tracked calls.
#[derive(Default)]
pub struct ProxyState {
    next: u64,
    /// Boxed: a hash table keeps its capacity after a peak, so inline transactions (hundreds
    /// of bytes each) would hold peak × size for good; boxed, only a pointer per slot stays
    /// (`npm run soak` saw a 3.5 MiB step when the table doubled).
    pub txns: HashMap<TxnId, Box<ProxyTxn>>,
    /// `(client connection, client's branch)` → transaction (RFC 3261 §17.2.3; CANCEL and the
    /// ACK of a non-2xx carry the INVITE's branch).
    pub by_server: HashMap<(ConnId, String), TxnId>,
    /// The proxy's branch → (transaction, branch index) (RFC 3261 §17.1.3).
    pub by_branch: HashMap<String, (TxnId, usize)>,
    pub calls: HashMap<String, CallRecord>,
}

impl ProxyState {
    /// Stores a new transaction and indexes it and its branches.
    pub fn insert(&mut self, txn: ProxyTxn) -> TxnId {
        self.next += 1;
        let id = TxnId(self.next);
        self.by_server
            .insert((txn.from.conn, txn.server_branch.clone()), id);
        for (i, b) in txn.branches.iter().enumerate() {
            self.by_branch.insert(b.branch.clone(), (id, i));
        }
        self.txns.insert(id, Box::new(txn));
        id
    }

    /// Forgets a transaction and its index entries.
    pub fn remove(&mut self, id: TxnId) {
        if let Some(txn) = self.txns.remove(&id) {
            let key = (txn.from.conn, txn.server_branch);
            if self.by_server.get(&key) == Some(&id) {
                self.by_server.remove(&key);
            }
            for b in txn.branches {
                self.by_branch.remove(&b.branch);
            }
        }
    }

    pub fn call_count(&self) -> usize {
        self.calls.len()
    }
}
