//! Out-of-dialog requests (INVITE, MESSAGE, OPTIONS to a user, SUBSCRIBE …): authenticate the
//! caller, find the target endpoint in the caller's domain, and fork to every registered
//! contact at once (RFC 3261 §16.5 parallel search, §16.6 forwarding), Record-Routing with a
//! flow token so that in-dialog requests come back through the right connections.

use super::auth::{Asker, AuthOutcome, Claimed};
use super::conn_table::{lock, ConnId};
use super::forward::{forward_copy, proxy_via, top_via};
use super::location::{aor_key, BindingKey};
use super::reply::{new_branch, reply, request_frame, response_frame};
use super::service::SipService;
use super::side::Side;
use super::target::resolve;
use super::txn::{Branch, BranchState, CallRecord, Out, ProxyTxn};
use bwclient_sip::{FromHeader, HeaderName, Method, Request, ToHeader};
use std::time::Instant;

/// Methods whose forwarded copies carry Record-Route: those that can create a dialog
/// (RFC 3261 §12, §16.6 step 4; RFC 6665 SUBSCRIBE/NOTIFY; RFC 3515 REFER).
fn creates_dialog(m: &Method) -> bool {
    *m == Method::INVITE || *m == Method::SUBSCRIBE || *m == Method::REFER || *m == Method::NOTIFY
}

impl SipService {
    /// The Record-Route the proxy inserts for a dialog between the ends `a` (caller) and
    /// `b` (callee): `<sip:host;transport=ws;lr;flow=<signed token>>` (RFC 3261 §16.6 step 4,
    /// RFC 5626 §5.3 flow token in the Record-Route URI; `flow_token.rs`).
    pub(super) fn record_route(&self, a: &Side, b: &Side) -> String {
        format!(
            "<sip:{};transport=ws;lr;flow={}>",
            self.config.host,
            self.flows.encode(a, b)
        )
    }

    /// Routes a request that opens something new (no To tag, no Route of ours).
    pub(super) fn on_out_of_dialog(&self, now: Instant, conn: ConnId, mut req: Request) {
        let answer = |code: u16, reason: &str| {
            self.send(conn, response_frame(reply(&req, code, reason)));
        };
        let from = match req.headers.typed::<FromHeader>() {
            Some(Ok(f)) => f.0,
            _ => return answer(400, "Bad Request: From"),
        };
        let Some(user) = from.uri.user.as_deref() else {
            return answer(403, "Forbidden: From has no user");
        };
        let claimed = Claimed {
            user,
            host: &from.uri.host,
        };
        let caller = match self.authenticate(conn, &req, &claimed, Asker::Proxy) {
            AuthOutcome::Ok(rec, _) => {
                self.authenticated(conn);
                *rec
            }
            AuthOutcome::Reject(resp) => {
                self.send(conn, response_frame(*resp));
                return;
            }
        };
        let Some(target) = resolve(self.dir.as_ref(), &req.uri, &caller) else {
            return answer(404, "Not Found");
        };
        if !target.enabled {
            return answer(403, "Forbidden: endpoint disabled");
        }
        let target_aor = aor_key(&target.user, &target.host);
        let bindings = lock(&self.location).bindings(&target_aor, now);
        let bindings: Vec<_> = bindings
            .into_iter()
            .filter(|b| self.conns.contains(b.conn))
            .collect();
        if bindings.is_empty() {
            return answer(480, "Temporarily Unavailable");
        }
        let is_invite = req.method == Method::INVITE;
        if is_invite {
            // RFC 3261 §16.2: a stateful proxy answers INVITE with 100 at once.
            answer(100, "Trying");
        }
        // Preloaded Routes named this server (the only hop); the target is the Request-URI.
        req.headers.remove(&HeaderName::ROUTE);
        let server_branch = top_via(&req.headers)
            .and_then(|v| v.branch().map(str::to_owned))
            .unwrap_or_default();
        // Each end is its connection plus, if registered with an instance, who it is, so the
        // dialog survives either end reconnecting (RFC 5626 §5.3, `side.rs`).
        let caller_side = self.side_of(now, conn, &aor_key(&caller.user, &caller.host));
        let mut out = Out::default();
        let mut branches = Vec::with_capacity(bindings.len());
        for b in bindings {
            let branch = new_branch();
            let via = proxy_via(&self.config.host, &branch);
            let instance = match &b.key {
                BindingKey::Instance { instance, .. } => Some(instance.as_str()),
                BindingKey::Uri(_) => None,
            };
            let callee_side = self.side_with(b.conn, &target_aor, instance);
            let rr =
                creates_dialog(&req.method).then(|| self.record_route(&caller_side, &callee_side));
            let fwd = forward_copy(&req, Some(&b.uri), &via, rr.as_deref());
            out.send(b.conn, request_frame(fwd.clone()));
            branches.push(Branch {
                branch,
                conn: b.conn,
                who: callee_side.who,
                request: fwd,
                state: BranchState::Calling,
                started: now,
                cancel_sent: None,
            });
        }
        let call_id = req
            .headers
            .get(&HeaderName::CALL_ID)
            .unwrap_or("")
            .trim()
            .to_owned();
        let mut call = None;
        if is_invite {
            let to = match req.headers.typed::<ToHeader>() {
                Some(Ok(t)) => t.0.uri.to_string(),
                _ => req.uri.to_string(),
            };
            let mut parties = Vec::new();
            for ep in [&caller, &target] {
                if let Some(url) = &ep.callback_url {
                    if !parties.iter().any(|(id, _)| id == &ep.id) {
                        parties.push((ep.id.clone(), url.clone()));
                    }
                }
            }
            call = Some(CallRecord {
                from: from.uri.to_string(),
                to,
                parties,
                answered: false,
                sides: vec![caller_side.clone()],
                orphaned_at: None,
            });
        }
        let mut st = lock(&self.proxy);
        let mut txn_call = None;
        if let Some(record) = call {
            if !st.calls.contains_key(&call_id) {
                out.events.extend(record.events("start", &call_id));
                st.calls.insert(call_id.clone(), record);
                txn_call = Some(call_id);
            }
        }
        st.insert(ProxyTxn {
            from: caller_side,
            request: req,
            server_branch,
            is_invite,
            branches,
            final_sent: false,
            answered: false,
            best: None,
            done_at: None,
            call: txn_call,
        });
        drop(st);
        self.flush(now, out);
    }
}
