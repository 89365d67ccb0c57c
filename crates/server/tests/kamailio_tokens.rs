//! The tokens `bwclient-server` mints over REST are accepted by stock Kamailio 5.6 running the
//! profile in `deploy/kamailio/` with the same secret (`auth_ephemeral`), and only for the
//! identity they name. Kamailio is started for real (`deploy/kamailio/run.sh`) on a free
//! loopback port; the client speaks SIP over a real WebSocket.

mod common;
mod kamailio_common;

use std::path::Path;
use std::time::Duration;

use bwclient_sip::token::Token;
use common::{start, Api, TEST_SECRET};
use kamailio_common::*;
use serde_json::json;

/// The in-process server's database file (`common::config`: `<dir>/data/bwclient.db`).
fn db_file(dir: &Path) -> std::path::PathBuf {
    dir.join("data/bwclient.db")
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

    let kamailio = Kamailio::start(TEST_SECRET, &db_file(dir.path()));
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
    let kamailio = Kamailio::start(TEST_SECRET, &db_file(dir.path()));

    let mut alice = connect(kamailio.port).await;
    let ok = register_with_token(&mut alice, "alice", &host, &tokens[0], "dead-alice").await;
    assert_eq!(ok.code, 200);
    alice.close(None).await.unwrap();
    drop(alice);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut bob = connect(kamailio.port).await;
    invite_with_token(
        &mut bob,
        "bob",
        "alice",
        &host,
        &tokens[1],
        "kam-dead-contact",
    )
    .await;
    let answer = tokio::time::timeout(Duration::from_secs(4), answer(&mut bob))
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
