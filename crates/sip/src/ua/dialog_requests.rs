//! Requests inside an established call, both directions: BYE (§15), re-INVITE (§14), INFO
//! (RFC 6086; DTMF relay), and the generic rules (§12.2: 481 for unknown dialogs, 500 for an
//! out-of-order CSeq, end the call on 481/408).

use super::build::set_body;
use super::client::Owner;
use super::{parts, Ua, UaError};
use crate::auth::attempts::Attempts;
use crate::call::negotiation::glare_backoff;
use crate::call::{CallHandle, CallState, CallTimer, Negotiation};
use crate::events::{EndReason, Event};
use crate::header::name::HeaderName;
use crate::message::Request;
use crate::method::Method;
use crate::time::Time;
use crate::timer::TIMER_64_T1;
use crate::transaction::ClientEvent;

impl Ua {
    /// A request with a To tag (§12.2.2): find its dialog, check the CSeq, dispatch.
    pub(super) fn on_in_dialog_request(&mut self, now: Time, request: Request, branch: &str) {
        let (Some(call_id), Some(to_tag), Some(from_tag), Some(cseq)) = (
            parts::call_id(&request.headers),
            parts::to_tag(&request.headers),
            parts::from_tag(&request.headers),
            parts::cseq(&request.headers),
        ) else {
            return self.respond_code(now, &request, branch, 400);
        };
        let Some(call) = self.calls.iter_mut().find(|c| {
            c.dialog
                .as_ref()
                .is_some_and(|d| d.id.matches_request(&call_id, &to_tag, &from_tag))
        }) else {
            return self.respond_code(now, &request, branch, 481);
        };
        let handle = call.handle;
        let in_order = call
            .dialog
            .as_mut()
            .is_some_and(|d| d.accept_remote_seq(cseq.seq));
        if !in_order {
            return self.respond_code(now, &request, branch, 500);
        }
        match request.method.as_str() {
            "BYE" => self.on_bye(now, handle, &request, branch),
            "INVITE" => self.on_reinvite(now, handle, request, branch),
            "INFO" => self.on_info(now, handle, &request, branch),
            "REFER" => self.on_refer(now, handle, &request, branch),
            "NOTIFY" => self.on_notify(now, handle, &request, branch),
            "MESSAGE" => self.on_message(now, &request, branch),
            "OPTIONS" => self.on_options(now, &request, branch),
            "UPDATE" | "PRACK" | "SUBSCRIBE" | "PUBLISH" | "REGISTER" => {
                self.respond_not_allowed(now, &request, branch)
            }
            _ => self.respond_code(now, &request, branch, 501),
        }
    }

    /// BYE (§15.1.2): 200, and a still-pending INVITE or re-INVITE gets 487.
    fn on_bye(&mut self, now: Time, handle: CallHandle, request: &Request, branch: &str) {
        self.respond_code(now, request, branch, 200);
        let Ok(call) = self.call_ref(handle) else {
            return;
        };
        let mut pending = vec![call.invite_branch.clone()];
        if let Negotiation::RemotePending { branch, .. } = &call.negotiation {
            pending.push(branch.clone());
        }
        for invite_branch in pending {
            let invite = self.servers.iter().find_map(|s| match &s.machine {
                super::server::ServerMachine::Invite(tx)
                    if s.branch == invite_branch && tx.is_pending() =>
                {
                    Some(tx.request().clone())
                }
                _ => None,
            });
            if let Some(invite) = invite {
                let response = self.response_to(&invite, 487, Some(&to_tag_of(request)));
                self.respond(now, &invite_branch, &Method::INVITE, response);
            }
        }
        self.end_call(now, handle, None, EndReason::RemoteHangup);
    }

    /// A re-INVITE (§14.2): 491 while ours is pending, 500 with Retry-After while another
    /// exchange is unfinished; otherwise the remote target is refreshed and the application
    /// gets the offer (or is asked for one).
    fn on_reinvite(&mut self, now: Time, handle: CallHandle, request: Request, branch: &str) {
        let Ok(call) = self.call_ref(handle) else {
            return;
        };
        let state = call.state;
        let negotiation = call.negotiation.clone();
        if state != CallState::Confirmed {
            return self.respond_retry_later(now, &request, branch);
        }
        match negotiation {
            Negotiation::LocalOffer { .. } => return self.respond_code(now, &request, branch, 491),
            Negotiation::RemotePending { .. }
            | Negotiation::AwaitingAck { .. }
            | Negotiation::AnswerInAck { .. } => {
                return self.respond_retry_later(now, &request, branch)
            }
            Negotiation::GlareWait { .. } => {
                // The peer's retry came first: our offer is abandoned (§14.1).
                self.emit(Event::ReinviteFailed {
                    call: handle,
                    code: 491,
                });
            }
            Negotiation::Idle => {}
        }
        let offer = parts::sdp(&request.headers, &request.body);
        if !request.body.is_empty() && offer.is_none() {
            let mut response = self.response_to(&request, 415, None);
            response.headers.push(HeaderName::ACCEPT, "application/sdp");
            self.respond(now, branch, &Method::INVITE, response);
            return;
        }
        let Ok(call) = self.call_mut(handle) else {
            return;
        };
        call.timers.stop(CallTimer::GlareRetry);
        if let Some(dialog) = call.dialog.as_mut() {
            dialog.refresh_target(&request.headers);
        }
        call.negotiation = Negotiation::RemotePending {
            branch: branch.to_owned(),
            offered: offer.is_some(),
        };
        match offer {
            Some(sdp) => self.emit(Event::RemoteOffer { call: handle, sdp }),
            None => self.emit(Event::OfferRequested { call: handle }),
        }
    }

    /// §14.2: 500 with a Retry-After of 0–10 s.
    fn respond_retry_later(&mut self, now: Time, request: &Request, branch: &str) {
        let mut response = self.response_to(request, 500, None);
        let seconds = self.rng.range(0, 10);
        response
            .headers
            .push(HeaderName::RETRY_AFTER, seconds.to_string());
        self.respond(now, branch, &request.method, response);
    }

    /// Sends a re-INVITE offering `sdp` (hold, unhold, ICE restart: the SDP comes from the
    /// browser). [`Event::RemoteAnswer`] or [`Event::ReinviteFailed`] follows; on 491 the
    /// core backs off and retries by itself (§14.1).
    pub fn reinvite(&mut self, now: Time, handle: CallHandle, sdp: &str) -> Result<(), UaError> {
        let call = self.call_ref(handle)?;
        if call.state != CallState::Confirmed {
            return Err(UaError::InvalidState("call is not established"));
        }
        if call.negotiation != Negotiation::Idle {
            return Err(UaError::InvalidState(
                "an offer/answer exchange is in progress",
            ));
        }
        if !self.transport_up {
            return Err(UaError::TransportDown);
        }
        self.send_reinvite(now, handle, sdp);
        Ok(())
    }

    fn send_reinvite(&mut self, now: Time, handle: CallHandle, sdp: &str) {
        let Ok(call) = self.call_mut(handle) else {
            return;
        };
        let Some(dialog) = call.dialog.as_mut() else {
            return;
        };
        let mut request = dialog.next_request(Method::INVITE);
        call.negotiation = Negotiation::LocalOffer {
            sdp: sdp.to_owned(),
        };
        self.push_dialog_headers(&mut request.headers);
        self.push_user_agent(&mut request.headers);
        self.push_token_header(&mut request.headers);
        set_body(
            &mut request.headers,
            &mut request.body,
            "application/sdp",
            sdp,
        );
        self.send_client(now, request, Owner::Call(handle), Attempts::default());
    }

    /// The back-off after a 491 is over: offer again (§14.1).
    pub(super) fn glare_retry(&mut self, now: Time, handle: CallHandle) {
        let Ok(call) = self.call_ref(handle) else {
            return;
        };
        let Negotiation::GlareWait { sdp } = call.negotiation.clone() else {
            return;
        };
        if self.transport_up {
            self.send_reinvite(now, handle, &sdp);
        } else {
            if let Ok(call) = self.call_mut(handle) {
                call.negotiation = Negotiation::Idle;
            }
            self.emit(Event::ReinviteFailed {
                call: handle,
                code: 503,
            });
        }
    }

    /// Answers the peer's offer: the 2xx to its re-INVITE (or our offer for a re-INVITE
    /// without SDP), or, after our INVITE without SDP, the ACK carrying our answer.
    pub fn answer_reinvite(
        &mut self,
        now: Time,
        handle: CallHandle,
        sdp: &str,
    ) -> Result<(), UaError> {
        let call = self.call_ref(handle)?;
        match call.negotiation.clone() {
            Negotiation::RemotePending { branch, offered } => {
                let Some(request) = self.server_request(&branch) else {
                    return Err(UaError::InvalidState("re-invite is gone"));
                };
                let mut response = self.response_to(&request, 200, Some(&call.local_tag.clone()));
                self.push_dialog_headers(&mut response.headers);
                self.push_user_agent(&mut response.headers);
                set_body(
                    &mut response.headers,
                    &mut response.body,
                    "application/sdp",
                    sdp,
                );
                if !self.respond(now, &branch, &Method::INVITE, response) {
                    return Err(UaError::InvalidState("re-invite already answered"));
                }
                let call = self.call_mut(handle)?;
                call.negotiation = Negotiation::AwaitingAck {
                    we_offered: !offered,
                };
                call.timers.set(CallTimer::AckWait, now + TIMER_64_T1);
                Ok(())
            }
            Negotiation::AnswerInAck { invite_seq } => {
                self.ack_call(handle, invite_seq, Some(sdp));
                self.call_mut(handle)?.negotiation = Negotiation::Idle;
                Ok(())
            }
            _ => Err(UaError::InvalidState("no offer to answer")),
        }
    }

    /// Refuses the peer's re-INVITE with `code` (e.g. 488 Not Acceptable Here); the session
    /// stays as it was.
    pub fn reject_reinvite(
        &mut self,
        now: Time,
        handle: CallHandle,
        code: u16,
    ) -> Result<(), UaError> {
        if !(300..=699).contains(&code) {
            return Err(UaError::BadStatus(code));
        }
        let call = self.call_ref(handle)?;
        let Negotiation::RemotePending { branch, .. } = call.negotiation.clone() else {
            return Err(UaError::InvalidState("no re-invite to reject"));
        };
        let tag = call.local_tag.clone();
        if let Some(request) = self.server_request(&branch) {
            let response = self.response_to(&request, code, Some(&tag));
            self.respond(now, &branch, &Method::INVITE, response);
        }
        self.call_mut(handle)?.negotiation = Negotiation::Idle;
        Ok(())
    }

    /// The request of a live server transaction.
    fn server_request(&self, branch: &str) -> Option<Request> {
        self.servers
            .iter()
            .find(|s| s.branch == branch)
            .map(|s| match &s.machine {
                super::server::ServerMachine::Invite(tx) => tx.request().clone(),
                super::server::ServerMachine::NonInvite(tx) => tx.request().clone(),
            })
    }

    /// Responses to our re-INVITE (§14.1).
    pub(super) fn reinvite_result(
        &mut self,
        now: Time,
        handle: CallHandle,
        request: &Request,
        event: ClientEvent,
    ) {
        let Ok(call) = self.call_ref(handle) else {
            return;
        };
        let Negotiation::LocalOffer { sdp: offered } = call.negotiation.clone() else {
            return;
        };
        let owns = call.owns_call_id();
        let code = match event {
            ClientEvent::Provisional(_) => return,
            ClientEvent::Final(response) if response.is_success() => {
                let seq = parts::cseq(&request.headers).map(|c| c.seq).unwrap_or(0);
                if let Ok(call) = self.call_mut(handle) {
                    call.negotiation = Negotiation::Idle;
                    if let Some(dialog) = call.dialog.as_mut() {
                        dialog.refresh_target(&response.headers);
                    }
                }
                self.ack_call(handle, seq, None);
                if let Some(sdp) = parts::sdp(&response.headers, &response.body) {
                    self.emit(Event::RemoteAnswer { call: handle, sdp });
                }
                return;
            }
            ClientEvent::Final(response) if response.code == 491 => {
                let delay = glare_backoff(&mut self.rng, owns);
                if let Ok(call) = self.call_mut(handle) {
                    call.negotiation = Negotiation::GlareWait { sdp: offered };
                    call.timers.set(CallTimer::GlareRetry, now + delay);
                }
                return;
            }
            ClientEvent::Final(response) => response.code,
            ClientEvent::Timeout => 408,
            ClientEvent::TransportError => 503,
        };
        if let Ok(call) = self.call_mut(handle) {
            call.negotiation = Negotiation::Idle;
        }
        self.emit(Event::ReinviteFailed { call: handle, code });
        self.end_on_dialog_failure(now, handle, code);
    }

    /// §12.2.1.2, §14.1: a 481 means the dialog is gone; a 408 (or no answer) ends it with
    /// a BYE.
    fn end_on_dialog_failure(&mut self, now: Time, handle: CallHandle, code: u16) {
        match code {
            481 => self.end_call(now, handle, Some(481), EndReason::DialogGone),
            408 if self
                .call_ref(handle)
                .is_ok_and(|c| c.state == CallState::Confirmed) =>
            {
                self.report_ended(now, handle, Some(408), EndReason::Timeout);
                self.send_bye(now, handle);
            }
            _ => {}
        }
    }

    /// Results of in-dialog requests without their own handling (INFO, MESSAGE, NOTIFY…).
    pub(super) fn in_dialog_result(
        &mut self,
        now: Time,
        handle: CallHandle,
        request: &Request,
        event: ClientEvent,
    ) {
        let code = match event {
            ClientEvent::Provisional(_) => return,
            ClientEvent::Final(response) if response.is_success() => return,
            ClientEvent::Final(response) => response.code,
            ClientEvent::Timeout => 408,
            ClientEvent::TransportError => 503,
        };
        if request.method != Method::NOTIFY {
            self.emit(Event::RequestFailed {
                call: handle,
                method: request.method.as_str().to_owned(),
                code,
            });
        }
        self.end_on_dialog_failure(now, handle, code);
    }

    /// Sends an INFO (RFC 6086) with any body, e.g. RFC 8840 trickle ICE.
    pub fn send_info(
        &mut self,
        now: Time,
        handle: CallHandle,
        content_type: &str,
        body: &str,
    ) -> Result<(), UaError> {
        if content_type.contains(['\r', '\n']) {
            return Err(UaError::BadHeader("content-type"));
        }
        let call = self.call_mut(handle)?;
        if call.state != CallState::Confirmed {
            return Err(UaError::InvalidState("call is not established"));
        }
        if !self.transport_up {
            return Err(UaError::TransportDown);
        }
        let call = self.call_mut(handle)?;
        let Some(dialog) = call.dialog.as_mut() else {
            return Err(UaError::InvalidState("call has no dialog"));
        };
        let mut request = dialog.next_request(Method::INFO);
        self.push_user_agent(&mut request.headers);
        set_body(&mut request.headers, &mut request.body, content_type, body);
        self.send_client(now, request, Owner::Call(handle), Attempts::default());
        Ok(())
    }

    /// Sends one DTMF digit as INFO `application/dtmf-relay` (`Signal=5\r\nDuration=160`).
    pub fn send_dtmf_info(
        &mut self,
        now: Time,
        handle: CallHandle,
        digit: char,
        duration_ms: u32,
    ) -> Result<(), UaError> {
        let digit = digit.to_ascii_uppercase();
        if !crate::dtmf::is_digit(digit) {
            return Err(UaError::BadDigit);
        }
        let body = crate::dtmf::relay_body(digit, duration_ms);
        self.send_info(now, handle, "application/dtmf-relay", &body)
    }

    /// INFO received: DTMF relay becomes [`Event::Dtmf`], other bodies [`Event::Info`]; an
    /// empty INFO (a keep-alive) just gets its 200.
    fn on_info(&mut self, now: Time, handle: CallHandle, request: &Request, branch: &str) {
        let media = parts::media_type(&request.headers).unwrap_or_default();
        let text = String::from_utf8_lossy(&request.body).into_owned();
        let event = match media.as_str() {
            _ if request.body.is_empty() => None,
            "application/dtmf-relay" => match crate::dtmf::parse_relay(&text) {
                Some((digit, duration)) => Some(Event::Dtmf {
                    call: handle,
                    digit,
                    duration,
                }),
                None => return self.respond_code(now, request, branch, 400),
            },
            "application/dtmf" => match crate::dtmf::parse_plain(&text) {
                Some(digit) => Some(Event::Dtmf {
                    call: handle,
                    digit,
                    duration: 0,
                }),
                None => return self.respond_code(now, request, branch, 400),
            },
            _ => Some(Event::Info {
                call: handle,
                content_type: parts::content_type_raw(&request.headers),
                body: text,
            }),
        };
        self.respond_code(now, request, branch, 200);
        if let Some(event) = event {
            self.emit(event);
        }
    }
}

/// The To tag of an in-dialog request (our local tag).
fn to_tag_of(request: &Request) -> String {
    parts::to_tag(&request.headers).unwrap_or_default()
}
