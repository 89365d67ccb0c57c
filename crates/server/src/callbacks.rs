//! Call events POSTed to an application's `incomingCallUrl`, off the routing path.
//!
//! [`Callbacks::queue`] never waits: it drops the event (and logs) if the bounded queue is
//! full. A worker task delivers each event with a small HTTP/1.1 client over a tokio
//! `TcpStream`, retrying connection failures, time-outs and 5xx answers with exponential
//! backoff, a bounded number of times. Only `http://` URLs are delivered; `https://` is logged
//! and dropped (this server carries no TLS client).

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, Semaphore};

use crate::directory::CallEvent;

/// Delivery limits.
#[derive(Debug, Clone)]
pub struct CallbackConfig {
    /// Tries per event, the first one included.
    pub attempts: u32,
    /// Wait before the second try; doubled before each later one.
    pub first_backoff: Duration,
    /// Limit for connecting, sending and reading the status line, each.
    pub timeout: Duration,
    /// Events waiting for delivery; more are dropped.
    pub queue: usize,
    /// Deliveries in flight at once.
    pub concurrency: usize,
}

impl Default for CallbackConfig {
    fn default() -> Self {
        CallbackConfig {
            attempts: 4,
            first_backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(5),
            queue: 1024,
            concurrency: 16,
        }
    }
}

/// The sending side of the callback queue. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Callbacks {
    tx: mpsc::Sender<CallEvent>,
}

impl Callbacks {
    /// Starts the delivery worker on the current tokio runtime. It stops once every
    /// [`Callbacks`] clone is dropped and the queue is drained.
    pub fn start(config: CallbackConfig) -> Callbacks {
        let (tx, rx) = mpsc::channel(config.queue.max(1));
        tokio::spawn(worker(rx, config));
        Callbacks { tx }
    }

    /// Queues `event`; returns at once. False if it was dropped (queue full or worker gone).
    pub fn queue(&self, event: CallEvent) -> bool {
        match self.tx.try_send(event) {
            Ok(()) => true,
            Err(err) => {
                tracing::warn!(error = %err, "call event dropped");
                false
            }
        }
    }
}

async fn worker(mut rx: mpsc::Receiver<CallEvent>, config: CallbackConfig) {
    let config = Arc::new(config);
    let slots = Arc::new(Semaphore::new(config.concurrency.max(1)));
    while let Some(event) = rx.recv().await {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        let config = config.clone();
        tokio::spawn(async move {
            deliver(&event, &config).await;
            drop(permit);
        });
    }
}

/// The JSON body of a call event.
pub fn event_body(event: &CallEvent, now_unix: u64) -> String {
    serde_json::json!({
        "eventType": event.kind,
        "callId": event.call_id,
        "from": event.from,
        "to": event.to,
        "endpointId": event.endpoint_id,
        "time": now_unix,
    })
    .to_string()
}

/// Why one try failed.
#[derive(Debug, thiserror::Error)]
enum PostError {
    #[error("unsupported callback url")]
    Url,
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("timed out")]
    Timeout,
    #[error("malformed response")]
    Response,
    #[error("status {0}")]
    Status(u16),
}

impl PostError {
    /// Worth another try: the network or the server may recover; a 4xx or a bad URL won't.
    fn is_transient(&self) -> bool {
        match self {
            PostError::Url => false,
            PostError::Status(code) => *code >= 500 || *code == 429,
            _ => true,
        }
    }
}

async fn deliver(event: &CallEvent, config: &CallbackConfig) {
    let body = event_body(event, crate::db::now_unix());
    let mut backoff = config.first_backoff;
    for attempt in 1..=config.attempts.max(1) {
        match post_json(&event.callback_url, &body, config.timeout).await {
            Ok(()) => return,
            Err(err) if err.is_transient() && attempt < config.attempts => {
                tracing::debug!(url = %event.callback_url, attempt, error = %err, "callback retry");
                tokio::time::sleep(backoff).await;
                backoff = backoff.saturating_mul(2);
            }
            Err(err) => {
                tracing::warn!(url = %event.callback_url, attempt, error = %err, "callback failed");
                return;
            }
        }
    }
}

/// `(host, port, path)` of an `http://` URL.
fn split_http_url(url: &str) -> Option<(&str, u16, &str)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    // `http://host?q` has no path: the request target must still start with `/`.
    if path.starts_with('?') {
        return None;
    }
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        // An IPv6 literal without a port ends in `]`.
        Some((host, port)) if !port.ends_with(']') => (host, port.parse().ok()?),
        _ => (authority, 80),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || path.contains(['\r', '\n', ' ']) {
        return None;
    }
    Some((host, port, path))
}

async fn post_json(url: &str, body: &str, limit: Duration) -> Result<(), PostError> {
    let (host, port, path) = split_http_url(url).ok_or(PostError::Url)?;
    let mut stream = tokio::time::timeout(limit, TcpStream::connect((host, port)))
        .await
        .map_err(|_| PostError::Timeout)??;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: bwclient-server\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    tokio::time::timeout(limit, stream.write_all(request.as_bytes()))
        .await
        .map_err(|_| PostError::Timeout)??;
    let status = tokio::time::timeout(limit, read_status(&mut stream))
        .await
        .map_err(|_| PostError::Timeout)??;
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(PostError::Status(status))
    }
}

/// Reads up to the end of the status line and returns the status code.
async fn read_status(stream: &mut TcpStream) -> Result<u16, PostError> {
    let mut buf = Vec::with_capacity(64);
    let mut chunk = [0u8; 256];
    while !buf.contains(&b'\n') {
        if buf.len() > 1024 {
            return Err(PostError::Response);
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(PostError::Response);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let line = std::str::from_utf8(&buf).map_err(|_| PostError::Response)?;
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(version), Some(code)) if version.starts_with("HTTP/1.") => {
            code.parse().map_err(|_| PostError::Response)
        }
        _ => Err(PostError::Response),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    fn event(url: String) -> CallEvent {
        CallEvent {
            kind: "start",
            call_id: "c1".into(),
            from: "sip:alice@demo.bwclient.test".into(),
            to: "sip:bob@demo.bwclient.test".into(),
            endpoint_id: "re-1".into(),
            callback_url: url,
        }
    }

    #[test]
    fn splits_urls() {
        assert_eq!(
            split_http_url("http://127.0.0.1:9/cb?x=1"),
            Some(("127.0.0.1", 9, "/cb?x=1"))
        );
        assert_eq!(
            split_http_url("http://example.test"),
            Some(("example.test", 80, "/"))
        );
        assert_eq!(split_http_url("http://[::1]:81/a"), Some(("::1", 81, "/a")));
        assert_eq!(split_http_url("https://example.test/"), None);
        assert_eq!(split_http_url("http://u@example.test/"), None);
        assert_eq!(split_http_url("http://h/a b"), None);
        assert_eq!(split_http_url("http://h:notaport/"), None);
    }

    /// Accepts one connection, returns what was sent, answers with `status`.
    async fn answer_once(listener: &TcpListener, status: &str) -> String {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut got = Vec::new();
        let mut chunk = [0u8; 1024];
        // Read until the whole body (its length is in the headers) has arrived.
        loop {
            let n = sock.read(&mut chunk).await.unwrap();
            got.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&got).to_string();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .unwrap()
                    .parse()
                    .unwrap();
                if body.len() >= len || n == 0 {
                    break;
                }
            }
        }
        let reply = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n");
        sock.write_all(reply.as_bytes()).await.unwrap();
        String::from_utf8(got).unwrap()
    }

    #[tokio::test]
    async fn retries_5xx_then_stops_on_success() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/events", listener.local_addr().unwrap());
        let callbacks = Callbacks::start(CallbackConfig {
            first_backoff: Duration::from_millis(1),
            ..CallbackConfig::default()
        });
        assert!(callbacks.queue(event(url)));
        let first = answer_once(&listener, "503 Busy").await;
        assert!(first.starts_with("POST /events HTTP/1.1\r\n"), "{first}");
        let second = answer_once(&listener, "200 OK").await;
        let body = second.split_once("\r\n\r\n").unwrap().1;
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["eventType"], "start");
        assert_eq!(json["callId"], "c1");
        assert_eq!(json["endpointId"], "re-1");
    }

    #[tokio::test]
    async fn gives_up_after_bounded_attempts_and_on_4xx() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let config = CallbackConfig {
            attempts: 2,
            first_backoff: Duration::from_millis(1),
            ..CallbackConfig::default()
        };
        // Delivered directly so the test can await the end of the retries.
        let delivery = tokio::spawn({
            let (event, config) = (event(url.clone()), config.clone());
            async move { deliver(&event, &config).await }
        });
        answer_once(&listener, "500 Oops").await;
        answer_once(&listener, "500 Oops").await;
        delivery.await.unwrap();
        let delivery = tokio::spawn({
            let (event, config) = (event(url), config.clone());
            async move { deliver(&event, &config).await }
        });
        answer_once(&listener, "404 Not Found").await;
        delivery.await.unwrap();
        // No third connection came: both deliveries ended by themselves.
        let pending = tokio::time::timeout(Duration::from_millis(50), listener.accept()).await;
        assert!(pending.is_err());
    }

    #[test]
    fn queue_never_blocks_when_full() {
        let (tx, _rx) = mpsc::channel(1);
        let callbacks = Callbacks { tx };
        assert!(callbacks.queue(event("http://127.0.0.1:9/".into())));
        assert!(!callbacks.queue(event("http://127.0.0.1:9/".into())));
    }
}
