//! Kamailio reading bwclient-server's PostgreSQL database (`run.sh` with `$BWCLIENT_DB_URL`:
//! db_postgres for the token and revocation queries of `deploy/kamailio/kamailio.cfg`): a
//! token revoked through the REST API is refused, and the registration made with it dropped
//! and its WebSocket closed, as with SQLite. Needs `BWCLIENT_TEST_POSTGRES` (`scripts/test.sh`).

mod common;
mod kamailio_common;

use std::time::Duration;

use bwclient_server::config::Config;
use bwclient_sip::token::Token;
use common::{config, start_with, Api, TEST_SECRET};
use kamailio_common::*;
use serde_json::json;

async fn mint(api: &Api, domain_id: &str, id: &str) -> (String, Token) {
    let minted = api
        .create(
            &format!("/domains/{domain_id}/endpoints/{id}/tokens"),
            json!({}),
        )
        .await;
    let text = minted["token"].as_str().unwrap().to_owned();
    let token = Token::parse(&text).expect("token parses");
    (text, token)
}

#[tokio::test]
async fn kamailio_on_postgres_refuses_a_token_revoked_through_the_api() {
    let Some(url) = common::postgres_url() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(Config {
        token_secret: Some(TEST_SECRET.to_owned()),
        database_url: Some(url.clone()),
        ..config(dir.path())
    })
    .await;
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api.domain_with("kampg", &["alice", "bob"]).await;
    let id = |i: usize| eps[i]["id"].as_str().unwrap().to_owned();
    let (alice_text, alice) = mint(&api, &domain_id, &id(0)).await;
    let (_, bob) = mint(&api, &domain_id, &id(1)).await;
    let host = alice.host.clone();
    let kamailio = Kamailio::start_postgres(TEST_SECRET, &url);

    // Tokens on record in PostgreSQL register.
    let mut phone = connect(kamailio.port).await;
    let ok = register_with_token(&mut phone, "alice", &host, &alice, "pg-alice-1").await;
    assert_eq!(ok.code, 200, "alice's token registers: {}", ok.reason);
    let mut caller = connect(kamailio.port).await;
    let ok = register_with_token(&mut caller, "bob", &host, &bob, "pg-bob-1").await;
    assert_eq!(ok.code, 200, "bob's token registers: {}", ok.reason);

    // Revoked through the API: the registration goes (its WebSocket closed, from the
    // sip_revocations row), and the token is refused from then on.
    let res = api
        .delete(&format!(
            "/domains/{domain_id}/endpoints/{}/tokens/{alice_text}",
            id(0)
        ))
        .await;
    assert_eq!(res.status, 200, "revoke: {:?}", res.json);
    let closed = loop {
        match next_incoming(&mut phone, Duration::from_secs(10)).await {
            Some(Incoming::Closed) => break true,
            Some(Incoming::Sip(_)) => continue,
            None => break false,
        }
    };
    assert!(
        closed,
        "the revoked token's WebSocket is closed by Kamailio"
    );
    let mut again = connect(kamailio.port).await;
    let refused = register_with_token(&mut again, "alice", &host, &alice, "pg-alice-2").await;
    assert_eq!(refused.code, 403, "a revoked token registers no more");
    invite_with_token(&mut caller, "bob", "alice", &host, &bob, "pg-call").await;
    let nobody = answer(&mut caller).await;
    assert!(
        nobody.code == 404 || nobody.code == 480,
        "alice has no registration left: {} {}",
        nobody.code,
        nobody.reason
    );
    server.stop().await;
}
