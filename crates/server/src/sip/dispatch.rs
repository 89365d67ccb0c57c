//! One received frame → parse → registrar, proxy or a local answer. RFC 3261 §16.3 request
//! validation (syntax, Max-Forwards), §16.4 route information preprocessing.

use super::conn_table::{lock, ConnId};
use super::forward::top_via;
use super::reply::{reply, response_frame, to_tag};
use super::salvage::salvage;
use super::service::SipService;
use super::side::Side;
use bwclient_sip::{HeaderName, MaxForwards, Message, Method, Request, Route, Scheme};
use std::time::Instant;

/// Methods listed in `Allow` of the server's own answers (RFC 3261 §20.5).
const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, MESSAGE, INFO, UPDATE, REFER, NOTIFY, SUBSCRIBE, PRACK";

/// What the top Route says.
enum RouteCheck {
    /// No Route of ours: route by Request-URI.
    None,
    /// Ours, with the dialog's two ends.
    Flow(Side, Side),
    /// Carries a flow token that is not valid (tampered, or from before a restart).
    Forged,
}

impl SipService {
    /// Handles the bytes of one WebSocket frame from `conn` (one SIP message, RFC 7118 §5.2),
    /// received at `now`.
    pub fn on_frame(&self, now: Instant, conn: ConnId, bytes: &[u8]) {
        if bytes.len() > self.config.max_message_bytes {
            return self.answer_broken(conn, bytes, 513, "Message Too Large");
        }
        match Message::parse(bytes) {
            Ok(Message::Request(req)) => self.on_request(now, conn, req),
            Ok(Message::Response(resp)) => self.on_response(now, conn, resp),
            Err(e) => self.answer_broken(conn, bytes, 400, &format!("Bad Request: {e}")),
        }
    }

    /// A frame that is not a usable message: answered if it is recognisably a request
    /// (RFC 3261 §16.3 step 1, §21.4.1 / §21.5.9), else dropped.
    pub(super) fn answer_broken(&self, conn: ConnId, bytes: &[u8], code: u16, reason: &str) {
        match salvage(bytes, self.config.max_message_bytes) {
            Some(s) => {
                tracing::debug!(conn = %conn, code, "sip: answering broken request: {reason}");
                self.send(conn, response_frame(s.answer(code, reason)));
            }
            None => {
                tracing::debug!(conn = %conn, len = bytes.len(), "sip: unanswerable frame dropped: {reason}");
            }
        }
    }

    fn on_request(&self, now: Instant, conn: ConnId, req: Request) {
        let hops = match req.headers.typed::<MaxForwards>() {
            Some(Ok(MaxForwards(n))) => n,
            _ => 70,
        };
        if req.method == Method::REGISTER {
            let resp = self.on_register(now, conn, &req);
            self.send(conn, response_frame(resp));
            return;
        }
        if req.method == Method::CANCEL {
            return self.on_cancel(now, conn, &req);
        }
        let is_ack = req.method == Method::ACK;
        let answer = |code: u16, reason: &str| {
            if !is_ack {
                self.send(conn, response_frame(reply(&req, code, reason)));
            }
        };
        match self.route_check(&req) {
            RouteCheck::Forged => answer(403, "Forbidden: invalid route"),
            RouteCheck::Flow(a, b) => {
                if hops == 0 {
                    return answer(483, "Too Many Hops");
                }
                self.on_routed(now, conn, req, (a, b));
            }
            RouteCheck::None => {
                if is_ack {
                    // The ACK of a non-2xx final response ends at this hop (RFC 3261 §17.2.3,
                    // §16.11 no-op for a stateful proxy); a stray one is dropped the same way.
                    return;
                }
                if to_tag(&req).is_some() {
                    return answer(481, "Call/Transaction Does Not Exist");
                }
                if self.is_for_server(&req) {
                    return self.answer_server_request(conn, &req);
                }
                if hops == 0 {
                    return answer(483, "Too Many Hops");
                }
                if self.is_retransmission(conn, &req) {
                    return;
                }
                self.on_out_of_dialog(now, conn, req);
            }
        }
    }

    /// The top Route, if it is one of the proxy's Record-Routes (RFC 3261 §16.4).
    fn route_check(&self, req: &Request) -> RouteCheck {
        let Some(Ok(route)) = req.headers.typed::<Route>() else {
            return RouteCheck::None;
        };
        let Some(token) = route.0.uri.param("flow").and_then(|p| p.value.as_deref()) else {
            return RouteCheck::None;
        };
        match self.flows.decode(token) {
            Some((a, b)) => RouteCheck::Flow(a, b),
            None => RouteCheck::Forged,
        }
    }

    /// A request to the server itself: a SIP URI with no user part, or the server's own host
    /// (a `tel:` URI has no user part but names a number).
    fn is_for_server(&self, req: &Request) -> bool {
        matches!(req.uri.scheme, Scheme::Sip | Scheme::Sips)
            && (req.uri.user.is_none() || req.uri.host.eq_ignore_ascii_case(&self.config.host))
    }

    /// OPTIONS to the server gets `200` with what it supports (RFC 3261 §11.2); other methods
    /// addressed to the server itself get `405` (§21.4.6).
    fn answer_server_request(&self, conn: ConnId, req: &Request) {
        let mut resp = if req.method == Method::OPTIONS {
            let mut r = reply(req, 200, "OK");
            r.headers.push(HeaderName::ACCEPT, "application/sdp");
            r
        } else {
            reply(req, 405, "Method Not Allowed")
        };
        resp.headers.push(HeaderName::ALLOW, ALLOW);
        self.send(conn, response_frame(resp));
    }

    /// True if a server transaction for this request exists already (a retransmission, RFC 3261
    /// §17.2.3); it is absorbed.
    fn is_retransmission(&self, conn: ConnId, req: &Request) -> bool {
        let Some(branch) = top_via(&req.headers).and_then(|v| v.branch().map(str::to_owned)) else {
            return false;
        };
        lock(&self.proxy).by_server.contains_key(&(conn, branch))
    }
}
