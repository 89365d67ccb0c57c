//! Server transactions inside the Ua: receiving requests (RFC 3261 §8.2, §17.2.3), building
//! responses (§8.2.6) and sending them through their transaction.

use super::client::top_branch;
use super::parts;
use super::Ua;
use crate::events::{Discard, Event};
use crate::header::name::HeaderName;
use crate::header::typed::Require;
use crate::message::{Request, Response};
use crate::method::Method;
use crate::reason_phrase::reason_phrase;
use crate::time::Time;
use crate::transaction::{ServerInvite, ServerNonInvite};

/// The methods we handle (§8.2.1 `Allow`, §20.5).
pub(crate) const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, MESSAGE";
/// Option tags we support in dialogs (RFC 5626 `outbound`).
pub(crate) const SUPPORTED: &str = "outbound";
/// Option tags a `Require` may name without a 420 (§8.2.2.3).
const UNDERSTOOD: &[&str] = &["outbound", "path", "gruu"];

#[derive(Debug, Clone)]
pub(crate) enum ServerMachine {
    Invite(ServerInvite),
    NonInvite(ServerNonInvite),
}

#[derive(Debug, Clone)]
pub(crate) struct ServerEntry {
    pub branch: String,
    pub method: Method,
    pub machine: ServerMachine,
}

impl ServerEntry {
    fn is_terminated(&self) -> bool {
        match &self.machine {
            ServerMachine::Invite(tx) => tx.is_terminated(),
            ServerMachine::NonInvite(tx) => tx.is_terminated(),
        }
    }

    pub(crate) fn next_deadline(&self) -> Option<Time> {
        match &self.machine {
            ServerMachine::Invite(tx) => tx.next_deadline(),
            ServerMachine::NonInvite(_) => None,
        }
    }
}

/// A response to `request` per §8.2.6.2: Via lines, From, To, Call-ID and CSeq copied.
pub(crate) fn local_response(request: &Request, code: u16) -> Response {
    let mut response = Response::new(code, reason_phrase(code));
    for value in request.headers.get_all(&HeaderName::VIA) {
        response.headers.push(HeaderName::VIA, value);
    }
    for name in [
        HeaderName::FROM,
        HeaderName::TO,
        HeaderName::CALL_ID,
        HeaderName::CSEQ,
    ] {
        if let Some(value) = request.headers.get(&name) {
            response.headers.push(name, value);
        }
    }
    response
}

/// Sets the To tag of a response if the request had none (§8.2.6.2; not on 100 Trying).
pub(crate) fn set_to_tag(response: &mut Response, tag: &str) {
    if response.code == 100 || parts::to_tag(&response.headers).is_some() {
        return;
    }
    if let Some(Ok(mut to)) = response.headers.typed::<crate::header::typed::ToHeader>() {
        to.0.set_param("tag", Some(tag));
        response.headers.set_typed(&to);
    }
}

impl Ua {
    /// A response to `request` with our To tag (`tag`, or a fresh one).
    pub(super) fn response_to(
        &mut self,
        request: &Request,
        code: u16,
        tag: Option<&str>,
    ) -> Response {
        let mut response = local_response(request, code);
        if code != 100 && parts::to_tag(&response.headers).is_none() {
            let tag = match tag {
                Some(tag) => tag.to_owned(),
                None => self.rng.tag(),
            };
            set_to_tag(&mut response, &tag);
        }
        response
    }

    /// The offer in an INVITE or re-INVITE, or `Err(())` after answering 415 with
    /// `Accept: application/sdp` when it has a body we cannot use as one (RFC 3261 §13.3.1,
    /// §21.4.13). `Ok(None)` is an INVITE without a body (the offer will be ours).
    pub(super) fn invite_offer_or_415(
        &mut self,
        now: Time,
        request: &Request,
        branch: &str,
    ) -> Result<Option<String>, ()> {
        let offer = parts::sdp(&request.headers, &request.body);
        if !request.body.is_empty() && offer.is_none() {
            let mut response = self.response_to(request, 415, None);
            response.headers.push(HeaderName::ACCEPT, "application/sdp");
            self.respond(now, branch, &Method::INVITE, response);
            return Err(());
        }
        Ok(offer)
    }

    /// Sends `response` through the server transaction (`branch`, `method`). Returns false
    /// when there is none or it already sent a final response.
    pub(super) fn respond(
        &mut self,
        now: Time,
        branch: &str,
        method: &Method,
        response: Response,
    ) -> bool {
        let Some(index) = self
            .servers
            .iter()
            .position(|s| s.branch == branch && s.method == *method)
        else {
            return false;
        };
        let entry = &mut self.servers[index];
        let accepted = match &mut entry.machine {
            ServerMachine::Invite(tx) => tx.respond(now, &response).is_ok(),
            ServerMachine::NonInvite(tx) => tx.respond(&response).is_ok(),
        };
        if entry.is_terminated() {
            self.servers.remove(index);
        }
        if accepted {
            self.send_response_text(&response);
        }
        accepted
    }

    /// Answers `request` with a bare `code` through its transaction.
    pub(super) fn respond_code(&mut self, now: Time, request: &Request, branch: &str, code: u16) {
        let response = self.response_to(request, code, None);
        self.respond(now, branch, &request.method, response);
    }

    /// True while the INVITE server transaction `branch` has not sent a final response.
    pub(super) fn invite_pending(&self, branch: &str) -> bool {
        self.servers.iter().any(|s| {
            s.branch == branch && matches!(&s.machine, ServerMachine::Invite(tx) if tx.is_pending())
        })
    }

    /// Runs due server transaction timers (H, L); they end quietly.
    pub(super) fn server_timeouts(&mut self, now: Time) {
        for entry in &mut self.servers {
            if let ServerMachine::Invite(tx) = &mut entry.machine {
                while tx.on_timeout(now).is_some() {}
            }
        }
        self.servers.retain(|s| !s.is_terminated());
    }

    /// A received request: checks the headers every request needs (§8.1.1), lets the
    /// transaction layer absorb ACKs and retransmissions (§17.2.3), then dispatches.
    pub(super) fn on_request(&mut self, now: Time, request: Request) {
        let Some(branch) = top_branch(&request.headers) else {
            return self.emit(Event::Discarded(Discard::BadRequest("via branch")));
        };
        let cseq = parts::cseq(&request.headers);
        let valid = parts::call_id(&request.headers).is_some()
            && request
                .headers
                .typed::<crate::header::typed::FromHeader>()
                .is_some_and(|r| r.is_ok())
            && request
                .headers
                .typed::<crate::header::typed::ToHeader>()
                .is_some_and(|r| r.is_ok())
            && cseq.as_ref().is_some_and(|c| c.method == request.method);
        if request.method == Method::ACK {
            if !valid {
                return self.emit(Event::Discarded(Discard::BadRequest("ack headers")));
            }
            return self.on_ack(now, request, &branch);
        }
        if !valid {
            // §8.2: a request we cannot even identify gets a 400 if we can address one.
            let response = local_response(&request, 400);
            self.send_response_text(&response);
            return self.emit(Event::Discarded(Discard::BadRequest(
                "from, to, call-id or cseq",
            )));
        }
        if let Some(entry) = self
            .servers
            .iter()
            .find(|s| s.branch == branch && s.method == request.method)
        {
            // A retransmission: repeat the last response, if any (§17.2.1, §17.2.2).
            let last = match &entry.machine {
                ServerMachine::Invite(tx) => tx.last_response().cloned(),
                ServerMachine::NonInvite(tx) => tx.last_response().cloned(),
            };
            if let Some(last) = last {
                self.send_response_text(&last);
            }
            return;
        }
        let machine = if request.method == Method::INVITE {
            ServerMachine::Invite(ServerInvite::start(request.clone()))
        } else {
            ServerMachine::NonInvite(ServerNonInvite::start(request.clone()))
        };
        self.servers.push(ServerEntry {
            branch: branch.clone(),
            method: request.method.clone(),
            machine,
        });
        if request.method == Method::INVITE {
            let trying = self.response_to(&request, 100, None);
            self.respond(now, &branch, &Method::INVITE, trying);
        }
        if request.method == Method::CANCEL {
            return self.on_cancel(now, &request, &branch);
        }
        if let Some(Ok(Require(tags))) = request.headers.typed::<Require>() {
            let unknown: Vec<&str> = tags
                .iter()
                .map(String::as_str)
                .filter(|t| !UNDERSTOOD.iter().any(|u| u.eq_ignore_ascii_case(t)))
                .collect();
            if !unknown.is_empty() && request.method != Method::ACK {
                // §8.2.2.3: 420 listing what we do not support.
                let mut response = self.response_to(&request, 420, None);
                response
                    .headers
                    .push(HeaderName::UNSUPPORTED, unknown.join(", "));
                self.respond(now, &branch, &request.method, response);
                return;
            }
        }
        if parts::to_tag(&request.headers).is_some() {
            return self.on_in_dialog_request(now, request, &branch);
        }
        match request.method.as_str() {
            "INVITE" => self.on_incoming_invite(now, request, &branch),
            "OPTIONS" => self.on_options(now, &request, &branch),
            "MESSAGE" => self.on_message(now, &request, &branch),
            // In-dialog methods without a To tag belong to no dialog (§12.2.2).
            "BYE" | "INFO" | "REFER" | "NOTIFY" | "PRACK" | "UPDATE" => {
                self.respond_code(now, &request, &branch, 481)
            }
            "REGISTER" | "SUBSCRIBE" | "PUBLISH" => {
                self.respond_not_allowed(now, &request, &branch)
            }
            _ => self.respond_code(now, &request, &branch, 501),
        }
    }

    /// §8.2.1: 405 with the Allow header.
    pub(super) fn respond_not_allowed(&mut self, now: Time, request: &Request, branch: &str) {
        let mut response = self.response_to(request, 405, None);
        response.headers.push(HeaderName::ALLOW, ALLOW);
        self.respond(now, branch, &request.method, response);
    }

    /// OPTIONS (§11.2): 200 with what we can do.
    pub(super) fn on_options(&mut self, now: Time, request: &Request, branch: &str) {
        let mut response = self.response_to(request, 200, None);
        response.headers.push(HeaderName::ALLOW, ALLOW);
        response.headers.push(HeaderName::ACCEPT, "application/sdp");
        response.headers.push(HeaderName::SUPPORTED, SUPPORTED);
        self.respond(now, branch, &request.method, response);
    }
}
