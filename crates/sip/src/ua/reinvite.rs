//! Re-INVITE in both directions (RFC 3261 §14, RFC 3264 §8): hold, unhold and ICE
//! restart offers, answers, and 491 glare with the §14.1 back-off.

use super::build::set_body;
use super::client::Owner;
use super::{parts, Ua, UaError};
use crate::auth::attempts::Attempts;
use crate::call::negotiation::glare_backoff;
use crate::call::{CallHandle, CallState, CallTimer, Negotiation};
use crate::events::Event;
use crate::header::name::HeaderName;
use crate::message::Request;
use crate::method::Method;
use crate::time::Time;
use crate::timer::TIMER_64_T1;
use crate::transaction::ClientEvent;

impl Ua {
    /// A re-INVITE (§14.2): 491 while ours is pending, 500 with Retry-After while another
    /// exchange is unfinished; otherwise the remote target is refreshed and the application
    /// gets the offer (or is asked for one).
    pub(super) fn on_reinvite(
        &mut self,
        now: Time,
        handle: CallHandle,
        request: Request,
        branch: &str,
    ) {
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
        let Ok(offer) = self.invite_offer_or_415(now, &request, branch) else {
            return;
        };
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
        let mut seconds = String::new();
        crate::syntax::push_u64(&mut seconds, self.rng.range(0, 10));
        response.headers.push(HeaderName::RETRY_AFTER, seconds);
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
}
