//! The registrar (RFC 3261 §10.3, RFC 5626 §6): REGISTER adds, refreshes, removes and lists
//! the bindings of an address-of-record. Each binding is tied to the WebSocket connection the
//! REGISTER came on: requests for the AOR are sent down that connection, and the binding goes
//! when the connection closes.

use super::auth::{Asker, AuthOutcome, Claimed};
use super::conn_auth::ConnIdentity;
use super::conn_table::{lock, ConnId};
use super::location::{aor_key, Binding, BindingKey};
use super::reply::reply;
use super::service::SipService;
use bwclient_sip::{
    CSeq, Contact, Expires, HeaderName, MinExpires, Request, Response, Scheme, ToHeader,
};
use std::time::{Duration, Instant};

/// One binding change a REGISTER asks for.
struct Update {
    key: BindingKey,
    uri: bwclient_sip::Uri,
    shown: String,
    expires: u32,
}

impl SipService {
    /// Processes a REGISTER that came on `conn` and returns the response (RFC 3261 §10.3).
    pub(super) fn on_register(&self, now: Instant, conn: ConnId, req: &Request) -> Response {
        let bad = |why: &str| reply(req, 400, &format!("Bad Request: {why}"));
        // Step 1-2: the AOR is the To URI (RFC 3261 §10.3 step 5).
        let to = match req.headers.typed::<ToHeader>() {
            Some(Ok(to)) => to,
            _ => return bad("To"),
        };
        let aor_uri = &to.0.uri;
        if !matches!(aor_uri.scheme, Scheme::Sip | Scheme::Sips) {
            return reply(req, 416, "Unsupported URI Scheme");
        }
        let Some(user) = aor_uri.user.as_deref() else {
            return bad("To has no user part");
        };
        // Steps 3-6: authenticate, and the credential must be the AOR's own.
        let claimed = Claimed {
            user,
            host: &aor_uri.host,
        };
        let endpoint = match self.authenticate(conn, req, &claimed, Asker::Registrar) {
            AuthOutcome::Ok(rec, credential) => {
                self.authenticated(conn);
                // This connection is now this endpoint's, with this credential (`conn_auth.rs`).
                lock(&self.conn_auth).record(
                    conn,
                    ConnIdentity {
                        aor: aor_key(&rec.user, &rec.host),
                        endpoint_id: rec.id.clone(),
                        credential,
                    },
                );
                *rec
            }
            AuthOutcome::Reject(resp) => return *resp,
        };
        let aor = aor_key(&endpoint.user, &endpoint.host);
        let Ok(contacts) = req.headers.typed_all::<Contact>() else {
            return bad("Contact");
        };
        let header_expires = match req.headers.typed::<Expires>() {
            None => None,
            Some(Ok(Expires(e))) => Some(e),
            Some(Err(_)) => return bad("Expires"),
        };
        let call_id = req.headers.get(&HeaderName::CALL_ID).unwrap_or("").trim();
        let cseq = match req.headers.typed::<CSeq>() {
            Some(Ok(c)) => c.seq,
            _ => return bad("CSeq"),
        };

        // Step 6: `Contact: *` removes every binding, only with Expires: 0 and alone.
        if contacts.iter().any(|c| matches!(c, Contact::Star)) {
            if contacts.len() != 1 || header_expires != Some(0) {
                return bad("Contact: * needs Expires: 0 and no other contact");
            }
            lock(&self.location).remove_all(&aor);
            return self.registered(req, &[], now, false);
        }

        // Step 7: expiry of each contact, refusing too-brief ones (423) before changing anything.
        let mut updates = Vec::new();
        for c in &contacts {
            let Contact::Addr(addr) = c else { continue };
            let expires = c
                .expires()
                .or(header_expires)
                .unwrap_or(self.config.default_expires);
            if expires != 0 && expires < self.config.min_expires {
                let mut resp = reply(req, 423, "Interval Too Brief");
                resp.headers
                    .push_typed(&MinExpires(self.config.min_expires));
                return resp;
            }
            let key = match (c.instance(), c.reg_id()) {
                (Some(instance), Some(reg_id)) => BindingKey::Instance { instance, reg_id },
                _ => BindingKey::Uri(addr.uri.to_string()),
            };
            let mut shown = addr.clone();
            shown.remove_param("expires");
            updates.push(Update {
                key,
                uri: addr.uri.clone(),
                shown: shown.to_string(),
                expires: expires.min(self.config.max_expires),
            });
        }
        let outbound = contacts.iter().any(|c| c.reg_id().is_some()) && supports_outbound(req);

        let mut loc = lock(&self.location);
        // Step 7: a REGISTER older than the one that made a binding must not change it.
        for u in &updates {
            if let Some(b) = loc.get(&aor, &u.key) {
                if b.call_id == call_id && cseq <= b.cseq {
                    drop(loc);
                    return reply(req, 500, "Server Internal Error: out-of-order REGISTER");
                }
            }
        }
        let now_bound = loc.bindings(&aor, now);
        let exists = |u: &Update| now_bound.iter().any(|b| b.key == u.key);
        let added = updates
            .iter()
            .filter(|u| u.expires != 0 && !exists(u))
            .count();
        let removed = updates
            .iter()
            .filter(|u| u.expires == 0 && exists(u))
            .count();
        if (now_bound.len() + added).saturating_sub(removed) > self.config.max_contacts_per_aor {
            drop(loc);
            return reply(req, 403, "Forbidden: too many contacts");
        }
        // Step 8: apply.
        for u in updates {
            if u.expires == 0 {
                loc.remove(&aor, &u.key);
            } else {
                loc.upsert(
                    &aor,
                    Binding {
                        key: u.key,
                        uri: u.uri,
                        contact: u.shown,
                        conn,
                        expires_at: now + Duration::from_secs(u64::from(u.expires)),
                        call_id: call_id.to_owned(),
                        cseq,
                    },
                );
            }
        }
        let current = loc.bindings(&aor, now);
        drop(loc);
        self.registered(req, &current, now, outbound)
    }

    /// `200 OK` listing every current binding with its remaining time (RFC 3261 §10.3 step 8).
    fn registered(
        &self,
        req: &Request,
        bindings: &[Binding],
        now: Instant,
        outbound: bool,
    ) -> Response {
        let mut resp = reply(req, 200, "OK");
        for b in bindings {
            let left = b.expires_at.saturating_duration_since(now).as_secs().max(1);
            resp.headers
                .push(HeaderName::CONTACT, format!("{};expires={left}", b.contact));
        }
        if outbound {
            // RFC 5626 §6: the registrar tells the UA it honours the flow.
            resp.headers.push(HeaderName::REQUIRE, "outbound");
        }
        resp
    }
}

/// True if the UA listed `outbound` in `Supported` (RFC 5626 §4.2.1).
fn supports_outbound(req: &Request) -> bool {
    req.headers.get_all(&HeaderName::SUPPORTED).any(|line| {
        line.split(',')
            .any(|tag| tag.trim().eq_ignore_ascii_case("outbound"))
    })
}
