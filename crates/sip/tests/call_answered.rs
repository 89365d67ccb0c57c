//! A call answered: INVITE / 100 / 180 / 200 / ACK on the wire, then BYE.

mod common;

use bwclient_sip::call::CallState;
use bwclient_sip::events::{EndReason, Event};
use bwclient_sip::Uri;
use common::*;

#[test]
fn invite_ringing_answer_ack_then_bye() {
    let (mut net, alice, bob) = alice_and_bob();
    let now = net.now;
    let offer = sdp("alice", "sendrecv");
    let call = net
        .ua(alice)
        .invite(now, Uri::sip(Some("bob"), DOMAIN), Some(offer.clone()), &[])
        .unwrap();
    net.drive();

    // The INVITE as Alice sent it.
    let invite = net.agents[alice]
        .sent_starting("INVITE")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(start_line(&invite), "INVITE sip:bob@example.test SIP/2.0");
    assert_eq!(header(&invite, "To"), Some("<sip:bob@example.test>"));
    assert!(header(&invite, "From")
        .unwrap()
        .starts_with("<sip:alice@example.test>;tag="));
    assert_eq!(header(&invite, "CSeq"), Some("1 INVITE"));
    let contact = format!("<{}>", net.agents[alice].ua.contact_uri());
    assert_eq!(header(&invite, "Contact"), Some(contact.as_str()));
    assert_eq!(header(&invite, "Content-Type"), Some("application/sdp"));
    assert_eq!(body(&invite), offer);
    assert!(header(&invite, "Allow").unwrap().contains("REFER"));

    // Bob got it through the proxy (with its Via and Record-Route), answered 100 and 180.
    let incoming = net.agents[bob]
        .received_starting("INVITE")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(headers(&incoming, "Via").len(), 2);
    assert_eq!(
        header(&incoming, "Record-Route"),
        Some("<sip:proxy.example.test;transport=ws;lr>")
    );
    assert_eq!(
        net.agents[bob].sent_lines()[1..],
        ["SIP/2.0 100 Trying", "SIP/2.0 180 Ringing"]
    );
    let ringing = &net.agents[bob].sent[2];
    assert!(header(ringing, "To").unwrap().contains(";tag="));
    assert_eq!(
        header(ringing, "Record-Route"),
        Some("<sip:proxy.example.test;transport=ws;lr>")
    );
    let call_b = incoming_call(&net, bob);
    match &net.agents[bob].events[..] {
        [Event::IncomingCall {
            from,
            to,
            display_name,
            offer: Some(got),
            ..
        }] => {
            assert_eq!(from.to_string(), "sip:alice@example.test");
            assert_eq!(to.to_string(), "sip:bob@example.test");
            assert_eq!(display_name, &None);
            assert_eq!(got, &offer);
        }
        other => panic!("{other:?}"),
    }
    net.agents[bob].events.clear();
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::Ringing {
            call,
            code: 180,
            early_sdp: None
        }]
    );
    assert_eq!(net.ua(alice).call_state(call), Some(CallState::Calling));

    // Bob answers.
    let answer = sdp("bob", "sendrecv");
    let now = net.now;
    net.ua(bob).accept(now, call_b, &answer).unwrap();
    net.drive();
    let ok = net.agents[bob].sent.last().unwrap().clone();
    assert_eq!(start_line(&ok), "SIP/2.0 200 OK");
    assert_eq!(body(&ok), answer);
    assert!(header(&ok, "Contact")
        .unwrap()
        .contains(".invalid;transport=ws;ob>"));
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::Answered {
            call,
            sdp: Some(answer.clone())
        }]
    );
    // The ACK goes to Bob's Contact through the proxy's Record-Route (§12.2.1.1).
    let ack = net.agents[alice].sent.last().unwrap().clone();
    let bob_contact = net.agents[bob].ua.contact_uri().to_string();
    assert_eq!(start_line(&ack), format!("ACK {bob_contact} SIP/2.0"));
    assert_eq!(header(&ack, "CSeq"), Some("1 ACK"));
    assert_eq!(
        header(&ack, "Route"),
        Some("<sip:proxy.example.test;transport=ws;lr>")
    );
    assert!(header(&ack, "Via").unwrap().contains("branch=z9hG4bK"));
    assert_ne!(header(&ack, "Via"), header(&invite, "Via"));
    assert!(net.agents[bob].received.last().unwrap().starts_with("ACK "));
    assert_eq!(
        net.agents[bob].take_events(),
        [Event::Answered {
            call: call_b,
            sdp: None
        }]
    );
    assert_eq!(net.ua(alice).call_state(call), Some(CallState::Confirmed));
    assert_eq!(net.ua(bob).call_state(call_b), Some(CallState::Confirmed));

    // Nothing else happens while the call is up (no retransmissions on WebSocket).
    let before = net.wire.len();
    net.advance(120_000);
    assert_eq!(net.wire.len(), before, "{}", net.dump());

    // Alice hangs up.
    let now = net.now;
    net.ua(alice).hangup(now, call).unwrap();
    net.drive();
    let bye = net.agents[alice].sent.last().unwrap().clone();
    assert_eq!(start_line(&bye), format!("BYE {bob_contact} SIP/2.0"));
    assert_eq!(header(&bye, "CSeq"), Some("2 BYE"));
    assert_eq!(
        net.agents[alice].received_lines().last().unwrap(),
        "SIP/2.0 200 OK"
    );
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::Ended {
            call,
            code: None,
            reason: EndReason::LocalHangup
        }]
    );
    assert_eq!(
        net.agents[bob].take_events(),
        [Event::Ended {
            call: call_b,
            code: None,
            reason: EndReason::RemoteHangup
        }]
    );
    assert!(net.ua(alice).calls().is_empty());
    assert!(net.ua(bob).calls().is_empty());
}

#[test]
fn proxy_challenge_on_invite_is_answered() {
    let mut net = Net::new(ProxyConfig {
        invite_challenge: true,
        ..ProxyConfig::default()
    });
    let alice = net.add_registered("alice", 31);
    let bob = net.add_registered("bob", 32);
    let call = place_call(&mut net, alice, "bob", "a");
    let lines = net.agents[alice].sent_lines();
    assert_eq!(
        lines,
        [
            "REGISTER sip:example.test SIP/2.0",
            "INVITE sip:bob@example.test SIP/2.0",
            "ACK sip:bob@example.test SIP/2.0",
            "INVITE sip:bob@example.test SIP/2.0"
        ],
        "{}",
        net.dump()
    );
    let retry = &net.agents[alice].sent[3];
    assert_eq!(header(retry, "CSeq"), Some("2 INVITE"));
    assert!(header(retry, "Proxy-Authorization")
        .unwrap()
        .starts_with("Digest username=\"alice\""));
    // The ACK for the 407 reuses the INVITE's branch (§17.1.1.3).
    let first_via = header(&net.agents[alice].sent[1], "Via");
    assert_eq!(header(&net.agents[alice].sent[2], "Via"), first_via);
    let b_call = incoming_call(&net, bob);
    let now = net.now;
    net.ua(bob)
        .accept(now, b_call, &sdp("b", "sendrecv"))
        .unwrap();
    net.drive();
    assert!(net.agents[alice]
        .events
        .iter()
        .any(|e| matches!(e, Event::Answered { call: c, .. } if *c == call)));
    // The ACK for the 2xx carries the INVITE's credentials (§13.2.2.4).
    let ack = net.agents[alice].sent.last().unwrap();
    assert!(ack.starts_with("ACK "));
    assert!(header(ack, "Proxy-Authorization").is_some());
}
