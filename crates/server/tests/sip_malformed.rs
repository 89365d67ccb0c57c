//! Malformed and abusive input on one connection — random bytes, an oversized message, missing
//! mandatory headers, a bad Content-Length, a flood, a giant frame — is answered (`400`, `513`,
//! `503`) or dropped, while a call between two other connections goes on undisturbed.

mod sip_common;

use bwclient_server::sip::SipConfig;
use bwclient_sip::HeaderName;
use sip_common::{uri_of, values, Client, TestServer, HOST};

/// A well-formed request by itself, to prove the connection still works and that nothing else
/// was sent before its answer.
fn options(n: u32) -> String {
    format!(
        "OPTIONS sip:{HOST} SIP/2.0\r\nVia: SIP/2.0/WSS m.invalid;branch=z9hG4bKprobe{n}\r\nMax-Forwards: 70\r\n\
         To: <sip:{HOST}>\r\nFrom: <sip:dave@{HOST}>;tag=p{n}\r\nCall-ID: probe-{n}\r\nCSeq: {n} OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

/// Sends a probe and expects its 200 as the very next frame.
async fn probe(c: &mut Client, n: u32) {
    c.send(&options(n)).await;
    let r = c.expect_response(200).await;
    assert_eq!(
        r.headers.get(&HeaderName::CALL_ID),
        Some(format!("probe-{n}").as_str())
    );
}

const BASE_INVITE: &str = "INVITE sip:bob@acme.sip.test SIP/2.0\r\n\
    Via: SIP/2.0/WSS m.invalid;branch=z9hG4bKbad1\r\n\
    Max-Forwards: 70\r\n\
    To: <sip:bob@acme.sip.test>\r\n\
    From: <sip:dave@acme.sip.test>;tag=m1\r\n\
    Call-ID: broken-1\r\n\
    CSeq: 1 INVITE\r\n\
    Content-Type: application/sdp\r\n";

#[tokio::test]
async fn malformed_frames_do_not_disturb_a_call() {
    let s = TestServer::start().await;
    // A call between alice and bob, up to 180.
    let mut bob = s.client("bob").await;
    bob.register_with_token(&s.token("bob", HOST)).await;
    let mut alice = s.client("alice").await;
    let call_id = alice.fresh();
    let text = alice.invite_text(
        &format!("sip:bob@{HOST}"),
        &call_id,
        "at",
        &format!("X-Callsign-Token: {}\r\n", s.token("alice", HOST)),
    );
    alice.send(&text).await;
    alice.expect_response(100).await;
    let inv = bob.expect_request("INVITE").await;
    bob.respond(&inv, 180, "Ringing", "bt").await;
    alice.expect_response(180).await;

    // Meanwhile, on a third connection:
    let mut m = s.client("dave").await;
    // 1. Random bytes: dropped, the connection still answers.
    let mut seed: u32 = 0x1234_5678;
    let junk: Vec<u8> = (0..512)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed & 0xff) as u8
        })
        .collect();
    m.send_binary(&junk).await;
    m.send("\u{0}\u{1}garbage\r\n\r\n").await;
    probe(&mut m, 1).await;

    // 2. Oversized (over 64 KiB) but readable: 513.
    let big = format!(
        "{BASE_INVITE}Content-Length: 70000\r\n\r\n{}",
        "a".repeat(70_000)
    );
    m.send(&big).await;
    let r = m.expect_response(513).await;
    assert_eq!(r.headers.get(&HeaderName::CALL_ID), Some("broken-1"));
    probe(&mut m, 2).await;

    // 3. Missing Max-Forwards (mandatory in requests): 400 with the reason.
    let no_mf = format!(
        "{}Content-Length: 0\r\n\r\n",
        BASE_INVITE.replace("Max-Forwards: 70\r\n", "")
    );
    m.send(&no_mf).await;
    let r = m.expect_response(400).await;
    assert!(r.reason.contains("max-forwards"), "{}", r.reason);
    // Missing Call-ID: no valid response is possible, dropped.
    let no_callid = format!(
        "{}Content-Length: 0\r\n\r\n",
        BASE_INVITE.replace("Call-ID: broken-1\r\n", "")
    );
    m.send(&no_callid).await;
    probe(&mut m, 3).await;

    // 4. Bad Content-Length: longer than the body, and not a number.
    let short = format!("{BASE_INVITE}Content-Length: 500\r\n\r\nv=0\r\n");
    m.send(&short).await;
    let r = m.expect_response(400).await;
    assert!(r.reason.starts_with("Bad Request"), "{}", r.reason);
    let nan = format!("{BASE_INVITE}Content-Length: many\r\n\r\nv=0\r\n");
    m.send(&nan).await;
    m.expect_response(400).await;

    // 5. A malformed ACK or response is never answered.
    m.send(&no_mf.replace("INVITE", "ACK")).await;
    m.send("SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n").await;
    // A response for a transaction that does not exist is dropped too.
    m.send("SIP/2.0 200 OK\r\nVia: SIP/2.0/WS bwclient.invalid;branch=z9hG4bKnope\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n").await;
    probe(&mut m, 4).await;

    // 6. The same connection can still register properly.
    m.register_with_token(&s.token("dave", HOST)).await;

    // The call goes on: answer, ACK, BYE.
    bob.respond(&inv, 200, "OK", "bt").await;
    let ok = alice.expect_response(200).await;
    let route = values(&ok.headers, &HeaderName::RECORD_ROUTE);
    let target = uri_of(&values(&ok.headers, &HeaderName::CONTACT)[0]);
    let from = format!("\"alice\" <sip:alice@{HOST}>;tag=at");
    let to = format!("<sip:bob@{HOST}>;tag=bt");
    let ack = alice.in_dialog_text("ACK", &target, &route, &from, &to, &call_id, 5);
    alice.send(&ack).await;
    bob.expect_request("ACK").await;
    let bye = alice.in_dialog_text("BYE", &target, &route, &from, &to, &call_id, 6);
    alice.send(&bye).await;
    let got = bob.expect_request("BYE").await;
    bob.respond(&got, 200, "OK", "bt").await;
    alice.expect_response(200).await;
}

#[tokio::test]
async fn flood_is_rate_limited_per_connection() {
    // No refill: exactly `rate_burst` messages pass, whatever the speed of the machine.
    let s = TestServer::start_with(SipConfig {
        rate_per_sec: 0,
        rate_burst: 3,
        ..SipConfig::default()
    })
    .await;
    let mut flooder = s.client("dave").await;
    for n in 1..=5 {
        flooder.send(&options(n)).await;
    }
    for _ in 0..3 {
        flooder.expect_response(200).await;
    }
    for _ in 0..2 {
        let r = flooder.expect_response(503).await;
        assert!(r.reason.contains("rate limit"), "{}", r.reason);
    }
    // Another connection has its own bucket.
    let mut other = s.client("alice").await;
    probe(&mut other, 9).await;
}

#[tokio::test]
async fn giant_frame_closes_only_that_connection() {
    let s = TestServer::start().await;
    let mut good = s.client("alice").await;
    let mut bad = s.client("dave").await;
    // Past max_frame_bytes (256 KiB) the WebSocket layer closes the connection.
    let huge = "x".repeat(400 * 1024);
    let _ = futures_util::SinkExt::send(
        &mut bad.ws,
        tokio_tungstenite::tungstenite::Message::text(huge),
    )
    .await;
    let closed = tokio::time::timeout(sip_common::WAIT, async {
        loop {
            match futures_util::StreamExt::next(&mut bad.ws).await {
                None | Some(Err(_)) => return true,
                Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) => return true,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert_eq!(closed, Ok(true));
    s.until("bad connection gone", |svc| svc.connection_count() == 1)
        .await;
    probe(&mut good, 1).await;
}
