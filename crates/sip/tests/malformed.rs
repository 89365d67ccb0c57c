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

/// Issue 11, hole 7: two values of a header that must be single (RFC 3261 §7.3.1), on two
/// lines (long or compact form) or joined by a comma, make the message invalid: the UA
/// reports it as malformed, names the header, and acts on neither value.
#[test]
fn two_values_of_a_single_header_are_refused_not_picked() {
    let (mut net, alice, _bob) = alice_and_bob();
    let invite = |extra: &str, call_id: &str, to: &str| {
        format!(
            "INVITE sip:alice@example.test SIP/2.0\r\nVia: SIP/2.0/WSS p.example;branch=z9hG4bKdup\r\nMax-Forwards: 70\r\nFrom: <sip:mallory@example.test>;tag=9\r\nTo: {to}\r\nCall-ID: {call_id}\r\nCSeq: 1 INVITE\r\nContact: <sip:m@p.example;transport=ws>\r\n{extra}Content-Length: 0\r\n\r\n"
        )
    };
    let alice_to = "<sip:alice@example.test>";
    let cases = [
        (invite("i: other\r\n", "c1", alice_to), "call-id"),
        (invite("", "c2, c3", alice_to), "call-id"),
        (
            invite("f: <sip:bob@example.test>;tag=8\r\n", "c4", alice_to),
            "from",
        ),
        (
            invite("", "c5", "<sip:alice@example.test>, <sip:bob@example.test>"),
            "to",
        ),
        (
            invite("t: <sip:bob@example.test>\r\n", "c6", alice_to),
            "to",
        ),
        (invite("CSeq: 2 INVITE\r\n", "c7", alice_to), "cseq"),
        (
            invite("Max-Forwards: 1\r\n", "c8", alice_to),
            "max-forwards",
        ),
        (invite("l: 0\r\n", "c9", alice_to), "content-length"),
    ];
    let now = net.now;
    let sent_before = net.agents[alice].sent.len();
    for (message, _) in &cases {
        net.ua(alice)
            .handle_input(now, Input::Received(message.as_bytes()));
    }
    net.drive();
    let events = net.agents[alice].take_events();
    let want: Vec<Discard> = cases
        .iter()
        .map(|(_, name)| Discard::Malformed(bwclient_sip::ParseError::MultipleValues(name)))
        .collect();
    assert_eq!(discards(&events), want);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::IncomingCall { .. })),
        "{events:?}"
    );
    assert_eq!(
        net.agents[alice].sent.len(),
        sent_before,
        "nothing answered"
    );
}
