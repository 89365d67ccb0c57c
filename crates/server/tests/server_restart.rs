//! Issue 12, items 2 and 4, against the real `bwclient-server` binary on a fixed port and data
//! folder.
//!
//! - A crash (SIGKILL) mid-call: both phones reconnect and re-REGISTER with their
//!   `+sip.instance` (RFC 5626 §4.2.1); hold and unhold from each side and the BYE route with
//!   the Record-Route signed before the crash; the application gets `end`; the `answer` event
//!   that was in flight at the crash is delivered after the restart; nothing is left queued.
//! - SIGTERM: a registered raw WebSocket client gets Close 1001; the process exits 0 within
//!   the shutdown bound; the callback that was pending is in the database and is delivered
//!   after the next start.

mod server_bin;
mod sip_common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bwclient_sip::HeaderName;
use futures_util::StreamExt;
use server_bin::{free_port, rows, Receiver, Rest, ServerProcess};
use sip_common::{tag_of, uri_of, values, Client, HOST};
use tokio_tungstenite::tungstenite::Message as WsMessage;

const ALICE_INSTANCE: &str = "<urn:uuid:0c4b9a52-1d7e-4f3a-9b6c-00000000a11c>";
const BOB_INSTANCE: &str = "<urn:uuid:0c4b9a52-1d7e-4f3a-9b6c-000000000b0b>";

/// REGISTER over outbound (RFC 5626 §4.2.1) as JsSIP writes it; expects `200`.
async fn register_outbound(c: &mut Client, token: &str, instance: &str, cseq: u32) {
    let user = c.user.clone();
    let contact = c.contact.clone();
    let branch = c.fresh();
    let text = format!(
        "REGISTER sip:{HOST} SIP/2.0\r\n\
         Via: SIP/2.0/WSS c.invalid;branch=z9hG4bK{branch}\r\n\
         Max-Forwards: 70\r\n\
         To: <sip:{user}@{HOST}>\r\n\
         From: <sip:{user}@{HOST}>;tag=reg{user}\r\n\
         Call-ID: reg-{user}-restart\r\n\
         CSeq: {cseq} REGISTER\r\n\
         Contact: <{contact};ob>;reg-id=1;+sip.instance=\"{instance}\";expires=600\r\n\
         Supported: path, outbound, gruu\r\n\
         X-Callsign-Token: {token}\r\n\
         Content-Length: 0\r\n\r\n"
    );
    c.send(&text).await;
    c.expect_response(200).await;
}

/// A phone of `user`, registered; `contact` keeps its Contact across reconnects (as JsSIP).
async fn phone(
    url: &str,
    user: &str,
    token: &str,
    instance: &str,
    contact: Option<&str>,
    cseq: u32,
) -> Client {
    let mut c = Client::connect(url, user).await;
    if let Some(contact) = contact {
        c.contact = contact.to_owned();
    }
    register_outbound(&mut c, token, instance, cseq).await;
    c
}

/// An established call as both ends see it.
struct Dialog {
    call_id: String,
    alice: String,
    bob: String,
    alice_routes: Vec<String>,
    bob_routes: Vec<String>,
    bob_target: String,
    alice_target: String,
}

/// alice calls bob with `token`; bob answers; alice ACKs.
async fn establish(alice: &mut Client, bob: &mut Client, token: &str) -> Dialog {
    let call_id = alice.fresh();
    let from_tag = alice.fresh();
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

/// A re-INVITE from `uac` with `direction` (`sendonly` = hold, `sendrecv` = unhold, RFC 3264
/// §8.4) through the proxy; `uas` answers `200`; `uac` ACKs.
#[allow(clippy::too_many_arguments)]
async fn reinvite(
    uac: &mut Client,
    uas: &mut Client,
    direction: &str,
    target: &str,
    routes: &[String],
    from: &str,
    to: &str,
    call_id: &str,
    cseq: u32,
) {
    let branch = uac.fresh();
    let contact = uac.contact.clone();
    let sdp = format!(
        "v=0\r\no=- 1 {cseq} IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\na={direction}\r\n"
    );
    let route_lines: String = routes.iter().map(|r| format!("Route: {r}\r\n")).collect();
    let text = format!(
        "INVITE {target} SIP/2.0\r\n\
         Via: SIP/2.0/WSS c.invalid;branch=z9hG4bK{branch}\r\n\
         Max-Forwards: 69\r\n\
         {route_lines}\
         From: {from}\r\nTo: {to}\r\nCall-ID: {call_id}\r\nCSeq: {cseq} INVITE\r\n\
         Contact: <{contact};ob>\r\n\
         Content-Type: application/sdp\r\n\
         Content-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    );
    uac.send(&text).await;
    uac.expect_response(100).await;
    let got = uas.expect_request("INVITE").await;
    assert!(
        String::from_utf8_lossy(&got.body).contains(&format!("a={direction}")),
        "{got}"
    );
    uas.respond(&got, 200, "OK", "unused").await;
    uac.expect_response(200).await;
    let ack = uac.in_dialog_text("ACK", target, routes, from, to, call_id, cseq);
    uac.send(&ack).await;
    uas.expect_request("ACK").await;
}

/// Polls `cond` until it holds (bounded).
async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + server_bin::WAIT;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn crash_mid_call_keeps_dialogs_end_and_queued_callbacks() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let receiver = Receiver::start().await;
    let server = ServerProcess::start(port, dir.path()).await;
    let db = server.db_file();
    let rest = Rest::new(&server).await;
    let tokens = rest.setup(&receiver, &["alice", "bob"]).await;
    let (alice_token, bob_token) = (&tokens[0], &tokens[1]);

    let url = server.ws_url();
    let mut bob = phone(&url, "bob", bob_token, BOB_INSTANCE, None, 1).await;
    let mut alice = phone(&url, "alice", alice_token, ALICE_INSTANCE, None, 1).await;
    // `start` is delivered; `answer` is held in flight by the application when the server dies.
    let d = establish_holding_answer(&mut alice, &mut bob, alice_token, &receiver).await;
    assert_eq!(rows(&db, "active_calls"), 1, "the call is kept");
    until("the answer event queued", || {
        rows(&db, "callback_queue") >= 1
    })
    .await;

    // The crash.
    let (alice_contact, bob_contact) = (alice.contact.clone(), bob.contact.clone());
    server.kill();
    drop((alice, bob));
    receiver.phase.store(1, Ordering::SeqCst);
    receiver.hold.store(false, Ordering::SeqCst);
    let server = ServerProcess::start(port, dir.path()).await;

    // The queued event goes out after the restart.
    receiver.wait_for("answer", &d.call_id, 1).await;

    // The phones come back with their instances (JsSIP keeps its Contact).
    let mut bob = phone(&url, "bob", bob_token, BOB_INSTANCE, Some(&bob_contact), 2).await;
    let mut alice = phone(
        &url,
        "alice",
        alice_token,
        ALICE_INSTANCE,
        Some(&alice_contact),
        2,
    )
    .await;

    // Hold and unhold from each side, with the route set signed before the crash.
    let (a, b) = (&d.alice, &d.bob);
    reinvite(
        &mut alice,
        &mut bob,
        "sendonly",
        &d.bob_target,
        &d.alice_routes,
        a,
        b,
        &d.call_id,
        6,
    )
    .await;
    reinvite(
        &mut alice,
        &mut bob,
        "sendrecv",
        &d.bob_target,
        &d.alice_routes,
        a,
        b,
        &d.call_id,
        7,
    )
    .await;
    reinvite(
        &mut bob,
        &mut alice,
        "sendonly",
        &d.alice_target,
        &d.bob_routes,
        b,
        a,
        &d.call_id,
        1,
    )
    .await;
    reinvite(
        &mut bob,
        &mut alice,
        "sendrecv",
        &d.alice_target,
        &d.bob_routes,
        b,
        a,
        &d.call_id,
        2,
    )
    .await;

    // BYE from bob: alice gets it, and the application gets `end` for the call.
    let bye = bob.in_dialog_text("BYE", &d.alice_target, &d.bob_routes, b, a, &d.call_id, 3);
    bob.send(&bye).await;
    let got = alice.expect_request("BYE").await;
    alice.respond(&got, 200, "OK", "unused").await;
    bob.expect_response(200).await;
    receiver.wait_for("end", &d.call_id, 1).await;
    until("nothing left queued or active", || {
        rows(&db, "callback_queue") == 0 && rows(&db, "active_calls") == 0
    })
    .await;
    drop(server);
}

/// [`establish`], with the receiver answering `start` and holding every later event.
async fn establish_holding_answer(
    alice: &mut Client,
    bob: &mut Client,
    token: &str,
    receiver: &Receiver,
) -> Dialog {
    let call_id = alice.fresh();
    let from_tag = alice.fresh();
    let text = alice.invite_text(
        &format!("sip:bob@{HOST}"),
        &call_id,
        &from_tag,
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    alice.send(&text).await;
    alice.expect_response(100).await;
    let inv = bob.expect_request("INVITE").await;
    // Two `start` events (caller's and callee's endpoints share the application).
    until("start delivered", || {
        receiver
            .got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.kind == "start" && r.call_id == call_id)
            .count()
            == 2
    })
    .await;
    receiver.hold.store(true, Ordering::SeqCst);
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
    receiver.wait_for("answer", &d.call_id, 0).await;
    d
}

#[tokio::test]
async fn sigterm_closes_with_1001_exits_0_and_keeps_the_pending_callback() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let receiver = Receiver::start().await;
    let server = ServerProcess::start(port, dir.path()).await;
    let db = server.db_file();
    let rest = Rest::new(&server).await;
    let tokens = rest.setup(&receiver, &["alice", "bob"]).await;
    let url = server.ws_url();
    let mut bob = phone(&url, "bob", &tokens[1], BOB_INSTANCE, None, 1).await;
    let mut alice = phone(&url, "alice", &tokens[0], ALICE_INSTANCE, None, 1).await;
    // Every event is held by the application: still pending at SIGTERM.
    receiver.hold.store(true, Ordering::SeqCst);
    let d = establish(&mut alice, &mut bob, &tokens[0]).await;
    receiver.wait_for("answer", &d.call_id, 0).await;

    let sent = Instant::now();
    let stopping = tokio::spawn(server.terminate(Duration::from_secs(10)));
    // Both phones are told the server is going away (RFC 6455 §7.4.1), and the closing
    // handshake completes.
    for c in [&mut alice, &mut bob] {
        let code = close_code(c).await;
        assert_eq!(code, Some(1001), "{}: close 1001", c.user);
    }
    let status = stopping.await.unwrap().expect("exited within the bound");
    assert!(status.success(), "exit status {status:?}");
    // A figure, not a pass/fail condition (the bound above is).
    eprintln!("SIGTERM to exit: {} ms", sent.elapsed().as_millis());
    // Nothing lost: the held events are in the database.
    assert!(rows(&db, "callback_queue") >= 2, "pending callbacks kept");

    receiver.phase.store(1, Ordering::SeqCst);
    receiver.hold.store(false, Ordering::SeqCst);
    let _again = ServerProcess::start(port, dir.path()).await;
    receiver.wait_for("start", &d.call_id, 1).await;
    receiver.wait_for("answer", &d.call_id, 1).await;
    until("queue emptied", || rows(&db, "callback_queue") == 0).await;
}

/// The close code the server sends on `c`'s socket (`None`: closed without one).
async fn close_code(c: &mut Client) -> Option<u16> {
    loop {
        let frame = tokio::time::timeout(server_bin::WAIT, c.ws.next())
            .await
            .expect("closed in time");
        match frame {
            Some(Ok(WsMessage::Close(frame))) => {
                // Reading on sends the reply to the Close (RFC 6455 §5.5.1), as a browser does.
                while let Ok(Some(Ok(_))) =
                    tokio::time::timeout(server_bin::WAIT, c.ws.next()).await
                {}
                return frame.map(|f| u16::from(f.code));
            }
            Some(Ok(_)) => continue,
            _ => return None,
        }
    }
}

#[tokio::test]
async fn a_call_ringing_at_a_crash_ends_for_the_application() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let receiver = Receiver::start().await;
    let server = ServerProcess::start(port, dir.path()).await;
    let db = server.db_file();
    let rest = Rest::new(&server).await;
    let tokens = rest.setup(&receiver, &["alice", "bob"]).await;
    let url = server.ws_url();
    let mut bob = phone(&url, "bob", &tokens[1], BOB_INSTANCE, None, 1).await;
    let mut alice = phone(&url, "alice", &tokens[0], ALICE_INSTANCE, None, 1).await;
    let call_id = alice.fresh();
    let from_tag = alice.fresh();
    let text = alice.invite_text(
        &format!("sip:bob@{HOST}"),
        &call_id,
        &from_tag,
        &format!("X-Callsign-Token: {}\r\n", tokens[0]),
    );
    alice.send(&text).await;
    alice.expect_response(100).await;
    bob.expect_request("INVITE").await;
    receiver.wait_for("start", &call_id, 0).await;
    assert_eq!(rows(&db, "active_calls"), 1);

    // The crash while bob's phone rings: its INVITE transaction is gone with the process.
    server.kill();
    drop((alice, bob));
    receiver.phase.store(1, Ordering::SeqCst);
    let _again = ServerProcess::start(port, dir.path()).await;
    receiver.wait_for("end", &call_id, 1).await;
    until("the call forgotten", || rows(&db, "active_calls") == 0).await;
}
