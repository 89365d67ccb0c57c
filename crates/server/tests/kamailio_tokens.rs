//! The tokens `bwclient-server` mints over REST are accepted by stock Kamailio 5.6 running the
//! profile in `deploy/kamailio/` with the same secret (`auth_ephemeral`), and only for the
//! identity they name. Kamailio is started for real (`deploy/kamailio/run.sh`) on a free
//! loopback port; the client speaks SIP over a real WebSocket.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use bwclient_sip::auth::challenge::DigestChallenge;
use bwclient_sip::header::typed::{Authorization, WwwAuthenticate};
use bwclient_sip::token::Token;
use bwclient_sip::{Message, Response};
use common::{start, Api, TEST_SECRET};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as WsMessage;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running Kamailio, stopped on drop.
struct Kamailio {
    run_dir: tempfile::TempDir,
    port: u16,
}

impl Kamailio {
    fn start(secret: &str) -> Kamailio {
        let run_dir = tempfile::tempdir().unwrap();
        // A free port: bind 0, read it, release it for Kamailio.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let out = Command::new("bash")
            .arg(repo_root().join("deploy/kamailio/run.sh"))
            .args(["start", run_dir.path().to_str().unwrap(), &port.to_string()])
            .env("BWCLIENT_TOKEN_SECRET", secret)
            .output()
            .expect("bash runs; kamailio must be installed (npm test's setup installs it)");
        assert!(
            out.status.success(),
            "kamailio did not start: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Kamailio { run_dir, port }
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(repo_root().join("deploy/kamailio/run.sh"))
            .args(["stop", self.run_dir.path().to_str().unwrap()])
            .output();
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(port: u16) -> Ws {
    let mut req = format!("ws://127.0.0.1:{port}/")
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

/// Sends `text` and returns the first final response (skipping 1xx).
async fn transact(ws: &mut Ws, text: String) -> Response {
    ws.send(WsMessage::text(text)).await.unwrap();
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("an answer within 5 s")
            .expect("socket open")
            .expect("frame");
        let bytes = match frame {
            WsMessage::Text(t) => t.as_bytes().to_vec(),
            WsMessage::Binary(b) => b.to_vec(),
            _ => continue,
        };
        if let Ok(Message::Response(r)) = Message::parse(&bytes) {
            if r.code >= 200 {
                return r;
            }
        }
    }
}

fn register(user: &str, host: &str, cseq: u32, call_id: &str, auth: Option<&str>) -> String {
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
    m.push_str(&format!(
        "Contact: <sip:{user}@df7jal23ls0d.invalid;transport=ws>;expires=600\r\n"
    ));
    if let Some(a) = auth {
        m.push_str(&format!("Authorization: {a}\r\n"));
    }
    m.push_str("Content-Length: 0\r\n\r\n");
    m
}

/// REGISTERs `user@host` answering the 401 with `token`'s ephemeral credentials; returns the
/// final response to the authenticated REGISTER.
async fn register_with_token(
    ws: &mut Ws,
    user: &str,
    host: &str,
    token: &Token,
    call_id: &str,
) -> Response {
    let first = transact(ws, register(user, host, 1, call_id, None)).await;
    assert_eq!(first.code, 401, "unauthenticated REGISTER is challenged");
    let challenge = first
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
    transact(ws, register(user, host, 2, call_id, Some(&value))).await
}

#[tokio::test]
async fn kamailio_accepts_rest_minted_tokens_for_their_identity_only() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api.domain_with("kam", &["alice", "bob"]).await;
    let alice_id = eps[0]["id"].as_str().unwrap();
    let minted = api
        .create(
            &format!("/domains/{domain_id}/endpoints/{alice_id}/tokens"),
            json!({ "expires": 3600 }),
        )
        .await;
    let token = Token::parse(minted["token"].as_str().unwrap()).expect("token parses");
    assert_eq!(token.user, "alice");
    let host = token.host.clone();

    let kamailio = Kamailio::start(TEST_SECRET);
    let mut ws = connect(kamailio.port).await;

    // The token's own identity registers.
    let ok = register_with_token(&mut ws, "alice", &host, &token, "kam-alice").await;
    assert_eq!(
        ok.code, 200,
        "alice registers with her token: {} {}",
        ok.code, ok.reason
    );

    // The same token does not let anyone register as bob.
    let stolen = register_with_token(&mut ws, "bob", &host, &token, "kam-bob").await;
    assert_eq!(stolen.code, 403, "alice's token must not register bob");

    // A token signed with another secret is refused (challenged again).
    let forged = Token::mint(
        b"not-the-secret",
        token.expires,
        "alice",
        &host,
        &token.ws_url,
    );
    let refused = register_with_token(&mut ws, "alice", &host, &forged, "kam-forged").await;
    assert!(
        refused.code == 401 || refused.code == 403,
        "a forged token is refused, got {}",
        refused.code
    );

    // An expired token is refused even though its signature is right.
    let expired = Token::mint(
        TEST_SECRET.as_bytes(),
        1_000_000,
        "alice",
        &host,
        &token.ws_url,
    );
    let late = register_with_token(&mut ws, "alice", &host, &expired, "kam-expired").await;
    assert!(
        late.code == 401 || late.code == 403,
        "an expired token is refused, got {}",
        late.code
    );
    server.stop().await;
}

fn invite(from: &str, to: &str, host: &str, cseq: u32, auth: Option<&str>) -> String {
    let mut m = String::new();
    m.push_str(&format!("INVITE sip:{to}@{host} SIP/2.0\r\n"));
    m.push_str(&format!(
        "Via: SIP/2.0/WS b0b.invalid;branch=z9hG4bKinv{cseq}\r\n"
    ));
    m.push_str("Max-Forwards: 70\r\n");
    m.push_str(&format!("To: <sip:{to}@{host}>\r\n"));
    m.push_str(&format!("From: <sip:{from}@{host}>;tag=inv{from}\r\n"));
    m.push_str("Call-ID: kam-dead-contact\r\n");
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

/// `handle_lost_tcp`: a contact whose WebSocket closed is gone at once, so a call to it is
/// answered at once instead of forking to a dead branch until a timeout.
#[tokio::test]
async fn kamailio_drops_the_contact_of_a_closed_websocket() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api.domain_with("kamdead", &["alice", "bob"]).await;
    let mut tokens = Vec::new();
    for ep in &eps {
        let id = ep["id"].as_str().unwrap();
        let minted = api
            .create(
                &format!("/domains/{domain_id}/endpoints/{id}/tokens"),
                json!({}),
            )
            .await;
        tokens.push(Token::parse(minted["token"].as_str().unwrap()).unwrap());
    }
    let host = tokens[0].host.clone();
    let kamailio = Kamailio::start(TEST_SECRET);

    let mut alice = connect(kamailio.port).await;
    let ok = register_with_token(&mut alice, "alice", &host, &tokens[0], "dead-alice").await;
    assert_eq!(ok.code, 200);
    alice.close(None).await.unwrap();
    drop(alice);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut bob = connect(kamailio.port).await;
    let first = transact(&mut bob, invite("bob", "alice", &host, 1, None)).await;
    assert_eq!(first.code, 407, "an INVITE is challenged with 407");
    let challenge = first
        .headers
        .typed::<bwclient_sip::header::typed::ProxyAuthenticate>()
        .expect("Proxy-Authenticate")
        .expect("parses")
        .0;
    let digest = DigestChallenge::from_challenge(&challenge, true).expect("digest");
    let creds = digest.answer(
        &tokens[1].digest_username(),
        &tokens[1].digest_password(),
        "INVITE",
        &format!("sip:alice@{host}"),
        1,
        "5c1e6d3a",
    );
    let mut value = String::new();
    bwclient_sip::TypedHeader::print(
        &bwclient_sip::header::typed::ProxyAuthorization(creds),
        &mut value,
    );
    let answer = tokio::time::timeout(
        Duration::from_secs(4),
        transact(&mut bob, invite("bob", "alice", &host, 2, Some(&value))),
    )
    .await
    .expect("answered at once, not after a branch timeout");
    assert!(
        answer.code == 404 || answer.code == 480,
        "alice's dead contact is gone: got {} {}",
        answer.code,
        answer.reason
    );
    server.stop().await;
}
