//! Secrets at rest (issue 11, hole 8): API secrets are stored as argon2id hashes, endpoint SIP
//! passwords as their digest HA1s, rows from older databases are converted at start, nothing
//! returns a secret after creation, and a short token secret stops the server.

mod common;
mod sip_common;

use std::path::Path;

use bwclient_server::app::{serve, ServeError, MIN_TOKEN_SECRET};
use bwclient_server::config::Config;
use bwclient_server::directory::Directory;
use bwclient_sip::{HeaderName, Message, Response};
use common::{config, start_with, Api, TEST_SECRET};
use md5::{Digest, Md5};
use serde_json::json;
use sip_common::{Client, HOST};

const API_SECRET: &str = "test-only-api-secret-at-rest";
const SIP_PASSWORD: &str = "test-only-sip-password";

fn server_config(dir: &Path) -> Config {
    Config {
        token_secret: Some(TEST_SECRET.to_owned()),
        api_credentials: Some(("test-token".into(), API_SECRET.into())),
        realm: "sip.test".to_owned(),
        ..config(dir)
    }
}

/// Every byte of the database: the file, its WAL and shared-memory index.
fn database_bytes(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let path = dir.join(format!("data/bwclient.db{suffix}"));
        if let Ok(bytes) = std::fs::read(&path) {
            all.extend(bytes);
        }
    }
    assert!(!all.is_empty(), "database found");
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn md5_hex(s: &str) -> String {
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// REGISTER as alice with digest (MD5, `username` as given), answering the challenge.
async fn register_with_password(ws_url: &str, username: &str, password: &str) -> Response {
    let mut c = Client::connect(ws_url, "alice").await;
    let call_id = c.fresh();
    let text = c.register_text(HOST, 600, &call_id, 1, "");
    c.send(&text).await;
    let r401 = c.expect_response(401).await;
    let line = r401
        .headers
        .get_all(&HeaderName::WWW_AUTHENTICATE)
        .find(|l| l.contains("algorithm=MD5"))
        .expect("an MD5 challenge")
        .to_owned();
    let start = line.find("nonce=\"").unwrap() + 7;
    let nonce = &line[start..start + line[start..].find('"').unwrap()];
    let uri = format!("sip:{HOST}");
    let ha1 = md5_hex(&format!("{username}:{HOST}:{password}"));
    let ha2 = md5_hex(&format!("REGISTER:{uri}"));
    let response = md5_hex(&format!("{ha1}:{nonce}:00000001:c0ffee:auth:{ha2}"));
    let auth = format!(
        "Authorization: Digest algorithm=MD5, username=\"{username}\", realm=\"{HOST}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", qop=auth, cnonce=\"c0ffee\", nc=00000001\r\n"
    );
    let text = c.register_text(HOST, 600, &call_id, 2, &auth);
    c.send(&text).await;
    match c.recv().await {
        Message::Response(r) => r,
        other => panic!("expected a response, got {other}"),
    }
}

#[tokio::test]
async fn no_secret_is_stored_in_clear_and_both_still_authenticate() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(server_config(dir.path())).await;
    let api = Api::new(&server, &server.user);
    let domain = api.create("/domains", json!({ "name": "acme" })).await;
    let eps = format!("/domains/{}/endpoints", domain["id"].as_str().unwrap());
    let created = api
        .post(
            &eps,
            json!({ "name": "alice", "credentials": { "password": SIP_PASSWORD } }),
        )
        .await;
    assert_eq!(created.status, 201);
    // Not in any answer, the creation included.
    for res in [&created, &api.get(&eps).await] {
        assert!(!contains(&res.bytes, SIP_PASSWORD));
    }

    // The password still authenticates SIP digest, as `user` and as `user@host`.
    assert_eq!(
        register_with_password(&server.ws_url, "alice", SIP_PASSWORD)
            .await
            .code,
        200
    );
    assert_eq!(
        register_with_password(&server.ws_url, &format!("alice@{HOST}"), SIP_PASSWORD)
            .await
            .code,
        200
    );
    assert_eq!(
        register_with_password(&server.ws_url, "alice", "wrong-password")
            .await
            .code,
        403
    );
    // The API secret authenticates (twice: the second from the verified-credentials cache),
    // and a wrong one does not.
    assert_eq!(api.get("/domains").await.status, 200);
    assert_eq!(api.get("/domains").await.status, 200);
    let wrong = api.with_auth(Some(("test-token", "test-only-api-secret-at-resT")));
    assert_eq!(wrong.get("/domains").await.status, 401);
    server.stop().await;

    let bytes = database_bytes(dir.path());
    assert!(!contains(&bytes, API_SECRET), "API secret in clear");
    assert!(!contains(&bytes, SIP_PASSWORD), "SIP password in clear");
    assert!(contains(&bytes, "$argon2id$"), "argon2id hash stored");
}

#[tokio::test]
async fn clear_secrets_of_an_older_database_are_hashed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(server_config(dir.path())).await;
    let api = Api::new(&server, &server.user);
    let domain = api.create("/domains", json!({ "name": "acme" })).await;
    api.create(
        &format!("/domains/{}/endpoints", domain["id"].as_str().unwrap()),
        json!({ "name": "alice" }),
    )
    .await;
    server.stop().await;

    // What a database written before hashing holds: both secrets in clear.
    let db = rusqlite::Connection::open(dir.path().join("data/bwclient.db")).unwrap();
    // (The file is in WAL mode, so Kamailio can read it while the server writes.)
    let mode: String = db
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    db.execute(
        "UPDATE users SET api_token = 'old-token', api_secret = 'old-clear-api-secret'",
        [],
    )
    .unwrap();
    db.execute(
        "UPDATE endpoints SET password = ?1, ha1_md5 = NULL, ha1b_md5 = NULL,
             ha1_sha256 = NULL, ha1b_sha256 = NULL",
        [SIP_PASSWORD],
    )
    .unwrap();
    drop(db);

    // Restarted without configured credentials: the stored ones are hashed, and still work.
    let restarted = start_with(Config {
        api_credentials: None,
        ..server_config(dir.path())
    })
    .await;
    let api = Api::new(&restarted, &restarted.user)
        .with_auth(Some(("old-token", "old-clear-api-secret")));
    assert_eq!(api.get("/domains").await.status, 200);
    assert_eq!(
        register_with_password(&restarted.ws_url, "alice", SIP_PASSWORD)
            .await
            .code,
        200
    );
    restarted.stop().await;
    let bytes = database_bytes(dir.path());
    assert!(!contains(&bytes, "old-clear-api-secret"));
    assert!(!contains(&bytes, SIP_PASSWORD));
}

#[tokio::test]
async fn a_token_secret_shorter_than_32_bytes_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let short = "x".repeat(MIN_TOKEN_SECRET - 1);
    let err = serve(Config {
        token_secret: Some(short),
        ..config(dir.path())
    })
    .await
    .expect_err("refused");
    assert!(matches!(err, ServeError::WeakTokenSecret(31)));
    let message = err.to_string();
    assert!(
        message.contains("BWCLIENT_TOKEN_SECRET") && message.contains("32"),
        "{message}"
    );
    // 32 bytes are enough; without one the server generates its own (40 characters).
    let ok = start_with(Config {
        token_secret: Some("y".repeat(MIN_TOKEN_SECRET)),
        ..config(dir.path())
    })
    .await;
    ok.stop().await;
    let generated = start_with(config(dir.path())).await;
    assert!(generated.directory.token_secret().len() >= MIN_TOKEN_SECRET);
    generated.stop().await;
}
