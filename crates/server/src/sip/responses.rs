//! Responses coming back on a branch (RFC 3261 §16.7): matched to the proxy's client
//! transaction by the branch of the proxy's Via (§17.1.3), the Via removed, then forwarded to
//! the caller or absorbed. First 2xx wins and the other branches are CANCELled with
//! `Reason: SIP;cause=200;text="Call completed elsewhere"` (RFC 3326, the original product's
//! behaviour); when every branch failed, the best final response goes back (§16.7 step 6).

use super::conn_table::{lock, ConnId};
use super::forward::{ack_for, cancel_for, strip_top_via, top_via};
use super::reply::{request_frame, response_frame};
use super::service::SipService;
use super::side::Side;
use super::txn::{BranchState, Out, ProxyState, ProxyTxn, TxnId};
use bwclient_sip::{CSeq, Response};
use std::time::Instant;

/// The `Reason` of the CANCELs sent to the branches that lost to a 2xx (RFC 3326 §2).
pub const COMPLETED_ELSEWHERE: &str = "SIP;cause=200;text=\"Call completed elsewhere\"";

impl SipService {
    /// A response that arrived on `conn`.
    pub(super) fn on_response(&self, now: Instant, conn: ConnId, mut resp: Response) {
        let Some(via) = top_via(&resp.headers) else {
            return;
        };
        let Some(branch) = via.branch().map(str::to_owned) else {
            return;
        };
        if !via.host.eq_ignore_ascii_case(&self.config.host) {
            tracing::debug!(conn = %conn, code = resp.code, "sip: response not via us, dropped");
            return;
        }
        let method = match resp.headers.typed::<CSeq>() {
            Some(Ok(c)) => c.method,
            _ => return,
        };
        let mut out = Out::default();
        {
            let mut st = lock(&self.proxy);
            let Some(&(id, idx)) = st.by_branch.get(&branch) else {
                tracing::debug!(conn = %conn, code = resp.code, "sip: no transaction, dropped");
                return;
            };
            let Some(txn) = st.txns.get(&id) else { return };
            // Only the connection the branch went to may answer it, and a response to the
            // proxy's own CANCEL (same branch, RFC 3261 §9.1) ends here.
            if txn.branches.get(idx).map(|b| b.conn) != Some(conn) || method != txn.request.method {
                return;
            }
            strip_top_via(&mut resp.headers);
            branch_response(&mut st, id, idx, resp, false, now, &mut out);
        }
        self.flush(now, out);
    }

    /// Sends what processing produced and hands call events to the directory. A response
    /// whose client's connection is gone goes to where that client reconnected, if it did
    /// (RFC 5626 §5.3); otherwise it is dropped.
    pub(super) fn flush(&self, now: Instant, out: Out) {
        self.save_calls(&out);
        for (conn, who, frame) in out.sends {
            let to = match who {
                Some(who) => self.reply_conn(
                    now,
                    &Side {
                        conn,
                        who: Some(who),
                    },
                ),
                None => Some(conn),
            };
            if let Some(to) = to {
                self.send(to, frame);
            }
        }
        for event in out.events {
            self.dir.call_event(event);
        }
    }
}

/// Processes response `resp` (the proxy's Via already removed) of branch `idx` of transaction
/// `id`. `synthetic` marks one the proxy made up (flow lost, timeout): no ACK goes out for it.
pub fn branch_response(
    st: &mut ProxyState,
    id: TxnId,
    idx: usize,
    resp: Response,
    synthetic: bool,
    now: Instant,
    out: &mut Out,
) {
    let Some(txn) = st.txns.get_mut(&id) else {
        return;
    };
    let Some(branch) = txn.branches.get_mut(idx) else {
        return;
    };
    let code = resp.code;
    if code < 200 {
        if !branch.is_pending() {
            return;
        }
        branch.state = BranchState::Proceeding;
        // Timer C restarts on every provisional response (RFC 3261 §16.7 step 2).
        branch.started = now;
        // The proxy sent its own 100 already; other provisionals go up (§16.7 step 5).
        if code > 100 && !txn.final_sent {
            out.reply_to(&txn.from, response_frame(resp));
        }
        return;
    }
    let was_pending = branch.is_pending();
    let branch_side = Side {
        conn: branch.conn,
        who: branch.who.clone(),
    };
    if (200..300).contains(&code) {
        branch.state = BranchState::Completed(code);
        if txn.is_invite {
            // Every 2xx to an INVITE is forwarded (RFC 3261 §16.7 step 5).
            out.reply_to(&txn.from, response_frame(resp));
            if !txn.answered {
                txn.answered = true;
                txn.final_sent = true;
                cancel_pending(txn, Some(COMPLETED_ELSEWHERE), now, out);
                if let Some(call_id) = txn.call.clone() {
                    if let Some(call) = st.calls.get_mut(&call_id) {
                        if !call.answered {
                            call.answered = true;
                            call.sides.push(branch_side);
                            out.events.extend(call.events("answer", &call_id));
                        }
                    }
                }
            }
        } else if !txn.final_sent {
            txn.final_sent = true;
            out.reply_to(&txn.from, response_frame(resp));
        }
    } else {
        if !was_pending {
            return;
        }
        branch.state = BranchState::Completed(code);
        if txn.is_invite && !synthetic {
            out.send(
                branch_side.conn,
                request_frame(ack_for(&branch.request, &resp)),
            );
        }
        // A 6xx ends the search: cancel the other branches (RFC 3261 §16.7 step 10).
        if code >= 600 && txn.is_invite && !txn.answered {
            cancel_pending(txn, None, now, out);
        }
        if is_better(&resp, txn.best.as_ref()) {
            txn.best = Some(resp);
        }
    }
    finish_if_done(st, id, now, out);
}

/// Once no branch is pending: forward the best response if nothing final went up yet, and end
/// the tracked call if it was never answered.
fn finish_if_done(st: &mut ProxyState, id: TxnId, now: Instant, out: &mut Out) {
    let Some(txn) = st.txns.get_mut(&id) else {
        return;
    };
    if txn.done_at.is_some() || txn.branches.iter().any(|b| b.is_pending()) {
        return;
    }
    txn.done_at = Some(now);
    if !txn.final_sent {
        txn.final_sent = true;
        if let Some(mut best) = txn.best.take() {
            // RFC 3261 §16.7 step 6: a 503 from downstream is not passed on as is.
            if best.code == 503 {
                best.code = 500;
                best.reason = "Server Internal Error".to_owned();
            }
            out.reply_to(&txn.from, response_frame(best));
        }
    }
    if !txn.answered {
        if let Some(call_id) = txn.call.take() {
            if let Some(call) = st.calls.remove(&call_id) {
                out.events.extend(call.events("end", &call_id));
            }
        }
    }
}

/// Sends CANCEL to every branch still pending that has not had one (RFC 3261 §16.10).
pub fn cancel_pending(txn: &mut ProxyTxn, reason: Option<&str>, now: Instant, out: &mut Out) {
    for b in txn.branches.iter_mut() {
        if b.is_pending() && b.cancel_sent.is_none() {
            b.cancel_sent = Some(now);
            out.send(b.conn, request_frame(cancel_for(&b.request, reason)));
        }
    }
}

/// RFC 3261 §16.7 step 6: a 6xx beats everything; otherwise the lowest class wins (3xx before
/// 4xx before 5xx); within a class the first one stays.
fn is_better(new: &Response, old: Option<&Response>) -> bool {
    let rank = |code: u16| if code >= 600 { 0 } else { code / 100 };
    match old {
        None => true,
        Some(old) => rank(new.code) < rank(old.code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_response_order() {
        let r = |c| Response::new(c, "x");
        assert!(is_better(&r(486), None));
        assert!(is_better(&r(486), Some(&r(503))));
        assert!(!is_better(&r(503), Some(&r(486))));
        assert!(is_better(&r(603), Some(&r(302))));
        assert!(!is_better(&r(480), Some(&r(486))));
        assert!(is_better(&r(302), Some(&r(404))));
    }
}
