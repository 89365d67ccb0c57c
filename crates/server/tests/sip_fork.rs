//! Forking (RFC 3261 §16.5–16.7): an endpoint registered from two tabs rings on both; the first
//! to answer gets the call and the other is CANCELled with "Call completed elsewhere"; when all
//! fail the best response goes back.

mod sip_common;

use bwclient_sip::HeaderName;
use sip_common::{tag_of, uri_of, values, Client, TestServer, HOST};

async fn two_tabs(s: &TestServer, user: &str) -> (Client, Client) {
    let token = s.token(user, HOST);
    let mut a = s.client(user).await;
    let mut b = s.client(user).await;
    a.register_with_token(&token).await;
    b.register_with_token(&token).await;
    (a, b)
}

#[tokio::test]
async fn first_answer_wins_and_the_other_tab_is_cancelled() {
    let s = TestServer::start().await;
    let (mut tab1, mut tab2) = two_tabs(&s, "bob").await;
    let mut alice = s.client("alice").await;
    let call_id = alice.fresh();
    let token = s.token("alice", HOST);
    let text = alice.invite_text(
        &format!("sip:bob@{HOST}"),
        &call_id,
        "at",
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    alice.send(&text).await;
    alice.expect_response(100).await;

    let inv1 = tab1.expect_request("INVITE").await;
    let inv2 = tab2.expect_request("INVITE").await;
    assert_eq!(inv1.uri.to_string(), tab1.contact);
    assert_eq!(inv2.uri.to_string(), tab2.contact);
    // Different branches, each with its own flow in the Record-Route.
    assert_ne!(
        values(&inv1.headers, &HeaderName::VIA)[0],
        values(&inv2.headers, &HeaderName::VIA)[0]
    );
    assert_ne!(
        inv1.headers.get(&HeaderName::RECORD_ROUTE),
        inv2.headers.get(&HeaderName::RECORD_ROUTE)
    );

    tab1.respond(&inv1, 180, "Ringing", "t1").await;
    alice.expect_response(180).await;
    tab2.respond(&inv2, 180, "Ringing", "t2").await;
    alice.expect_response(180).await;
    tab2.respond(&inv2, 200, "OK", "t2").await;
    let ok = alice.expect_response(200).await;
    assert_eq!(tag_of(ok.headers.get(&HeaderName::TO).unwrap_or("")), "t2");

    // The loser gets CANCEL with the reason, answers 200 + 487, and the proxy ACKs the 487.
    let cancel = tab1.expect_request("CANCEL").await;
    assert_eq!(
        cancel.headers.get(&HeaderName::REASON),
        Some("SIP;cause=200;text=\"Call completed elsewhere\"")
    );
    assert_eq!(
        values(&cancel.headers, &HeaderName::VIA),
        vec![values(&inv1.headers, &HeaderName::VIA)[0].clone()]
    );
    tab1.respond(&cancel, 200, "OK", "t1").await;
    tab1.respond(&inv1, 487, "Request Terminated", "t1").await;
    tab1.expect_request("ACK").await;

    // Alice never hears of the 487; her ACK and BYE reach the winner only.
    let route_set = values(&ok.headers, &HeaderName::RECORD_ROUTE);
    let target = uri_of(&values(&ok.headers, &HeaderName::CONTACT)[0]);
    assert_eq!(target, tab2.contact);
    let from = format!("\"alice\" <sip:alice@{HOST}>;tag=at");
    let to = format!("<sip:bob@{HOST}>;tag=t2");
    let ack = alice.in_dialog_text("ACK", &target, &route_set, &from, &to, &call_id, 5);
    alice.send(&ack).await;
    tab2.expect_request("ACK").await;
    let bye = alice.in_dialog_text("BYE", &target, &route_set, &from, &to, &call_id, 6);
    alice.send(&bye).await;
    let got = tab2.expect_request("BYE").await;
    tab2.respond(&got, 200, "OK", "t2").await;
    let r = alice.expect_response(200).await;
    assert_eq!(r.headers.get(&HeaderName::CSEQ), Some("6 BYE"));
    // Nothing reached the loser after its ACK.
    tab1.expect_silence(std::time::Duration::from_millis(200))
        .await;
}

#[tokio::test]
async fn all_branches_fail_best_response_wins() {
    let s = TestServer::start().await;
    let (mut tab1, mut tab2) = two_tabs(&s, "bob").await;
    let mut alice = s.client("alice").await;
    let token = s.token("alice", HOST);

    // 486 and 480: both 4xx, the first one stays (RFC 3261 §16.7 step 6).
    let call_id = alice.fresh();
    let text = alice.invite_text(
        &format!("sip:bob@{HOST}"),
        &call_id,
        "a1",
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    alice.send(&text).await;
    alice.expect_response(100).await;
    let inv1 = tab1.expect_request("INVITE").await;
    let inv2 = tab2.expect_request("INVITE").await;
    tab1.respond(&inv1, 486, "Busy Here", "t1").await;
    tab1.expect_request("ACK").await;
    tab2.respond(&inv2, 480, "Temporarily Unavailable", "t2")
        .await;
    tab2.expect_request("ACK").await;
    alice.expect_response(486).await;

    // 503 and 503: passed on as 500.
    let call_id = alice.fresh();
    let text = alice.invite_text(
        &format!("sip:bob@{HOST}"),
        &call_id,
        "a2",
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    alice.send(&text).await;
    alice.expect_response(100).await;
    let inv1 = tab1.expect_request("INVITE").await;
    let inv2 = tab2.expect_request("INVITE").await;
    tab1.respond(&inv1, 503, "Service Unavailable", "t1").await;
    tab2.respond(&inv2, 503, "Service Unavailable", "t2").await;
    alice.expect_response(500).await;

    // A 6xx beats a later 4xx, and cancels the branch still ringing.
    let call_id = alice.fresh();
    let text = alice.invite_text(
        &format!("sip:bob@{HOST}"),
        &call_id,
        "a3",
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    alice.send(&text).await;
    alice.expect_response(100).await;
    // (tab1 and tab2 also got the ACKs of the 503s first.)
    tab1.expect_request("ACK").await;
    tab2.expect_request("ACK").await;
    let inv1 = tab1.expect_request("INVITE").await;
    let inv2 = tab2.expect_request("INVITE").await;
    tab1.respond(&inv1, 603, "Decline", "t1").await;
    tab1.expect_request("ACK").await;
    let cancel = tab2.expect_request("CANCEL").await;
    tab2.respond(&cancel, 200, "OK", "t2").await;
    tab2.respond(&inv2, 487, "Request Terminated", "t2").await;
    let r = alice.expect_response(603).await;
    assert_eq!(r.reason, "Decline");
}

#[tokio::test]
async fn closed_tabs_lose_their_contacts_then_480() {
    let s = TestServer::start().await;
    let (tab1, tab2) = two_tabs(&s, "bob").await;
    tab1.close().await;
    tab2.close().await;
    s.until("contacts dropped", |svc| {
        svc.registered_contacts(&format!("bob@{HOST}")) == 0
    })
    .await;
    let mut alice = s.client("alice").await;
    let call_id = alice.fresh();
    let text = alice.invite_text(
        &format!("sip:bob@{HOST}"),
        &call_id,
        "a",
        &format!("X-Callsign-Token: {}\r\n", s.token("alice", HOST)),
    );
    alice.send(&text).await;
    alice.expect_response(480).await;
}
