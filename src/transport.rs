//! SIP over WebSocket (RFC 7118): the only code that touches `WebSocket`.
//!
//! One WebSocket message carries exactly one SIP message (RFC 7118 §5.1), so frames go to and
//! from the core unchanged: no stream framing, no `Content-Length` scanning. Text frames are
//! the norm; a binary frame is accepted when it is valid UTF-8 (§5.1 allows binary frames)
//! and dropped with a warning otherwise, never guessed at.
//!
//! The four listeners are gloo `EventListener`s owned by [`Transport`]: dropping it removes
//! them and closes the socket, so a dropped transport never calls back.

use crate::log;
use core::cell::RefCell;
use gloo_events::EventListener;
use js_sys::Uint8Array;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

/// The WebSocket subprotocol SIP is carried in (RFC 7118 §4).
pub const SUBPROTOCOL: &str = "sip";

/// The Via transport for a connection to `url` (RFC 7118 §5.1): `WSS` for `wss:`, else `WS`.
pub fn ws_transport_of(url: &str) -> bwclient_sip::ua::WsTransport {
    if url.starts_with("wss:") {
        bwclient_sip::ua::WsTransport::Wss
    } else {
        bwclient_sip::ua::WsTransport::Ws
    }
}

/// What the socket reports, in order: `Open` once, any number of `Message`, then `Close` once
/// (possibly after an `Error`; a connection that never opens gives `Error` then `Close`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportEvent {
    /// The handshake completed with subprotocol `sip`; `send` works from now on.
    Open,
    /// One SIP message.
    Message(String),
    /// The socket closed with this code (RFC 6455 §7.4; 1006 when the connection failed or
    /// dropped without a close frame). Nothing follows.
    Close(u16),
    /// The browser reported a failure (with no detail, by design); a `Close` follows.
    Error,
}

type Sink = Rc<RefCell<dyn FnMut(TransportEvent)>>;

fn deliver(sink: &Sink, event: TransportEvent) {
    // Socket events are separate tasks, so the sink is never already running; should a caller
    // ever re-enter, dropping the event beats a BorrowMutError panic.
    match sink.try_borrow_mut() {
        Ok(mut sink) => sink(event),
        Err(_) => log::warn("transport event dropped: handler re-entered"),
    }
}

/// An open or opening SIP WebSocket connection.
pub struct Transport {
    socket: WebSocket,
    _listeners: [EventListener; 4],
}

impl Transport {
    /// Opens `url` (`ws:` or `wss:`) offering subprotocol `sip`; `on_event` receives every
    /// [`TransportEvent`]. Fails at once only for a URL the browser refuses (`SyntaxError`);
    /// an unreachable server is reported as `Error` then `Close`.
    pub fn connect(
        url: &str,
        on_event: impl FnMut(TransportEvent) + 'static,
    ) -> Result<Transport, JsValue> {
        let socket = WebSocket::new_with_str(url, SUBPROTOCOL)?;
        socket.set_binary_type(BinaryType::Arraybuffer);
        let sink: Sink = Rc::new(RefCell::new(on_event));
        let listen = |kind: &'static str, f: fn(&Sink, &WebSocket, &Event)| {
            let (sink, socket_ref) = (sink.clone(), socket.clone());
            EventListener::new(&socket, kind, move |event| f(&sink, &socket_ref, event))
        };
        let listeners = [
            listen("open", |sink, socket, _| {
                // RFC 7118 §4: the server must agree to `sip`. A browser refuses any other
                // answer, but accepts a server that names no subprotocol at all.
                if socket.protocol() == SUBPROTOCOL {
                    deliver(sink, TransportEvent::Open);
                } else {
                    log::warn("the server did not agree to WebSocket subprotocol sip");
                    deliver(sink, TransportEvent::Error);
                    let _ = socket.close_with_code_and_reason(1000, "subprotocol sip required");
                }
            }),
            listen("message", |sink, _, event| {
                let data = event.unchecked_ref::<MessageEvent>().data();
                if let Some(text) = frame_text(&data) {
                    deliver(sink, TransportEvent::Message(text));
                }
            }),
            listen("close", |sink, _, event| {
                let code = event.unchecked_ref::<CloseEvent>().code();
                deliver(sink, TransportEvent::Close(code));
            }),
            listen("error", |sink, _, _| deliver(sink, TransportEvent::Error)),
        ];
        Ok(Transport {
            socket,
            _listeners: listeners,
        })
    }

    /// Sends one SIP message as one text frame. Fails when the socket is not open (the
    /// browser would silently discard it while connecting or closing).
    pub fn send(&self, message: &str) -> Result<(), JsValue> {
        if self.socket.ready_state() != WebSocket::OPEN {
            return Err(JsValue::from_str("websocket is not open"));
        }
        self.socket.send_with_str(message)
    }

    /// Starts a normal close (code 1000); `Close` follows unless the transport is dropped
    /// first. Idempotent.
    pub fn close(&self) {
        if self.socket.ready_state() <= WebSocket::OPEN {
            // close() only throws for an invalid code or reason.
            let _ = self.socket.close_with_code(1000);
        }
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        // The listeners go with `self` (gloo removes them): no event reaches a dropped owner.
        self.close();
    }
}

/// The SIP message in a frame: a text frame's text, or a binary frame's bytes when they are
/// UTF-8. Anything else is logged and dropped.
fn frame_text(data: &JsValue) -> Option<String> {
    if let Some(text) = data.as_string() {
        return Some(text);
    }
    // binaryType is "arraybuffer": anything but text is an ArrayBuffer.
    match String::from_utf8(Uint8Array::new(data).to_vec()) {
        Ok(text) => Some(text),
        Err(_) => {
            log::warn("dropped a websocket frame that is not UTF-8 text");
            None
        }
    }
}
