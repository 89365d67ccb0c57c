//! Tokens: minting over REST, verification, expiry, tampering, revocation and cross-endpoint
//! use, through the same `check_token` the SIP side uses.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use bwclient_server::db::now_unix;
use bwclient_server::token_auth::{
    check_digest_username, check_token, check_token_for, TokenCheckError,
};
use bwclient_sip::token::{ephemeral_password, Token};
use common::{start, Api, TEST_SECRET};
use serde_json::json;

struct Fixture {
    server: bwclient_server::app::RunningServer,
    api: Api,
    _dir: tempfile::TempDir,
    domain_id: String,
    alice_id: String,
    bob_id: String,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api.domain_with("acme", &["alice", "bob"]).await;
    Fixture {
        alice_id: eps[0]["id"].as_str().unwrap().to_owned(),
        bob_id: eps[1]["id"].as_str().unwrap().to_owned(),
        server,
        api,
        _dir: dir,
        domain_id,
    }
}

impl Fixture {
    fn tokens(&self, endpoint_id: &str) -> String {
        format!("/domains/{}/endpoints/{endpoint_id}/tokens", self.domain_id)
    }

    async fn mint(&self, endpoint_id: &str, body: serde_json::Value) -> (String, u64) {
        let res = self.api.post(&self.tokens(endpoint_id), body).await;
        assert_eq!(res.status, 201, "{:?}", res.json);
        let token = res.json["token"].as_str().unwrap().to_owned();
        (token, res.json["expires"].as_u64().unwrap())
    }
}

async fn minted_token_verifies_and_describes_itself() {
    let f = fixture().await;
    let before = now_unix();
    let res = f.api.post_raw(&f.tokens(&f.alice_id), "").await;
    assert_eq!(res.status, 201);
    assert_eq!(res.json["expires"], 86_400, "default lifetime");
    let raw = res.json["token"].as_str().unwrap();
    assert_eq!(
        res.location.as_deref(),
        Some(
            format!(
                "/v1/users/{}/domains/{}/endpoints/{}/tokens/{raw}",
                f.server.user.id, f.domain_id, f.alice_id
            )
            .as_str()
        )
    );
    assert_eq!(
        res.json.as_object().unwrap().len(),
        2,
        "{{expires, token}} only"
    );

    let token = Token::parse(raw).unwrap();
    assert_eq!(token.user, "alice");
    assert_eq!(token.host, "acme.bwclient.test");
    assert_eq!(token.ws_url(), f.server.ws_url);
    assert_eq!(token.ws_url(), format!("ws://{}/sip", f.server.addr));
    assert!(token.expires >= before + 86_400 && token.expires <= now_unix() + 86_400);
    // Kamailio auth_ephemeral computes the same password from the same secret.
    assert_eq!(
        token.digest_password(),
        ephemeral_password(TEST_SECRET.as_bytes(), &token.digest_username())
    );

    let record = check_token(f.server.directory.as_ref(), raw, now_unix()).unwrap();
    assert_eq!(record.id, f.alice_id);
    let (record, password) = check_digest_username(
        f.server.directory.as_ref(),
        &token.digest_username(),
        now_unix(),
    )
    .unwrap();
    assert_eq!(record.id, f.alice_id);
    assert_eq!(password, token.digest_password());

    // `{}` and an explicit lifetime work too.
    assert_eq!(f.mint(&f.alice_id, json!({})).await.1, 86_400);
    assert_eq!(f.mint(&f.alice_id, json!({ "expires": 60 })).await.1, 60);
    f.server.stop().await;
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let f = fixture().await;
    let (raw, _) = f.mint(&f.alice_id, json!({ "expires": 60 })).await;
    let dir = f.server.directory.as_ref();
    let expires = Token::parse(&raw).unwrap().expires;
    assert!(check_token(dir, &raw, expires - 1).is_ok());
    assert_eq!(
        check_token(dir, &raw, expires),
        Err(TokenCheckError::Expired)
    );
    assert_eq!(
        check_token(dir, &raw, expires + 3600),
        Err(TokenCheckError::Expired)
    );
    let username = Token::parse(&raw).unwrap().digest_username();
    assert_eq!(
        check_digest_username(dir, &username, expires).unwrap_err(),
        TokenCheckError::Expired
    );
    f.server.stop().await;
}

#[tokio::test]
async fn tampered_tokens_are_refused() {
    let f = fixture().await;
    let (raw, _) = f.mint(&f.alice_id, json!({})).await;
    let dir = f.server.directory.as_ref();
    let now = now_unix();
    let (payload, signature) = raw.split_once('.').unwrap();
    let username = Token::parse(&raw).unwrap().digest_username();
    // Base64 characters that encode "v1 <username>" (the signed part): 4 chars per 3 bytes.
    let signed_chars = ("v1 ".len() + username.len()) * 4 / 3;

    let flip = |c: char| if c == 'A' { 'B' } else { 'A' };
    for i in 0..signed_chars {
        let mut chars: Vec<char> = payload.chars().collect();
        chars[i] = flip(chars[i]);
        let tampered = format!("{}.{signature}", chars.iter().collect::<String>());
        assert!(
            check_token(dir, &tampered, now).is_err(),
            "payload char {i} flipped still verifies"
        );
    }
    for i in 0..signature.len() {
        let mut chars: Vec<char> = signature.chars().collect();
        chars[i] = flip(chars[i]);
        let tampered = format!("{payload}.{}", chars.iter().collect::<String>());
        assert!(
            check_token(dir, &tampered, now).is_err(),
            "signature char {i} flipped still verifies"
        );
    }
    // A cleanly re-encoded payload that names bob, or a later expiry, with alice's signature.
    for forged_username in [
        username.replace("alice@", "bob@"),
        username.replacen(':', "9:", 1),
    ] {
        let forged_payload =
            URL_SAFE_NO_PAD.encode(format!("v1 {forged_username} {}", f.server.ws_url));
        let forged = format!("{forged_payload}.{signature}");
        assert_eq!(
            check_token(dir, &forged, now),
            Err(TokenCheckError::BadSignature),
            "{forged_username}"
        );
    }
    // Signed with another secret.
    let other = Token::mint(
        b"another-secret",
        now + 60,
        "alice",
        "acme.bwclient.test",
        "ws://x/sip",
    );
    assert_eq!(
        check_token(dir, other.as_str(), now),
        Err(TokenCheckError::BadSignature)
    );
    assert!(matches!(
        check_token(dir, "garbage", now),
        Err(TokenCheckError::Malformed(_))
    ));
    assert!(matches!(
        check_token(dir, "", now),
        Err(TokenCheckError::Malformed(_))
    ));
    f.server.stop().await;
}

async fn revoked_tokens_are_refused() {
    let f = fixture().await;
    let dir = f.server.directory.as_ref();
    let (raw, _) = f.mint(&f.alice_id, json!({ "expires": 3600 })).await;
    let (other, _) = f.mint(&f.alice_id, json!({ "expires": 7200 })).await;
    let token = Token::parse(&raw).unwrap();
    assert!(check_token(dir, &raw, now_unix()).is_ok());

    // Only through the right endpoint, and only tokens we signed.
    let wrong_endpoint = format!("{}/{raw}", f.tokens(&f.bob_id));
    assert_eq!(f.api.delete(&wrong_endpoint).await.status, 404);
    let forged = Token::mint(
        b"another-secret",
        token.expires,
        "alice",
        "acme.bwclient.test",
        "ws://x/sip",
    );
    let res = f
        .api
        .delete(&format!("{}/{}", f.tokens(&f.alice_id), forged.as_str()))
        .await;
    assert_eq!((res.status, res.error_code()), (404, "not_found"));
    assert_eq!(
        f.api
            .delete(&format!("{}/garbage", f.tokens(&f.alice_id)))
            .await
            .status,
        404
    );
    assert!(check_token(dir, &raw, now_unix()).is_ok());

    let path = format!("{}/{raw}", f.tokens(&f.alice_id));
    assert_eq!(f.api.delete(&path).await.status, 200);
    assert_eq!(
        check_token(dir, &raw, now_unix()),
        Err(TokenCheckError::Revoked)
    );
    assert_eq!(
        check_digest_username(dir, &token.digest_username(), now_unix()).unwrap_err(),
        TokenCheckError::Revoked
    );
    // The WebSocket URL is not signed: swapping it must not bring a revoked token back.
    let (_, signature) = raw.split_once('.').unwrap();
    let rewrapped = format!(
        "{}.{signature}",
        URL_SAFE_NO_PAD.encode(format!("v1 {} ws://elsewhere/sip", token.digest_username()))
    );
    assert_eq!(
        check_token(dir, &rewrapped, now_unix()),
        Err(TokenCheckError::Revoked)
    );
    // Revoking again is fine; the other token of alice still works.
    assert_eq!(f.api.delete(&path).await.status, 200);
    assert_eq!(check_token(dir, &other, now_unix()).unwrap().id, f.alice_id);
    f.server.stop().await;
}

async fn a_token_for_one_endpoint_never_authenticates_another() {
    let f = fixture().await;
    let dir = f.server.directory.as_ref();
    let (alice, _) = f.mint(&f.alice_id, json!({})).await;
    let (bob, _) = f.mint(&f.bob_id, json!({})).await;
    let now = now_unix();
    let host = "acme.bwclient.test";
    assert_eq!(
        check_token_for(dir, &alice, "alice", host, now).unwrap().id,
        f.alice_id
    );
    assert_eq!(
        check_token_for(dir, &bob, "bob", host, now).unwrap().id,
        f.bob_id
    );
    assert_eq!(
        check_token_for(dir, &alice, "bob", host, now),
        Err(TokenCheckError::WrongEndpoint)
    );
    assert_eq!(
        check_token_for(dir, &bob, "alice", host, now),
        Err(TokenCheckError::WrongEndpoint)
    );
    assert_eq!(
        check_token_for(dir, &alice, "alice", "other.bwclient.test", now),
        Err(TokenCheckError::WrongEndpoint)
    );
    // Host case does not matter; the user's case does.
    assert!(check_token_for(dir, &alice, "alice", "ACME.bwclient.test", now).is_ok());
    assert_eq!(
        check_token_for(dir, &alice, "Alice", host, now),
        Err(TokenCheckError::WrongEndpoint)
    );
    // Revoking bob's token leaves alice's alone.
    let path = format!("{}/{bob}", f.tokens(&f.bob_id));
    assert_eq!(f.api.delete(&path).await.status, 200);
    assert!(check_token(dir, &alice, now).is_ok());
    assert_eq!(check_token(dir, &bob, now), Err(TokenCheckError::Revoked));
    f.server.stop().await;
}

async fn disabled_or_deleted_endpoints_do_not_authenticate() {
    let f = fixture().await;
    let dir = f.server.directory.as_ref();
    let carol = f
        .api
        .create(
            &format!("/domains/{}/endpoints", f.domain_id),
            json!({ "name": "carol", "enabled": false }),
        )
        .await;
    let (carol_token, _) = f.mint(carol["id"].as_str().unwrap(), json!({})).await;
    assert_eq!(
        check_token(dir, &carol_token, now_unix()),
        Err(TokenCheckError::Disabled)
    );
    let (bob, _) = f.mint(&f.bob_id, json!({})).await;
    let path = format!("/domains/{}/endpoints/{}", f.domain_id, f.bob_id);
    assert_eq!(f.api.delete(&path).await.status, 200);
    assert_eq!(
        check_token(dir, &bob, now_unix()),
        Err(TokenCheckError::UnknownEndpoint)
    );
    assert_eq!(
        f.api.post(&f.tokens(&f.bob_id), json!({})).await.status,
        404
    );
    f.server.stop().await;
}

// SQLite and PostgreSQL (`common::on_both_backends`).
crate::on_both_backends!(
    minted_token_verifies_and_describes_itself,
    revoked_tokens_are_refused,
    a_token_for_one_endpoint_never_authenticates_another,
    disabled_or_deleted_endpoints_do_not_authenticate,
);
