//! Issue 11, hole 5: anonymous WebSockets cannot take every slot. Thousands of idle
//! connections from one address hit the per-address cap on unauthenticated connections (HTTP
//! 503), the ones admitted are closed at the authentication deadline, and a real phone on
//! another address registers and calls meanwhile. Keep-alives (CRLFCRLF, WebSocket Ping) go
//! through the per-connection rate limiter before they are answered.

mod sip_common;

use bwclient_server::sip::SipConfig;
use futures_util::{SinkExt, StreamExt};
use sip_common::{tag_of, uri_of, values, ws_from, Client, TestServer, Ws, HOST, WAIT};
use std::net::IpAddr;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// Idle anonymous connection attempts from one address.
const IDLE: usize = 3000;
/// How many handshakes are in flight at once.
const IN_FLIGHT: usize = 200;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// Reads until the server closes; the close code it sent, if any.
async fn close_code(ws: &mut Ws, within: Duration) -> Option<u16> {
    let read = async {
        while let Some(frame) = ws.next().await {
            match frame {
                Ok(WsMessage::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    };
    tokio::time::timeout(within, read)
        .await
        .expect("the server closes the connection in time")
}

/// `user` on its own connection from `from`, registered with its token.
async fn phone(s: &TestServer, user: &str, from: IpAddr) -> Client {
    let mut c = Client::connect_from(&s.url(), user, from).await;
    c.register_with_token(&s.token(user, HOST)).await;
    c
}

/// Alice calls Bob through the proxy: INVITE → 100 → 200 → ACK → BYE → 200. The INVITE
/// authenticates with alice's token.
async fn call(s: &TestServer, alice: &mut Client, bob: &mut Client) {
    let call_id = alice.fresh();
    let from_tag = alice.fresh();
    let target = format!("sip:bob@{HOST}");
    let token = s.token("alice", HOST);
    let invite = alice.invite_text(
        &target,
        &call_id,
        &from_tag,
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    alice.send(&invite).await;
    alice.expect_response(100).await;
    let inv = bob.expect_request("INVITE").await;
    bob.respond(&inv, 200, "OK", "bobtag").await;
    let ok = alice.expect_response(200).await;
    let route_set = values(&ok.headers, &bwclient_sip::HeaderName::RECORD_ROUTE);
    let bob_target = uri_of(&values(&ok.headers, &bwclient_sip::HeaderName::CONTACT)[0]);
    let from = format!("\"alice\" <sip:alice@{HOST}>;tag={from_tag}");
    let to = format!(
        "<sip:bob@{HOST}>;tag={}",
        tag_of(ok.headers.get(&bwclient_sip::HeaderName::TO).unwrap_or(""))
    );
    let ack = alice.in_dialog_text("ACK", &bob_target, &route_set, &from, &to, &call_id, 5);
    alice.send(&ack).await;
    bob.expect_request("ACK").await;
    let bye = alice.in_dialog_text("BYE", &bob_target, &route_set, &from, &to, &call_id, 6);
    alice.send(&bye).await;
    let got = bob.expect_request("BYE").await;
    bob.respond(&got, 200, "OK", "bobtag").await;
    alice.expect_response(200).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_anonymous_connections_do_not_lock_out_a_phone() {
    // Fewer slots in all than idle attempts: without a per-address cap the idle ones would
    // take every slot and the phone would get 503.
    let config = SipConfig {
        max_connections: 1000,
        auth_deadline: Duration::from_secs(5),
        ..SipConfig::default()
    };
    let cap = config.max_unauthenticated_per_addr;
    let s = TestServer::start_with(config).await;
    let url = s.url();

    let flood_started = Instant::now();
    let results: Vec<Result<Ws, u16>> = futures_util::stream::iter(0..IDLE)
        .map(|_| ws_from(&url, ip("127.0.0.1")))
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let flood_took = flood_started.elapsed();
    let mut idle: Vec<Ws> = Vec::new();
    let mut refused = 0;
    for r in results {
        match r {
            Ok(ws) => idle.push(ws),
            Err(status) => {
                assert_eq!(status, 503, "refused past the per-address cap");
                refused += 1;
            }
        }
    }
    let (open, anonymous) = s.service.connections_from(ip("127.0.0.1"));
    assert!(anonymous <= cap, "{anonymous} anonymous connections held");
    assert_eq!(open, anonymous);
    assert!(refused >= IDLE - 1000, "only {refused} refused");

    // A real phone (two, to call between them) from another address.
    let phone_started = Instant::now();
    let mut alice = phone(&s, "alice", ip("127.0.0.2")).await;
    let mut bob = phone(&s, "bob", ip("127.0.0.2")).await;
    call(&s, &mut alice, &mut bob).await;
    let phone_took = phone_started.elapsed();
    let held_during_call = s.service.connections_from(ip("127.0.0.1")).0;

    // Every idle connection that got in is closed at the deadline (1008, policy violation).
    let mut codes = Vec::new();
    for ws in &mut idle {
        codes.push(close_code(ws, Duration::from_secs(5) + WAIT).await);
    }
    assert!(
        codes.iter().all(|c| *c == Some(1008)),
        "close codes: {:?}",
        &codes[..codes.len().min(5)]
    );
    s.until("the idle connections are gone", |svc| {
        svc.connections_from(ip("127.0.0.1")) == (0, 0)
    })
    .await;
    // The phones authenticated, so the deadline left them alone.
    assert_eq!(s.service.connections_from(ip("127.0.0.2")), (2, 0));
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 1);
    eprintln!(
        "{IDLE} idle attempts in {flood_took:?}: {} admitted, {refused} refused (503); \
         {held_during_call} still held during the call; two phones registered and completed \
         INVITE/200/ACK/BYE in {phone_took:?}",
        idle.len()
    );
}

#[tokio::test]
async fn one_address_may_hold_many_authenticated_phones_but_few_anonymous_ones() {
    let s = TestServer::start_with(SipConfig {
        max_connections_per_addr: 4,
        max_unauthenticated_per_addr: 2,
        ..SipConfig::default()
    })
    .await;
    let nat = ip("127.0.0.3");
    // Four phones behind one NAT, more than the anonymous cap: each authenticates in turn.
    let mut phones = Vec::new();
    for user in ["alice", "bob", "dave", "alice"] {
        phones.push(phone(&s, user, nat).await);
    }
    assert_eq!(s.service.connections_from(nat), (4, 0));
    // The fifth connection from there is over the per-address cap.
    assert_eq!(ws_from(&s.url(), nat).await.err(), Some(503));
    // Anonymous ones from another address: two, then 503.
    let other = ip("127.0.0.4");
    let _a = ws_from(&s.url(), other).await.expect("first anonymous");
    let _b = ws_from(&s.url(), other).await.expect("second anonymous");
    assert_eq!(ws_from(&s.url(), other).await.err(), Some(503));
    assert_eq!(s.service.connections_from(other), (2, 2));
}

#[tokio::test]
async fn crlf_keep_alives_are_rate_limited_before_they_are_answered() {
    // A bucket of five frames that never refills: exactly five frames get through.
    let s = TestServer::start_with(SipConfig {
        rate_per_sec: 0,
        rate_burst: 5,
        ..SipConfig::default()
    })
    .await;
    let mut c = s.client("alice").await;
    for _ in 0..20 {
        c.send("\r\n\r\n").await;
    }
    let options = format!(
        "OPTIONS sip:{HOST} SIP/2.0\r\nVia: SIP/2.0/WSS c.invalid;branch=z9hG4bKka1\r\n\
         Max-Forwards: 70\r\nFrom: <sip:alice@{HOST}>;tag=ka\r\nTo: <sip:{HOST}>\r\n\
         Call-ID: keepalive-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    );
    c.send(&options).await;
    // Frames come back in order: the pongs that were answered, then the OPTIONS' answer.
    let mut pongs = 0;
    let answer = loop {
        let text = c.recv_text().await;
        if text == "\r\n" {
            pongs += 1;
        } else {
            break text;
        }
    };
    assert_eq!(
        pongs, 5,
        "only the keep-alives within the rate are answered"
    );
    assert!(
        answer.starts_with("SIP/2.0 503 "),
        "the keep-alives used up the bucket: {answer}"
    );
}

#[tokio::test]
async fn websocket_pings_over_the_rate_close_the_connection() {
    let s = TestServer::start_with(SipConfig {
        rate_per_sec: 0,
        rate_burst: 5,
        ..SipConfig::default()
    })
    .await;
    let mut c = s.client("alice").await;
    for _ in 0..20 {
        if c.ws.send(WsMessage::Ping(Vec::new().into())).await.is_err() {
            break;
        }
    }
    let mut pongs = 0;
    let code = tokio::time::timeout(WAIT, async {
        while let Some(frame) = c.ws.next().await {
            match frame {
                Ok(WsMessage::Pong(_)) => pongs += 1,
                Ok(WsMessage::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    })
    .await
    .expect("closed in time");
    assert_eq!(code, Some(1008));
    assert!(pongs <= 5, "{pongs} pongs");
}
