//! Registrar over real WebSockets: every credential form, every refusal, Expires/Min-Expires,
//! several contacts, unregistering, and contacts dropped when the socket closes.

mod sip_common;

use bwclient_server::sip::SipConfig;
use bwclient_sip::token::Token;
use bwclient_sip::{HeaderName, Response};
use md5::{Digest, Md5};
use sha2::Sha256;
use sip_common::{now_unix, values, Client, TestServer, HOST, SECRET};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn md5_hex(s: &str) -> String {
    hex(&Md5::digest(s.as_bytes()))
}

fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

/// The digest challenge of `resp` for `algorithm`: `(realm, nonce)`.
fn challenge(resp: &Response, header: &HeaderName, algorithm: &str) -> (String, String) {
    for line in resp.headers.get_all(header) {
        if line.contains(&format!("algorithm={algorithm}")) {
            let param = |name: &str| {
                let start = line.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
                let end = line[start..].find('"').expect("closing quote") + start;
                line[start..end].to_owned()
            };
            assert!(line.contains("qop=\"auth\""), "{line}");
            return (param("realm"), param("nonce"));
        }
    }
    panic!("no {algorithm} challenge in:\n{resp}");
}

/// `Authorization: Digest …` computed independently of the server (RFC 7616 §3.4.1, qop=auth).
#[allow(clippy::too_many_arguments)]
fn digest_header(
    header: &str,
    hash: fn(&str) -> String,
    algorithm: &str,
    username: &str,
    password: &str,
    realm: &str,
    nonce: &str,
    method: &str,
    uri: &str,
) -> String {
    let cnonce = "0a4f113b";
    let nc = "00000001";
    let ha1 = hash(&format!("{username}:{realm}:{password}"));
    let ha2 = hash(&format!("{method}:{uri}"));
    let response = hash(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    format!(
        "{header}: Digest algorithm={algorithm}, username=\"{username}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", qop=auth, cnonce=\"{cnonce}\", nc={nc}\r\n"
    )
}

/// REGISTER without credentials, then with the digest answer; returns the final response.
async fn register_digest(
    c: &mut Client,
    username: &str,
    password: &str,
    algorithm: &str,
) -> Response {
    register_digest_uri(c, username, password, algorithm, &format!("sip:{HOST}")).await
}

/// [`register_digest`] with the digest computed over `uri` (the Request-URI is `sip:HOST`).
async fn register_digest_uri(
    c: &mut Client,
    username: &str,
    password: &str,
    algorithm: &str,
    uri: &str,
) -> Response {
    let call_id = c.fresh();
    let first = c.register_text(HOST, 600, &call_id, 1, "");
    c.send(&first).await;
    let r401 = c.expect_response(401).await;
    let (realm, nonce) = challenge(&r401, &HeaderName::WWW_AUTHENTICATE, algorithm);
    assert_eq!(realm, HOST);
    let hash = if algorithm == "MD5" {
        md5_hex
    } else {
        sha256_hex
    };
    let auth = digest_header(
        "Authorization",
        hash,
        algorithm,
        username,
        password,
        &realm,
        &nonce,
        "REGISTER",
        uri,
    );
    let second = c.register_text(HOST, 600, &call_id, 2, &auth);
    c.send(&second).await;
    match c.recv().await {
        bwclient_sip::Message::Response(r) => r,
        other => panic!("expected a response, got {other}"),
    }
}

#[tokio::test]
async fn token_header_registers_and_unregisters() {
    let s = TestServer::start().await;
    let mut alice = s.client("alice").await;
    let token = s.token("alice", HOST);
    let ok = alice.register_with_token(&token).await;
    let contacts = values(&ok.headers, &HeaderName::CONTACT);
    assert_eq!(contacts.len(), 1, "{ok}");
    assert!(contacts[0].contains(&alice.contact), "{ok}");
    assert!(contacts[0].contains(";expires=600") || contacts[0].contains(";expires=599"));
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 1);
    assert_eq!(
        s.service.registered_contacts(&format!("sip:alice@{HOST}")),
        1
    );

    // Unregister: Expires 0 on the same contact.
    let call_id = alice.fresh();
    let text = alice.register_text(
        HOST,
        0,
        &call_id,
        2,
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    alice.send(&text).await;
    let ok = alice.expect_response(200).await;
    assert!(values(&ok.headers, &HeaderName::CONTACT).is_empty(), "{ok}");
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 0);
}

#[tokio::test]
async fn bearer_registers() {
    let s = TestServer::start().await;
    let mut bob = s.client("bob").await;
    let call_id = bob.fresh();
    let text = bob.register_text(
        HOST,
        300,
        &call_id,
        1,
        &format!("Authorization: Bearer {}\r\n", s.token("bob", HOST)),
    );
    bob.send(&text).await;
    let ok = bob.expect_response(200).await;
    assert!(
        values(&ok.headers, &HeaderName::CONTACT)[0].contains("expires=300")
            || values(&ok.headers, &HeaderName::CONTACT)[0].contains("expires=299")
    );
    assert_eq!(s.service.registered_contacts(&format!("bob@{HOST}")), 1);
}

#[tokio::test]
async fn digest_md5_with_password() {
    let s = TestServer::start().await;
    let mut alice = s.client("alice").await;
    let r = register_digest(&mut alice, "alice", "alice-pw", "MD5").await;
    assert_eq!(r.code, 200, "{r}");
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 1);
}

#[tokio::test]
async fn digest_sha256_with_password() {
    let s = TestServer::start().await;
    let mut alice = s.client("alice").await;
    let r = register_digest(&mut alice, "alice", "alice-pw", "SHA-256").await;
    assert_eq!(r.code, 200, "{r}");
}

#[tokio::test]
async fn digest_wrong_password_is_403() {
    let s = TestServer::start().await;
    let mut alice = s.client("alice").await;
    let r = register_digest(&mut alice, "alice", "not-the-password", "MD5").await;
    assert_eq!(r.code, 403, "{r}");
    assert!(r.reason.contains("wrong credentials"), "{}", r.reason);
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 0);
}

#[tokio::test]
async fn digest_for_another_uri_is_400() {
    // RFC 3261 §22.4: the digest `uri` must name the Request-URI; an answer computed (or
    // captured) for another URI is refused even though the hash itself is right.
    let s = TestServer::start().await;
    let mut alice = s.client("alice").await;
    let r = register_digest_uri(&mut alice, "alice", "alice-pw", "MD5", "sip:elsewhere.test").await;
    assert_eq!(r.code, 400, "{r}");
    assert!(r.reason.contains("digest uri"), "{}", r.reason);
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 0);
    // The same URI written differently (scheme and host case) is the same URI (§19.1.4).
    let r = register_digest_uri(
        &mut alice,
        "alice",
        "alice-pw",
        "SHA-256",
        &format!("SIP:{}", HOST.to_uppercase()),
    )
    .await;
    assert_eq!(r.code, 200, "{r}");
}

#[tokio::test]
async fn digest_with_token_credential() {
    // Kamailio auth_ephemeral style: username `<expiry>:<user>@<host>`, password =
    // base64(HMAC-SHA1(secret, username)) = Token::digest_password().
    let s = TestServer::start().await;
    let mut alice = s.client("alice").await;
    let token = Token::parse(&s.token("alice", HOST)).expect("token");
    let r = register_digest(
        &mut alice,
        &token.digest_username(),
        &token.digest_password(),
        "MD5",
    )
    .await;
    assert_eq!(r.code, 200, "{r}");

    // The same credential for bob's AOR is refused.
    let mut bob = s.client("bob").await;
    let r = register_digest(
        &mut bob,
        &token.digest_username(),
        &token.digest_password(),
        "MD5",
    )
    .await;
    assert_eq!(r.code, 403, "{r}");
    assert_eq!(s.service.registered_contacts(&format!("bob@{HOST}")), 0);
}

#[tokio::test]
async fn revoked_token_digest_credential_is_403() {
    let s = TestServer::start().await;
    let raw = s.token("alice", HOST);
    s.dir.revoke(&raw);
    let token = Token::parse(&raw).expect("token");
    let mut alice = s.client("alice").await;
    let r = register_digest(
        &mut alice,
        &token.digest_username(),
        &token.digest_password(),
        "MD5",
    )
    .await;
    assert_eq!(r.code, 403, "{r}");
    assert!(r.reason.contains("revoked"), "{}", r.reason);
}

async fn register_token_expect_403(s: &TestServer, user: &str, token: &str, reason_part: &str) {
    let mut c = s.client(user).await;
    let call_id = c.fresh();
    let text = c.register_text(
        HOST,
        600,
        &call_id,
        1,
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    c.send(&text).await;
    let r = c.expect_response(403).await;
    assert!(
        r.reason.to_ascii_lowercase().contains(reason_part),
        "reason {:?} lacks {reason_part:?}",
        r.reason
    );
    assert_eq!(s.service.registered_contacts(&format!("{user}@{HOST}")), 0);
}

#[tokio::test]
async fn bad_tokens_are_403_with_a_reason() {
    let s = TestServer::start().await;
    register_token_expect_403(&s, "alice", "garbage", "malformed").await;

    // Signed with another secret.
    let forged = Token::mint(b"wrong-secret", now_unix() + 600, "alice", HOST, &s.url());
    register_token_expect_403(&s, "alice", forged.as_str(), "invalid").await;

    let expired = Token::mint(SECRET, now_unix() - 10, "alice", HOST, &s.url());
    register_token_expect_403(&s, "alice", expired.as_str(), "expired").await;

    let revoked = s.token("alice", HOST);
    s.dir.revoke(&revoked);
    register_token_expect_403(&s, "alice", &revoked, "revoked").await;

    // Bob's valid token never registers alice.
    let bobs = s.token("bob", HOST);
    register_token_expect_403(&s, "alice", &bobs, "another endpoint").await;

    // A disabled endpoint cannot register even with its own valid token.
    let carols = s.token("carol", HOST);
    register_token_expect_403(&s, "carol", &carols, "disabled").await;

    // Bearer with someone else's token too.
    let mut alice = s.client("alice").await;
    let call_id = alice.fresh();
    let text = alice.register_text(
        HOST,
        600,
        &call_id,
        1,
        &format!("Authorization: Bearer {bobs}\r\n"),
    );
    alice.send(&text).await;
    alice.expect_response(403).await;
}

#[tokio::test]
async fn no_credentials_get_a_fresh_challenge_each_time() {
    let s = TestServer::start().await;
    let mut alice = s.client("alice").await;
    let mut nonces = Vec::new();
    for cseq in 1..=2 {
        let call_id = alice.fresh();
        let text = alice.register_text(HOST, 600, &call_id, cseq, "");
        alice.send(&text).await;
        let r = alice.expect_response(401).await;
        // SHA-256 offered first, then MD5 (RFC 8760 §2.4).
        let lines: Vec<&str> = r.headers.get_all(&HeaderName::WWW_AUTHENTICATE).collect();
        assert_eq!(lines.len(), 2, "{r}");
        assert!(
            lines[0].contains("SHA-256") && lines[1].contains("MD5"),
            "{r}"
        );
        assert!(r
            .headers
            .get(&HeaderName::TO)
            .is_some_and(|t| t.contains(";tag=")));
        nonces.push(challenge(&r, &HeaderName::WWW_AUTHENTICATE, "MD5").1);
    }
    // A tampered nonce is not accepted: it gets a new challenge marked stale.
    let call_id = alice.fresh();
    let bad_nonce = format!("{}x", nonces[0]);
    let auth = digest_header(
        "Authorization",
        md5_hex,
        "MD5",
        "alice",
        "alice-pw",
        HOST,
        &bad_nonce,
        "REGISTER",
        &format!("sip:{HOST}"),
    );
    let text = alice.register_text(HOST, 600, &call_id, 1, &auth);
    alice.send(&text).await;
    let r = alice.expect_response(401).await;
    assert!(
        r.headers
            .get(&HeaderName::WWW_AUTHENTICATE)
            .is_some_and(|c| c.contains("stale=true")),
        "{r}"
    );
}

#[tokio::test]
async fn min_expires_423_and_max_is_capped() {
    let s = TestServer::start_with(SipConfig {
        min_expires: 60,
        max_expires: 900,
        ..SipConfig::default()
    })
    .await;
    let token = s.token("alice", HOST);
    let mut alice = s.client("alice").await;
    let call_id = alice.fresh();
    let text = alice.register_text(
        HOST,
        30,
        &call_id,
        1,
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    alice.send(&text).await;
    let r = alice.expect_response(423).await;
    assert_eq!(r.headers.get(&HeaderName::MIN_EXPIRES), Some("60"), "{r}");
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 0);

    let text = alice.register_text(
        HOST,
        7200,
        &call_id,
        2,
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    alice.send(&text).await;
    let r = alice.expect_response(200).await;
    let contact = &values(&r.headers, &HeaderName::CONTACT)[0];
    let exp: u32 = contact
        .split("expires=")
        .nth(1)
        .and_then(|v| v.split(';').next())
        .and_then(|v| v.parse().ok())
        .expect("expires param");
    assert!((890..=900).contains(&exp), "{contact}");
}

#[tokio::test]
async fn several_contacts_star_removal_and_socket_close() {
    let s = TestServer::start().await;
    let token = s.token("bob", HOST);
    let mut tab1 = s.client("bob").await;
    let mut tab2 = s.client("bob").await;
    tab1.register_with_token(&token).await;
    let ok = tab2.register_with_token(&token).await;
    // The 200 lists every current binding of the AOR.
    let listed = values(&ok.headers, &HeaderName::CONTACT);
    assert_eq!(listed.len(), 2, "{ok}");
    assert!(listed.iter().any(|c| c.contains(&tab1.contact)));
    assert!(listed.iter().any(|c| c.contains(&tab2.contact)));
    assert_eq!(s.service.registered_contacts(&format!("bob@{HOST}")), 2);

    // Closing one socket drops its contact only.
    tab1.close().await;
    s.until("tab1's contact dropped", |svc| {
        svc.registered_contacts(&format!("bob@{HOST}")) == 1
    })
    .await;

    // `Contact: *` with Expires: 0 removes the rest.
    let call_id = tab2.fresh();
    let text = format!(
        "REGISTER sip:{HOST} SIP/2.0\r\n\
         Via: SIP/2.0/WSS c.invalid;branch=z9hG4bKstar1\r\n\
         Max-Forwards: 70\r\n\
         To: <sip:bob@{HOST}>\r\n\
         From: <sip:bob@{HOST}>;tag=x1\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: 9 REGISTER\r\n\
         Contact: *\r\n\
         Expires: 0\r\n\
         X-Callsign-Token: {token}\r\n\
         Content-Length: 0\r\n\r\n"
    );
    tab2.send(&text).await;
    tab2.expect_response(200).await;
    assert_eq!(s.service.registered_contacts(&format!("bob@{HOST}")), 0);

    // `Contact: *` without Expires: 0 is a 400.
    let bad = text
        .replace("Expires: 0\r\n", "")
        .replace("CSeq: 9", "CSeq: 10");
    tab2.send(&bad).await;
    tab2.expect_response(400).await;
}

#[tokio::test]
async fn outbound_instance_reregistration_replaces_the_binding() {
    // RFC 5626: the same +sip.instance/reg-id on a new connection replaces the old flow.
    let s = TestServer::start().await;
    let token = s.token("alice", HOST);
    let instance = "<urn:uuid:2d6e1d8a-6a7a-4c28-9d3c-1c1d4b0f4a11>";
    let mut first = s.client("alice").await;
    let mut second = s.client("alice").await;
    for (c, cseq) in [(&mut first, 1), (&mut second, 2)] {
        let contact = c.contact.clone();
        let text = format!(
            "REGISTER sip:{HOST} SIP/2.0\r\n\
             Via: SIP/2.0/WSS c.invalid;branch=z9hG4bKob{cseq}\r\n\
             Max-Forwards: 70\r\n\
             To: <sip:alice@{HOST}>\r\n\
             From: <sip:alice@{HOST}>;tag=ob{cseq}\r\n\
             Call-ID: outbound-call-id\r\n\
             CSeq: {cseq} REGISTER\r\n\
             Contact: <{contact};ob>;reg-id=1;+sip.instance=\"{instance}\";expires=600\r\n\
             Supported: path, outbound, gruu\r\n\
             X-Callsign-Token: {token}\r\n\
             Content-Length: 0\r\n\r\n"
        );
        c.send(&text).await;
        let ok = c.expect_response(200).await;
        assert_eq!(
            ok.headers.get(&HeaderName::REQUIRE),
            Some("outbound"),
            "{ok}"
        );
    }
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 1);
    // The binding now lives on the second connection: closing the first changes nothing.
    first.close().await;
    s.until("first connection gone", |svc| svc.connection_count() == 1)
        .await;
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 1);
    second.close().await;
    s.until("binding dropped with its flow", |svc| {
        svc.registered_contacts(&format!("alice@{HOST}")) == 0
    })
    .await;
}

#[tokio::test]
async fn subprotocol_sip_is_required() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let s = TestServer::start().await;
    // No subprotocol.
    let err = tokio_tungstenite::connect_async(s.url()).await.err();
    assert!(err.is_some(), "upgrade without subprotocol must fail");
    // Another subprotocol.
    let mut req = s.url().into_client_request().expect("request");
    req.headers_mut()
        .insert("Sec-WebSocket-Protocol", "chat".parse().expect("header"));
    let err = tokio_tungstenite::connect_async(req).await.err();
    match err {
        Some(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status(), 400)
        }
        other => panic!("expected HTTP 400, got {other:?}"),
    }
    assert_eq!(s.service.connection_count(), 0);
}

#[tokio::test]
async fn crlf_keepalive_and_options_to_the_server() {
    let s = TestServer::start().await;
    let mut c = s.client("alice").await;
    c.send("\r\n\r\n").await;
    assert_eq!(c.recv_text().await, "\r\n");
    c.send_binary(b"\r\n\r\n").await;
    assert_eq!(c.recv_text().await, "\r\n");
    let options = format!(
        "OPTIONS sip:{HOST} SIP/2.0\r\n\
         Via: SIP/2.0/WSS c.invalid;branch=z9hG4bKopt1\r\n\
         Max-Forwards: 70\r\n\
         To: <sip:{HOST}>\r\n\
         From: <sip:alice@{HOST}>;tag=o1\r\n\
         Call-ID: options-1\r\n\
         CSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    );
    c.send(&options).await;
    let r = c.expect_response(200).await;
    assert!(r
        .headers
        .get(&HeaderName::ALLOW)
        .is_some_and(|a| a.contains("INVITE")));
    // Binary frames carry SIP too (RFC 7118 §5.2).
    c.send_binary(options.replace("z9hG4bKopt1", "z9hG4bKopt2").as_bytes())
        .await;
    c.expect_response(200).await;
}

#[tokio::test]
async fn max_connections_refuses_the_next_upgrade() {
    let s = TestServer::start_with(SipConfig {
        max_connections: 2,
        ..SipConfig::default()
    })
    .await;
    let a = s.client("alice").await;
    let _b = s.client("bob").await;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = s.url().into_client_request().expect("request");
    req.headers_mut()
        .insert("Sec-WebSocket-Protocol", "sip".parse().expect("header"));
    match tokio_tungstenite::connect_async(req).await.err() {
        Some(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status(), 503)
        }
        other => panic!("expected HTTP 503, got {other:?}"),
    }
    // A slot frees when a connection closes.
    a.close().await;
    s.until("slot freed", |svc| svc.connection_count() == 1)
        .await;
    let _c = s.client("dave").await;
}

#[tokio::test]
async fn contacts_per_aor_are_bounded() {
    let s = TestServer::start_with(SipConfig {
        max_contacts_per_aor: 2,
        ..SipConfig::default()
    })
    .await;
    let token = s.token("bob", HOST);
    let mut tabs = Vec::new();
    for _ in 0..2 {
        let mut c = s.client("bob").await;
        c.register_with_token(&token).await;
        tabs.push(c);
    }
    let mut third = s.client("bob").await;
    let call_id = third.fresh();
    let text = third.register_text(
        HOST,
        600,
        &call_id,
        1,
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    third.send(&text).await;
    let r = third.expect_response(403).await;
    assert!(r.reason.contains("too many contacts"), "{}", r.reason);
    assert_eq!(s.service.registered_contacts(&format!("bob@{HOST}")), 2);
    // A refresh of an existing binding is still fine at the limit.
    let call_id = tabs[0].fresh();
    let text = tabs[0].register_text(
        HOST,
        600,
        &call_id,
        1,
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    tabs[0].send(&text).await;
    tabs[0].expect_response(200).await;
}
