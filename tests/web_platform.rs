//! Timers, the emitter, logging, tones and devices in real headless Chromium.
#![cfg(target_arch = "wasm32")]

mod common;

use bwclient::devices;
use bwclient::emitter::Emitter;
use bwclient::log::{self, Level};
use bwclient::payloads::to_js;
use bwclient::timer::{now_ms, sleep, Timer};
use bwclient::tones::{Tone, Tones};
use common::{wait_until, ConsoleLines};
use js_sys::{Function, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn counter() -> (Rc<Cell<u32>>, Rc<Cell<u32>>) {
    let count = Rc::new(Cell::new(0));
    (count.clone(), count)
}

#[wasm_bindgen_test]
async fn a_timer_fires_once() {
    let (count, seen) = counter();
    let mut timer = Timer::default();
    timer.set(5, move || count.set(count.get() + 1));
    assert!(timer.is_set());
    wait_until("the timer", 5000.0, || seen.get() == 1).await;
    sleep(30).await;
    assert_eq!(seen.get(), 1);
}

#[wasm_bindgen_test]
async fn re_arming_replaces_the_pending_callback() {
    let fired = Rc::new(RefCell::new(Vec::new()));
    let mut timer = Timer::default();
    let first = fired.clone();
    timer.set(5, move || first.borrow_mut().push("first"));
    let second = fired.clone();
    timer.set(10, move || second.borrow_mut().push("second"));
    wait_until("the second callback", 5000.0, || !fired.borrow().is_empty()).await;
    sleep(30).await;
    assert_eq!(*fired.borrow(), ["second"]);
}

#[wasm_bindgen_test]
async fn clear_and_drop_cancel_the_callback() {
    let (count, seen) = counter();
    let mut cleared = Timer::default();
    let c = count.clone();
    cleared.set(5, move || c.set(c.get() + 1));
    cleared.clear();
    assert!(!cleared.is_set());
    {
        let mut dropped = Timer::default();
        dropped.set(5, move || count.set(count.get() + 1));
    }
    // A control timer proves time passed beyond both deadlines.
    let (control, control_seen) = counter();
    let mut later = Timer::default();
    later.set(30, move || control.set(1));
    wait_until("the control timer", 5000.0, || control_seen.get() == 1).await;
    assert_eq!(seen.get(), 0);
}

#[wasm_bindgen_test]
async fn a_callback_can_re_arm_its_own_timer() {
    let timer = Rc::new(RefCell::new(Timer::default()));
    let (count, seen) = counter();
    fn arm(timer: Rc<RefCell<Timer>>, count: Rc<Cell<u32>>) {
        let again = timer.clone();
        timer.borrow_mut().set(1, move || {
            count.set(count.get() + 1);
            if count.get() < 3 {
                // Replaces (frees) the closure that is running right now.
                arm(again, count);
            }
        });
    }
    arm(timer.clone(), count);
    wait_until("three firings", 5000.0, || seen.get() == 3).await;
    sleep(20).await;
    assert_eq!(seen.get(), 3);
}

#[wasm_bindgen_test]
async fn now_ms_is_monotonic() {
    let before = now_ms();
    sleep(5).await;
    assert!(now_ms() > before);
}

/// A JS listener recording its argument.
fn recorder(calls: Rc<RefCell<Vec<JsValue>>>) -> Closure<dyn FnMut(JsValue)> {
    Closure::new(move |a: JsValue| calls.borrow_mut().push(a))
}

#[wasm_bindgen_test]
fn the_emitter_calls_listeners_in_order_with_the_argument() {
    let emitter = Emitter::default();
    let calls = Rc::new(RefCell::new(Vec::new()));
    let first = recorder(calls.clone());
    let second = recorder(calls.clone());
    let first_fn: &Function = first.as_ref().unchecked_ref();
    let second_fn: &Function = second.as_ref().unchecked_ref();
    emitter.on("ended".into(), first_fn.clone());
    emitter.on("ended".into(), second_fn.clone());
    emitter.on("other".into(), first_fn.clone());

    assert_eq!(emitter.emit("ended", &JsValue::from_str("bye")), 2);
    assert_eq!(calls.borrow().len(), 2);
    assert_eq!(calls.borrow()[0], "bye");
    assert!(emitter.off("ended", first_fn));
    assert!(!emitter.off("ended", first_fn), "removed once");
    assert_eq!(emitter.emit0("ended"), 1);
    assert_eq!(emitter.emit0("nobody"), 0);
}

#[wasm_bindgen_test]
fn an_event_without_payload_calls_listeners_with_no_argument() {
    let emitter = Emitter::default();
    let counts = js_sys::Array::new();
    let count_args = Function::new_with_args(
        "counts",
        "return function () { counts.push(arguments.length); }",
    )
    .call1(&JsValue::NULL, &counts)
    .unwrap()
    .unchecked_into::<Function>();
    emitter.on("connected".into(), count_args);
    emitter.emit0("connected");
    emitter.emit(
        "connected",
        &to_js(&bwclient::payloads::Hold { by: "local" }),
    );
    let counts: Vec<f64> = counts.iter().filter_map(|c| c.as_f64()).collect();
    assert_eq!(counts, [0.0, 1.0]);
}

#[wasm_bindgen_test]
fn a_throwing_listener_is_logged_and_does_not_stop_the_others() {
    log::set_level(Level::Warn);
    let errors = ConsoleLines::start("error");
    let emitter = Emitter::default();
    let calls = Rc::new(RefCell::new(Vec::new()));
    let after = recorder(calls.clone());
    emitter.on(
        "connected".into(),
        Function::new_with_args("", "throw new Error('page bug')"),
    );
    emitter.on(
        "connected".into(),
        after.as_ref().unchecked_ref::<Function>().clone(),
    );
    assert_eq!(emitter.emit0("connected"), 2);
    assert_eq!(emitter.emit0("connected"), 2);
    assert_eq!(calls.borrow().len(), 2);
    let lines = errors.stop();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains("'connected'") && l.contains("page bug")),
        "{lines:?}"
    );
}

#[wasm_bindgen_test]
fn a_listener_may_remove_itself_while_being_called() {
    let emitter = Rc::new(Emitter::default());
    let (count, seen) = counter();
    let slot: Rc<RefCell<Option<Function>>> = Rc::new(RefCell::new(None));
    let (inner_emitter, inner_slot) = (emitter.clone(), slot.clone());
    let once = Closure::<dyn FnMut()>::new(move || {
        count.set(count.get() + 1);
        if let Some(me) = inner_slot.borrow().as_ref() {
            inner_emitter.off("ring", me);
        }
    });
    let function: Function = once.as_ref().unchecked_ref::<Function>().clone();
    *slot.borrow_mut() = Some(function.clone());
    emitter.on("ring".into(), function);
    emitter.emit0("ring");
    emitter.emit0("ring");
    assert_eq!(seen.get(), 1);
}

#[wasm_bindgen_test]
fn log_writes_at_or_above_the_level_only() {
    let warnings = ConsoleLines::start("warn");
    log::set_level(Level::Warn);
    log::warn("socket dropped");
    log::debug("not shown");
    log::warn_value("with value", &JsValue::from(7));
    log::set_level(Level::Error);
    log::warn("suppressed");
    log::set_level(Level::Warn);
    assert_eq!(
        warnings.stop(),
        ["[bwclient] socket dropped", "[bwclient] with value 7"]
    );
}

#[wasm_bindgen_test]
fn tones_start_switch_and_stop_even_when_audio_is_suspended() {
    let mut tones = Tones::new();
    assert_eq!(tones.playing(), None);
    tones.start(Tone::Ringback).expect("ringback");
    assert_eq!(tones.playing(), Some(Tone::Ringback));
    // Headless Chromium without a user gesture may hold audio back; either way no error.
    let _suspended = tones.is_suspended();
    tones.start(Tone::Ringtone).expect("ringtone");
    assert_eq!(tones.playing(), Some(Tone::Ringtone));
    tones.stop();
    assert_eq!(tones.playing(), None);
    tones.stop();
    tones.start(Tone::Ringback).expect("again");
    drop(tones);
}

#[wasm_bindgen_test]
async fn microphones_are_listed_with_names() {
    let microphones = devices::microphones().await.expect("enumerateDevices");
    assert!(!microphones.is_empty());
    assert!(microphones
        .iter()
        .all(|m| !m.id.is_empty() && !m.name.is_empty()));
    let js = js_sys::Array::from(&to_js(&microphones));
    assert_eq!(js.length() as usize, microphones.len());
    let first = js.get(0);
    assert_eq!(
        Reflect::get(&first, &"name".into()).unwrap(),
        microphones[0].name.as_str()
    );
    assert_eq!(
        Reflect::get(&first, &"id".into()).unwrap(),
        microphones[0].id.as_str()
    );
    // Outputs may be absent in a container; listing them must still work.
    devices::speakers().await.expect("speakers");
}

#[wasm_bindgen_test]
async fn a_missing_microphone_is_an_error_not_another_device() {
    assert!(devices::open_microphone(Some("no-such-device"))
        .await
        .is_err());
}

#[wasm_bindgen_test]
fn payloads_are_plain_objects_with_null_for_none() {
    let ended = to_js(&bwclient::payloads::Ended {
        reason: "cancelled",
        code: None,
    });
    assert!(Reflect::get(&ended, &"code".into()).unwrap().is_null());
    assert_eq!(Reflect::get(&ended, &"reason".into()).unwrap(), "cancelled");
    let proto = js_sys::Object::get_prototype_of(&ended);
    assert_eq!(
        JsValue::from(proto),
        JsValue::from(js_sys::Object::get_prototype_of(&js_sys::Object::new()))
    );
    let reconnecting = to_js(&bwclient::payloads::Reconnecting {
        attempt: 2,
        delay_ms: 900,
        close_code: 1006,
        reason: "keepalive_timeout",
        server: "ws://b.test/sip",
    });
    assert_eq!(
        Reflect::get(&reconnecting, &"reason".into()).unwrap(),
        "keepalive_timeout"
    );
    assert_eq!(Reflect::get(&reconnecting, &"delayMs".into()).unwrap(), 900);
    assert_eq!(
        Reflect::get(&reconnecting, &"server".into()).unwrap(),
        "ws://b.test/sip"
    );
    assert_eq!(
        Reflect::get(&reconnecting, &"closeCode".into()).unwrap(),
        1006
    );
}

#[wasm_bindgen_test]
fn a_ringtone_url_is_looped_instead_of_the_synthesised_ringtone() {
    // Record which media elements the page is asked to play and to pause.
    let (played, paused) = (js_sys::Array::new(), js_sys::Array::new());
    let proto = Reflect::get(&js_sys::global(), &"HTMLMediaElement".into())
        .and_then(|c| Reflect::get(&c, &"prototype".into()))
        .unwrap();
    let originals = [
        Reflect::get(&proto, &"play".into()).unwrap(),
        Reflect::get(&proto, &"pause".into()).unwrap(),
    ];
    let recorder = Function::new_with_args(
        "seen",
        "return function () { seen.push(this); return Promise.resolve(); }",
    );
    let record = |seen: &js_sys::Array| recorder.call1(&JsValue::NULL, seen).unwrap();
    Reflect::set(&proto, &"play".into(), &record(&played)).unwrap();
    Reflect::set(&proto, &"pause".into(), &record(&paused)).unwrap();

    let mut tones = Tones::with_ringtone_url(Some("/ring.wav".into()));
    tones.start(Tone::Ringtone).expect("ringtone");
    assert_eq!(tones.playing(), Some(Tone::Ringtone));
    tones
        .start(Tone::Ringback)
        .expect("the ringback is still synthesised");
    assert_eq!(tones.playing(), Some(Tone::Ringback));
    tones.start(Tone::Ringtone).expect("ringtone again");
    tones.stop();
    Reflect::set(&proto, &"play".into(), &originals[0]).unwrap();
    Reflect::set(&proto, &"pause".into(), &originals[1]).unwrap();

    assert_eq!(played.length(), 2, "one looped element per ringtone start");
    let first: web_sys::HtmlMediaElement = played.get(0).unchecked_into();
    assert!(first.src().ends_with("/ring.wav"), "{}", first.src());
    assert!(first.loop_());
    assert_eq!(
        paused.length(),
        2,
        "each paused when the tone changed or stopped"
    );
    assert_eq!(played.get(0), paused.get(0));
    assert_eq!(played.get(1), paused.get(1));
}
