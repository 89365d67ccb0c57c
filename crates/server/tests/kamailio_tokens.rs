//! The tokens `bwclient-server` mints over REST are accepted by stock Kamailio 5.6 running the
//! profile in `deploy/kamailio/` with the same secret (`auth_ephemeral`), and only for the
//! identity they name. Kamailio is started for real (`deploy/kamailio/run.sh`) on a free
//! loopback port; the client speaks SIP over a real WebSocket.

mod common;
mod kamailio_common;

use std::path::Path;
use std::time::Duration;

use bwclient_sip::token::Token;
use common::{start, Api, TEST_SECRET};
use kamailio_common::*;
use serde_json::json;

/// The in-process server's database file (`common::config`: `<dir>/data/bwclient.db`).
fn db_file(dir: &Path) -> std::path::PathBuf {
    dir.join("data/bwclient.db")
}

#[tokio::test]
async fn kamailio_accepts_rest_minted_tokens_for_their_identity_only() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api.domain_with("kam", &["alice", "bob"]).await;
    let alice_id = eps[0]["id"].as_str().unwrap();
    let minted = api
        .create(
            &format!("/domains/{domain_id}/endpoints/{alice_id}/tokens"),
            json!({ "expires": 3600 }),
        )
        .await;
    let token = Token::parse(minted["token"].as_str().unwrap()).expect("token parses");
    assert_eq!(token.user, "alice");
    let host = token.host.clone();

    let kamailio = Kamailio::start(TEST_SECRET, &db_file(dir.path()));
    let mut ws = connect(kamailio.port).await;

    // The token's own identity registers.
    let ok = register_with_token(&mut ws, "alice", &host, &token, "kam-alice").await;
    assert_eq!(
        ok.code, 200,
        "alice registers with her token: {} {}",
        ok.code, ok.reason
    );

    // The same token does not let anyone register as bob.
    let stolen = register_with_token(&mut ws, "bob", &host, &token, "kam-bob").await;
    assert_eq!(stolen.code, 403, "alice's token must not register bob");

    // A token signed with another secret is refused (challenged again).
    let forged = Token::mint(
        b"not-the-secret",
        token.expires,
        "alice",
        &host,
        token.ws_url(),
    );
    let refused = register_with_token(&mut ws, "alice", &host, &forged, "kam-forged").await;
    assert!(
        refused.code == 401 || refused.code == 403,
        "a forged token is refused, got {}",
        refused.code
    );

    // An expired token is refused even though its signature is right.
    let expired = Token::mint(
        TEST_SECRET.as_bytes(),
        1_000_000,
        "alice",
        &host,
        token.ws_url(),
    );
    let late = register_with_token(&mut ws, "alice", &host, &expired, "kam-expired").await;
    assert!(
        late.code == 401 || late.code == 403,
        "an expired token is refused, got {}",
        late.code
    );
    server.stop().await;
}

/// `handle_lost_tcp`: a contact whose WebSocket closed is gone at once, so a call to it is
/// answered at once instead of forking to a dead branch until a timeout.
#[tokio::test]
async fn kamailio_drops_the_contact_of_a_closed_websocket() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api.domain_with("kamdead", &["alice", "bob"]).await;
    let mut tokens = Vec::new();
    for ep in &eps {
        let id = ep["id"].as_str().unwrap();
        let minted = api
            .create(
                &format!("/domains/{domain_id}/endpoints/{id}/tokens"),
                json!({}),
            )
            .await;
        tokens.push(Token::parse(minted["token"].as_str().unwrap()).unwrap());
    }
    let host = tokens[0].host.clone();
    let kamailio = Kamailio::start(TEST_SECRET, &db_file(dir.path()));

    let mut alice = connect(kamailio.port).await;
    let ok = register_with_token(&mut alice, "alice", &host, &tokens[0], "dead-alice").await;
    assert_eq!(ok.code, 200);
    alice.close(None).await.unwrap();
    drop(alice);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut bob = connect(kamailio.port).await;
    invite_with_token(
        &mut bob,
        "bob",
        "alice",
        &host,
        &tokens[1],
        "kam-dead-contact",
    )
    .await;
    let answer = tokio::time::timeout(Duration::from_secs(4), answer(&mut bob))
        .await
        .expect("answered at once, not after a branch timeout");
    assert!(
        answer.code == 404 || answer.code == 480,
        "alice's dead contact is gone: got {} {}",
        answer.code,
        answer.reason
    );
    server.stop().await;
}

/// Mints a token for endpoint `id` of `domain_id` over REST.
async fn mint(api: &Api, domain_id: &str, id: &str) -> (String, Token) {
    mint_for(api, domain_id, id, 86_400).await
}

/// Mints a token valid `lifetime` seconds. Two tokens of one endpoint minted in the same second
/// with the same lifetime are one credential (the digest username is `<expiry>:<user>@<host>`).
async fn mint_for(api: &Api, domain_id: &str, id: &str, lifetime: u64) -> (String, Token) {
    let minted = api
        .create(
            &format!("/domains/{domain_id}/endpoints/{id}/tokens"),
            json!({ "expires": lifetime }),
        )
        .await;
    let text = minted["token"].as_str().unwrap().to_owned();
    let token = Token::parse(&text).expect("token parses");
    (text, token)
}

/// Holes 3 and 4 at Kamailio: a token whose row bwclient-server removed (revoked, its endpoint
/// deleted — also when an endpoint of the same name is created again) or whose endpoint is
/// disabled is refused with 403, for REGISTER and INVITE alike, although its signature and
/// expiry are right.
#[tokio::test]
async fn kamailio_refuses_revoked_tokens_disabled_and_recreated_endpoints() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api
        .domain_with("kamrevoke", &["alice", "bob", "carol"])
        .await;
    let id = |i: usize| eps[i]["id"].as_str().unwrap().to_owned();
    let (alice_text, alice) = mint(&api, &domain_id, &id(0)).await;
    let (_, bob) = mint(&api, &domain_id, &id(1)).await;
    let (_, carol) = mint(&api, &domain_id, &id(2)).await;
    let host = alice.host.clone();
    let kamailio = Kamailio::start(TEST_SECRET, &db_file(dir.path()));
    let mut ws = connect(kamailio.port).await;

    // Valid before anything happens to them.
    let ok = register_with_token(&mut ws, "alice", &host, &alice, "rv-alice-1").await;
    assert_eq!(ok.code, 200, "alice's token registers: {}", ok.reason);
    let ok = register_with_token(&mut ws, "carol", &host, &carol, "rv-carol-1").await;
    assert_eq!(ok.code, 200, "carol's token registers: {}", ok.reason);

    // Revoked: REGISTER and INVITE refused.
    let res = api
        .delete(&format!(
            "/domains/{domain_id}/endpoints/{}/tokens/{alice_text}",
            id(0)
        ))
        .await;
    assert!((200..300).contains(&res.status), "revoke: {:?}", res.json);
    let refused = register_with_token(&mut ws, "alice", &host, &alice, "rv-alice-2").await;
    assert_eq!(refused.code, 403, "a revoked token registers no more");
    invite_with_token(&mut ws, "alice", "carol", &host, &alice, "rv-alice-inv").await;
    let refused = answer(&mut ws).await;
    assert_eq!(refused.code, 403, "a revoked token calls no more");

    // Disabled endpoint.
    disable(&api, &domain_id, &id(2)).await;
    let refused = register_with_token(&mut ws, "carol", &host, &carol, "rv-carol-2").await;
    assert_eq!(
        refused.code, 403,
        "a disabled endpoint's token registers no more"
    );
    invite_with_token(&mut ws, "carol", "bob", &host, &carol, "rv-carol-inv").await;
    assert_eq!(answer(&mut ws).await.code, 403, "nor calls");

    // Deleted, then created again under the same name: the old token is dead for the new one.
    let res = api
        .delete(&format!("/domains/{domain_id}/endpoints/{}", id(1)))
        .await;
    assert!(
        (200..300).contains(&res.status),
        "delete bob: {:?}",
        res.json
    );
    let refused = register_with_token(&mut ws, "bob", &host, &bob, "rv-bob-1").await;
    assert_eq!(
        refused.code, 403,
        "a deleted endpoint's token registers no more"
    );
    api.create(
        &format!("/domains/{domain_id}/endpoints"),
        json!({ "name": "bob", "credentials": { "password": "password1" } }),
    )
    .await;
    let refused = register_with_token(&mut ws, "bob", &host, &bob, "rv-bob-2").await;
    assert_eq!(
        refused.code, 403,
        "an old token never authenticates a re-created endpoint of the same name"
    );
    assert!(
        refused.reason.contains("revoked"),
        "the 403 says why: {}",
        refused.reason
    );
    server.stop().await;
}

/// Waits (up to `deadline`) until `ws` is closed by Kamailio, answering nothing meanwhile.
async fn closed_within(ws: &mut Ws, deadline: Duration) -> bool {
    let end = tokio::time::Instant::now() + deadline;
    loop {
        let left = end.saturating_duration_since(tokio::time::Instant::now());
        match next_incoming(ws, left).await {
            Some(Incoming::Closed) => return true,
            Some(Incoming::Sip(_)) => continue,
            None => return false,
        }
    }
}

/// `PATCH …/endpoints/{id} {"enabled": false}`.
async fn disable(api: &Api, domain_id: &str, id: &str) {
    let res = api
        .send(
            reqwest::Method::PATCH,
            &api.user_path(&format!("/domains/{domain_id}/endpoints/{id}")),
            Some(json!({ "enabled": false }).to_string().into_bytes()),
        )
        .await;
    assert!((200..300).contains(&res.status), "disable: {:?}", res.json);
}

/// The revocation events bwclient-server wrote for `aor` (table `sip_revocations`).
fn revocation_events(db: &Path, aor: &str) -> Vec<Option<String>> {
    let db = rusqlite::Connection::open(db).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    let mut q = db
        .prepare("SELECT username FROM sip_revocations WHERE aor = ?1 ORDER BY seq")
        .unwrap();
    let rows = q
        .query_map([aor], |r| r.get::<_, Option<String>>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows
}

/// Hole 3 at Kamailio: revoking a token over REST (bwclient-server writes a `sip_revocations`
/// row) drops the registrations the token made at Kamailio, and only those, and closes their
/// WebSockets, so the phone knows and calls no longer reach it; disabling the endpoint (a row
/// for the whole AOR) drops all of them.
#[tokio::test]
async fn kamailio_drops_registrations_of_a_revoked_token_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api.domain_with("kamdrop", &["alice", "bob"]).await;
    let id = |i: usize| eps[i]["id"].as_str().unwrap().to_owned();
    let (first_text, first) = mint(&api, &domain_id, &id(0)).await;
    let (_, second) = mint_for(&api, &domain_id, &id(0), 7_200).await;
    assert_ne!(first.digest_username(), second.digest_username());
    let (_, bob) = mint(&api, &domain_id, &id(1)).await;
    let host = first.host.clone();
    let aor = format!("alice@{host}");
    let kamailio = Kamailio::start(TEST_SECRET, &db_file(dir.path()));

    // alice's two phones, each with its own token.
    let mut phone1 = connect(kamailio.port).await;
    let ok = register_with_token(&mut phone1, "alice", &host, &first, "drop-p1").await;
    assert_eq!(ok.code, 200);
    let mut phone2 = connect(kamailio.port).await;
    let ok = register_with_token(&mut phone2, "alice", &host, &second, "drop-p2").await;
    assert_eq!(ok.code, 200);

    // The first token is revoked: phone 1's WebSocket is closed, phone 2 keeps its binding.
    let res = api
        .delete(&format!(
            "/domains/{domain_id}/endpoints/{}/tokens/{first_text}",
            id(0)
        ))
        .await;
    assert!((200..300).contains(&res.status), "revoke: {:?}", res.json);
    assert_eq!(
        revocation_events(&db_file(dir.path()), &aor),
        vec![Some(first.digest_username())],
        "the server wrote the revocation event for Kamailio"
    );
    assert!(
        closed_within(&mut phone1, Duration::from_secs(10)).await,
        "the revoked token's WebSocket is closed"
    );

    // A call to alice reaches phone 2 only.
    let mut caller = connect(kamailio.port).await;
    invite_with_token(&mut caller, "bob", "alice", &host, &bob, "drop-call-1").await;
    let ringing = next_request(&mut phone2, Duration::from_secs(5))
        .await
        .expect("phone 2, registered with a valid token, still receives calls");
    assert_eq!(ringing.method.as_str(), "INVITE");

    // The whole AOR (endpoint disabled or deleted): phone 2 goes too, calls find nobody.
    disable(&api, &domain_id, &id(0)).await;
    assert_eq!(
        revocation_events(&db_file(dir.path()), &aor).last(),
        Some(&None),
        "disabling writes an event for the whole AOR"
    );
    assert!(
        closed_within(&mut phone2, Duration::from_secs(10)).await,
        "every registration of the AOR is dropped and its WebSocket closed"
    );
    let mut caller = connect(kamailio.port).await;
    invite_with_token(&mut caller, "bob", "alice", &host, &bob, "drop-call-2").await;
    let nobody = answer(&mut caller).await;
    assert!(
        nobody.code == 404 || nobody.code == 480,
        "alice has no registration left: {} {}",
        nobody.code,
        nobody.reason
    );
    server.stop().await;
}

/// Hole 6 at Kamailio: a captured REGISTER Authorization (same nonce, same nc) replayed on
/// another connection, with a new branch and CSeq, is refused (RFC 7616 section 3.4: nc must
/// grow; `nonce_count` with `qop=auth`).
#[tokio::test]
async fn kamailio_refuses_a_replayed_register_authorization() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api.domain_with("kamreplay", &["alice"]).await;
    let (_, token) = mint(&api, &domain_id, eps[0]["id"].as_str().unwrap()).await;
    let host = token.host.clone();
    let kamailio = Kamailio::start(TEST_SECRET, &db_file(dir.path()));

    let mut victim = connect(kamailio.port).await;
    let challenge = transact(&mut victim, register("alice", &host, 1, "replay-1", None)).await;
    assert_eq!(challenge.code, 401);
    let captured = register_credentials(&challenge, &token, &host);
    assert!(
        captured.contains("qop=auth"),
        "qop=auth is used: {captured}"
    );
    let ok = transact(
        &mut victim,
        register("alice", &host, 2, "replay-1", Some(&captured)),
    )
    .await;
    assert_eq!(ok.code, 200, "the original REGISTER is accepted");

    let mut attacker = connect(kamailio.port).await;
    let replayed = transact(
        &mut attacker,
        register("alice", &host, 3, "replay-1", Some(&captured)),
    )
    .await;
    assert!(
        replayed.code == 401 || replayed.code == 403,
        "a replayed Authorization is refused, got {} {}",
        replayed.code,
        replayed.reason
    );
    server.stop().await;
}

/// `name="value"` (or `name=value`) from a challenge header value.
fn challenge_param(header: &str, name: &str) -> String {
    let at = header
        .find(&format!("{name}="))
        .unwrap_or_else(|| panic!("{name} in {header}"));
    let rest = &header[at + name.len() + 1..];
    match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next().unwrap().to_owned(),
        None => rest.split(',').next().unwrap().trim().to_owned(),
    }
}

/// Hole 6, for answers without `qop` (RFC 2617 compatibility, which the challenge still
/// allows): such an answer has no nc to track, so its nonce may be used once only
/// (`one_time_nonce`); a replay of it is refused.
#[tokio::test]
async fn kamailio_refuses_a_replayed_authorization_without_qop() {
    use md5::{Digest, Md5};
    let md5 = |s: String| {
        Md5::digest(s.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api.domain_with("kamnoqop", &["alice"]).await;
    let (_, token) = mint(&api, &domain_id, eps[0]["id"].as_str().unwrap()).await;
    let host = token.host.clone();
    let kamailio = Kamailio::start(TEST_SECRET, &db_file(dir.path()));

    let mut victim = connect(kamailio.port).await;
    let challenge = transact(&mut victim, register("alice", &host, 1, "noqop-1", None)).await;
    assert_eq!(challenge.code, 401);
    let header = challenge
        .headers
        .get(&bwclient_sip::HeaderName::WWW_AUTHENTICATE)
        .expect("WWW-Authenticate")
        .to_owned();
    let (realm, nonce) = (
        challenge_param(&header, "realm"),
        challenge_param(&header, "nonce"),
    );
    let (user, uri) = (token.digest_username(), format!("sip:{host}"));
    let ha1 = md5(format!("{user}:{realm}:{}", token.digest_password()));
    let ha2 = md5(format!("REGISTER:{uri}"));
    let response = md5(format!("{ha1}:{nonce}:{ha2}"));
    let captured = format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", \
         response=\"{response}\", algorithm=MD5"
    );
    let ok = transact(
        &mut victim,
        register("alice", &host, 2, "noqop-1", Some(&captured)),
    )
    .await;
    assert_eq!(ok.code, 200, "the original REGISTER (no qop) is accepted");

    let mut attacker = connect(kamailio.port).await;
    let replayed = transact(
        &mut attacker,
        register("alice", &host, 3, "noqop-1", Some(&captured)),
    )
    .await;
    assert!(
        replayed.code == 401 || replayed.code == 403,
        "a replayed Authorization without qop is refused, got {} {}",
        replayed.code,
        replayed.reason
    );
    server.stop().await;
}
