//! A WebSocket connection went away: its bindings go (RFC 5626 §5.4, like Kamailio's
//! `handle_lost_tcp`), its pending calls are cancelled, branches that were ringing on it fail
//! with `480`, and calls that ran over it end — unless the end that used it had registered
//! with a `+sip.instance`: such a client may reconnect and re-REGISTER (RFC 5626 §4.5), so its
//! calls are only marked orphaned and end if it does not come back within
//! [`SipConfig::reconnect_grace`](super::SipConfig::reconnect_grace) (`sweep.rs`).

use super::conn_table::{lock, ConnId};
use super::reply::{reply, to_tag};
use super::responses::{branch_response, cancel_pending};
use super::service::SipService;
use super::side::{Side, Who};
use super::txn::{Out, TxnId};
use std::time::Instant;

impl SipService {
    /// Forgets everything bound to `conn`.
    pub fn connection_closed(&self, now: Instant, conn: ConnId) {
        self.conns.forget(conn);
        lock(&self.conn_auth).forget(conn);
        // Who this connection was, read before its bindings go.
        let gone = self.identities_on(conn);
        let dropped = lock(&self.location).drop_conn(conn);
        if dropped > 0 {
            tracing::debug!(conn = %conn, dropped, "sip: bindings of closed connection removed");
        }
        let mut out = Out::default();
        {
            let mut st = lock(&self.proxy);
            let ids: Vec<TxnId> = st.txns.keys().copied().collect();
            for id in ids {
                let Some(txn) = st.txns.get_mut(&id) else {
                    continue;
                };
                // A re-INVITE of a client that can reconnect is left to finish: its 2xx (and
                // the callee's 2xx retransmissions, RFC 3261 §13.3.1.4) follow the client to its
                // new connection.
                let may_return = txn.from.who.is_some() && to_tag(&txn.request).is_some();
                if txn.from.conn == conn && txn.is_invite && !txn.final_sent && !may_return {
                    // The caller is gone: stop ringing the callees (RFC 3261 §16.10 as if it had
                    // sent CANCEL).
                    cancel_pending(txn, None, now, &mut out);
                }
                let dead: Vec<usize> = txn
                    .branches
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.conn == conn && b.is_pending())
                    .map(|(i, _)| i)
                    .collect();
                if dead.is_empty() {
                    continue;
                }
                let request = txn.request.clone();
                for idx in dead {
                    let resp = reply(&request, 480, "Temporarily Unavailable");
                    branch_response(&mut st, id, idx, resp, true, now, &mut out);
                }
            }
            let mut ended = Vec::new();
            for (call_id, call) in st.calls.iter_mut() {
                let hit: Vec<&Side> = call.sides.iter().filter(|s| uses(s, conn, &gone)).collect();
                if hit.is_empty() {
                    continue;
                }
                if hit.iter().all(|s| s.who.is_some()) {
                    // Re-stamped on every loss, so the sweep never clears a fresh one.
                    call.orphaned_at = Some(now);
                } else {
                    ended.push(call_id.clone());
                }
            }
            for call_id in ended {
                if let Some(call) = st.calls.remove(&call_id) {
                    out.events.extend(call.events("end", &call_id));
                }
            }
        }
        self.flush(now, out);
    }
}

/// True if the end `side` was using `conn`: by connection, or by the identity registered on it.
fn uses(side: &Side, conn: ConnId, gone: &[Who]) -> bool {
    side.conn == conn || side.who.as_ref().is_some_and(|w| gone.contains(w))
}
