//! The phone's run loop: it owns the sans-IO core (`Ua`), the WebSocket, the core's one timer,
//! and routes every core event to the right JS object.
//!
//! Every entry (a socket event, a timer, a JS command) ends in [`PhoneInner::drive`], which
//! drains `poll_output` *without* holding the core borrowed while JS listeners run, so a
//! listener may call straight back into the phone (answer from `incomingCall`, hang up from
//! `ringing`). Calls reach the phone only through [`link::PhoneLink`].

mod commands;
mod dispatch;
pub mod link;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use bwclient_sip::token::Token;
use bwclient_sip::ua::MessageHandle;
use bwclient_sip::{Input, Output, Time, Ua};
use gloo_events::EventListener;
use js_sys::Function;
use wasm_bindgen::prelude::*;

use crate::call_inner::CallInner;
use crate::emitter::Emitter;
use crate::errors::{error, Code};
use crate::keepalive::{is_keep_alive_frame, Due, KeepAlive};
use crate::log;
use crate::options::PhoneOptions;
use crate::payloads::{to_js, Reconnecting, RegistrationFailure};
use crate::timer::{now_ms, wall_ms, Timer};
use crate::tones::Tones;
use crate::transport::{Transport, TransportEvent};

/// Where the phone is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// Made by the legacy `createPhone`; nothing opened yet.
    Idle,
    /// The first connection (and registration) is under way.
    Starting,
    /// Connected, and registered unless `register: false`.
    Ready,
    /// The socket dropped; a new one is being opened.
    Reconnecting,
    /// `logout()` ran (or the login failed): nothing reconnects.
    LoggedOut,
}

/// The `resolve` and `reject` of a promise the page is waiting on.
pub struct Waiter {
    resolve: Function,
    reject: Function,
}

impl Waiter {
    /// A promise and its waiter.
    pub fn new() -> (js_sys::Promise, Waiter) {
        let mut waiter = None;
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            waiter = Some(Waiter { resolve, reject });
        });
        // The executor runs inside `new Promise`, so `waiter` is set; were it not, calling
        // `undefined` fails and is ignored.
        let waiter = waiter.unwrap_or_else(|| Waiter {
            resolve: JsValue::UNDEFINED.unchecked_into(),
            reject: JsValue::UNDEFINED.unchecked_into(),
        });
        (promise, waiter)
    }

    pub fn resolve(self, value: &JsValue) {
        // resolve/reject never throw.
        let _ = self.resolve.call1(&JsValue::NULL, value);
    }

    pub fn reject(self, value: &JsValue) {
        let _ = self.reject.call1(&JsValue::NULL, value);
    }
}

/// The core's clock: the page's monotonic `performance.now()`.
pub fn core_now() -> Time {
    Time::from_millis(now_ms().max(0.0) as u64)
}

/// Whole seconds since the Unix epoch, the time base of token expiries.
pub fn unix_now() -> u64 {
    (wall_ms() / 1000.0) as u64
}

/// A phone: see the module docs.
pub struct PhoneInner {
    me: Weak<PhoneInner>,
    ua: RefCell<Ua>,
    options: Rc<PhoneOptions>,
    /// The server URLs, tried in order (never empty).
    servers: Vec<String>,
    /// The index in `servers` of the one the phone is on, or is trying.
    server_at: Cell<usize>,
    /// How many servers the pending `login()` has tried: it fails once each refused.
    login_tries: Cell<usize>,
    token: RefCell<Option<Token>>,
    emitter: Emitter,
    lifecycle: Cell<Lifecycle>,
    transport: RefCell<Option<Transport>>,
    /// Frames the core produced while the socket was down; sent once it is back.
    pending_frames: RefCell<VecDeque<String>>,
    core_timer: RefCell<Timer>,
    /// The deadline `core_timer` is armed for: most frames leave it unchanged, and re-arming
    /// would cost a closure and two timer calls each.
    core_deadline: Cell<Option<Time>>,
    reconnect_timer: RefCell<Timer>,
    /// Gives up on a WebSocket that has not opened within `connectTimeoutMs`.
    connect_timer: RefCell<Timer>,
    /// The open connection's CRLF keep-alives (RFC 5626 §4.4.1), and their timer.
    keep_alive: RefCell<Option<KeepAlive>>,
    keep_alive_timer: RefCell<Timer>,
    /// Why the phone itself dropped the socket, for the next `reconnecting` (else `closed`).
    drop_reason: Cell<Option<&'static str>>,
    token_timer: RefCell<Timer>,
    login_timer: RefCell<Timer>,
    reconnect_attempt: Cell<u32>,
    ever_registered: Cell<bool>,
    /// Set when an established connection drops: the next registration (or open, with
    /// `register: false`) emits `reconnected`.
    reconnected_pending: Cell<bool>,
    /// `login()`: resolved by the first registration (or the first open, `register: false`).
    login_waiter: RefCell<Option<Waiter>>,
    logout_waiter: RefCell<Option<Waiter>>,
    message_waiters: RefCell<Vec<(MessageHandle, Waiter)>>,
    calls: RefCell<Vec<Rc<CallInner>>>,
    /// Call operations asked for while reconnecting; run once the phone is back.
    deferred: RefCell<Vec<Box<dyn FnOnce()>>>,
    tones: RefCell<Tones>,
    _pagehide: Option<EventListener>,
}

impl PhoneInner {
    /// A phone that has not connected yet; [`PhoneInner::connect`] opens the socket.
    pub fn new(
        ua: Ua,
        options: PhoneOptions,
        servers: Vec<String>,
        token: Option<Token>,
    ) -> Rc<Self> {
        log::set_level(options.log_level);
        let tones = Tones::with_ringtone_url(options.ringtone_url.clone());
        let phone = Rc::new_cyclic(|me: &Weak<PhoneInner>| {
            // Unregisters when the page goes away (the legacy library did on `beforeunload`).
            let page = js_sys::global();
            let listens = js_sys::Reflect::get(&page, &"addEventListener".into())
                .is_ok_and(|f| f.is_function());
            let pagehide = listens.then(|| {
                let me = me.clone();
                EventListener::new(page.unchecked_ref(), "pagehide", move |_| {
                    if let Some(phone) = me.upgrade() {
                        phone.on_pagehide();
                    }
                })
            });
            PhoneInner {
                me: me.clone(),
                ua: RefCell::new(ua),
                options: Rc::new(options),
                servers,
                server_at: Cell::new(0),
                login_tries: Cell::new(0),
                token: RefCell::new(token),
                emitter: Emitter::default(),
                lifecycle: Cell::new(Lifecycle::Idle),
                transport: RefCell::default(),
                pending_frames: RefCell::default(),
                core_timer: RefCell::default(),
                core_deadline: Cell::new(None),
                reconnect_timer: RefCell::default(),
                connect_timer: RefCell::default(),
                keep_alive: RefCell::default(),
                keep_alive_timer: RefCell::default(),
                drop_reason: Cell::new(None),
                token_timer: RefCell::default(),
                login_timer: RefCell::default(),
                reconnect_attempt: Cell::new(0),
                ever_registered: Cell::new(false),
                reconnected_pending: Cell::new(false),
                login_waiter: RefCell::default(),
                logout_waiter: RefCell::default(),
                message_waiters: RefCell::default(),
                calls: RefCell::default(),
                deferred: RefCell::default(),
                tones: RefCell::new(tones),
                _pagehide: pagehide,
            }
        });
        phone.arm_token_timer();
        phone
    }

    fn on_pagehide(&self) {
        if self.ever_registered.get() && self.lifecycle.get() == Lifecycle::Ready {
            let _ = self.ua.borrow_mut().unregister(core_now());
            self.drive();
        }
    }

    /// The server URL the phone is on (while reconnecting: the one it tries next).
    pub fn server(&self) -> &str {
        let at = self.server_at.get();
        self.servers.get(at).map_or("", String::as_str)
    }

    /// Waits for the first registration, as `login()` does; fails after `loginTimeoutMs`.
    pub async fn start(self: &Rc<Self>) -> Result<(), JsValue> {
        let (promise, waiter) = Waiter::new();
        *self.login_waiter.borrow_mut() = Some(waiter);
        let me = self.me.clone();
        self.login_timer
            .borrow_mut()
            .set(self.options.login_timeout_ms, move || {
                if let Some(phone) = me.upgrade() {
                    let err = error(Code::Timeout, "no registration before the login timeout");
                    phone.fail_login(&err);
                }
            });
        self.connect();
        wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map(drop)
    }

    /// Opens the WebSocket (the first time, or again after a drop).
    fn connect(&self) {
        match self.lifecycle.get() {
            Lifecycle::LoggedOut => return,
            Lifecycle::Idle => self.lifecycle.set(Lifecycle::Starting),
            _ => {}
        }
        let url = self.server();
        log::log(&["connecting to ", url].concat());
        // Failing over may switch between ws: and wss: servers: the Via follows.
        let transport = crate::transport::ws_transport_of(url);
        self.ua.borrow_mut().set_transport(transport);
        let me = self.me.clone();
        let opened = Transport::connect(url, move |event| {
            if let Some(phone) = me.upgrade() {
                phone.on_transport(event);
            }
        });
        match opened {
            Ok(transport) => {
                *self.transport.borrow_mut() = Some(transport);
                let me = self.me.clone();
                let timeout_ms = self.options.connect_timeout_ms;
                self.connect_timer.borrow_mut().set(timeout_ms, move || {
                    if let Some(phone) = me.upgrade() {
                        phone.on_connect_timeout();
                    }
                });
            }
            Err(e) => {
                // Retrying cannot help: say so to whoever waits, and stop.
                let reason = "the server URL is not a WebSocket URL";
                log::warn_value(reason, &e);
                if self.login_waiter.borrow().is_none() {
                    self.report_no_connection(reason);
                }
                self.fail_login(&error(Code::TransportFailed, reason));
                self.shutdown();
            }
        }
    }

    /// The socket did not open in time (a server that accepts TCP but never answers, or
    /// packets lost on the way): given up, and handled as a failed connect (1006), so the
    /// phone moves on to the next server.
    fn on_connect_timeout(&self) {
        log::warn(&["no answer from ", self.server(), " in time"].concat());
        self.drop_connection("connect_timeout");
    }

    /// Drops the socket as failed (1006: no close frame) and takes the reconnect path, with
    /// `reason` in the `reconnecting` event.
    fn drop_connection(&self, reason: &'static str) {
        // Dropping the transport closes it and removes its listeners: no `Close` follows.
        self.transport.borrow_mut().take();
        self.drop_reason.set(Some(reason));
        self.on_transport(TransportEvent::Close(1006));
    }

    /// A debug trace, also as a `log` event (`logLevel: 'debug'`).
    fn trace(&self, line: &str) {
        if log::enabled(log::Level::Debug) {
            log::debug(line);
            let entry = crate::payloads::LogEntry {
                level: "debug",
                message: line,
            };
            self.emitter.emit("log", &to_js(&entry));
        }
    }

    /// Arms the keep-alive timer for the connection's next deadline, or clears it.
    fn arm_keep_alive(&self) {
        let deadline = self
            .keep_alive
            .borrow()
            .as_ref()
            .and_then(KeepAlive::deadline);
        let mut timer = self.keep_alive_timer.borrow_mut();
        let Some(at) = deadline else {
            timer.clear();
            return;
        };
        let me = self.me.clone();
        let delay = (at - now_ms()).clamp(0.0, 2e9) as u32;
        timer.set(delay, move || {
            if let Some(phone) = me.upgrade() {
                phone.on_keep_alive_deadline();
            }
        });
    }

    /// A keep-alive deadline passed: ping, or fail the flow (RFC 5626 §4.4.1).
    fn on_keep_alive_deadline(&self) {
        let due = match self.keep_alive.borrow_mut().as_mut() {
            Some(keep_alive) => keep_alive.on_deadline(now_ms()),
            None => return,
        };
        match due {
            Due::Ping => {
                let sent = self
                    .transport
                    .borrow()
                    .as_ref()
                    .is_some_and(|t| t.send(crate::keepalive::PING).is_ok());
                if sent {
                    self.trace("→ sent\nCRLFCRLF keep-alive");
                }
            }
            Due::Failed => {
                log::warn(&["no keep-alive answer from ", self.server(), ": flow failed"].concat());
                self.drop_connection("keepalive_timeout");
                return;
            }
            Due::Nothing => {
                let stopped = self
                    .keep_alive
                    .borrow()
                    .as_ref()
                    .is_some_and(|k| k.deadline().is_none());
                if stopped {
                    log::log(
                        "the server does not answer CRLF keep-alives: none sent on this connection",
                    );
                }
            }
        }
        self.arm_keep_alive();
    }

    /// Rejects a pending login and stops trying.
    fn fail_login(&self, err: &JsValue) {
        let waiter = self.login_waiter.borrow_mut().take();
        if let Some(waiter) = waiter {
            self.shutdown();
            waiter.reject(err);
        }
    }

    /// Closes everything without unregistering, and settles what the page still waits on.
    fn shutdown(&self) {
        self.lifecycle.set(Lifecycle::LoggedOut);
        for timer in [
            &self.reconnect_timer,
            &self.connect_timer,
            &self.keep_alive_timer,
            &self.core_timer,
            &self.token_timer,
            &self.login_timer,
        ] {
            timer.borrow_mut().clear();
        }
        self.core_deadline.set(None);
        let calls = core::mem::take(&mut *self.calls.borrow_mut());
        for call in calls {
            call.close_media();
        }
        self.deferred.borrow_mut().clear();
        let waiters = core::mem::take(&mut *self.message_waiters.borrow_mut());
        for (_, waiter) in waiters {
            waiter.reject(&error(Code::LoggedOut, "the phone logged out"));
        }
        if let Some(waiter) = self.logout_waiter.borrow_mut().take() {
            waiter.resolve(&JsValue::UNDEFINED);
        }
        self.tones.borrow_mut().stop();
        self.transport.borrow_mut().take();
        self.pending_frames.borrow_mut().clear();
        // Whatever the page still asks refuses at once rather than waiting for a socket.
        self.ua
            .borrow_mut()
            .handle_input(core_now(), Input::TransportDown);
    }

    fn on_transport(&self, event: TransportEvent) {
        let now = core_now();
        match event {
            TransportEvent::Open => {
                self.connect_timer.borrow_mut().clear();
                self.reconnect_attempt.set(0);
                let keep_alive = KeepAlive::opened(self.options.keep_alive_s, now_ms());
                *self.keep_alive.borrow_mut() = Some(keep_alive);
                self.arm_keep_alive();
                self.ua.borrow_mut().handle_input(now, Input::TransportUp);
                let frames = core::mem::take(&mut *self.pending_frames.borrow_mut());
                for frame in frames {
                    self.send_frame(frame);
                }
                if !self.options.register {
                    self.became_ready();
                } else if !self.ever_registered.get() {
                    // Once registered, the core re-registers by itself on every new flow.
                    if let Err(e) = self.ua.borrow_mut().register(now) {
                        log::warn(&["register failed to start: ", &e.message()].concat());
                    }
                }
                self.drive();
            }
            TransportEvent::Message(text) => {
                // Any frame proves the server alive; a CRLF is a pong, not for the SIP parser.
                let pong = is_keep_alive_frame(&text);
                if let Some(keep_alive) = self.keep_alive.borrow_mut().as_mut() {
                    keep_alive.on_received(now_ms(), pong, js_sys::Math::random());
                }
                self.arm_keep_alive();
                if pong {
                    self.trace("← received\nCRLF keep-alive pong");
                    return;
                }
                let input = Input::Received(text.as_bytes());
                self.ua.borrow_mut().handle_input(now, input);
                self.drive();
            }
            TransportEvent::Error => log::warn("websocket error"),
            TransportEvent::Close(code) => {
                self.connect_timer.borrow_mut().clear();
                self.keep_alive_timer.borrow_mut().clear();
                self.keep_alive.borrow_mut().take();
                self.transport.borrow_mut().take();
                let why = self.drop_reason.take().unwrap_or("closed");
                match self.lifecycle.get() {
                    Lifecycle::LoggedOut | Lifecycle::Idle => {}
                    Lifecycle::Starting if self.login_waiter.borrow().is_some() => {
                        // Login falls through the list at once: each server once, in order.
                        let tried = self.login_tries.get() + 1;
                        if tried < self.servers.len() {
                            self.login_tries.set(tried);
                            let next = (self.server_at.get() + 1) % self.servers.len();
                            log::warn("could not connect to the server, trying the next one");
                            self.server_at.set(next);
                            self.connect();
                        } else {
                            let reason = if self.servers.len() > 1 {
                                "could not connect to any of the servers"
                            } else {
                                "could not connect to the server"
                            };
                            self.fail_login(&error(Code::TransportFailed, reason));
                        }
                    }
                    Lifecycle::Starting => {
                        // The legacy register(): no promise to reject, so say it and retry.
                        let reason = "could not connect to the server";
                        log::warn(reason);
                        self.report_no_connection(reason);
                        self.schedule_reconnect(code, why);
                    }
                    Lifecycle::Ready | Lifecycle::Reconnecting => {
                        // The core parks the registration until the transport is back
                        // (RFC 5626 §4.4.1).
                        self.ua.borrow_mut().handle_input(now, Input::TransportDown);
                        self.drive();
                        self.reconnected_pending.set(true);
                        self.schedule_reconnect(code, why);
                    }
                }
            }
        }
    }

    /// `registrationFailed` for a phone whose connection never came (`status` 0: no SIP
    /// response), for the legacy `register()`, which has no promise to reject.
    fn report_no_connection(&self, reason: &str) {
        let failure = RegistrationFailure {
            code: Code::TransportFailed.as_str(),
            status: 0,
            reason,
        };
        self.emitter.emit("registrationFailed", &to_js(&failure));
    }

    /// Open, with `register: false`: the phone is usable now.
    fn became_ready(&self) {
        let reconnected = self.lifecycle.replace(Lifecycle::Ready) == Lifecycle::Reconnecting
            && self.reconnected_pending.replace(false);
        self.resolve_login();
        if reconnected {
            self.emit_reconnected();
        }
        self.run_deferred();
    }

    /// `reconnected`, with the server the phone is on now.
    fn emit_reconnected(&self) {
        let server = self.server();
        log::log(&["reconnected to ", server].concat());
        let info = crate::payloads::Reconnected { server };
        self.emitter.emit("reconnected", &to_js(&info));
    }

    /// Opens a new socket after an exponential back-off with jitter ([`crate::reconnect`]), at
    /// once after a 1001 Going Away (a server shutting down on purpose), to the next server of
    /// the list ([`crate::reconnect::next_server`]: the same one first after a 1001).
    /// `reason` says why the connection went (`closed`, `connect_timeout`,
    /// `keepalive_timeout`).
    fn schedule_reconnect(&self, close_code: u16, reason: &'static str) {
        if self.lifecycle.get() != Lifecycle::Starting {
            self.lifecycle.set(Lifecycle::Reconnecting);
        }
        let attempt = self.reconnect_attempt.get();
        self.reconnect_attempt.set(attempt.saturating_add(1));
        let delay_ms =
            self.options
                .reconnect
                .delay_after_close(close_code, attempt, js_sys::Math::random());
        let at = self.server_at.get();
        let next = crate::reconnect::next_server(at, self.servers.len(), close_code, attempt);
        self.server_at.set(next);
        log::log("connection lost, reconnecting");
        let info = Reconnecting {
            attempt: attempt + 1,
            delay_ms,
            close_code,
            reason,
            server: self.server(),
        };
        self.emitter.emit("reconnecting", &to_js(&info));
        let me = self.me.clone();
        self.reconnect_timer.borrow_mut().set(delay_ms, move || {
            if let Some(phone) = me.upgrade() {
                phone.connect();
            }
        });
    }

    /// Sends one SIP message (RFC 7118 §5.1: one per WebSocket message), or keeps it until
    /// the socket is open again.
    fn send_frame(&self, frame: String) {
        let sent = self
            .transport
            .borrow()
            .as_ref()
            .is_some_and(|t| t.send(&frame).is_ok());
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
                    if self.core_deadline.replace(Some(at)) == Some(at) {
                        break;
                    }
                    let delay = at.as_millis().saturating_sub(core_now().as_millis());
                    let me = self.me.clone();
                    let wake = move || {
                        if let Some(phone) = me.upgrade() {
                            phone.core_deadline.set(None);
                            phone
                                .ua
                                .borrow_mut()
                                .handle_input(core_now(), Input::Timeout);
                            phone.drive();
                        }
                    };
                    let delay = u32::try_from(delay).unwrap_or(u32::MAX);
                    self.core_timer.borrow_mut().set(delay, wake);
                    break;
                }
                Output::Idle => {
                    self.core_deadline.set(None);
                    self.core_timer.borrow_mut().clear();
                    break;
                }
            }
        }
        for event in events {
            self.dispatch(event);
        }
    }

    /// Arms `tokenWillExpire` `tokenRefreshLeadSeconds` before the token expires.
    fn arm_token_timer(&self) {
        let Some(expires) = self.token.borrow().as_ref().map(|t| t.expires) else {
            return;
        };
        let fire_at_s = expires as f64 - f64::from(self.options.token_refresh_lead_s);
        let delay_ms = ((fire_at_s - wall_ms() / 1000.0) * 1000.0).clamp(0.0, 2e9) as u32;
        let me = self.me.clone();
        self.token_timer.borrow_mut().set(delay_ms, move || {
            if let Some(phone) = me.upgrade() {
                let left = expires as f64 - wall_ms() / 1000.0;
                let info = crate::payloads::TokenExpiry {
                    expires_at: expires as f64,
                    seconds_left: left.max(0.0).floor(),
                };
                phone.emitter.emit("tokenWillExpire", &to_js(&info));
            }
        });
    }

    fn token_expired(&self) -> bool {
        let now = unix_now();
        self.token
            .borrow()
            .as_ref()
            .is_some_and(|t| t.is_expired(now))
    }

    fn run_deferred(&self) {
        let ops = core::mem::take(&mut *self.deferred.borrow_mut());
        for op in ops {
            op();
        }
    }

    /// The ringtone plays while an incoming call is unanswered.
    fn update_ringtone(&self) {
        let ringing = self.calls.borrow().iter().any(|c| c.is_ringing_in());
        let mut tones = self.tones.borrow_mut();
        if ringing && self.options.ringtone {
            if let Err(e) = tones.start(crate::tones::Tone::Ringtone) {
                log::warn_value("ringtone unavailable", &e);
            }
        } else if tones.playing() == Some(crate::tones::Tone::Ringtone) {
            tones.stop();
        }
    }
}
