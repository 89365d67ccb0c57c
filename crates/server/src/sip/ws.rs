//! The `GET /sip` WebSocket endpoint (RFC 7118 §4): the client must offer the `sip`
//! subprotocol, which the server echoes; anything else is refused before the upgrade. The
//! connection limit is enforced here too.

use super::connection;
use super::service::SipService;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// Per-connection read buffer: small, since SIP messages are small and thousands of
/// connections are held (the default of tungstenite is 128 KiB).
const READ_BUFFER: usize = 4 * 1024;
/// Bytes written but not yet accepted by the socket before sends fail (back-pressure).
const MAX_WRITE_BUFFER: usize = 1024 * 1024;

/// The router serving `GET /sip`; merge it into the server's application.
pub fn router(service: Arc<SipService>) -> Router {
    Router::new()
        .route("/sip", get(upgrade))
        .with_state(service)
}

async fn upgrade(State(service): State<Arc<SipService>>, ws: WebSocketUpgrade) -> Response {
    // RFC 7118 §4.1: the handshake must negotiate "sip"; a client that did not offer it is
    // not a SIP client (Kamailio answers 400 the same way).
    let ws = ws.protocols(["sip"]);
    if ws.selected_protocol().is_none() {
        return (
            StatusCode::BAD_REQUEST,
            "WebSocket subprotocol \"sip\" required (RFC 7118)\n",
        )
            .into_response();
    }
    let Some(slot) = service.reserve_slot() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "too many SIP connections\n",
        )
            .into_response();
    };
    let limit = service
        .config
        .max_frame_bytes
        .max(service.config.max_message_bytes);
    ws.read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_message_size(limit)
        .max_frame_size(limit)
        .on_upgrade(move |socket| connection::run(service, socket, slot))
}
