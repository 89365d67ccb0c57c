//! `Phone`, as exported to JavaScript.

use std::rc::Rc;

use bwclient_sip::token::Token;
use bwclient_sip::{HeaderName, Uri};
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::call::Call;
use super::call_inner::CallInner;
use super::errors::{error, from_ua};
use super::js;
use super::options::parse_header_lines;
use super::phone_inner::{core_now, Lifecycle, PhoneInner, Waiter};
use crate::log;

/// A logged-in phone. Events (`phone.on(name, fn)`): `registered` (alias
/// `registrationSuccess`), `registrationFailed` (`{code, status, reason}`), `unregistered`,
/// `incomingCall` (a `Call`), `reconnecting` (`{attempt, delayMs}`), `reconnected`,
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
        self.inner
            .calls
            .borrow()
            .iter()
            .map(|c| Call::wrap(c.clone()))
            .collect()
    }
}

/// A promise that resolves after `ms` (never rejects).
fn delay_promise(ms: u32) -> Promise {
    Promise::new(&mut |resolve, _| {
        crate::timer::call_later(&resolve, ms);
    })
}

#[wasm_bindgen]
impl Phone {
    /// Adds a listener; returns the phone so calls can chain. (Typed in `typescript.rs`:
    /// the untyped signature would win overload resolution and leave listeners' parameters `any`.)
    #[wasm_bindgen(skip_typescript)]
    pub fn on(&self, event: &str, listener: Function) -> Phone {
        self.inner.emitter.on(event, listener);
        Phone::wrap(self.inner.clone())
    }

    #[wasm_bindgen(skip_typescript)]
    pub fn off(&self, event: &str, listener: &Function) {
        self.inner.emitter.off(event, listener);
    }

    /// Places a call to a `sip:`/`sips:` URI, a bare user, or a phone number (US numbers get
    /// +1). `options`: `{extraHeaders: ["X-Name: value"], identity: "+1…"}`. The INVITE goes
    /// out once the microphone and the offer are ready, after this returns.
    pub fn call(
        &self,
        target: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Result<Call, JsValue> {
        let phone = &self.inner;
        if matches!(
            phone.lifecycle.get(),
            Lifecycle::LoggedOut | Lifecycle::Idle
        ) {
            return Err(error("invalid_state", "the phone is not connected"));
        }
        let host = phone.ua.borrow().config().aor.host.clone();
        let uri = bwclient_sip::dial::dial_target(target, &host).map_err(|e| {
            error(
                "bad_target",
                &["cannot call that: ", &e.to_string()].concat(),
            )
        })?;
        let mut extra = match js::get_strings(&options, "extraHeaders") {
            Some(lines) => parse_header_lines(&lines)?,
            None => Vec::new(),
        };
        if let Some(identity) = js::get_string(&options, "identity") {
            let number = bwclient_sip::dial::normalize_number(&identity)
                .ok_or_else(|| error("bad_options", "identity must be a phone number"))?;
            let value = ["<sip:", &number, "@", &host, ">"].concat();
            extra.push((HeaderName::P_PREFERRED_IDENTITY, value));
        }
        let call = CallInner::outgoing(phone.me.clone(), &uri);
        phone.calls.borrow_mut().push(call.clone());
        call.start_outgoing(uri, extra);
        Ok(Call::wrap(call))
    }

    /// Takes a fresh token for the same identity and re-registers with it; calls go on.
    #[wasm_bindgen(js_name = updateToken)]
    pub fn update_token(&self, token: &str) -> Result<(), JsValue> {
        let token = Token::parse(token).map_err(|e| error("bad_token", &e.to_string()))?;
        let now_s = (js::date_now_ms() / 1000.0) as u64;
        if token.is_expired(now_s) {
            return Err(error("token_expired", "the new token has already expired"));
        }
        let current = self.inner.ua.borrow().config().aor.clone();
        if current.user.as_deref() != Some(token.user.as_str())
            || !current.host.eq_ignore_ascii_case(&token.host)
        {
            return Err(error("bad_token", "the new token is for another identity"));
        }
        *self.inner.token.borrow_mut() = Some(token.clone());
        self.inner.arm_token_timer();
        let result = self.inner.ua.borrow_mut().update_token(core_now(), token);
        self.inner.drive();
        result.map_err(from_ua)
    }

    /// Hangs up every call, unregisters (waiting at most 2 s for the answer) and closes.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn logout(&self) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let calls: Vec<_> = inner.calls.borrow().clone();
            for call in calls {
                let _ = call.hangup();
            }
            let registered = inner.lifecycle.get() == Lifecycle::Ready
                && inner.ua.borrow().registration_state()
                    == bwclient_sip::registration::RegistrationState::Registered;
            if registered {
                let done = Promise::new(&mut |resolve, reject| {
                    *inner.logout_waiter.borrow_mut() = Some(Waiter { resolve, reject });
                });
                if inner.ua.borrow_mut().unregister(core_now()).is_ok() {
                    inner.drive();
                    let _ = JsFuture::from(Promise::race(&Array::of2(&done, &delay_promise(2000))))
                        .await;
                }
            }
            inner.shutdown();
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Sends a SIP MESSAGE (RFC 3428); resolves when the far end accepted it.
    #[wasm_bindgen(js_name = sendMessage, unchecked_return_type = "Promise<void>")]
    pub fn send_message(&self, target: &str, text: &str) -> Promise {
        let inner = self.inner.clone();
        let host = inner.ua.borrow().config().aor.host.clone();
        let uri = match bwclient_sip::dial::dial_target(target, &host) {
            Ok(uri) => uri,
            Err(e) => return Promise::reject(&error("bad_target", &e.to_string())),
        };
        let sent = inner
            .ua
            .borrow_mut()
            .send_message(core_now(), uri, "text/plain", text);
        match sent {
            Ok(handle) => {
                let promise = Promise::new(&mut |resolve, reject| {
                    inner
                        .message_waiters
                        .borrow_mut()
                        .push((handle, Waiter { resolve, reject }));
                });
                inner.drive();
                promise
            }
            Err(e) => Promise::reject(&from_ua(e)),
        }
    }

    /// Registers for incoming calls (the legacy `register()`; also after `register: false`).
    pub fn register(&self) {
        let inner = &self.inner;
        match inner.lifecycle.get() {
            Lifecycle::Idle => inner.connect(),
            Lifecycle::LoggedOut => log::warn("register() after logout"),
            _ => {
                if let Err(e) = inner.ua.borrow_mut().register(core_now()) {
                    log::warn(&["register: ", &e.to_string()].concat());
                }
                inner.drive();
            }
        }
    }

    /// Removes the registration; the connection stays open.
    pub fn unregister(&self) {
        if let Err(e) = self.inner.ua.borrow_mut().unregister(core_now()) {
            log::warn(&["unregister: ", &e.to_string()].concat());
        }
        self.inner.drive();
    }

    /// Our SIP URI.
    #[wasm_bindgen(getter)]
    pub fn uri(&self) -> String {
        self.inner.ua.borrow().config().aor.to_string()
    }

    /// True while the phone holds a registration.
    #[wasm_bindgen(getter)]
    pub fn registered(&self) -> bool {
        self.inner.ua.borrow().registration_state()
            == bwclient_sip::registration::RegistrationState::Registered
    }

    /// The calls in progress.
    #[wasm_bindgen(unchecked_return_type = "Call[]")]
    pub fn calls(&self) -> Array {
        self.inner
            .calls
            .borrow()
            .iter()
            .map(|c| JsValue::from(Call::wrap(c.clone())))
            .collect()
    }

    #[wasm_bindgen(js_name = setLogLevel)]
    pub fn set_log_level(&self, level: &str) -> Result<(), JsValue> {
        let level =
            log::Level::parse(level).ok_or_else(|| error("bad_options", "unknown log level"))?;
        log::set_level(level);
        Ok(())
    }

    #[wasm_bindgen(js_name = getLogLevel)]
    pub fn get_log_level(&self) -> String {
        log::level().as_str().to_owned()
    }

    /// Whether SIP messages are traced (the legacy `getTraceSip()`: `logLevel: 'debug'`).
    #[wasm_bindgen(js_name = getTraceSip)]
    pub fn get_trace_sip(&self) -> bool {
        self.inner.ua.borrow().config().trace
    }
}

/// The address of record `sip:user@host` for a configuration.
pub(crate) fn aor_of(user: &str, host: &str, uri: Option<&str>) -> Result<Uri, JsValue> {
    match uri {
        Some(uri) => Uri::parse(uri)
            .map_err(|e| error("bad_options", &["bad uri: ", &e.to_string()].concat())),
        None => Ok(Uri::sip(Some(user), host)),
    }
}
