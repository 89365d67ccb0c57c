//! In-dialog requests (ACK of a 2xx, BYE, re-INVITE, INFO, UPDATE, REFER, NOTIFY …): they
//! come back with the proxy's Record-Route as their top Route (RFC 3261 §12.2.1.1, §16.4). Its
//! flow token names the two connections of the dialog; the request goes to the other one,
//! with the Request-URI (the remote target) untouched.

use super::conn_table::{lock, ConnId};
use super::forward::{forward_copy, proxy_via, strip_top_route, top_via};
use super::reply::{new_branch, reply, request_frame, response_frame};
use super::service::SipService;
use super::txn::{Branch, BranchState, Out, ProxyTxn};
use bwclient_sip::{HeaderName, Method, Request};
use std::time::Instant;

impl SipService {
    /// Forwards `req`, which arrived on `conn` with the flow token `(a, b)` in its top Route.
    pub(super) fn on_routed(&self, conn: ConnId, mut req: Request, (a, b): (ConnId, ConnId)) {
        let is_ack = req.method == Method::ACK;
        let answer = |req: &Request, code: u16, reason: &str| {
            // ACK is never answered (RFC 3261 §17.2.1, §17.2.3).
            if !is_ack {
                self.send(conn, response_frame(reply(req, code, reason)));
            }
        };
        let other = if conn == a {
            b
        } else if conn == b {
            a
        } else {
            // The token is genuine but for other connections: not this client's dialog.
            return answer(&req, 403, "Forbidden: route belongs to another connection");
        };
        if !self.conns.contains(other) {
            // RFC 5626 §5.3: the flow the dialog used is gone.
            return answer(&req, 430, "Flow Failed");
        }
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
            from_conn: conn,
            request: req,
            server_branch,
            is_invite,
            branches: vec![Branch {
                branch,
                conn: other,
                request: fwd,
                state: BranchState::Calling,
                started: Instant::now(),
                cancel_sent: None,
            }],
            final_sent: false,
            answered: false,
            best: None,
            done_at: None,
            call: None,
        });
        drop(st);
        self.flush(out);
    }
}
