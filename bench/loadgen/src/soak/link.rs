//! One phone's WebSocket to the server: opened from a chosen loopback source address (so the
//! per-address caps of issue 11 see 200 phones as several small sites), a writer task fed by a
//! channel, and the client transactions waiting for their final response, keyed by the Via
//! branch (RFC 3261 §17.1.3).
use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::WebSocketStream;

use super::sip_text::SipText;

pub type Ws = WebSocketStream<TcpStream>;
pub type WsReader = SplitStream<Ws>;
pub type Res<T> = Result<T, String>;

/// Opens `url` (ws://127.x.x.x:PORT/…) from `source`, subprotocol `sip` (RFC 7118 §4).
pub async fn connect_from(url: &str, source: Ipv4Addr) -> Res<Ws> {
    let hostport = url
        .strip_prefix("ws://")
        .and_then(|r| r.split('/').next())
        .ok_or("url must be ws://HOST:PORT/…")?;
    let addr: SocketAddr = hostport
        .parse()
        .map_err(|_| format!("not IP:PORT: {hostport}"))?;
    let sock = TcpSocket::new_v4().map_err(|e| format!("socket: {e}"))?;
    sock.bind(SocketAddr::new(source.into(), 0))
        .map_err(|e| format!("bind {source}: {e}"))?;
    let stream = tokio::time::timeout(Duration::from_secs(10), sock.connect(addr))
        .await
        .map_err(|_| "connect timed out".to_owned())?
        .map_err(|e| format!("connect: {e}"))?;
    let mut req = url.into_client_request().map_err(|e| e.to_string())?;
    req.headers_mut()
        .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("sip"));
    let mut cfg = WebSocketConfig::default();
    cfg.read_buffer_size = 8 * 1024;
    cfg.write_buffer_size = 0;
    let (ws, _) = tokio::time::timeout(
        Duration::from_secs(10),
        tokio_tungstenite::client_async_with_config(req, stream, Some(cfg)),
    )
    .await
    .map_err(|_| "WebSocket handshake timed out".to_owned())?
    .map_err(|e| format!("handshake: {e}"))?;
    Ok(ws)
}

/// The sending half and the open client transactions of one connection.
pub struct Link {
    tx: mpsc::UnboundedSender<WsMessage>,
    pending: Mutex<HashMap<String, oneshot::Sender<SipText>>>,
}

impl Link {
    /// Splits `ws`: the writer runs in its own task until the link is dropped or the socket
    /// fails; the reading half is returned to the caller's read loop.
    pub fn start(ws: Ws) -> (std::sync::Arc<Link>, WsReader) {
        let (sink, stream) = ws.split();
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(write_loop(sink, rx));
        let link = std::sync::Arc::new(Link {
            tx,
            pending: Mutex::new(HashMap::new()),
        });
        (link, stream)
    }

    pub fn send(&self, text: String) -> Res<()> {
        self.tx
            .send(WsMessage::text(text))
            .map_err(|_| "connection closed".to_owned())
    }

    /// Sends a request and waits for its final response (provisional ones are skipped).
    pub async fn request(&self, text: String, branch: &str, wait: Duration) -> Res<SipText> {
        let (done_tx, done_rx) = oneshot::channel();
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(branch.to_owned(), done_tx);
        if let Err(e) = self.send(text) {
            self.forget(branch);
            return Err(e);
        }
        let out = match tokio::time::timeout(wait, done_rx).await {
            Ok(Ok(resp)) => Ok(resp),
            Ok(Err(_)) => Err("connection closed".to_owned()),
            Err(_) => Err(format!("no final response in {} s", wait.as_secs())),
        };
        self.forget(branch);
        out
    }

    fn forget(&self, branch: &str) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(branch);
    }

    /// Hands a final response to the transaction that waits for it; `false` if none does.
    pub fn answer(&self, resp: SipText) -> bool {
        if resp.status().unwrap_or(0) < 200 {
            return true;
        }
        let Some(branch) = resp.top_branch() else {
            return false;
        };
        let waiter = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&branch);
        match waiter {
            Some(w) => w.send(resp).is_ok(),
            None => false,
        }
    }

    /// Fails every open transaction (the connection is gone).
    pub fn close(&self) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

async fn write_loop(
    mut sink: SplitSink<Ws, WsMessage>,
    mut rx: mpsc::UnboundedReceiver<WsMessage>,
) {
    while let Some(m) = rx.recv().await {
        if sink.send(m).await.is_err() {
            break;
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), sink.close()).await;
}

/// Reads the next SIP message (text or binary frame); `None` when the connection ended.
pub async fn next_sip(stream: &mut WsReader) -> Option<Option<SipText>> {
    loop {
        match stream.next().await? {
            Ok(WsMessage::Text(t)) => return Some(SipText::cut(t.as_bytes())),
            Ok(WsMessage::Binary(b)) => return Some(SipText::cut(&b)),
            Ok(WsMessage::Close(_)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}
