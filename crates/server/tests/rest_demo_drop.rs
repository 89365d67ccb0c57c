//! Issue 11, hole 10: `POST /demo/drop` answers the server's own pages only. A request from
//! another origin gets `403 {"code": "cross_origin"}`, drops nothing and carries no
//! `Access-Control-Allow-Origin`; a CORS preflight is not served; the same origin (or no
//! `Origin`, as curl sends) works; an origin the operator allowed works too.

mod common;

use bwclient_server::app::RunningServer;
use bwclient_server::config::Config;
use bwclient_server::demo::DemoToken;
use common::{config, start_with};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const ALICE: &str = "alice@demo.bwclient.test";

/// Alice's phone: a `/sip` WebSocket registered with a demo token. Kept open by the caller.
async fn register_alice(
    server: &RunningServer,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let token: DemoToken = reqwest::get(format!("{}/demo/token?endpoint=alice", server.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut req = server.ws_url.as_str().into_client_request().unwrap();
    req.headers_mut()
        .insert("Sec-WebSocket-Protocol", "sip".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let register = format!(
        "REGISTER sip:demo.bwclient.test SIP/2.0\r\nVia: SIP/2.0/WS a.invalid;branch=z9hG4bKd1\r\n\
         Max-Forwards: 70\r\nTo: <sip:{ALICE}>\r\nFrom: <sip:{ALICE}>;tag=d1\r\nCall-ID: drop-1\r\n\
         CSeq: 1 REGISTER\r\nContact: <sip:a@a.invalid;transport=ws>\r\nExpires: 600\r\n\
         X-Callsign-Token: {}\r\nContent-Length: 0\r\n\r\n",
        token.token
    );
    ws.send(Message::text(register)).await.unwrap();
    let answer = ws.next().await.unwrap().unwrap().into_text().unwrap();
    assert!(answer.starts_with("SIP/2.0 200 "), "{answer}");
    ws
}

/// `POST /demo/drop?endpoint=alice` with `origin` (if any): status, ACAO, CORP, JSON body.
async fn drop_alice(
    server: &RunningServer,
    origin: Option<&str>,
) -> (u16, Option<String>, Option<String>, serde_json::Value) {
    let mut req =
        reqwest::Client::new().post(format!("{}/demo/drop?endpoint=alice", server.base_url()));
    if let Some(origin) = origin {
        req = req.header("origin", origin);
    }
    let res = req.send().await.unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let acao = header("access-control-allow-origin");
    let corp = header("cross-origin-resource-policy");
    let status = res.status().as_u16();
    let body = res.json().await.unwrap_or(serde_json::Value::Null);
    (status, acao, corp, body)
}

#[tokio::test]
async fn demo_drop_is_same_origin_only() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(Config {
        demo: true,
        token_secret: Some(common::TEST_SECRET.to_owned()),
        ..config(dir.path())
    })
    .await;
    let _alice = register_alice(&server).await;
    assert_eq!(server.sip.registered_contacts(ALICE), 1);

    // Another site, another port of the same host, a sandboxed page: refused, nothing dropped.
    let port = server.addr.port();
    for origin in [
        "https://evil.example".to_owned(),
        format!("http://127.0.0.1:{}", port + 1),
        "null".to_owned(),
    ] {
        let (status, acao, _, body) = drop_alice(&server, Some(&origin)).await;
        assert_eq!(status, 403, "{origin}");
        assert_eq!(acao, None, "{origin}");
        assert_eq!(body["code"], "cross_origin", "{origin}");
        assert!(body["error"].is_string());
    }
    assert_eq!(server.sip.registered_contacts(ALICE), 1, "nothing dropped");

    // No CORS preflight is served.
    let preflight = reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/demo/drop?endpoint=alice", server.base_url()),
        )
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(
        preflight.status().is_client_error(),
        "{}",
        preflight.status()
    );
    assert!(preflight
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    // The server's own page: dropped, still no ACAO.
    let own = server.base_url();
    let (status, acao, corp, body) = drop_alice(&server, Some(&own)).await;
    assert_eq!((status, acao), (200, None));
    assert_eq!(corp.as_deref(), Some("same-origin"));
    assert_eq!(body["dropped"], 1);
    // No Origin at all (curl, the e2e harness): works.
    let (status, _, _, body) = drop_alice(&server, None).await;
    assert_eq!((status, body["dropped"].as_u64()), (200, Some(0)));
    server.stop().await;
}

#[tokio::test]
async fn demo_drop_accepts_an_origin_the_operator_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(Config {
        demo: true,
        token_secret: Some(common::TEST_SECRET.to_owned()),
        demo_drop_origins: vec!["http://127.0.0.1:18191".to_owned()],
        ..config(dir.path())
    })
    .await;
    let (status, acao, corp, body) = drop_alice(&server, Some("http://127.0.0.1:18191")).await;
    assert_eq!((status, acao), (200, None));
    // The browser-test page is cross-origin isolated and sends it no-cors.
    assert_eq!(corp.as_deref(), Some("cross-origin"));
    assert_eq!(body["dropped"], 0);
    let (status, _, _, _) = drop_alice(&server, Some("http://127.0.0.1:18192")).await;
    assert_eq!(status, 403);
    server.stop().await;
}
