//! Core events to the page: phone-level events here, call events to their [`CallInner`].

use bwclient_sip::events::{Direction, Event};
use bwclient_sip::ua::MessageHandle;
use bwclient_sip::CallHandle;
use wasm_bindgen::JsValue;

use super::{Lifecycle, PhoneInner, Waiter};
use crate::call::Call;
use crate::call_inner::CallInner;
use crate::errors::{decimal, error, Code};
use crate::log;
use crate::payloads::{to_js, Body, Registration, RegistrationFailure, Status};

impl PhoneInner {
    pub(super) fn dispatch(&self, event: Event) {
        match event {
            Event::Registered { expires, code } => {
                self.lifecycle.set(Lifecycle::Ready);
                let first = !self.ever_registered.replace(true);
                let info = to_js(&Registration {
                    expires,
                    status: code,
                });
                if first {
                    log::log("registered");
                }
                self.emitter.emit("registered", &info);
                self.emitter.emit("registrationSuccess", &info);
                self.resolve_login();
                if self.reconnected_pending.replace(false) {
                    self.emit_reconnected();
                }
                self.run_deferred();
            }
            Event::RegistrationFailed { code, reason } => {
                let err_code = Code::of_registration(code, self.token_expired());
                log::warn(&["registration failed: ", &reason].concat());
                let failure = RegistrationFailure {
                    code: err_code.as_str(),
                    status: code,
                    reason: &reason,
                };
                self.emitter.emit("registrationFailed", &to_js(&failure));
                let message = ["registration failed: ", &decimal(code), " ", &reason].concat();
                self.fail_login(&error(err_code, &message));
            }
            Event::Unregistered { code } => {
                self.emitter
                    .emit("unregistered", &to_js(&Status { status: code }));
                if let Some(waiter) = self.logout_waiter.borrow_mut().take() {
                    waiter.resolve(&JsValue::UNDEFINED);
                }
            }
            Event::IncomingCall {
                call,
                from,
                display_name,
                offer,
                ..
            } => {
                let (link, options) = (self.link(), self.options.clone());
                let inner = CallInner::incoming(link, options, call, from, display_name, offer);
                self.calls.borrow_mut().push(inner.clone());
                self.update_ringtone();
                log::log("incoming call");
                self.emitter.emit("incomingCall", &Call::wrap(inner).into());
            }
            Event::Message {
                from,
                content_type,
                body,
            } => {
                let from = from.to_text();
                let message = Body {
                    from: Some(&from),
                    content_type: &content_type,
                    body: &body,
                };
                self.emitter.emit("message", &to_js(&message));
            }
            Event::MessageDelivered { message, .. } => {
                if let Some(waiter) = self.take_message_waiter(message) {
                    waiter.resolve(&JsValue::UNDEFINED);
                }
            }
            Event::MessageFailed { message, code } => {
                if let Some(waiter) = self.take_message_waiter(message) {
                    let text = ["message not delivered: ", &decimal(code)].concat();
                    waiter.reject(&error(Code::MessageFailed, &text));
                }
            }
            Event::Trace { direction, message } => {
                if log::enabled(log::Level::Debug) {
                    let arrow = match direction {
                        Direction::Sent => "→ sent\n",
                        Direction::Received => "← received\n",
                    };
                    self.trace(&[arrow, &message].concat());
                }
            }
            Event::Discarded(why) => log::warn(&["dropped input: ", &why.message()].concat()),
            other => match call_of(&other).and_then(|h| self.call_by_handle(h)) {
                Some(call) => call.on_event(other),
                None => log::debug("event for an unknown call dropped"),
            },
        }
    }

    fn call_by_handle(&self, handle: CallHandle) -> Option<std::rc::Rc<CallInner>> {
        let calls = self.calls.borrow();
        calls.iter().find(|c| c.handle() == Some(handle)).cloned()
    }

    fn take_message_waiter(&self, handle: MessageHandle) -> Option<Waiter> {
        let mut waiters = self.message_waiters.borrow_mut();
        let at = waiters.iter().position(|(h, _)| *h == handle)?;
        Some(waiters.remove(at).1)
    }
}

/// The call an event is about, for the events that are about one.
fn call_of(event: &Event) -> Option<CallHandle> {
    Some(match event {
        Event::Ringing { call, .. }
        | Event::Answered { call, .. }
        | Event::Ended { call, .. }
        | Event::RemoteOffer { call, .. }
        | Event::OfferRequested { call }
        | Event::RemoteAnswer { call, .. }
        | Event::ReinviteFailed { call, .. }
        | Event::Dtmf { call, .. }
        | Event::Info { call, .. }
        | Event::IceFragment { call, .. }
        | Event::RequestFailed { call, .. }
        | Event::TransferRequested { call, .. }
        | Event::TransferProgress { call, .. } => *call,
        _ => return None,
    })
}
