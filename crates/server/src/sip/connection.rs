//! One task per WebSocket connection (RFC 7118): each text or binary frame is one SIP message
//! (§5.2); frames queued for the connection are written in order; `CRLFCRLF` keep-alives get a
//! `CRLF` pong (RFC 5626 §4.4.1, RFC 7118 §6); WebSocket Pings go out when the client is quiet
//! and the connection closes when it stays silent (RFC 6455 §5.5.2). A token bucket limits how
//! many frames one client may send, keep-alives included (issue 11, hole 5): a keep-alive over
//! the rate is not answered and does not keep the connection alive. A connection that has not
//! authenticated within `auth_deadline` is closed.

use super::admission::Admission;
use super::conn_table::ConnId;
use super::rate::TokenBucket;
use super::service::{ConnSlot, SipService};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;

/// RFC 6455 §7.4.1: "an endpoint … received a message that violates its policy".
const POLICY_VIOLATION: u16 = 1008;
/// How long a connection the server closes may take to answer the Close frame.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// What to do after one frame from the client.
enum Next {
    /// Keep reading.
    Read,
    /// Send this frame straight back (the keep-alive pong), then keep reading.
    Reply(Message),
    /// Close the connection with this reason (policy violation).
    Close(&'static str),
}

/// Runs the connection until either side closes it, then forgets its state.
pub async fn run(service: Arc<SipService>, mut socket: WebSocket, slot: ConnSlot) {
    // Counted until the closing handshake is over (graceful shutdown waits for it).
    let _task = service.task_guard();
    let cfg = service.config.clone();
    let admission: Arc<Admission> = slot.admission();
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(cfg.send_queue.max(1));
    let conn = service.conns.insert(tx, Some(Arc::clone(&admission)));
    service.ensure_sweeper();
    tracing::debug!(conn = %conn, "sip: websocket connected");
    let mut bucket = TokenBucket::new(cfg.rate_per_sec, cfg.rate_burst, Instant::now());
    let mut last_heard = Instant::now();
    let mut ping = tokio::time::interval(cfg.ping_interval);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ping.tick().await;
    let auth_deadline = tokio::time::sleep(cfg.auth_deadline);
    tokio::pin!(auth_deadline);
    let mut close: Option<(u16, &'static str)> = None;
    loop {
        tokio::select! {
            frame = socket.recv() => {
                let Some(Ok(frame)) = frame else { break };
                match on_frame(&service, conn, &mut bucket, &mut last_heard, frame) {
                    Next::Read => {}
                    Next::Reply(reply) => {
                        if socket.send(reply).await.is_err() {
                            break;
                        }
                    }
                    Next::Close(why) => {
                        close = Some((POLICY_VIOLATION, why));
                        break;
                    }
                }
            }
            queued = rx.recv() => {
                let Some(bytes) = queued else {
                    // Removed from the table: dropped (demo/fault), or closed on purpose with
                    // a code and reason (a revoked credential, `revoke.rs`; shutdown, 1001).
                    close = service.conns.take_close(conn);
                    break;
                };
                if socket.send(ws_frame(bytes)).await.is_err() {
                    break;
                }
            }
            _ = &mut auth_deadline, if !admission.is_authenticated() => {
                close = Some((POLICY_VIOLATION, "not authenticated in time"));
                break;
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
    if let Some((code, why)) = close {
        tracing::debug!(conn = %conn, code, "sip: websocket closed: {why}");
        close_with(socket, code, why).await;
    }
    tracing::debug!(conn = %conn, "sip: websocket closed");
}

/// Sends a Close frame (`code`, `why`) and reads until the client's Close (RFC 6455 §5.5.1),
/// at most [`CLOSE_WAIT`]: dropping the socket while the client's frames are still unread would
/// reset the TCP connection and lose the Close frame on its way. The slot is already free.
async fn close_with(mut socket: WebSocket, code: u16, why: &'static str) {
    let frame = CloseFrame {
        code,
        reason: why.into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(CLOSE_WAIT, async {
        while let Some(Ok(frame)) = socket.recv().await {
            if matches!(frame, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// One frame from the client. Every frame but Close takes a token first (keep-alives too, so
/// that they can neither flood the server nor keep an idle connection open for free); only an
/// admitted frame counts as hearing from the client.
fn on_frame(
    service: &SipService,
    conn: ConnId,
    bucket: &mut TokenBucket,
    last_heard: &mut Instant,
    frame: Message,
) -> Next {
    let bytes: &[u8] = match &frame {
        // Keep reading: the WebSocket layer answers the Close frame (RFC 6455 §5.5.1) and the
        // next `recv` ends the loop.
        Message::Close(_) => return Next::Read,
        Message::Text(text) => text.as_bytes(),
        Message::Binary(bytes) => bytes,
        Message::Ping(_) | Message::Pong(_) => &[],
    };
    // The one clock reading per frame: everything the frame causes happens at `now`.
    let now = Instant::now();
    let keep_alive = bytes.iter().all(|b| matches!(b, b'\r' | b'\n'));
    if !bucket.admit(now) {
        return match frame {
            // The WebSocket layer answers a Ping by itself: over the rate, close instead.
            Message::Ping(_) => Next::Close("keep-alives over the rate limit"),
            _ if keep_alive => Next::Read,
            _ => {
                service.answer_broken(conn, bytes, 503, "Service Unavailable: rate limit");
                Next::Read
            }
        };
    }
    *last_heard = now;
    if bytes == b"\r\n\r\n" {
        // RFC 5626 §4.4.1: the "pong" to a CRLFCRLF "ping" is a single CRLF.
        return Next::Reply(Message::text("\r\n"));
    }
    if keep_alive {
        // Pings (answered by the WebSocket layer), Pongs to ours, and a lone CRLF (a pong, or
        // padding between messages, RFC 3261 §7.5).
        return Next::Read;
    }
    service.on_frame(now, conn, bytes);
    Next::Read
}

/// A text frame for a UTF-8 message (every SIP message a browser exchanges), a binary frame
/// for one whose body is not UTF-8 (RFC 7118 §5.2 allows both).
fn ws_frame(bytes: Vec<u8>) -> Message {
    match String::from_utf8(bytes) {
        Ok(text) => Message::text(text),
        Err(e) => Message::binary(e.into_bytes()),
    }
}
