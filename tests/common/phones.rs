//! Phones logged in to the test server, and recorders of their events.
//!
//! `scripts/browser-tests.sh` starts `bwclient-server` in demo mode (endpoints `alice`, `bob`
//! and `carol` in domain `demo`) and compiles the tests with `BWCLIENT_TEST_WS` (its WebSocket
//! URL) and `BWCLIENT_TEST_SECRET` (its test-only token secret), so they mint their own tokens.

use std::cell::RefCell;
use std::rc::Rc;

use bwclient::call::Call;
use bwclient::client::login_phone;
use bwclient::phone::Phone;
use bwclient::timer::{now_ms, sleep};
use bwclient_sip::token::Token;
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::wait_until;

pub const HOST: &str = "demo.bwclient.test";
pub const LIMIT: f64 = 15_000.0;

pub fn ws_url() -> &'static str {
    match option_env!("BWCLIENT_TEST_WS") {
        Some(url) => url,
        None => panic!("run through scripts/browser-tests.sh, which starts the server"),
    }
}

fn secret() -> &'static [u8] {
    match option_env!("BWCLIENT_TEST_SECRET") {
        Some(secret) => secret.as_bytes(),
        None => panic!("run through scripts/browser-tests.sh, which starts the server"),
    }
}

pub fn now_s() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// A token for `user` that expires `ttl_s` from now (in the past when negative). The server
/// accepts only tokens it minted and recorded (issue 11, hole 4), so a live one comes from
/// the test server's `GET /demo/token?expires=`; an expired one is signed here (refused for
/// its expiry before anything else).
pub async fn token(user: &str, ttl_s: i64) -> String {
    if ttl_s <= 0 {
        let expires = (now_s() as i64 + ttl_s).max(1) as u64;
        return Token::mint(secret(), expires, user, HOST, ws_url())
            .as_str()
            .to_owned();
    }
    let base = ws_url().replacen("ws://", "http://", 1).replace("/sip", "");
    let url = format!("{base}/demo/token?endpoint={user}&expires={ttl_s}");
    let window = web_sys::window().unwrap();
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .expect("demo token request")
        .dyn_into()
        .unwrap();
    assert!(response.ok(), "GET {url}: {}", response.status());
    let body = JsFuture::from(response.json().unwrap())
        .await
        .expect("demo token JSON");
    Reflect::get(&body, &"token".into())
        .unwrap()
        .as_string()
        .expect("a token")
}

/// Login options: quiet, no tones, plus `extra`.
pub fn options(extra: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&o, &k.into(), v).unwrap();
    set("ringback", &false.into());
    set("ringtone", &false.into());
    set("logLevel", &"warn".into());
    for (k, v) in extra {
        set(k, v);
    }
    o.into()
}

pub async fn login(user: &str) -> Phone {
    login_with(user, &[]).await
}

pub async fn login_with(user: &str, extra: &[(&str, JsValue)]) -> Phone {
    login_phone(token(user, 3600).await, options(extra))
        .await
        .expect("login")
}

/// The `code` of a refusal.
pub fn code_of(err: &JsValue) -> String {
    Reflect::get(err, &"code".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default()
}

/// The `message` of an `Error`.
pub fn message_of(err: &JsValue) -> String {
    Reflect::get(err, &"message".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default()
}

/// A field of a plain object, as a string (numbers as whole numbers).
pub fn text(object: &JsValue, field: &str) -> Option<String> {
    let v = Reflect::get(object, &field.into()).ok()?;
    v.as_string()
        .or_else(|| v.as_f64().map(|f| (f as i64).to_string()))
        .or_else(|| v.as_bool().map(|b| b.to_string()))
}

type Listener = Closure<dyn FnMut(JsValue)>;

/// Records the events a phone or call emits, by name, with their argument.
#[derive(Clone, Default)]
pub struct Events {
    pub seen: Rc<RefCell<Vec<(String, JsValue)>>>,
    keep: Rc<RefCell<Vec<Listener>>>,
}

pub const CALL_EVENTS: &[&str] = &[
    "connecting",
    "ringing",
    "connected",
    "ended",
    "failed",
    "held",
    "unheld",
    "muted",
    "unmuted",
    "dtmf",
    "dtmfSent",
    "holdFailed",
    "transferred",
    "transferProgress",
];

impl Events {
    fn listener(&self, name: &str) -> Function {
        let seen = self.seen.clone();
        let name = name.to_owned();
        let closure = Closure::<dyn FnMut(JsValue)>::new(move |arg: JsValue| {
            seen.borrow_mut().push((name.clone(), arg));
        });
        let f: Function = closure.as_ref().unchecked_ref::<Function>().clone();
        self.keep.borrow_mut().push(closure);
        f
    }

    pub fn on_phone(&self, phone: &Phone, names: &[&str]) {
        for n in names {
            let _ = phone.on(n.to_string(), self.listener(n));
        }
    }

    pub fn on_call(&self, call: &Call, names: &[&str]) {
        for n in names {
            let _ = call.on(n.to_string(), self.listener(n));
        }
    }

    pub fn count(&self, name: &str) -> usize {
        self.seen.borrow().iter().filter(|(n, _)| n == name).count()
    }

    pub fn has(&self, name: &str) -> bool {
        self.count(name) > 0
    }

    /// The `field` of the last `name` event's argument.
    pub fn field(&self, name: &str, field: &str) -> Option<String> {
        let seen = self.seen.borrow();
        let (_, arg) = seen.iter().rev().find(|(n, _)| n == name)?;
        text(arg, field)
    }

    /// The arguments of every `name` event, in order.
    pub fn args(&self, name: &str) -> Vec<JsValue> {
        let seen = self.seen.borrow();
        seen.iter()
            .filter(|(n, _)| n == name)
            .map(|(_, a)| a.clone())
            .collect()
    }

    pub async fn wait(&self, name: &str, what: &str) {
        wait_until(what, LIMIT, || self.has(name)).await;
    }

    /// The SIP messages a phone logged at `logLevel: 'debug'`, in order.
    pub fn sip_log(&self) -> Vec<String> {
        self.args("log")
            .iter()
            .filter_map(|arg| text(arg, "message"))
            .collect()
    }
}

/// Waits for `phone`'s next incoming call (it has `before` calls now) and returns it.
pub async fn next_incoming(phone: &Phone, before: usize) -> Call {
    wait_until("an incoming call", LIMIT, || {
        phone.active_calls().len() > before
    })
    .await;
    phone.active_calls().pop().expect("the incoming call")
}

pub async fn packets_received(call: &Call) -> f64 {
    match JsFuture::from(call.get_stats()).await {
        Ok(stats) => Reflect::get(&stats, &"packetsReceived".into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0),
        Err(_) => 0.0,
    }
}

pub async fn wait_media(call: &Call, what: &str) {
    let start = now_ms();
    while packets_received(call).await <= 5.0 {
        assert!(now_ms() - start < LIMIT, "no audio received: {what}");
        sleep(100).await;
    }
}

/// A call from alice to bob, with both sides' events recorded.
pub struct Pair {
    pub alice: Phone,
    pub bob: Phone,
    pub a_call: Call,
    pub b_call: Call,
    pub a_events: Events,
    pub b_events: Events,
}

/// `alice` calls bob; returns once bob's phone has the incoming call (not answered).
pub async fn ringing_call(alice: Phone, bob: Phone) -> Pair {
    let a_call = alice.call("bob", JsValue::UNDEFINED).expect("call placed");
    let a_events = Events::default();
    a_events.on_call(&a_call, CALL_EVENTS);
    let before = bob.active_calls().len();
    let b_call = next_incoming(&bob, before).await;
    let b_events = Events::default();
    b_events.on_call(&b_call, CALL_EVENTS);
    Pair {
        alice,
        bob,
        a_call,
        b_call,
        a_events,
        b_events,
    }
}

/// Bob answers a ringing call; returns once both sides are connected with audio flowing.
pub async fn answered(c: Pair) -> Pair {
    c.b_call.answer().expect("answer");
    c.a_events.wait("connected", "caller connected").await;
    c.b_events.wait("connected", "callee connected").await;
    wait_media(&c.a_call, "at the caller").await;
    wait_media(&c.b_call, "at the callee").await;
    c
}

pub async fn connected_call() -> Pair {
    answered(ringing_call(login("alice").await, login("bob").await).await).await
}

pub async fn logout(phone: &Phone) {
    let _ = JsFuture::from(phone.logout()).await;
}

impl Pair {
    /// Alice hangs up (if the call is still up) and both log out.
    pub async fn finish(self) {
        if self.a_call.status() != "ended" {
            let _ = self.a_call.hangup();
            self.b_events.wait("ended", "callee ended").await;
        }
        logout(&self.alice).await;
        logout(&self.bob).await;
    }
}

/// A field of `call.getInfo()`.
pub fn info(call: &Call, field: &str) -> Option<String> {
    text(&call.get_info(), field)
}

/// Asks the test server (demo mode) to close `endpoint`'s WebSockets, as a network failure would.
pub async fn server_drops(endpoint: &str) {
    demo_drop(endpoint, "").await;
}

/// The server closes `endpoint`'s sockets with 1001 Going Away, as its graceful shutdown does
/// (`/demo/drop?close=1001`).
pub async fn server_goes_away(endpoint: &str) {
    demo_drop(endpoint, "&close=1001").await;
}

async fn demo_drop(endpoint: &str, extra: &str) {
    let base = ws_url().replacen("ws://", "http://", 1).replace("/sip", "");
    let url = [&base, "/demo/drop?endpoint=", endpoint, extra].concat();
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_mode(web_sys::RequestMode::NoCors);
    let window = web_sys::window().unwrap();
    JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .expect("drop request sent");
}
