//! Timer, emitter, log, tones and devices in real headless Chromium.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_platform`
#![cfg(target_arch = "wasm32")]

mod common;

use bwclient::devices;
use bwclient::emitter::Emitter;
use bwclient::log::{self, Level};
use bwclient::timer::{now_ms, sleep, Timer};
use bwclient::tones::{Tone, Tones};
use common::wait_until;
use js_sys::{Array, Function, Reflect};
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
    let mut timer = Timer::new();
    timer.set(5, move || count.set(count.get() + 1));
    assert!(timer.is_armed());
    wait_until("the timer", 5000.0, || seen.get() == 1).await;
    assert!(!timer.is_armed());
    sleep(30).await;
    assert_eq!(seen.get(), 1);
}

#[wasm_bindgen_test]
async fn re_arming_replaces_the_pending_callback() {
    let fired = Rc::new(RefCell::new(Vec::new()));
    let mut timer = Timer::new();
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
    let mut cleared = Timer::new();
    let c = count.clone();
    cleared.set(5, move || c.set(c.get() + 1));
    cleared.clear();
    assert!(!cleared.is_armed());
    {
        let mut dropped = Timer::new();
        dropped.set(5, move || count.set(count.get() + 1));
    }
    // A control timer proves time passed beyond both deadlines.
    let (control, control_seen) = counter();
    let mut later = Timer::new();
    later.set(30, move || control.set(1));
    wait_until("the control timer", 5000.0, || control_seen.get() == 1).await;
    assert_eq!(seen.get(), 0);
}

#[wasm_bindgen_test]
async fn a_callback_can_re_arm_its_own_timer() {
    let timer = Rc::new(RefCell::new(Timer::new()));
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
    assert!(!timer.borrow().is_armed());
}

#[wasm_bindgen_test]
async fn now_ms_is_monotonic() {
    let before = now_ms();
    sleep(5).await;
    let after = now_ms();
    assert!(after > before);
}

/// A JS listener recording its arguments into `calls`.
fn recorder(calls: Rc<RefCell<Vec<Vec<JsValue>>>>) -> Closure<dyn FnMut(JsValue, JsValue)> {
    Closure::new(move |a: JsValue, b: JsValue| calls.borrow_mut().push(vec![a, b]))
}

#[wasm_bindgen_test]
fn the_emitter_calls_listeners_in_order_with_the_arguments() {
    let emitter = Emitter::new();
    let calls = Rc::new(RefCell::new(Vec::new()));
    let first = recorder(calls.clone());
    let second = recorder(calls.clone());
    let first_fn: &Function = first.as_ref().unchecked_ref();
    let second_fn: &Function = second.as_ref().unchecked_ref();
    emitter.on("ended", first_fn.clone());
    emitter.on("ended", second_fn.clone());
    emitter.on("other", first_fn.clone());
    assert_eq!(emitter.listener_count("ended"), 2);

    let ran = emitter.emit("ended", &[JsValue::from_str("bye"), JsValue::from(486)]);
    assert_eq!(ran, 2);
    assert_eq!(calls.borrow().len(), 2);
    assert_eq!(calls.borrow()[0][0], "bye");
    assert_eq!(calls.borrow()[1][1], 486);

    assert!(emitter.off("ended", first_fn));
    assert!(!emitter.off("ended", first_fn));
    assert_eq!(emitter.emit("ended", &[]), 1);
    assert_eq!(emitter.emit("nobody", &[]), 0);
    emitter.remove_all(None);
    assert_eq!(emitter.listener_count("other"), 0);
}

#[wasm_bindgen_test]
fn a_throwing_listener_is_logged_and_does_not_stop_the_others() {
    log::set_level(Level::Silent);
    let emitter = Emitter::new();
    let calls = Rc::new(RefCell::new(Vec::new()));
    let after = recorder(calls.clone());
    emitter.on(
        "connected",
        Function::new_with_args("", "throw new Error('page bug')"),
    );
    emitter.on(
        "connected",
        after.as_ref().unchecked_ref::<Function>().clone(),
    );
    assert_eq!(emitter.emit("connected", &[]), 2);
    assert_eq!(emitter.emit("connected", &[]), 2);
    assert_eq!(calls.borrow().len(), 2);
    log::set_level(Level::Warn);
}

#[wasm_bindgen_test]
fn a_listener_may_remove_itself_while_being_called() {
    let emitter = Emitter::new();
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
    emitter.on("ring", function);
    emitter.emit("ring", &[]);
    emitter.emit("ring", &[]);
    assert_eq!(seen.get(), 1);
}

#[wasm_bindgen_test]
fn log_writes_at_or_above_the_level_only() {
    // Swap console.warn/error for a recorder, restoring them afterwards.
    let console = Reflect::get(&js_sys::global(), &"console".into()).unwrap();
    let original_warn = Reflect::get(&console, &"warn".into()).unwrap();
    let lines = Array::new();
    Reflect::set(&js_sys::global(), &"__bwclient_lines".into(), &lines).unwrap();
    let record = Function::new_with_args(
        "...args",
        "globalThis.__bwclient_lines.push(args.map(String).join(' '))",
    );
    Reflect::set(&console, &"warn".into(), &record).unwrap();

    log::set_level(Level::Warn);
    log::warn("socket dropped");
    log::debug("not shown");
    log::warn_value("with value", &JsValue::from(7));
    log::set_level(Level::Error);
    log::warn("suppressed");
    log::set_level(Level::Warn);

    Reflect::set(&console, &"warn".into(), &original_warn).unwrap();
    let lines: Vec<String> = lines.iter().filter_map(|l| l.as_string()).collect();
    assert_eq!(
        lines,
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
    let js = devices::to_js(&microphones);
    assert_eq!(js.length() as usize, microphones.len());
    let first = js.get(0);
    assert_eq!(
        Reflect::get(&first, &"name".into()).unwrap(),
        JsValue::from_str(&microphones[0].name)
    );
    assert_eq!(
        Reflect::get(&first, &"id".into()).unwrap(),
        JsValue::from_str(&microphones[0].id)
    );
    // Outputs may be absent in a container; listing them must still work.
    devices::speakers().await.expect("speakers");
}

#[wasm_bindgen_test]
async fn a_missing_microphone_is_an_error_not_another_device() {
    let result = devices::open_microphone(Some("no-such-device")).await;
    assert!(result.is_err());
}
