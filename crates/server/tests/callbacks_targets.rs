//! Callbacks never reach loopback, private or link-local addresses unless the server allows
//! them: literal IPs are refused when the URL is written (400), names are checked on what they
//! resolve to when the event is sent. Demo mode allows loopback only.

mod common;
mod receiver;

use std::io::ErrorKind;

use bwclient_server::app::RunningServer;
use bwclient_server::callbacks::{Outcome, TargetPolicy};
use bwclient_server::config::Config;
use bwclient_server::directory::Directory;
use serde_json::json;

use common::{config, start_with, Api, TEST_SECRET};
use receiver::{answer, event, read_request};

/// A server with the default policy (public addresses only) or `demo` mode.
async fn start_public(dir: &std::path::Path, demo: bool) -> RunningServer {
    let mut config = Config {
        token_secret: Some(TEST_SECRET.to_owned()),
        demo,
        ..config(dir)
    };
    config.callbacks.targets = TargetPolicy::PublicOnly;
    start_with(config).await
}

#[tokio::test]
async fn private_literal_addresses_are_refused_when_written() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_public(dir.path(), false).await;
    let api = Api::new(&server, &server.user);
    for url in [
        "http://127.0.0.1:9/events",
        "https://[::1]/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.10:8080/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[fd12:3456::1]/",
        "http://100.64.0.1/",
        "http://0.0.0.0:80/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://[::ffff:127.0.0.1]/",
        // Numeric hosts a resolver would read as 127.0.0.1.
        "http://2130706433/",
        "http://127.1/",
    ] {
        let res = api
            .post(
                "/applications",
                json!({ "name": "a", "incomingCallUrl": url }),
            )
            .await;
        assert_eq!(res.status, 400, "{url}: {:?}", res.json);
        assert_eq!(res.error_code(), "invalid_field", "{url}");
    }
    let res = api
        .post(
            "/applications",
            json!({ "name": "a", "incomingCallUrl": "http://10.0.0.1/" }),
        )
        .await;
    assert!(
        res.json["error"]
            .as_str()
            .unwrap()
            .contains("--allow-private-callbacks"),
        "{:?}",
        res.json
    );
    assert_eq!(api.count("/applications").await, 0);
    // Public literals and names are accepted (names are checked when resolved).
    for (name, url) in [
        ("public", "https://93.184.216.34/hook"),
        ("named", "https://hooks.example.com/calls"),
    ] {
        api.create(
            "/applications",
            json!({ "name": name, "incomingCallUrl": url }),
        )
        .await;
    }
    server.stop().await;
}

#[tokio::test]
async fn a_name_that_resolves_to_loopback_is_not_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_public(dir.path(), false).await;
    let api = Api::new(&server, &server.user);
    // A plain listener on loopback: it must never see a connection.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!(
        "http://localhost:{}/hook",
        listener.local_addr().unwrap().port()
    );
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
    let mut reports = server.directory.callbacks().subscribe();
    server
        .directory
        .call_event(event("call-1", endpoint["id"].as_str().unwrap()));
    let report = reports.recv().await.unwrap();
    match &report.outcome {
        Outcome::Refused(reason) => assert!(reason.contains("not a public address"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // The delivery is over, and it never connected.
    assert_eq!(
        listener.accept().map(|_| ()).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    server.stop().await;
}

#[tokio::test]
async fn demo_mode_delivers_to_loopback_but_not_to_private_networks() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_public(dir.path(), true).await;
    let api = Api::new(&server, &server.user);
    let res = api
        .post(
            "/applications",
            json!({ "name": "lan", "incomingCallUrl": "http://192.168.1.2/" }),
        )
        .await;
    assert_eq!(res.status, 400);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://127.0.0.1:{}/hook",
        listener.local_addr().unwrap().port()
    );
    let app = api
        .create(
            "/applications",
            json!({ "name": "local", "incomingCallUrl": url }),
        )
        .await;
    let (domain_id, _) = api.domain_with("acme", &[]).await;
    let endpoint = api
        .create(
            &format!("/domains/{domain_id}/endpoints"),
            json!({ "name": "alice", "applicationId": app["id"] }),
        )
        .await;
    server
        .directory
        .call_event(event("call-demo", endpoint["id"].as_str().unwrap()));
    let (mut sock, _) = listener.accept().await.unwrap();
    let request = read_request(&mut sock).await;
    answer(&mut sock, "200 OK").await;
    assert_eq!(request.json()["callId"], "call-demo");
    server.stop().await;
}
