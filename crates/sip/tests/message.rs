//! MESSAGE (RFC 3428) both ways, and a failure.

mod common;

use bwclient_sip::events::Event;
use bwclient_sip::ua::MessageHandle;
use bwclient_sip::Uri;
use common::*;

#[test]
fn message_both_ways() {
    let (mut net, alice, bob) = alice_and_bob();
    let now = net.now;
    let m = net
        .ua(alice)
        .send_message(
            now,
            Uri::sip(Some("bob"), DOMAIN),
            "text/plain",
            "hello bob",
        )
        .unwrap();
    net.drive();
    let sent = net.agents[alice].sent.last().unwrap().clone();
    assert_eq!(start_line(&sent), "MESSAGE sip:bob@example.test SIP/2.0");
    assert_eq!(header(&sent, "CSeq"), Some("1 MESSAGE"));
    assert_eq!(header(&sent, "Content-Type"), Some("text/plain"));
    assert_eq!(body(&sent), "hello bob");
    assert_eq!(
        net.agents[bob].take_events(),
        [Event::Message {
            from: Uri::sip(Some("alice"), DOMAIN),
            content_type: "text/plain".into(),
            body: "hello bob".into()
        }]
    );
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::MessageDelivered {
            message: m,
            code: 200
        }]
    );
    let m2 = net
        .ua(bob)
        .send_message(
            now,
            Uri::sip(Some("alice"), DOMAIN),
            "text/plain;charset=utf-8",
            "hi",
        )
        .unwrap();
    net.drive();
    assert_eq!(m2, MessageHandle(1));
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::Message {
            from: Uri::sip(Some("bob"), DOMAIN),
            content_type: "text/plain;charset=utf-8".into(),
            body: "hi".into()
        }]
    );
}

#[test]
fn message_to_nobody_fails() {
    let (mut net, alice, _) = alice_and_bob();
    let now = net.now;
    let m = net
        .ua(alice)
        .send_message(now, Uri::sip(Some("nobody"), DOMAIN), "text/plain", "x")
        .unwrap();
    net.drive();
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::MessageFailed {
            message: m,
            code: 404
        }]
    );
}

#[test]
fn message_times_out_without_answer() {
    let (mut net, alice, bob) = alice_and_bob();
    net.agents[bob].connected = false;
    let now = net.now;
    let m = net
        .ua(alice)
        .send_message(now, Uri::sip(Some("bob"), DOMAIN), "text/plain", "x")
        .unwrap();
    net.advance(31_999);
    assert!(net.agents[alice].take_events().is_empty());
    net.advance(1);
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::MessageFailed {
            message: m,
            code: 408
        }]
    );
}
