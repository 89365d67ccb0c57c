//! Digest replay (issue 11, hole 6): a captured `Authorization` is refused when replayed —
//! on the same or another connection, with any other Call-ID, CSeq or Contact — because the
//! nonce-count of each nonce must increase (RFC 7616 §3.4); the legitimate client's next
//! request with the same nonce and `nc` + 1 works; digest without `qop=auth` is refused.

mod sip_common;

use bwclient_sip::{HeaderName, Message, Response};
use md5::{Digest, Md5};
use sip_common::{Client, TestServer, HOST};

fn md5_hex(s: &str) -> String {
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The MD5 challenge's nonce, and whether it says `stale=true`.
fn md5_nonce(resp: &Response, header: &HeaderName) -> (String, bool) {
    let line = resp
        .headers
        .get_all(header)
        .find(|l| l.contains("algorithm=MD5"))
        .unwrap_or_else(|| panic!("no MD5 challenge in:\n{resp}"));
    let start = line.find("nonce=\"").expect("nonce") + 7;
    let end = line[start..].find('"').expect("quote") + start;
    (line[start..end].to_owned(), line.contains("stale=true"))
}

/// `Authorization` (or `Proxy-Authorization`) with the endpoint password, `qop=auth`, `nc`.
fn answer(header: &str, nonce: &str, method: &str, uri: &str, nc: u32) -> String {
    let (user, password, cnonce) = ("alice", "alice-pw", "c0ffee");
    let nc = format!("{nc:08x}");
    let ha1 = md5_hex(&format!("{user}:{HOST}:{password}"));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    let response = md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    format!(
        "{header}: Digest algorithm=MD5, username=\"{user}\", realm=\"{HOST}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", qop=auth, cnonce=\"{cnonce}\", nc={nc}\r\n"
    )
}

/// A REGISTER by `c` with a fresh Call-ID and `extra`; the response.
async fn register(c: &mut Client, extra: &str) -> Response {
    let call_id = c.fresh();
    let text = c.register_text(HOST, 600, &call_id, 1, extra);
    c.send(&text).await;
    match c.recv().await {
        Message::Response(r) => r,
        other => panic!("expected a response, got {other}"),
    }
}

#[tokio::test]
async fn a_replayed_register_authorization_is_refused_on_any_connection() {
    let s = TestServer::start().await;
    let mut alice = s.client("alice").await;
    let r401 = register(&mut alice, "").await;
    assert_eq!(r401.code, 401);
    let (nonce, _) = md5_nonce(&r401, &HeaderName::WWW_AUTHENTICATE);
    let uri = format!("sip:{HOST}");
    let captured = answer("Authorization", &nonce, "REGISTER", &uri, 1);
    assert_eq!(register(&mut alice, &captured).await.code, 200);

    // The attacker replays it on its own connection (another Call-ID and Contact): a fresh
    // challenge, not stale — the answer is simply not accepted again.
    let mut attacker = s.client("alice").await;
    let replayed = register(&mut attacker, &captured).await;
    assert_eq!(replayed.code, 401, "{replayed}");
    assert!(!md5_nonce(&replayed, &HeaderName::WWW_AUTHENTICATE).1);
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 1);
    // ...and on the victim's connection.
    assert_eq!(register(&mut alice, &captured).await.code, 401);

    // The legitimate client's next request, same nonce with nc 2, is accepted; nc 2 again is not.
    let next = answer("Authorization", &nonce, "REGISTER", &uri, 2);
    assert_eq!(register(&mut alice, &next).await.code, 200);
    assert_eq!(register(&mut attacker, &next).await.code, 401);
    let lower = answer("Authorization", &nonce, "REGISTER", &uri, 1);
    assert_eq!(register(&mut attacker, &lower).await.code, 401);
}

#[tokio::test]
async fn a_replayed_invite_proxy_authorization_is_refused() {
    let s = TestServer::start().await;
    let mut bob = s.client("bob").await;
    bob.register_with_token(&s.token("bob", HOST)).await;
    let mut alice = s.client("alice").await;
    let target = format!("sip:bob@{HOST}");
    let invite = |c: &mut Client, extra: &str| {
        let call_id = c.fresh();
        let tag = c.fresh();
        c.invite_text(&target, &call_id, &tag, extra)
    };
    let text = invite(&mut alice, "");
    alice.send(&text).await;
    let r407 = alice.expect_response(407).await;
    let (nonce, _) = md5_nonce(&r407, &HeaderName::PROXY_AUTHENTICATE);
    let captured = answer("Proxy-Authorization", &nonce, "INVITE", &target, 1);
    let text = invite(&mut alice, &captured);
    alice.send(&text).await;
    alice.expect_response(100).await;
    let got = bob.expect_request("INVITE").await;
    bob.respond(&got, 486, "Busy Here", "b1").await;
    alice.expect_response(486).await;
    bob.expect_request("ACK").await;

    let mut attacker = s.client("alice").await;
    let text = invite(&mut attacker, &captured);
    attacker.send(&text).await;
    attacker.expect_response(407).await;
}

#[tokio::test]
async fn digest_without_qop_is_refused() {
    let s = TestServer::start().await;
    let mut alice = s.client("alice").await;
    let r401 = register(&mut alice, "").await;
    let (nonce, _) = md5_nonce(&r401, &HeaderName::WWW_AUTHENTICATE);
    let uri = format!("sip:{HOST}");
    // The RFC 2069 form: response = H(HA1:nonce:HA2), right for the password, no nc to check.
    let ha1 = md5_hex(&format!("alice:{HOST}:alice-pw"));
    let ha2 = md5_hex(&format!("REGISTER:{uri}"));
    let response = md5_hex(&format!("{ha1}:{nonce}:{ha2}"));
    let header = format!(
        "Authorization: Digest algorithm=MD5, username=\"alice\", realm=\"{HOST}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\"\r\n"
    );
    let refused = register(&mut alice, &header).await;
    assert_eq!(refused.code, 403, "{refused}");
    assert_eq!(s.service.registered_contacts(&format!("alice@{HOST}")), 0);
}
