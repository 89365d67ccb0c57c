//! A call rejected with 486 Busy Here.

mod common;

use bwclient_sip::events::{EndReason, Event};
use bwclient_sip::UaError;
use common::*;

#[test]
fn callee_rejects_with_486() {
    let (mut net, alice, bob) = alice_and_bob();
    let now = net.now;
    let call = place_call(&mut net, alice, "bob", "a");
    let b_call = incoming_call(&net, bob);
    assert_eq!(
        net.ua(bob).reject(now, b_call, 200),
        Err(UaError::BadStatus(200))
    );
    net.ua(bob).reject(now, b_call, 486).unwrap();
    net.drive();
    let busy = net.agents[bob].sent.last().unwrap().clone();
    assert_eq!(start_line(&busy), "SIP/2.0 486 Busy Here");
    // Same To tag as the 180 (one early dialog).
    let ringing = net.agents[bob]
        .sent_starting("SIP/2.0 180")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(header(&busy, "To"), header(&ringing, "To"));
    // Alice's transaction ACKs the 486 itself (§17.1.1.3), Bob's absorbs it.
    let ack = net.agents[alice].sent.last().unwrap().clone();
    assert_eq!(start_line(&ack), "ACK sip:bob@example.test SIP/2.0");
    assert_eq!(header(&ack, "CSeq"), Some("1 ACK"));
    assert_eq!(header(&ack, "To"), header(&busy, "To"));
    assert!(net.agents[bob].received.last().unwrap().starts_with("ACK "));
    assert!(!net.agents[bob]
        .events
        .iter()
        .any(|e| matches!(e, Event::Discarded(_))));
    assert_eq!(
        net.agents[alice].events.last(),
        Some(&Event::Ended {
            call,
            code: Some(486),
            reason: EndReason::Rejected
        })
    );
    assert_eq!(
        net.agents[bob].events.last(),
        Some(&Event::Ended {
            call: b_call,
            code: Some(486),
            reason: EndReason::LocalReject
        })
    );
    assert!(net.ua(alice).calls().is_empty() && net.ua(bob).calls().is_empty());
    assert_eq!(
        net.ua(bob).accept(now, b_call, "x"),
        Err(UaError::UnknownCall)
    );
}

#[test]
fn unknown_user_gets_404() {
    let (mut net, alice, _bob) = alice_and_bob();
    let call = place_call(&mut net, alice, "nobody", "a");
    assert_eq!(
        net.agents[alice].events.last(),
        Some(&Event::Ended {
            call,
            code: Some(404),
            reason: EndReason::Rejected
        })
    );
}
