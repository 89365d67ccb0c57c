//! The SIP WebSocket transport in real headless Chromium, against closed ports and against the
//! test server.
#![cfg(target_arch = "wasm32")]

mod common;

use bwclient::timer::sleep;
use bwclient::transport::{Transport, TransportEvent};
use common::phones::ws_url;
use common::wait_until;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// Nothing listens there (and, unlike the discard port 9, Chromium does not block it as unsafe,
// so this is a real refused connection).
const CLOSED_PORT: &str = "ws://127.0.0.1:65535/";

type Seen = Rc<RefCell<Vec<TransportEvent>>>;

fn recording(url: &str) -> (Transport, Seen) {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    let transport =
        Transport::connect(url, move |event| sink.borrow_mut().push(event)).expect("connect");
    (transport, events)
}

fn closed(events: &Seen) -> bool {
    events
        .borrow()
        .iter()
        .any(|e| matches!(e, TransportEvent::Close(_)))
}

#[wasm_bindgen_test]
async fn a_closed_port_gives_error_then_close_1006() {
    let (transport, events) = recording(CLOSED_PORT);
    assert!(
        transport.send("OPTIONS sip:x SIP/2.0\r\n\r\n").is_err(),
        "not open yet"
    );
    wait_until("the close event", 10_000.0, || closed(&events)).await;
    let events = events.borrow();
    assert_eq!(events.first(), Some(&TransportEvent::Error));
    assert_eq!(events.last(), Some(&TransportEvent::Close(1006)));
    assert!(!events.contains(&TransportEvent::Open));
}

#[wasm_bindgen_test]
async fn a_dropped_transport_never_calls_back() {
    let (transport, events) = recording(CLOSED_PORT);
    drop(transport);
    // The same failure, observed through a second transport, proves the events had time to
    // arrive for the first.
    let (_control, control_events) = recording(CLOSED_PORT);
    wait_until("the control close", 10_000.0, || closed(&control_events)).await;
    sleep(20).await; // one more turn for anything queued behind it
    assert!(events.borrow().is_empty(), "{:?}", events.borrow());
}

#[wasm_bindgen_test]
fn a_url_the_browser_refuses_fails_at_once() {
    // Relative URLs resolve against the page, so use a scheme WebSocket cannot speak.
    assert!(Transport::connect("ftp://127.0.0.1/", |_| {}).is_err());
}

#[wasm_bindgen_test]
async fn a_sip_server_agrees_to_the_subprotocol_and_answers_a_frame_with_a_frame() {
    let (transport, events) = recording(ws_url());
    wait_until("open", 10_000.0, || {
        events.borrow().contains(&TransportEvent::Open)
    })
    .await;
    // One SIP message per WebSocket message (RFC 7118 §5.1): an OPTIONS out, its answer in.
    let options = "OPTIONS sip:demo.bwclient.test SIP/2.0\r\n\
Via: SIP/2.0/WS abc.invalid;branch=z9hG4bK-transport-test\r\n\
Max-Forwards: 70\r\n\
From: <sip:probe@demo.bwclient.test>;tag=t1\r\n\
To: <sip:demo.bwclient.test>\r\n\
Call-ID: transport-test\r\n\
CSeq: 1 OPTIONS\r\n\
Content-Length: 0\r\n\r\n";
    transport.send(options).expect("sent");
    wait_until("the answer", 10_000.0, || {
        events
            .borrow()
            .iter()
            .any(|e| matches!(e, TransportEvent::Message(m) if m.starts_with("SIP/2.0 ")))
    })
    .await;
    let answer = events
        .borrow()
        .iter()
        .find_map(|e| match e {
            TransportEvent::Message(m) => Some(m.clone()),
            _ => None,
        })
        .unwrap();
    assert!(answer.contains("Call-ID: transport-test"), "{answer}");
    transport.close();
    wait_until("the close", 10_000.0, || closed(&events)).await;
    assert_eq!(events.borrow().last(), Some(&TransportEvent::Close(1000)));
}
