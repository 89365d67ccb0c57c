//! Registration: plain, digest MD5 and SHA-256, token header, 423, refresh, unregister.

mod common;

use bwclient_sip::auth::digest::Algorithm;
use bwclient_sip::auth::Login;
use bwclient_sip::events::Event;
use bwclient_sip::registration::RegistrationState;
use common::*;

fn registered_events(events: &[Event]) -> Vec<(u32, u16)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Registered { expires, code } => Some((*expires, *code)),
            _ => None,
        })
        .collect()
}

#[test]
fn plain_register_gets_200() {
    let mut net = Net::new(ProxyConfig::default());
    let a = net.add("alice", agent_config("alice", 1));
    let now = net.now;
    net.ua(a).register(now).unwrap();
    net.drive();
    let sent = &net.agents[a].sent;
    assert_eq!(sent.len(), 1, "{}", net.dump());
    let register = &sent[0];
    assert_eq!(start_line(register), "REGISTER sip:example.test SIP/2.0");
    let via = header(register, "Via").unwrap();
    assert!(via.starts_with("SIP/2.0/WSS "), "{via}");
    assert!(via.contains(".invalid;branch=z9hG4bK"), "{via}");
    assert_eq!(header(register, "Max-Forwards"), Some("70"));
    assert_eq!(header(register, "To"), Some("<sip:alice@example.test>"));
    assert!(header(register, "From")
        .unwrap()
        .starts_with("<sip:alice@example.test>;tag="));
    assert_eq!(header(register, "CSeq"), Some("1 REGISTER"));
    let contact = header(register, "Contact").unwrap();
    let instance = net.agents[a].ua.instance_id().to_owned();
    assert!(instance.starts_with("urn:uuid:"));
    let expected = format!(
        "<{}>;+sip.instance=\"<{instance}>\";reg-id=1;expires=600",
        net.agents[a].ua.contact_uri()
    );
    assert_eq!(contact, expected);
    assert!(contact.starts_with("<sip:") && contact.contains(".invalid;transport=ws;ob>"));
    assert_eq!(header(register, "Expires"), Some("600"));
    assert_eq!(header(register, "Supported"), Some("path, outbound, gruu"));
    assert_eq!(header(register, "X-Callsign-Token"), None);
    assert_eq!(header(register, "Authorization"), None);
    assert_eq!(net.agents[a].received_lines(), ["SIP/2.0 200 OK"]);
    assert_eq!(registered_events(&net.agents[a].events), [(600, 200)]);
    assert_eq!(
        net.agents[a].ua.registration_state(),
        RegistrationState::Registered
    );
}

fn digest_register(algorithm: Algorithm) -> Net {
    let mut net = Net::new(ProxyConfig {
        register_challenge: Some(algorithm),
        ..ProxyConfig::default()
    });
    let a = net.add_user("alice", 2);
    let now = net.now;
    net.ua(a).register(now).unwrap();
    net.drive();
    assert_eq!(
        net.agents[a].received_lines(),
        ["SIP/2.0 401 Unauthorized", "SIP/2.0 200 OK"],
        "{}",
        net.dump()
    );
    assert_eq!(registered_events(&net.agents[a].events), [(600, 200)]);
    net
}

#[test]
fn digest_md5_retry() {
    let net = digest_register(Algorithm::Md5);
    let sent = &net.agents[0].sent;
    assert_eq!(header(&sent[1], "CSeq"), Some("2 REGISTER"));
    assert_eq!(header(&sent[0], "Call-ID"), header(&sent[1], "Call-ID"));
    assert_ne!(header(&sent[0], "Via"), header(&sent[1], "Via"));
    let auth = header(&sent[1], "Authorization").unwrap();
    assert!(auth.starts_with("Digest username=\"alice\", realm=\"example.test\", nonce=\"fixed-nonce-1\", uri=\"sip:example.test\", response=\""), "{auth}");
    assert!(auth.contains("algorithm=MD5"), "{auth}");
    assert!(auth.contains("qop=auth, nc=00000001"), "{auth}");
    assert!(auth.contains("cnonce=\""), "{auth}");
}

#[test]
fn digest_sha256_retry() {
    let net = digest_register(Algorithm::Sha256);
    let auth = header(&net.agents[0].sent[1], "Authorization").unwrap();
    assert!(auth.contains("algorithm=SHA-256"), "{auth}");
    // A SHA-256 response is 64 hex digits.
    let response = auth
        .split("response=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_eq!(response.len(), 64, "{auth}");
}

#[test]
fn wrong_password_fails_after_one_retry() {
    let mut net = Net::new(ProxyConfig {
        register_challenge: Some(Algorithm::Md5),
        ..ProxyConfig::default()
    });
    let mut config = agent_config("alice", 3);
    config.login = Login::Password {
        username: "alice".into(),
        password: "wrong".into(),
    };
    let a = net.add("alice", config);
    net.proxy.users = vec![("alice".into(), "right".into())];
    let now = net.now;
    net.ua(a).register(now).unwrap();
    net.drive();
    assert_eq!(
        net.agents[a].sent_lines(),
        [
            "REGISTER sip:example.test SIP/2.0",
            "REGISTER sip:example.test SIP/2.0"
        ]
    );
    let failed: Vec<_> = net.agents[a]
        .events
        .iter()
        .filter(|e| matches!(e, Event::RegistrationFailed { code: 401, .. }))
        .collect();
    assert_eq!(failed.len(), 1, "{:?}", net.agents[a].events);
    assert_eq!(
        net.agents[a].ua.registration_state(),
        RegistrationState::Idle
    );
}

#[test]
fn token_login_sends_callsign_header_and_digest() {
    let mut net = Net::new(ProxyConfig {
        register_challenge: Some(Algorithm::Md5),
        ..ProxyConfig::default()
    });
    let token = token_for("alice", b"signature-bytes");
    let mut config = agent_config("alice", 4);
    config.login = Login::Token(token.clone());
    config.bearer_on_register = true;
    let a = net.add("alice", config);
    let now = net.now;
    net.ua(a).register(now).unwrap();
    net.drive();
    let sent = &net.agents[a].sent;
    assert_eq!(sent.len(), 2, "{}", net.dump());
    for register in sent {
        assert_eq!(header(register, "X-Callsign-Token"), Some(token.as_str()));
    }
    let bearer = format!("Bearer {}", token.as_str());
    assert_eq!(header(&sent[0], "Authorization"), Some(bearer.as_str()));
    let digest = headers(&sent[1], "Authorization");
    assert_eq!(digest.len(), 1, "bearer must be replaced: {digest:?}");
    let username = format!("Digest username=\"2000000000:alice@{DOMAIN}\"");
    assert!(digest[0].starts_with(&username), "{}", digest[0]);
    assert_eq!(registered_events(&net.agents[a].events), [(600, 200)]);
}

#[test]
fn interval_too_brief_retries_with_min_expires() {
    let mut net = Net::new(ProxyConfig {
        min_expires: Some(1800),
        ..ProxyConfig::default()
    });
    let a = net.add("alice", agent_config("alice", 5));
    let now = net.now;
    net.ua(a).register(now).unwrap();
    net.drive();
    assert_eq!(
        net.agents[a].received_lines(),
        ["SIP/2.0 423 Interval Too Brief", "SIP/2.0 200 OK"]
    );
    assert_eq!(header(&net.agents[a].sent[1], "Expires"), Some("1800"));
    assert!(header(&net.agents[a].sent[1], "Contact")
        .unwrap()
        .ends_with(";expires=1800"));
    assert_eq!(registered_events(&net.agents[a].events), [(1800, 200)]);
}

#[test]
fn refreshes_before_expiry_reusing_the_challenge() {
    let mut net = Net::new(ProxyConfig {
        register_challenge: Some(Algorithm::Md5),
        max_expires: Some(60),
        ..ProxyConfig::default()
    });
    let a = net.add_user("alice", 6);
    let now = net.now;
    net.ua(a).register(now).unwrap();
    net.drive();
    assert_eq!(registered_events(&net.agents[a].events), [(60, 200)]);
    net.agents[a].events.clear();
    // Granted 60 s: the refresh goes at 30 s, not before.
    net.advance(29_999);
    assert_eq!(net.agents[a].sent.len(), 2);
    net.advance(1);
    assert_eq!(net.agents[a].sent.len(), 3, "{}", net.dump());
    let refresh = &net.agents[a].sent[2];
    assert_eq!(header(refresh, "CSeq"), Some("3 REGISTER"));
    // The last challenge is answered up front with the nonce count incremented.
    let auth = header(refresh, "Authorization").unwrap();
    assert!(auth.contains("nc=00000002"), "{auth}");
    assert_eq!(
        net.agents[a].received_lines().last().unwrap(),
        "SIP/2.0 200 OK"
    );
    assert_eq!(registered_events(&net.agents[a].events), [(60, 200)]);
    // And again 30 s later.
    net.advance(30_000);
    assert_eq!(net.agents[a].sent.len(), 4);
}

#[test]
fn unregister_sends_expires_zero() {
    let mut net = Net::new(ProxyConfig::default());
    let a = net.add_registered("alice", 7);
    let now = net.now;
    net.ua(a).unregister(now).unwrap();
    net.drive();
    let last = net.agents[a].sent.last().unwrap().clone();
    assert_eq!(header(&last, "Expires"), Some("0"));
    assert!(header(&last, "Contact").unwrap().ends_with(";expires=0"));
    assert_eq!(
        net.agents[a].take_events(),
        [Event::Unregistered { code: 200 }]
    );
    assert_eq!(
        net.agents[a].ua.registration_state(),
        RegistrationState::Idle
    );
    // No refresh is left running.
    net.advance(3_600_000);
    assert_eq!(net.agents[a].sent.len(), 2);
    assert_eq!(
        net.ua(a).unregister(now),
        Err(bwclient_sip::UaError::NotRegistered)
    );
}

#[test]
fn stale_nonce_is_retried_without_counting_as_failure() {
    let mut net = Net::new(ProxyConfig {
        register_challenge: Some(Algorithm::Md5),
        stale_once: true,
        ..ProxyConfig::default()
    });
    let a = net.add_user("alice", 8);
    let now = net.now;
    net.ua(a).register(now).unwrap();
    net.drive();
    assert_eq!(
        net.agents[a].received_lines(),
        [
            "SIP/2.0 401 Unauthorized",
            "SIP/2.0 401 Unauthorized",
            "SIP/2.0 200 OK"
        ],
        "{}",
        net.dump()
    );
    let third = header(&net.agents[a].sent[2], "Authorization").unwrap();
    assert!(third.contains("nonce=\"fixed-nonce-1-next\""), "{third}");
    assert!(third.contains("nc=00000001"), "{third}");
    assert_eq!(registered_events(&net.agents[a].events), [(600, 200)]);
}

#[test]
fn new_token_reregisters_without_touching_calls() {
    let mut net = Net::new(ProxyConfig {
        register_challenge: Some(Algorithm::Md5),
        ..ProxyConfig::default()
    });
    let first = token_for("alice", b"first");
    let mut config = agent_config("alice", 9);
    config.login = Login::Token(first.clone());
    let alice = net.add("alice", config);
    let now = net.now;
    net.ua(alice).register(now).unwrap();
    let bob = net.add_registered("bob", 10);
    net.drive();
    let (a_call, _) = establish(&mut net, alice, bob);
    let next = token_for("alice", b"second");
    // Same digest username (same expiry), new password: the old one stops working.
    net.proxy
        .users
        .retain(|(u, _)| *u != next.digest_username());
    net.proxy
        .users
        .push((next.digest_username(), next.digest_password()));
    let sent_before = net.agents[alice].sent.len();
    let now = net.now;
    net.ua(alice).update_token(now, next.clone()).unwrap();
    net.drive();
    let new: Vec<String> = net.agents[alice].sent[sent_before..]
        .iter()
        .map(|m| start_line(m))
        .collect();
    assert_eq!(
        new,
        [
            "REGISTER sip:example.test SIP/2.0",
            "REGISTER sip:example.test SIP/2.0"
        ]
    );
    let last = net.agents[alice].sent.last().unwrap();
    assert_eq!(header(last, "X-Callsign-Token"), Some(next.as_str()));
    assert_eq!(
        net.agents[alice].take_events(),
        [Event::Registered {
            expires: 600,
            code: 200
        }]
    );
    assert_eq!(
        net.ua(alice).call_state(a_call),
        Some(bwclient_sip::call::CallState::Confirmed)
    );
}
