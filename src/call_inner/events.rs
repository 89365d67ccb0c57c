//! Core and media events of one call, turned into browser work and page events.

use std::rc::Rc;

use bwclient_sip::events::{EndReason, Event};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;

use super::CallInner;
use crate::errors::decimal;
use crate::hold::is_hold_offer;
use crate::log;
use crate::media::MediaEvent;
use crate::payloads::{to_js, Body, Dtmf, Hold, HoldRefused, Status, TransferProgress};
use crate::timer::wall_ms;

/// A stable, lowercase name for why a call ended (the `reason` of `ended`), and whether it is a
/// failure (`failed` too, for a call that never connected).
fn end_reason(reason: &EndReason) -> (&'static str, bool) {
    match reason {
        EndReason::LocalHangup => ("local_hangup", false),
        EndReason::RemoteHangup => ("remote_hangup", false),
        EndReason::LocalCancel => ("cancelled", false),
        EndReason::RemoteCancel => ("remote_cancelled", false),
        EndReason::LocalReject => ("rejected", false),
        EndReason::Rejected => ("remote_rejected", true),
        EndReason::NoAnswer => ("no_answer", true),
        EndReason::Timeout => ("timeout", true),
        EndReason::AckTimeout => ("ack_timeout", false),
        EndReason::TransportError => ("transport_failed", true),
        EndReason::DialogGone => ("dialog_gone", true),
        EndReason::AuthFailed => ("auth_failed", true),
    }
}

fn by(who: &'static str) -> JsValue {
    to_js(&Hold { by: who })
}

impl CallInner {
    /// An event of this call's media.
    pub(super) fn on_media(&self, event: MediaEvent) {
        match event {
            MediaEvent::ConnectionFailed => {
                log::warn("media connection failed");
                self.emitter.emit0("mediaFailed");
            }
            MediaEvent::DtmfTone(tone) if !tone.is_empty() => {
                self.emitter.emit("dtmfSent", &tone.into());
            }
            MediaEvent::IceCandidate { candidate, mid } => {
                self.trickle.borrow_mut().push(&mid, &candidate);
                self.flush_trickle();
            }
            MediaEvent::IceGatheringComplete => {
                self.trickle.borrow_mut().gathering_complete();
                self.flush_trickle();
            }
            _ => {}
        }
    }

    /// A core event about this call.
    pub fn on_event(self: &Rc<Self>, event: Event) {
        match event {
            Event::Ringing {
                code, early_sdp, ..
            } => {
                match early_sdp {
                    Some(sdp) => {
                        *self.early_answer.borrow_mut() = Some(sdp.clone());
                        self.apply_answer(sdp, false);
                    }
                    None => self.phone.ringback(true),
                }
                self.emitter
                    .emit("ringing", &to_js(&Status { status: code }));
                // The early dialog exists: candidates may follow the offer (RFC 8840 §4.3).
                self.flush_trickle();
            }
            Event::Answered { sdp, .. } => {
                self.phone.ringback(false);
                let already = sdp.is_some() && *self.early_answer.borrow() == sdp;
                match sdp {
                    Some(sdp) if !already => self.apply_answer(sdp, true),
                    _ => self.set_connected(),
                }
                self.flush_trickle();
            }
            Event::Ended { code, reason, .. } => {
                let (name, failure) = end_reason(&reason);
                self.finish(name, code, failure);
            }
            Event::RemoteOffer { sdp, .. } => self.answer_remote_offer(sdp),
            Event::IceFragment { fragment, .. } => self.on_remote_fragment(&fragment),
            Event::OfferRequested { .. } => self.offer_in_answer(),
            Event::RemoteAnswer { sdp, .. } => self.apply_answer(sdp, false),
            Event::ReinviteFailed { code, .. } => {
                // The session is unchanged (RFC 3261 §14.1): roll our offer back.
                let pending = self.hold_pending.replace(false);
                let Some(media) = self.media() else { return };
                let call = self.clone();
                spawn_local(async move {
                    if let Err(e) = media.rollback().await {
                        log::warn_value("rollback failed", &e);
                    }
                    if pending {
                        call.emitter
                            .emit("holdFailed", &to_js(&HoldRefused { code }));
                    }
                });
            }
            Event::Dtmf {
                digit, duration, ..
            } => {
                let digit = String::from(digit);
                let info = Dtmf {
                    digit: &digit,
                    duration,
                    transport: "info",
                };
                self.emitter.emit("dtmf", &to_js(&info));
            }
            Event::Info {
                content_type, body, ..
            } => {
                let info = Body {
                    from: None,
                    content_type: &content_type,
                    body: &body,
                };
                self.emitter.emit("info", &to_js(&info));
            }
            Event::RequestFailed { method, code, .. } => {
                log::warn(&[&method, " failed with ", &decimal(code)].concat());
            }
            Event::TransferRequested { target, .. } => self.accept_transfer(target),
            Event::TransferProgress { code, done, .. } => {
                let info = TransferProgress { status: code, done };
                self.emitter.emit("transferProgress", &to_js(&info));
            }
            _ => {}
        }
    }

    fn set_connected(&self) {
        // An answer may finish applying after the call ended (a hangup meanwhile): it stays
        // ended.
        if self.connected_at.get().is_some() || self.ended() {
            return;
        }
        self.connected_at.set(Some(wall_ms()));
        log::log("call connected");
        self.emitter.emit0("connected");
    }

    /// Applies a remote answer; completes a pending hold/unhold, and connects the call when
    /// `connect` (the answer to our INVITE).
    fn apply_answer(self: &Rc<Self>, sdp: String, connect: bool) {
        let Some(media) = self.media() else { return };
        let call = self.clone();
        spawn_local(async move {
            let changed_hold = match media.set_remote_answer(&sdp).await {
                Ok(changed) => changed,
                Err(e) => {
                    log::warn_value("remote answer refused", &e);
                    false
                }
            };
            call.add_remote_candidates();
            if connect {
                call.set_connected();
            }
            if call.hold_pending.replace(false) && changed_hold {
                let name = if media.held() { "held" } else { "unheld" };
                call.emitter.emit(name, &by("local"));
            }
        });
    }

    /// A re-INVITE from the peer: answer it with the browser, and report a remote hold.
    fn answer_remote_offer(self: &Rc<Self>, sdp: String) {
        let Some(handle) = self.handle.get() else {
            return;
        };
        let Some(media) = self.media() else {
            return self.reject_reinvite();
        };
        let hold = is_hold_offer(&sdp);
        let call = self.clone();
        spawn_local(async move {
            match media.create_answer(&sdp).await {
                Ok(answer) => {
                    let answered = call
                        .phone
                        .command(|ua, now| ua.answer_reinvite(now, handle, &answer));
                    if let Err(e) = answered {
                        log::warn_value("could not answer the re-INVITE", &e);
                    }
                    if call.remote_held.replace(hold) != hold {
                        let name = if hold { "held" } else { "unheld" };
                        call.emitter.emit(name, &by("remote"));
                    }
                }
                Err(e) => {
                    log::warn_value("could not answer the re-INVITE", &e);
                    call.reject_reinvite();
                }
            }
        });
    }

    /// 488 Not Acceptable Here to the peer's re-INVITE (RFC 3261 §14.2).
    fn reject_reinvite(&self) {
        let Some(handle) = self.handle.get() else {
            return;
        };
        if let Err(e) = self
            .phone
            .command(|ua, now| ua.reject_reinvite(now, handle, 488))
        {
            log::warn_value("could not refuse the re-INVITE", &e);
        }
    }

    /// A re-INVITE without SDP: our offer goes in the 2xx (RFC 3261 §14.2).
    fn offer_in_answer(self: &Rc<Self>) {
        let (Some(media), Some(handle)) = (self.media(), self.handle.get()) else {
            return;
        };
        let call = self.clone();
        spawn_local(async move {
            let offered = match media.create_offer().await {
                Ok(offer) => call
                    .phone
                    .command(|ua, now| ua.answer_reinvite(now, handle, &offer)),
                Err(e) => Err(e),
            };
            if let Err(e) = offered {
                log::warn_value("could not offer in the answer", &e);
            }
        });
    }
}
