//! `Call`, as exported to JavaScript: a thin wrapper over [`CallInner`].

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

use crate::call_inner::CallInner;

/// One call. Events (`call.on(name, fn)`): `connecting`, `ringing` (`{status}`), `connected`,
/// `ended` (`{reason, code}`), `failed`, `held`/`unheld` (`{by: 'local'|'remote'}`), `muted`,
/// `unmuted`, `dtmf` (`{digit, duration, transport}`), `dtmfSent`, `info`, `transferProgress`,
/// `transferred`, `holdFailed`, `mediaFailed`.
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
    /// Adds a listener; returns the call so calls chain. (Typed in `typescript.rs`.)
    #[wasm_bindgen(skip_typescript)]
    pub fn on(&self, event: String, listener: Function) -> Call {
        self.inner.on(event, listener);
        Call::wrap(self.inner.clone())
    }

    /// Removes a listener added with `on`.
    #[wasm_bindgen(skip_typescript)]
    pub fn off(&self, event: &str, listener: &Function) {
        self.inner.off(event, listener);
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

    /// Mutes the microphone (no renegotiation).
    pub fn mute(&self) {
        self.inner.set_muted(true);
    }

    /// Unmutes the microphone.
    pub fn unmute(&self) {
        self.inner.set_muted(false);
    }

    /// Puts the call on hold: a re-INVITE with `a=sendonly`.
    pub fn hold(&self) -> Result<(), JsValue> {
        self.inner.set_hold(true)
    }

    /// Takes the call off hold: a re-INVITE with `a=sendrecv`.
    pub fn unhold(&self) -> Result<(), JsValue> {
        self.inner.set_hold(false)
    }

    /// Sends DTMF digits (`0-9 * # A-D`, `,` pauses 2 s), each `durationMs` long.
    #[wasm_bindgen(js_name = sendDtmf)]
    pub fn send_dtmf(
        &self,
        digits: &str,
        #[wasm_bindgen(js_name = durationMs)] duration_ms: Option<u32>,
    ) -> Result<(), JsValue> {
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
            .remote_stream()
            .map_or(JsValue::NULL, JsValue::from)
    }

    /// Switches the microphone mid-call (`RTCRtpSender.replaceTrack`).
    #[wasm_bindgen(js_name = setMicrophone, unchecked_return_type = "Promise<void>")]
    pub fn set_microphone(&self, #[wasm_bindgen(js_name = deviceId)] device_id: String) -> Promise {
        self.inner.set_microphone(device_id)
    }

    /// The legacy name of `setMicrophone` (only before the call connects in the old library,
    /// any time here).
    #[wasm_bindgen(js_name = setMicrophoneId, unchecked_return_type = "Promise<void>")]
    pub fn set_microphone_id(
        &self,
        #[wasm_bindgen(js_name = deviceId)] device_id: String,
    ) -> Promise {
        self.inner.set_microphone(device_id)
    }

    /// Routes remote audio to a speaker (`setSinkId`); resolves `false` where unsupported.
    #[wasm_bindgen(js_name = setSpeaker, unchecked_return_type = "Promise<boolean>")]
    pub fn set_speaker(&self, #[wasm_bindgen(js_name = deviceId)] device_id: String) -> Promise {
        self.inner.set_speaker(device_id)
    }

    /// `{direction, status, localUri, remoteUri, localId, remoteId, localName, remoteName,
    /// microphoneMuted, held, remoteHeld, startTime, duration}`.
    #[wasm_bindgen(js_name = getInfo, unchecked_return_type = "CallInfo")]
    pub fn get_info(&self) -> JsValue {
        self.inner.info()
    }

    /// `{codec, rtt, jitter, packetsLost, packetsReceived, packetsSent, bytesReceived,
    /// bytesSent, audioLevel, localAudioLevel, mos}`.
    #[wasm_bindgen(js_name = getStats, unchecked_return_type = "Promise<CallStats>")]
    pub fn get_stats(&self) -> Promise {
        self.inner.stats()
    }

    /// `in` or `out`.
    #[wasm_bindgen(getter, unchecked_return_type = "'in' | 'out'")]
    pub fn direction(&self) -> String {
        self.inner.direction_name().to_owned()
    }

    /// `connecting`, `connected` or `ended`.
    #[wasm_bindgen(getter, unchecked_return_type = "'connecting' | 'connected' | 'ended'")]
    pub fn status(&self) -> String {
        self.inner.status_name().to_owned()
    }
}
