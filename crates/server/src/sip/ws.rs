//! The `GET /sip` WebSocket endpoint (RFC 7118 §4): the client must offer the `sip`
//! subprotocol, which the server echoes; anything else is refused before the upgrade. The
//! connection limits are enforced here too: the total, and per source address (the TCP
//! peer's, from `ConnectInfo`) the connections held and those not authenticated yet.

use super::admission::Refused;
use super::connection;
use super::service::{SipService, SlotRefused};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use std::net::SocketAddr;
use std::sync::Arc;

/// Per-connection read buffer: small, since SIP messages are small and thousands of
/// connections are held (the default of tungstenite is 128 KiB).
const READ_BUFFER: usize = 4 * 1024;
/// Bytes written but not yet accepted by the socket before sends fail (back-pressure).
const MAX_WRITE_BUFFER: usize = 1024 * 1024;

/// The router serving `GET /sip`; merge it into the server's application, and serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` so that the per-address caps apply
/// (without the peer address only `max_connections` does).
pub fn router(service: Arc<SipService>) -> Router {
    Router::new()
        .route("/sip", get(upgrade))
        .with_state(service)
}

async fn upgrade(
    State(service): State<Arc<SipService>>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    ws: WebSocketUpgrade,
) -> Response {
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
    if service.is_draining() {
        return (StatusCode::SERVICE_UNAVAILABLE, "server shutting down\n").into_response();
    }
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr.ip());
    let slot = match service.reserve_slot(peer) {
        Ok(slot) => slot,
        Err(refused) => {
            let why = match refused {
                SlotRefused::Total => "too many SIP connections\n",
                SlotRefused::Addr(Refused::Open) => "too many SIP connections from this address\n",
                SlotRefused::Addr(Refused::Unauthenticated) => {
                    "too many unauthenticated SIP connections from this address\n"
                }
            };
            return (StatusCode::SERVICE_UNAVAILABLE, why).into_response();
        }
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
