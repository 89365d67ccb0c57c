//! In-dialog requests (ACK of a 2xx, BYE, re-INVITE, INFO, UPDATE, REFER, NOTIFY …): they
//! come back with the proxy's Record-Route as their top Route (RFC 3261 §12.2.1.1, §16.4). Its
//! flow token names the two ends of the dialog; the request goes to the other one, with the
//! Request-URI (the remote target) untouched.
//!
//! An end is its connection or, if it registered with a `+sip.instance`, any connection now
//! registered as the same AOR and instance (RFC 5626 §5.3, `side.rs`): a client that
//! reconnected and re-REGISTERed keeps its dialogs. Anyone else presenting the route gets
//! `403`; an end with no connection left gets `430 Flow Failed`.

use super::conn_table::{lock, ConnId};
use super::forward::{forward_copy, proxy_via, strip_top_route, top_via};
use super::reply::{new_branch, reply, request_frame, response_frame};
use super::service::SipService;
use super::side::Side;
use super::txn::{Branch, BranchState, Out, ProxyTxn};
use bwclient_sip::{HeaderName, Method, Request};
use std::time::Instant;

impl SipService {
    /// Forwards `req`, which arrived on `conn` with the ends `(a, b)` of its flow token in its
    /// top Route.
    pub(super) fn on_routed(
        &self,
        now: Instant,
        conn: ConnId,
        mut req: Request,
        (a, b): (Side, Side),
    ) {
        let is_ack = req.method == Method::ACK;
        let answer = |req: &Request, code: u16, reason: &str| {
            // ACK is never answered (RFC 3261 §17.2.1, §17.2.3).
            if !is_ack {
                self.send(conn, response_frame(reply(req, code, reason)));
            }
        };
        // The connections themselves first: a side's identity only matters once it moved.
        let (mine, theirs) = if conn == a.conn {
            (a, b)
        } else if conn == b.conn {
            (b, a)
        } else if self.is_side(now, conn, &a) {
            (a, b)
        } else if self.is_side(now, conn, &b) {
            (b, a)
        } else {
            // The token is genuine but for other ends: not this client's dialog.
            return answer(&req, 403, "Forbidden: route belongs to another connection");
        };
        let Some(other) = self.live_conn(now, &theirs) else {
            // RFC 5626 §5.3: the flow the dialog used is gone and nothing replaced it.
            return answer(&req, 430, "Flow Failed");
        };
        let from = Side {
            conn,
            who: mine.who,
        };
        strip_top_route(&mut req.headers);
        let branch = new_branch();
        let via = proxy_via(&self.config.host, &branch);
        let fwd = forward_copy(&req, None, &via, None);
        if is_ack {
            // An ACK of a 2xx is its own transaction with no response (RFC 3261 §17.1.1.3).
            self.send(other, request_frame(fwd));
            return;
        }
        if req.method == Method::INVITE {
            answer(&req, 100, "Trying");
        }
        let mut out = Out::default();
        out.send(other, request_frame(fwd.clone()));
        let server_branch = top_via(&req.headers)
            .and_then(|v| v.branch().map(str::to_owned))
            .unwrap_or_default();
        let mut st = lock(&self.proxy);
        if req.method == Method::BYE {
            let call_id = req.headers.get(&HeaderName::CALL_ID).unwrap_or("").trim();
            if let Some(call) = st.calls.remove(call_id) {
                out.events.extend(call.events("end", call_id));
            }
        }
        let is_invite = req.method == Method::INVITE;
        st.insert(ProxyTxn {
            from,
            request: req,
            server_branch,
            is_invite,
            branches: vec![Branch {
                branch,
                conn: other,
                who: theirs.who,
                request: fwd,
                state: BranchState::Calling,
                started: now,
                cancel_sent: None,
            }],
            final_sent: false,
            answered: false,
            best: None,
            done_at: None,
            call: None,
        });
        drop(st);
        self.flush(now, out);
    }
}
