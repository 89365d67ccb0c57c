//! `Core`: the sans-IO SIP user agent (`bwclient_sip::Ua`) exported to JavaScript, and nothing
//! else. The browser layer (WebSocket, `RTCPeerConnection`, the `BWClient`/`Phone`/`Call` API)
//! is plain JavaScript in `js/`, which drives this class: it feeds frames, transport changes
//! and timeouts in, issues commands, and drains [`Core::poll`] until it says when to wake next
//! — the run loop of `design.md`, with the loop on the JS side of the boundary.
//!
//! Why the split sits here: the download. The core compiled alone is about 65 KB gzip; the
//! same browser layer written in Rust over wasm-bindgen and web-sys weighed about 68 KB more
//! (closures, futures, generated glue for every browser call), written in JS about 12.
//!
//! Values cross as plain JS data: numbers for call and message handles and times (ms, the
//! page's `performance.now()`), strings for URIs and SDP, objects for events. Refusals throw an
//! `Error` with a stable `code` (`bad_token`, `bad_options`, `bad_target`, `invalid_state`,
//! `transport_failed`).

use bwclient_sip::auth::Login;
use bwclient_sip::events::{Direction, EndReason, Event};
use bwclient_sip::registration::RegistrationState;
use bwclient_sip::time::Time;
use bwclient_sip::token::Token;
use bwclient_sip::ua::WsTransport;
use bwclient_sip::{dial, CallHandle, HeaderName, Input, Output, Ua, UaConfig, UaError, Uri};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

/// An `Error(message)` with `error.code = code`.
fn error(code: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    set(&err, "code", &code.into());
    err.into()
}

/// A core refusal: `transport_failed` when the socket is down, else `invalid_state`.
fn refused(err: UaError) -> JsValue {
    let code = match err {
        UaError::TransportDown => "transport_failed",
        _ => "invalid_state",
    };
    error(code, &err.to_string())
}

fn set(o: &Object, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(o, &key.into(), value);
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn at(now: f64) -> Time {
    Time::from_millis(now.max(0.0) as u64)
}

fn call(handle: u32) -> CallHandle {
    CallHandle(handle)
}

fn parse_token(raw: &str) -> Result<Token, JsValue> {
    Token::parse(raw).map_err(|e| error("bad_token", &e.to_string()))
}

fn parse_target(target: &str) -> Result<Uri, JsValue> {
    Uri::parse(target).map_err(|e| error("bad_target", &e.to_string()))
}

/// `"Name: value"` lines as headers (the legacy `extraHeaders` form).
fn header_lines(lines: &JsValue) -> Result<Vec<(HeaderName, String)>, JsValue> {
    let mut out = Vec::new();
    if !js_sys::Array::is_array(lines) {
        return Ok(out);
    }
    for line in js_sys::Array::from(lines).iter() {
        let line = line.as_string().unwrap_or_default();
        let parsed = line.split_once(':').and_then(|(name, value)| {
            let value = value.trim();
            let name = HeaderName::parse(name.trim())?;
            (!value.contains(['\r', '\n'])).then(|| (name, value.to_owned()))
        });
        out.push(parsed.ok_or_else(|| {
            error(
                "bad_options",
                "extraHeaders entries must be \"Name: value\"",
            )
        })?);
    }
    Ok(out)
}

/// A stable, lowercase name for why a call ended (the `reason` of the `ended` event).
fn end_reason(reason: &EndReason) -> &'static str {
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

/// Builds `{type, ...fields}` for one event.
struct EventObject(Object);

impl EventObject {
    fn new(kind: &str) -> EventObject {
        let o = Object::new();
        set(&o, "type", &kind.into());
        EventObject(o)
    }
    fn num(self, key: &str, value: impl Into<f64>) -> Self {
        set(&self.0, key, &JsValue::from_f64(value.into()));
        self
    }
    fn text(self, key: &str, value: &str) -> Self {
        set(&self.0, key, &value.into());
        self
    }
    fn opt(self, key: &str, value: Option<&str>) -> Self {
        if let Some(value) = value {
            set(&self.0, key, &value.into());
        }
        self
    }
    fn call(self, handle: CallHandle) -> Self {
        self.num("call", handle.0)
    }
}

fn event_object(event: Event) -> Object {
    let e = match event {
        Event::Registered { expires, code } => EventObject::new("Registered")
            .num("expires", expires)
            .num("code", code),
        Event::RegistrationFailed { code, reason } => EventObject::new("RegistrationFailed")
            .num("code", code)
            .text("reason", &reason),
        Event::Unregistered { code } => EventObject::new("Unregistered").num("code", code),
        Event::IncomingCall {
            call,
            from,
            to,
            display_name,
            offer,
        } => EventObject::new("IncomingCall")
            .call(call)
            .text("from", &from.to_string())
            .text("to", &to.to_string())
            .opt("displayName", display_name.as_deref())
            .opt("offer", offer.as_deref()),
        Event::Ringing {
            call,
            code,
            early_sdp,
        } => EventObject::new("Ringing")
            .call(call)
            .num("code", code)
            .opt("earlySdp", early_sdp.as_deref()),
        Event::Answered { call, sdp } => EventObject::new("Answered")
            .call(call)
            .opt("sdp", sdp.as_deref()),
        Event::Ended { call, code, reason } => {
            let e = EventObject::new("Ended")
                .call(call)
                .text("reason", end_reason(&reason));
            match code {
                Some(code) => e.num("code", code),
                None => e,
            }
        }
        Event::RemoteOffer { call, sdp } => {
            EventObject::new("RemoteOffer").call(call).text("sdp", &sdp)
        }
        Event::OfferRequested { call } => EventObject::new("OfferRequested").call(call),
        Event::RemoteAnswer { call, sdp } => EventObject::new("RemoteAnswer")
            .call(call)
            .text("sdp", &sdp),
        Event::ReinviteFailed { call, code } => EventObject::new("ReinviteFailed")
            .call(call)
            .num("code", code),
        Event::Dtmf {
            call,
            digit,
            duration,
        } => EventObject::new("Dtmf")
            .call(call)
            .text("digit", digit.encode_utf8(&mut [0; 4]))
            .num("duration", duration),
        Event::IceFragment { call, fragment } => EventObject::new("IceFragment")
            .call(call)
            .text("fragment", &fragment),
        Event::Info {
            call,
            content_type,
            body,
        } => EventObject::new("Info")
            .call(call)
            .text("contentType", &content_type)
            .text("body", &body),
        Event::RequestFailed { call, method, code } => EventObject::new("RequestFailed")
            .call(call)
            .text("method", &method)
            .num("code", code),
        Event::TransferRequested { call, target } => EventObject::new("TransferRequested")
            .call(call)
            .text("target", &target.to_string()),
        Event::TransferProgress { call, code, done } => {
            let e = EventObject::new("TransferProgress")
                .call(call)
                .num("code", code);
            set(&e.0, "done", &done.into());
            e
        }
        Event::Message {
            from,
            content_type,
            body,
        } => EventObject::new("Message")
            .text("from", &from.to_string())
            .text("contentType", &content_type)
            .text("body", &body),
        Event::MessageDelivered { message, code } => EventObject::new("MessageDelivered")
            .num("message", message.0)
            .num("code", code),
        Event::MessageFailed { message, code } => EventObject::new("MessageFailed")
            .num("message", message.0)
            .num("code", code),
        Event::Trace { direction, message } => EventObject::new("Trace")
            .text(
                "direction",
                match direction {
                    Direction::Sent => "sent",
                    Direction::Received => "received",
                },
            )
            .text("message", &message),
        Event::Discarded(why) => EventObject::new("Discarded").text("why", &why.to_string()),
    };
    e.0
}

/// The SIP user agent, driven from JavaScript (module docs).
#[wasm_bindgen]
pub struct Core {
    ua: Ua,
}

#[wasm_bindgen]
impl Core {
    /// `config`: `{aor, token? | username? + password?, displayName?, userAgent?,
    /// registerExpires?, seed, secure, trace, trickleIce}`. Extra INVITE headers go with each
    /// [`Core::invite`].
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Core, JsValue> {
        let text = |key| get(&config, key).as_string();
        let aor = text("aor").unwrap_or_default();
        let aor = Uri::parse(&aor).map_err(|e| error("bad_options", &e.to_string()))?;
        let mut c = UaConfig::new(aor);
        c.login = match (text("token"), text("username"), text("password")) {
            (Some(token), _, _) => Login::Token(parse_token(&token)?),
            (None, Some(username), Some(password)) => Login::Password { username, password },
            _ => Login::Anonymous,
        };
        c.display_name = text("displayName");
        c.user_agent = text("userAgent");
        if let Some(expires) = get(&config, "registerExpires").as_f64() {
            c.register_expires = expires as u32;
        }
        c.seed = get(&config, "seed").as_f64().unwrap_or(0.0) as u64;
        c.transport = if get(&config, "secure").is_truthy() {
            WsTransport::Wss
        } else {
            WsTransport::Ws
        };
        c.trace = get(&config, "trace").is_truthy();
        c.trickle_ice = get(&config, "trickleIce").is_truthy();
        Ok(Core { ua: Ua::new(c) })
    }

    /// A WebSocket text frame arrived (one SIP message, RFC 7118 §5).
    #[wasm_bindgen(js_name = handleFrame)]
    pub fn handle_frame(&mut self, now: f64, text: &str) {
        self.ua
            .handle_input(at(now), Input::Received(text.as_bytes()));
    }

    #[wasm_bindgen(js_name = transportUp)]
    pub fn transport_up(&mut self, now: f64) {
        self.ua.handle_input(at(now), Input::TransportUp);
    }

    #[wasm_bindgen(js_name = transportDown)]
    pub fn transport_down(&mut self, now: f64) {
        self.ua.handle_input(at(now), Input::TransportDown);
    }

    /// The deadline of the last `{timeout}` output has passed.
    pub fn timeout(&mut self, now: f64) {
        self.ua.handle_input(at(now), Input::Timeout);
    }

    /// Whether the registrar holds our binding now (false while a REGISTER is in flight).
    #[wasm_bindgen(getter)]
    pub fn registered(&self) -> bool {
        self.ua.registration_state() == RegistrationState::Registered
    }

    /// The next output: `{transmit}`, `{event}`, `{timeout}` (wake at) or `{idle: true}`.
    pub fn poll(&mut self, now: f64) -> Object {
        let o = Object::new();
        match self.ua.poll_output(at(now)) {
            Output::Transmit(frame) => set(&o, "transmit", &frame.into()),
            Output::Event(event) => set(&o, "event", &event_object(event).into()),
            Output::Timeout(at) => set(&o, "timeout", &(at.as_millis() as f64).into()),
            Output::Idle => set(&o, "idle", &JsValue::TRUE),
        }
        o
    }

    pub fn register(&mut self, now: f64) -> Result<(), JsValue> {
        self.ua.register(at(now)).map_err(refused)
    }

    pub fn unregister(&mut self, now: f64) -> Result<(), JsValue> {
        self.ua.unregister(at(now)).map_err(refused)
    }

    /// Sends an INVITE to `target` (a SIP URI) with `offer` and extra `"Name: value"` headers;
    /// returns the call handle.
    pub fn invite(
        &mut self,
        now: f64,
        target: &str,
        offer: Option<String>,
        headers: JsValue,
    ) -> Result<u32, JsValue> {
        let target = parse_target(target)?;
        let headers = header_lines(&headers)?;
        let handle = self.ua.invite(at(now), target, offer, &headers);
        handle.map(|h| h.0).map_err(refused)
    }

    pub fn accept(&mut self, now: f64, handle: u32, sdp: &str) -> Result<(), JsValue> {
        self.ua.accept(at(now), call(handle), sdp).map_err(refused)
    }

    pub fn reject(&mut self, now: f64, handle: u32, code: u16) -> Result<(), JsValue> {
        self.ua.reject(at(now), call(handle), code).map_err(refused)
    }

    pub fn hangup(&mut self, now: f64, handle: u32) -> Result<(), JsValue> {
        self.ua.hangup(at(now), call(handle)).map_err(refused)
    }

    pub fn reinvite(&mut self, now: f64, handle: u32, sdp: &str) -> Result<(), JsValue> {
        self.ua
            .reinvite(at(now), call(handle), sdp)
            .map_err(refused)
    }

    #[wasm_bindgen(js_name = answerReinvite)]
    pub fn answer_reinvite(&mut self, now: f64, handle: u32, sdp: &str) -> Result<(), JsValue> {
        let answered = self.ua.answer_reinvite(at(now), call(handle), sdp);
        answered.map_err(refused)
    }

    #[wasm_bindgen(js_name = rejectReinvite)]
    pub fn reject_reinvite(&mut self, now: f64, handle: u32, code: u16) -> Result<(), JsValue> {
        let rejected = self.ua.reject_reinvite(at(now), call(handle), code);
        rejected.map_err(refused)
    }

    #[wasm_bindgen(js_name = sendDtmfInfo)]
    pub fn send_dtmf_info(
        &mut self,
        now: f64,
        handle: u32,
        digit: char,
        duration_ms: u32,
    ) -> Result<(), JsValue> {
        let sent = self
            .ua
            .send_dtmf_info(at(now), call(handle), digit, duration_ms);
        sent.map_err(refused)
    }

    /// Asks the peer to call `target` (REFER, RFC 3515).
    pub fn refer(&mut self, now: f64, handle: u32, target: &str) -> Result<(), JsValue> {
        let target = parse_target(target)?;
        self.ua
            .refer(at(now), call(handle), target)
            .map_err(refused)
    }

    /// Carries out a REFER received in `handle`: a new call with `offer`; returns its handle.
    #[wasm_bindgen(js_name = acceptTransfer)]
    pub fn accept_transfer(
        &mut self,
        now: f64,
        handle: u32,
        offer: Option<String>,
    ) -> Result<u32, JsValue> {
        let placed = self.ua.accept_transfer(at(now), call(handle), offer);
        placed.map(|h| h.0).map_err(refused)
    }

    /// Sends a MESSAGE (RFC 3428); returns its handle for `MessageDelivered`/`MessageFailed`.
    #[wasm_bindgen(js_name = sendMessage)]
    pub fn send_message(
        &mut self,
        now: f64,
        target: &str,
        content_type: &str,
        body: &str,
    ) -> Result<u32, JsValue> {
        let target = parse_target(target)?;
        let sent = self.ua.send_message(at(now), target, content_type, body);
        sent.map(|m| m.0).map_err(refused)
    }

    /// Re-registers with a fresh token for the same identity; calls go on.
    #[wasm_bindgen(js_name = updateToken)]
    pub fn update_token(&mut self, now: f64, token: &str) -> Result<(), JsValue> {
        let token = parse_token(token)?;
        self.ua.update_token(at(now), token).map_err(refused)
    }

    /// Whether trickle ICE candidates may go to the peer of `handle` now (RFC 8840 §4.3).
    #[wasm_bindgen(js_name = canTrickle)]
    pub fn can_trickle(&self, handle: u32) -> bool {
        self.ua.can_trickle(call(handle))
    }

    /// Sends an `application/trickle-ice-sdpfrag` in an INFO (RFC 8840 §4.4).
    #[wasm_bindgen(js_name = sendIceFragment)]
    pub fn send_ice_fragment(
        &mut self,
        now: f64,
        handle: u32,
        fragment: &str,
    ) -> Result<(), JsValue> {
        let sent = self.ua.send_ice_fragment(at(now), call(handle), fragment);
        sent.map_err(refused)
    }

    /// `{user, host, wsUrl, expires}` of a login token (not checked for expiry or signature:
    /// the server checks the signature).
    #[wasm_bindgen(js_name = parseToken)]
    pub fn parse_token(raw: &str) -> Result<Object, JsValue> {
        let token = parse_token(raw)?;
        let o = Object::new();
        set(&o, "user", &token.user.as_str().into());
        set(&o, "host", &token.host.as_str().into());
        set(&o, "wsUrl", &token.ws_url.as_str().into());
        set(&o, "expires", &(token.expires as f64).into());
        Ok(o)
    }

    /// What `phone.call(target)` dials: a `sip:`/`sips:` URI, a bare user at `default_host`,
    /// or a phone number normalised to E.164 (+1 implied for US numbers).
    #[wasm_bindgen(js_name = dialTarget)]
    pub fn dial_target(input: &str, default_host: &str) -> Result<String, JsValue> {
        dial::dial_target(input, default_host)
            .map(|uri| uri.to_string())
            .map_err(|e| {
                error(
                    "bad_target",
                    &["cannot call that: ", &e.to_string()].concat(),
                )
            })
    }

    /// A phone number in E.164, or `undefined` if `input` is not one.
    #[wasm_bindgen(js_name = normalizeNumber)]
    pub fn normalize_number(input: &str) -> Option<String> {
        dial::normalize_number(input)
    }

    /// `text` as a canonical SIP URI; throws `bad_options` if it is not one.
    #[wasm_bindgen(js_name = parseUri)]
    pub fn parse_uri(text: &str) -> Result<String, JsValue> {
        Uri::parse(text)
            .map(|uri| uri.to_string())
            .map_err(|e| error("bad_options", &["bad uri: ", &e.to_string()].concat()))
    }

    /// The package version.
    pub fn version() -> String {
        env!("CARGO_PKG_VERSION").to_owned()
    }
}
