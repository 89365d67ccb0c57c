//! One task per WebSocket connection (RFC 7118): each text or binary frame is one SIP message
//! (§5.2); frames queued for the connection are written in order; `CRLFCRLF` keep-alives get a
//! `CRLF` pong (RFC 5626 §4.4.1, RFC 7118 §6); WebSocket Pings go out when the client is quiet
//! and the connection closes when it stays silent (RFC 6455 §5.5.2); a token bucket limits how
//! many messages one client may send.

use super::conn_table::ConnId;
use super::rate::TokenBucket;
use super::service::{ConnSlot, SipService};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;

/// Runs the connection until either side closes it, then forgets its state.
pub async fn run(service: Arc<SipService>, mut socket: WebSocket, slot: ConnSlot) {
    let cfg = service.config.clone();
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(cfg.send_queue.max(1));
    let conn = service.conns.insert(tx);
    service.ensure_sweeper();
    tracing::debug!(conn = %conn, "sip: websocket connected");
    let mut bucket = TokenBucket::new(cfg.rate_per_sec, cfg.rate_burst, Instant::now());
    let mut last_heard = Instant::now();
    let mut ping = tokio::time::interval(cfg.ping_interval);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ping.tick().await;
    loop {
        tokio::select! {
            frame = socket.recv() => {
                let Some(Ok(frame)) = frame else { break };
                last_heard = Instant::now();
                let reply = match frame {
                    Message::Text(text) => on_data(&service, conn, &mut bucket, text.as_bytes()),
                    Message::Binary(bytes) => on_data(&service, conn, &mut bucket, &bytes),
                    // Pongs to our Pings only refresh `last_heard`; axum answers Pings itself.
                    Message::Ping(_) | Message::Pong(_) => None,
                    // Keep reading: the WebSocket layer answers the Close frame (RFC 6455
                    // §5.5.1) and the next `recv` ends the loop.
                    Message::Close(_) => None,
                };
                if let Some(text) = reply {
                    if socket.send(Message::text(text)).await.is_err() {
                        break;
                    }
                }
            }
            queued = rx.recv() => {
                let Some(bytes) = queued else {
                    // Removed from the table: dropped (demo/fault), or closed on purpose with
                    // a code and reason (a revoked credential, `revoke.rs`).
                    if let Some((code, reason)) = service.conns.take_close(conn) {
                        let frame = CloseFrame { code, reason: reason.into() };
                        let _ = socket.send(Message::Close(Some(frame))).await;
                    }
                    break;
                };
                if socket.send(ws_frame(bytes)).await.is_err() {
                    break;
                }
            }
            _ = ping.tick() => {
                let quiet = last_heard.elapsed();
                if quiet >= cfg.idle_timeout {
                    tracing::debug!(conn = %conn, "sip: idle websocket closed");
                    break;
                }
                if quiet >= cfg.ping_interval
                    && socket.send(Message::Ping(Vec::new().into())).await.is_err()
                {
                    break;
                }
            }
        }
    }
    service.connection_closed(Instant::now(), conn);
    drop(slot);
    tracing::debug!(conn = %conn, "sip: websocket closed");
}

/// One data frame: a keep-alive, or a SIP message if the rate allows. Returns a frame to send
/// straight back (the keep-alive pong).
fn on_data(
    service: &SipService,
    conn: ConnId,
    bucket: &mut TokenBucket,
    bytes: &[u8],
) -> Option<String> {
    if bytes == b"\r\n\r\n" {
        // RFC 5626 §4.4.1: the "pong" to a CRLFCRLF "ping" is a single CRLF.
        return Some("\r\n".to_owned());
    }
    if bytes.iter().all(|b| matches!(b, b'\r' | b'\n')) {
        // A lone CRLF (a pong, or padding between messages, RFC 3261 §7.5) is ignored.
        return None;
    }
    // The one clock reading per frame: everything the frame causes happens at `now`.
    let now = Instant::now();
    if !bucket.admit(now) {
        service.answer_broken(conn, bytes, 503, "Service Unavailable: rate limit");
        return None;
    }
    service.on_frame(now, conn, bytes);
    None
}

/// A text frame for a UTF-8 message (every SIP message a browser exchanges), a binary frame
/// for one whose body is not UTF-8 (RFC 7118 §5.2 allows both).
fn ws_frame(bytes: Vec<u8>) -> Message {
    match String::from_utf8(bytes) {
        Ok(text) => Message::text(text),
        Err(e) => Message::binary(e.into_bytes()),
    }
}
