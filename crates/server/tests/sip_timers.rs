//! Timer C (RFC 3261 §16.8) with a short value: a branch that never answers fails with `408`,
//! one that rang gets a CANCEL. The test waits for the outcome (bounded); it never measures.

mod sip_common;

use bwclient_server::sip::SipConfig;
use sip_common::{Client, TestServer, HOST};
use std::time::Duration;

async fn setup() -> (TestServer, Client, Client) {
    let s = TestServer::start_with(SipConfig {
        timer_c: Duration::from_millis(500),
        ..SipConfig::default()
    })
    .await;
    let mut bob = s.client("bob").await;
    bob.register_with_token(&s.token("bob", HOST)).await;
    let alice = s.client("alice").await;
    (s, alice, bob)
}

async fn call(s: &TestServer, alice: &mut Client) {
    let call_id = alice.fresh();
    let token = s.token("alice", HOST);
    let text = alice.invite_text(
        &format!("sip:bob@{HOST}"),
        &call_id,
        "a",
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    alice.send(&text).await;
    alice.expect_response(100).await;
}

#[tokio::test]
async fn silent_branch_times_out_with_408() {
    let (s, mut alice, mut bob) = setup().await;
    call(&s, &mut alice).await;
    bob.expect_request("INVITE").await;
    // Bob never answers.
    alice.expect_response(408).await;
    s.until("call ended", |svc| svc.active_calls() == 0).await;
}

#[tokio::test]
async fn ringing_branch_is_cancelled_by_timer_c() {
    let (s, mut alice, mut bob) = setup().await;
    call(&s, &mut alice).await;
    let inv = bob.expect_request("INVITE").await;
    bob.respond(&inv, 180, "Ringing", "b").await;
    alice.expect_response(180).await;
    let cancel = bob.expect_request("CANCEL").await;
    bob.respond(&cancel, 200, "OK", "b").await;
    bob.respond(&inv, 487, "Request Terminated", "b").await;
    alice.expect_response(487).await;
}
