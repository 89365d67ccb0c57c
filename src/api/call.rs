//! `Call`, as exported to JavaScript.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::call_inner::CallInner;
use super::errors::error;
use super::js;

/// One call. Events (`call.on(name, fn)`): `connecting`, `ringing`, `connected`, `ended`
/// (`{reason, code}`), `failed`, `held`/`unheld` (`{by: 'local'|'remote'}`), `muted`, `unmuted`,
/// `dtmf` (`{digit, duration}`), `dtmfSent`, `info`, `transferProgress`, `transferred`,
/// `holdFailed`, `mediaFailed`.
#[wasm_bindgen]
pub struct Call {
    inner: Rc<CallInner>,
}

impl Call {
    pub(crate) fn wrap(inner: Rc<CallInner>) -> Call {
        Call { inner }
    }
}

#[wasm_bindgen]
impl Call {
    /// Adds a listener; returns the call so calls can chain. (Typed in `typescript.rs`:
    /// the untyped signature would win overload resolution and leave listeners' parameters `any`.)
    #[wasm_bindgen(skip_typescript)]
    pub fn on(&self, event: &str, listener: Function) -> Call {
        self.inner.emitter.on(event, listener);
        Call::wrap(self.inner.clone())
    }

    #[wasm_bindgen(skip_typescript)]
    pub fn off(&self, event: &str, listener: &Function) {
        self.inner.emitter.off(event, listener);
    }

    /// Answers an incoming call.
    pub fn answer(&self) -> Result<(), JsValue> {
        self.inner.answer()
    }

    /// The legacy name of `answer()`.
    pub fn accept(&self) -> Result<(), JsValue> {
        self.inner.answer()
    }

    /// Rejects an incoming call (486 Busy Here unless `code` is given).
    pub fn reject(&self, code: Option<u16>) -> Result<(), JsValue> {
        self.inner.reject(code)
    }

    /// Ends the call: CANCEL before the answer, BYE after.
    pub fn hangup(&self) -> Result<(), JsValue> {
        self.inner.hangup()
    }

    pub fn mute(&self) {
        self.inner.set_muted(true);
    }

    pub fn unmute(&self) {
        self.inner.set_muted(false);
    }

    pub fn hold(&self) -> Result<(), JsValue> {
        self.inner.set_hold(true)
    }

    pub fn unhold(&self) -> Result<(), JsValue> {
        self.inner.set_hold(false)
    }

    /// Sends DTMF digits (`0-9 * # A-D`, `,` pauses 2 s).
    #[wasm_bindgen(js_name = sendDtmf)]
    pub fn send_dtmf(&self, digits: &str, duration_ms: Option<u32>) -> Result<(), JsValue> {
        self.inner.send_dtmf(digits, duration_ms)
    }

    /// Blind transfer to `target` (REFER).
    pub fn transfer(&self, target: &str) -> Result<(), JsValue> {
        self.inner.transfer(target)
    }

    /// Plays remote audio in `element` instead of the client's own; `null` turns it off.
    #[wasm_bindgen(js_name = setRemoteAudioElement)]
    pub fn set_remote_audio_element(&self, element: Option<web_sys::HtmlMediaElement>) {
        self.inner.set_remote_audio_element(element);
    }

    /// The remote audio stream (the legacy `getRemoteStream()`), or `null`.
    #[wasm_bindgen(js_name = getRemoteStream, unchecked_return_type = "MediaStream | null")]
    pub fn get_remote_stream(&self) -> JsValue {
        self.inner
            .remote_audio_element()
            .and_then(|el| el.src_object())
            .map(JsValue::from)
            .unwrap_or(JsValue::NULL)
    }

    /// Switches the microphone mid-call (`RTCRtpSender.replaceTrack`).
    #[wasm_bindgen(js_name = setMicrophone, unchecked_return_type = "Promise<void>")]
    pub fn set_microphone(&self, device_id: String) -> Promise {
        let media = self.inner.media();
        future_to_promise(async move {
            let media = media.ok_or_else(|| error("invalid_state", "the call has no media yet"))?;
            media.replace_microphone(&device_id).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// The legacy name; only before the call connects in the old library, any time here.
    #[wasm_bindgen(js_name = setMicrophoneId, unchecked_return_type = "Promise<void>")]
    pub fn set_microphone_id(&self, device_id: String) -> Promise {
        self.set_microphone(device_id)
    }

    /// Routes remote audio to a speaker (`setSinkId`); resolves `false` where unsupported.
    #[wasm_bindgen(js_name = setSpeaker, unchecked_return_type = "Promise<boolean>")]
    pub fn set_speaker(&self, device_id: String) -> Promise {
        let media = self.inner.media();
        future_to_promise(async move {
            let media = media.ok_or_else(|| error("invalid_state", "the call has no media yet"))?;
            Ok(JsValue::from_bool(media.set_sink_id(&device_id).await?))
        })
    }

    /// `{direction, status, localUri, remoteUri, localId, remoteId, localName, remoteName,
    /// microphoneMuted, held, remoteHeld, startTime, duration}`.
    #[wasm_bindgen(js_name = getInfo, unchecked_return_type = "CallInfo")]
    pub fn get_info(&self) -> js_sys::Object {
        self.inner.info()
    }

    /// `{codec, rtt, jitter, packetsLost, packetsReceived, packetsSent, bytesReceived,
    /// bytesSent, audioLevel, localAudioLevel, mos}`.
    #[wasm_bindgen(js_name = getStats, unchecked_return_type = "Promise<CallStats>")]
    pub fn get_stats(&self) -> Promise {
        let media = self.inner.media();
        future_to_promise(async move {
            let media = media.ok_or_else(|| error("invalid_state", "the call has no media"))?;
            let s = media.get_stats().await?;
            let o = js::obj();
            let num = |v: Option<f64>| v.map(JsValue::from_f64).unwrap_or(JsValue::NULL);
            js::set(
                &o,
                "codec",
                s.codec.map(JsValue::from).unwrap_or(JsValue::NULL),
            );
            js::set(&o, "rtt", num(s.rtt_ms));
            js::set(&o, "jitter", num(s.jitter_ms));
            js::set(&o, "packetsLost", s.packets_lost as f64);
            js::set(&o, "packetsReceived", s.packets_received as f64);
            js::set(&o, "packetsSent", s.packets_sent as f64);
            js::set(&o, "bytesReceived", s.bytes_received as f64);
            js::set(&o, "bytesSent", s.bytes_sent as f64);
            js::set(&o, "audioLevel", num(s.audio_level));
            js::set(&o, "localAudioLevel", num(s.local_audio_level));
            js::set(&o, "mos", num(s.mos));
            Ok(o.into())
        })
    }

    #[wasm_bindgen(getter)]
    pub fn direction(&self) -> String {
        self.inner.direction_name().to_owned()
    }

    #[wasm_bindgen(getter)]
    pub fn status(&self) -> String {
        self.inner.status_name().to_owned()
    }
}
