//! Outgoing calls (UAC, RFC 3261 §13.2): the INVITE, its responses, the ACK for 2xx.

use super::build::set_body;
use super::client::Owner;
use super::{parts, Ua, UaError};
use crate::auth::attempts::Attempts;
use crate::call::{Call, CallDirection, CallHandle, CallState, CallTimer, Negotiation, NewCall};
use crate::dialog::{Dialog, DialogState};
use crate::events::{EndReason, Event};
use crate::header::name::HeaderName;
use crate::message::{Request, Response};
use crate::method::Method;
use crate::name_addr::NameAddr;
use crate::time::Time;
use crate::timer::TimerTable;
use crate::transaction::cancel::cancel_for;
use crate::transaction::ClientEvent;
use crate::uri::Uri;

impl Ua {
    pub(super) fn new_call_handle(&mut self) -> CallHandle {
        let handle = CallHandle(self.next_call);
        self.next_call += 1;
        handle
    }

    pub(super) fn call_mut(&mut self, handle: CallHandle) -> Result<&mut Call, UaError> {
        self.calls
            .iter_mut()
            .find(|c| c.handle == handle)
            .ok_or(UaError::UnknownCall)
    }

    pub(super) fn call_ref(&self, handle: CallHandle) -> Result<&Call, UaError> {
        self.calls
            .iter()
            .find(|c| c.handle == handle)
            .ok_or(UaError::UnknownCall)
    }

    /// Places a call to `target` (§13.2.1). `offer` is our SDP, or `None` to let the callee
    /// offer in its 2xx (then [`Event::RemoteOffer`] follows and `answer_reinvite` puts the
    /// answer in the ACK). `extra_headers` go on this INVITE after the configured ones.
    pub fn invite(
        &mut self,
        now: Time,
        target: Uri,
        offer: Option<String>,
        extra_headers: &[(HeaderName, String)],
    ) -> Result<CallHandle, UaError> {
        if !self.transport_up {
            return Err(UaError::TransportDown);
        }
        let handle = self.new_call_handle();
        let call_id = self.rng.call_id();
        let tag = self.rng.tag();
        let mut request = self.new_request(
            Method::INVITE,
            target.clone(),
            NameAddr::new(target),
            &call_id,
            &tag,
            1,
        );
        self.push_dialog_headers(&mut request.headers);
        self.push_user_agent(&mut request.headers);
        if self.config.token_on_invite {
            self.push_token_header(&mut request.headers);
        }
        for (name, value) in self.config.invite_headers.iter().chain(extra_headers) {
            request.headers.push(name.clone(), value.as_str());
        }
        if let Some(sdp) = &offer {
            set_body(
                &mut request.headers,
                &mut request.body,
                "application/sdp",
                sdp,
            );
        }
        let mut timers = TimerTable::new();
        timers.set(CallTimer::NoAnswer, now + self.config.no_answer_timeout);
        self.calls.push(Call::new(NewCall {
            handle,
            direction: CallDirection::Outgoing,
            state: CallState::Calling,
            dialog: None,
            local_tag: tag,
            invite: request.clone(),
            invite_branch: String::new(),
            offer_in_invite: offer.is_some(),
            timers,
            peer_trickles: false,
        }));
        let sent = self.send_client(now, request, Owner::Call(handle), Attempts::default());
        if let Ok(call) = self.call_mut(handle) {
            call.invite = sent;
        }
        Ok(handle)
    }

    /// The result of a client transaction a call owns.
    pub(super) fn call_result(
        &mut self,
        now: Time,
        handle: CallHandle,
        request: &Request,
        event: ClientEvent,
    ) {
        let in_dialog = parts::to_tag(&request.headers).is_some();
        match request.method.as_str() {
            "INVITE" if !in_dialog => self.initial_invite_result(now, handle, event),
            "INVITE" => self.reinvite_result(now, handle, request, event),
            "BYE" => {
                if !matches!(event, ClientEvent::Provisional(_)) {
                    self.remove_call(handle);
                }
            }
            "CANCEL" => {}
            "REFER" => self.refer_result(now, handle, event),
            _ => self.in_dialog_result(now, handle, request, event),
        }
    }

    /// §13.2.2: responses to our INVITE.
    fn initial_invite_result(&mut self, now: Time, handle: CallHandle, event: ClientEvent) {
        let Ok(call) = self.call_ref(handle) else {
            // The call is gone; a late 2xx still creates a dialog we must ACK and end
            // (§13.2.2.4 allows no other way to stop the callee's side).
            return;
        };
        let state = call.state;
        match event {
            ClientEvent::Provisional(response) => {
                self.invite_provisional(now, handle, state, response)
            }
            ClientEvent::Final(response) if response.is_success() => {
                self.invite_success(now, handle, state, response)
            }
            ClientEvent::Final(response) => {
                let code = response.code;
                let reason = match code {
                    401 | 407 => EndReason::AuthFailed,
                    408 => EndReason::Timeout,
                    _ => EndReason::Rejected,
                };
                self.end_call(now, handle, Some(code), reason);
            }
            ClientEvent::Timeout => self.end_call(now, handle, Some(408), EndReason::Timeout),
            ClientEvent::TransportError => {
                self.end_call(now, handle, None, EndReason::TransportError)
            }
        }
    }

    fn invite_provisional(
        &mut self,
        now: Time,
        handle: CallHandle,
        state: CallState,
        response: Response,
    ) {
        let code = response.code;
        let Ok(call) = self.call_mut(handle) else {
            return;
        };
        call.got_provisional = true;
        if code > 100 && parts::to_tag(&response.headers).is_some() {
            call.peer_trickles = super::trickle::lists_trickle(&response.headers);
        }
        // §12.1.2: a 1xx with a To tag creates (or, from another fork, replaces) the early
        // dialog.
        if code > 100 {
            if let Some(tag) = parts::to_tag(&response.headers) {
                let same = call.dialog.as_ref().is_some_and(|d| d.id.remote_tag == tag);
                if !same {
                    if let Ok(dialog) = Dialog::uac(&call.invite, &response) {
                        call.dialog = Some(dialog);
                    }
                }
            }
        }
        let transfer_of = call.transfer_of;
        let invite = call.invite.clone();
        match state {
            CallState::Cancelling { cancel_sent: false } => {
                call.state = CallState::Cancelling { cancel_sent: true };
                self.send_client(
                    now,
                    cancel_for(&invite, None),
                    Owner::Call(handle),
                    Attempts::default(),
                );
            }
            CallState::Calling if code > 100 => {
                let early_sdp = parts::sdp(&response.headers, &response.body);
                self.emit(Event::Ringing {
                    call: handle,
                    code,
                    early_sdp,
                });
                if let Some(original) = transfer_of {
                    self.notify_transfer(now, original, code);
                }
            }
            _ => {}
        }
    }

    fn invite_success(
        &mut self,
        now: Time,
        handle: CallHandle,
        state: CallState,
        response: Response,
    ) {
        let Ok(call) = self.call_mut(handle) else {
            return;
        };
        let tag = parts::to_tag(&response.headers);
        let confirmed_tag = call
            .dialog
            .as_ref()
            .filter(|d| d.state == DialogState::Confirmed)
            .map(|d| d.id.remote_tag.clone());
        if let Some(confirmed) = confirmed_tag {
            if tag.as_deref() == Some(confirmed.as_str()) {
                // A retransmitted 2xx: ACK it again (§13.2.2.4).
                if let Some(ack) = call.last_ack.clone() {
                    self.send_request_text(&ack);
                }
            } else {
                // A 2xx from another fork: ACK it and end that dialog at once (§13.2.2.4).
                let invite = call.invite.clone();
                self.ack_and_bye_stray(now, &invite, &response);
            }
            return;
        }
        let mut dialog = match call.dialog.take() {
            Some(mut dialog) if tag.as_deref() == Some(dialog.id.remote_tag.as_str()) => {
                dialog.confirm_with(&response);
                dialog
            }
            _ => match Dialog::uac(&call.invite, &response) {
                Ok(dialog) => dialog,
                Err(_) => {
                    // No usable To tag: nothing to ACK within; give up on the call.
                    return self.end_call(now, handle, Some(response.code), EndReason::Rejected);
                }
            },
        };
        dialog.state = DialogState::Confirmed;
        call.peer_trickles = super::trickle::lists_trickle(&response.headers);
        let invite_seq = parts::cseq(&call.invite.headers)
            .map(|c| c.seq)
            .unwrap_or(1);
        call.timers.stop(CallTimer::NoAnswer);
        let sdp = parts::sdp(&response.headers, &response.body);
        let offer_in_invite = call.offer_in_invite;
        let transfer_of = call.transfer_of;
        call.dialog = Some(dialog);
        if let CallState::Cancelling { .. } = state {
            // The 2xx crossed our CANCEL: ACK, then BYE (§9.1, §15).
            self.ack_call(handle, invite_seq, None);
            self.send_bye(now, handle);
            return;
        }
        if state != CallState::Calling {
            return;
        }
        if let Ok(call) = self.call_mut(handle) {
            call.state = CallState::Confirmed;
        }
        if offer_in_invite || sdp.is_none() {
            self.ack_call(handle, invite_seq, None);
            self.emit(Event::Answered {
                call: handle,
                sdp: if offer_in_invite { sdp } else { None },
            });
        } else if let Some(offer) = sdp {
            // INVITE without SDP: the 2xx offers, our answer goes in the ACK (RFC 3264 §2).
            if let Ok(call) = self.call_mut(handle) {
                call.negotiation = Negotiation::AnswerInAck { invite_seq };
            }
            self.emit(Event::Answered {
                call: handle,
                sdp: None,
            });
            self.emit(Event::RemoteOffer {
                call: handle,
                sdp: offer,
            });
        }
        if let Some(original) = transfer_of {
            self.notify_transfer(now, original, 200);
        }
    }

    /// Sends the ACK for the call's 2xx (§13.2.2.4), with `sdp` as the answer if given.
    pub(super) fn ack_call(&mut self, handle: CallHandle, invite_seq: u32, sdp: Option<&str>) {
        let Ok(call) = self.call_mut(handle) else {
            return;
        };
        let Some(dialog) = call.dialog.as_ref() else {
            return;
        };
        let mut ack = dialog.ack(invite_seq);
        // §13.2.2.4: the ACK carries the INVITE's credentials.
        for name in [HeaderName::AUTHORIZATION, HeaderName::PROXY_AUTHORIZATION] {
            for value in call.invite.headers.get_all(&name) {
                ack.headers.push(name.clone(), value);
            }
        }
        if let Some(sdp) = sdp {
            set_body(&mut ack.headers, &mut ack.body, "application/sdp", sdp);
        }
        let sent = self.send_ack(ack);
        if let Ok(call) = self.call_mut(handle) {
            call.last_ack = Some(sent);
        }
    }

    /// ACK and BYE for a 2xx that no call wants (another fork, §13.2.2.4).
    fn ack_and_bye_stray(&mut self, now: Time, invite: &Request, response: &Response) {
        let Ok(mut dialog) = Dialog::uac(invite, response) else {
            return;
        };
        let invite_seq = dialog.local_seq;
        self.send_ack(dialog.ack(invite_seq));
        let bye = dialog.next_request(Method::BYE);
        self.send_client(now, bye, Owner::Detached, Attempts::default());
    }
}
