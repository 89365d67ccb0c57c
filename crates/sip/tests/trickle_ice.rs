//! Trickle ICE over SIP (RFC 8840): advertising the `trickle-ice` Info Package, when each side
//! may send candidates in INFO, and what happens to INFOs of packages we did not agree to.

mod common;

use bwclient_sip::events::Event;
use bwclient_sip::{Input, Output, UaError};
use common::*;

const FRAGMENT: &str = "a=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdefghijkl\r\n\
    m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n\
    a=candidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype passive\r\n\
    a=end-of-candidates\r\n";

/// Adds `user`, registered, with trickle ICE on or off.
fn agent(net: &mut Net, user: &str, seed: u64, trickle: bool) -> usize {
    net.add_registered_with(user, seed, |config| config.trickle_ice = trickle)
}

#[test]
fn caller_trickles_in_the_early_dialog_and_callee_after_the_ack() {
    let mut net = Net::new(ProxyConfig::default());
    let alice = agent(&mut net, "alice", 11, true);
    let bob = agent(&mut net, "bob", 22, true);
    let a_call = place_call(&mut net, alice, "bob", "offer");
    let b_call = incoming_call(&net, bob);

    let invite = net.agents[alice]
        .sent_starting("INVITE")
        .pop()
        .unwrap()
        .clone();
    assert!(
        headers(&invite, "Supported").contains(&"trickle-ice"),
        "{invite}"
    );
    assert_eq!(header(&invite, "Recv-Info"), Some("trickle-ice"));
    let ringing = net.agents[bob]
        .sent_starting("SIP/2.0 180")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(header(&ringing, "Recv-Info"), Some("trickle-ice"));

    // The 180 made the early dialog: the caller may trickle; the callee may not until the
    // caller has its answer.
    assert!(net.ua(alice).can_trickle(a_call));
    assert!(!net.ua(bob).can_trickle(b_call));
    let now = net.now;
    assert!(matches!(
        net.ua(bob).send_ice_fragment(now, b_call, FRAGMENT),
        Err(UaError::InvalidState(_))
    ));

    net.ua(alice)
        .send_ice_fragment(now, a_call, FRAGMENT)
        .unwrap();
    net.drive();
    let info = net.agents[alice]
        .sent_starting("INFO")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(header(&info, "Info-Package"), Some("trickle-ice"));
    assert_eq!(
        header(&info, "Content-Type"),
        Some("application/trickle-ice-sdpfrag")
    );
    assert_eq!(header(&info, "Content-Disposition"), Some("Info-Package"));
    assert_eq!(body(&info), FRAGMENT);
    assert_eq!(
        net.agents[bob].sent_lines().last().unwrap(),
        "SIP/2.0 200 OK"
    );
    let events = net.agents[bob].take_events();
    assert!(
        events.contains(&Event::IceFragment {
            call: b_call,
            fragment: FRAGMENT.into()
        }),
        "{events:?}"
    );

    // The callee answers; once the ACK is in, it trickles too.
    net.ua(bob)
        .accept(now, b_call, &sdp("answer", "sendrecv"))
        .unwrap();
    net.drive();
    let ok = net.agents[bob]
        .sent_starting("SIP/2.0 200")
        .into_iter()
        .find(|m| header(m, "CSeq").is_some_and(|c| c.ends_with("INVITE")))
        .cloned()
        .unwrap();
    assert_eq!(header(&ok, "Recv-Info"), Some("trickle-ice"));
    assert!(net.ua(bob).can_trickle(b_call));
    net.ua(bob)
        .send_ice_fragment(now, b_call, FRAGMENT)
        .unwrap();
    net.drive();
    let events = net.agents[alice].take_events();
    assert!(
        events.contains(&Event::IceFragment {
            call: a_call,
            fragment: FRAGMENT.into()
        }),
        "{events:?}"
    );
}

#[test]
fn no_trickling_to_a_peer_that_did_not_list_the_package() {
    let mut net = Net::new(ProxyConfig::default());
    let alice = agent(&mut net, "alice", 11, true);
    let bob = agent(&mut net, "bob", 22, false);
    let a_call = place_call(&mut net, alice, "bob", "offer");
    let ringing = net.agents[bob]
        .sent_starting("SIP/2.0 180")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(header(&ringing, "Recv-Info"), None);
    assert!(!net.ua(alice).can_trickle(a_call));
    let now = net.now;
    assert!(matches!(
        net.ua(alice).send_ice_fragment(now, a_call, FRAGMENT),
        Err(UaError::InvalidState(_))
    ));
    assert!(net.agents[alice].sent_starting("INFO").is_empty());
}

#[test]
fn an_info_of_a_package_we_did_not_agree_to_gets_469() {
    let mut net = Net::new(ProxyConfig::default());
    let alice = agent(&mut net, "alice", 11, true);
    let bob = agent(&mut net, "bob", 22, true);
    let a_call = place_call(&mut net, alice, "bob", "offer");
    let now = net.now;
    net.ua(alice)
        .send_ice_fragment(now, a_call, FRAGMENT)
        .unwrap();
    net.drive();
    net.agents[bob].take_events();
    // The same INFO as bob received it, for another package and with the next CSeq.
    let received = net.agents[bob]
        .received_starting("INFO")
        .pop()
        .unwrap()
        .clone();
    let cseq = header(&received, "CSeq").unwrap().to_owned();
    let next: u32 = cseq.split(' ').next().unwrap().parse::<u32>().unwrap() + 1;
    let other = received
        .replace("Info-Package: trickle-ice", "Info-Package: foo")
        .replace(&format!("CSeq: {cseq}"), &format!("CSeq: {next} INFO"))
        .replace("branch=z9hG4bK", "branch=z9hG4bKx");
    net.ua(bob)
        .handle_input(now, Input::Received(other.as_bytes()));
    net.drive();
    let response = net.agents[bob].sent_starting("SIP/2.0 469").pop().cloned();
    let response = response.unwrap_or_else(|| panic!("no 469:\n{}", net.dump()));
    assert_eq!(header(&response, "Recv-Info"), Some("trickle-ice"));
    assert!(net.agents[bob].take_events().is_empty());
}

#[test]
fn a_failed_early_dialog_info_does_not_end_the_call() {
    let mut net = Net::new(ProxyConfig::default());
    let alice = agent(&mut net, "alice", 11, true);
    let bob = agent(&mut net, "bob", 22, true);
    let a_call = place_call(&mut net, alice, "bob", "offer");
    let b_call = incoming_call(&net, bob);
    let now = net.now;
    net.ua(alice)
        .send_ice_fragment(now, a_call, FRAGMENT)
        .unwrap();
    // Take the INFO off the wire and answer it 481, as a fork that went away would.
    let info = loop {
        match net.ua(alice).poll_output(now) {
            Output::Transmit(frame) if frame.starts_with("INFO ") => break frame,
            Output::Transmit(_) | Output::Event(_) => continue,
            other => panic!("no INFO sent: {other:?}"),
        }
    };
    let mut response = String::from("SIP/2.0 481 Call/Transaction Does Not Exist\r\n");
    for name in ["Via", "From", "To", "Call-ID", "CSeq"] {
        response += &format!("{name}: {}\r\n", header(&info, name).unwrap());
    }
    response += "Content-Length: 0\r\n\r\n";
    net.ua(alice)
        .handle_input(now, Input::Received(response.as_bytes()));
    net.drive();
    let events = net.agents[alice].take_events();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::RequestFailed { code: 481, .. })),
        "{events:?}"
    );
    assert!(
        !events.iter().any(|e| matches!(e, Event::Ended { .. })),
        "{events:?}"
    );
    // The call goes on: bob answers and both are connected.
    net.ua(bob)
        .accept(now, b_call, &sdp("answer", "sendrecv"))
        .unwrap();
    net.drive();
    let events = net.agents[alice].take_events();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Answered { call, .. } if *call == a_call)),
        "{events:?}"
    );
}
