//! What happens around calls rather than in them, against a real `bwclient-server`: logout
//! with calls up and promises pending, a legacy phone that cannot connect, a transfer without
//! media, and failures no one waits for, which must still be logged.
#![cfg(target_arch = "wasm32")]

mod common;

use bwclient::client::BWClient;
use bwclient::timer::sleep;
use common::phones::*;
use common::{wait_until, ConsoleLines, FailingMicrophone};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn logout_ends_every_call_with_logged_out_and_the_peers_are_told() {
    let c = connected_call().await;
    let carol = login("carol").await;
    let to_carol = c
        .alice
        .call("carol", JsValue::UNDEFINED)
        .expect("second call");
    let ringing = Events::default();
    ringing.on_call(&to_carol, CALL_EVENTS);
    let c_call = next_incoming(&carol, 0).await;
    let c_events = Events::default();
    c_events.on_call(&c_call, CALL_EVENTS);
    ringing.wait("ringing", "carol's phone rings").await;

    logout(&c.alice).await;
    for (events, what) in [
        (&c.a_events, "the connected call"),
        (&ringing, "the ringing call"),
    ] {
        assert_eq!(events.count("ended"), 1, "{what} ended once");
        assert_eq!(
            events.field("ended", "reason").as_deref(),
            Some("logged_out"),
            "{what}"
        );
    }
    assert!(!ringing.has("failed"), "a logout is no failure");
    assert!(c.alice.active_calls().is_empty());
    // The BYE and the CANCEL went out before the socket closed.
    c.b_events.wait("ended", "bob gets the BYE").await;
    assert_eq!(
        c.b_events.field("ended", "reason").as_deref(),
        Some("remote_hangup")
    );
    c_events.wait("ended", "carol gets the CANCEL").await;
    assert_eq!(
        c_events.field("ended", "reason").as_deref(),
        Some("remote_cancelled")
    );
    logout(&c.bob).await;
    logout(&carol).await;
}

#[wasm_bindgen_test]
async fn logout_rejects_a_pending_message_with_logged_out() {
    // Without a registration to remove, logout closes at once: the MESSAGE's answer cannot
    // have come back, so its promise must be settled by the logout.
    let alice = login_with("alice", &[("register", false.into())]).await;
    let pending = alice.send_message("bob", "are you there?");
    logout(&alice).await;
    let err = JsFuture::from(pending).await.expect_err("never answered");
    assert_eq!(code_of(&err), "logged_out");
    let after = JsFuture::from(alice.send_message("bob", "x"))
        .await
        .expect_err("logged out");
    assert_eq!(code_of(&after), "logged_out");
}

#[wasm_bindgen_test]
async fn a_legacy_phone_that_cannot_connect_says_so_and_retries() {
    let config = js_sys::Object::new();
    let set = |k: &str, v: JsValue| Reflect::set(&config, &k.into(), &v).unwrap();
    set("username", "alice".into());
    set("domain", HOST.into());
    set("authToken", token("alice", 3600).await.into());
    set("logLevel", "error".into());
    set("server", "ws://127.0.0.1:65535/sip".into());
    let legacy = BWClient::create_phone(config.into()).expect("valid legacy config");
    let events = Events::default();
    events.on_phone(
        &legacy,
        &["registrationFailed", "reconnecting", "registrationSuccess"],
    );
    legacy.register();
    events
        .wait("registrationFailed", "the first failure is reported")
        .await;
    assert_eq!(
        events.field("registrationFailed", "code").as_deref(),
        Some("transport_failed")
    );
    assert_eq!(
        events.field("registrationFailed", "status").as_deref(),
        Some("0")
    );
    events.wait("reconnecting", "a retry is scheduled").await;
    // The retry (after 250–500 ms) fails the same way and is reported again.
    wait_until("the retry", LIMIT, || {
        events.count("registrationFailed") >= 2
    })
    .await;
    assert!(events.count("reconnecting") >= 2, "the back-off goes on");
    let delays: Vec<String> = events
        .args("reconnecting")
        .iter()
        .filter_map(|a| text(a, "delayMs"))
        .collect();
    assert!(delays.len() >= 2, "{delays:?}");
    logout(&legacy).await;
    let failures = events.count("registrationFailed");
    sleep(1200).await;
    assert_eq!(
        events.count("registrationFailed"),
        failures,
        "no retry after logout"
    );
    assert!(!events.has("registrationSuccess"));

    // A server URL WebSocket refuses outright is reported too, and not retried.
    let config = js_sys::Object::new();
    for (k, v) in [
        ("username", "alice"),
        ("domain", HOST),
        ("server", "ftp://127.0.0.1/"),
    ] {
        Reflect::set(&config, &k.into(), &v.into()).unwrap();
    }
    Reflect::set(
        &config,
        &"authToken".into(),
        &token("alice", 3600).await.into(),
    )
    .unwrap();
    let refused = BWClient::create_phone(config.into()).expect("valid legacy config");
    let events = Events::default();
    events.on_phone(&refused, &["registrationFailed", "reconnecting"]);
    refused.register();
    assert_eq!(
        events.field("registrationFailed", "code").as_deref(),
        Some("transport_failed")
    );
    let reason = events
        .field("registrationFailed", "reason")
        .unwrap_or_default();
    assert!(reason.contains("not a WebSocket URL"), "{reason}");
    sleep(800).await;
    assert_eq!(events.count("registrationFailed"), 1);
    assert!(!events.has("reconnecting"));
}

#[wasm_bindgen_test]
async fn a_transfer_without_media_sends_no_invite_and_declines_the_refer() {
    let c = connected_call().await;
    let carol = login("carol").await;
    let carol_events = Events::default();
    carol_events.on_phone(&carol, &["incomingCall"]);
    let warnings = ConsoleLines::start("warn");
    {
        let _no_microphone = FailingMicrophone::arm();
        c.b_call.transfer("carol").expect("refer");
        // RFC 3515 §2.4.5: the transferor learns the outcome from the final NOTIFY.
        wait_until("the transfer declined to bob", LIMIT, || {
            c.b_events.args("transferProgress").iter().any(|a| {
                text(a, "status").as_deref() == Some("603")
                    && text(a, "done").as_deref() == Some("true")
            })
        })
        .await;
    }
    let lines = warnings.stop();
    assert!(
        lines.iter().any(|l| l.contains("transfer declined")),
        "{lines:?}"
    );
    sleep(500).await; // an INVITE sent anyway would reach carol by then
    assert!(!carol_events.has("incomingCall"), "no INVITE went out");
    assert!(!c.a_events.has("transferred"));
    assert_eq!(c.alice.active_calls().len(), 1, "only the original call");
    assert_eq!(c.a_call.status(), "connected", "the original call stays up");
    logout(&carol).await;
    c.finish().await;
}

#[wasm_bindgen_test]
async fn a_speaker_that_cannot_be_chosen_is_logged() {
    let warnings = ConsoleLines::start("warn");
    let alice = login_with("alice", &[("speakerId", "no-such-speaker".into())]).await;
    let c = answered(ringing_call(alice, login("bob").await).await).await;
    let lines = warnings.stop();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("could not select the speaker")),
        "{lines:?}"
    );
    // The call itself is fine: audio plays on the default output.
    c.finish().await;
}

#[wasm_bindgen_test]
async fn a_request_made_offline_that_fails_later_is_logged() {
    let slow = js_sys::Object::new();
    Reflect::set(&slow, &"initialMs".into(), &2000.into()).unwrap();
    let alice = login_with("alice", &[("reconnect", slow.into())]).await;
    let c = answered(ringing_call(alice, login("bob").await).await).await;
    let events = Events::default();
    events.on_phone(&c.alice, &["reconnecting", "reconnected"]);
    server_drops("alice").await;
    events.wait("reconnecting", "the drop").await;
    // Offline, both are accepted and queued; once back, the first holds the call and the
    // second finds a hold in progress: nobody waits for it any more, so it is logged.
    let warnings = ConsoleLines::start("warn");
    c.a_call.hold().expect("queued");
    c.a_call.hold().expect("queued too");
    events.wait("reconnected", "back").await;
    c.b_events.wait("held", "the queued hold reached bob").await;
    let lines = warnings.stop();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("offline") && l.contains("failed")),
        "{lines:?}"
    );
    assert_eq!(c.b_events.count("held"), 1);
    c.finish().await;
}
