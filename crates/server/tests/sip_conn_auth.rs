//! Connection-bound authentication: an out-of-dialog request without credentials is accepted
//! on the WebSocket that REGISTERed as its From identity only while that registration's
//! credential stays valid — checked again on every request, not only when the REST side closes
//! the connection (a `Directory` whose revocations and disabled flags the test flips directly).

mod sip_common;

use bwclient_sip::token::Token;
use sip_common::{now_unix, Client, TestServer, HOST, SECRET};

/// alice INVITEs bob with no credentials on `alice`'s connection: the final-or-forwarded
/// outcome (`None` if bob received the INVITE, else the code alice got).
async fn uncredentialed_invite(alice: &mut Client, bob: &mut Client) -> Option<u16> {
    let call_id = alice.fresh();
    let text = alice.invite_text(&format!("sip:bob@{HOST}"), &call_id, "t", "");
    alice.send(&text).await;
    let first = alice.recv().await;
    match first {
        bwclient_sip::Message::Response(r) if r.code == 100 => {
            let invite = bob.expect_request("INVITE").await;
            bob.respond(&invite, 486, "Busy Here", "b").await;
            alice.expect_response(486).await;
            bob.expect_request("ACK").await; // the proxy's hop-by-hop ACK of the 486
            None
        }
        bwclient_sip::Message::Response(r) => Some(r.code),
        other => panic!("expected a response, got:\n{other}"),
    }
}

#[tokio::test]
async fn the_registered_connection_carries_the_identity_while_the_credential_is_valid() {
    let server = TestServer::start().await;
    let alice_token = server.token("alice", HOST);
    let mut alice = server.client("alice").await;
    alice.register_with_token(&alice_token).await;
    let mut bob = server.client("bob").await;
    bob.register_with_token(&server.token("bob", HOST)).await;

    assert_eq!(uncredentialed_invite(&mut alice, &mut bob).await, None);

    // Revoked behind the connection's back: challenged again.
    server.dir.revoke(&alice_token);
    assert_eq!(uncredentialed_invite(&mut alice, &mut bob).await, Some(407));

    // A new token re-registers the connection; then disabling the endpoint ends it too.
    let another = Token::mint(SECRET, now_unix() + 1800, "alice", HOST, &server.url());
    alice.register_with_token(another.as_str()).await;
    assert_eq!(uncredentialed_invite(&mut alice, &mut bob).await, None);
    server.dir.set_enabled("alice", false);
    assert_eq!(uncredentialed_invite(&mut alice, &mut bob).await, Some(407));
}

#[tokio::test]
async fn a_token_unbound_from_its_endpoint_stops_carrying_the_connection() {
    let server = TestServer::start().await;
    let alice_token = server.token("alice", HOST);
    let mut alice = server.client("alice").await;
    alice.register_with_token(&alice_token).await;
    let mut bob = server.client("bob").await;
    bob.register_with_token(&server.token("bob", HOST)).await;
    assert_eq!(uncredentialed_invite(&mut alice, &mut bob).await, None);
    let username = Token::parse(&alice_token).unwrap().digest_username();
    server.dir.unbound.lock().unwrap().insert(username);
    assert_eq!(uncredentialed_invite(&mut alice, &mut bob).await, Some(407));
}
