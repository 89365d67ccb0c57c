//! An incoming call while busy: the app rejects it with 486, or holds the first call and
//! answers the second.

mod common;

use bwclient_sip::call::CallState;
use bwclient_sip::events::{EndReason, Event};
use common::*;

#[test]
fn second_call_rejected_busy() {
    let (mut net, alice, bob) = alice_and_bob();
    let carol = net.add_registered("carol", 33);
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    let c_call = place_call(&mut net, carol, "bob", "carol");
    let second = incoming_call(&net, bob);
    assert_ne!(second, b_call);
    net.ua(bob).reject(now, second, 486).unwrap();
    net.drive();
    assert_eq!(
        net.agents[carol].events.last(),
        Some(&Event::Ended {
            call: c_call,
            code: Some(486),
            reason: EndReason::Rejected
        })
    );
    // The first call is untouched.
    assert_eq!(net.ua(bob).call_state(b_call), Some(CallState::Confirmed));
    assert_eq!(net.ua(alice).call_state(a_call), Some(CallState::Confirmed));
    assert!(!net.agents[alice]
        .events
        .iter()
        .any(|e| matches!(e, Event::Ended { .. })));
}

#[test]
fn hold_first_then_answer_second() {
    let (mut net, alice, bob) = alice_and_bob();
    let carol = net.add_registered("carol", 33);
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    let c_call = place_call(&mut net, carol, "bob", "carol");
    let second = incoming_call(&net, bob);
    net.agents[bob].events.clear();
    // Bob puts Alice on hold, then answers Carol.
    net.ua(bob)
        .reinvite(now, b_call, &sdp("bob", "sendonly"))
        .unwrap();
    net.drive();
    net.ua(alice)
        .answer_reinvite(now, a_call, &sdp("alice", "recvonly"))
        .unwrap();
    net.drive();
    assert!(matches!(
        net.agents[bob].take_events().as_slice(),
        [Event::RemoteAnswer { sdp, .. }] if sdp.contains("a=recvonly")
    ));
    net.ua(bob)
        .accept(now, second, &sdp("bob2", "sendrecv"))
        .unwrap();
    net.drive();
    assert!(net.agents[carol]
        .events
        .iter()
        .any(|e| matches!(e, Event::Answered { call, .. } if *call == c_call)));
    assert_eq!(
        net.agents[bob].take_events(),
        [Event::Answered {
            call: second,
            sdp: None
        }]
    );
    let mut calls = net.ua(bob).calls();
    calls.sort();
    assert_eq!(calls, [b_call, second]);
    // Ending one leaves the other.
    net.ua(bob).hangup(now, second).unwrap();
    net.drive();
    assert_eq!(net.ua(bob).calls(), [b_call]);
}
