//! `Core` (src/core.rs) in real headless Chromium: what crosses the wasm boundary — the config
//! object, frames out, events as plain JS objects, errors with a `code`, the static helpers.
//! The JS API above it (js/) is tested end to end in tests/e2e/specs/ours-api-server.test.mjs.
#![cfg(target_arch = "wasm32")]

use bwclient::core::Core;
use bwclient_sip::token::Token;
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap()
}

fn text(o: &JsValue, key: &str) -> String {
    get(o, key).as_string().unwrap_or_default()
}

fn token() -> String {
    // Test-only secret: nothing verifies the signature here.
    let token = Token::mint(
        b"test-only",
        4_000_000_000,
        "alice",
        "example.test",
        "ws://127.0.0.1:1/sip",
    );
    token.as_str().to_owned()
}

fn core() -> Core {
    let config = Object::new();
    for (k, v) in [
        ("aor", JsValue::from("sip:alice@example.test")),
        ("token", token().into()),
        ("seed", 7.into()),
        ("trickleIce", true.into()),
        ("trace", true.into()),
    ] {
        Reflect::set(&config, &k.into(), &v).unwrap();
    }
    Core::new(config.into()).expect("core")
}

/// Drains `core` until it is waiting; returns the frames and the events.
fn drain(core: &mut Core) -> (Vec<String>, Vec<JsValue>) {
    let (mut frames, mut events) = (Vec::new(), Vec::new());
    loop {
        let out: JsValue = core.poll(1_000.0).into();
        if let Some(frame) = get(&out, "transmit").as_string() {
            frames.push(frame);
        } else if !get(&out, "event").is_undefined() {
            events.push(get(&out, "event"));
        } else {
            return (frames, events);
        }
    }
}

fn header<'a>(message: &'a str, name: &str) -> &'a str {
    message
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
        .unwrap_or_default()
}

#[wasm_bindgen_test]
fn registers_and_reports_events_as_plain_objects() {
    let mut core = core();
    core.transport_up(1_000.0);
    core.register(1_000.0).expect("register");
    let (frames, _) = drain(&mut core);
    let register = frames
        .iter()
        .find(|f| f.starts_with("REGISTER "))
        .expect("a REGISTER");
    assert!(register.contains("X-Callsign-Token: "), "{register}");
    let mut ok = String::from("SIP/2.0 200 OK\r\n");
    for name in ["Via", "From", "To", "Call-ID", "CSeq"] {
        ok += &[name, ": ", header(register, name), "\r\n"].concat();
    }
    // The registrar grants 300 s of the 600 asked for (RFC 3261 §10.3 step 8).
    let contact = header(register, "Contact").replace("expires=600", "expires=300");
    assert!(contact.contains("expires=300"), "{register}");
    ok += &["Contact: ", &contact, "\r\nContent-Length: 0\r\n\r\n"].concat();
    core.handle_frame(1_001.0, &ok);
    let (_, events) = drain(&mut core);
    let registered = events
        .iter()
        .find(|e| text(e, "type") == "Registered")
        .unwrap_or_else(|| panic!("no Registered in {events:?}"));
    assert_eq!(get(registered, "code").as_f64(), Some(200.0));
    assert_eq!(get(registered, "expires").as_f64(), Some(300.0));
    let traced = events.iter().filter(|e| text(e, "type") == "Trace").count();
    assert!(traced >= 1, "trace: true reports messages: {events:?}");
}

#[wasm_bindgen_test]
fn malformed_frames_are_discarded_and_refusals_carry_codes() {
    let mut core = core();
    core.transport_up(1_000.0);
    core.handle_frame(1_000.0, "this is not SIP\r\n\r\n");
    let (_, events) = drain(&mut core);
    assert!(
        events
            .iter()
            .any(|e| text(e, "type") == "Discarded" && !text(e, "why").is_empty()),
        "{events:?}"
    );
    let err = core
        .invite(1_000.0, "not a uri", None, JsValue::UNDEFINED)
        .expect_err("refused");
    assert_eq!(text(&err, "code"), "bad_target");
    let err = core.hangup(1_000.0, 99).expect_err("no such call");
    assert_eq!(text(&err, "code"), "invalid_state");
    core.transport_down(1_000.0);
    let err = core
        .invite(
            1_000.0,
            "sip:bob@example.test",
            Some("v=0\r\n".into()),
            JsValue::UNDEFINED,
        )
        .expect_err("transport down");
    assert_eq!(text(&err, "code"), "transport_failed");
    let bad = Object::new();
    Reflect::set(&bad, &"aor".into(), &"sip:alice@example.test".into()).unwrap();
    Reflect::set(&bad, &"token".into(), &"garbage".into()).unwrap();
    let Err(err) = Core::new(bad.into()) else {
        panic!("a bad token is refused")
    };
    assert_eq!(text(&err, "code"), "bad_token");
}

#[wasm_bindgen_test]
fn static_helpers() {
    let Ok(parsed) = Core::parse_token(&token()) else {
        panic!("the token parses")
    };
    let parsed: JsValue = parsed.into();
    assert_eq!(text(&parsed, "user"), "alice");
    assert_eq!(text(&parsed, "host"), "example.test");
    assert_eq!(text(&parsed, "wsUrl"), "ws://127.0.0.1:1/sip");
    assert_eq!(get(&parsed, "expires").as_f64(), Some(4_000_000_000.0));
    assert_eq!(
        Core::dial_target("bob", "example.test").unwrap(),
        "sip:bob@example.test"
    );
    assert!(Core::dial_target("(919) 555-0100", "example.test")
        .unwrap()
        .contains("+19195550100"));
    assert_eq!(
        Core::normalize_number("919-555-0100").as_deref(),
        Some("+19195550100")
    );
    assert_eq!(Core::normalize_number("bob"), None);
    let err = Core::parse_uri("nonsense").expect_err("not a uri");
    assert_eq!(text(&err, "code"), "bad_options");
}
