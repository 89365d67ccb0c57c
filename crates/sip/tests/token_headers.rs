//! Where a login token goes on the wire (issue 11, hole 1): a phone logged in with a token
//! sends it (`X-Callsign-Token`, and `Authorization: Bearer` when configured) on REGISTER only,
//! where the registrar consumes it. Every other request (INVITE, its ACKs, re-INVITE, BYE,
//! MESSAGE, INFO, REFER) authenticates with the digest derived from the token, so a proxy
//! that passes unknown headers on cannot hand the token to the callee. The legacy facade
//! (`token_on_invite`) also puts it on the initial INVITE, where the old platform read it.

mod common;

use bwclient_sip::auth::digest::Algorithm;
use bwclient_sip::auth::Login;
use bwclient_sip::Uri;
use common::*;

/// The headers that carry the token itself (not a digest response computed from it).
fn token_headers<'a>(message: &'a str, token: &str) -> Vec<&'a str> {
    let mut found = headers(message, "X-Callsign-Token");
    for name in ["Authorization", "Proxy-Authorization"] {
        found.extend(
            headers(message, name)
                .into_iter()
                .filter(|v| v.starts_with("Bearer") || v.contains(token)),
        );
    }
    found
}

/// Alice logs in with a token (Bearer on the first REGISTER too), behind a proxy that
/// challenges REGISTER (401) and initial INVITEs (407); Bob has a password.
fn token_net(token_on_invite: bool) -> (Net, usize, usize, String) {
    let mut net = Net::new(ProxyConfig {
        register_challenge: Some(Algorithm::Md5),
        invite_challenge: true,
        ..ProxyConfig::default()
    });
    let token = token_for("alice", b"signature-bytes");
    let raw = token.as_str().to_owned();
    let alice = net.add_registered_with("alice", 41, |config| {
        config.login = Login::Token(token);
        config.bearer_on_register = true;
        config.token_on_invite = token_on_invite;
    });
    let bob = net.add_registered("bob", 42);
    (net, alice, bob, raw)
}

#[test]
fn token_login_sends_the_token_on_register_only() {
    let (mut net, alice, bob, token) = token_net(false);
    let (a_call, b_call) = establish(&mut net, alice, bob);

    // In the dialog: re-INVITE (hold), MESSAGE, INFO, REFER, then BYE.
    let now = net.now;
    net.ua(alice)
        .reinvite(now, a_call, &sdp("alice", "sendonly"))
        .unwrap();
    net.drive();
    net.ua(bob)
        .answer_reinvite(now, b_call, &sdp("bob", "recvonly"))
        .unwrap();
    net.drive();
    net.ua(alice)
        .send_message(now, Uri::sip(Some("bob"), DOMAIN), "text/plain", "hi")
        .unwrap();
    net.ua(alice)
        .send_info(now, a_call, "application/x-test", "info")
        .unwrap();
    net.drive();
    net.ua(alice)
        .refer(now, a_call, Uri::sip(Some("carol"), DOMAIN))
        .unwrap();
    net.drive();
    let now = net.now;
    net.ua(alice).hangup(now, a_call).unwrap();
    net.drive();

    let sent = &net.agents[alice].sent;
    let registers: Vec<&String> = net.agents[alice].sent_starting("REGISTER");
    // 401 round: the first REGISTER and its digest retry both carry the token.
    assert_eq!(registers.len(), 2, "{}", net.dump());
    for register in &registers {
        assert_eq!(header(register, "X-Callsign-Token"), Some(token.as_str()));
    }
    let mut methods = Vec::new();
    for message in sent.iter().filter(|m| !m.starts_with("REGISTER")) {
        let line = start_line(message);
        methods.push(line.split(' ').next().unwrap_or("").to_owned());
        assert_eq!(
            token_headers(message, &token),
            Vec::<&str>::new(),
            "the token rode on {line}"
        );
    }
    for method in ["INVITE", "ACK", "MESSAGE", "INFO", "REFER", "BYE"] {
        assert!(
            methods.iter().any(|m| m == method),
            "no {method}: {methods:?}"
        );
    }
    // The INVITE, its ACK for the 407, the INVITE with digest, the 2xx ACK, the re-INVITE.
    let invites = net.agents[alice].sent_starting("INVITE");
    assert_eq!(invites.len(), 3, "{}", net.dump());
    assert_eq!(header(invites[0], "Proxy-Authorization"), None);
    let digest = header(invites[1], "Proxy-Authorization").expect("digest after the 407");
    let username = format!("Digest username=\"2000000000:alice@{DOMAIN}\"");
    assert!(digest.starts_with(&username), "{digest}");
    assert!(header(invites[2], "To").unwrap().contains(";tag="));
    assert_eq!(net.agents[alice].sent_starting("ACK").len(), 3);
    // What Bob received: no token anywhere.
    for message in &net.agents[bob].received {
        assert_eq!(
            token_headers(message, &token),
            Vec::<&str>::new(),
            "{}",
            start_line(message)
        );
    }
}

#[test]
fn legacy_token_login_sends_the_token_on_register_and_invite() {
    let (mut net, alice, bob, token) = token_net(true);
    let (a_call, _) = establish(&mut net, alice, bob);
    let now = net.now;
    net.ua(alice).hangup(now, a_call).unwrap();
    net.drive();

    let registers = net.agents[alice].sent_starting("REGISTER");
    assert_eq!(registers.len(), 2, "{}", net.dump());
    let invites = net.agents[alice].sent_starting("INVITE");
    // The INVITE and its digest retry after the 407 both carry the legacy header.
    assert_eq!(invites.len(), 2, "{}", net.dump());
    for message in registers.iter().chain(&invites) {
        assert_eq!(
            header(message, "X-Callsign-Token"),
            Some(token.as_str()),
            "{}",
            start_line(message)
        );
    }
    assert!(header(invites[1], "Proxy-Authorization")
        .unwrap()
        .starts_with("Digest "));
    for message in net.agents[alice]
        .sent
        .iter()
        .filter(|m| m.starts_with("ACK") || m.starts_with("BYE"))
    {
        assert_eq!(header(message, "X-Callsign-Token"), None);
    }
}
