//! The SIP WebSocket transport in real headless Chromium. Tests against a live SIP server come
//! with `bwclient-server`; these cover what needs no server.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_transport`
#![cfg(target_arch = "wasm32")]

mod common;

use bwclient::timer::Timer;
use bwclient::transport::{Transport, TransportEvent};
use common::wait_until;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// Nothing listens there (and, unlike the discard port 9, Chromium does not block it as unsafe,
// so this is a real refused connection).
const CLOSED_PORT: &str = "ws://127.0.0.1:65535/";

fn recording(url: &str) -> (Transport, Rc<RefCell<Vec<TransportEvent>>>) {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    let transport =
        Transport::connect(url, move |event| sink.borrow_mut().push(event)).expect("connect");
    (transport, events)
}

#[wasm_bindgen_test]
async fn a_closed_port_gives_error_then_close_1006() {
    let (transport, events) = recording(CLOSED_PORT);
    assert!(!transport.is_open());
    assert!(transport.send("OPTIONS sip:x SIP/2.0\r\n\r\n").is_err());
    wait_until("the close event", 10_000.0, || {
        events
            .borrow()
            .iter()
            .any(|e| matches!(e, TransportEvent::Close { .. }))
    })
    .await;
    let events = events.borrow();
    assert_eq!(events.first(), Some(&TransportEvent::Error));
    assert_eq!(
        events.last(),
        Some(&TransportEvent::Close {
            code: 1006,
            reason: String::new(),
            was_clean: false
        })
    );
    assert!(!events.contains(&TransportEvent::Open));
    assert_eq!(transport.url(), CLOSED_PORT);
}

#[wasm_bindgen_test]
async fn a_dropped_transport_never_calls_back() {
    let (transport, events) = recording(CLOSED_PORT);
    drop(transport);
    // The same failure, observed through a second transport, proves the events had time to
    // arrive for the first.
    let (_control, control_events) = recording(CLOSED_PORT);
    wait_until("the control close", 10_000.0, || {
        control_events
            .borrow()
            .iter()
            .any(|e| matches!(e, TransportEvent::Close { .. }))
    })
    .await;
    // One more turn for anything queued behind it.
    let done = Rc::new(Cell::new(false));
    let flag = done.clone();
    let mut timer = Timer::new();
    timer.set(20, move || flag.set(true));
    wait_until("one more turn", 5000.0, || done.get()).await;
    assert!(events.borrow().is_empty(), "{:?}", events.borrow());
}

#[wasm_bindgen_test]
fn a_url_the_browser_refuses_fails_at_once() {
    // Relative URLs resolve against the page, so use a scheme WebSocket cannot speak.
    assert!(Transport::connect("ftp://127.0.0.1/", |_| {}).is_err());
}
