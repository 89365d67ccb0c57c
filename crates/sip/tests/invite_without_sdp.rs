//! An INVITE without SDP: the offer goes in the 2xx and the answer in the ACK (RFC 3264 §2,
//! RFC 3261 §13.2.1), as UAS and as UAC.

mod common;

use bwclient_sip::events::Event;
use bwclient_sip::Uri;
use common::*;

#[test]
fn offerless_invite_offer_in_200_answer_in_ack() {
    let (mut net, alice, bob) = alice_and_bob();
    let now = net.now;
    let a_call = net
        .ua(alice)
        .invite(now, Uri::sip(Some("bob"), DOMAIN), None, &[])
        .unwrap();
    net.drive();
    let invite = net.agents[alice]
        .sent_starting("INVITE")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(header(&invite, "Content-Length"), Some("0"));
    assert_eq!(header(&invite, "Content-Type"), None);
    let b_call = incoming_call(&net, bob);
    assert!(matches!(
        net.agents[bob].take_events().as_slice(),
        [Event::IncomingCall { offer: None, .. }]
    ));
    // Bob's accept carries his offer.
    let offer = sdp("bob-offer", "sendrecv");
    net.ua(bob).accept(now, b_call, &offer).unwrap();
    net.drive();
    // Alice is connected but the ACK waits for her app's answer.
    assert_eq!(
        net.agents[alice].take_events(),
        [
            Event::Ringing {
                call: a_call,
                code: 180,
                early_sdp: None
            },
            Event::Answered {
                call: a_call,
                sdp: None
            },
            Event::RemoteOffer {
                call: a_call,
                sdp: offer
            }
        ]
    );
    assert!(net.agents[alice].sent_starting("ACK").is_empty());
    let answer = sdp("alice-answer", "sendrecv");
    net.ua(alice).answer_reinvite(now, a_call, &answer).unwrap();
    net.drive();
    let ack = net.agents[alice]
        .sent_starting("ACK")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(header(&ack, "Content-Type"), Some("application/sdp"));
    assert_eq!(body(&ack), answer);
    assert_eq!(
        net.agents[bob].take_events(),
        [Event::Answered {
            call: b_call,
            sdp: Some(answer)
        }]
    );
}
