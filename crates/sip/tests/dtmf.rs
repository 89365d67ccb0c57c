//! DTMF as SIP INFO `application/dtmf-relay`, both ways; other INFO bodies.

mod common;

use bwclient_sip::events::Event;
use bwclient_sip::UaError;
use common::*;

#[test]
fn dtmf_info_both_ways() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    net.ua(alice).send_dtmf_info(now, a_call, '5', 160).unwrap();
    net.drive();
    let info = net.agents[alice]
        .sent_starting("INFO")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(
        header(&info, "Content-Type"),
        Some("application/dtmf-relay")
    );
    assert_eq!(body(&info), "Signal=5\r\nDuration=160\r\n");
    assert_eq!(header(&info, "CSeq"), Some("2 INFO"));
    assert_eq!(
        net.agents[bob].sent_lines().last().unwrap(),
        "SIP/2.0 200 OK"
    );
    assert_eq!(
        net.agents[bob].take_events(),
        [Event::Dtmf {
            call: b_call,
            digit: '5',
            duration: 160
        }]
    );
    assert!(net.agents[alice].take_events().is_empty());

    for digit in ['#', '*'] {
        net.ua(bob).send_dtmf_info(now, b_call, digit, 250).unwrap();
    }
    net.drive();
    assert_eq!(
        net.agents[alice].take_events(),
        [
            Event::Dtmf {
                call: a_call,
                digit: '#',
                duration: 250
            },
            Event::Dtmf {
                call: a_call,
                digit: '*',
                duration: 250
            }
        ]
    );
    let cseqs: Vec<_> = net.agents[bob]
        .sent_starting("INFO")
        .iter()
        .map(|m| header(m, "CSeq").unwrap().to_owned())
        .collect();
    assert_eq!(cseqs, ["1 INFO", "2 INFO"]);
    assert_eq!(
        net.ua(alice).send_dtmf_info(now, a_call, 'x', 100),
        Err(UaError::BadDigit)
    );
}

#[test]
fn other_info_bodies_reach_the_app() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    let frag = "a=ice-ufrag:abcd\r\na=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n";
    net.ua(alice)
        .send_info(now, a_call, "application/trickle-ice-sdpfrag", frag)
        .unwrap();
    net.drive();
    assert_eq!(
        net.agents[bob].take_events(),
        [Event::Info {
            call: b_call,
            content_type: "application/trickle-ice-sdpfrag".into(),
            body: frag.into()
        }]
    );
}
