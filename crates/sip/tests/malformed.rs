//! Bad input is reported and dropped: never a panic, never harm to other calls.

mod common;

use bwclient_sip::call::CallState;
use bwclient_sip::events::{Discard, Event};
use bwclient_sip::ua::Input;
use common::*;

fn discards(events: &[Event]) -> Vec<Discard> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Discarded(d) => Some(d.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn garbage_and_strays_do_not_hurt_a_call() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let alice_via = header(net.agents[alice].sent.last().unwrap(), "Via")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"\xff\xfe\x00garbage".to_vec(),
        b"INVITE\r\n\r\n".to_vec(),
        b"SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec(),
        b"INVITE sip:a@b SIP/2.0\r\nContent-Length: 99\r\n\r\nshort".to_vec(),
        // A response for no transaction.
        format!(
            "SIP/2.0 200 OK\r\nVia: {alice_via};branch=z9hG4bKnothing\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 9 BYE\r\nContent-Length: 0\r\n\r\n"
        )
        .into_bytes(),
        // A response whose Via is someone else's.
        b"SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS other.invalid;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 9 BYE\r\nContent-Length: 0\r\n\r\n".to_vec(),
        // An ACK for nothing.
        b"ACK sip:a@b SIP/2.0\r\nVia: SIP/2.0/WSS p.example;branch=z9hG4bKack\r\nMax-Forwards: 70\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: nothing\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n".to_vec(),
        // A request whose CSeq method does not match.
        b"BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/WSS p.example;branch=z9hG4bKbye\r\nMax-Forwards: 70\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: nothing\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n".to_vec(),
    ];
    let now = net.now;
    for input in &inputs {
        net.ua(alice).handle_input(now, Input::Received(input));
    }
    net.drive();
    let dropped = discards(&net.agents[alice].take_events());
    assert_eq!(dropped.len(), inputs.len(), "{dropped:?}");
    assert!(matches!(dropped[0], Discard::Malformed(_)));
    assert!(matches!(dropped[4], Discard::Malformed(_)));
    assert_eq!(dropped[5], Discard::UnknownTransaction);
    assert_eq!(dropped[6], Discard::NotOurVia);
    assert_eq!(dropped[7], Discard::StrayAck);
    // The call is fine and still works.
    assert_eq!(net.ua(alice).call_state(a_call), Some(CallState::Confirmed));
    net.ua(alice).send_dtmf_info(now, a_call, '1', 100).unwrap();
    net.drive();
    assert!(net.agents[bob]
        .events
        .iter()
        .any(|e| matches!(e, Event::Dtmf { call, digit: '1', .. } if *call == b_call)));
}

#[test]
fn out_of_order_cseq_gets_500() {
    let (mut net, alice, bob) = alice_and_bob();
    let (_a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    net.ua(alice)
        .send_dtmf_info(now, _a_call, '1', 100)
        .unwrap();
    net.drive();
    // Replay Alice's INFO with a lower CSeq and a new branch.
    let info = net.agents[bob]
        .received_starting("INFO")
        .pop()
        .unwrap()
        .clone();
    let replay = info
        .replace("CSeq: 2 INFO", "CSeq: 1 INFO")
        .replace("branch=z9hG4bKpx", "branch=z9hG4bKreplay");
    let before = net.agents[bob].sent.len();
    net.ua(bob)
        .handle_input(now, Input::Received(replay.as_bytes()));
    net.drive();
    assert_eq!(net.agents[bob].sent.len(), before + 1);
    assert_eq!(
        net.agents[bob].sent_lines().last().unwrap(),
        "SIP/2.0 500 Server Internal Error"
    );
    assert_eq!(net.ua(bob).call_state(b_call), Some(CallState::Confirmed));
}

#[test]
fn random_bytes_never_panic() {
    let (mut net, alice, _) = alice_and_bob();
    let base = b"INVITE sip:alice@example.test SIP/2.0\r\nVia: SIP/2.0/WSS p;branch=z9hG4bK1\r\nFrom: <sip:b@c>;tag=9\r\nTo: <sip:alice@example.test>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContact: <sip:b@c>\r\nContent-Type: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\n";
    // Deterministic mutations: flip each byte in turn.
    let now = net.now;
    for i in 0..base.len() {
        let mut input = base.to_vec();
        input[i] ^= 0x5a;
        net.ua(alice).handle_input(now, Input::Received(&input));
        input.truncate(i);
        net.ua(alice).handle_input(now, Input::Received(&input));
    }
    net.drive();
}
