//! SIP over WebSocket (RFC 7118): the only code that touches `WebSocket`.
//!
//! One WebSocket message carries exactly one SIP message (RFC 7118 §5.1), so frames go to and
//! from the core unchanged: no stream framing, no `Content-Length` scanning. Text frames are
//! the norm; a binary frame is accepted when it is valid UTF-8 (§5.1 allows binary frames)
//! and dropped with a warning otherwise, never guessed at.
//!
//! The four event handlers are closures owned by [`Transport`]; dropping it detaches them and
//! closes the socket, so a dropped transport never calls back. Model: gloo-net `websocket`.

use crate::log;
use core::cell::RefCell;
use js_sys::{ArrayBuffer, Uint8Array};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

/// The WebSocket subprotocol SIP is carried in (RFC 7118 §4).
pub const SUBPROTOCOL: &str = "sip";

/// What the socket reports, in order: `Open` once, any number of `Message`, then `Close` once
/// (possibly after an `Error`; a connection that never opens gives `Error` then `Close`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportEvent {
    /// The handshake completed with subprotocol `sip`; `send` works from now on.
    Open,
    /// One SIP message.
    Message(String),
    /// The socket is closed (`code` 1006 when the connection failed or dropped without a
    /// close frame). Nothing follows.
    Close {
        /// The WebSocket close code (RFC 6455 §7.4).
        code: u16,
        /// The close reason the peer sent, often empty.
        reason: String,
        /// Whether the closing handshake completed.
        was_clean: bool,
    },
    /// The browser reported a failure; the browser gives no detail (by design), a `Close`
    /// follows.
    Error,
}

type Sink = Rc<RefCell<Box<dyn FnMut(TransportEvent)>>>;

fn deliver(sink: &Sink, event: TransportEvent) {
    // Socket events are separate tasks, so the sink is never already running; if a caller
    // ever re-enters, dropping the event is better than a BorrowMutError panic.
    match sink.try_borrow_mut() {
        Ok(mut sink) => sink(event),
        Err(_) => log::error("transport event dropped: handler re-entered"),
    }
}

/// An open or opening SIP WebSocket connection.
pub struct Transport {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl Transport {
    /// Opens `url` (`ws:` or `wss:`) offering subprotocol `sip`; `on_event` receives every
    /// [`TransportEvent`]. Fails at once only for a URL the browser refuses (`SyntaxError`);
    /// an unreachable server is reported as `Error` + `Close` events.
    pub fn connect(
        url: &str,
        on_event: impl FnMut(TransportEvent) + 'static,
    ) -> Result<Transport, JsValue> {
        let socket = WebSocket::new_with_str(url, SUBPROTOCOL)?;
        socket.set_binary_type(BinaryType::Arraybuffer);
        let sink: Sink = Rc::new(RefCell::new(Box::new(on_event)));

        let open_sink = sink.clone();
        let on_open = Closure::new(move |event: Event| {
            let Some(socket) = event.target().and_then(|t| t.dyn_into::<WebSocket>().ok()) else {
                return;
            };
            // RFC 7118 §4: the server must agree to `sip`. A browser rejects any other
            // answer, but accepts a server that answers with no subprotocol at all.
            if socket.protocol() != SUBPROTOCOL {
                log::error("server did not agree to WebSocket subprotocol sip; closing");
                deliver(&open_sink, TransportEvent::Error);
                let _ = socket.close_with_code_and_reason(1000, "subprotocol sip required");
                return;
            }
            deliver(&open_sink, TransportEvent::Open);
        });

        let message_sink = sink.clone();
        let on_message = Closure::new(move |event: MessageEvent| {
            if let Some(text) = frame_text(&event.data()) {
                deliver(&message_sink, TransportEvent::Message(text));
            }
        });

        let close_sink = sink.clone();
        let on_close = Closure::new(move |event: CloseEvent| {
            let reason = event.reason();
            deliver(
                &close_sink,
                TransportEvent::Close {
                    code: event.code(),
                    reason,
                    was_clean: event.was_clean(),
                },
            );
        });

        let error_sink = sink;
        let on_error = Closure::new(move |_event: Event| {
            deliver(&error_sink, TransportEvent::Error);
        });

        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        socket.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Transport {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
            _on_error: on_error,
        })
    }

    /// Sends one SIP message as one text frame. Fails when the socket is not open.
    pub fn send(&self, message: &str) -> Result<(), JsValue> {
        if !self.is_open() {
            // The browser would silently discard it while CONNECTING/CLOSING; say so instead.
            return Err(JsValue::from_str("websocket is not open"));
        }
        self.socket.send_with_str(message)
    }

    /// Whether the handshake completed and the socket is not closing.
    pub fn is_open(&self) -> bool {
        self.socket.ready_state() == WebSocket::OPEN
    }

    /// Bytes queued by `send` and not yet handed to the network.
    pub fn buffered_amount(&self) -> u32 {
        self.socket.buffered_amount()
    }

    /// The URL this transport was opened with.
    pub fn url(&self) -> String {
        self.socket.url()
    }

    /// Starts a normal close (code 1000); the `Close` event follows. Idempotent.
    pub fn close(&self) {
        let state = self.socket.ready_state();
        if state == WebSocket::CONNECTING || state == WebSocket::OPEN {
            // close() only throws for an invalid code or reason, and these are valid.
            let _ = self.socket.close_with_code(1000);
        }
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        // Detach first: the closures are freed with `self`, and a late event must find no
        // handler rather than a freed closure.
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        self.socket.set_onerror(None);
        self.close();
    }
}

/// The SIP message in a frame: the text of a text frame, or a binary frame's bytes when they
/// are UTF-8. Anything else is logged and dropped.
fn frame_text(data: &JsValue) -> Option<String> {
    if let Some(text) = data.as_string() {
        return Some(text);
    }
    if let Some(buffer) = data.dyn_ref::<ArrayBuffer>() {
        match String::from_utf8(Uint8Array::new(buffer).to_vec()) {
            Ok(text) => return Some(text),
            Err(_) => {
                log::warn("dropped a binary websocket frame that is not UTF-8");
                return None;
            }
        }
    }
    log::warn("dropped a websocket frame of unknown type");
    None
}
