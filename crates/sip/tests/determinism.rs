//! Same seed, same bytes: every transmitted message of a whole scenario is identical across
//! runs, and a different seed changes them.

mod common;

use bwclient_sip::auth::digest::Algorithm;
use bwclient_sip::Uri;
use common::*;

fn scenario(seed_offset: u64) -> Vec<(String, String, String)> {
    let mut net = Net::new(ProxyConfig {
        register_challenge: Some(Algorithm::Sha256),
        invite_challenge: true,
        ..ProxyConfig::default()
    });
    let alice = net.add_registered("alice", 100 + seed_offset);
    let bob = net.add_registered("bob", 200 + seed_offset);
    let (a_call, b_call) = establish(&mut net, alice, bob);
    let now = net.now;
    net.ua(alice)
        .reinvite(now, a_call, &sdp("a", "sendonly"))
        .unwrap();
    net.ua(bob)
        .reinvite(now, b_call, &sdp("b", "sendonly"))
        .unwrap();
    net.advance(5_000);
    let now = net.now;
    net.ua(bob).send_dtmf_info(now, b_call, '9', 100).unwrap();
    net.ua(alice)
        .send_message(now, Uri::sip(Some("bob"), DOMAIN), "text/plain", "x")
        .unwrap();
    net.advance(400_000); // registration refreshes
    let now = net.now;
    net.ua(alice).hangup(now, a_call).unwrap();
    net.drive();
    net.wire
}

#[test]
fn same_seed_identical_wire() {
    let first = scenario(0);
    let second = scenario(0);
    assert!(first.len() > 20, "scenario too small: {}", first.len());
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a, b);
    }
    let other = scenario(1);
    assert_ne!(first, other);
}
