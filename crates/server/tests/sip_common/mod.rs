//! Shared helpers for the SIP-over-WebSocket tests: an in-memory `Directory`, a server on
//! loopback port 0 serving only `/sip`, and a WebSocket client that speaks SIP as literal text
//! (what a browser UA such as JsSIP sends).
#![allow(dead_code)] // each test binary uses a different subset

use bwclient_server::directory::{CallEvent, Directory, EndpointRecord};
use bwclient_server::sip::{router, SipConfig, SipService};
use bwclient_sip::token::Token;
use bwclient_sip::{HeaderName, Message, Request, Response};
use futures_util::{SinkExt, StreamExt};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Test-only token secret.
pub const SECRET: &[u8] = b"sip-test-only-secret";
/// The domain of most test endpoints, and another tenant's domain.
pub const HOST: &str = "acme.sip.test";
pub const OTHER_HOST: &str = "other.sip.test";
/// How long a test waits for any one frame before failing.
pub const WAIT: Duration = Duration::from_secs(10);

/// A `Directory` in memory: endpoints, numbers, revocations, and the events it was given.
#[derive(Default)]
pub struct MemDirectory {
    pub endpoints: Mutex<Vec<EndpointRecord>>,
    pub numbers: Mutex<HashMap<String, String>>,
    pub revoked: Mutex<HashSet<String>>,
    /// Digest usernames whose tokens were not minted for their endpoint.
    pub unbound: Mutex<HashSet<String>>,
    pub events: Mutex<Vec<CallEvent>>,
}

impl MemDirectory {
    /// alice, bob (number +15551234567), carol (disabled), dave (no application callback) in
    /// `HOST`; eve in `OTHER_HOST`. Passwords are `<name>-pw`.
    pub fn standard() -> Arc<MemDirectory> {
        let dir = MemDirectory::default();
        for (name, host, domain, enabled) in [
            ("alice", HOST, "d1", true),
            ("bob", HOST, "d1", true),
            ("carol", HOST, "d1", false),
            ("dave", HOST, "d1", true),
            ("eve", OTHER_HOST, "d2", true),
        ] {
            dir.add(EndpointRecord {
                id: format!("ep-{name}"),
                user_id: "u1".into(),
                domain_id: domain.into(),
                user: name.into(),
                host: host.into(),
                enabled,
                password: Some(format!("{name}-pw")),
                application_id: Some("app1".into()),
                callback_url: (name != "dave").then(|| format!("http://127.0.0.1:9/{name}")),
            });
        }
        dir.numbers
            .lock()
            .unwrap()
            .insert("+15551234567".into(), "ep-bob".into());
        Arc::new(dir)
    }

    pub fn add(&self, rec: EndpointRecord) {
        self.endpoints.lock().unwrap().push(rec);
    }

    pub fn set_enabled(&self, user: &str, enabled: bool) {
        for e in self.endpoints.lock().unwrap().iter_mut() {
            if e.user == user {
                e.enabled = enabled;
            }
        }
    }

    pub fn revoke(&self, token: &str) {
        self.revoked.lock().unwrap().insert(token.to_owned());
    }

    /// `(kind, endpoint id)` of every event so far, in order.
    pub fn event_kinds(&self) -> Vec<(String, String)> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .map(|e| (e.kind.to_owned(), e.endpoint_id.clone()))
            .collect()
    }
}

impl Directory for MemDirectory {
    fn endpoint_by_aor(&self, user: &str, host: &str) -> Option<EndpointRecord> {
        self.endpoints
            .lock()
            .unwrap()
            .iter()
            .find(|e| e.user == user && e.host.eq_ignore_ascii_case(host))
            .cloned()
    }

    fn endpoint_by_number(&self, e164: &str) -> Option<EndpointRecord> {
        let id = self.numbers.lock().unwrap().get(e164).cloned()?;
        self.endpoints
            .lock()
            .unwrap()
            .iter()
            .find(|e| e.id == id)
            .cloned()
    }

    fn is_token_revoked(&self, token: &str) -> bool {
        // Like the real store: keyed by the signed identity, so the digest username of a
        // revoked token is refused too.
        let key = Token::parse(token)
            .map(|t| t.digest_username())
            .unwrap_or_else(|_| token.to_owned());
        let revoked = self.revoked.lock().unwrap();
        revoked.contains(token)
            || revoked.iter().any(|r| {
                Token::parse(r)
                    .map(|t| t.digest_username() == key)
                    .unwrap_or(false)
            })
    }

    /// Every token a test mints is bound to the endpoint its identity names now, unless that
    /// username is in `unbound`.
    fn token_endpoint(&self, username: &str) -> Option<String> {
        if self.unbound.lock().unwrap().contains(username) {
            return None;
        }
        let (_, identity) = username.split_once(':')?;
        let (user, host) = identity.rsplit_once('@')?;
        self.endpoint_by_aor(user, host).map(|e| e.id)
    }

    fn token_secret(&self) -> Vec<u8> {
        SECRET.to_vec()
    }

    fn call_event(&self, event: CallEvent) {
        self.events.lock().unwrap().push(event);
    }
}

/// A running SIP server on loopback.
pub struct TestServer {
    pub addr: SocketAddr,
    pub service: Arc<SipService>,
    pub dir: Arc<MemDirectory>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(SipConfig::default()).await
    }

    pub async fn start_with(config: SipConfig) -> TestServer {
        let dir = MemDirectory::standard();
        let service = SipService::new(dir.clone(), config);
        let app = router(service.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TestServer { addr, service, dir }
    }

    pub fn url(&self) -> String {
        format!("ws://{}/sip", self.addr)
    }

    /// A token for `user@host` valid for an hour.
    pub fn token(&self, user: &str, host: &str) -> String {
        Token::mint(SECRET, now_unix() + 3600, user, host, &self.url())
            .as_str()
            .to_owned()
    }

    /// Connects a client with subprotocol `sip`.
    pub async fn client(&self, user: &str) -> Client {
        Client::connect(&self.url(), user).await
    }

    /// Waits (bounded) until `cond` holds, polling the server state.
    pub async fn until(&self, what: &str, mut cond: impl FnMut(&SipService) -> bool) {
        for _ in 0..500 {
            if cond(&self.service) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("timed out waiting for {what}");
    }
}

pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A SIP UA over one WebSocket, sending literal text.
pub struct Client {
    pub ws: Ws,
    /// The SIP user it acts as (its From / AOR).
    pub user: String,
    /// Its Contact URI user part and host (random-looking, like JsSIP's `xxx.invalid`).
    pub contact: String,
    seq: u32,
}

impl Client {
    pub async fn connect(url: &str, user: &str) -> Client {
        let mut req = url.into_client_request().expect("ws request");
        req.headers_mut()
            .insert("Sec-WebSocket-Protocol", "sip".parse().expect("header"));
        // Small client buffers (like a browser's): the test holds 1,000 of these.
        let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .read_buffer_size(4096)
            .write_buffer_size(0);
        let connecting = tokio_tungstenite::connect_async_with_config(req, Some(config), true);
        let (ws, resp) = tokio::time::timeout(WAIT, connecting)
            .await
            .expect("connect in time")
            .expect("websocket connects");
        assert_eq!(
            resp.headers()
                .get("Sec-WebSocket-Protocol")
                .and_then(|v| v.to_str().ok()),
            Some("sip")
        );
        let n = next_id();
        Client {
            ws,
            user: user.to_owned(),
            contact: format!("sip:{user}{n}@c{n}.invalid;transport=ws"),
            seq: 0,
        }
    }

    /// A fresh unique token for Call-IDs, tags and branches.
    pub fn fresh(&mut self) -> String {
        self.seq += 1;
        format!("{}{}x{}", self.user, next_id(), self.seq)
    }

    pub async fn send(&mut self, text: &str) {
        self.ws
            .send(WsMessage::text(text.to_owned()))
            .await
            .expect("send frame");
    }

    pub async fn send_binary(&mut self, bytes: &[u8]) {
        self.ws
            .send(WsMessage::binary(bytes.to_vec()))
            .await
            .expect("send frame");
    }

    /// The next text or binary frame: `(is_binary, bytes)`.
    pub async fn recv_raw(&mut self) -> (bool, Vec<u8>) {
        loop {
            let next = tokio::time::timeout(WAIT, self.ws.next()).await;
            let Ok(Some(Ok(frame))) = next else {
                panic!("{}: no frame", self.user)
            };
            match frame {
                WsMessage::Text(t) => return (false, t.as_bytes().to_vec()),
                WsMessage::Binary(b) => return (true, b.to_vec()),
                WsMessage::Close(_) => panic!("{}: connection closed", self.user),
                _ => continue,
            }
        }
    }

    /// The next text or binary frame, as text.
    pub async fn recv_text(&mut self) -> String {
        loop {
            let next = tokio::time::timeout(WAIT, self.ws.next()).await;
            let Ok(next) = next else {
                panic!("{}: no frame within {WAIT:?}", self.user)
            };
            let Some(frame) = next else {
                panic!("{}: connection closed", self.user)
            };
            let frame = frame.expect("frame");
            match frame {
                WsMessage::Text(t) => return t.as_str().to_owned(),
                WsMessage::Binary(b) => return String::from_utf8_lossy(&b).into_owned(),
                WsMessage::Close(_) => panic!("{}: connection closed", self.user),
                _ => continue,
            }
        }
    }

    /// The next SIP message (it must parse: the server only sends valid SIP).
    pub async fn recv(&mut self) -> Message {
        let text = self.recv_text().await;
        Message::parse(text.as_bytes())
            .unwrap_or_else(|e| panic!("{}: server sent unparsable SIP ({e}):\n{text}", self.user))
    }

    /// The next message, which must be a response with `code`.
    pub async fn expect_response(&mut self, code: u16) -> Response {
        match self.recv().await {
            Message::Response(r) if r.code == code => r,
            other => panic!("{}: expected {code}, got:\n{other}", self.user),
        }
    }

    /// The next message, which must be a request with `method`.
    pub async fn expect_request(&mut self, method: &str) -> Request {
        match self.recv().await {
            Message::Request(r) if r.method.as_str() == method => r,
            other => panic!("{}: expected {method}, got:\n{other}", self.user),
        }
    }

    /// Asserts nothing arrives within `d` (used only where silence is the behaviour under test;
    /// the test passes on silence, so it never depends on speed).
    pub async fn expect_silence(&mut self, d: Duration) {
        if let Ok(Some(Ok(frame))) = tokio::time::timeout(d, self.ws.next()).await {
            if !matches!(frame, WsMessage::Ping(_) | WsMessage::Pong(_)) {
                panic!("{}: expected silence, got {frame:?}", self.user);
            }
        }
    }

    /// A REGISTER as JsSIP writes it, with `extra` header lines (each ending in CRLF).
    pub fn register_text(
        &mut self,
        host: &str,
        expires: u32,
        call_id: &str,
        cseq: u32,
        extra: &str,
    ) -> String {
        let branch = self.fresh();
        let user = self.user.clone();
        let contact = self.contact.clone();
        format!(
            "REGISTER sip:{host} SIP/2.0\r\n\
             Via: SIP/2.0/WSS c.invalid;branch=z9hG4bK{branch}\r\n\
             Max-Forwards: 69\r\n\
             To: <sip:{user}@{host}>\r\n\
             From: <sip:{user}@{host}>;tag=reg{call_id}\r\n\
             Call-ID: {call_id}\r\n\
             CSeq: {cseq} REGISTER\r\n\
             Contact: <{contact}>;+sip.ice;expires={expires}\r\n\
             Expires: {expires}\r\n\
             Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\n\
             Supported: path,gruu,outbound\r\n\
             User-Agent: JsSIP 3.10.0\r\n\
             {extra}\
             Content-Length: 0\r\n\r\n"
        )
    }

    /// Registers with `X-Callsign-Token` and expects `200`.
    pub async fn register_with_token(&mut self, token: &str) -> Response {
        let call_id = self.fresh();
        let text = self.register_text(
            HOST,
            600,
            &call_id,
            1,
            &format!("X-Callsign-Token: {token}\r\n"),
        );
        self.send(&text).await;
        self.expect_response(200).await
    }

    /// An INVITE to `target` (a Request-URI) with an SDP offer and `extra` headers.
    pub fn invite_text(
        &mut self,
        target: &str,
        call_id: &str,
        from_tag: &str,
        extra: &str,
    ) -> String {
        let branch = self.fresh();
        let user = self.user.clone();
        let contact = self.contact.clone();
        let sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\n";
        format!(
            "INVITE {target} SIP/2.0\r\n\
             Via: SIP/2.0/WSS c.invalid;branch=z9hG4bK{branch}\r\n\
             Max-Forwards: 69\r\n\
             To: <{target}>\r\n\
             From: \"{user}\" <sip:{user}@{HOST}>;tag={from_tag}\r\n\
             Call-ID: {call_id}\r\n\
             CSeq: 5 INVITE\r\n\
             Contact: <{contact};ob>\r\n\
             Content-Type: application/sdp\r\n\
             Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\n\
             Supported: ice,replaces,outbound\r\n\
             User-Agent: JsSIP 3.10.0\r\n\
             {extra}\
             Content-Length: {}\r\n\r\n{sdp}",
            sdp.len()
        )
    }

    /// A response of this UA (as UAS) to `req`: Via/From/Call-ID/CSeq copied, To with
    /// `to_tag`, Record-Route copied for dialog responses (RFC 3261 §12.1.1), own Contact.
    pub fn response_text(&self, req: &Request, code: u16, reason: &str, to_tag: &str) -> String {
        let mut out = format!("SIP/2.0 {code} {reason}\r\n");
        for v in req.headers.get_all(&HeaderName::VIA) {
            out.push_str(&format!("Via: {v}\r\n"));
        }
        if (101..300).contains(&code) {
            for v in req.headers.get_all(&HeaderName::RECORD_ROUTE) {
                out.push_str(&format!("Record-Route: {v}\r\n"));
            }
        }
        let to = req.headers.get(&HeaderName::TO).unwrap_or("");
        let to = if to.contains(";tag=") {
            to.to_owned()
        } else {
            format!("{to};tag={to_tag}")
        };
        out.push_str(&format!("To: {to}\r\n"));
        for name in [HeaderName::FROM, HeaderName::CALL_ID, HeaderName::CSEQ] {
            let v = req.headers.get(&name).unwrap_or("");
            out.push_str(&format!("{}: {v}\r\n", name.as_str()));
        }
        if (101..300).contains(&code) {
            out.push_str(&format!("Contact: <{}>\r\n", self.contact));
        }
        out.push_str("Content-Length: 0\r\n\r\n");
        out
    }

    /// Sends `response_text`.
    pub async fn respond(&mut self, req: &Request, code: u16, reason: &str, to_tag: &str) {
        let text = self.response_text(req, code, reason, to_tag);
        self.send(&text).await;
    }

    /// An in-dialog request of this UA (RFC 3261 §12.2.1.1): Request-URI = remote target,
    /// Route = the route set, From/To with the dialog tags.
    #[allow(clippy::too_many_arguments)]
    pub fn in_dialog_text(
        &mut self,
        method: &str,
        remote_target: &str,
        route_set: &[String],
        from: &str,
        to: &str,
        call_id: &str,
        cseq: u32,
    ) -> String {
        let branch = self.fresh();
        let mut out = format!(
            "{method} {remote_target} SIP/2.0\r\nVia: SIP/2.0/WSS c.invalid;branch=z9hG4bK{branch}\r\nMax-Forwards: 69\r\n"
        );
        for r in route_set {
            out.push_str(&format!("Route: {r}\r\n"));
        }
        out.push_str(&format!(
            "From: {from}\r\nTo: {to}\r\nCall-ID: {call_id}\r\nCSeq: {cseq} {method}\r\nContent-Length: 0\r\n\r\n"
        ));
        out
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
        // Drain until the server's close arrives (bounded).
        let _ = tokio::time::timeout(WAIT, async {
            while let Some(Ok(_)) = self.ws.next().await {}
        })
        .await;
    }
}

fn next_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    N.fetch_add(1, Ordering::Relaxed)
}

/// The URI inside a `Contact`/`Record-Route` value `<uri>;params`.
pub fn uri_of(value: &str) -> String {
    let v = value.trim();
    match (v.find('<'), v.find('>')) {
        (Some(a), Some(b)) if a < b => v[a + 1..b].to_owned(),
        _ => v.split(';').next().unwrap_or(v).to_owned(),
    }
}

/// Every value of a header across lines, split at commas outside `<>` and quotes.
pub fn values(msg_headers: &bwclient_sip::Headers, name: &HeaderName) -> Vec<String> {
    let mut out = Vec::new();
    for line in msg_headers.get_all(name) {
        for item in bwclient_sip::header::split::split_list(line).expect("list") {
            out.push(item.to_owned());
        }
    }
    out
}

/// The `tag` of a From/To value.
pub fn tag_of(value: &str) -> String {
    value
        .split(";tag=")
        .nth(1)
        .map(|t| t.split(';').next().unwrap_or(t).to_owned())
        .unwrap_or_default()
}
