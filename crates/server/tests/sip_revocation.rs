//! Issue 11, holes 3 and 4, and connection-bound authentication, against the whole server
//! (REST + SQLite + SIP over a real WebSocket): revoking a token, disabling or deleting an
//! endpoint ends what the credential already did at once; a token never authenticates an
//! endpoint created after it was minted; an INVITE without credentials rides on the
//! connection that registered, while the credential stays valid.

mod common;
mod sip_common;

use bwclient_server::app::RunningServer;
use bwclient_server::config::Config;
use bwclient_server::db::now_unix;
use bwclient_server::sip::CLOSE_REVOKED;
use bwclient_server::token_auth::{check_token, TokenCheckError};
use bwclient_sip::token::Token;
use common::{config, start_with, Api, TEST_SECRET};
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::json;
use sip_common::{Client, HOST, WAIT};
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// A server whose realm makes domain `acme` the SIP host `acme.sip.test` (`sip_common::HOST`).
struct Fixture {
    server: RunningServer,
    api: Api,
    _dir: tempfile::TempDir,
    domain_id: String,
    alice_id: String,
    bob_id: String,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(Config {
        token_secret: Some(TEST_SECRET.to_owned()),
        realm: "sip.test".to_owned(),
        ..config(dir.path())
    })
    .await;
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
    fn endpoint_path(&self, id: &str) -> String {
        format!("/domains/{}/endpoints/{id}", self.domain_id)
    }

    async fn mint(&self, endpoint_id: &str) -> String {
        mint_in(&self.api, &self.domain_id, endpoint_id).await
    }

    async fn phone(&self, user: &str) -> Client {
        Client::connect(&self.server.ws_url, user).await
    }

    /// A phone registered as `user` with a fresh token; returns it and the token.
    async fn registered(&self, user: &str, endpoint_id: &str) -> (Client, String) {
        let token = self.mint(endpoint_id).await;
        let mut phone = self.phone(user).await;
        phone.register_with_token(&token).await;
        (phone, token)
    }

    fn revocations(&self) -> Vec<(String, Option<String>)> {
        self.server.store.sip_revocations_since(0).unwrap()
    }
}

async fn mint_in(api: &Api, domain_id: &str, endpoint_id: &str) -> String {
    let res = api
        .post(
            &format!("/domains/{domain_id}/endpoints/{endpoint_id}/tokens"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 201, "{:?}", res.json);
    res.json["token"].as_str().unwrap().to_owned()
}

fn username(token: &str) -> String {
    Token::parse(token).unwrap().digest_username()
}

/// The close frame the server sends (panics on a SIP message or silence).
async fn expect_close(phone: &mut Client) -> (u16, String) {
    loop {
        let next = tokio::time::timeout(WAIT, phone.ws.next()).await;
        match next {
            Ok(Some(Ok(WsMessage::Close(Some(frame))))) => {
                return (u16::from(frame.code), frame.reason.as_str().to_owned())
            }
            Ok(Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_)))) => continue,
            other => panic!("{}: expected a close frame, got {other:?}", phone.user),
        }
    }
}

/// `caller` (authenticated by `extra`) INVITEs `target`; returns the final response's code and
/// reason (a `100 Trying` before it is skipped).
async fn invite(caller: &mut Client, target: &str, extra: &str) -> (u16, String) {
    let call_id = caller.fresh();
    let tag = caller.fresh();
    let text = caller.invite_text(&format!("sip:{target}@{HOST}"), &call_id, &tag, extra);
    caller.send(&text).await;
    loop {
        match caller.recv().await {
            bwclient_sip::Message::Response(r) if r.code == 100 => continue,
            bwclient_sip::Message::Response(r) => return (r.code, r.reason.clone()),
            other => panic!("expected a response, got:\n{other}"),
        }
    }
}

fn token_header(token: &str) -> String {
    format!("X-Callsign-Token: {token}\r\n")
}

/// REGISTER with `token` on a fresh connection: the response code and reason.
async fn register_fresh(f: &Fixture, user: &str, token: &str) -> (u16, String) {
    let mut phone = f.phone(user).await;
    let call_id = phone.fresh();
    let text = phone.register_text(HOST, 600, &call_id, 1, &token_header(token));
    phone.send(&text).await;
    match phone.recv().await {
        bwclient_sip::Message::Response(r) => (r.code, r.reason.clone()),
        other => panic!("expected a response, got:\n{other}"),
    }
}

// ------------------------------------------------------------------ hole 3

async fn revoking_a_token_ends_its_registration_connection_and_calls_at_once() {
    let f = fixture().await;
    let (mut alice, alice_token) = f.registered("alice", &f.alice_id).await;
    let (mut bob, bob_token) = f.registered("bob", &f.bob_id).await;
    let path = format!("{}/tokens/{alice_token}", f.endpoint_path(&f.alice_id));
    assert_eq!(f.api.delete(&path).await.status, 200);

    // The phone is told: its WebSocket closes with 4401 "token revoked".
    assert_eq!(
        expect_close(&mut alice).await,
        (CLOSE_REVOKED, "token revoked".to_owned())
    );
    // Its registration is gone at once: a call to alice finds nobody.
    assert_eq!(
        invite(&mut bob, "alice", &token_header(&bob_token)).await.0,
        480
    );
    // Its credential is refused everywhere, for REGISTER and for calls.
    assert_eq!(
        register_fresh(&f, "alice", &alice_token).await,
        (403, "Forbidden: token revoked".to_owned())
    );
    let mut again = f.phone("alice").await;
    assert_eq!(
        invite(&mut again, "bob", &token_header(&alice_token)).await,
        (403, "Forbidden: token revoked".to_owned())
    );
    // Kamailio is told too: one row for the AOR and that token.
    assert_eq!(
        f.revocations(),
        vec![(format!("alice@{HOST}"), Some(username(&alice_token)))]
    );
    // A fresh token for alice works.
    let fresh = f.mint(&f.alice_id).await;
    assert_eq!(register_fresh(&f, "alice", &fresh).await.0, 200);
    f.server.stop().await;
}

async fn disabling_an_endpoint_ends_its_registrations_connection_and_calls_at_once() {
    let f = fixture().await;
    let (mut alice, alice_token) = f.registered("alice", &f.alice_id).await;
    let (mut bob, bob_token) = f.registered("bob", &f.bob_id).await;
    let res = f
        .api
        .send(
            Method::PATCH,
            &f.api.user_path(&f.endpoint_path(&f.alice_id)),
            Some(json!({ "enabled": false }).to_string().into_bytes()),
        )
        .await;
    assert_eq!(res.status, 200, "{:?}", res.json);
    assert_eq!(res.json["enabled"], false);

    assert_eq!(
        expect_close(&mut alice).await,
        (CLOSE_REVOKED, "endpoint disabled".to_owned())
    );
    let (code, _) = invite(&mut bob, "alice", &token_header(&bob_token)).await;
    assert!(
        code == 403 || code == 480,
        "a disabled endpoint is not reached: {code}"
    );
    assert_eq!(
        register_fresh(&f, "alice", &alice_token).await,
        (403, "Forbidden: endpoint disabled".to_owned())
    );
    let mut again = f.phone("alice").await;
    assert_eq!(
        invite(&mut again, "bob", &token_header(&alice_token))
            .await
            .0,
        403
    );
    assert_eq!(f.revocations(), vec![(format!("alice@{HOST}"), None)]);
    // Enabled again, the same token logs in again (disabling does not revoke tokens).
    let res = f
        .api
        .send(
            Method::PATCH,
            &f.api.user_path(&f.endpoint_path(&f.alice_id)),
            Some(json!({ "enabled": true }).to_string().into_bytes()),
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(register_fresh(&f, "alice", &alice_token).await.0, 200);
    f.server.stop().await;
}

async fn deleting_an_endpoint_or_its_domain_ends_its_registrations_at_once() {
    let f = fixture().await;
    let (mut alice, alice_token) = f.registered("alice", &f.alice_id).await;
    let (mut bob, bob_token) = f.registered("bob", &f.bob_id).await;
    assert_eq!(
        f.api.delete(&f.endpoint_path(&f.alice_id)).await.status,
        200
    );
    assert_eq!(
        expect_close(&mut alice).await,
        (CLOSE_REVOKED, "endpoint deleted".to_owned())
    );
    assert_eq!(
        invite(&mut bob, "alice", &token_header(&bob_token)).await.0,
        404
    );
    assert_eq!(register_fresh(&f, "alice", &alice_token).await.0, 403);
    assert_eq!(f.revocations(), vec![(format!("alice@{HOST}"), None)]);

    // Deleting the domain ends bob's too.
    assert_eq!(
        f.api
            .delete(&format!("/domains/{}", f.domain_id))
            .await
            .status,
        200
    );
    assert_eq!(
        expect_close(&mut bob).await,
        (CLOSE_REVOKED, "endpoint deleted".to_owned())
    );
    assert_eq!(register_fresh(&f, "bob", &bob_token).await.0, 403);
    assert_eq!(f.revocations().last(), Some(&(format!("bob@{HOST}"), None)));
    f.server.stop().await;
}

// ------------------------------------------------------------------ hole 4

#[tokio::test]
async fn a_token_never_authenticates_an_endpoint_re_created_under_its_name() {
    let f = fixture().await;
    let old = f.mint(&f.alice_id).await;
    assert_eq!(
        f.api.delete(&f.endpoint_path(&f.alice_id)).await.status,
        200
    );
    let again = f
        .api
        .create(
            &format!("/domains/{}/endpoints", f.domain_id),
            json!({ "name": "alice" }),
        )
        .await;
    let again_id = again["id"].as_str().unwrap();

    // Refused by the shared token check (REST and SIP) and at SIP REGISTER and INVITE.
    assert!(check_token(f.server.directory.as_ref(), &old, now_unix()).is_err());
    let (code, reason) = register_fresh(&f, "alice", &old).await;
    assert_eq!(code, 403, "{reason}");
    let mut phone = f.phone("alice").await;
    assert_eq!(invite(&mut phone, "bob", &token_header(&old)).await.0, 403);

    // A token minted for the new endpoint works.
    let new = f.mint(again_id).await;
    assert_eq!(
        check_token(f.server.directory.as_ref(), &new, now_unix())
            .unwrap()
            .id,
        again_id
    );
    assert_eq!(register_fresh(&f, "alice", &new).await.0, 200);
    f.server.stop().await;
}

#[tokio::test]
async fn a_token_never_authenticates_a_domain_re_created_by_another_account() {
    let f = fixture().await;
    let old = f.mint(&f.alice_id).await;
    assert_eq!(
        f.api
            .delete(&format!("/domains/{}", f.domain_id))
            .await
            .status,
        200
    );
    // Another account creates the same domain and endpoint name.
    let mallory = f
        .server
        .store
        .create_user("mallory", "mallory-token", "mallory-test-only-secret")
        .unwrap();
    let other = Api::new(&f.server, &mallory)
        .with_auth(Some(("mallory-token", "mallory-test-only-secret")));
    let (domain_id, eps) = other.domain_with("acme", &["alice"]).await;
    let new_alice = eps[0]["id"].as_str().unwrap().to_owned();

    assert!(matches!(
        check_token(f.server.directory.as_ref(), &old, now_unix()),
        Err(TokenCheckError::Revoked | TokenCheckError::NotMinted)
    ));
    assert_eq!(register_fresh(&f, "alice", &old).await.0, 403);
    let new = mint_in(&other, &domain_id, &new_alice).await;
    assert_eq!(register_fresh(&f, "alice", &new).await.0, 200);
    f.server.stop().await;
}

#[tokio::test]
async fn a_token_signed_with_the_secret_but_never_minted_is_refused() {
    let f = fixture().await;
    // What a holder of the secret, or a token minted before schema version 2, looks like.
    let forged = Token::mint(
        TEST_SECRET.as_bytes(),
        now_unix() + 600,
        "alice",
        HOST,
        &f.server.ws_url,
    );
    assert_eq!(
        check_token(f.server.directory.as_ref(), forged.as_str(), now_unix()),
        Err(TokenCheckError::NotMinted)
    );
    assert_eq!(
        register_fresh(&f, "alice", forged.as_str()).await,
        (
            403,
            "Forbidden: token not issued for this endpoint".to_owned()
        )
    );
    f.server.stop().await;
}

// ------------------------------------------------------------------ connection-bound authentication

#[tokio::test]
async fn an_invite_without_credentials_rides_on_the_connection_that_registered() {
    let f = fixture().await;
    let (mut alice, alice_token) = f.registered("alice", &f.alice_id).await;
    let (mut bob, _) = f.registered("bob", &f.bob_id).await;

    // No credentials, on the connection that registered as alice: routed to bob at once.
    let call_id = alice.fresh();
    let text = alice.invite_text(&format!("sip:bob@{HOST}"), &call_id, "t1", "");
    alice.send(&text).await;
    alice.expect_response(100).await;
    let got = bob.expect_request("INVITE").await;
    assert!(got
        .headers
        .get(&bwclient_sip::HeaderName::X_CALLSIGN_TOKEN)
        .is_none());
    bob.respond(&got, 486, "Busy Here", "b1").await;
    alice.expect_response(486).await;

    // The same INVITE on a fresh, unauthenticated connection is challenged.
    let mut stranger = f.phone("alice").await;
    assert_eq!(invite(&mut stranger, "bob", "").await.0, 407);
    // So is one claiming another identity on alice's connection.
    alice.user = "bob".to_owned();
    assert_eq!(invite(&mut alice, "alice", "").await.0, 407);

    // After revocation the connection is gone, and nothing else carries the identity.
    let path = format!("{}/tokens/{alice_token}", f.endpoint_path(&f.alice_id));
    assert_eq!(f.api.delete(&path).await.status, 200);
    assert_eq!(expect_close(&mut alice).await.0, CLOSE_REVOKED);
    let mut after = f.phone("alice").await;
    assert_eq!(invite(&mut after, "bob", "").await.0, 407);
    assert_eq!(
        invite(&mut after, "bob", &token_header(&alice_token))
            .await
            .0,
        403
    );
    f.server.stop().await;
}

// SQLite and PostgreSQL (`common::on_both_backends`).
crate::on_both_backends!(
    revoking_a_token_ends_its_registration_connection_and_calls_at_once,
    disabling_an_endpoint_ends_its_registrations_connection_and_calls_at_once,
    deleting_an_endpoint_or_its_domain_ends_its_registrations_at_once,
);
