//! Hold and unhold: re-INVITE with a sendonly offer, the remote side sees the offer and
//! answers recvonly; then back to sendrecv.

mod common;

use bwclient_sip::call::CallState;
use bwclient_sip::events::Event;
use bwclient_sip::UaError;
use common::*;

#[test]
fn hold_and_unhold_with_reinvite() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);

    // Hold: the SDP comes from the browser; the core carries it.
    let hold = sdp("alice", "sendonly");
    let now = net.now;
    net.ua(alice).reinvite(now, a_call, &hold).unwrap();
    assert_eq!(
        net.ua(alice).reinvite(now, a_call, &hold),
        Err(UaError::InvalidState(
            "an offer/answer exchange is in progress"
        ))
    );
    net.drive();
    let reinvite = net.agents[alice]
        .sent_starting("INVITE")
        .pop()
        .unwrap()
        .clone();
    let bob_contact = net.agents[bob].ua.contact_uri().to_string();
    assert_eq!(
        start_line(&reinvite),
        format!("INVITE {bob_contact} SIP/2.0")
    );
    assert_eq!(header(&reinvite, "CSeq"), Some("2 INVITE"));
    assert!(header(&reinvite, "To").unwrap().contains(";tag="));
    assert!(body(&reinvite).contains("a=sendonly"));
    // Remote hold seen by Bob: the offer, for the app to answer.
    let events = net.agents[bob].take_events();
    assert_eq!(
        events,
        [Event::RemoteOffer {
            call: b_call,
            sdp: hold.clone()
        }]
    );
    let now = net.now;
    let held = sdp("bob", "recvonly");
    net.ua(bob).answer_reinvite(now, b_call, &held).unwrap();
    net.drive();
    assert_eq!(
        net.agents[bob].sent_lines().last().unwrap(),
        "SIP/2.0 200 OK"
    );
    let ack = net.agents[alice].sent.last().unwrap().clone();
    assert_eq!(start_line(&ack), format!("ACK {bob_contact} SIP/2.0"));
    assert_eq!(header(&ack, "CSeq"), Some("2 ACK"));
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::RemoteAnswer {
            call: a_call,
            sdp: held
        }]
    );
    assert!(net.agents[bob].take_events().is_empty());

    // Unhold.
    let now = net.now;
    net.ua(alice)
        .reinvite(now, a_call, &sdp("alice", "sendrecv"))
        .unwrap();
    net.drive();
    assert!(matches!(
        net.agents[bob].take_events().as_slice(),
        [Event::RemoteOffer { sdp, .. }] if sdp.contains("a=sendrecv")
    ));
    net.ua(bob)
        .answer_reinvite(now, b_call, &sdp("bob", "sendrecv"))
        .unwrap();
    net.drive();
    let reinvites = net.agents[alice].sent_starting("INVITE");
    assert_eq!(header(reinvites[2], "CSeq"), Some("3 INVITE"));
    assert!(matches!(
        net.agents[alice].take_events().as_slice(),
        [Event::RemoteAnswer { sdp, .. }] if sdp.contains("a=sendrecv")
    ));
    assert_eq!(net.ua(alice).call_state(a_call), Some(CallState::Confirmed));
    assert_eq!(net.ua(bob).call_state(b_call), Some(CallState::Confirmed));
}

#[test]
fn callee_can_hold_too_and_rejected_reinvite_keeps_the_call() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    net.ua(bob)
        .reinvite(now, b_call, &sdp("bob", "inactive"))
        .unwrap();
    net.drive();
    assert!(matches!(
        net.agents[alice].take_events().as_slice(),
        [Event::RemoteOffer { call, .. }] if *call == a_call
    ));
    net.ua(alice).reject_reinvite(now, a_call, 488).unwrap();
    net.drive();
    assert_eq!(
        net.agents[alice].sent_lines().last().unwrap(),
        "SIP/2.0 488 Not Acceptable Here"
    );
    assert_eq!(
        net.agents[bob].take_events(),
        [Event::ReinviteFailed {
            call: b_call,
            code: 488
        }]
    );
    assert_eq!(net.ua(bob).call_state(b_call), Some(CallState::Confirmed));
    // The session goes on: another re-INVITE works.
    net.ua(bob)
        .reinvite(now, b_call, &sdp("bob", "sendrecv"))
        .unwrap();
    net.drive();
    assert!(matches!(
        net.agents[alice].take_events().as_slice(),
        [Event::RemoteOffer { .. }]
    ));
}

#[test]
fn reinvite_without_sdp_asks_for_an_offer() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);
    // The core never sends a re-INVITE without SDP, so craft one from Alice's real
    // re-INVITE with the body removed, and hand it to Bob directly.
    let now = net.now;
    net.ua(alice)
        .reinvite(now, a_call, &sdp("alice", "sendrecv"))
        .unwrap();
    // Intercept before delivery: grab the frame, strip its body, deliver to Bob.
    let frame = match net.ua(alice).poll_output(now) {
        bwclient_sip::Output::Transmit(text) => text,
        other => panic!("{other:?}"),
    };
    let (head, _) = frame.split_once("\r\n\r\n").unwrap();
    let head = head
        .lines()
        .filter(|l| !l.starts_with("Content-Type") && !l.starts_with("Content-Length"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let bodyless = format!("{head}\r\nContent-Length: 0\r\n\r\n");
    net.ua(bob)
        .handle_input(now, bwclient_sip::Input::Received(bodyless.as_bytes()));
    let mut events = Vec::new();
    loop {
        match net.ua(bob).poll_output(now) {
            bwclient_sip::Output::Event(e) => events.push(e),
            bwclient_sip::Output::Transmit(_) => {}
            _ => break,
        }
    }
    assert_eq!(events, [Event::OfferRequested { call: b_call }]);
    net.ua(bob)
        .answer_reinvite(now, b_call, &sdp("bob-offer", "sendrecv"))
        .unwrap();
    let ok = loop {
        match net.ua(bob).poll_output(now) {
            bwclient_sip::Output::Transmit(t) if t.starts_with("SIP/2.0 200") => break t,
            bwclient_sip::Output::Transmit(_) | bwclient_sip::Output::Event(_) => {}
            other => panic!("{other:?}"),
        }
    };
    assert!(body(&ok).contains("s=bob-offer"));
}
