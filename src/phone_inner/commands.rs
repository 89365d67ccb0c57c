//! What the page asks of a phone (`Phone`'s methods): calls, messages, registration, tokens,
//! logout.

use std::rc::Rc;

use bwclient_sip::dial::{dial_target, normalize_number};
use bwclient_sip::registration::RegistrationState;
use bwclient_sip::token::Token;
use bwclient_sip::{HeaderName, Uri};
use gloo_timers::callback::Timeout;
use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::{core_now, unix_now, Lifecycle, PhoneInner, Waiter};
use crate::call_inner::CallInner;
use crate::errors::{error, from_ua, Code};
use crate::log;
use crate::options::CallOptions;

impl PhoneInner {
    pub fn on(&self, event: String, listener: Function) {
        self.emitter.on(event, listener);
    }

    pub fn off(&self, event: &str, listener: &Function) {
        self.emitter.off(event, listener);
    }

    /// The Request-URI for a dial string (`bwclient_sip::dial`), or a `bad_target` error.
    pub fn dial(&self, target: &str) -> Result<Uri, JsValue> {
        let host = self.ua.borrow().config().aor.host.clone();
        dial_target(target, &host).map_err(|e| {
            error(
                Code::BadTarget,
                &["cannot call that: ", &e.message()].concat(),
            )
        })
    }

    /// Places a call (`phone.call`): the INVITE goes out once media is ready, after this
    /// returns.
    pub fn place_call(&self, target: &str, options: &JsValue) -> Result<Rc<CallInner>, JsValue> {
        if matches!(self.lifecycle.get(), Lifecycle::LoggedOut | Lifecycle::Idle) {
            return Err(error(Code::InvalidState, "the phone is not connected"));
        }
        let uri = self.dial(target)?;
        let options = CallOptions::read(options)?;
        let mut headers = options.extra_headers;
        if let Some(identity) = options.identity {
            // RFC 3325 §9.2: the identity we would like to be known by, as a tel-like SIP URI.
            let number = normalize_number(&identity)
                .ok_or_else(|| crate::options::bad("identity", "must be a phone number"))?;
            let host = self.ua.borrow().config().aor.host.clone();
            let value = ["<sip:", &number, "@", &host, ">"].concat();
            headers.push((HeaderName::P_PREFERRED_IDENTITY, value));
        }
        let call = CallInner::outgoing(self.link(), self.options.clone(), uri.clone());
        self.calls.borrow_mut().push(call.clone());
        call.start_outgoing(uri, headers);
        Ok(call)
    }

    /// Takes a fresh token for the same identity and re-registers with it; calls go on.
    pub fn update_token(&self, raw: &str) -> Result<(), JsValue> {
        let token = Token::parse(raw).map_err(|e| error(Code::BadToken, e.message()))?;
        if token.is_expired(unix_now()) {
            return Err(error(
                Code::TokenExpired,
                "the new token has already expired",
            ));
        }
        let same = {
            let ua = self.ua.borrow();
            let aor = &ua.config().aor;
            aor.user.as_deref() == Some(token.user.as_str())
                && aor.host.eq_ignore_ascii_case(&token.host)
        };
        if !same {
            return Err(error(
                Code::BadToken,
                "the new token is for another identity",
            ));
        }
        *self.token.borrow_mut() = Some(token.clone());
        self.arm_token_timer();
        let updated = self.ua.borrow_mut().update_token(core_now(), token);
        self.drive();
        updated.map_err(from_ua)
    }

    /// Ends every call (CANCEL or BYE goes out; `ended` says `logged_out`), unregisters
    /// (waiting at most 2 s for the answer), closes, and settles every pending promise.
    pub async fn logout(self: Rc<Self>) {
        let calls: Vec<_> = self.calls.borrow().clone();
        for call in calls {
            call.end_by_logout();
        }
        let registered = self.ua.borrow().registration_state() == RegistrationState::Registered;
        if self.lifecycle.get() == Lifecycle::Ready && registered {
            let (done, waiter) = Waiter::new();
            *self.logout_waiter.borrow_mut() = Some(waiter);
            let me = self.me.clone();
            let _give_up = Timeout::new(2000, move || {
                if let Some(phone) = me.upgrade() {
                    phone.shutdown();
                }
            });
            let unregistered = self.ua.borrow_mut().unregister(core_now());
            self.drive();
            if unregistered.is_ok() {
                let _ = JsFuture::from(done).await;
            }
        }
        self.shutdown();
    }

    /// Sends a SIP MESSAGE (RFC 3428); the promise resolves once the far end accepted it.
    pub fn send_message(&self, target: &str, text: &str) -> Promise {
        if self.lifecycle.get() == Lifecycle::LoggedOut {
            return Promise::reject(&error(Code::LoggedOut, "the phone logged out"));
        }
        let sent = self.dial(target).and_then(|uri| {
            let sent = self
                .ua
                .borrow_mut()
                .send_message(core_now(), uri, "text/plain", text);
            sent.map_err(from_ua)
        });
        match sent {
            Ok(handle) => {
                let (promise, waiter) = Waiter::new();
                self.message_waiters.borrow_mut().push((handle, waiter));
                self.drive();
                promise
            }
            Err(e) => Promise::reject(&e),
        }
    }

    /// Registers for incoming calls: the legacy `register()`, which also connects first; or
    /// again after `unregister()` or `register: false`.
    pub fn register(&self) {
        match self.lifecycle.get() {
            Lifecycle::Idle => self.connect(),
            Lifecycle::LoggedOut => log::warn("register() after logout"),
            _ => {
                if let Err(e) = self.ua.borrow_mut().register(core_now()) {
                    log::warn(&["register: ", &e.message()].concat());
                }
                self.drive();
            }
        }
    }

    /// Removes the registration; the connection stays open.
    pub fn unregister(&self) {
        if let Err(e) = self.ua.borrow_mut().unregister(core_now()) {
            log::warn(&["unregister: ", &e.message()].concat());
        }
        self.drive();
    }

    /// Our SIP URI.
    pub fn uri(&self) -> String {
        self.ua.borrow().config().aor.to_text()
    }

    /// Whether the registrar holds our binding now (false while a REGISTER is in flight).
    pub fn registered(&self) -> bool {
        self.ua.borrow().registration_state() == RegistrationState::Registered
    }

    /// Whether SIP messages are traced (`logLevel: 'debug'`).
    pub fn traces_sip(&self) -> bool {
        self.ua.borrow().config().trace
    }

    /// The calls in progress.
    pub fn calls(&self) -> Vec<Rc<CallInner>> {
        self.calls.borrow().clone()
    }
}
