//! Glare: both sides send a re-INVITE at once, both get 491, each backs off (§14.1: the
//! Call-ID owner 2.1–4 s, the other 0–2 s), and the first retry wins.

mod common;

use bwclient_sip::call::CallState;
use bwclient_sip::events::Event;
use common::*;

#[test]
fn both_reinvite_then_491_then_one_succeeds() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    let a_offer = sdp("alice", "sendonly");
    let b_offer = sdp("bob", "sendonly");
    // Both commands run before either INVITE is delivered.
    net.ua(alice).reinvite(now, a_call, &a_offer).unwrap();
    net.ua(bob).reinvite(now, b_call, &b_offer).unwrap();
    net.drive();
    for agent in [alice, bob] {
        let lines = net.agents[agent].sent_lines();
        let n = lines.len();
        // Each answers the other's INVITE with 491 and ACKs the 491 it got (§17.1.1.3).
        assert_eq!(lines[n - 2], "SIP/2.0 491 Request Pending", "{lines:?}");
        assert!(lines[n - 1].starts_with("ACK "), "{lines:?}");
    }
    assert!(net.agents[alice].take_events().is_empty());
    assert!(net.agents[bob].take_events().is_empty());
    let a_invites = net.agents[alice].sent_starting("INVITE").len();
    let b_invites = net.agents[bob].sent_starting("INVITE").len();

    // Bob (not the Call-ID owner) waits at most 2 s; Alice at least 2.1 s.
    net.advance(2_000);
    assert_eq!(net.agents[alice].sent_starting("INVITE").len(), a_invites);
    assert_eq!(
        net.agents[bob].sent_starting("INVITE").len(),
        b_invites + 1,
        "{}",
        net.dump()
    );
    // Bob's retry reaches Alice, whose own retry is abandoned: her app rolls back.
    assert_eq!(
        net.agents[alice].take_events(),
        [
            Event::ReinviteFailed {
                call: a_call,
                code: 491
            },
            Event::RemoteOffer {
                call: a_call,
                sdp: b_offer.clone()
            }
        ]
    );
    let now = net.now;
    let answer = sdp("alice", "recvonly");
    net.ua(alice).answer_reinvite(now, a_call, &answer).unwrap();
    net.drive();
    assert_eq!(
        net.agents[bob].take_events(),
        [Event::RemoteAnswer {
            call: b_call,
            sdp: answer
        }]
    );
    // Alice's back-off timer fires later but no longer re-sends.
    net.advance(5_000);
    assert_eq!(net.agents[alice].sent_starting("INVITE").len(), a_invites);
    assert_eq!(net.ua(alice).call_state(a_call), Some(CallState::Confirmed));
    // Alice may now offer again.
    let now = net.now;
    net.ua(alice).reinvite(now, a_call, &a_offer).unwrap();
    net.drive();
    assert!(matches!(
        net.agents[bob].take_events().as_slice(),
        [Event::RemoteOffer { .. }]
    ));
}

#[test]
fn caller_retries_after_backoff_when_callee_gives_up() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    net.ua(alice)
        .reinvite(now, a_call, &sdp("alice", "sendonly"))
        .unwrap();
    net.ua(bob)
        .reinvite(now, b_call, &sdp("bob", "sendonly"))
        .unwrap();
    net.drive();
    let before = net.agents[alice].sent_starting("INVITE").len();
    // Bob's retry is lost (his transport drops it), so Alice's timer fires in 2.1–4 s.
    net.agents[bob].connected = false;
    net.advance(2_000);
    net.agents[bob].connected = true;
    net.advance(2_000);
    assert_eq!(
        net.agents[alice].sent_starting("INVITE").len(),
        before + 1,
        "{}",
        net.dump()
    );
}
