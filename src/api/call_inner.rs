//! One call: its core handle, its peer connection, its state as the page sees it, and the
//! glue between core events and `Media` (offer/answer, hold, DTMF).
//!
//! Slow browser work (getUserMedia, createOffer, ICE) runs in `spawn_local` tasks *before* the
//! synchronous core command is issued; no `RefCell` borrow is ever held across an `await`.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use bwclient_sip::events::{EndReason, Event};
use bwclient_sip::{CallHandle, Uri};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

use super::errors::{error, from_ua};
use super::js;
use super::options::{DtmfTransport, Trickle};
use super::phone_inner::{core_now, end_reason_name, PhoneInner};
use crate::emitter::Emitter;
use crate::log;
use crate::media::{Media, MediaEvent};
use crate::tones::Tone;

mod trickle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallDirection {
    In,
    Out,
}

/// The call's state as the page sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallStatus {
    /// Outgoing: preparing media or waiting for an answer. Incoming: not answered yet.
    Connecting,
    /// Answered (held or not).
    Connected,
    Ended,
}

/// A hold/unhold re-INVITE of ours that is waiting for its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PendingOffer {
    Hold,
    Unhold,
}

pub struct CallInner {
    me: Weak<CallInner>,
    phone: Weak<PhoneInner>,
    pub handle: Cell<Option<CallHandle>>,
    pub direction: CallDirection,
    status: Cell<CallStatus>,
    pub emitter: Emitter,
    media: RefCell<Option<Rc<Media>>>,
    remote_uri: String,
    remote_name: Option<String>,
    /// The incoming INVITE's offer (`None` for an INVITE without SDP).
    remote_offer: RefCell<Option<String>>,
    /// The early (18x) answer already applied, so the 2xx's copy is not applied twice.
    early_answer: RefCell<Option<String>>,
    muted: Cell<bool>,
    held: Cell<bool>,
    remote_held: Cell<bool>,
    pending_offer: Cell<Option<PendingOffer>>,
    answering: Cell<bool>,
    hangup_requested: Cell<bool>,
    start_time_ms: Cell<Option<f64>>,
    end_time_ms: Cell<Option<f64>>,
    remote_audio: RefCell<Option<Option<web_sys::HtmlMediaElement>>>,
    /// Local candidates still to trickle (RFC 8840; `call_inner/trickle.rs`).
    trickle: RefCell<crate::trickle::TrickleQueue>,
    /// The peer's trickled `(mid, candidate)`s that came before its description was set.
    remote_candidates: RefCell<Vec<(String, String)>>,
}

impl CallInner {
    fn new(
        phone: Weak<PhoneInner>,
        direction: CallDirection,
        handle: Option<CallHandle>,
        remote_uri: String,
        remote_name: Option<String>,
        remote_offer: Option<String>,
    ) -> Rc<CallInner> {
        Rc::new_cyclic(|me| CallInner {
            me: me.clone(),
            phone,
            handle: Cell::new(handle),
            direction,
            status: Cell::new(CallStatus::Connecting),
            emitter: Emitter::new(),
            media: RefCell::new(None),
            remote_uri,
            remote_name,
            remote_offer: RefCell::new(remote_offer),
            early_answer: RefCell::new(None),
            muted: Cell::new(false),
            held: Cell::new(false),
            remote_held: Cell::new(false),
            pending_offer: Cell::new(None),
            answering: Cell::new(false),
            hangup_requested: Cell::new(false),
            start_time_ms: Cell::new(None),
            end_time_ms: Cell::new(None),
            remote_audio: RefCell::new(None),
            trickle: RefCell::default(),
            remote_candidates: RefCell::default(),
        })
    }

    pub fn incoming(
        phone: Weak<PhoneInner>,
        handle: CallHandle,
        from: Uri,
        _to: Uri,
        display_name: Option<String>,
        offer: Option<String>,
    ) -> Rc<CallInner> {
        CallInner::new(
            phone,
            CallDirection::In,
            Some(handle),
            from.to_string(),
            display_name,
            offer,
        )
    }

    /// An outgoing call to `target`; [`CallInner::start_outgoing`] sends the INVITE.
    pub fn outgoing(phone: Weak<PhoneInner>, target: &Uri) -> Rc<CallInner> {
        CallInner::new(
            phone,
            CallDirection::Out,
            None,
            target.to_string(),
            None,
            None,
        )
    }

    pub fn status(&self) -> CallStatus {
        self.status.get()
    }

    pub fn is_ringing_in(&self) -> bool {
        self.direction == CallDirection::In
            && self.status.get() == CallStatus::Connecting
            && !self.answering.get()
    }

    /// The call's peer connection, once it has one.
    pub fn media(&self) -> Option<Rc<Media>> {
        self.media.borrow().clone()
    }

    /// Creates this call's peer connection with the microphone attached.
    async fn open_media(&self, phone: &PhoneInner) -> Result<Rc<Media>, JsValue> {
        let me = self.me.clone();
        let media = Media::new(
            &phone.options.ice_servers,
            phone.options.ice_gathering_timeout_ms,
            move |event| {
                if let Some(call) = me.upgrade() {
                    call.on_media(event);
                }
            },
        )
        .map_err(|e| media_error("could not create the peer connection", &e))?;
        let media = Rc::new(media);
        if let Some(el) = self.remote_audio.borrow().clone() {
            media.set_remote_audio_element(el);
        }
        media
            .acquire_microphone(phone.options.microphone_id.as_deref())
            .await
            .map_err(|e| media_error("could not open the microphone", &e))?;
        media.mute(self.muted.get());
        if let Some(speaker) = phone.options.speaker_id.as_deref() {
            let _ = media.set_sink_id(speaker).await;
        }
        *self.media.borrow_mut() = Some(media.clone());
        Ok(media)
    }

    /// Prepares media, then sends the INVITE (the next tick at the earliest, so the page can
    /// attach listeners to the returned call first).
    pub fn start_outgoing(
        self: &Rc<Self>,
        target: Uri,
        extra: Vec<(bwclient_sip::HeaderName, String)>,
    ) {
        let call = self.clone();
        spawn_local(async move {
            let Some(phone) = call.phone.upgrade() else {
                return;
            };
            let full_trickle = phone.options.trickle == Trickle::Full;
            let offer = match call.open_media(&phone).await {
                Ok(media) if full_trickle => media.create_offer_now().await,
                Ok(media) => media.create_offer().await,
                Err(e) => Err(e),
            }
            .map_err(|e| media_error("createOffer failed", &e));
            if call.hangup_requested.get() {
                call.finish("cancelled", None, false);
                return;
            }
            let offer = match offer {
                Ok(offer) => offer,
                Err(e) => {
                    log::warn_value("call failed before the INVITE", &e);
                    call.finish("media_failed", None, true);
                    return;
                }
            };
            let mut headers = phone.options.extra_headers.clone();
            headers.extend(extra);
            call.trickle.borrow_mut().signalled(&offer);
            let sent = phone
                .ua
                .borrow_mut()
                .invite(core_now(), target, Some(offer), &headers);
            match sent {
                Ok(handle) => {
                    call.handle.set(Some(handle));
                    phone.drive();
                    call.emitter.emit("connecting", &[]);
                }
                Err(e) => {
                    log::warn(&["INVITE not sent: ", &e.to_string()].concat());
                    call.finish("transport_failed", None, true);
                }
            }
        });
    }

    /// `answer()`: media, then the 200 with our answer (or our offer, for an INVITE without one).
    pub fn answer(self: &Rc<Self>) -> Result<(), JsValue> {
        if self.direction != CallDirection::In
            || self.status.get() != CallStatus::Connecting
            || self.answering.get()
        {
            return Err(error(
                "invalid_state",
                "only an unanswered incoming call can be answered",
            ));
        }
        self.answering.set(true);
        if let Some(phone) = self.phone.upgrade() {
            phone.update_ringtone();
        }
        let call = self.clone();
        spawn_local(async move {
            let Some(phone) = call.phone.upgrade() else {
                return;
            };
            let Some(handle) = call.handle.get() else {
                return;
            };
            let media = call.open_media(&phone).await;
            let offer = call.remote_offer.borrow().clone();
            let sdp = match media {
                Ok(media) => match offer {
                    Some(offer) => media.create_answer(&offer).await,
                    None => media.create_offer().await,
                },
                Err(e) => Err(e),
            };
            if call.status.get() == CallStatus::Ended {
                call.close_media();
                return;
            }
            match sdp {
                Ok(sdp) => {
                    call.trickle.borrow_mut().signalled(&sdp);
                    call.add_remote_candidates();
                    let accepted = phone.ua.borrow_mut().accept(core_now(), handle, &sdp);
                    if let Err(e) = accepted {
                        log::warn(&["could not answer: ", &e.to_string()].concat());
                    }
                }
                Err(e) => {
                    log::warn_value("could not answer: media failed", &e);
                    let _ = phone.ua.borrow_mut().reject(core_now(), handle, 488);
                }
            }
            phone.drive();
        });
        Ok(())
    }

    /// `reject()`: 486 Busy Here (RFC 3261 §21.4.24) unless another code is given.
    pub fn reject(&self, code: Option<u16>) -> Result<(), JsValue> {
        if self.direction != CallDirection::In || self.status.get() != CallStatus::Connecting {
            return Err(error(
                "invalid_state",
                "only an unanswered incoming call can be rejected",
            ));
        }
        let code = code.filter(|c| (400..700).contains(c)).unwrap_or(486);
        self.with_core(|phone, handle| phone.ua.borrow_mut().reject(core_now(), handle, code))
    }

    /// `hangup()`: CANCEL before the answer, BYE after (the core picks).
    pub fn hangup(&self) -> Result<(), JsValue> {
        if self.status.get() == CallStatus::Ended {
            return Err(error("invalid_state", "the call has already ended"));
        }
        if self.handle.get().is_none() {
            // The INVITE is not out yet: it never will be.
            self.hangup_requested.set(true);
            return Ok(());
        }
        if self.deferred(|call| {
            let _ = call.hangup();
        }) {
            return Ok(());
        }
        self.with_core(|phone, handle| phone.ua.borrow_mut().hangup(core_now(), handle))
    }

    /// While the phone is reconnecting, queues `op` to run once it is registered again, so the
    /// in-dialog request goes out on the new socket; `false` when the phone is connected.
    fn deferred(&self, op: impl FnOnce(&Rc<CallInner>) + 'static) -> bool {
        let (Some(phone), Some(me)) = (self.phone.upgrade(), self.me.upgrade()) else {
            return false;
        };
        if phone.lifecycle.get() != super::phone_inner::Lifecycle::Reconnecting {
            return false;
        }
        log::log("offline: the request goes out once reconnected");
        phone.defer(Box::new(move || op(&me)));
        true
    }

    /// Runs a core command for this call and drives the phone.
    fn with_core<T>(
        &self,
        f: impl FnOnce(&PhoneInner, CallHandle) -> Result<T, bwclient_sip::UaError>,
    ) -> Result<(), JsValue> {
        let phone = self
            .phone
            .upgrade()
            .ok_or_else(|| error("logged_out", "the phone is gone"))?;
        let handle = self
            .handle
            .get()
            .ok_or_else(|| error("invalid_state", "the call has not started"))?;
        let result = f(&phone, handle);
        phone.drive();
        result.map(|_| ()).map_err(from_ua)
    }

    pub fn set_muted(&self, muted: bool) {
        if self.muted.replace(muted) == muted {
            return;
        }
        if let Some(media) = self.media() {
            media.mute(muted);
        }
        self.emitter
            .emit(if muted { "muted" } else { "unmuted" }, &[]);
    }

    pub fn muted(&self) -> bool {
        self.muted.get()
    }

    /// `hold()`/`unhold()`: a re-INVITE with `a=sendonly`/`a=sendrecv` (RFC 3264 §8.4).
    pub fn set_hold(self: &Rc<Self>, hold: bool) -> Result<(), JsValue> {
        if self.status.get() != CallStatus::Connected {
            return Err(error("invalid_state", "the call is not connected"));
        }
        if self.pending_offer.get().is_some() {
            return Err(error(
                "invalid_state",
                "a hold or unhold is already in progress",
            ));
        }
        if self.held.get() == hold {
            return Ok(());
        }
        if self.deferred(move |call| {
            let _ = call.set_hold(hold);
        }) {
            return Ok(());
        }
        let media = self
            .media()
            .ok_or_else(|| error("invalid_state", "the call has no media"))?;
        self.pending_offer.set(Some(if hold {
            PendingOffer::Hold
        } else {
            PendingOffer::Unhold
        }));
        let call = self.clone();
        spawn_local(async move {
            let offer = if hold {
                media.hold().await
            } else {
                media.unhold().await
            };
            let sent = match offer {
                Ok(sdp) => call.with_core(|phone, handle| {
                    phone.ua.borrow_mut().reinvite(core_now(), handle, &sdp)
                }),
                Err(e) => Err(e),
            };
            if let Err(e) = sent {
                log::warn_value("hold/unhold failed", &e);
                call.pending_offer.set(None);
                let _ = media.rollback().await;
                call.emitter.emit("holdFailed", &[e]);
            }
        });
        Ok(())
    }

    pub fn held(&self) -> bool {
        self.held.get()
    }

    /// `sendDtmf(digits)`: RFC 4733 through `RTCDTMFSender` (`,` pauses 2 s), or SIP INFO.
    pub fn send_dtmf(&self, digits: &str, duration_ms: Option<u32>) -> Result<(), JsValue> {
        if self.status.get() != CallStatus::Connected {
            return Err(error("invalid_state", "DTMF needs a connected call"));
        }
        let valid = !digits.is_empty()
            && digits.chars().all(|c| {
                c.is_ascii_digit()
                    || matches!(
                        c.to_ascii_uppercase(),
                        '*' | '#' | 'A' | 'B' | 'C' | 'D' | ','
                    )
            });
        if !valid {
            return Err(error(
                "bad_options",
                "DTMF digits are 0-9, *, #, A-D and , (pause)",
            ));
        }
        let duration = duration_ms.unwrap_or(100).clamp(40, 6000);
        let transport = self
            .phone
            .upgrade()
            .map(|p| p.options.dtmf)
            .unwrap_or(DtmfTransport::Rfc4733);
        match transport {
            DtmfTransport::Rfc4733 => {
                let media = self
                    .media()
                    .ok_or_else(|| error("invalid_state", "the call has no media"))?;
                media.insert_dtmf(digits, duration, 70)
            }
            DtmfTransport::Info => {
                let later = digits.to_owned();
                if self.deferred(move |call| {
                    let _ = call.send_dtmf(&later, Some(duration));
                }) {
                    return Ok(());
                }
                for digit in digits.chars().filter(|c| *c != ',') {
                    self.with_core(|phone, handle| {
                        phone
                            .ua
                            .borrow_mut()
                            .send_dtmf_info(core_now(), handle, digit, duration)
                    })?;
                }
                Ok(())
            }
        }
    }

    /// `transfer(target)`: a blind transfer with REFER (RFC 3515).
    pub fn transfer(&self, target: &str) -> Result<(), JsValue> {
        if self.status.get() != CallStatus::Connected {
            return Err(error(
                "invalid_state",
                "only a connected call can be transferred",
            ));
        }
        let phone = self
            .phone
            .upgrade()
            .ok_or_else(|| error("logged_out", "the phone is gone"))?;
        let host = phone.ua.borrow().config().aor.host.clone();
        let uri = bwclient_sip::dial::dial_target(target, &host)
            .map_err(|e| error("bad_target", &e.to_string()))?;
        let later = target.to_owned();
        if self.deferred(move |call| {
            let _ = call.transfer(&later);
        }) {
            return Ok(());
        }
        self.with_core(|phone, handle| phone.ua.borrow_mut().refer(core_now(), handle, uri))
    }

    pub fn set_remote_audio_element(&self, element: Option<web_sys::HtmlMediaElement>) {
        *self.remote_audio.borrow_mut() = Some(element.clone());
        if let Some(media) = self.media() {
            media.set_remote_audio_element(element);
        }
    }

    pub fn remote_audio_element(&self) -> Option<web_sys::HtmlMediaElement> {
        self.media().and_then(|m| m.remote_audio_element())
    }

    /// `in` or `out`, as `getInfo()` says it.
    pub fn direction_name(&self) -> &'static str {
        match self.direction {
            CallDirection::In => "in",
            CallDirection::Out => "out",
        }
    }

    /// `connecting`, `connected` or `ended`, as `getInfo()` says it.
    pub fn status_name(&self) -> &'static str {
        match self.status.get() {
            CallStatus::Connecting => "connecting",
            CallStatus::Connected => "connected",
            CallStatus::Ended => "ended",
        }
    }

    /// The legacy `getInfo()` shape plus `held`, `startTime`, `duration`.
    pub fn info(&self) -> js_sys::Object {
        let o = js::obj();
        let phone = self.phone.upgrade();
        let local_uri = phone
            .as_ref()
            .map(|p| p.ua.borrow().config().aor.to_string())
            .unwrap_or_default();
        js::set(
            &o,
            "direction",
            if self.direction == CallDirection::In {
                "in"
            } else {
                "out"
            },
        );
        let status = match self.status.get() {
            CallStatus::Connecting => "connecting",
            CallStatus::Connected => "connected",
            CallStatus::Ended => "ended",
        };
        js::set(&o, "status", status);
        js::set(&o, "localId", user_part(&local_uri));
        js::set(&o, "remoteId", user_part(&self.remote_uri));
        js::set(&o, "localUri", local_uri.as_str());
        js::set(&o, "remoteUri", self.remote_uri.as_str());
        let local_name = phone.as_ref().and_then(|p| p.options.display_name.clone());
        js::set(&o, "localName", opt_str(local_name.as_deref()));
        js::set(&o, "remoteName", opt_str(self.remote_name.as_deref()));
        js::set(&o, "microphoneMuted", self.muted.get());
        js::set(&o, "held", self.held.get());
        js::set(&o, "remoteHeld", self.remote_held.get());
        match self.start_time_ms.get() {
            Some(start) => {
                js::set(&o, "startTime", start);
                let end = self.end_time_ms.get().unwrap_or_else(js::date_now_ms);
                js::set(&o, "duration", (end - start).max(0.0));
            }
            None => {
                js::set(&o, "startTime", JsValue::NULL);
                js::set(&o, "duration", 0);
            }
        }
        o
    }

    /// Stops tones and closes the peer connection (idempotent).
    pub fn close_media(&self) {
        if let Some(media) = self.media.borrow_mut().take() {
            media.close();
        }
    }

    /// The call is over: one `failed` (when it never connected and the reason is a failure)
    /// and one `ended`, then it is forgotten.
    fn finish(&self, reason: &str, code: Option<u16>, failure: bool) {
        if self.status.replace(CallStatus::Ended) == CallStatus::Ended {
            return;
        }
        self.end_time_ms.set(Some(js::date_now_ms()));
        self.close_media();
        let info = js::obj();
        js::set(&info, "reason", reason);
        js::set(
            &info,
            "code",
            code.map(JsValue::from).unwrap_or(JsValue::NULL),
        );
        if let Some(phone) = self.phone.upgrade() {
            stop_ringback(&phone);
            if let Some(me) = self.me.upgrade() {
                phone.forget_call(&me);
            }
        }
        if failure && self.start_time_ms.get().is_none() {
            self.emitter.emit("failed", &[info.clone().into()]);
        }
        log::log(&["call ended: ", reason].concat());
        self.emitter.emit("ended", &[info.into()]);
    }

    fn on_media(&self, event: MediaEvent) {
        match event {
            MediaEvent::ConnectionState(web_sys::RtcPeerConnectionState::Failed) => {
                log::warn("media connection failed");
                self.emitter.emit("mediaFailed", &[]);
            }
            MediaEvent::DtmfTone(tone) if !tone.is_empty() => {
                self.emitter.emit("dtmfSent", &[JsValue::from_str(&tone)]);
            }
            MediaEvent::IceCandidate {
                candidate, sdp_mid, ..
            } => self.on_local_candidate(sdp_mid.as_deref(), Some(&candidate)),
            MediaEvent::IceGatheringComplete => self.on_local_candidate(None, None),
            _ => {}
        }
    }

    /// A core event about this call.
    pub fn on_event(self: &Rc<Self>, event: Event) {
        match event {
            Event::Ringing {
                code, early_sdp, ..
            } => {
                let info = js::obj();
                js::set(&info, "status", code);
                match early_sdp {
                    Some(sdp) => {
                        *self.early_answer.borrow_mut() = Some(sdp.clone());
                        self.apply_answer(sdp, false);
                    }
                    None => start_ringback(&self.phone),
                }
                self.emitter.emit("ringing", &[info.into()]);
                // The early dialog exists: candidates may follow the offer (RFC 8840 §4.3).
                self.flush_trickle();
            }
            Event::Answered { sdp, .. } => {
                if let Some(phone) = self.phone.upgrade() {
                    stop_ringback(&phone);
                }
                let already = sdp.is_some() && *self.early_answer.borrow() == sdp;
                match sdp {
                    Some(sdp) if !already => self.apply_answer(sdp, true),
                    _ => self.connected(),
                }
                self.flush_trickle();
            }
            Event::Ended { code, reason, .. } => {
                let failure = matches!(
                    reason,
                    EndReason::Rejected
                        | EndReason::Timeout
                        | EndReason::TransportError
                        | EndReason::AuthFailed
                        | EndReason::NoAnswer
                        | EndReason::DialogGone
                );
                self.finish(end_reason_name(&reason), code, failure);
            }
            Event::RemoteOffer { sdp, .. } => self.answer_remote_offer(sdp),
            Event::IceFragment { fragment, .. } => self.on_remote_fragment(&fragment),
            Event::OfferRequested { .. } => {
                let call = self.clone();
                let Some(media) = self.media() else { return };
                spawn_local(async move {
                    match media.create_offer().await {
                        Ok(offer) => {
                            let _ = call.with_core(|p, h| {
                                p.ua.borrow_mut().answer_reinvite(core_now(), h, &offer)
                            });
                        }
                        Err(e) => log::warn_value("could not offer", &e),
                    }
                });
            }
            Event::RemoteAnswer { sdp, .. } => self.apply_answer(sdp, false),
            Event::ReinviteFailed { code, .. } => {
                let pending = self.pending_offer.take();
                if let Some(media) = self.media() {
                    let call = self.clone();
                    spawn_local(async move {
                        let _ = media.rollback().await;
                        if pending.is_some() {
                            let info = js::obj();
                            js::set(&info, "code", code);
                            call.emitter.emit("holdFailed", &[info.into()]);
                        }
                    });
                }
            }
            Event::Dtmf {
                digit, duration, ..
            } => {
                let info = js::obj();
                let mut d = String::new();
                d.push(digit);
                js::set(&info, "digit", d);
                js::set(&info, "duration", duration);
                js::set(&info, "transport", "info");
                self.emitter.emit("dtmf", &[info.into()]);
            }
            Event::Info {
                content_type, body, ..
            } => {
                let info = js::obj();
                js::set(&info, "contentType", content_type);
                js::set(&info, "body", body);
                self.emitter.emit("info", &[info.into()]);
            }
            Event::RequestFailed { method, code, .. } => {
                log::warn(&[&method, " failed with ", &code.to_string()].concat());
            }
            Event::TransferRequested { target, .. } => self.accept_transfer(target),
            Event::TransferProgress { code, done, .. } => {
                let info = js::obj();
                js::set(&info, "status", code);
                js::set(&info, "done", done);
                self.emitter.emit("transferProgress", &[info.into()]);
            }
            _ => {}
        }
    }

    fn connected(&self) {
        if self.status.replace(CallStatus::Connected) != CallStatus::Connected {
            self.start_time_ms.set(Some(js::date_now_ms()));
            log::log("call connected");
            self.emitter.emit("connected", &[]);
        }
    }

    /// Applies a remote answer; completes a pending hold/unhold, and connects the call when
    /// `connect` (the answer to our INVITE).
    fn apply_answer(self: &Rc<Self>, sdp: String, connect: bool) {
        let Some(media) = self.media() else { return };
        let call = self.clone();
        spawn_local(async move {
            if let Err(e) = media.set_remote_answer(&sdp).await {
                log::warn_value("remote answer refused", &e);
            }
            call.add_remote_candidates();
            if connect {
                call.connected();
            }
            match call.pending_offer.take() {
                Some(PendingOffer::Hold) => {
                    call.held.set(true);
                    call.emitter.emit("held", &[by("local")]);
                }
                Some(PendingOffer::Unhold) => {
                    call.held.set(false);
                    call.emitter.emit("unheld", &[by("local")]);
                }
                None => {}
            }
        });
    }

    /// A re-INVITE from the peer: answer it with the browser, and report a remote hold.
    fn answer_remote_offer(self: &Rc<Self>, sdp: String) {
        let Some(media) = self.media() else {
            let _ = self.with_core(|p, h| p.ua.borrow_mut().reject_reinvite(core_now(), h, 488));
            return;
        };
        let remote_hold = bwclient_sdp::Sdp::parse(&sdp)
            .map(|s| bwclient_sdp::is_hold_offer(&s))
            .unwrap_or(false);
        let call = self.clone();
        spawn_local(async move {
            match media.create_answer(&sdp).await {
                Ok(answer) => {
                    let _ = call.with_core(|p, h| {
                        p.ua.borrow_mut().answer_reinvite(core_now(), h, &answer)
                    });
                    if call.remote_held.replace(remote_hold) != remote_hold {
                        let name = if remote_hold { "held" } else { "unheld" };
                        call.emitter.emit(name, &[by("remote")]);
                    }
                }
                Err(e) => {
                    log::warn_value("could not answer the re-INVITE", &e);
                    let _ = call
                        .with_core(|p, h| p.ua.borrow_mut().reject_reinvite(core_now(), h, 488));
                }
            }
        });
    }

    /// The peer asked us to call someone else (REFER): place that call and report it.
    fn accept_transfer(self: &Rc<Self>, target: Uri) {
        let Some(phone) = self.phone.upgrade() else {
            return;
        };
        let new_call = CallInner::outgoing(self.phone.clone(), &target);
        let call = self.clone();
        spawn_local(async move {
            let offer = match new_call.open_media(&phone).await {
                Ok(media) => media.create_offer().await.ok(),
                Err(_) => None,
            };
            let Some(handle) = call.handle.get() else {
                return;
            };
            let placed = phone
                .ua
                .borrow_mut()
                .accept_transfer(core_now(), handle, offer);
            match placed {
                Ok(new_handle) => {
                    new_call.handle.set(Some(new_handle));
                    phone.calls.borrow_mut().push(new_call.clone());
                    phone.drive();
                    let info = js::obj();
                    js::set(&info, "target", target.to_string());
                    js::set(&info, "call", super::call::Call::wrap(new_call));
                    call.emitter.emit("transferred", &[info.into()]);
                }
                Err(e) => {
                    new_call.close_media();
                    log::warn(&["transfer not placed: ", &e.to_string()].concat());
                }
            }
        });
    }
}

fn by(who: &str) -> JsValue {
    let o = js::obj();
    js::set(&o, "by", who);
    o.into()
}

fn opt_str(s: Option<&str>) -> JsValue {
    s.map(JsValue::from_str).unwrap_or(JsValue::NULL)
}

/// `alice` from `sip:alice@host`, or `+15551234567` from `sip:+15551234567@host`.
fn user_part(uri: &str) -> String {
    let rest = uri.split_once(':').map(|(_, r)| r).unwrap_or(uri);
    rest.split(['@', ';']).next().unwrap_or_default().to_owned()
}

fn media_error(what: &str, cause: &JsValue) -> JsValue {
    log::warn_value(what, cause);
    error("media_failed", what)
}

fn start_ringback(phone: &Weak<PhoneInner>) {
    let Some(phone) = phone.upgrade() else { return };
    if phone.options.ringback {
        if let Err(e) = phone.tones.borrow_mut().start(Tone::Ringback) {
            log::warn_value("ringback unavailable", &e);
        }
    }
}

fn stop_ringback(phone: &PhoneInner) {
    let mut tones = phone.tones.borrow_mut();
    if tones.playing() == Some(Tone::Ringback) {
        tones.stop();
    }
}
