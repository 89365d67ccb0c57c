//! Client transactions inside the Ua: sending requests, matching responses (RFC 3261
//! §17.1.3), digest retries (§22.2), and handing results to their owner.

use super::{MessageHandle, Ua};
use crate::auth::attempts::Attempts;
use crate::auth::DigestChallenge;
use crate::call::CallHandle;
use crate::events::{Discard, Event};
use crate::header::name::HeaderName;
use crate::header::typed::{
    Authorization, CSeq, Challenge, ProxyAuthenticate, ProxyAuthorization, Via, WwwAuthenticate,
};
use crate::message::{Request, Response};
use crate::method::Method;
use crate::time::Time;
use crate::transaction::{ClientEvent, ClientInvite, ClientNonInvite};

/// Who gets a client transaction's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    Registration,
    Call(CallHandle),
    Message(MessageHandle),
    /// Nobody waits (e.g. the BYE that ends a stray 2xx's dialog).
    Detached,
}

#[derive(Debug, Clone)]
pub(crate) enum ClientMachine {
    Invite(ClientInvite),
    NonInvite(ClientNonInvite),
}

impl ClientMachine {
    pub(crate) fn request(&self) -> &Request {
        match self {
            ClientMachine::Invite(tx) => tx.request(),
            ClientMachine::NonInvite(tx) => tx.request(),
        }
    }

    pub(crate) fn is_terminated(&self) -> bool {
        match self {
            ClientMachine::Invite(tx) => tx.is_terminated(),
            ClientMachine::NonInvite(tx) => tx.is_terminated(),
        }
    }

    pub(crate) fn abort(&mut self) {
        match self {
            ClientMachine::Invite(tx) => tx.abort(),
            ClientMachine::NonInvite(tx) => tx.abort(),
        }
    }

    pub(crate) fn next_deadline(&self) -> Option<Time> {
        match self {
            ClientMachine::Invite(tx) => tx.next_deadline(),
            ClientMachine::NonInvite(tx) => tx.next_deadline(),
        }
    }
}

/// A client transaction and what it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct ClientEntry {
    pub branch: String,
    pub method: Method,
    pub machine: ClientMachine,
    pub owner: Owner,
    /// Digest challenges answered so far for this request (one retry per challenge).
    pub attempts: Attempts,
}

/// The top Via's branch of a message's headers.
pub(crate) fn top_branch(headers: &crate::Headers) -> Option<String> {
    match headers.typed::<Via>() {
        Some(Ok(via)) => via.branch().map(str::to_owned),
        _ => None,
    }
}

impl Ua {
    /// Sends `request` in a new client transaction. A request without Via gets ours with a
    /// fresh branch (a CANCEL keeps the INVITE's, §9.1); Max-Forwards 70 is added if missing
    /// (§8.1.1.6). Returns the request as sent.
    pub(super) fn send_client(
        &mut self,
        now: Time,
        mut request: Request,
        owner: Owner,
        attempts: Attempts,
    ) -> Request {
        if !request.headers.contains(&HeaderName::MAX_FORWARDS) {
            request.headers.push_front(HeaderName::MAX_FORWARDS, "70");
        }
        let branch = match top_branch(&request.headers) {
            Some(branch) => branch,
            None => {
                let branch = self.rng.branch();
                let via = self.local.via(&branch);
                let mut value = String::new();
                crate::header::typed::TypedHeader::print(&via, &mut value);
                request.headers.push_front(HeaderName::VIA, value);
                branch
            }
        };
        let machine = if request.method == Method::INVITE {
            ClientMachine::Invite(ClientInvite::start(now, request.clone()))
        } else {
            ClientMachine::NonInvite(ClientNonInvite::start(now, request.clone()))
        };
        self.clients.push(ClientEntry {
            branch,
            method: request.method.clone(),
            machine,
            owner,
            attempts,
        });
        self.send_request_text(&request);
        request
    }

    /// Sends an ACK for a 2xx (§13.2.2.4): not a transaction, but it still needs a Via with a
    /// new branch.
    pub(super) fn send_ack(&mut self, mut ack: Request) -> Request {
        ack.headers.push_front(HeaderName::MAX_FORWARDS, "70");
        let branch = self.rng.branch();
        let via = self.local.via(&branch);
        ack.headers.push_front(
            HeaderName::VIA,
            crate::header::typed::TypedHeader::to_value(&via),
        );
        self.send_request_text(&ack);
        ack
    }

    /// A received response: §18.1.2 (the top Via must be ours), §17.1.3 (match by branch and
    /// CSeq method), then the transaction decides what its TU sees.
    pub(super) fn on_response(&mut self, now: Time, response: Response) {
        let via = match response.headers.typed::<Via>() {
            Some(Ok(via)) => via,
            _ => return self.emit(Event::Discarded(Discard::BadResponse("via"))),
        };
        if !via.host.eq_ignore_ascii_case(&self.local.via_host) {
            return self.emit(Event::Discarded(Discard::NotOurVia));
        }
        let method = match response.headers.typed::<CSeq>() {
            Some(Ok(cseq)) => cseq.method,
            _ => return self.emit(Event::Discarded(Discard::BadResponse("cseq"))),
        };
        let Some(branch) = via.branch() else {
            return self.emit(Event::Discarded(Discard::BadResponse("via branch")));
        };
        let Some(index) = self
            .clients
            .iter()
            .position(|c| c.branch == branch && c.method == method)
        else {
            return self.emit(Event::Discarded(Discard::UnknownTransaction));
        };
        let entry = &mut self.clients[index];
        let (event, ack) = match &mut entry.machine {
            ClientMachine::Invite(tx) => {
                let output = tx.on_response(now, response);
                (output.event, output.ack)
            }
            ClientMachine::NonInvite(tx) => (tx.on_response(response), None),
        };
        let owner = entry.owner;
        let attempts = entry.attempts.clone();
        let request = entry.machine.request().clone();
        if entry.machine.is_terminated() {
            self.clients.remove(index);
        }
        if let Some(ack) = ack {
            self.send_request_text(&ack);
        }
        if let Some(event) = event {
            self.client_event(now, owner, request, attempts, event);
        }
    }

    /// Runs due client transaction timers (B, F, M).
    pub(super) fn client_timeouts(&mut self, now: Time) {
        let mut index = 0;
        while index < self.clients.len() {
            let entry = &mut self.clients[index];
            let event = match &mut entry.machine {
                ClientMachine::Invite(tx) => tx.on_timeout(now),
                ClientMachine::NonInvite(tx) => tx.on_timeout(now),
            };
            let owner = entry.owner;
            let attempts = entry.attempts.clone();
            let request = entry.machine.request().clone();
            if entry.machine.is_terminated() {
                self.clients.remove(index);
            } else {
                index += 1;
            }
            if let Some(event) = event {
                self.client_event(now, owner, request, attempts, event);
            }
        }
    }

    /// Routes a transaction result to its owner, answering a digest challenge first when we
    /// can (RFC 3261 §22.2: re-send with credentials, new branch and CSeq).
    pub(super) fn client_event(
        &mut self,
        now: Time,
        owner: Owner,
        request: Request,
        attempts: Attempts,
        event: ClientEvent,
    ) {
        if let ClientEvent::Final(response) = &event {
            if matches!(response.code, 401 | 407)
                && self.retry_with_credentials(now, owner, &request, attempts, response)
            {
                return;
            }
        }
        match owner {
            Owner::Registration => self.registration_result(now, &request, event),
            Owner::Call(call) => self.call_result(now, call, &request, event),
            Owner::Message(message) => self.message_result(message, event),
            Owner::Detached => {}
        }
    }

    /// §22.2: answers a 401/407 once per challenge (a `stale=true` one does not count).
    /// Returns false when we cannot or must not retry: the owner then sees the failure.
    fn retry_with_credentials(
        &mut self,
        now: Time,
        owner: Owner,
        request: &Request,
        mut attempts: Attempts,
        response: &Response,
    ) -> bool {
        let proxy = response.code == 407;
        let challenges: Vec<Challenge> = if proxy {
            response
                .headers
                .typed_all::<ProxyAuthenticate>()
                .map(|all| all.into_iter().map(|c| c.0).collect())
                .unwrap_or_default()
        } else {
            response
                .headers
                .typed_all::<WwwAuthenticate>()
                .map(|all| all.into_iter().map(|c| c.0).collect())
                .unwrap_or_default()
        };
        let Some(challenge) = DigestChallenge::pick(&challenges, proxy) else {
            return false;
        };
        let Some((username, password)) = self.config.login.digest() else {
            return false;
        };
        if !attempts.should_answer(&challenge) || !self.transport_up {
            return false;
        }
        let mut retry = request.clone();
        retry.headers.remove(&HeaderName::VIA);
        let Some(seq) = self.retry_cseq(owner, &retry) else {
            return false;
        };
        retry.headers.set_typed(&CSeq {
            seq,
            method: retry.method.clone(),
        });
        let header = if proxy {
            HeaderName::PROXY_AUTHORIZATION
        } else {
            HeaderName::AUTHORIZATION
        };
        // Credentials for an older nonce of this realm (or a Bearer token) are replaced.
        remove_credentials(&mut retry, &header, &challenge.realm);
        let mut uri = String::new();
        retry.uri.print(&mut uri);
        let nc = self.nonces.next_nc(&challenge.nonce);
        let cnonce = self.rng.cnonce();
        let credentials = challenge.answer(
            &username,
            &password,
            retry.method.as_str(),
            &uri,
            nc,
            &cnonce,
        );
        if proxy {
            retry.headers.push_typed(&ProxyAuthorization(credentials));
        } else {
            retry.headers.push_typed(&Authorization(credentials));
        }
        if owner == Owner::Registration {
            self.nonces.remember_register(challenge);
        }
        let sent = self.send_client(now, retry, owner, attempts);
        self.request_resent(owner, &sent);
        true
    }

    /// The CSeq of a re-sent request: the next one of its dialog, registration or plain +1.
    fn retry_cseq(&mut self, owner: Owner, request: &Request) -> Option<u32> {
        let old = match request.headers.typed::<CSeq>() {
            Some(Ok(cseq)) => cseq.seq,
            _ => return None,
        };
        match owner {
            Owner::Registration => Some(self.registration.next_cseq()),
            Owner::Call(handle) => {
                let in_dialog = super::parts::to_tag(&request.headers).is_some();
                let call = self.calls.iter_mut().find(|c| c.handle == handle)?;
                match (&mut call.dialog, in_dialog) {
                    (Some(dialog), true) => Some(dialog.next_local_seq()),
                    _ => Some(old.wrapping_add(1)),
                }
            }
            Owner::Message(_) | Owner::Detached => Some(old.wrapping_add(1)),
        }
    }

    /// Keeps a call's copy of its INVITE current after an authenticated re-send (the CANCEL
    /// must match the INVITE actually pending, §9.1).
    fn request_resent(&mut self, owner: Owner, sent: &Request) {
        if let Owner::Call(handle) = owner {
            if sent.method == Method::INVITE {
                if let Some(call) = self.calls.iter_mut().find(|c| c.handle == handle) {
                    if call
                        .dialog
                        .as_ref()
                        .is_none_or(|d| d.state == crate::dialog::DialogState::Early)
                    {
                        call.invite = sent.clone();
                    }
                }
            }
        }
    }
}

/// Drops `header` lines that answer `realm`, and any Bearer credentials.
fn remove_credentials(request: &mut Request, header: &HeaderName, realm: &str) {
    let keep: Vec<String> = request
        .headers
        .get_all(header)
        .filter(|value| {
            let parsed = if *header == HeaderName::AUTHORIZATION {
                <Authorization as crate::header::typed::TypedHeader>::parse(value).map(|a| a.0)
            } else {
                <ProxyAuthorization as crate::header::typed::TypedHeader>::parse(value).map(|a| a.0)
            };
            match parsed {
                Ok(c) => {
                    !(c.scheme.eq_ignore_ascii_case("Bearer") || c.param("realm") == Some(realm))
                }
                Err(_) => false,
            }
        })
        .map(str::to_owned)
        .collect();
    request.headers.remove(header);
    for value in keep {
        request.headers.push(header.clone(), value);
    }
}
