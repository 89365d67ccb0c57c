//! Shared helpers for the Kamailio tests: the profile in `deploy/kamailio/` started for real
//! (`run.sh`) on a free loopback port, reading the in-process server's database
//! (`$BWCLIENT_DB`), and a SIP-over-WebSocket client speaking raw SIP to it.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use bwclient_sip::auth::challenge::DigestChallenge;
use bwclient_sip::header::typed::{
    Authorization, ProxyAuthenticate, ProxyAuthorization, WwwAuthenticate,
};
use bwclient_sip::token::Token;
use bwclient_sip::{Message, Request, Response};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::MaybeTlsStream;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running Kamailio, stopped on drop.
pub struct Kamailio {
    run_dir: tempfile::TempDir,
    pub port: u16,
    secret: String,
    /// How run.sh finds bwclient-server's database: `BWCLIENT_DB` (a SQLite file) or
    /// `BWCLIENT_DB_URL` (PostgreSQL), and its value.
    db: (&'static str, String),
    /// The node's address (`KAM_LISTEN_ADDR`) and, for a cluster node, its peers
    /// (`KAM_DMQ_PEERS`: `ip:port,…`).
    pub addr: String,
    peers: Option<String>,
}

/// A free TCP port on `addr` (bind 0, read it, release it for Kamailio).
pub fn free_port(addr: &str) -> u16 {
    std::net::TcpListener::bind((addr, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Kamailio {
    /// Starts the profile with `secret`, reading bwclient-server's database file `db`.
    pub fn start(secret: &str, db: &Path) -> Kamailio {
        Self::start_on(secret, ("BWCLIENT_DB", db.to_string_lossy().into_owned()))
    }

    /// Starts the profile with `secret`, reading bwclient-server's PostgreSQL database `url`
    /// (`$BWCLIENT_DB_URL`, db_postgres).
    pub fn start_postgres(secret: &str, url: &str) -> Kamailio {
        Self::start_on(secret, ("BWCLIENT_DB_URL", url.to_owned()))
    }

    fn start_on(secret: &str, db: (&'static str, String)) -> Kamailio {
        let run_dir = tempfile::tempdir().unwrap();
        // A free port: bind 0, read it, release it for Kamailio.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let kamailio = Kamailio {
            run_dir,
            port,
            secret: secret.to_owned(),
            db,
            addr: "127.0.0.1".to_owned(),
            peers: None,
        };
        kamailio.run_start();
        kamailio
    }

    /// Starts one node of a cluster (`run.sh` with `KAM_LISTEN_ADDR=addr`,
    /// `KAM_DMQ_PEERS=peers`) on `addr:port`.
    pub fn start_node(secret: &str, db: &Path, addr: &str, port: u16, peers: &str) -> Kamailio {
        let db = ("BWCLIENT_DB", db.to_string_lossy().into_owned());
        Self::start_node_on(secret, db, addr, port, peers)
    }

    /// [`Kamailio::start_node`] reading bwclient-server's database as `db` says:
    /// `("BWCLIENT_DB", file)` or `("BWCLIENT_DB_URL", "postgres://…")`.
    pub fn start_node_on(
        secret: &str,
        db: (&'static str, String),
        addr: &str,
        port: u16,
        peers: &str,
    ) -> Kamailio {
        let kamailio = Kamailio {
            run_dir: tempfile::tempdir().unwrap(),
            port,
            secret: secret.to_owned(),
            db,
            addr: addr.to_owned(),
            peers: Some(peers.to_owned()),
        };
        kamailio.run_start();
        kamailio
    }

    /// Stops this node (as `run.sh stop`: SIGTERM, then SIGKILL after 5 s).
    pub fn stop(&self) {
        self.run_stop();
    }

    fn run_start(&self) {
        let out = Command::new("bash")
            .arg(repo_root().join("deploy/kamailio/run.sh"))
            .args([
                "start",
                self.run_dir.path().to_str().unwrap(),
                &self.port.to_string(),
            ])
            .env("BWCLIENT_TOKEN_SECRET", &self.secret)
            .env(self.db.0, &self.db.1)
            .env("KAM_LISTEN_ADDR", &self.addr)
            .env("KAM_DMQ_PEERS", self.peers.as_deref().unwrap_or(""))
            .output()
            .expect("bash runs; kamailio must be installed (npm test's setup installs it)");
        assert!(
            out.status.success(),
            "kamailio did not start: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn run_stop(&self) {
        let _ = Command::new("bash")
            .arg(repo_root().join("deploy/kamailio/run.sh"))
            .args(["stop", self.run_dir.path().to_str().unwrap()])
            .output();
    }

    /// Kamailio's own state file (`run.sh`: registrations and dialogs).
    pub fn state_db(&self) -> PathBuf {
        self.run_dir.path().join("kamailio-state.db")
    }

    /// Polls Kamailio's state file until `sql` (a `SELECT COUNT(*)`) gives at least 1, within 10 s.
    pub async fn wait_state(&self, what: &str, sql: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let n: i64 = rusqlite::Connection::open_with_flags(
                self.state_db(),
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .and_then(|c| c.query_row(sql, [], |r| r.get(0)))
            .unwrap_or(0);
            if n > 0 {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{what}: not in Kamailio's state file within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops Kamailio (SIGTERM, as `run.sh stop` does) and starts it again on the same port and
    /// run directory: its state file (registrations, dialogs) is what it had.
    pub fn restart(&self) {
        self.run_stop();
        self.run_start();
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self.run_dir.path().join("kamailio.log"))
                .unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(60).collect();
            eprintln!("--- kamailio.log (last lines)");
            for line in tail.iter().rev() {
                eprintln!("{line}");
            }
        }
        self.run_stop();
    }
}

pub type Ws = tokio_tungstenite::WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(port: u16) -> Ws {
    connect_to("127.0.0.1", port).await
}

/// A WebSocket (subprotocol `sip`) to `addr:port`.
pub async fn connect_to(addr: &str, port: u16) -> Ws {
    let mut req = format!("ws://{addr}:{port}/")
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("Sec-WebSocket-Protocol", "sip".parse().unwrap());
    let (ws, resp) = tokio_tungstenite::connect_async(req)
        .await
        .expect("ws connects");
    assert_eq!(
        resp.headers()
            .get("Sec-WebSocket-Protocol")
            .map(|v| v.to_str().unwrap()),
        Some("sip")
    );
    ws
}

/// The local port of `ws`'s TCP connection: the flow Kamailio knows this client by.
pub fn local_port(ws: &Ws) -> u16 {
    match ws.get_ref() {
        MaybeTlsStream::Plain(tcp) => tcp.local_addr().unwrap().port(),
        _ => unreachable!("plain ws only"),
    }
}

/// What arrives on a WebSocket: a SIP message, or the end of the connection.
#[derive(Debug)]
pub enum Incoming {
    Sip(Message),
    Closed,
}

/// The next SIP message or close on `ws` within `wait` (`None` if nothing came).
pub async fn next_incoming(ws: &mut Ws, wait: Duration) -> Option<Incoming> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let frame = match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return None,
            Ok(None) | Ok(Some(Err(_))) => return Some(Incoming::Closed),
            Ok(Some(Ok(frame))) => frame,
        };
        let bytes = match frame {
            WsMessage::Text(t) => t.as_bytes().to_vec(),
            WsMessage::Binary(b) => b.to_vec(),
            WsMessage::Close(_) => return Some(Incoming::Closed),
            _ => continue,
        };
        if let Ok(m) = Message::parse(&bytes) {
            return Some(Incoming::Sip(m));
        }
    }
}

/// The next SIP request on `ws` within `wait` (skipping responses).
pub async fn next_request(ws: &mut Ws, wait: Duration) -> Option<Request> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match next_incoming(ws, left).await? {
            Incoming::Sip(Message::Request(r)) => return Some(r),
            Incoming::Sip(_) => continue,
            Incoming::Closed => return None,
        }
    }
}

/// Sends `text` and returns the first final response (skipping 1xx).
pub async fn transact(ws: &mut Ws, text: String) -> Response {
    ws.send(WsMessage::text(text)).await.unwrap();
    loop {
        match next_incoming(ws, Duration::from_secs(5)).await {
            Some(Incoming::Sip(Message::Response(r))) if r.code >= 200 => return r,
            Some(Incoming::Sip(_)) => continue,
            Some(Incoming::Closed) => panic!("socket closed while waiting for an answer"),
            None => panic!("no answer within 5 s"),
        }
    }
}

pub fn register(user: &str, host: &str, cseq: u32, call_id: &str, auth: Option<&str>) -> String {
    register_instance(user, host, cseq, call_id, auth, None)
}

/// A REGISTER as [`register`] writes it; with `instance` (a `urn:uuid:…`), its Contact carries
/// `+sip.instance`, `reg-id=1` and `ob` (RFC 5626 section 4.2).
pub fn register_instance(
    user: &str,
    host: &str,
    cseq: u32,
    call_id: &str,
    auth: Option<&str>,
    instance: Option<&str>,
) -> String {
    let mut m = String::new();
    m.push_str(&format!("REGISTER sip:{host} SIP/2.0\r\n"));
    m.push_str(&format!(
        "Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK{call_id}{cseq}\r\n"
    ));
    m.push_str("Max-Forwards: 70\r\n");
    m.push_str(&format!("To: <sip:{user}@{host}>\r\n"));
    m.push_str(&format!("From: <sip:{user}@{host}>;tag=t{call_id}\r\n"));
    m.push_str(&format!("Call-ID: {call_id}\r\n"));
    m.push_str(&format!("CSeq: {cseq} REGISTER\r\n"));
    match instance {
        None => m.push_str(&format!(
            "Contact: <sip:{user}@{call_id}.invalid;transport=ws>;expires=600\r\n"
        )),
        Some(urn) => m.push_str(&format!(
            "Contact: <sip:{user}@{call_id}.invalid;transport=ws;ob>;+sip.instance=\"<{urn}>\";reg-id=1;expires=600\r\n"
        )),
    }
    if let Some(a) = auth {
        m.push_str(&format!("Authorization: {a}\r\n"));
    }
    m.push_str("Content-Length: 0\r\n\r\n");
    m
}

/// The `Authorization` value answering a 401 `challenge` with `token`'s credentials.
pub fn register_credentials(challenge: &Response, token: &Token, host: &str) -> String {
    let challenge = challenge
        .headers
        .typed::<WwwAuthenticate>()
        .expect("WWW-Authenticate present")
        .expect("WWW-Authenticate parses")
        .0;
    let digest = DigestChallenge::from_challenge(&challenge, false).expect("a digest challenge");
    let creds = digest.answer(
        &token.digest_username(),
        &token.digest_password(),
        "REGISTER",
        &format!("sip:{host}"),
        1,
        "0a4f113b",
    );
    let mut value = String::new();
    bwclient_sip::TypedHeader::print(&Authorization(creds), &mut value);
    value
}

/// REGISTERs `user@host` answering the 401 with `token`'s ephemeral credentials; returns the
/// final response to the authenticated REGISTER.
pub async fn register_with_token(
    ws: &mut Ws,
    user: &str,
    host: &str,
    token: &Token,
    call_id: &str,
) -> Response {
    register_instance_with_token(ws, user, host, token, call_id, None).await
}

/// As [`register_with_token`], the Contact carrying `instance` when given ([`register_instance`]).
pub async fn register_instance_with_token(
    ws: &mut Ws,
    user: &str,
    host: &str,
    token: &Token,
    call_id: &str,
    instance: Option<&str>,
) -> Response {
    let first = transact(
        ws,
        register_instance(user, host, 1, call_id, None, instance),
    )
    .await;
    assert_eq!(first.code, 401, "unauthenticated REGISTER is challenged");
    let value = register_credentials(&first, token, host);
    transact(
        ws,
        register_instance(user, host, 2, call_id, Some(&value), instance),
    )
    .await
}

pub fn invite(
    from: &str,
    to: &str,
    host: &str,
    call_id: &str,
    cseq: u32,
    auth: Option<&str>,
) -> String {
    let mut m = String::new();
    m.push_str(&format!("INVITE sip:{to}@{host} SIP/2.0\r\n"));
    m.push_str(&format!(
        "Via: SIP/2.0/WS b0b.invalid;branch=z9hG4bK{call_id}{cseq}\r\n"
    ));
    m.push_str("Max-Forwards: 70\r\n");
    m.push_str(&format!("To: <sip:{to}@{host}>\r\n"));
    m.push_str(&format!("From: <sip:{from}@{host}>;tag=inv{from}\r\n"));
    m.push_str(&format!("Call-ID: {call_id}\r\n"));
    m.push_str(&format!("CSeq: {cseq} INVITE\r\n"));
    m.push_str(&format!(
        "Contact: <sip:{from}@b0b.invalid;transport=ws>\r\n"
    ));
    if let Some(a) = auth {
        m.push_str(&format!("Proxy-Authorization: {a}\r\n"));
    }
    m.push_str("Content-Length: 0\r\n\r\n");
    m
}

/// Sends an INVITE `from` → `to` with `token`'s credentials (answering the 407); read what
/// comes back with [`answer`].
pub async fn invite_with_token(
    ws: &mut Ws,
    from: &str,
    to: &str,
    host: &str,
    token: &Token,
    call_id: &str,
) {
    let first = transact(ws, invite(from, to, host, call_id, 1, None)).await;
    assert_eq!(first.code, 407, "an INVITE is challenged with 407");
    let challenge = first
        .headers
        .typed::<ProxyAuthenticate>()
        .expect("Proxy-Authenticate")
        .expect("parses")
        .0;
    let digest = DigestChallenge::from_challenge(&challenge, true).expect("digest");
    let creds = digest.answer(
        &token.digest_username(),
        &token.digest_password(),
        "INVITE",
        &format!("sip:{to}@{host}"),
        1,
        "5c1e6d3a",
    );
    let mut value = String::new();
    bwclient_sip::TypedHeader::print(&ProxyAuthorization(creds), &mut value);
    ws.send(WsMessage::text(invite(
        from,
        to,
        host,
        call_id,
        2,
        Some(&value),
    )))
    .await
    .unwrap();
}

/// The first response other than 100 Trying on `ws` within 5 s.
pub async fn answer(ws: &mut Ws) -> Response {
    loop {
        match next_incoming(ws, Duration::from_secs(5)).await {
            Some(Incoming::Sip(Message::Response(r))) if r.code != 100 => return r,
            Some(Incoming::Sip(_)) => continue,
            other => panic!("no answer within 5 s: {other:?}"),
        }
    }
}

/// The next SIP request on `ws` as text (skipping responses), within 5 s.
pub async fn next_request_text(ws: &mut Ws) -> String {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a request within 5 s")
            .expect("socket open")
            .expect("frame");
        let text = match frame {
            WsMessage::Text(t) => t.to_string(),
            WsMessage::Binary(b) => String::from_utf8_lossy(&b).into_owned(),
            _ => continue,
        };
        if !text.starts_with("SIP/2.0") {
            return text;
        }
    }
}

/// A response to the request `req` (text), copying Via, Record-Route, From, To, Call-ID and
/// CSeq (RFC 3261 section 8.2.6.2), with `to_tag` added to To and `contact` as Contact.
pub fn response_to(req: &str, code: &str, to_tag: &str, contact: &str) -> String {
    let mut m = format!("SIP/2.0 {code}\r\n");
    for line in req.split("\r\n").skip(1) {
        let name = line
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match name.as_str() {
            "via" | "record-route" | "from" | "call-id" | "cseq" => {
                m.push_str(line);
                m.push_str("\r\n");
            }
            "to" => m.push_str(&format!("{line};tag={to_tag}\r\n")),
            _ => {}
        }
    }
    m.push_str(&format!(
        "Contact: <{contact}>\r\nContent-Length: 0\r\n\r\n"
    ));
    m
}
