//! The phone's run loop: owns the core `Ua`, the WebSocket, the one core timer, and routes every
//! core event to the right JS object.
//!
//! Every entry (a socket event, a timer, a JS command) ends in [`PhoneInner::drive`], which
//! drains `poll_output` *without* holding the core borrowed while JS listeners run, so a
//! listener may call back into the phone (answer from `incomingCall`, hang up from `ringing`).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use bwclient_sip::events::{Direction, EndReason, Event};
use bwclient_sip::token::Token;
use bwclient_sip::ua::{Input, MessageHandle, Output};
use bwclient_sip::{CallHandle, Time, Ua};
use js_sys::Function;
use wasm_bindgen::prelude::*;

use super::call_inner::CallInner;
use super::errors::{error, registration_code};
use super::js;
use super::options::PhoneOptions;
use crate::emitter::Emitter;
use crate::log;
use crate::timer::{now_ms, Timer};
use crate::tones::{Tone, Tones};
use crate::transport::{Transport, TransportEvent};

/// Where the phone is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// Created by the legacy `createPhone`, nothing opened yet.
    Idle,
    /// The first connection (and registration) is under way.
    Starting,
    /// Connected (and registered, unless `register: false`).
    Ready,
    /// The socket dropped; a new one is being opened.
    Reconnecting,
    /// `logout()` was called; nothing reconnects.
    LoggedOut,
}

/// Resolve/reject of a pending JS promise.
pub struct Waiter {
    pub resolve: Function,
    pub reject: Function,
}

impl Waiter {
    pub fn resolve(self, value: &JsValue) {
        let _ = self.resolve.call1(&JsValue::NULL, value);
    }
    pub fn reject(self, value: &JsValue) {
        let _ = self.reject.call1(&JsValue::NULL, value);
    }
}

pub struct PhoneInner {
    pub me: Weak<PhoneInner>,
    pub ua: RefCell<Ua>,
    pub options: PhoneOptions,
    pub url: RefCell<String>,
    pub token: RefCell<Option<Token>>,
    pub emitter: Emitter,
    pub lifecycle: Cell<Lifecycle>,
    transport: RefCell<Option<Transport>>,
    socket_open: Cell<bool>,
    /// Frames the core produced while the socket was down; sent once it is back.
    pending_frames: RefCell<VecDeque<String>>,
    core_timer: RefCell<Timer>,
    reconnect_timer: RefCell<Timer>,
    token_timer: RefCell<Timer>,
    login_timer: RefCell<Timer>,
    reconnect_attempt: Cell<u32>,
    ever_registered: Cell<bool>,
    /// Set when the socket drops; the next registration then emits `reconnected`.
    reconnected_pending: Cell<bool>,
    /// Resolved by the first registration (or the first open when `register: false`).
    pub login_waiter: RefCell<Option<Waiter>>,
    pub logout_waiter: RefCell<Option<Waiter>>,
    pub message_waiters: RefCell<Vec<(MessageHandle, Waiter)>>,
    pub calls: RefCell<Vec<Rc<CallInner>>>,
    /// Call operations asked for while reconnecting; run once registered again.
    deferred: RefCell<Vec<Box<dyn FnOnce()>>>,
    pub tones: RefCell<Tones>,
    _pagehide: RefCell<Option<Closure<dyn FnMut()>>>,
}

/// The core's clock: the page's monotonic `performance.now()`.
pub fn core_now() -> Time {
    Time::from_millis(now_ms().max(0.0) as u64)
}

impl PhoneInner {
    pub fn new(ua: Ua, options: PhoneOptions, url: String, token: Option<Token>) -> Rc<PhoneInner> {
        log::set_level(options.log_level);
        let inner = Rc::new_cyclic(|me| PhoneInner {
            me: me.clone(),
            ua: RefCell::new(ua),
            options,
            url: RefCell::new(url),
            token: RefCell::new(token),
            emitter: Emitter::new(),
            lifecycle: Cell::new(Lifecycle::Idle),
            transport: RefCell::new(None),
            socket_open: Cell::new(false),
            pending_frames: RefCell::new(VecDeque::new()),
            core_timer: RefCell::new(Timer::new()),
            reconnect_timer: RefCell::new(Timer::new()),
            token_timer: RefCell::new(Timer::new()),
            login_timer: RefCell::new(Timer::new()),
            reconnect_attempt: Cell::new(0),
            ever_registered: Cell::new(false),
            reconnected_pending: Cell::new(false),
            login_waiter: RefCell::new(None),
            logout_waiter: RefCell::new(None),
            message_waiters: RefCell::new(Vec::new()),
            calls: RefCell::new(Vec::new()),
            deferred: RefCell::new(Vec::new()),
            tones: RefCell::new(Tones::new()),
            _pagehide: RefCell::new(None),
        });
        inner.install_pagehide();
        inner.arm_token_timer();
        inner
    }

    /// Unregisters when the page goes away (the legacy library did it on `beforeunload`).
    fn install_pagehide(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let me = self.me.clone();
        let closure: Closure<dyn FnMut()> = Closure::new(move || {
            if let Some(phone) = me.upgrade() {
                if phone.ever_registered.get() && phone.lifecycle.get() == Lifecycle::Ready {
                    let _ = phone.ua.borrow_mut().unregister(core_now());
                    phone.drive();
                }
            }
        });
        let _ =
            window.add_event_listener_with_callback("pagehide", closure.as_ref().unchecked_ref());
        *self._pagehide.borrow_mut() = Some(closure);
    }

    /// Opens the WebSocket (first time, or again after a drop).
    pub fn connect(&self) {
        if self.lifecycle.get() == Lifecycle::LoggedOut {
            return;
        }
        if self.lifecycle.get() == Lifecycle::Idle {
            self.lifecycle.set(Lifecycle::Starting);
            self.arm_login_timeout();
        }
        let me = self.me.clone();
        let url = self.url.borrow().clone();
        log::log(&["connecting to ", &url].concat());
        match Transport::connect(&url, move |event| {
            if let Some(phone) = me.upgrade() {
                phone.on_transport(event);
            }
        }) {
            Ok(transport) => *self.transport.borrow_mut() = Some(transport),
            Err(_) => {
                let err = error(
                    "transport_failed",
                    "the server URL is not a valid WebSocket URL",
                );
                self.fail_login(&err);
            }
        }
    }

    fn arm_login_timeout(&self) {
        let me = self.me.clone();
        self.login_timer
            .borrow_mut()
            .set(self.options.login_timeout_ms, move || {
                if let Some(phone) = me.upgrade() {
                    let err = error("timeout", "no registration before the login timeout");
                    phone.fail_login(&err);
                }
            });
    }

    /// Rejects a pending login and stops trying.
    pub fn fail_login(&self, err: &JsValue) {
        let waiter = self.login_waiter.borrow_mut().take();
        if let Some(waiter) = waiter {
            self.login_timer.borrow_mut().clear();
            self.shutdown();
            waiter.reject(err);
        }
    }

    /// Closes everything without unregistering (the socket is gone or never came).
    pub fn shutdown(&self) {
        self.lifecycle.set(Lifecycle::LoggedOut);
        self.reconnect_timer.borrow_mut().clear();
        self.core_timer.borrow_mut().clear();
        self.token_timer.borrow_mut().clear();
        self.login_timer.borrow_mut().clear();
        let calls: Vec<_> = self.calls.borrow_mut().drain(..).collect();
        for call in calls {
            call.close_media();
        }
        self.tones.borrow_mut().stop();
        if let Some(transport) = self.transport.borrow_mut().take() {
            transport.close();
        }
        self.socket_open.set(false);
    }

    fn on_transport(&self, event: TransportEvent) {
        match event {
            TransportEvent::Open => {
                self.socket_open.set(true);
                self.reconnect_attempt.set(0);
                let now = core_now();
                self.ua.borrow_mut().handle_input(now, Input::TransportUp);
                self.flush_pending();
                let reconnecting = self.lifecycle.get() == Lifecycle::Reconnecting;
                if !self.ever_registered.get() && self.options.register {
                    if let Err(e) = self.ua.borrow_mut().register(now) {
                        log::warn(&["register failed to start: ", &e.to_string()].concat());
                    }
                } else if !self.options.register {
                    self.lifecycle.set(Lifecycle::Ready);
                    self.resolve_login();
                    if reconnecting && self.reconnected_pending.replace(false) {
                        self.emitter.emit("reconnected", &[]);
                    }
                    self.run_deferred();
                }
                self.drive();
            }
            TransportEvent::Message(text) => {
                self.ua
                    .borrow_mut()
                    .handle_input(core_now(), Input::Received(text.as_bytes()));
                self.drive();
            }
            TransportEvent::Error => log::warn("websocket error"),
            TransportEvent::Close { code, .. } => {
                self.socket_open.set(false);
                self.transport.borrow_mut().take();
                match self.lifecycle.get() {
                    Lifecycle::LoggedOut | Lifecycle::Idle => {}
                    Lifecycle::Starting => {
                        let err = error("transport_failed", "could not connect to the server");
                        self.fail_login(&err);
                    }
                    Lifecycle::Ready | Lifecycle::Reconnecting => {
                        self.ua
                            .borrow_mut()
                            .handle_input(core_now(), Input::TransportDown);
                        self.drive();
                        self.schedule_reconnect(code);
                    }
                }
            }
        }
    }

    fn schedule_reconnect(&self, close_code: u16) {
        self.lifecycle.set(Lifecycle::Reconnecting);
        self.reconnected_pending.set(true);
        let attempt = self.reconnect_attempt.get();
        self.reconnect_attempt.set(attempt.saturating_add(1));
        let delay = self
            .options
            .reconnect
            .next_delay(attempt, js_sys::Math::random());
        let info = js::obj();
        js::set(&info, "attempt", attempt + 1);
        js::set(&info, "delayMs", delay);
        js::set(&info, "closeCode", close_code);
        log::log("connection lost, reconnecting");
        self.emitter.emit("reconnecting", &[info.into()]);
        let me = self.me.clone();
        self.reconnect_timer.borrow_mut().set(delay, move || {
            if let Some(phone) = me.upgrade() {
                phone.connect();
            }
        });
    }

    fn flush_pending(&self) {
        loop {
            let Some(frame) = self.pending_frames.borrow_mut().pop_front() else {
                break;
            };
            self.send_frame(frame);
        }
    }

    fn send_frame(&self, frame: String) {
        let sent = match self.transport.borrow().as_ref() {
            Some(t) if self.socket_open.get() => t.send(&frame).is_ok(),
            _ => false,
        };
        if !sent {
            self.pending_frames.borrow_mut().push_back(frame);
        }
    }

    fn resolve_login(&self) {
        self.login_timer.borrow_mut().clear();
        let waiter = self.login_waiter.borrow_mut().take();
        if let Some(waiter) = waiter {
            waiter.resolve(&JsValue::UNDEFINED);
        }
    }

    /// Drains the core: frames to the socket, events to JS, the next deadline to the timer.
    pub fn drive(&self) {
        let mut events = Vec::new();
        loop {
            let output = self.ua.borrow_mut().poll_output(core_now());
            match output {
                Output::Transmit(frame) => self.send_frame(frame),
                Output::Event(event) => events.push(event),
                Output::Timeout(at) => {
                    let delay = at.as_millis().saturating_sub(core_now().as_millis());
                    let me = self.me.clone();
                    self.core_timer.borrow_mut().set(
                        delay.min(u32::MAX as u64) as u32,
                        move || {
                            if let Some(phone) = me.upgrade() {
                                phone
                                    .ua
                                    .borrow_mut()
                                    .handle_input(core_now(), Input::Timeout);
                                phone.drive();
                            }
                        },
                    );
                    break;
                }
                _ => {
                    self.core_timer.borrow_mut().clear();
                    break;
                }
            }
        }
        for event in events {
            self.dispatch(event);
        }
    }

    pub fn call_by_handle(&self, handle: CallHandle) -> Option<Rc<CallInner>> {
        self.calls
            .borrow()
            .iter()
            .find(|c| c.handle.get() == Some(handle))
            .cloned()
    }

    pub fn forget_call(&self, call: &Rc<CallInner>) {
        self.calls.borrow_mut().retain(|c| !Rc::ptr_eq(c, call));
        self.update_ringtone();
    }

    /// The ringtone plays while any incoming call is unanswered.
    pub fn update_ringtone(&self) {
        let ringing = self.calls.borrow().iter().any(|c| c.is_ringing_in());
        let mut tones = self.tones.borrow_mut();
        if ringing && self.options.ringtone {
            if let Err(e) = tones.start(Tone::Ringtone) {
                log::warn_value("ringtone unavailable", &e);
            }
        } else if tones.playing() == Some(Tone::Ringtone) {
            tones.stop();
        }
    }

    fn token_expired(&self) -> bool {
        let now_s = (js::date_now_ms() / 1000.0) as u64;
        self.token
            .borrow()
            .as_ref()
            .is_some_and(|t| t.is_expired(now_s))
    }

    /// Arms `tokenWillExpire` `token_refresh_lead_s` before the token's expiry.
    pub fn arm_token_timer(&self) {
        let Some(expires) = self.token.borrow().as_ref().map(|t| t.expires) else {
            return;
        };
        let now_s = js::date_now_ms() / 1000.0;
        let fire_at = expires as f64 - self.options.token_refresh_lead_s as f64;
        let delay_ms = ((fire_at - now_s) * 1000.0).clamp(0.0, 2_000_000_000.0) as u32;
        let me = self.me.clone();
        self.token_timer.borrow_mut().set(delay_ms, move || {
            if let Some(phone) = me.upgrade() {
                let info = js::obj();
                js::set(&info, "expiresAt", expires as f64);
                let left = expires as f64 - js::date_now_ms() / 1000.0;
                js::set(&info, "secondsLeft", left.max(0.0).floor());
                phone.emitter.emit("tokenWillExpire", &[info.into()]);
            }
        });
    }

    fn dispatch(&self, event: Event) {
        match event {
            Event::Registered { expires, code } => {
                self.lifecycle.set(Lifecycle::Ready);
                let first = !self.ever_registered.replace(true);
                let info = js::obj();
                js::set(&info, "expires", expires);
                js::set(&info, "status", code);
                if first {
                    log::log("registered");
                }
                self.emitter.emit("registered", &[info.clone().into()]);
                self.emitter.emit("registrationSuccess", &[info.into()]);
                if first {
                    self.resolve_login();
                }
                if self.reconnected_pending.replace(false) {
                    log::log("reconnected");
                    self.emitter.emit("reconnected", &[]);
                }
                self.run_deferred();
            }
            Event::RegistrationFailed { code, reason } => {
                let err_code = registration_code(code, self.token_expired());
                let info = js::obj();
                js::set(&info, "code", err_code);
                js::set(&info, "status", code);
                js::set(&info, "reason", reason.as_str());
                log::warn(&["registration failed: ", &reason].concat());
                self.emitter.emit("registrationFailed", &[info.into()]);
                let msg = ["registration failed: ", &code.to_string(), " ", &reason].concat();
                self.fail_login(&error(err_code, &msg));
            }
            Event::Unregistered { code } => {
                let info = js::obj();
                js::set(&info, "status", code);
                self.emitter.emit("unregistered", &[info.into()]);
                if let Some(w) = self.logout_waiter.borrow_mut().take() {
                    w.resolve(&JsValue::UNDEFINED);
                }
            }
            Event::IncomingCall {
                call,
                from,
                to,
                display_name,
                offer,
            } => {
                let inner =
                    CallInner::incoming(self.me.clone(), call, from, to, display_name, offer);
                self.calls.borrow_mut().push(inner.clone());
                self.update_ringtone();
                log::log("incoming call");
                self.emitter
                    .emit("incomingCall", &[super::call::Call::wrap(inner).into()]);
            }
            Event::Message {
                from,
                content_type,
                body,
            } => {
                let info = js::obj();
                js::set(&info, "from", from.to_string());
                js::set(&info, "contentType", content_type);
                js::set(&info, "body", body);
                self.emitter.emit("message", &[info.into()]);
            }
            Event::MessageDelivered { message, .. } => {
                if let Some(w) = self.take_message_waiter(message) {
                    w.resolve(&JsValue::UNDEFINED);
                }
            }
            Event::MessageFailed { message, code } => {
                if let Some(w) = self.take_message_waiter(message) {
                    let msg = ["message not delivered: ", &code.to_string()].concat();
                    w.reject(&error("message_failed", &msg));
                }
            }
            Event::Trace { direction, message } => {
                if log::enabled(log::Level::Debug) {
                    let arrow = match direction {
                        Direction::Sent => "→ sent\n",
                        Direction::Received => "← received\n",
                    };
                    let line = [arrow, &message].concat();
                    log::debug(&line);
                    let info = js::obj();
                    js::set(&info, "level", "debug");
                    js::set(&info, "message", line);
                    self.emitter.emit("log", &[info.into()]);
                }
            }
            Event::Discarded(why) => log::warn(&["dropped input: ", &why.to_string()].concat()),
            other => {
                if let Some(handle) = call_of(&other) {
                    if let Some(call) = self.call_by_handle(handle) {
                        call.on_event(other);
                        return;
                    }
                }
                log::debug("event for an unknown call dropped");
            }
        }
    }

    /// Queues an operation until the phone is back after a reconnect.
    pub fn defer(&self, op: Box<dyn FnOnce()>) {
        self.deferred.borrow_mut().push(op);
    }

    fn run_deferred(&self) {
        let ops: Vec<_> = self.deferred.borrow_mut().drain(..).collect();
        for op in ops {
            op();
        }
    }

    fn take_message_waiter(&self, handle: MessageHandle) -> Option<Waiter> {
        let mut waiters = self.message_waiters.borrow_mut();
        let at = waiters.iter().position(|(h, _)| *h == handle)?;
        Some(waiters.remove(at).1)
    }
}

impl Drop for PhoneInner {
    /// Detaches the `pagehide` listener before its closure is freed (the timers and the socket
    /// clean up after themselves in their own `Drop`).
    fn drop(&mut self) {
        if let (Some(window), Some(closure)) = (web_sys::window(), self._pagehide.get_mut().take())
        {
            let _ = window
                .remove_event_listener_with_callback("pagehide", closure.as_ref().unchecked_ref());
        }
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

/// A stable, lowercase name for why a call ended (the `reason` of the `ended` event).
pub fn end_reason_name(reason: &EndReason) -> &'static str {
    match reason {
        EndReason::LocalHangup => "local_hangup",
        EndReason::RemoteHangup => "remote_hangup",
        EndReason::LocalCancel => "cancelled",
        EndReason::RemoteCancel => "remote_cancelled",
        EndReason::LocalReject => "rejected",
        EndReason::Rejected => "remote_rejected",
        EndReason::NoAnswer => "no_answer",
        EndReason::Timeout => "timeout",
        EndReason::AckTimeout => "ack_timeout",
        EndReason::TransportError => "transport_failed",
        EndReason::DialogGone => "dialog_gone",
        EndReason::AuthFailed => "auth_failed",
    }
}
