//! The demo page and the built client on the API's port, with the right content types; and
//! call events delivered to an application's `incomingCallUrl`.

mod common;

use bwclient_server::directory::{CallEvent, Directory};
use common::{start, Api};
use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[tokio::test]
async fn serves_www_and_pkg_with_content_types() {
    let dir = tempfile::tempdir().unwrap();
    let www = dir.path().join("www");
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<!doctype html><title>demo</title>").unwrap();
    std::fs::write(www.join("app.js"), "console.log('hi')").unwrap();
    let wasm = b"\0asm\x01\0\0\0";
    std::fs::write(pkg.join("bwclient_bg.wasm"), wasm).unwrap();
    std::fs::write(pkg.join("bwclient.js"), "export default 1").unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user).with_auth(None);

    let page = api.send(Method::GET, "/", None).await;
    assert_eq!(page.status, 200);
    assert!(page
        .content_type
        .as_deref()
        .unwrap()
        .starts_with("text/html"));
    assert!(String::from_utf8_lossy(&page.bytes).contains("<title>demo</title>"));
    let page = api.send(Method::GET, "/index.html", None).await;
    assert!(page
        .content_type
        .as_deref()
        .unwrap()
        .starts_with("text/html"));

    let js = api.send(Method::GET, "/app.js", None).await;
    assert_eq!(js.status, 200);
    assert!(js.content_type.as_deref().unwrap().contains("javascript"));
    let js = api.send(Method::GET, "/pkg/bwclient.js", None).await;
    assert_eq!(js.status, 200);
    assert!(js.content_type.as_deref().unwrap().contains("javascript"));

    let res = api.send(Method::GET, "/pkg/bwclient_bg.wasm", None).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.content_type.as_deref(), Some("application/wasm"));
    assert_eq!(res.bytes, wasm);

    assert_eq!(
        api.send(Method::GET, "/pkg/missing.wasm", None)
            .await
            .status,
        404
    );
    assert_eq!(
        api.send(Method::GET, "/missing.html", None).await.status,
        404
    );
    // No escaping the folders (sent raw: an HTTP client library would normalise the `..`).
    for path in [
        "/../data/bwclient.db",
        "/pkg/../../data/bwclient.db",
        "/%2e%2e/data/bwclient.db",
    ] {
        let head = raw_get(server.addr, path).await;
        assert!(
            head.starts_with("HTTP/1.1 404") || head.starts_with("HTTP/1.1 400"),
            "{path}: {head}"
        );
    }
    server.stop().await;
}

/// The status line and headers of a raw `GET path`, sent byte for byte.
async fn raw_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    sock.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    sock.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(
        !answer.contains("SQLite format"),
        "{path} leaked the database"
    );
    answer
}

/// Reads one HTTP request (headers and the whole body) and answers it with `status`.
async fn answer(listener: &TcpListener, status: &str) -> String {
    let (mut sock, _) = listener.accept().await.unwrap();
    let mut got = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        let n = sock.read(&mut chunk).await.unwrap();
        got.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            if body.len() >= len {
                break;
            }
        }
        assert!(n > 0, "connection closed early");
    }
    let reply = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    sock.write_all(reply.as_bytes()).await.unwrap();
    String::from_utf8(got).unwrap()
}

async fn call_events_reach_the_application_with_retries() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/callbacks/calls", listener.local_addr().unwrap());
    let app = api
        .create(
            "/applications",
            json!({ "name": "calls", "incomingCallUrl": url }),
        )
        .await;
    let domain = api.create("/domains", json!({ "name": "acme" })).await;
    let domain_id = domain["id"].as_str().unwrap();
    api.create(
        &format!("/domains/{domain_id}/endpoints"),
        json!({ "name": "alice", "applicationId": app["id"] }),
    )
    .await;

    let record = server
        .directory
        .endpoint_by_aor("alice", "acme.bwclient.test")
        .unwrap();
    let callback_url = record.callback_url.clone().expect("the application's URL");
    // `call_event` returns at once; delivery happens on its own.
    server.directory.call_event(CallEvent {
        kind: "start",
        call_id: "call-1".into(),
        from: "sip:alice@acme.bwclient.test".into(),
        to: "sip:bob@acme.bwclient.test".into(),
        endpoint_id: record.id.clone(),
        callback_url,
    });
    // The first try fails with 503; it is retried.
    let first = answer(&listener, "503 Service Unavailable").await;
    let second = answer(&listener, "204 No Content").await;
    for request in [&first, &second] {
        assert!(
            request.starts_with("POST /callbacks/calls HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(request.contains("Content-Type: application/json\r\n"));
        let body = request.split_once("\r\n\r\n").unwrap().1;
        let event: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(event["eventType"], "start");
        assert_eq!(event["callId"], "call-1");
        assert_eq!(event["from"], "sip:alice@acme.bwclient.test");
        assert_eq!(event["to"], "sip:bob@acme.bwclient.test");
        assert_eq!(event["endpointId"], record.id.as_str());
        assert!(event["time"].as_u64().unwrap() > 0);
    }
    server.stop().await;
}

#[tokio::test]
async fn sip_websocket_is_mounted_on_the_same_port() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let mut request = server.ws_url.as_str().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "sip".parse().unwrap());
    let (socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 101);
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok()),
        Some("sip")
    );
    drop(socket);
    server.stop().await;
}

// SQLite and PostgreSQL (`common::on_both_backends`).
crate::on_both_backends!(call_events_reach_the_application_with_retries,);
