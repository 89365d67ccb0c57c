//! The caller hangs up before an answer: CANCEL, 200 for the CANCEL, 487 for the INVITE.

mod common;

use bwclient_sip::events::{EndReason, Event};
use common::*;

#[test]
fn caller_cancels_ringing_call() {
    let (mut net, alice, bob) = alice_and_bob();
    let call = place_call(&mut net, alice, "bob", "a");
    let b_call = incoming_call(&net, bob);
    net.agents[alice].events.clear();
    net.agents[bob].events.clear();
    let now = net.now;
    net.ua(alice).hangup(now, call).unwrap();
    net.drive();

    let invite = net.agents[alice]
        .sent_starting("INVITE")
        .pop()
        .unwrap()
        .clone();
    let cancel = net.agents[alice]
        .sent_starting("CANCEL")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(start_line(&cancel), "CANCEL sip:bob@example.test SIP/2.0");
    // §9.1: same Via branch, Call-ID, From, To (no tag) and CSeq number as the INVITE.
    for name in ["Via", "Call-ID", "From", "To"] {
        assert_eq!(header(&cancel, name), header(&invite, name), "{name}");
    }
    assert_eq!(header(&cancel, "CSeq"), Some("1 CANCEL"));

    let bob_sent = net.agents[bob].sent_lines();
    assert!(
        bob_sent.ends_with(&[
            "SIP/2.0 200 OK".to_owned(),
            "SIP/2.0 487 Request Terminated".to_owned()
        ]),
        "{bob_sent:?}"
    );
    let ok = &net.agents[bob].sent[net.agents[bob].sent.len() - 2];
    assert_eq!(header(ok, "CSeq"), Some("1 CANCEL"));
    let terminated = net.agents[bob].sent.last().unwrap();
    assert_eq!(header(terminated, "CSeq"), Some("1 INVITE"));
    // The 487 is ACKed by Alice's INVITE transaction.
    assert_eq!(
        start_line(net.agents[alice].sent.last().unwrap()),
        "ACK sip:bob@example.test SIP/2.0"
    );

    assert_eq!(
        net.agents[alice].take_events(),
        [Event::Ended {
            call,
            code: None,
            reason: EndReason::LocalCancel
        }]
    );
    assert_eq!(
        net.agents[bob].take_events(),
        [Event::Ended {
            call: b_call,
            code: Some(487),
            reason: EndReason::RemoteCancel
        }]
    );
    assert!(net.ua(alice).calls().is_empty() && net.ua(bob).calls().is_empty());
}

#[test]
fn cancel_waits_for_a_provisional_response() {
    // Bob is registered but never connected to answer: no 1xx comes back.
    let (mut net, alice, bob) = alice_and_bob();
    net.agents[bob].connected = false;
    let now = net.now;
    let call = place_call(&mut net, alice, "bob", "a");
    net.ua(alice).hangup(now, call).unwrap();
    net.drive();
    // §9.1: no CANCEL before a provisional response.
    assert!(net.agents[alice].sent_starting("CANCEL").is_empty());
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::Ended {
            call,
            code: None,
            reason: EndReason::LocalCancel
        }]
    );
    // Timer B ends the INVITE transaction; nothing more is reported.
    net.advance(32_000);
    assert!(net.ua(alice).calls().is_empty());
    assert!(net.agents[alice].take_events().is_empty());
}

fn net_with_timeouts(alice_secs: u64, bob_secs: u64) -> (Net, usize, usize) {
    let mut net = Net::new(ProxyConfig::default());
    let add = |net: &mut Net, user: &str, seed: u64, secs: u64| {
        let mut config = agent_config(user, seed);
        config.no_answer_timeout = std::time::Duration::from_secs(secs);
        let i = net.add(user, config);
        let now = net.now;
        net.ua(i).register(now).unwrap();
        net.drive();
        net.agents[i].events.clear();
        i
    };
    let alice = add(&mut net, "alice", 51, alice_secs);
    let bob = add(&mut net, "bob", 52, bob_secs);
    (net, alice, bob)
}

#[test]
fn caller_gives_up_after_no_answer_timeout() {
    let (mut net, alice, bob) = net_with_timeouts(60, 300);
    let call = place_call(&mut net, alice, "bob", "a");
    let b_call = incoming_call(&net, bob);
    net.agents[alice].events.clear();
    net.agents[bob].events.clear();
    net.advance(59_999);
    assert!(net.agents[alice].sent_starting("CANCEL").is_empty());
    net.advance(1);
    assert_eq!(net.agents[alice].sent_starting("CANCEL").len(), 1);
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::Ended {
            call,
            code: None,
            reason: EndReason::NoAnswer
        }]
    );
    assert_eq!(
        net.agents[bob].take_events(),
        [Event::Ended {
            call: b_call,
            code: Some(487),
            reason: EndReason::RemoteCancel
        }]
    );
}

#[test]
fn callee_answers_480_after_no_answer_timeout() {
    let (mut net, alice, bob) = net_with_timeouts(300, 30);
    let call = place_call(&mut net, alice, "bob", "a");
    let b_call = incoming_call(&net, bob);
    net.agents[alice].events.clear();
    net.agents[bob].events.clear();
    net.advance(30_000);
    assert_eq!(
        net.agents[bob].sent_lines().last().unwrap(),
        "SIP/2.0 480 Temporarily Unavailable"
    );
    assert_eq!(
        net.agents[bob].take_events(),
        [Event::Ended {
            call: b_call,
            code: Some(480),
            reason: EndReason::NoAnswer
        }]
    );
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::Ended {
            call,
            code: Some(480),
            reason: EndReason::Rejected
        }]
    );
    assert!(net.ua(alice).calls().is_empty() && net.ua(bob).calls().is_empty());
}
