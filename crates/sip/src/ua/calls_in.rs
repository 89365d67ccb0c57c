//! Incoming calls (UAS, RFC 3261 §13.3): the INVITE, answering, rejecting, CANCEL (§9.2)
//! and the ACK for our 2xx.

use super::build::set_body;
use super::server::ServerMachine;
use super::{parts, Ua, UaError};
use crate::call::{Call, CallDirection, CallHandle, CallState, CallTimer, Negotiation, NewCall};
use crate::dialog::{copy_record_route, Dialog, DialogState};
use crate::events::{Discard, EndReason, Event};
use crate::header::typed::{FromHeader, ToHeader};
use crate::message::{Request, Response};
use crate::method::Method;
use crate::time::Time;
use crate::timer::{TimerTable, TIMER_64_T1};

impl Ua {
    /// A new INVITE (no To tag): a new call, ringing at once (180 creates the early dialog,
    /// §13.3.1.1), then [`Event::IncomingCall`].
    pub(super) fn on_incoming_invite(&mut self, now: Time, request: Request, branch: &str) {
        let Ok(offer) = self.invite_offer_or_415(now, &request, branch) else {
            return;
        };
        let tag = self.rng.tag();
        let Ok(dialog) = Dialog::uas(&request, &tag) else {
            self.respond_code(now, &request, branch, 400);
            return;
        };
        let (from, display_name) = match request.headers.typed::<FromHeader>() {
            Some(Ok(from)) => (from.0.uri, from.0.display_name),
            _ => return self.respond_code(now, &request, branch, 400),
        };
        let to = match request.headers.typed::<ToHeader>() {
            Some(Ok(to)) => to.0.uri,
            _ => return self.respond_code(now, &request, branch, 400),
        };
        let handle = self.new_call_handle();
        let mut timers = TimerTable::new();
        timers.set(CallTimer::NoAnswer, now + self.config.no_answer_timeout);
        self.calls.push(Call::new(NewCall {
            handle,
            direction: CallDirection::Incoming,
            state: CallState::Incoming,
            dialog: Some(dialog),
            local_tag: tag.clone(),
            invite: request.clone(),
            invite_branch: branch.to_owned(),
            offer_in_invite: offer.is_some(),
            timers,
            peer_trickles: super::trickle::lists_trickle(&request.headers),
        }));
        let mut ringing = self.response_to(&request, 180, Some(&tag));
        copy_record_route(&request, &mut ringing);
        ringing
            .headers
            .push_typed(&crate::header::typed::Contact::Addr(self.local.contact()));
        self.push_trickle_headers(&mut ringing.headers);
        self.respond(now, branch, &Method::INVITE, ringing);
        self.emit(Event::IncomingCall {
            call: handle,
            from,
            to,
            display_name,
            offer,
        });
    }

    /// A 2xx for the call's INVITE (§13.3.1.4): Contact, Record-Route copied, and `sdp` (the
    /// answer, or our offer when the INVITE had none).
    fn invite_success_response(&mut self, call: &Call, sdp: &str) -> Response {
        let mut response = self.response_to(&call.invite, 200, Some(&call.local_tag));
        copy_record_route(&call.invite, &mut response);
        self.push_dialog_headers(&mut response.headers);
        self.push_user_agent(&mut response.headers);
        set_body(
            &mut response.headers,
            &mut response.body,
            "application/sdp",
            sdp,
        );
        response
    }

    /// Answers an incoming call with `sdp` (§13.3.1.4). [`Event::Answered`] follows when the
    /// ACK arrives.
    pub fn accept(&mut self, now: Time, handle: CallHandle, sdp: &str) -> Result<(), UaError> {
        let call = self.call_ref(handle)?.clone();
        if call.state != CallState::Incoming {
            return Err(UaError::InvalidState("call is not ringing"));
        }
        if !self.transport_up {
            return Err(UaError::TransportDown);
        }
        let response = self.invite_success_response(&call, sdp);
        if !self.respond(now, &call.invite_branch, &Method::INVITE, response) {
            return Err(UaError::InvalidState("invite already answered"));
        }
        let call = self.call_mut(handle)?;
        call.state = CallState::Accepted {
            bye_after_ack: false,
        };
        call.timers.stop(CallTimer::NoAnswer);
        call.timers.set(CallTimer::AckWait, now + TIMER_64_T1);
        if let Some(dialog) = call.dialog.as_mut() {
            dialog.state = DialogState::Confirmed;
        }
        Ok(())
    }

    /// Rejects an incoming call with a final `code` (300–699: 486 busy, 603 decline, …).
    pub fn reject(&mut self, now: Time, handle: CallHandle, code: u16) -> Result<(), UaError> {
        if !(300..=699).contains(&code) {
            return Err(UaError::BadStatus(code));
        }
        let call = self.call_ref(handle)?;
        if call.state != CallState::Incoming {
            return Err(UaError::InvalidState("call is not ringing"));
        }
        let (invite, branch, tag) = (
            call.invite.clone(),
            call.invite_branch.clone(),
            call.local_tag.clone(),
        );
        let response = self.response_to(&invite, code, Some(&tag));
        self.respond(now, &branch, &Method::INVITE, response);
        self.end_call(now, handle, Some(code), EndReason::LocalReject);
        Ok(())
    }

    /// CANCEL (§9.2): matched to its INVITE by branch. 200 for the CANCEL, then 487 for the
    /// INVITE if it had no final response yet; 481 if there is no such INVITE.
    pub(super) fn on_cancel(&mut self, now: Time, cancel: &Request, branch: &str) {
        if !self.invite_pending(branch) {
            return self.respond_code(now, cancel, branch, 481);
        }
        let call = self
            .calls
            .iter()
            .find(|c| {
                c.invite_branch == branch
                    || matches!(&c.negotiation, Negotiation::RemotePending { branch: b, .. } if b == branch)
            })
            .map(|c| (c.handle, c.local_tag.clone(), c.state));
        let tag = call.as_ref().map(|(_, tag, _)| tag.clone());
        let ok = self.response_to(cancel, 200, tag.as_deref());
        self.respond(now, branch, &Method::CANCEL, ok);
        let invite = self.servers.iter().find_map(|s| match &s.machine {
            ServerMachine::Invite(tx) if s.branch == branch => Some(tx.request().clone()),
            _ => None,
        });
        if let Some(invite) = invite {
            let terminated = self.response_to(&invite, 487, tag.as_deref());
            self.respond(now, branch, &Method::INVITE, terminated);
        }
        match call {
            Some((handle, _, CallState::Incoming)) => {
                self.end_call(now, handle, Some(487), EndReason::RemoteCancel)
            }
            Some((handle, _, _)) => {
                // A cancelled re-INVITE: the session stays as it was (§14.2).
                if let Ok(call) = self.call_mut(handle) {
                    call.negotiation = Negotiation::Idle;
                }
            }
            None => {}
        }
    }

    /// An ACK: for a non-2xx it ends the INVITE server transaction (§17.2.1); for a 2xx it
    /// confirms the call or the re-INVITE (§13.3.1.4), and may carry the answer.
    pub(super) fn on_ack(&mut self, now: Time, ack: Request, branch: &str) {
        if let Some(index) = self
            .servers
            .iter()
            .position(|s| s.branch == branch && s.method == Method::INVITE)
        {
            if let ServerMachine::Invite(tx) = &mut self.servers[index].machine {
                if tx.on_ack() {
                    self.servers.remove(index);
                    return;
                }
            }
        }
        let (Some(call_id), Some(to_tag), Some(from_tag)) = (
            parts::call_id(&ack.headers),
            parts::to_tag(&ack.headers),
            parts::from_tag(&ack.headers),
        ) else {
            return self.emit(Event::Discarded(Discard::StrayAck));
        };
        let Some(call) = self.calls.iter_mut().find(|c| {
            c.dialog
                .as_ref()
                .is_some_and(|d| d.id.matches_request(&call_id, &to_tag, &from_tag))
        }) else {
            return self.emit(Event::Discarded(Discard::StrayAck));
        };
        let handle = call.handle;
        let sdp = parts::sdp(&ack.headers, &ack.body);
        match (call.state, call.negotiation.clone()) {
            (CallState::Accepted { bye_after_ack }, _) => {
                call.timers.stop(CallTimer::AckWait);
                call.state = CallState::Confirmed;
                let offered = !call.offer_in_invite;
                if bye_after_ack {
                    self.send_bye(now, handle);
                } else {
                    self.emit(Event::Answered {
                        call: handle,
                        sdp: if offered { sdp } else { None },
                    });
                }
            }
            (CallState::Confirmed, Negotiation::AwaitingAck { we_offered }) => {
                call.timers.stop(CallTimer::AckWait);
                call.negotiation = Negotiation::Idle;
                if let (true, Some(sdp)) = (we_offered, sdp) {
                    self.emit(Event::RemoteAnswer { call: handle, sdp });
                }
            }
            _ => self.emit(Event::Discarded(Discard::StrayAck)),
        }
    }

    /// Runs a call's due timers.
    pub(super) fn call_timeouts(&mut self, now: Time) {
        let handles: Vec<CallHandle> = self.calls.iter().map(|c| c.handle).collect();
        for handle in handles {
            while let Some(timer) = self
                .call_mut(handle)
                .ok()
                .and_then(|call| call.timers.pop_expired(now))
            {
                self.call_timer(now, handle, timer);
            }
        }
    }

    fn call_timer(&mut self, now: Time, handle: CallHandle, timer: CallTimer) {
        let Ok(call) = self.call_ref(handle) else {
            return;
        };
        let state = call.state;
        match (timer, state) {
            (CallTimer::NoAnswer, CallState::Calling) => {
                self.cancel_call(now, handle);
                self.report_ended(now, handle, None, EndReason::NoAnswer);
            }
            (CallTimer::NoAnswer, CallState::Incoming) => {
                let (invite, branch, tag) = (
                    call.invite.clone(),
                    call.invite_branch.clone(),
                    call.local_tag.clone(),
                );
                let response = self.response_to(&invite, 480, Some(&tag));
                self.respond(now, &branch, &Method::INVITE, response);
                self.end_call(now, handle, Some(480), EndReason::NoAnswer);
            }
            (CallTimer::AckWait, CallState::Accepted { bye_after_ack }) => {
                // §13.3.1.4: no ACK within 64*T1: confirm and end with a BYE.
                if !bye_after_ack {
                    self.report_ended(now, handle, None, EndReason::AckTimeout);
                }
                self.send_bye(now, handle);
            }
            (CallTimer::AckWait, CallState::Confirmed) => {
                // The ACK for our 2xx to a re-INVITE never came: the session is in doubt.
                self.report_ended(now, handle, None, EndReason::AckTimeout);
                self.send_bye(now, handle);
            }
            (CallTimer::GlareRetry, CallState::Confirmed) => self.glare_retry(now, handle),
            _ => {}
        }
    }
}
