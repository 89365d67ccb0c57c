//! The JS API against a real `bwclient-server` in real headless Chromium: login, calls with
//! real media, reject, cancel, hang up from each side, hold, DTMF, mute, a second call while
//! the first is held, `updateToken` mid-call, the legacy phone, messages, transfer,
//! reconnection, full trickle ICE.
#![cfg(target_arch = "wasm32")]

mod common;

use bwclient::client::{login_phone, BWClient};
use bwclient::timer::sleep;
use bwclient_sip::token::Token;
use common::phones::*;
use common::wait_until;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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
    assert!(!phone.registered());
    let late = phone
        .call("bob", JsValue::UNDEFINED)
        .err()
        .expect("refused");
    assert_eq!(
        code_of(&late),
        "invalid_state",
        "a logged-out phone places no call"
    );
}

#[wasm_bindgen_test]
async fn bad_and_expired_tokens_are_rejected_with_their_codes() {
    let refused = |token: String, opts: JsValue| async move {
        login_phone(token, opts).await.err().expect("refused")
    };
    assert_eq!(
        code_of(&refused("not a token".into(), options(&[])).await),
        "bad_token"
    );
    assert_eq!(
        code_of(&refused(token("alice", -60).await, options(&[])).await),
        "token_expired"
    );
    // Well-formed but signed with another secret: the server refuses the registration.
    let forged = Token::mint(b"not-the-secret", now_s() + 600, "alice", HOST, ws_url());
    let err = refused(forged.as_str().into(), options(&[])).await;
    assert_eq!(code_of(&err), "auth_failed");
    // Nothing listens there: the transport fails.
    let opts = options(&[("server", "ws://127.0.0.1:65535/sip".into())]);
    assert_eq!(
        code_of(&refused(token("alice", 600).await, opts).await),
        "transport_failed"
    );
    // A URL WebSocket refuses outright.
    let opts = options(&[("server", "ftp://127.0.0.1/".into())]);
    assert_eq!(
        code_of(&refused(token("alice", 600).await, opts).await),
        "transport_failed"
    );
}

#[wasm_bindgen_test]
async fn login_falls_through_the_servers_list_to_one_that_answers() {
    // Nothing listens on the first: login moves on at once and registers on the second.
    let list: js_sys::Array = ["ws://127.0.0.1:65535/sip", ws_url()]
        .iter()
        .map(|u| JsValue::from(*u))
        .collect();
    let phone = login_with("alice", &[("servers", list.into())]).await;
    assert!(phone.registered());
    assert_eq!(phone.server(), ws_url());
    logout(&phone).await;
    // None answers: transport_failed, saying so.
    let dead: js_sys::Array = ["ws://127.0.0.1:65535/sip", "ws://127.0.0.1:65534/sip"]
        .iter()
        .map(|u| JsValue::from(*u))
        .collect();
    let err = login_phone(
        token("alice", 600).await,
        options(&[("servers", dead.into())]),
    )
    .await
    .err()
    .expect("refused");
    assert_eq!(code_of(&err), "transport_failed");
    assert!(
        message_of(&err).contains("any of the servers"),
        "{}",
        message_of(&err)
    );
}

#[wasm_bindgen_test]
async fn options_are_checked_field_by_field() {
    let refused = |extra: &[(&str, JsValue)]| {
        let opts = options(extra);
        async move {
            login_phone(token("alice", 600).await, opts)
                .await
                .err()
                .expect("refused")
        }
    };
    let err = refused(&[("sever", "ws://typo.invalid".into())]).await;
    assert_eq!(code_of(&err), "bad_options");
    assert!(message_of(&err).contains("sever"), "{}", message_of(&err));
    let err = refused(&[("ringback", "yes".into())]).await;
    assert!(
        message_of(&err).contains("ringback"),
        "{}",
        message_of(&err)
    );
    let err = refused(&[("logLevel", "loud".into())]).await;
    assert!(
        message_of(&err).contains("logLevel"),
        "{}",
        message_of(&err)
    );
    let err = refused(&[("trickleIce", "sometimes".into())]).await;
    assert!(
        message_of(&err).contains("trickleIce"),
        "{}",
        message_of(&err)
    );
    for bad in [JsValue::from("25"), JsValue::from(-1)] {
        let err = refused(&[("keepAliveSeconds", bad)]).await;
        assert!(
            message_of(&err).contains("keepAliveSeconds"),
            "{}",
            message_of(&err)
        );
    }
    let err = refused(&[("iceServers", "stun:x".into())]).await;
    assert!(
        message_of(&err).contains("iceServers"),
        "{}",
        message_of(&err)
    );
    let header = js_sys::Array::of1(&"Bad Header: x".into());
    let err = refused(&[("extraHeaders", header.into())]).await;
    assert!(
        message_of(&err).contains("extraHeaders"),
        "{}",
        message_of(&err)
    );
    let nested = js_sys::Object::new();
    Reflect::set(&nested, &"factor".into(), &2.into()).unwrap();
    let err = refused(&[("reconnect", nested.into())]).await;
    assert!(
        message_of(&err).contains("reconnect.factor"),
        "{}",
        message_of(&err)
    );
    // `servers`: a non-empty array of ws:// or wss:// URLs, and not with `server`.
    let urls = |list: &[&str]| {
        JsValue::from(
            list.iter()
                .map(|u| JsValue::from(*u))
                .collect::<js_sys::Array>(),
        )
    };
    for bad in [
        JsValue::from("ws://a.test/sip"),
        urls(&[]),
        urls(&["ws://a.test/sip", "http://b.test/sip"]),
        js_sys::Array::of1(&7.into()).into(),
    ] {
        let err = refused(&[("servers", bad)]).await;
        assert_eq!(code_of(&err), "bad_options");
        assert!(message_of(&err).contains("servers"), "{}", message_of(&err));
    }
    let both = [("server", ws_url().into()), ("servers", urls(&[ws_url()]))];
    let err = refused(&both).await;
    assert!(
        message_of(&err).contains("servers cannot be given with server"),
        "{}",
        message_of(&err)
    );
    // `undefined` counts as absent.
    let phone = login_with("alice", &[("server", JsValue::UNDEFINED)]).await;
    // Call options too; and a bad target is refused once, with one explanation.
    let err = phone
        .call("bob", options(&[]))
        .err()
        .expect("unknown call option");
    assert_eq!(code_of(&err), "bad_options");
    let err = phone
        .call("bob smith", JsValue::UNDEFINED)
        .err()
        .expect("bad target");
    assert_eq!(code_of(&err), "bad_target");
    assert_eq!(
        message_of(&err).matches("cannot call").count(),
        1,
        "{}",
        message_of(&err)
    );
    logout(&phone).await;
}

#[wasm_bindgen_test]
async fn call_with_media_both_ways_then_caller_hangs_up() {
    let c = connected_call().await;
    assert_eq!(info(&c.a_call, "status").as_deref(), Some("connected"));
    assert_eq!(info(&c.a_call, "direction").as_deref(), Some("out"));
    assert_eq!(info(&c.b_call, "remoteId").as_deref(), Some("alice"));
    assert_eq!(c.a_call.status(), "connected");
    assert!(
        c.a_events.has("connecting") && c.a_events.has("ringing"),
        "180 seen by the caller"
    );
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
    assert_eq!(c.a_call.status(), "ended");
    assert!(
        c.a_call.hangup().is_err(),
        "an ended call cannot be hung up again"
    );
    assert!(c.alice.active_calls().is_empty());
    c.finish().await;
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
    assert!(!c.a_events.has("failed"), "a call that was up did not fail");
    c.finish().await;
}

#[wasm_bindgen_test]
async fn rejected_call_fails_with_486() {
    let c = ringing_call(login("alice").await, login("bob").await).await;
    c.b_call.reject(None).expect("reject");
    c.a_events.wait("ended", "caller ended").await;
    assert!(c.a_events.has("failed"));
    assert_eq!(
        c.a_events.field("ended", "reason").as_deref(),
        Some("remote_rejected")
    );
    assert_eq!(c.a_events.field("ended", "code").as_deref(), Some("486"));
    assert!(!c.a_events.has("connected"));
    assert_eq!(
        c.b_events.field("ended", "reason").as_deref(),
        Some("rejected")
    );
    c.finish().await;
}

#[wasm_bindgen_test]
async fn caller_cancels_before_answer() {
    let c = ringing_call(login("alice").await, login("bob").await).await;
    c.a_events.wait("ringing", "ringing").await;
    c.a_call.hangup().expect("cancel");
    c.a_events.wait("ended", "caller ended").await;
    c.b_events.wait("ended", "callee ended").await;
    assert_eq!(
        c.a_events.field("ended", "reason").as_deref(),
        Some("cancelled")
    );
    assert_eq!(
        c.b_events.field("ended", "reason").as_deref(),
        Some("remote_cancelled")
    );
    assert!(
        c.b_call.answer().is_err(),
        "a cancelled call cannot be answered"
    );
    c.finish().await;
}

#[wasm_bindgen_test]
async fn hold_and_unhold_are_seen_by_the_other_side() {
    let c = connected_call().await;
    c.a_call.hold().expect("hold");
    let again = c.a_call.hold().expect_err("one offer at a time");
    assert_eq!(code_of(&again), "invalid_state");
    c.a_events.wait("held", "local hold").await;
    c.b_events.wait("held", "remote hold").await;
    assert_eq!(c.a_events.field("held", "by").as_deref(), Some("local"));
    assert_eq!(c.b_events.field("held", "by").as_deref(), Some("remote"));
    assert_eq!(info(&c.a_call, "held").as_deref(), Some("true"));
    assert_eq!(info(&c.b_call, "remoteHeld").as_deref(), Some("true"));
    c.a_call.unhold().expect("unhold");
    c.a_events.wait("unheld", "local unhold").await;
    c.b_events.wait("unheld", "remote unhold").await;
    assert_eq!(info(&c.a_call, "held").as_deref(), Some("false"));
    let before = packets_received(&c.b_call).await;
    sleep(500).await;
    assert!(
        packets_received(&c.b_call).await > before,
        "audio flows again after unhold"
    );
    c.finish().await;
}

#[wasm_bindgen_test]
async fn dtmf_info_digits_reach_the_other_side_and_rfc4733_tones_are_sent() {
    let alice = login_with("alice", &[("dtmf", "info".into())]).await;
    let c = answered(ringing_call(alice, login("bob").await).await).await;
    let b_events = Events::default();
    b_events.on_call(&c.b_call, &["dtmf"]);
    c.a_call.send_dtmf("12#", None).expect("dtmf");
    wait_until("three digits at bob", LIMIT, || b_events.count("dtmf") >= 3).await;
    let digits: String = b_events
        .args("dtmf")
        .iter()
        .filter_map(|a| text(a, "digit"))
        .collect();
    assert_eq!(digits, "12#");
    assert_eq!(b_events.field("dtmf", "transport").as_deref(), Some("info"));
    // Bob's phone uses the default, RFC 4733 in the media: the browser plays the tones out.
    c.b_call.send_dtmf("9*", None).expect("dtmf");
    wait_until("two tones sent by bob", LIMIT, || {
        c.b_events.count("dtmfSent") >= 2
    })
    .await;
    for bad in ["x", ""] {
        let err = c
            .b_call
            .send_dtmf(bad, None)
            .expect_err("bad digits are refused");
        assert_eq!(code_of(&err), "bad_options");
    }
    c.finish().await;
}

#[wasm_bindgen_test]
async fn mute_disables_the_microphone() {
    let c = connected_call().await;
    c.a_call.mute();
    c.a_call.mute();
    assert_eq!(c.a_events.count("muted"), 1, "muting twice is one change");
    assert_eq!(info(&c.a_call, "microphoneMuted").as_deref(), Some("true"));
    c.a_call.unmute();
    assert!(c.a_events.has("unmuted"));
    assert_eq!(info(&c.a_call, "microphoneMuted").as_deref(), Some("false"));
    c.finish().await;
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
    assert_eq!(
        info(&c.b_call, "status").as_deref(),
        Some("connected"),
        "the held call is up"
    );
    a2_call.hangup().unwrap();
    b2_events.wait("ended", "second ended").await;
    logout(&alice2).await;
    c.finish().await;
}

#[wasm_bindgen_test]
async fn update_token_mid_call_reregisters_and_keeps_the_call() {
    let c = connected_call().await;
    let events = Events::default();
    events.on_phone(&c.alice, &["registered"]);
    c.alice
        .update_token(&token("alice", 7200).await)
        .expect("same identity");
    wait_until("re-registered with the new token", LIMIT, || {
        events.has("registered")
    })
    .await;
    let other = c
        .alice
        .update_token(&token("bob", 7200).await)
        .expect_err("another identity");
    assert_eq!(code_of(&other), "bad_token");
    let expired = c
        .alice
        .update_token(&token("alice", -5).await)
        .expect_err("expired");
    assert_eq!(code_of(&expired), "token_expired");
    let before = packets_received(&c.a_call).await;
    sleep(300).await;
    assert!(
        packets_received(&c.a_call).await > before,
        "the call's audio goes on"
    );
    c.finish().await;
}

#[wasm_bindgen_test]
async fn legacy_create_phone_registers_and_calls() {
    let config = js_sys::Object::new();
    let set = |k: &str, v: JsValue| Reflect::set(&config, &k.into(), &v).unwrap();
    set("username", "alice".into());
    set("domain", HOST.into());
    set("authToken", token("alice", 3600).await.into());
    set("logLevel", "warn".into());
    // The old library's own ring sound (nothing is served there: the ringtone fails quietly).
    set("incomingRingUrl", "/no-such-ring.wav".into());
    let legacy = BWClient::create_phone(config.clone().into()).expect("valid legacy config");
    assert!(!legacy.registered(), "nothing connects before register()");
    let events = Events::default();
    events.on_phone(
        &legacy,
        &["registrationSuccess", "registered", "incomingCall"],
    );
    legacy.register();
    events
        .wait("registrationSuccess", "legacy registration")
        .await;
    assert!(events.has("registered"));
    let bob = login("bob").await;
    let b_call = bob.call("alice", JsValue::UNDEFINED).unwrap();
    let b_events = Events::default();
    b_events.on_call(&b_call, CALL_EVENTS);
    let a_call = next_incoming(&legacy, 0).await;
    assert!(events.has("incomingCall"));
    a_call.accept().expect("accept");
    b_events.wait("connected", "connected").await;
    assert_eq!(info(&a_call, "direction").as_deref(), Some("in"));
    assert_eq!(info(&a_call, "remoteId").as_deref(), Some("bob"));
    a_call.hangup().unwrap();
    b_events.wait("ended", "ended").await;
    // Invalid legacy configs throw, like the old library's Joi validation.
    set("ringback", false.into());
    let err = BWClient::create_phone(config.clone().into())
        .err()
        .expect("not a legacy field");
    assert!(
        message_of(&err).contains("ringback"),
        "{}",
        message_of(&err)
    );
    Reflect::delete_property(&config, &"ringback".into()).unwrap();
    set("password", "both".into());
    let err = BWClient::create_phone(config.clone().into())
        .err()
        .expect("both credentials");
    assert_eq!(code_of(&err), "bad_options");
    Reflect::delete_property(&config, &"password".into()).unwrap();
    set("authToken", "not a token".into());
    let err = BWClient::create_phone(config.into())
        .err()
        .expect("a bad token");
    assert_eq!(code_of(&err), "bad_token");
    logout(&legacy).await;
    logout(&bob).await;
}

#[wasm_bindgen_test]
async fn token_will_expire_fires_ahead_and_an_expired_token_fails_registration_with_a_code() {
    // A token with 5–6 s left (the server mints whole seconds) and a 3 s lead: `tokenWillExpire`
    // comes 2–3 s in, well after the listener below is attached even on a busy machine.
    let opts = options(&[("tokenRefreshLeadSeconds", 3.into())]);
    let phone = login_phone(token("alice", 6).await, opts)
        .await
        .expect("login");
    let events = Events::default();
    events.on_phone(&phone, &["tokenWillExpire", "registrationFailed"]);
    events.wait("tokenWillExpire", "tokenWillExpire").await;
    assert!(events.field("tokenWillExpire", "secondsLeft").is_some());
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
    assert_eq!(
        events.field("message", "contentType").as_deref(),
        Some("text/plain")
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
    // Bob sends alice to carol (REFER); alice places the call, carol answers.
    c.b_call.transfer("carol").expect("refer");
    let c_call = next_incoming(&carol, 0).await;
    c_call.answer().expect("carol answers");
    c.a_events
        .wait("transferred", "alice placed the transfer call")
        .await;
    wait_until("transfer reported done to bob", LIMIT, || {
        c.b_events
            .args("transferProgress")
            .iter()
            .any(|a| text(a, "status").as_deref() == Some("200"))
    })
    .await;
    wait_media(&c_call, "carol hears alice").await;
    assert_eq!(
        c.alice.active_calls().len(),
        2,
        "the transfer call is alice's too"
    );
    for call in c.alice.active_calls() {
        let _ = call.hangup();
    }
    let _ = c.b_call.hangup();
    sleep(300).await;
    logout(&carol).await;
    logout(&c.alice).await;
    logout(&c.bob).await;
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
    assert_eq!(
        events.field("reconnecting", "attempt").as_deref(),
        Some("1")
    );
    events
        .wait("reconnected", "the client is back and registered")
        .await;
    assert!(c.alice.registered());
    // One server: the same one, named in the event, the property and the call's info.
    assert_eq!(
        events.field("reconnected", "server").as_deref(),
        Some(ws_url())
    );
    assert_eq!(c.alice.server(), ws_url());
    let info = c.a_call.get_info();
    assert_eq!(Reflect::get(&info, &"server".into()).unwrap(), ws_url());
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
    c.finish().await;
}

#[wasm_bindgen_test]
async fn a_going_away_close_reconnects_at_once_despite_a_long_back_off() {
    // A back-off of 5 s: without the 1001 rule the first retry would wait 2.5–5 s.
    let slow = js_sys::Object::new();
    Reflect::set(&slow, &"initialMs".into(), &5000.into()).unwrap();
    let alice = login_with("alice", &[("reconnect", slow.into())]).await;
    let events = Events::default();
    events.on_phone(&alice, &["reconnecting", "reconnected"]);
    // What bwclient-server sends every phone on SIGTERM (RFC 6455 §7.4.1).
    server_goes_away("alice").await;
    events.wait("reconnecting", "the 1001 close").await;
    assert_eq!(
        events.field("reconnecting", "closeCode").as_deref(),
        Some("1001")
    );
    let delay: u32 = events
        .field("reconnecting", "delayMs")
        .and_then(|d| d.parse().ok())
        .expect("delayMs");
    assert!(
        delay <= bwclient::reconnect::GOING_AWAY_SPREAD_MS,
        "retry at once after 1001, got {delay} ms"
    );
    events.wait("reconnected", "back and registered").await;
    assert!(alice.registered());
    logout(&alice).await;
}

#[wasm_bindgen_test]
async fn full_trickle_sends_the_invite_before_any_candidate_then_trickles_them_in_info() {
    let debug = [("logLevel", JsValue::from("debug"))];
    let full = [
        ("logLevel", JsValue::from("debug")),
        ("trickleIce", "full".into()),
    ];
    let alice = login_with("alice", &full).await;
    let bob = login_with("bob", &debug).await;
    let (a_log, b_log) = (Events::default(), Events::default());
    a_log.on_phone(&alice, &["log"]);
    b_log.on_phone(&bob, &["log"]);
    let c = answered(ringing_call(alice, bob).await).await;
    bwclient::log::set_level(bwclient::log::Level::Warn);

    let invite = a_log
        .sip_log()
        .into_iter()
        .find(|m| m.starts_with("→ sent\nINVITE "))
        .expect("the INVITE in alice's log");
    assert!(invite.contains("Recv-Info: trickle-ice"), "{invite}");
    assert!(
        !invite.contains("a=candidate"),
        "a full-trickle INVITE has no candidate:\n{invite}"
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
    c.finish().await;
}

#[wasm_bindgen_test]
async fn the_servers_crlf_pongs_keep_an_idle_connection_up() {
    // RFC 5626 §4.4.1: a ping every 0.8–1 s; bwclient-server answers each with a CRLF pong.
    let alice = login_with(
        "alice",
        &[("keepAliveSeconds", 1.into()), ("logLevel", "debug".into())],
    )
    .await;
    let events = Events::default();
    events.on_phone(&alice, &["reconnecting", "log"]);
    let pongs = |events: &Events| {
        events
            .sip_log()
            .iter()
            .filter(|m| m.ends_with("CRLF keep-alive pong"))
            .count()
    };
    wait_until("four pongs on an idle connection", 15_000.0, || {
        pongs(&events) >= 4
    })
    .await;
    bwclient::log::set_level(bwclient::log::Level::Warn);
    let log = events.sip_log();
    assert!(log.iter().any(|m| m.ends_with("CRLFCRLF keep-alive")));
    // Pongs never reach the SIP parser: no message was dropped as unparsable.
    assert!(
        !log.iter().any(|m| m.starts_with("← received\n\r\n")),
        "{log:?}"
    );
    assert!(!events.has("reconnecting"), "the connection stayed up");
    assert!(alice.registered());
    logout(&alice).await;
}
