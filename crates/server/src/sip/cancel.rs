//! CANCEL from a caller (RFC 3261 §16.10): it matches the INVITE's server transaction by the
//! top Via branch (§9.2) on the same connection, gets `200 OK` itself, and every pending branch
//! gets a CANCEL; the branches' `487` then make the INVITE's final response.

use super::conn_table::{lock, ConnId};
use super::forward::top_via;
use super::reply::{reply, response_frame};
use super::responses::cancel_pending;
use super::service::SipService;
use super::txn::Out;
use bwclient_sip::{HeaderName, Request};
use std::time::Instant;

impl SipService {
    pub(super) fn on_cancel(&self, now: Instant, conn: ConnId, req: &Request) {
        let Some(branch) = top_via(&req.headers).and_then(|v| v.branch().map(str::to_owned)) else {
            self.send(
                conn,
                response_frame(reply(req, 400, "Bad Request: Via branch")),
            );
            return;
        };
        let reason = req.headers.get(&HeaderName::REASON).map(str::to_owned);
        let mut out = Out::default();
        {
            let mut st = lock(&self.proxy);
            let txn = st
                .by_server
                .get(&(conn, branch))
                .copied()
                .and_then(|id| st.txns.get_mut(&id))
                .filter(|t| t.is_invite);
            match txn {
                None => {
                    out.send(
                        conn,
                        response_frame(reply(req, 481, "Call/Transaction Does Not Exist")),
                    );
                }
                Some(txn) => {
                    out.send(conn, response_frame(reply(req, 200, "OK")));
                    if !txn.final_sent {
                        cancel_pending(txn, reason.as_deref(), now, &mut out);
                    }
                }
            }
        }
        self.flush(now, out);
    }
}
