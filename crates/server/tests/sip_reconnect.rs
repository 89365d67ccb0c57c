//! Calls survive a WebSocket reconnect (RFC 5626 §4.5, §5.3): a client registered with a
//! `+sip.instance` and `reg-id` loses its socket mid-call, comes back on a new one and
//! re-REGISTERs with the same instance; its dialog goes on over the new connection both ways
//! (re-INVITE for hold, INFO, BYE, and a response to a request sent before the drop), while a
//! connection that is not that instance presenting the same route still gets `403`. Without a
//! reconnect the peer gets `430 Flow Failed` and the call ends after the grace period.

mod sip_common;

use bwclient_server::sip::SipConfig;
use bwclient_sip::{HeaderName, Request};
use sip_common::{tag_of, uri_of, values, Client, TestServer, HOST};
use std::time::Duration;

const ALICE_INSTANCE: &str = "<urn:uuid:6c3d1f2e-0a9b-4c1d-8e7f-00000000a11c>";
const BOB_INSTANCE: &str = "<urn:uuid:6c3d1f2e-0a9b-4c1d-8e7f-000000000b0b>";
const OTHER_INSTANCE: &str = "<urn:uuid:6c3d1f2e-0a9b-4c1d-8e7f-0000000000ee>";

/// REGISTER over outbound (RFC 5626 §4.2.1): `;ob`, `reg-id=1`, `+sip.instance`, as JsSIP
/// writes it; expects `200` with `Require: outbound`.
async fn register_outbound(s: &TestServer, c: &mut Client, instance: &str, cseq: u32) {
    let token = s.token(&c.user, HOST);
    let user = c.user.clone();
    let contact = c.contact.clone();
    let branch = c.fresh();
    let reg: String = instance
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let text = format!(
        "REGISTER sip:{HOST} SIP/2.0\r\n\
         Via: SIP/2.0/WSS c.invalid;branch=z9hG4bK{branch}\r\n\
         Max-Forwards: 70\r\n\
         To: <sip:{user}@{HOST}>\r\n\
         From: <sip:{user}@{HOST}>;tag=reg{user}\r\n\
         Call-ID: reg-{user}-{reg}\r\n\
         CSeq: {cseq} REGISTER\r\n\
         Contact: <{contact};ob>;reg-id=1;+sip.instance=\"{instance}\";expires=600\r\n\
         Supported: path, outbound, gruu\r\n\
         X-Callsign-Token: {token}\r\n\
         Content-Length: 0\r\n\r\n"
    );
    c.send(&text).await;
    let ok = c.expect_response(200).await;
    assert_eq!(ok.headers.get(&HeaderName::REQUIRE), Some("outbound"));
}

/// A browser tab: a socket, registered as `user` with `instance`.
async fn device(s: &TestServer, user: &str, instance: &str) -> Client {
    let mut c = s.client(user).await;
    register_outbound(s, &mut c, instance, 1).await;
    c
}

/// The same tab on a new socket (same Contact, like JsSIP after a reconnect), registered
/// again with the same instance and reg-id.
async fn reconnect(s: &TestServer, contact: &str, user: &str, instance: &str) -> Client {
    let mut c = s.client(user).await;
    c.contact = contact.to_owned();
    register_outbound(s, &mut c, instance, 2).await;
    c
}

/// An established call as both ends see it.
struct Dialog {
    call_id: String,
    /// Alice's From (with her tag) and bob's To (with his tag).
    alice: String,
    bob: String,
    /// Alice's route set (the 200's Record-Route) and bob's (the INVITE's).
    alice_routes: Vec<String>,
    bob_routes: Vec<String>,
    /// The remote targets: bob's Contact for alice, alice's Contact for bob.
    bob_target: String,
    alice_target: String,
}

/// alice calls bob; bob answers; alice ACKs.
async fn establish(s: &TestServer, alice: &mut Client, bob: &mut Client) -> Dialog {
    let call_id = alice.fresh();
    let from_tag = alice.fresh();
    let token = s.token("alice", HOST);
    let text = alice.invite_text(
        &format!("sip:bob@{HOST}"),
        &call_id,
        &from_tag,
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    alice.send(&text).await;
    alice.expect_response(100).await;
    let inv = bob.expect_request("INVITE").await;
    bob.respond(&inv, 200, "OK", "bobtag").await;
    let ok = alice.expect_response(200).await;
    let d = Dialog {
        alice: format!("\"alice\" <sip:alice@{HOST}>;tag={from_tag}"),
        bob: format!(
            "<sip:bob@{HOST}>;tag={}",
            tag_of(ok.headers.get(&HeaderName::TO).unwrap_or(""))
        ),
        alice_routes: values(&ok.headers, &HeaderName::RECORD_ROUTE),
        bob_routes: values(&inv.headers, &HeaderName::RECORD_ROUTE),
        bob_target: uri_of(&values(&ok.headers, &HeaderName::CONTACT)[0]),
        alice_target: uri_of(inv.headers.get(&HeaderName::CONTACT).unwrap_or("")),
        call_id,
    };
    assert_eq!(d.alice_routes.len(), 1, "{ok}");
    let ack = alice.in_dialog_text(
        "ACK",
        &d.bob_target,
        &d.alice_routes,
        &d.alice,
        &d.bob,
        &d.call_id,
        5,
    );
    alice.send(&ack).await;
    bob.expect_request("ACK").await;
    d
}

/// A re-INVITE putting the call on hold (`a=sendonly`, RFC 3264 §8.4) from `c`.
fn hold_text(
    c: &mut Client,
    target: &str,
    routes: &[String],
    from: &str,
    to: &str,
    call_id: &str,
    cseq: u32,
) -> String {
    let branch = c.fresh();
    let contact = c.contact.clone();
    let sdp = "v=0\r\no=- 1 3 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\na=sendonly\r\n";
    let route_lines: String = routes.iter().map(|r| format!("Route: {r}\r\n")).collect();
    format!(
        "INVITE {target} SIP/2.0\r\n\
         Via: SIP/2.0/WSS c.invalid;branch=z9hG4bK{branch}\r\n\
         Max-Forwards: 69\r\n\
         {route_lines}\
         From: {from}\r\n\
         To: {to}\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} INVITE\r\n\
         Contact: <{contact};ob>\r\n\
         Content-Type: application/sdp\r\n\
         Content-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    )
}

/// `uac` puts the call on hold through the proxy; `uas` answers; `uac` ACKs.
#[allow(clippy::too_many_arguments)]
async fn hold(
    uac: &mut Client,
    uas: &mut Client,
    target: &str,
    routes: &[String],
    from: &str,
    to: &str,
    call_id: &str,
    cseq: u32,
) {
    let text = hold_text(uac, target, routes, from, to, call_id, cseq);
    uac.send(&text).await;
    uac.expect_response(100).await;
    let got = uas.expect_request("INVITE").await;
    assert!(
        String::from_utf8_lossy(&got.body).contains("a=sendonly"),
        "{got}"
    );
    assert!(
        got.headers.get(&HeaderName::ROUTE).is_none(),
        "proxy popped its Route"
    );
    uas.respond(&got, 200, "OK", "unused").await;
    let ok = uac.expect_response(200).await;
    assert_eq!(
        ok.headers.get(&HeaderName::CSEQ),
        Some(format!("{cseq} INVITE").as_str())
    );
    let ack = uac.in_dialog_text("ACK", target, routes, from, to, call_id, cseq);
    uac.send(&ack).await;
    let ack = uas.expect_request("ACK").await;
    assert_eq!(
        ack.headers.get(&HeaderName::CSEQ),
        Some(format!("{cseq} ACK").as_str())
    );
}

/// `uac` sends a non-INVITE in-dialog request; `uas` receives it and answers `200`.
#[allow(clippy::too_many_arguments)]
async fn request(
    method: &str,
    uac: &mut Client,
    uas: &mut Client,
    target: &str,
    routes: &[String],
    from: &str,
    to: &str,
    call_id: &str,
    cseq: u32,
) -> Request {
    let text = uac.in_dialog_text(method, target, routes, from, to, call_id, cseq);
    uac.send(&text).await;
    let got = uas.expect_request(method).await;
    uas.respond(&got, 200, "OK", "unused").await;
    let ok = uac.expect_response(200).await;
    assert_eq!(
        ok.headers.get(&HeaderName::CSEQ),
        Some(format!("{cseq} {method}").as_str())
    );
    got
}

/// Waits until the server has seen a socket go (bounded).
async fn until_connections(s: &TestServer, n: usize) {
    s.until("connection count", |svc| svc.connection_count() == n)
        .await;
}

fn event_kinds(s: &TestServer) -> Vec<String> {
    s.dir.event_kinds().into_iter().map(|(k, _)| k).collect()
}

#[tokio::test]
async fn caller_reconnects_and_the_call_goes_on_both_ways() {
    let s = TestServer::start().await;
    let mut bob = device(&s, "bob", BOB_INSTANCE).await;
    let mut alice = device(&s, "alice", ALICE_INSTANCE).await;
    let d = establish(&s, &mut alice, &mut bob).await;
    let contact = alice.contact.clone();

    // The socket dies without a close handshake (network loss, server restart of the proxy
    // in front, laptop lid): the call stays up, nothing is ended.
    drop(alice);
    until_connections(&s, 1).await;
    assert_eq!(s.service.active_calls(), 1);
    assert_eq!(event_kinds(&s), ["start", "start", "answer", "answer"]);
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 0);

    // While alice is away, bob's request has nowhere to go: 430 Flow Failed (RFC 5626 §5.3).
    let info = bob.in_dialog_text(
        "INFO",
        &d.alice_target,
        &d.bob_routes,
        &d.bob,
        &d.alice,
        &d.call_id,
        2,
    );
    bob.send(&info).await;
    let r = bob.expect_response(430).await;
    assert_eq!(r.reason, "Flow Failed");

    // Alice is back on a new socket with the same instance.
    let mut alice = reconnect(&s, &contact, "alice", ALICE_INSTANCE).await;
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 1);

    // (a) Her re-INVITE (hold) reaches bob and his 200 reaches her new socket.
    hold(
        &mut alice,
        &mut bob,
        &d.bob_target,
        &d.alice_routes,
        &d.alice,
        &d.bob,
        &d.call_id,
        6,
    )
    .await;

    // (b) Bob's INFO reaches alice on her new socket, and her 200 reaches him.
    let got = request(
        "INFO",
        &mut bob,
        &mut alice,
        &d.alice_target,
        &d.bob_routes,
        &d.bob,
        &d.alice,
        &d.call_id,
        3,
    )
    .await;
    assert_eq!(got.uri.to_string(), d.alice_target, "Request-URI untouched");

    // Another tab of alice (another instance) and an unregistered client replaying the
    // genuine route are still refused.
    let mut other_tab = device(&s, "alice", OTHER_INSTANCE).await;
    let mut mallory = s.client("dave").await;
    for c in [&mut other_tab, &mut mallory] {
        let bye = c.in_dialog_text(
            "BYE",
            &d.bob_target,
            &d.alice_routes,
            &d.alice,
            &d.bob,
            &d.call_id,
            9,
        );
        c.send(&bye).await;
        let r = c.expect_response(403).await;
        assert!(r.reason.contains("another connection"), "{}", r.reason);
    }
    bob.expect_silence(Duration::from_millis(200)).await;

    // (c) Alice hangs up from the new socket.
    request(
        "BYE",
        &mut alice,
        &mut bob,
        &d.bob_target,
        &d.alice_routes,
        &d.alice,
        &d.bob,
        &d.call_id,
        7,
    )
    .await;
    s.until("call ended", |svc| svc.active_calls() == 0).await;
    assert_eq!(
        event_kinds(&s),
        ["start", "start", "answer", "answer", "end", "end"]
    );
}

#[tokio::test]
async fn callee_reconnects_and_the_call_goes_on_both_ways() {
    let s = TestServer::start().await;
    let mut bob = device(&s, "bob", BOB_INSTANCE).await;
    let mut alice = device(&s, "alice", ALICE_INSTANCE).await;
    let d = establish(&s, &mut alice, &mut bob).await;
    let contact = bob.contact.clone();

    bob.close().await;
    until_connections(&s, 1).await;
    assert_eq!(s.service.active_calls(), 1);
    let mut bob = reconnect(&s, &contact, "bob", BOB_INSTANCE).await;

    // Alice's INFO follows bob to his new socket.
    request(
        "INFO",
        &mut alice,
        &mut bob,
        &d.bob_target,
        &d.alice_routes,
        &d.alice,
        &d.bob,
        &d.call_id,
        6,
    )
    .await;
    // Bob puts alice on hold from his new socket.
    hold(
        &mut bob,
        &mut alice,
        &d.alice_target,
        &d.bob_routes,
        &d.bob,
        &d.alice,
        &d.call_id,
        2,
    )
    .await;
    // And hangs up.
    request(
        "BYE",
        &mut bob,
        &mut alice,
        &d.alice_target,
        &d.bob_routes,
        &d.bob,
        &d.alice,
        &d.call_id,
        3,
    )
    .await;
    s.until("call ended", |svc| svc.active_calls() == 0).await;
    assert_eq!(
        event_kinds(&s),
        ["start", "start", "answer", "answer", "end", "end"]
    );
}

#[tokio::test]
async fn a_response_follows_the_client_to_its_new_socket() {
    let s = TestServer::start().await;
    let mut bob = device(&s, "bob", BOB_INSTANCE).await;
    let mut alice = device(&s, "alice", ALICE_INSTANCE).await;
    let d = establish(&s, &mut alice, &mut bob).await;
    let contact = alice.contact.clone();

    // Alice sends INFO; her socket dies before bob answers.
    let info = alice.in_dialog_text(
        "INFO",
        &d.bob_target,
        &d.alice_routes,
        &d.alice,
        &d.bob,
        &d.call_id,
        6,
    );
    alice.send(&info).await;
    let got = bob.expect_request("INFO").await;
    drop(alice);
    until_connections(&s, 1).await;
    let mut alice = reconnect(&s, &contact, "alice", ALICE_INSTANCE).await;

    // Bob's answer, from the transaction made before the drop, reaches the new socket.
    bob.respond(&got, 200, "OK", "unused").await;
    let ok = alice.expect_response(200).await;
    assert_eq!(ok.headers.get(&HeaderName::CSEQ), Some("6 INFO"));
    assert_eq!(values(&ok.headers, &HeaderName::VIA).len(), 1);
}

#[tokio::test]
async fn a_new_registration_takes_over_from_a_half_open_socket() {
    // The old socket is still open on the server's side (a half-open TCP connection the
    // server has not noticed): the re-REGISTER of the same instance and reg-id replaces the
    // flow (RFC 5626 §6), so requests for alice go to the new socket, not the stale one.
    let s = TestServer::start().await;
    let mut bob = device(&s, "bob", BOB_INSTANCE).await;
    let mut stale = device(&s, "alice", ALICE_INSTANCE).await;
    let d = establish(&s, &mut stale, &mut bob).await;
    let contact = stale.contact.clone();
    let mut alice = reconnect(&s, &contact, "alice", ALICE_INSTANCE).await;
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 1);

    request(
        "INFO",
        &mut bob,
        &mut alice,
        &d.alice_target,
        &d.bob_routes,
        &d.bob,
        &d.alice,
        &d.call_id,
        2,
    )
    .await;
    stale.expect_silence(Duration::from_millis(200)).await;

    // The stale socket finally goes; the call is not ended by it.
    stale.close().await;
    until_connections(&s, 2).await;
    request(
        "INFO",
        &mut alice,
        &mut bob,
        &d.bob_target,
        &d.alice_routes,
        &d.alice,
        &d.bob,
        &d.call_id,
        6,
    )
    .await;
    assert_eq!(s.service.active_calls(), 1);
    assert_eq!(event_kinds(&s), ["start", "start", "answer", "answer"]);
}

#[tokio::test]
async fn without_a_reconnect_the_call_ends_after_the_grace_period() {
    let s = TestServer::start_with(SipConfig {
        reconnect_grace: Duration::from_millis(500),
        ..SipConfig::default()
    })
    .await;
    let mut bob = device(&s, "bob", BOB_INSTANCE).await;
    let mut alice = device(&s, "alice", ALICE_INSTANCE).await;
    let d = establish(&s, &mut alice, &mut bob).await;
    drop(alice);
    until_connections(&s, 1).await;
    // The sweep runs once a second: bounded wait for the end events.
    s.until("orphaned call ended", |svc| svc.active_calls() == 0)
        .await;
    assert_eq!(
        event_kinds(&s),
        ["start", "start", "answer", "answer", "end", "end"]
    );
    // Bob's BYE finds no flow.
    let bye = bob.in_dialog_text(
        "BYE",
        &d.alice_target,
        &d.bob_routes,
        &d.bob,
        &d.alice,
        &d.call_id,
        2,
    );
    bob.send(&bye).await;
    bob.expect_response(430).await;
}

#[tokio::test]
async fn an_end_without_an_instance_cannot_come_back() {
    // Alice never registered (no instance): her dialog is tied to her socket alone, so a new
    // socket, even registered, is a stranger to it.
    let s = TestServer::start().await;
    let mut bob = device(&s, "bob", BOB_INSTANCE).await;
    let mut alice = s.client("alice").await;
    let d = establish(&s, &mut alice, &mut bob).await;
    drop(alice);
    s.until("call ended at once", |svc| svc.active_calls() == 0)
        .await;
    let mut alice = device(&s, "alice", ALICE_INSTANCE).await;
    let bye = alice.in_dialog_text(
        "BYE",
        &d.bob_target,
        &d.alice_routes,
        &d.alice,
        &d.bob,
        &d.call_id,
        6,
    );
    alice.send(&bye).await;
    alice.expect_response(403).await;
    bob.expect_silence(Duration::from_millis(200)).await;
}
