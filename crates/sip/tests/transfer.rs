//! Blind transfer (RFC 3515): REFER, 202, NOTIFY message/sipfrag 100 … 200, the transferee
//! places the new call.

mod common;

use bwclient_sip::events::{EndReason, Event};
use bwclient_sip::Uri;
use common::*;

fn progress(events: &[Event]) -> Vec<(u16, bool)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::TransferProgress { code, done, .. } => Some((*code, *done)),
            _ => None,
        })
        .collect()
}

#[test]
fn blind_transfer_with_notify_sipfrag() {
    let (mut net, alice, bob) = alice_and_bob();
    let carol = net.add_registered("carol", 33);
    let (a_call, b_call) = establish(&mut net, alice, bob);

    // Bob transfers Alice to Carol.
    let now = net.now;
    let carol_uri = Uri::sip(Some("carol"), DOMAIN);
    net.ua(bob).refer(now, b_call, carol_uri.clone()).unwrap();
    net.drive();
    let refer = net.agents[bob]
        .sent_starting("REFER")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(header(&refer, "Refer-To"), Some("<sip:carol@example.test>"));
    assert_eq!(
        header(&refer, "Referred-By"),
        Some("<sip:bob@example.test>")
    );
    assert_eq!(header(&refer, "CSeq"), Some("1 REFER"));
    let alice_sent = net.agents[alice].sent_lines();
    assert!(
        alice_sent.contains(&"SIP/2.0 202 Accepted".to_owned()),
        "{alice_sent:?}"
    );
    let notify = net.agents[alice]
        .sent_starting("NOTIFY")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(header(&notify, "Event"), Some("refer"));
    assert_eq!(
        header(&notify, "Subscription-State"),
        Some("active;expires=60")
    );
    assert_eq!(
        header(&notify, "Content-Type"),
        Some("message/sipfrag;version=2.0")
    );
    assert_eq!(body(&notify), "SIP/2.0 100 Trying\r\n");
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::TransferRequested {
            call: a_call,
            target: carol_uri
        }]
    );
    assert_eq!(
        progress(&net.agents[bob].take_events()),
        [(202, false), (100, false)]
    );

    // Alice's app places the new call; Carol rings, then answers.
    let now = net.now;
    let new_call = net
        .ua(alice)
        .accept_transfer(now, a_call, Some(sdp("alice2", "sendrecv")))
        .unwrap();
    assert_ne!(new_call, a_call);
    net.drive();
    assert_eq!(progress(&net.agents[bob].take_events()), [(180, false)]);
    let c_call = incoming_call(&net, carol);
    let now = net.now;
    net.ua(carol)
        .accept(now, c_call, &sdp("carol", "sendrecv"))
        .unwrap();
    net.drive();
    let last_notify = net.agents[alice]
        .sent_starting("NOTIFY")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(body(&last_notify), "SIP/2.0 200 OK\r\n");
    assert_eq!(
        header(&last_notify, "Subscription-State"),
        Some("terminated;reason=noresource")
    );
    assert_eq!(progress(&net.agents[bob].take_events()), [(200, true)]);
    assert!(net.agents[alice]
        .events
        .iter()
        .any(|e| matches!(e, Event::Answered { call, .. } if *call == new_call)));

    // The transferor hangs up; Alice stays with Carol.
    let now = net.now;
    net.ua(bob).hangup(now, b_call).unwrap();
    net.drive();
    assert!(net.agents[alice].events.contains(&Event::Ended {
        call: a_call,
        code: None,
        reason: EndReason::RemoteHangup
    }));
    assert_eq!(net.ua(alice).calls(), [new_call]);
}

#[test]
fn failed_transfer_reports_the_status() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    net.ua(bob)
        .refer(now, b_call, Uri::sip(Some("nobody"), DOMAIN))
        .unwrap();
    net.drive();
    net.ua(alice)
        .accept_transfer(now, a_call, Some(sdp("a", "sendrecv")))
        .unwrap();
    net.drive();
    assert_eq!(
        progress(&net.agents[bob].take_events()),
        [(202, false), (100, false), (404, true)]
    );
    let notify = net.agents[alice]
        .sent_starting("NOTIFY")
        .pop()
        .unwrap()
        .clone();
    assert_eq!(body(&notify), "SIP/2.0 404 Not Found\r\n");
}

#[test]
fn declined_transfer() {
    let (mut net, alice, bob) = alice_and_bob();
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    net.ua(bob)
        .refer(now, b_call, Uri::sip(Some("carol"), DOMAIN))
        .unwrap();
    net.drive();
    net.ua(alice).decline_transfer(now, a_call).unwrap();
    net.drive();
    assert_eq!(
        progress(&net.agents[bob].take_events()),
        [(202, false), (100, false), (603, true)]
    );
    assert!(net.ua(alice).accept_transfer(now, a_call, None).is_err());
}
