//! `Phone`, as exported to JavaScript: a thin wrapper over [`PhoneInner`].

use std::rc::Rc;

use crate::promise::promise;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

use crate::call::Call;
use crate::errors::{error, Code};
use crate::log;
use crate::phone_inner::PhoneInner;

/// A logged-in phone. Events (`phone.on(name, fn)`): `registered` (alias
/// `registrationSuccess`), `registrationFailed` (`{code, status, reason}`), `unregistered`,
/// `incomingCall` (a `Call`), `reconnecting` (`{attempt, delayMs, closeCode, server}`: the
/// server the next attempt goes to), `reconnected` (`{server}`),
/// `tokenWillExpire` (`{expiresAt, secondsLeft}`), `message` (`{from, contentType, body}`),
/// `log` (`{level, message}`, with `logLevel: 'debug'`).
#[wasm_bindgen]
pub struct Phone {
    inner: Rc<PhoneInner>,
}

impl Phone {
    pub(crate) fn wrap(inner: Rc<PhoneInner>) -> Phone {
        Phone { inner }
    }

    /// The calls in progress, for Rust callers (the browser tests).
    pub fn active_calls(&self) -> Vec<Call> {
        self.inner.calls().into_iter().map(Call::wrap).collect()
    }
}

#[wasm_bindgen]
impl Phone {
    /// Adds a listener; returns the phone so calls chain. (Typed in `typescript.rs`: the
    /// untyped signature would win overload resolution and leave listeners' parameters `any`.)
    #[wasm_bindgen(skip_typescript)]
    pub fn on(&self, event: String, listener: Function) -> Phone {
        self.inner.on(event, listener);
        Phone::wrap(self.inner.clone())
    }

    /// Removes a listener added with `on`.
    #[wasm_bindgen(skip_typescript)]
    pub fn off(&self, event: &str, listener: &Function) {
        self.inner.off(event, listener);
    }

    /// Places a call to a `sip:`/`sips:` URI, a bare user, or a phone number (US numbers get
    /// +1). `options`: `{extraHeaders: ["X-Name: value"], identity: "+1…"}`. The INVITE goes
    /// out once the microphone and the offer are ready, after this returns.
    pub fn call(
        &self,
        target: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Result<Call, JsValue> {
        self.inner.place_call(target, &options).map(Call::wrap)
    }

    /// Takes a fresh token for the same identity and re-registers with it; calls go on.
    #[wasm_bindgen(js_name = updateToken)]
    pub fn update_token(&self, token: &str) -> Result<(), JsValue> {
        self.inner.update_token(token)
    }

    /// Ends every call (`ended` with reason `logged_out`), unregisters (waiting at most 2 s for
    /// the answer) and closes; promises still pending reject with `logged_out`.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn logout(&self) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            inner.logout().await;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Sends a SIP MESSAGE (RFC 3428); resolves when the far end accepted it.
    #[wasm_bindgen(js_name = sendMessage, unchecked_return_type = "Promise<void>")]
    pub fn send_message(&self, target: &str, text: &str) -> Promise {
        self.inner.send_message(target, text)
    }

    /// Registers for incoming calls (the legacy `register()`; also after `register: false`).
    pub fn register(&self) {
        self.inner.register();
    }

    /// Removes the registration; the connection stays open.
    pub fn unregister(&self) {
        self.inner.unregister();
    }

    /// Our SIP URI.
    #[wasm_bindgen(getter)]
    pub fn uri(&self) -> String {
        self.inner.uri()
    }

    /// The server URL the phone is connected to (while reconnecting: the one it tries next).
    /// With several servers (the `servers` option or the token's list) it changes on failover.
    #[wasm_bindgen(getter)]
    pub fn server(&self) -> String {
        self.inner.server().to_owned()
    }

    /// True while the phone holds a registration.
    #[wasm_bindgen(getter)]
    pub fn registered(&self) -> bool {
        self.inner.registered()
    }

    /// The calls in progress.
    #[wasm_bindgen(unchecked_return_type = "Call[]")]
    pub fn calls(&self) -> Array {
        self.active_calls().into_iter().map(JsValue::from).collect()
    }

    /// Sets the console log level: `debug`, `log`, `warn`, `error` or `silent`.
    #[wasm_bindgen(js_name = setLogLevel)]
    pub fn set_log_level(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LogLevel")] level: &str,
    ) -> Result<(), JsValue> {
        let level =
            log::Level::parse(level).ok_or_else(|| error(Code::BadOptions, "unknown log level"))?;
        log::set_level(level);
        Ok(())
    }

    /// The console log level.
    #[wasm_bindgen(js_name = getLogLevel, unchecked_return_type = "LogLevel")]
    pub fn get_log_level(&self) -> String {
        log::level().as_str().to_owned()
    }

    /// Whether SIP messages are traced (the legacy `getTraceSip()`: `logLevel: 'debug'`).
    #[wasm_bindgen(js_name = getTraceSip)]
    pub fn get_trace_sip(&self) -> bool {
        self.inner.traces_sip()
    }
}
