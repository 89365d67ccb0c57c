//! Calls through the proxy between WebSocket clients: INVITE/100/180/200/ACK, in-dialog
//! requests both ways via Record-Route, BYE, CANCEL/487, the error answers (404/480/403/483),
//! phone-number targets, 407 digest, and call events.

mod sip_common;

use bwclient_sip::{HeaderName, Method, Request, Response};
use sip_common::{tag_of, uri_of, values, Client, TestServer, HOST, OTHER_HOST};

/// A registered callee `user` on its own connection.
async fn registered(s: &TestServer, user: &str) -> Client {
    let mut c = s.client(user).await;
    c.register_with_token(&s.token(user, HOST)).await;
    c
}

/// Sends an INVITE from `caller` to `target` with its token; returns (Call-ID, from tag, text).
async fn invite(s: &TestServer, caller: &mut Client, target: &str) -> (String, String, String) {
    let call_id = caller.fresh();
    let from_tag = caller.fresh();
    let token = s.token(&caller.user, HOST);
    let text = caller.invite_text(
        target,
        &call_id,
        &from_tag,
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    caller.send(&text).await;
    (call_id, from_tag, text)
}

/// A failing INVITE: the caller gets `code` (after a 100 only if `trying`).
async fn invite_fails(s: &TestServer, caller: &mut Client, target: &str, code: u16) -> Response {
    invite(s, caller, target).await;
    caller.expect_response(code).await
}

#[tokio::test]
async fn call_with_in_dialog_requests_both_ways() {
    let s = TestServer::start().await;
    let mut bob = registered(&s, "bob").await;
    let mut alice = registered(&s, "alice").await;
    let (call_id, from_tag, _) = invite(&s, &mut alice, &format!("sip:bob@{HOST}")).await;
    alice.expect_response(100).await;

    // What bob receives: proxy Via on top, alice's below, Record-Route with a flow, no token.
    let inv = bob.expect_request("INVITE").await;
    assert_eq!(
        inv.uri.to_string(),
        bob.contact,
        "Request-URI is bob's contact"
    );
    let vias = values(&inv.headers, &HeaderName::VIA);
    assert_eq!(vias.len(), 2, "{inv}");
    assert!(vias[0].contains("bwclient.invalid") && vias[0].contains("branch=z9hG4bK"));
    assert!(vias[1].contains("c.invalid"));
    let rr = values(&inv.headers, &HeaderName::RECORD_ROUTE);
    assert_eq!(rr.len(), 1, "{inv}");
    assert!(
        rr[0].contains(";lr") && rr[0].contains("flow="),
        "{}",
        rr[0]
    );
    assert!(
        inv.headers.get(&HeaderName::X_CALLSIGN_TOKEN).is_none(),
        "token leaked"
    );
    assert_eq!(inv.headers.get(&HeaderName::MAX_FORWARDS), Some("68"));
    assert!(!inv.body.is_empty(), "SDP forwarded");

    bob.respond(&inv, 180, "Ringing", "bobtag").await;
    let ringing = alice.expect_response(180).await;
    assert_eq!(
        values(&ringing.headers, &HeaderName::VIA).len(),
        1,
        "proxy Via stripped"
    );
    bob.respond(&inv, 200, "OK", "bobtag").await;
    let ok = alice.expect_response(200).await;
    assert_eq!(values(&ok.headers, &HeaderName::VIA).len(), 1);
    let route_set: Vec<String> = values(&ok.headers, &HeaderName::RECORD_ROUTE);
    assert_eq!(route_set, rr);
    let bob_target = uri_of(&values(&ok.headers, &HeaderName::CONTACT)[0]);
    let from = format!("\"alice\" <sip:alice@{HOST}>;tag={from_tag}");
    let to = format!(
        "<sip:bob@{HOST}>;tag={}",
        tag_of(ok.headers.get(&HeaderName::TO).unwrap_or(""))
    );

    // ACK and INFO from alice follow the route set to bob.
    let ack = alice.in_dialog_text("ACK", &bob_target, &route_set, &from, &to, &call_id, 5);
    alice.send(&ack).await;
    let got = bob.expect_request("ACK").await;
    assert!(
        got.headers.get(&HeaderName::ROUTE).is_none(),
        "proxy popped its Route"
    );
    assert_eq!(got.uri.to_string(), bob.contact);
    let info = alice.in_dialog_text("INFO", &bob_target, &route_set, &from, &to, &call_id, 6);
    alice.send(&info).await;
    let got = bob.expect_request("INFO").await;
    bob.respond(&got, 200, "OK", "bobtag").await;
    alice.expect_response(200).await;

    // The genuine route, replayed from a third connection, does not reach the dialog.
    let mut mallory = s.client("dave").await;
    let replay = mallory.in_dialog_text("BYE", &bob_target, &route_set, &from, &to, &call_id, 7);
    mallory.send(&replay).await;
    let r = mallory.expect_response(403).await;
    assert!(r.reason.contains("another connection"), "{}", r.reason);

    // Bob hangs up: his route set is the INVITE's Record-Route, his target alice's Contact.
    let alice_target = uri_of(inv.headers.get(&HeaderName::CONTACT).unwrap_or(""));
    let bye = bob.in_dialog_text("BYE", &alice_target, &rr, &to, &from, &call_id, 1);
    bob.send(&bye).await;
    let got = alice.expect_request("BYE").await;
    assert_eq!(got.uri.to_string(), alice_target);
    alice.respond(&got, 200, "OK", "x").await;
    let bye_ok = bob.expect_response(200).await;
    assert_eq!(bye_ok.headers.get(&HeaderName::CSEQ), Some("1 BYE"));

    // Events for both applications: start, answer, end.
    s.until("end events", |_| s.dir.event_kinds().len() == 6)
        .await;
    let kinds = s.dir.event_kinds();
    let expect: Vec<(String, String)> = ["start", "start", "answer", "answer", "end", "end"]
        .iter()
        .zip(["ep-alice", "ep-bob"].iter().cycle())
        .map(|(k, e)| (k.to_string(), e.to_string()))
        .collect();
    assert_eq!(kinds, expect);
    let first = s.dir.events.lock().unwrap()[0].clone();
    assert_eq!(first.call_id, call_id);
    assert_eq!(first.from, format!("sip:alice@{HOST}"));
    assert_eq!(first.to, format!("sip:bob@{HOST}"));
    assert_eq!(s.service.active_calls(), 0);
}

#[tokio::test]
async fn cancel_gets_487_and_the_callee_is_cancelled() {
    let s = TestServer::start().await;
    let mut bob = registered(&s, "bob").await;
    let mut alice = s.client("alice").await;
    let (call_id, from_tag, text) = invite(&s, &mut alice, &format!("sip:bob@{HOST}")).await;
    alice.expect_response(100).await;
    let inv = bob.expect_request("INVITE").await;
    bob.respond(&inv, 180, "Ringing", "bt").await;
    alice.expect_response(180).await;

    // CANCEL: same Via (branch), Call-ID, From, To, CSeq number (RFC 3261 §9.1).
    let via = text.lines().find(|l| l.starts_with("Via:")).unwrap_or("");
    let cancel = format!(
        "CANCEL sip:bob@{HOST} SIP/2.0\r\n{via}\r\nMax-Forwards: 69\r\nTo: <sip:bob@{HOST}>\r\n\
         From: \"alice\" <sip:alice@{HOST}>;tag={from_tag}\r\nCall-ID: {call_id}\r\nCSeq: 5 CANCEL\r\n\
         Content-Length: 0\r\n\r\n"
    );
    alice.send(&cancel).await;
    let r = alice.expect_response(200).await;
    assert_eq!(r.headers.get(&HeaderName::CSEQ), Some("5 CANCEL"));
    let c = bob.expect_request("CANCEL").await;
    assert_eq!(
        values(&c.headers, &HeaderName::VIA),
        vec![values(&inv.headers, &HeaderName::VIA)[0].clone()],
        "CANCEL carries the branch of the INVITE it cancels"
    );
    bob.respond(&c, 200, "OK", "bt").await;
    bob.respond(&inv, 487, "Request Terminated", "bt").await;
    let r = alice.expect_response(487).await;
    assert_eq!(values(&r.headers, &HeaderName::VIA).len(), 1);
    // The proxy ACKs bob's 487 itself (RFC 3261 §17.1.1.3).
    let ack = bob.expect_request("ACK").await;
    assert_eq!(ack.headers.get(&HeaderName::CSEQ), Some("5 ACK"));
    // Alice's ACK of the 487 ends at the proxy; a CANCEL of a finished call gets 481.
    let ack = format!(
        "ACK sip:bob@{HOST} SIP/2.0\r\n{via}\r\nMax-Forwards: 69\r\nTo: <sip:bob@{HOST}>;tag=bt\r\n\
         From: \"alice\" <sip:alice@{HOST}>;tag={from_tag}\r\nCall-ID: {call_id}\r\nCSeq: 5 ACK\r\n\
         Content-Length: 0\r\n\r\n"
    );
    alice.send(&ack).await;
    let other_cancel = cancel.replace("z9hG4bK", "z9hG4bKnope");
    alice.send(&other_cancel).await;
    alice.expect_response(481).await;
    s.until("events", |_| s.dir.event_kinds().len() == 4).await;
    let kinds: Vec<String> = s.dir.event_kinds().into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["start", "start", "end", "end"]);
}

#[tokio::test]
async fn error_answers() {
    let s = TestServer::start().await;
    let _bob = registered(&s, "bob").await;
    let mut alice = s.client("alice").await;
    // Unknown user.
    invite_fails(&s, &mut alice, &format!("sip:nobody@{HOST}"), 404).await;
    // Another tenant's endpoint is as unknown as a missing one.
    invite_fails(&s, &mut alice, &format!("sip:eve@{OTHER_HOST}"), 404).await;
    // Known but not registered.
    invite_fails(&s, &mut alice, &format!("sip:dave@{HOST}"), 480).await;
    // Disabled target.
    let r = invite_fails(&s, &mut alice, &format!("sip:carol@{HOST}"), 403).await;
    assert!(r.reason.contains("disabled"), "{}", r.reason);
    // Max-Forwards exhausted.
    let call_id = alice.fresh();
    let text = alice
        .invite_text(
            &format!("sip:bob@{HOST}"),
            &call_id,
            "t",
            &format!("X-Callsign-Token: {}\r\n", s.token("alice", HOST)),
        )
        .replace("Max-Forwards: 69", "Max-Forwards: 0");
    alice.send(&text).await;
    alice.expect_response(483).await;
    // A disabled caller is refused.
    let mut carol = s.client("carol").await;
    let call_id = carol.fresh();
    let text = carol.invite_text(
        &format!("sip:bob@{HOST}"),
        &call_id,
        "t",
        &format!("X-Callsign-Token: {}\r\n", s.token("carol", HOST)),
    );
    carol.send(&text).await;
    carol.expect_response(403).await;
    // Alice's token with bob's From is refused.
    let call_id = alice.fresh();
    let text = alice
        .invite_text(
            &format!("sip:bob@{HOST}"),
            &call_id,
            "t",
            &format!("X-Callsign-Token: {}\r\n", s.token("alice", HOST)),
        )
        .replace(&format!("<sip:alice@{HOST}>"), &format!("<sip:bob@{HOST}>"));
    alice.send(&text).await;
    let r = alice.expect_response(403).await;
    assert!(r.reason.contains("another endpoint"), "{}", r.reason);
    // A request to a route token that is not the server's is refused.
    let forged = alice.in_dialog_text(
        "BYE",
        "sip:x@y.invalid",
        &["<sip:bwclient.invalid;transport=ws;lr;flow=1.2.AAAAAAAAAAAAAAAA>".to_owned()],
        &format!("<sip:alice@{HOST}>;tag=a"),
        &format!("<sip:bob@{HOST}>;tag=b"),
        "forged-call",
        2,
    );
    alice.send(&forged).await;
    alice.expect_response(403).await;
    // An in-dialog request without the proxy's Route matches nothing.
    let stray = alice.in_dialog_text(
        "BYE",
        "sip:x@y.invalid",
        &[],
        &format!("<sip:alice@{HOST}>;tag=a"),
        &format!("<sip:bob@{HOST}>;tag=b"),
        "stray-call",
        2,
    );
    alice.send(&stray).await;
    alice.expect_response(481).await;
    assert!(s.dir.event_kinds().is_empty());
}

#[tokio::test]
async fn phone_number_targets_and_message() {
    let s = TestServer::start().await;
    let mut bob = registered(&s, "bob").await;
    let mut alice = s.client("alice").await;
    for target in [
        format!("sip:+15551234567@{HOST}"),
        format!("sip:555-123-4567@{HOST};user=phone"),
        "tel:+15551234567".to_owned(),
    ] {
        invite(&s, &mut alice, &target).await;
        alice.expect_response(100).await;
        let inv = bob.expect_request("INVITE").await;
        assert_eq!(inv.uri.to_string(), bob.contact);
        bob.respond(&inv, 486, "Busy Here", "b").await;
        alice.expect_response(486).await;
        bob.expect_request("ACK").await;
    }
    // A MESSAGE (non-INVITE) is proxied too, without 100 and without Record-Route.
    let call_id = alice.fresh();
    let token = s.token("alice", HOST);
    let msg = format!(
        "MESSAGE sip:bob@{HOST} SIP/2.0\r\nVia: SIP/2.0/WSS c.invalid;branch=z9hG4bKmsg1\r\nMax-Forwards: 70\r\n\
         To: <sip:bob@{HOST}>\r\nFrom: <sip:alice@{HOST}>;tag=m1\r\nCall-ID: {call_id}\r\nCSeq: 1 MESSAGE\r\n\
         Content-Type: text/plain\r\nX-Callsign-Token: {token}\r\nContent-Length: 5\r\n\r\nhello"
    );
    alice.send(&msg).await;
    let got = bob.expect_request("MESSAGE").await;
    assert_eq!(got.body, b"hello");
    assert!(got.headers.get(&HeaderName::RECORD_ROUTE).is_none());
    bob.respond(&got, 200, "OK", "m").await;
    alice.expect_response(200).await;
}

#[tokio::test]
async fn invite_digest_challenge_407_then_accepted() {
    use md5::{Digest, Md5};
    let s = TestServer::start().await;
    let mut bob = registered(&s, "bob").await;
    let mut alice = s.client("alice").await;
    let call_id = alice.fresh();
    let target = format!("sip:bob@{HOST}");
    let first = alice.invite_text(&target, &call_id, "ft", "");
    alice.send(&first).await;
    let r = alice.expect_response(407).await;
    let line = r
        .headers
        .get_all(&HeaderName::PROXY_AUTHENTICATE)
        .find(|l| l.contains("algorithm=MD5"))
        .expect("MD5 challenge")
        .to_owned();
    let nonce = line
        .split("nonce=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .expect("nonce");
    let h = |s: String| -> String {
        Md5::digest(s.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let ha1 = h(format!("alice:{HOST}:alice-pw"));
    let ha2 = h(format!("INVITE:{target}"));
    let response = h(format!("{ha1}:{nonce}:00000001:c0ffee:auth:{ha2}"));
    let auth = format!(
        "Proxy-Authorization: Digest username=\"alice\", realm=\"{HOST}\", nonce=\"{nonce}\", uri=\"{target}\", response=\"{response}\", algorithm=MD5, cnonce=\"c0ffee\", qop=auth, nc=00000001\r\n"
    );
    let second = alice.invite_text(&target, &call_id, "ft", &auth);
    alice.send(&second).await;
    alice.expect_response(100).await;
    let inv = bob.expect_request("INVITE").await;
    assert!(
        inv.headers.get(&HeaderName::PROXY_AUTHORIZATION).is_none(),
        "credentials consumed"
    );
    bob.respond(&inv, 603, "Decline", "b").await;
    alice.expect_response(603).await;
}

#[tokio::test]
async fn callee_closing_while_ringing_gives_480() {
    let s = TestServer::start().await;
    let mut bob = registered(&s, "bob").await;
    let mut alice = s.client("alice").await;
    invite(&s, &mut alice, &format!("sip:bob@{HOST}")).await;
    alice.expect_response(100).await;
    let inv: Request = bob.expect_request("INVITE").await;
    assert_eq!(inv.method, Method::INVITE);
    bob.close().await;
    alice.expect_response(480).await;
    // And with no contact left the next call is 480 at once, with no 100.
    invite_fails(&s, &mut alice, &format!("sip:bob@{HOST}"), 480).await;
}

#[tokio::test]
async fn caller_socket_closing_ends_an_answered_call() {
    let s = TestServer::start().await;
    let mut bob = registered(&s, "bob").await;
    let mut alice = s.client("alice").await;
    invite(&s, &mut alice, &format!("sip:bob@{HOST}")).await;
    alice.expect_response(100).await;
    let inv = bob.expect_request("INVITE").await;
    bob.respond(&inv, 200, "OK", "bt").await;
    alice.expect_response(200).await;
    assert_eq!(s.service.active_calls(), 1);
    alice.close().await;
    s.until("call ended", |svc| svc.active_calls() == 0).await;
    let kinds: Vec<String> = s.dir.event_kinds().into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["start", "start", "answer", "answer", "end", "end"]);
}

#[tokio::test]
async fn binary_body_goes_out_in_a_binary_frame() {
    let s = TestServer::start().await;
    let mut bob = registered(&s, "bob").await;
    let mut alice = s.client("alice").await;
    let token = s.token("alice", HOST);
    let head = format!(
        "MESSAGE sip:bob@{HOST} SIP/2.0\r\nVia: SIP/2.0/WSS c.invalid;branch=z9hG4bKbin1\r\nMax-Forwards: 70\r\n\
         To: <sip:bob@{HOST}>\r\nFrom: <sip:alice@{HOST}>;tag=b1\r\nCall-ID: bin-1\r\nCSeq: 1 MESSAGE\r\n\
         Content-Type: application/octet-stream\r\nX-Callsign-Token: {token}\r\nContent-Length: 4\r\n\r\n"
    );
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&[0xff, 0x00, 0xfe, 0x80]);
    alice.send_binary(&bytes).await;
    let (binary, got) = bob.recv_raw().await;
    assert!(binary, "a non-UTF-8 message must travel in a binary frame");
    assert!(got.ends_with(&[0xff, 0x00, 0xfe, 0x80]));
    match bwclient_sip::Message::parse(&got) {
        Ok(bwclient_sip::Message::Request(r)) => assert_eq!(r.body, [0xff, 0x00, 0xfe, 0x80]),
        other => panic!("{other:?}"),
    }
}
