//! The JS API against a real `bwclient-server` in real headless Chromium: login, calls with
//! real media, reject, cancel, hang up from each side, hold, DTMF, mute, a second call while
//! the first is held, and `updateToken` mid-call.
//!
//! `scripts/test.sh` starts the server in demo mode (endpoints `alice` and `bob` in domain
//! `demo`) and compiles this file with `BWCLIENT_TEST_WS` (its WebSocket URL) and
//! `BWCLIENT_TEST_SECRET` (its test-only token secret), so the tests mint their own tokens.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use bwclient::api::call::Call;
use bwclient::api::client::{login_phone, BWClient};
use bwclient::api::phone::Phone;
use bwclient::timer::sleep;
use bwclient_sip::token::Token;
use common::wait_until;
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const HOST: &str = "demo.bwclient.test";
const LIMIT: f64 = 15_000.0;

fn ws_url() -> &'static str {
    match option_env!("BWCLIENT_TEST_WS") {
        Some(url) => url,
        None => panic!("run through scripts/test.sh, which starts the server"),
    }
}

fn secret() -> &'static [u8] {
    match option_env!("BWCLIENT_TEST_SECRET") {
        Some(secret) => secret.as_bytes(),
        None => panic!("run through scripts/test.sh, which starts the server"),
    }
}

fn now_s() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

fn token(user: &str, ttl_s: i64) -> String {
    let expires = (now_s() as i64 + ttl_s).max(1) as u64;
    Token::mint(secret(), expires, user, HOST, ws_url())
        .as_str()
        .to_owned()
}

fn options(extra: &[(&str, JsValue)]) -> JsValue {
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

async fn login(user: &str) -> Phone {
    login_phone(token(user, 3600), options(&[]))
        .await
        .expect("login")
}

fn code_of(err: &JsValue) -> String {
    Reflect::get(err, &"code".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default()
}

type Listener = Closure<dyn FnMut(JsValue)>;

/// Records the events a phone or call emits, by name, with their first argument.
#[derive(Clone, Default)]
struct Events {
    seen: Rc<RefCell<Vec<(String, JsValue)>>>,
    _keep: Rc<RefCell<Vec<Listener>>>,
}

impl Events {
    fn listener(&self, name: &str) -> Function {
        let seen = self.seen.clone();
        let name = name.to_owned();
        let closure = Closure::<dyn FnMut(JsValue)>::new(move |arg: JsValue| {
            seen.borrow_mut().push((name.clone(), arg));
        });
        let f: Function = closure.as_ref().unchecked_ref::<Function>().clone();
        self._keep.borrow_mut().push(closure);
        f
    }

    fn on_phone(&self, phone: &Phone, names: &[&str]) {
        for n in names {
            let _ = phone.on(n, self.listener(n));
        }
    }

    fn on_call(&self, call: &Call, names: &[&str]) {
        for n in names {
            let _ = call.on(n, self.listener(n));
        }
    }

    fn count(&self, name: &str) -> usize {
        self.seen.borrow().iter().filter(|(n, _)| n == name).count()
    }

    fn has(&self, name: &str) -> bool {
        self.count(name) > 0
    }

    /// The `field` of the last `name` event's argument, as a string.
    fn field(&self, name: &str, field: &str) -> Option<String> {
        let seen = self.seen.borrow();
        let (_, arg) = seen.iter().rev().find(|(n, _)| n == name)?;
        let v = Reflect::get(arg, &field.into()).ok()?;
        v.as_string()
            .or_else(|| v.as_f64().map(|f| (f as i64).to_string()))
    }

    async fn wait(&self, name: &str, what: &str) {
        wait_until(what, LIMIT, || self.has(name)).await;
    }
}

const CALL_EVENTS: &[&str] = &[
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
];

/// Waits for `phone`'s next incoming call and returns it.
async fn next_incoming(phone: &Phone, before: usize) -> Call {
    wait_until("an incoming call", LIMIT, || {
        phone.active_calls().len() > before
    })
    .await;
    phone.active_calls().pop().expect("the incoming call")
}

async fn packets_received(call: &Call) -> f64 {
    match JsFuture::from(call.get_stats()).await {
        Ok(stats) => Reflect::get(&stats, &"packetsReceived".into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0),
        Err(_) => 0.0,
    }
}

async fn wait_media(call: &Call, what: &str) {
    let start = bwclient::timer::now_ms();
    loop {
        if packets_received(call).await > 5.0 {
            return;
        }
        assert!(
            bwclient::timer::now_ms() - start < LIMIT,
            "no audio received: {what}"
        );
        sleep(100).await;
    }
}

/// alice calls bob, bob answers; both connected with audio flowing both ways.
struct Connected {
    alice: Phone,
    bob: Phone,
    a_call: Call,
    b_call: Call,
    a_events: Events,
    b_events: Events,
}

/// `alice` calls bob; returns once bob's phone has the incoming call (not answered).
async fn ringing_call(alice: Phone, bob: Phone) -> Connected {
    let a_call = alice.call("bob", JsValue::UNDEFINED).expect("call placed");
    let a_events = Events::default();
    a_events.on_call(&a_call, CALL_EVENTS);
    let b_call = next_incoming(&bob, 0).await;
    let b_events = Events::default();
    b_events.on_call(&b_call, CALL_EVENTS);
    Connected {
        alice,
        bob,
        a_call,
        b_call,
        a_events,
        b_events,
    }
}

/// Bob answers a ringing call; returns once both sides are connected with audio flowing.
async fn answered(c: Connected) -> Connected {
    c.b_call.answer().expect("answer");
    c.a_events.wait("connected", "caller connected").await;
    c.b_events.wait("connected", "callee connected").await;
    wait_media(&c.a_call, "at the caller").await;
    wait_media(&c.b_call, "at the callee").await;
    c
}

async fn connected_call() -> Connected {
    answered(ringing_call(login("alice").await, login("bob").await).await).await
}

async fn logout(phone: &Phone) {
    let _ = JsFuture::from(phone.logout()).await;
}

#[wasm_bindgen_test]
async fn login_registers_and_logout_unregisters() {
    let phone = login("alice").await;
    assert!(phone.registered());
    assert_eq!(phone.uri(), "sip:alice@demo.bwclient.test");
    let events = Events::default();
    events.on_phone(&phone, &["unregistered"]);
    logout(&phone).await;
    assert!(
        events.has("unregistered"),
        "logout sends REGISTER Expires: 0 and sees the 200"
    );
}

#[wasm_bindgen_test]
async fn bad_and_expired_tokens_are_rejected_with_their_codes() {
    let err = login_phone("not a token".into(), options(&[]))
        .await
        .err()
        .expect("refused");
    assert_eq!(code_of(&err), "bad_token");
    let err = login_phone(token("alice", -60), options(&[]))
        .await
        .err()
        .expect("refused");
    assert_eq!(code_of(&err), "token_expired");
    // Well-formed but signed with another secret: the server refuses the registration.
    let forged = Token::mint(b"not-the-secret", now_s() + 600, "alice", HOST, ws_url());
    let err = login_phone(forged.as_str().into(), options(&[]))
        .await
        .err()
        .expect("refused");
    assert_eq!(code_of(&err), "auth_failed");
    // Nothing listens there: the transport fails.
    let opts = options(&[("server", "ws://127.0.0.1:65535/sip".into())]);
    let err = login_phone(token("alice", 600), opts)
        .await
        .err()
        .expect("refused");
    assert_eq!(code_of(&err), "transport_failed");
}

#[wasm_bindgen_test]
async fn call_with_media_both_ways_then_caller_hangs_up() {
    let c = connected_call().await;
    let info = c.a_call.get_info();
    assert_eq!(
        Reflect::get(&info, &"status".into())
            .unwrap()
            .as_string()
            .unwrap(),
        "connected"
    );
    assert_eq!(
        Reflect::get(&info, &"direction".into())
            .unwrap()
            .as_string()
            .unwrap(),
        "out"
    );
    assert!(c.a_events.has("ringing"), "180 seen by the caller");
    c.a_call.hangup().expect("hangup");
    c.a_events.wait("ended", "caller ended").await;
    c.b_events.wait("ended", "callee ended").await;
    assert_eq!(
        c.a_events.field("ended", "reason").as_deref(),
        Some("local_hangup")
    );
    assert_eq!(
        c.b_events.field("ended", "reason").as_deref(),
        Some("remote_hangup")
    );
    logout(&c.alice).await;
    logout(&c.bob).await;
}

#[wasm_bindgen_test]
async fn callee_hangs_up() {
    let c = connected_call().await;
    c.b_call.hangup().expect("hangup");
    c.a_events.wait("ended", "caller ended").await;
    assert_eq!(
        c.a_events.field("ended", "reason").as_deref(),
        Some("remote_hangup")
    );
    assert_eq!(
        c.b_events.field("ended", "reason").as_deref(),
        Some("local_hangup")
    );
    logout(&c.alice).await;
    logout(&c.bob).await;
}

#[wasm_bindgen_test]
async fn rejected_call_fails_with_486() {
    let Connected {
        alice,
        bob,
        b_call,
        a_events,
        ..
    } = ringing_call(login("alice").await, login("bob").await).await;
    b_call.reject(None).expect("reject");
    a_events.wait("ended", "caller ended").await;
    assert!(a_events.has("failed"));
    assert_eq!(
        a_events.field("ended", "reason").as_deref(),
        Some("remote_rejected")
    );
    assert_eq!(a_events.field("ended", "code").as_deref(), Some("486"));
    assert!(!a_events.has("connected"));
    logout(&alice).await;
    logout(&bob).await;
}

#[wasm_bindgen_test]
async fn caller_cancels_before_answer() {
    let Connected {
        alice,
        bob,
        a_call,
        a_events,
        b_events,
        ..
    } = ringing_call(login("alice").await, login("bob").await).await;
    a_events.wait("ringing", "ringing").await;
    a_call.hangup().expect("cancel");
    a_events.wait("ended", "caller ended").await;
    b_events.wait("ended", "callee ended").await;
    assert_eq!(
        a_events.field("ended", "reason").as_deref(),
        Some("cancelled")
    );
    assert_eq!(
        b_events.field("ended", "reason").as_deref(),
        Some("remote_cancelled")
    );
    logout(&alice).await;
    logout(&bob).await;
}

#[wasm_bindgen_test]
async fn hold_and_unhold_are_seen_by_the_other_side() {
    let c = connected_call().await;
    c.a_call.hold().expect("hold");
    c.a_events.wait("held", "local hold").await;
    c.b_events.wait("held", "remote hold").await;
    assert_eq!(c.a_events.field("held", "by").as_deref(), Some("local"));
    assert_eq!(c.b_events.field("held", "by").as_deref(), Some("remote"));
    assert_eq!(
        Reflect::get(&c.a_call.get_info(), &"held".into())
            .unwrap()
            .as_bool(),
        Some(true)
    );
    c.a_call.unhold().expect("unhold");
    c.a_events.wait("unheld", "local unhold").await;
    c.b_events.wait("unheld", "remote unhold").await;
    let before = packets_received(&c.b_call).await;
    sleep(500).await;
    assert!(
        packets_received(&c.b_call).await > before,
        "audio flows again after unhold"
    );
    c.a_call.hangup().unwrap();
    c.b_events.wait("ended", "callee ended").await;
    logout(&c.alice).await;
    logout(&c.bob).await;
}

#[wasm_bindgen_test]
async fn dtmf_info_digits_reach_the_other_side_and_rfc4733_tones_are_sent() {
    let alice = login_phone(token("alice", 3600), options(&[("dtmf", "info".into())]))
        .await
        .unwrap();
    let Connected {
        alice,
        bob,
        a_call,
        b_call,
        b_events,
        ..
    } = answered(ringing_call(alice, login("bob").await).await).await;
    a_call.send_dtmf("12#", None).expect("dtmf");
    wait_until("three digits at bob", LIMIT, || b_events.count("dtmf") >= 3).await;
    let digits: String = b_events
        .seen
        .borrow()
        .iter()
        .filter(|(n, _)| n == "dtmf")
        .filter_map(|(_, a)| Reflect::get(a, &"digit".into()).ok()?.as_string())
        .collect();
    assert_eq!(digits, "12#");
    // Bob's phone uses the default, RFC 4733 in the media: the browser plays the tones out.
    b_call.send_dtmf("9*", None).expect("dtmf");
    wait_until("two tones sent by bob", LIMIT, || {
        b_events.count("dtmfSent") >= 2
    })
    .await;
    assert!(
        b_call.send_dtmf("x", None).is_err(),
        "bad digits are refused"
    );
    a_call.hangup().unwrap();
    b_events.wait("ended", "ended").await;
    logout(&alice).await;
    logout(&bob).await;
}

#[wasm_bindgen_test]
async fn mute_disables_the_microphone() {
    let c = connected_call().await;
    c.a_call.mute();
    assert!(c.a_events.has("muted"));
    let info = c.a_call.get_info();
    assert_eq!(
        Reflect::get(&info, &"microphoneMuted".into())
            .unwrap()
            .as_bool(),
        Some(true)
    );
    c.a_call.unmute();
    assert!(c.a_events.has("unmuted"));
    c.a_call.hangup().unwrap();
    c.b_events.wait("ended", "ended").await;
    logout(&c.alice).await;
    logout(&c.bob).await;
}

#[wasm_bindgen_test]
async fn second_call_answered_while_the_first_is_held() {
    let c = connected_call().await;
    // A second alice (another tab) calls bob while bob is busy with the first call.
    let alice2 = login("alice").await;
    let a2_call = alice2.call("bob", JsValue::UNDEFINED).unwrap();
    let a2_events = Events::default();
    a2_events.on_call(&a2_call, CALL_EVENTS);
    let b2_call = next_incoming(&c.bob, 1).await;
    let b2_events = Events::default();
    b2_events.on_call(&b2_call, CALL_EVENTS);
    c.b_call.hold().unwrap();
    c.b_events.wait("held", "first call held").await;
    b2_call.answer().unwrap();
    a2_events.wait("connected", "second call connected").await;
    wait_media(&a2_call, "second call").await;
    assert_eq!(c.bob.active_calls().len(), 2);
    let first = Reflect::get(&c.b_call.get_info(), &"status".into())
        .unwrap()
        .as_string();
    assert_eq!(
        first.as_deref(),
        Some("connected"),
        "the held call is still up"
    );
    a2_call.hangup().unwrap();
    b2_events.wait("ended", "second ended").await;
    c.a_call.hangup().unwrap();
    c.b_events.wait("ended", "first ended").await;
    logout(&alice2).await;
    logout(&c.alice).await;
    logout(&c.bob).await;
}

#[wasm_bindgen_test]
async fn update_token_mid_call_reregisters_and_keeps_the_call() {
    let c = connected_call().await;
    let events = Events::default();
    events.on_phone(&c.alice, &["registered"]);
    c.alice
        .update_token(&token("alice", 7200))
        .expect("same identity");
    wait_until("re-registered with the new token", LIMIT, || {
        events.has("registered")
    })
    .await;
    assert!(
        c.alice.update_token(&token("bob", 7200)).is_err(),
        "another identity is refused"
    );
    let before = packets_received(&c.a_call).await;
    sleep(300).await;
    assert!(
        packets_received(&c.a_call).await > before,
        "the call's audio goes on"
    );
    c.a_call.hangup().unwrap();
    c.b_events.wait("ended", "ended").await;
    logout(&c.alice).await;
    logout(&c.bob).await;
}

#[wasm_bindgen_test]
async fn legacy_create_phone_registers_and_calls() {
    let config = js_sys::Object::new();
    Reflect::set(&config, &"username".into(), &"alice".into()).unwrap();
    Reflect::set(&config, &"domain".into(), &HOST.into()).unwrap();
    Reflect::set(&config, &"authToken".into(), &token("alice", 3600).into()).unwrap();
    Reflect::set(&config, &"logLevel".into(), &"warn".into()).unwrap();
    let legacy = BWClient::create_phone(config.clone().into()).expect("valid legacy config");
    let events = Events::default();
    events.on_phone(&legacy, &["registrationSuccess", "incomingCall"]);
    legacy.register();
    events
        .wait("registrationSuccess", "legacy registration")
        .await;
    let bob = login("bob").await;
    let b_call = bob.call("alice", JsValue::UNDEFINED).unwrap();
    let b_events = Events::default();
    b_events.on_call(&b_call, CALL_EVENTS);
    let a_call = next_incoming(&legacy, 0).await;
    assert!(events.has("incomingCall"));
    a_call.accept().expect("accept");
    b_events.wait("connected", "connected").await;
    let info = a_call.get_info();
    assert_eq!(
        Reflect::get(&info, &"direction".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("in")
    );
    assert_eq!(
        Reflect::get(&info, &"remoteId".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("bob")
    );
    a_call.hangup().unwrap();
    b_events.wait("ended", "ended").await;
    // Invalid legacy configs throw, like the old library's Joi validation.
    Reflect::set(&config, &"password".into(), &"both".into()).unwrap();
    assert!(BWClient::create_phone(config.into()).is_err());
    logout(&legacy).await;
    logout(&bob).await;
}

#[wasm_bindgen_test]
async fn token_will_expire_fires_ahead_and_an_expired_token_fails_registration_with_a_code() {
    // A token with 3 s left and a 2 s lead: `tokenWillExpire` comes about a second in.
    let opts = options(&[("tokenRefreshLeadSeconds", 2.into())]);
    let phone = login_phone(token("alice", 3), opts).await.expect("login");
    let events = Events::default();
    events.on_phone(&phone, &["tokenWillExpire", "registrationFailed"]);
    events.wait("tokenWillExpire", "tokenWillExpire").await;
    assert!(!events.has("registrationFailed"));
    // Let it expire without updateToken; the next REGISTER is refused with a code.
    sleep(3200).await;
    phone.register();
    events
        .wait("registrationFailed", "registration refused")
        .await;
    assert_eq!(
        events.field("registrationFailed", "code").as_deref(),
        Some("token_expired")
    );
    logout(&phone).await;
}

#[wasm_bindgen_test]
async fn messages_both_ways() {
    let alice = login("alice").await;
    let bob = login("bob").await;
    let events = Events::default();
    events.on_phone(&bob, &["message"]);
    JsFuture::from(alice.send_message("bob", "hello bob"))
        .await
        .expect("delivered");
    events.wait("message", "message at bob").await;
    assert_eq!(
        events.field("message", "body").as_deref(),
        Some("hello bob")
    );
    assert!(events.field("message", "from").unwrap().contains("alice"));
    let err = JsFuture::from(alice.send_message("nobody-here", "x"))
        .await
        .expect_err("fails");
    assert_eq!(code_of(&err), "message_failed");
    logout(&alice).await;
    logout(&bob).await;
}

#[wasm_bindgen_test]
async fn blind_transfer_connects_the_transferee_to_the_target() {
    let c = connected_call().await;
    let carol = login("carol").await;
    let transfer = Events::default();
    transfer.on_call(&c.a_call, &["transferred"]);
    transfer.on_call(&c.b_call, &["transferProgress"]);
    // Bob sends alice to carol (REFER); alice places the call, carol answers.
    c.b_call.transfer("carol").expect("refer");
    let c_call = next_incoming(&carol, 0).await;
    c_call.answer().expect("carol answers");
    transfer
        .wait("transferred", "alice placed the transfer call")
        .await;
    wait_until("transfer reported done to bob", LIMIT, || {
        transfer.seen.borrow().iter().any(|(n, a)| {
            n == "transferProgress"
                && Reflect::get(a, &"status".into())
                    .ok()
                    .and_then(|s| s.as_f64())
                    == Some(200.0)
        })
    })
    .await;
    wait_media(&c_call, "carol hears alice").await;
    for call in c.alice.active_calls() {
        let _ = call.hangup();
    }
    let _ = c.b_call.hangup();
    sleep(300).await;
    logout(&carol).await;
    logout(&c.alice).await;
    logout(&c.bob).await;
}

/// Asks the test server (demo mode) to close `endpoint`'s WebSockets, as a network failure would.
async fn server_drops(endpoint: &str) {
    let base = ws_url().replacen("ws://", "http://", 1).replace("/sip", "");
    let url = [&base, "/demo/drop?endpoint=", endpoint].concat();
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_mode(web_sys::RequestMode::NoCors);
    let window = web_sys::window().unwrap();
    JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .expect("drop request sent");
}

#[wasm_bindgen_test]
async fn server_drops_the_socket_mid_call_and_the_client_reconnects_with_the_call_up() {
    let c = connected_call().await;
    let events = Events::default();
    events.on_phone(&c.alice, &["reconnecting", "reconnected"]);
    server_drops("alice").await;
    events
        .wait("reconnecting", "the client sees the drop")
        .await;
    events
        .wait("reconnected", "the client is back and registered")
        .await;
    assert!(c.alice.registered());
    // Media never stopped: it is peer to peer.
    let before = packets_received(&c.a_call).await;
    sleep(300).await;
    assert!(
        packets_received(&c.a_call).await > before,
        "audio kept flowing"
    );
    // In-dialog requests go through the new socket, both ways.
    c.a_call.hold().expect("hold after reconnect");
    c.b_events
        .wait("held", "bob sees the hold sent over the new socket")
        .await;
    c.b_call.hangup().expect("bob hangs up");
    c.a_events
        .wait("ended", "alice gets bob's BYE on her new socket")
        .await;
    assert_eq!(
        c.a_events.field("ended", "reason").as_deref(),
        Some("remote_hangup")
    );
    logout(&c.alice).await;
    logout(&c.bob).await;
}

impl Events {
    /// The SIP messages a phone logged at `logLevel: 'debug'`, in order.
    fn sip_log(&self) -> Vec<String> {
        self.seen
            .borrow()
            .iter()
            .filter(|(n, _)| n == "log")
            .filter_map(|(_, arg)| Reflect::get(arg, &"message".into()).ok()?.as_string())
            .collect()
    }
}

#[wasm_bindgen_test]
async fn full_trickle_sends_the_invite_before_any_candidate_then_trickles_them_in_info() {
    let debug = |extra: &[(&str, JsValue)]| {
        let mut all = vec![("logLevel", JsValue::from("debug"))];
        all.extend_from_slice(extra);
        options(&all)
    };
    let full = debug(&[("trickleIce", "full".into())]);
    let alice = login_phone(token("alice", 3600), full)
        .await
        .expect("login");
    let bob = login_phone(token("bob", 3600), debug(&[]))
        .await
        .expect("login");
    let (a_log, b_log) = (Events::default(), Events::default());
    a_log.on_phone(&alice, &["log"]);
    b_log.on_phone(&bob, &["log"]);
    let c = answered(ringing_call(alice, bob).await).await;

    let invite = a_log
        .sip_log()
        .into_iter()
        .find(|m| m.starts_with("→ sent\nINVITE "))
        .expect("the INVITE in alice's log");
    assert!(invite.contains("Recv-Info: trickle-ice"), "{invite}");
    assert!(
        !invite.contains("a=candidate"),
        "a full-trickle INVITE goes out before any candidate:\n{invite}"
    );
    // Bob got alice's candidates in trickle-ice INFOs (RFC 8840), the last one ending them.
    let trickled = || {
        b_log
            .sip_log()
            .into_iter()
            .filter(|m| {
                m.starts_with("← received\nINFO ") && m.contains("Info-Package: trickle-ice")
            })
            .collect::<Vec<_>>()
    };
    wait_until("alice's end-of-candidates at bob", LIMIT, || {
        trickled().iter().any(|m| m.contains("a=end-of-candidates"))
    })
    .await;
    let infos = trickled();
    assert!(
        infos.iter().any(|m| m.contains("a=candidate:")),
        "{infos:?}"
    );
    assert!(
        infos
            .iter()
            .all(|m| m.contains("Content-Type: application/trickle-ice-sdpfrag")),
        "{infos:?}"
    );
    c.a_call.hangup().expect("hangup");
    c.b_events.wait("ended", "callee ended").await;
    logout(&c.alice).await;
    logout(&c.bob).await;
}
