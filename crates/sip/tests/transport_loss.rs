//! The transport goes down mid-call: the call keeps its dialog; when it comes back, the UA
//! re-registers (RFC 5626 §4.4.1) and the call goes on.

mod common;

use bwclient_sip::call::CallState;
use bwclient_sip::events::{EndReason, Event};
use bwclient_sip::registration::RegistrationState;
use bwclient_sip::{UaError, Uri};
use common::*;

#[test]
fn call_survives_and_reregisters() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let registers_before = net.agents[alice].sent_starting("REGISTER").len();

    net.disconnect(alice);
    assert_eq!(net.ua(alice).call_state(a_call), Some(CallState::Confirmed));
    assert_eq!(
        net.ua(alice).registration_state(),
        RegistrationState::WaitingTransport
    );
    assert!(net.agents[alice].take_events().is_empty());
    let now = net.now;
    assert_eq!(
        net.ua(alice)
            .invite(now, Uri::sip(Some("bob"), DOMAIN), None, &[]),
        Err(UaError::TransportDown)
    );
    assert_eq!(
        net.ua(alice).reinvite(now, a_call, &sdp("a", "sendrecv")),
        Err(UaError::TransportDown)
    );
    // Time passes: nothing is sent while down, and the call is still there.
    net.advance(10_000);
    assert_eq!(net.ua(alice).call_state(a_call), Some(CallState::Confirmed));

    net.reconnect(alice);
    let registers = net.agents[alice].sent_starting("REGISTER");
    assert_eq!(registers.len(), registers_before + 1);
    let cseq = header(registers.last().unwrap(), "CSeq")
        .unwrap()
        .to_owned();
    assert_eq!(cseq, "2 REGISTER");
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::Registered {
            expires: 600,
            code: 200
        }]
    );
    // ICE restart over the new flow: a re-INVITE works, the dialog is intact.
    let now = net.now;
    net.ua(alice)
        .reinvite(now, a_call, &sdp("alice-restart", "sendrecv"))
        .unwrap();
    net.drive();
    assert!(matches!(
        net.agents[bob].take_events().as_slice(),
        [Event::RemoteOffer { call, .. }] if *call == b_call
    ));
}

#[test]
fn pending_requests_fail_when_the_transport_drops() {
    let (mut net, alice, bob) = alice_and_bob();
    net.agents[bob].connected = false; // no answer will come back
    let call = place_call(&mut net, alice, "bob", "a");
    net.disconnect(alice);
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::Ended {
            call,
            code: None,
            reason: EndReason::TransportError
        }]
    );
    assert!(net.ua(alice).calls().is_empty());
}

#[test]
fn registering_while_down_waits_for_the_transport() {
    let mut net = Net::new(ProxyConfig::default());
    let a = net.add("alice", agent_config("alice", 61));
    net.disconnect(a);
    let now = net.now;
    net.ua(a).register(now).unwrap();
    net.drive();
    assert!(net.agents[a].sent.is_empty());
    net.reconnect(a);
    assert_eq!(
        net.agents[a].sent_lines(),
        ["REGISTER sip:example.test SIP/2.0"]
    );
    assert_eq!(
        net.ua(a).registration_state(),
        RegistrationState::Registered
    );
}

#[test]
fn the_via_follows_the_transport_of_the_new_connection() {
    // A phone failing over from a wss: server to a ws: one (RFC 7118 §5.1).
    let (mut net, alice, _bob) = alice_and_bob();
    let via = |net: &Net| {
        let registers = net.agents[alice].sent_starting("REGISTER");
        header(registers.last().unwrap(), "Via").unwrap().to_owned()
    };
    assert!(via(&net).starts_with("SIP/2.0/WSS "), "{}", via(&net));
    net.disconnect(alice);
    net.ua(alice)
        .set_transport(bwclient_sip::ua::WsTransport::Ws);
    net.reconnect(alice);
    assert!(via(&net).starts_with("SIP/2.0/WS "), "{}", via(&net));
    assert_eq!(
        net.ua(alice).config().transport,
        bwclient_sip::ua::WsTransport::Ws
    );
}
