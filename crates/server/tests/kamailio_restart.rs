//! Issue 12 item 3 at Kamailio: a call set up before a Kamailio restart goes on after it, and
//! its dialog stays closed to everyone else. Kamailio keeps registrations and dialogs in its own
//! SQLite file (`run.sh`: `kamailio-state.db`); after the restart each party reconnects on a new
//! WebSocket and registers again with the same AOR and `+sip.instance`. That registration is
//! what makes its new connection a party of the old dialog (RFC 5626 section 5.2), and the far
//! end's new connection is found by its instance (flow recovery, RFC 5626 section 5.3).
//! Kamailio is started for real (`deploy/kamailio/run.sh`); everything speaks raw SIP over real
//! WebSockets.

mod common;
mod kamailio_common;

use bwclient_sip::token::Token;
use bwclient_sip::HeaderName;
use common::{start, Api, TEST_SECRET};
use futures_util::SinkExt;
use kamailio_common::*;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message as WsMessage;

const ALICE_INSTANCE: &str = "urn:uuid:0e1d6a3c-5b7f-4c8e-9a21-3f4b5c6d7e8f";
const BOB_INSTANCE: &str = "urn:uuid:7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
const MALLORY_INSTANCE: &str = "urn:uuid:11111111-2222-4333-8444-555555555555";

/// REST-minted tokens for `names` in a new domain; returns the SIP host and the tokens in order.
async fn tokens(api: &Api, domain: &str, names: &[&str]) -> (String, Vec<Token>) {
    let (domain_id, eps) = api.domain_with(domain, names).await;
    let mut minted = Vec::new();
    for ep in &eps {
        let id = ep["id"].as_str().unwrap();
        let res = api
            .create(
                &format!("/domains/{domain_id}/endpoints/{id}/tokens"),
                json!({}),
            )
            .await;
        minted.push(Token::parse(res["token"].as_str().unwrap()).unwrap());
    }
    (minted[0].host.clone(), minted)
}

/// An in-dialog request of the dialog `call_id` (bob's tag `invbob`, alice's `alicetag`), sent
/// from bob's side to `target` along `routes`.
fn in_dialog(method: &str, target: &str, routes: &[String], host: &str, cseq: u32) -> String {
    let route_header: String = routes.iter().map(|r| format!("Route: {r}\r\n")).collect();
    format!(
        "{method} {target} SIP/2.0\r\n\
         Via: SIP/2.0/WS b0b.invalid;branch=z9hG4bK{method}{cseq}\r\n\
         Max-Forwards: 70\r\n\
         {route_header}\
         From: <sip:bob@{host}>;tag=invbob\r\n\
         To: <sip:alice@{host}>;tag=alicetag\r\n\
         Call-ID: rs-call\r\n\
         CSeq: {cseq} {method}\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

#[tokio::test]
async fn kamailio_routes_an_old_calls_bye_after_a_restart_only_for_its_parties() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (host, minted) = tokens(&api, "kamrs", &["alice", "bob", "mallory"]).await;
    let (alice_token, bob_token, mallory_token) = (&minted[0], &minted[1], &minted[2]);
    let kamailio = Kamailio::start(TEST_SECRET, &dir.path().join("data/bwclient.db"));

    // 1. alice and bob register (each with its +sip.instance); bob calls alice, she answers.
    let mut alice = connect(kamailio.port).await;
    let ok = register_instance_with_token(
        &mut alice,
        "alice",
        &host,
        alice_token,
        "rs-alice",
        Some(ALICE_INSTANCE),
    )
    .await;
    assert_eq!(ok.code, 200);
    let mut bob = connect(kamailio.port).await;
    let ok = register_instance_with_token(
        &mut bob,
        "bob",
        &host,
        bob_token,
        "rs-bob",
        Some(BOB_INSTANCE),
    )
    .await;
    assert_eq!(ok.code, 200);
    invite_with_token(&mut bob, "bob", "alice", &host, bob_token, "rs-call").await;
    let invite = next_request_text(&mut alice).await;
    assert!(invite.starts_with("INVITE ") && invite.contains("rs-call"));
    alice
        .send(WsMessage::text(response_to(
            &invite,
            "200 OK",
            "alicetag",
            "sip:alice@alice.invalid;transport=ws",
        )))
        .await
        .unwrap();
    let ok = answer(&mut bob).await;
    assert_eq!(ok.code, 200, "bob's call is answered");
    let routes: Vec<String> = ok
        .headers
        .get_all(&HeaderName::RECORD_ROUTE)
        .map(|v| v.to_string())
        .collect();
    let alice_target = ok
        .headers
        .get(&HeaderName::CONTACT)
        .map(|v| {
            let v = v.trim().trim_start_matches('<');
            v.split('>').next().unwrap().to_owned()
        })
        .expect("the 200 has alice's Contact (with Kamailio's alias)");
    bob.send(WsMessage::text(in_dialog(
        "ACK",
        &alice_target,
        &routes,
        &host,
        2,
    )))
    .await
    .unwrap();
    let ack = next_request_text(&mut alice).await;
    assert!(ack.starts_with("ACK "), "alice receives bob's ACK:\n{ack}");

    // The dialog reaches Kamailio's state file (written when changed, every second).
    kamailio
        .wait_state(
            "the confirmed dialog",
            "SELECT COUNT(*) FROM dialog WHERE callid = 'rs-call' AND state >= 3",
        )
        .await;

    // 2. Kamailio restarts: every WebSocket dies with it. The parties reconnect and register
    //    again (same AOR and instance); mallory, a registered user of the same domain, too.
    kamailio.restart();
    drop((alice, bob));
    let mut alice = connect(kamailio.port).await;
    let ok = register_instance_with_token(
        &mut alice,
        "alice",
        &host,
        alice_token,
        "rs-alice2",
        Some(ALICE_INSTANCE),
    )
    .await;
    assert_eq!(ok.code, 200);
    let mut bob = connect(kamailio.port).await;
    let ok = register_instance_with_token(
        &mut bob,
        "bob",
        &host,
        bob_token,
        "rs-bob2",
        Some(BOB_INSTANCE),
    )
    .await;
    assert_eq!(ok.code, 200);
    let mut mallory = connect(kamailio.port).await;
    let ok = register_instance_with_token(
        &mut mallory,
        "mallory",
        &host,
        mallory_token,
        "rs-mallory",
        Some(MALLORY_INSTANCE),
    )
    .await;
    assert_eq!(ok.code, 200);

    // 3. mallory sends the old dialog's BYE (its identifiers and route set, as bob): her
    //    connection carries no registration of either party, so it is refused.
    let refused = transact(
        &mut mallory,
        in_dialog("BYE", &alice_target, &routes, &host, 3),
    )
    .await;
    assert_eq!(
        refused.code, 403,
        "a BYE of the old dialog from a non-party after the restart is refused ({})",
        refused.reason
    );
    // An unregistered connection gets the same.
    let mut stranger = connect(kamailio.port).await;
    let refused = transact(
        &mut stranger,
        in_dialog("BYE", &alice_target, &routes, &host, 4),
    )
    .await;
    assert_eq!(refused.code, 403, "{}", refused.reason);

    // 4. bob's BYE from his new connection, along the old route set to alice's old Contact
    //    (whose alias names her dead connection), reaches alice's new connection: the first
    //    request she receives there.
    bob.send(WsMessage::text(in_dialog(
        "BYE",
        &alice_target,
        &routes,
        &host,
        5,
    )))
    .await
    .unwrap();
    let bye = next_request_text(&mut alice).await;
    assert!(
        bye.starts_with("BYE ") && bye.contains("CSeq: 5 BYE"),
        "alice receives bob's BYE after the restart, and nothing forged before it:\n{bye}"
    );
    alice
        .send(WsMessage::text(
            response_to(
                &bye,
                "200 OK",
                "alicetag",
                "sip:alice@alice.invalid;transport=ws",
            )
            .replace(";tag=alicetag;tag=alicetag", ";tag=alicetag"),
        ))
        .await
        .unwrap();
    let done = answer(&mut bob).await;
    assert_eq!(done.code, 200, "bob's BYE is answered by alice");
    server.stop().await;
}
