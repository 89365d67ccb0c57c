//! An established call hung up by the caller and by the callee.

mod common;

use bwclient_sip::events::{EndReason, Event};
use bwclient_sip::UaError;
use common::*;

fn ended(call: bwclient_sip::CallHandle, reason: EndReason) -> Event {
    Event::Ended {
        call,
        code: None,
        reason,
    }
}

#[test]
fn caller_hangs_up() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    net.ua(alice).hangup(now, a_call).unwrap();
    net.drive();
    assert!(start_line(net.agents[alice].sent.last().unwrap()).starts_with("BYE "));
    assert_eq!(
        net.agents[bob].sent_lines().last().unwrap(),
        "SIP/2.0 200 OK"
    );
    assert_eq!(
        net.agents[alice].take_events(),
        [ended(a_call, EndReason::LocalHangup)]
    );
    assert_eq!(
        net.agents[bob].take_events(),
        [ended(b_call, EndReason::RemoteHangup)]
    );
    assert_eq!(net.ua(alice).hangup(now, a_call), Err(UaError::UnknownCall));
}

#[test]
fn callee_hangs_up() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    net.ua(bob).hangup(now, b_call).unwrap();
    net.drive();
    let bye = net.agents[bob].sent.last().unwrap().clone();
    // The callee's BYE goes to Alice's Contact via the route set in order (§12.1.1), with
    // CSeq 1 (its first request in the dialog) and the tags swapped.
    let alice_contact = net.agents[alice].ua.contact_uri().to_string();
    assert_eq!(start_line(&bye), format!("BYE {alice_contact} SIP/2.0"));
    assert_eq!(header(&bye, "CSeq"), Some("1 BYE"));
    assert_eq!(
        header(&bye, "Route"),
        Some("<sip:proxy.example.test;transport=ws;lr>")
    );
    assert!(header(&bye, "From")
        .unwrap()
        .starts_with("<sip:bob@example.test>;tag="));
    assert_eq!(
        net.agents[alice].sent_lines().last().unwrap(),
        "SIP/2.0 200 OK"
    );
    assert_eq!(
        net.agents[bob].take_events(),
        [ended(b_call, EndReason::LocalHangup)]
    );
    assert_eq!(
        net.agents[alice].take_events(),
        [ended(a_call, EndReason::RemoteHangup)]
    );
    assert!(net.ua(alice).calls().is_empty() && net.ua(bob).calls().is_empty());
}

#[test]
fn callee_hangup_before_ack_waits_for_it() {
    let (mut net, alice, bob) = alice_and_bob();
    let now = net.now;
    let a_call = net
        .ua(alice)
        .invite(
            now,
            bwclient_sip::Uri::sip(Some("bob"), DOMAIN),
            Some(sdp("a", "sendrecv")),
            &[],
        )
        .unwrap();
    net.drive();
    let b_call = incoming_call(&net, bob);
    // Alice's transport drops the 200 on the floor for a moment: Bob answers, hangs up
    // before the ACK, and must hold the BYE until the ACK (§15).
    net.agents[alice].connected = false;
    net.ua(bob)
        .accept(now, b_call, &sdp("b", "sendrecv"))
        .unwrap();
    net.ua(bob).hangup(now, b_call).unwrap();
    net.drive();
    assert!(net.agents[bob].sent_starting("BYE").is_empty());
    assert_eq!(
        net.agents[bob].events.last(),
        Some(&ended(b_call, EndReason::LocalHangup))
    );
    // No ACK ever comes: after 64*T1 the BYE goes anyway.
    net.advance(32_000);
    assert_eq!(
        net.agents[bob].sent_starting("BYE").len(),
        1,
        "{}",
        net.dump()
    );
    let _ = a_call;
}
