//! A WebSocket connection went away: its bindings go (RFC 5626 §5.4, like Kamailio's
//! `handle_lost_tcp`), its pending calls are cancelled, branches that were ringing on it fail
//! with `480`, and calls that ran over it end.

use super::conn_table::{lock, ConnId};
use super::reply::reply;
use super::responses::{branch_response, cancel_pending};
use super::service::SipService;
use super::txn::{Out, TxnId};
use std::time::Instant;

impl SipService {
    /// Forgets everything bound to `conn`.
    pub(super) fn connection_closed(&self, conn: ConnId) {
        self.conns.remove(conn);
        let dropped = lock(&self.location).drop_conn(conn);
        if dropped > 0 {
            tracing::debug!(conn = %conn, dropped, "sip: bindings of closed connection removed");
        }
        let now = Instant::now();
        let mut out = Out::default();
        {
            let mut st = lock(&self.proxy);
            let ids: Vec<TxnId> = st.txns.keys().copied().collect();
            for id in ids {
                let Some(txn) = st.txns.get_mut(&id) else {
                    continue;
                };
                if txn.from_conn == conn && txn.is_invite && !txn.final_sent {
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
            let ended: Vec<String> = st
                .calls
                .iter()
                .filter(|(_, c)| c.conns.contains(&conn))
                .map(|(k, _)| k.clone())
                .collect();
            for call_id in ended {
                if let Some(call) = st.calls.remove(&call_id) {
                    out.events.extend(call.events("end", &call_id));
                }
            }
        }
        self.flush(out);
    }
}
