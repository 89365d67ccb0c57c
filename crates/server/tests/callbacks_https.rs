//! `https://` callbacks to a real TLS receiver (tokio-rustls, a certificate for `localhost`
//! from a CA made in the test and given to the server with `--callback-ca`), signed with the
//! application's secret; certificates that do not fit are refused.

mod common;
mod receiver;

use bwclient_server::app::{serve, ServeError};
use bwclient_server::callbacks::{Outcome, SIGNATURE_HEADER};
use bwclient_server::config::Config;
use bwclient_server::directory::Directory;
use serde_json::json;
use tokio::net::TcpListener;

use common::{config, Api, TEST_SECRET};
use receiver::{answer, event, read_request, signature_verifies, TestCa};

/// A server trusting `ca` for callbacks (and allowing loopback receivers, as the harness does).
async fn server_trusting(
    dir: &std::path::Path,
    ca: Option<&TestCa>,
) -> bwclient_server::app::RunningServer {
    let mut config = Config {
        token_secret: Some(TEST_SECRET.to_owned()),
        ..config(dir)
    };
    config.callbacks.ca_file = ca.map(|ca| ca.write_pem(dir));
    serve(config).await.expect("server starts")
}

/// An application with `url` and an endpoint using it: `(application JSON, endpoint id)`.
async fn app_with_endpoint(api: &Api, url: &str) -> (serde_json::Value, String) {
    let app = api
        .create(
            "/applications",
            json!({ "name": "calls", "incomingCallUrl": url }),
        )
        .await;
    let (domain_id, _) = api.domain_with("acme", &[]).await;
    let endpoint = api
        .create(
            &format!("/domains/{domain_id}/endpoints"),
            json!({ "name": "alice", "applicationId": app["id"] }),
        )
        .await;
    (app, endpoint["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn https_callback_arrives_over_tls_signed_with_the_app_secret() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new();
    let server = server_trusting(dir.path(), Some(&ca)).await;
    let api = Api::new(&server, &server.user);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let url = format!("https://localhost:{port}/hooks/calls?v=1");
    let (app, endpoint_id) = app_with_endpoint(&api, &url).await;
    let secret = app["callbackSecret"]
        .as_str()
        .expect("secret at creation")
        .to_owned();
    assert_eq!(secret.len(), 64);
    // Never shown again.
    let app_id = app["id"].as_str().unwrap();
    let got = api.get(&format!("/applications/{app_id}")).await;
    assert!(got.json.get("callbackSecret").is_none(), "{:?}", got.json);
    let list = api.get("/applications").await;
    assert!(
        list.json[0].get("callbackSecret").is_none(),
        "{:?}",
        list.json
    );

    let mut reports = server.directory.callbacks().subscribe();
    server.directory.call_event(event("call-tls", &endpoint_id));
    let (tcp, _) = listener.accept().await.unwrap();
    // The handshake succeeds only over TLS with our certificate: the request came encrypted.
    let mut tls = ca
        .acceptor(&["localhost"])
        .accept(tcp)
        .await
        .expect("TLS handshake");
    let request = read_request(&mut tls).await;
    answer(&mut tls, "204 No Content").await;

    assert!(
        request
            .head
            .starts_with("POST /hooks/calls?v=1 HTTP/1.1\r\n"),
        "{}",
        request.head
    );
    assert_eq!(
        request.header("host"),
        Some(format!("localhost:{port}").as_str())
    );
    assert_eq!(request.json()["callId"], "call-tls");
    assert_eq!(request.json()["endpointId"], endpoint_id.as_str());
    let signed = request.header(SIGNATURE_HEADER).expect("signature header");
    assert!(signed.starts_with("t="), "{signed}");
    assert!(
        signature_verifies(&secret, signed, &request.body),
        "{signed}"
    );
    // A tampered body, another timestamp or another key does not verify.
    let mut tampered = request.body.clone();
    tampered[0] ^= 1;
    assert!(!signature_verifies(&secret, signed, &tampered));
    let t: u64 = signed[2..signed.find(',').unwrap()].parse().unwrap();
    let retimed = signed.replacen(&format!("t={t}"), &format!("t={}", t + 1), 1);
    assert!(!signature_verifies(&secret, &retimed, &request.body));
    assert!(!signature_verifies("another-secret", signed, &request.body));

    let report = reports.recv().await.unwrap();
    assert_eq!(
        report.outcome,
        Outcome::Delivered {
            status: 204,
            attempts: 1
        }
    );
    server.stop().await;
}

#[tokio::test]
async fn a_rotated_secret_signs_the_next_callback_and_the_old_one_stops() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new();
    let server = server_trusting(dir.path(), Some(&ca)).await;
    let api = Api::new(&server, &server.user);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "https://localhost:{}/",
        listener.local_addr().unwrap().port()
    );
    let (app, endpoint_id) = app_with_endpoint(&api, &url).await;
    let old = app["callbackSecret"].as_str().unwrap().to_owned();
    let app_id = app["id"].as_str().unwrap();

    let rotated = api
        .post(&format!("/applications/{app_id}/callbackSecret"), json!({}))
        .await;
    assert_eq!(rotated.status, 200, "{:?}", rotated.json);
    let new = rotated.json["callbackSecret"].as_str().unwrap().to_owned();
    assert_eq!(new.len(), 64);
    assert_ne!(new, old);
    let missing = api
        .post("/applications/a-nope/callbackSecret", json!({}))
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error_code(), "not_found");

    server.directory.call_event(event("call-2", &endpoint_id));
    let (tcp, _) = listener.accept().await.unwrap();
    let mut tls = ca.acceptor(&["localhost"]).accept(tcp).await.unwrap();
    let request = read_request(&mut tls).await;
    answer(&mut tls, "200 OK").await;
    let signed = request.header(SIGNATURE_HEADER).unwrap();
    assert!(signature_verifies(&new, signed, &request.body));
    assert!(!signature_verifies(&old, signed, &request.body));
    server.stop().await;
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new();
    let server = server_trusting(dir.path(), Some(&ca)).await;
    let api = Api::new(&server, &server.user);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "https://localhost:{}/",
        listener.local_addr().unwrap().port()
    );
    let (_, endpoint_id) = app_with_endpoint(&api, &url).await;
    let mut reports = server.directory.callbacks().subscribe();
    server.directory.call_event(event("call-3", &endpoint_id));

    // Signed by the trusted CA, but for another host: the server aborts the handshake.
    let (tcp, _) = listener.accept().await.unwrap();
    let refused = ca.acceptor(&["other.test"]).accept(tcp).await;
    assert!(
        refused.is_err(),
        "the client went on with a certificate for another name"
    );
    let report = reports.recv().await.unwrap();
    match &report.outcome {
        // Final at once: a certificate that does not fit is not retried.
        Outcome::Failed { attempts: 1, error } => {
            assert!(error.contains("certificate"), "{error}")
        }
        other => panic!("{other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn a_certificate_from_an_untrusted_ca_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new();
    // No --callback-ca: the test CA is not among the public roots.
    let server = server_trusting(dir.path(), None).await;
    let api = Api::new(&server, &server.user);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "https://localhost:{}/",
        listener.local_addr().unwrap().port()
    );
    let (_, endpoint_id) = app_with_endpoint(&api, &url).await;
    let mut reports = server.directory.callbacks().subscribe();
    server.directory.call_event(event("call-4", &endpoint_id));
    let (tcp, _) = listener.accept().await.unwrap();
    assert!(ca.acceptor(&["localhost"]).accept(tcp).await.is_err());
    let report = reports.recv().await.unwrap();
    assert!(
        matches!(report.outcome, Outcome::Failed { attempts: 1, .. }),
        "{report:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_callback_ca_file_without_certificates_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, "no certificate here\n").unwrap();
    let mut config = config(dir.path());
    config.callbacks.ca_file = Some(path);
    assert!(matches!(serve(config).await, Err(ServeError::Callbacks(_))));
}
