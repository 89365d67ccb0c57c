//! What the page does with a call: hang up, reject, mute, hold, DTMF, transfer, devices.

use std::rc::Rc;

use crate::promise::promise;
use bwclient_sip::CallHandle;
use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlMediaElement, MediaStream};

use super::{CallInner, Direction};
use crate::errors::{error, Code};
use crate::log;
use crate::options::DtmfTransport;
use crate::payloads::to_js;

/// `sendDtmf` digits: `0-9`, `*`, `#`, `A-D` (RFC 4733 §3.2 events 0–15) and `,` (a pause).
fn is_dtmf(c: char) -> bool {
    c.is_ascii_digit() || matches!(c.to_ascii_uppercase(), '*' | '#' | 'A'..='D' | ',')
}

impl CallInner {
    /// The core's handle of a connected call (a call connects only through core events, so
    /// it has one), or `invalid_state` saying `what`.
    fn connected_handle(&self, what: &str) -> Result<CallHandle, JsValue> {
        match self.handle.get() {
            Some(handle) if self.connected() => Ok(handle),
            _ => Err(error(Code::InvalidState, what)),
        }
    }

    /// Runs `op` once the phone is back if it is reconnecting; true when deferred. A deferred
    /// operation that then fails is logged, since nobody waits for it any more.
    fn deferred(&self, op: impl FnOnce(&CallInner) -> Result<(), JsValue> + 'static) -> bool {
        let me = self.me.clone();
        self.phone.defer(Box::new(move || {
            if let Some(call) = me.upgrade() {
                if let Err(e) = op(&call) {
                    log::warn_value("a request made while offline failed", &e);
                }
            }
        }))
    }

    /// Ends the call: CANCEL before the answer, BYE after (the core picks; RFC 3261 §9.1,
    /// §15.1), 603 for an incoming call not answered.
    pub fn hangup(&self) -> Result<(), JsValue> {
        if self.ended() {
            return Err(error(Code::InvalidState, "the call has already ended"));
        }
        let Some(handle) = self.handle.get() else {
            // The INVITE is not out yet: it never will be.
            self.hangup_requested.set(true);
            return Ok(());
        };
        if self.deferred(|call| call.hangup()) {
            return Ok(());
        }
        self.phone.command(|ua, now| ua.hangup(now, handle))
    }

    /// Rejects an incoming call: 486 Busy Here (RFC 3261 §21.4.24) unless another 4xx–6xx
    /// `code` is given.
    pub fn reject(&self, code: Option<u16>) -> Result<(), JsValue> {
        let handle = self
            .handle
            .get()
            .filter(|_| self.direction == Direction::In);
        let (Some(handle), true) = (handle, self.is_ringing_in() || self.answering.get()) else {
            let why = "only an unanswered incoming call can be rejected";
            return Err(error(Code::InvalidState, why));
        };
        let code = code.filter(|c| (400..700).contains(c)).unwrap_or(486);
        self.phone.command(|ua, now| ua.reject(now, handle, code))
    }

    /// Mutes or unmutes the microphone (`track.enabled`: no renegotiation); remembered for
    /// media not opened yet.
    pub fn set_muted(&self, muted: bool) {
        if self.muted.replace(muted) == muted {
            return;
        }
        if let Some(media) = self.media() {
            media.mute(muted);
        }
        self.emitter.emit0(if muted { "muted" } else { "unmuted" });
    }

    /// Holds the call (a re-INVITE with `a=sendonly`, RFC 3264 §8.4) or takes it off hold
    /// (`a=sendrecv`); `held`/`unheld` follow the answer, `holdFailed` a refusal.
    pub fn set_hold(self: &Rc<Self>, hold: bool) -> Result<(), JsValue> {
        let handle = self.connected_handle("the call is not connected")?;
        if self.hold_pending.get() {
            let why = "a hold or unhold is already in progress";
            return Err(error(Code::InvalidState, why));
        }
        let media = self.media_or_refuse()?;
        if media.held() == hold || self.deferred(move |call| call.me_rc()?.set_hold(hold)) {
            return Ok(());
        }
        self.hold_pending.set(true);
        let call = self.clone();
        spawn_local(async move {
            let offered = match media.hold(hold).await {
                Ok(sdp) => call.phone.command(|ua, now| ua.reinvite(now, handle, &sdp)),
                Err(e) => Err(e),
            };
            if let Err(e) = offered {
                log::warn_value("hold/unhold failed", &e);
                call.hold_pending.set(false);
                if let Err(e) = media.rollback().await {
                    log::warn_value("rollback failed", &e);
                }
                call.emitter.emit("holdFailed", &e);
            }
        });
        Ok(())
    }

    fn me_rc(&self) -> Result<Rc<CallInner>, JsValue> {
        self.me
            .upgrade()
            .ok_or_else(|| error(Code::InvalidState, "the call is gone"))
    }

    /// Sends DTMF `digits`, each `duration_ms` long (default 100, 40 to 6000): as RFC 4733
    /// telephone-events through `RTCDTMFSender` (`,` pauses 2 s), or with `dtmf: 'info'` as
    /// SIP INFO `application/dtmf-relay` requests.
    pub fn send_dtmf(&self, digits: &str, duration_ms: Option<u32>) -> Result<(), JsValue> {
        let handle = self.connected_handle("DTMF needs a connected call")?;
        if digits.is_empty() || !digits.chars().all(is_dtmf) {
            let why = "DTMF digits are 0-9, *, #, A-D and , (pause)";
            return Err(error(Code::BadOptions, why));
        }
        let duration = duration_ms.unwrap_or(100).clamp(40, 6000);
        if self.options.dtmf == DtmfTransport::Rfc4733 {
            return self.media_or_refuse()?.insert_dtmf(digits, duration, 70);
        }
        let later = digits.to_owned();
        if self.deferred(move |call| call.send_dtmf(&later, Some(duration))) {
            return Ok(());
        }
        for digit in digits.chars().filter(|c| *c != ',') {
            self.phone
                .command(|ua, now| ua.send_dtmf_info(now, handle, digit, duration))?;
        }
        Ok(())
    }

    /// A blind transfer to `target` (REFER, RFC 3515); `transferProgress` reports how it goes.
    pub fn transfer(&self, target: &str) -> Result<(), JsValue> {
        let handle = self.connected_handle("only a connected call can be transferred")?;
        let uri = self.phone.dial(target)?;
        let later = target.to_owned();
        if self.deferred(move |call| call.transfer(&later)) {
            return Ok(());
        }
        self.phone.command(|ua, now| ua.refer(now, handle, uri))
    }

    /// Plays remote audio in `element` instead of the client's own; `None` turns it off.
    pub fn set_remote_audio_element(&self, element: Option<HtmlMediaElement>) {
        *self.audio_element.borrow_mut() = Some(element.clone());
        if let Some(media) = self.media() {
            media.set_remote_audio_element(element);
        }
    }

    /// The remote audio stream, once it arrived.
    pub fn remote_stream(&self) -> Option<MediaStream> {
        self.media().and_then(|m| m.remote_stream())
    }

    /// Switches the microphone mid-call (`RTCRtpSender.replaceTrack`, no re-INVITE).
    pub fn set_microphone(&self, device_id: String) -> Promise {
        let media = self.media_or_refuse();
        promise(async move {
            media?.acquire_microphone(Some(&device_id)).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Routes remote audio to a speaker (`setSinkId`); resolves `false` where unsupported.
    pub fn set_speaker(&self, device_id: String) -> Promise {
        let media = self.media_or_refuse();
        promise(async move {
            let chosen = media?.set_sink_id(&device_id).await?;
            Ok(JsValue::from_bool(chosen))
        })
    }

    /// `getStats()`: codec, rtt, jitter, packets, bytes, levels and an estimated MOS.
    pub fn stats(&self) -> Promise {
        let media = self.media_or_refuse();
        promise(async move { Ok(to_js(&media?.get_stats().await?)) })
    }
}
