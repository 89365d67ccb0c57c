//! Issue 13 item 1: two Kamailio nodes (`deploy/kamailio/run.sh` with `KAM_LISTEN_ADDR` and
//! `KAM_DMQ_PEERS`, on 127.0.0.2 and 127.0.0.3) share registrations with DMQ (`dmq_usrloc`),
//! each stored with a Path (RFC 3327) naming the node that holds the phone's WebSocket; a call
//! from a phone on one node reaches a phone on the other, and in-dialog requests follow. When a
//! node dies, a phone that registers again on the other node with the same `+sip.instance`
//! receives its calls' in-dialog requests there (RFC 5626 flow recovery): the call's parties
//! are replicated to every node, which finds the far end's current flow by its instance.
//! Everything speaks raw SIP over real WebSockets to real Kamailio processes.

mod common;
mod kamailio_common;

use std::time::Duration;

use bwclient_sip::token::Token;
use bwclient_sip::HeaderName;
use common::{start, Api, TEST_SECRET};
use futures_util::SinkExt;
use kamailio_common::*;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message as WsMessage;

const ALICE_INSTANCE: &str = "urn:uuid:3c1e6a3c-5b7f-4c8e-9a21-3f4b5c6d7e8f";
const BOB_INSTANCE: &str = "urn:uuid:4a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
const MALLORY_INSTANCE: &str = "urn:uuid:51111111-2222-4333-8444-555555555555";

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

/// An in-dialog request of the call `call_id` from bob (tag `invbob`) to alice (tag
/// `alicetag`) or back (`from_bob` false), to `target` along `routes`.
fn in_dialog(
    method: &str,
    target: &str,
    routes: &[String],
    host: &str,
    call_id: &str,
    cseq: u32,
    from_bob: bool,
) -> String {
    let route_header: String = routes.iter().map(|r| format!("Route: {r}\r\n")).collect();
    let (from, to) = if from_bob {
        (
            format!("<sip:bob@{host}>;tag=invbob"),
            format!("<sip:alice@{host}>;tag=alicetag"),
        )
    } else {
        (
            format!("<sip:alice@{host}>;tag=alicetag"),
            format!("<sip:bob@{host}>;tag=invbob"),
        )
    };
    format!(
        "{method} {target} SIP/2.0\r\n\
         Via: SIP/2.0/WS c1u.invalid;branch=z9hG4bK{method}{cseq}{from_bob}\r\n\
         Max-Forwards: 70\r\n\
         {route_header}\
         From: {from}\r\n\
         To: {to}\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} {method}\r\n\
         Contact: <sip:x@c1u.invalid;transport=ws>\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

/// The first request on `ws` (within 5 s), answered 200 OK with alice's tag.
async fn answer_ok(ws: &mut Ws, method: &str) -> String {
    let req = next_request_text(ws).await;
    assert!(
        req.starts_with(&format!("{method} ")),
        "expected {method}:\n{req}"
    );
    let ok = response_to(
        &req,
        "200 OK",
        "alicetag",
        "sip:alice@alice.invalid;transport=ws",
    )
    .replace(";tag=alicetag;tag=alicetag", ";tag=alicetag");
    ws.send(WsMessage::text(ok)).await.unwrap();
    req
}

async fn register(ws: &mut Ws, user: &str, host: &str, token: &Token, cid: &str, inst: &str) {
    let ok = register_instance_with_token(ws, user, host, token, cid, Some(inst)).await;
    assert_eq!(ok.code, 200, "{user} registers ({})", ok.reason);
}

#[tokio::test]
async fn kamailio_cluster_routes_a_call_across_nodes_and_follows_a_phone_to_the_surviving_node() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (host, minted) = tokens(&api, "kamcl", &["alice", "bob", "mallory"]).await;
    let (alice_token, bob_token, mallory_token) = (&minted[0], &minted[1], &minted[2]);
    let db = dir.path().join("data/bwclient.db");
    let (a_port, b_port) = (free_port("127.0.0.2"), free_port("127.0.0.3"));
    let node_a = Kamailio::start_node(
        TEST_SECRET,
        &db,
        "127.0.0.2",
        a_port,
        &format!("127.0.0.3:{b_port}"),
    );
    let node_b = Kamailio::start_node(
        TEST_SECRET,
        &db,
        "127.0.0.3",
        b_port,
        &format!("127.0.0.2:{a_port}"),
    );

    // 1. alice registers on node A, bob on node B (each with its +sip.instance).
    let mut alice = connect_to("127.0.0.2", a_port).await;
    register(
        &mut alice,
        "alice",
        &host,
        alice_token,
        "cl-alice",
        ALICE_INSTANCE,
    )
    .await;
    let mut bob = connect_to("127.0.0.3", b_port).await;
    register(&mut bob, "bob", &host, bob_token, "cl-bob", BOB_INSTANCE).await;

    // 2. bob (on B) calls alice (on A): B knows her registration through DMQ and sends the
    //    INVITE to A along her Path; A delivers it on her WebSocket. (Until the replication
    //    arrives, B answers 404: retried with a new Call-ID.)
    let mut call_id = String::new();
    let mut invite = String::new();
    for attempt in 0..50 {
        call_id = format!("cl-call-{attempt}");
        invite_with_token(&mut bob, "bob", "alice", &host, bob_token, &call_id).await;
        match tokio::time::timeout(Duration::from_millis(3000), next_request_text(&mut alice)).await
        {
            Ok(req) => {
                invite = req;
                break;
            }
            Err(_) => {
                let r = answer(&mut bob).await;
                assert!(
                    r.code == 404 || r.code == 480,
                    "unexpected {} {}",
                    r.code,
                    r.reason
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    assert!(
        invite.starts_with("INVITE ") && invite.contains(&call_id),
        "alice on node A receives bob's INVITE from node B:\n{invite}"
    );
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
    assert_eq!(ok.code, 200, "bob's call is answered across nodes");
    let mut routes: Vec<String> = ok
        .headers
        .get_all(&HeaderName::RECORD_ROUTE)
        .map(|v| v.to_string())
        .collect();
    routes.reverse(); // RFC 3261 section 12.1.2: the UAC's route set
    assert!(
        routes.iter().any(|r| r.contains("127.0.0.2"))
            && routes.iter().any(|r| r.contains("127.0.0.3")),
        "both nodes record-route: {routes:?}"
    );
    let alice_target = ok
        .headers
        .get(&HeaderName::CONTACT)
        .map(|v| {
            let v = v.trim().trim_start_matches('<');
            v.split('>').next().unwrap().to_owned()
        })
        .expect("the 200 has alice's Contact");

    // 3. In-dialog requests follow: bob's ACK and an INFO reach alice, her 200 reaches bob.
    bob.send(WsMessage::text(in_dialog(
        "ACK",
        &alice_target,
        &routes,
        &host,
        &call_id,
        2,
        true,
    )))
    .await
    .unwrap();
    let ack = next_request_text(&mut alice).await;
    assert!(ack.starts_with("ACK "), "alice receives bob's ACK:\n{ack}");
    bob.send(WsMessage::text(in_dialog(
        "INFO",
        &alice_target,
        &routes,
        &host,
        &call_id,
        3,
        true,
    )))
    .await
    .unwrap();
    answer_ok(&mut alice, "INFO").await;
    assert_eq!(
        answer(&mut bob).await.code,
        200,
        "alice's 200 to the INFO reaches bob"
    );

    // 4. Node A dies with alice's WebSocket. She connects to node B and registers again with
    //    the same AOR and instance; mallory registers on B too.
    node_a.stop();
    drop(alice);
    let mut alice = connect_to("127.0.0.3", b_port).await;
    register(
        &mut alice,
        "alice",
        &host,
        alice_token,
        "cl-alice2",
        ALICE_INSTANCE,
    )
    .await;
    let mut mallory = connect_to("127.0.0.3", b_port).await;
    register(
        &mut mallory,
        "mallory",
        &host,
        mallory_token,
        "cl-mallory",
        MALLORY_INSTANCE,
    )
    .await;

    // 5. mallory's BYE with the call's identifiers (as bob) is refused: her connection carries
    //    no registration of either party.
    let refused = transact(
        &mut mallory,
        in_dialog("BYE", &alice_target, &routes, &host, &call_id, 4, true),
    )
    .await;
    assert_eq!(refused.code, 403, "{}", refused.reason);

    // 6. bob's re-INVITE, along the route set that names dead node A and to alice's Contact
    //    whose alias names her dead connection, reaches her new connection on B, first.
    bob.send(WsMessage::text(in_dialog(
        "INVITE",
        &alice_target,
        &routes,
        &host,
        &call_id,
        5,
        true,
    )))
    .await
    .unwrap();
    let reinvite = answer_ok(&mut alice, "INVITE").await;
    assert!(reinvite.contains("CSeq: 5 INVITE"), "{reinvite}");
    assert_eq!(
        answer(&mut bob).await.code,
        200,
        "alice answers the re-INVITE on her new flow"
    );
    bob.send(WsMessage::text(in_dialog(
        "ACK",
        &alice_target,
        &routes,
        &host,
        &call_id,
        5,
        true,
    )))
    .await
    .unwrap();
    assert!(next_request_text(&mut alice).await.starts_with("ACK "));

    // 7. alice's BYE from her new connection (her route set names A first) reaches bob.
    let mut alice_routes = routes.clone();
    alice_routes.reverse();
    alice
        .send(WsMessage::text(in_dialog(
            "BYE",
            "sip:bob@b0b.invalid;transport=ws",
            &alice_routes,
            &host,
            &call_id,
            1,
            false,
        )))
        .await
        .unwrap();
    let bye = next_request_text(&mut bob).await;
    assert!(
        bye.starts_with("BYE ") && bye.contains(&call_id),
        "bob receives alice's BYE:\n{bye}"
    );
    bob.send(WsMessage::text(
        response_to(&bye, "200 OK", "", "sip:bob@b0b.invalid;transport=ws")
            .replace(";tag=invbob;tag=", ";tag=invbob"),
    ))
    .await
    .unwrap();
    assert_eq!(
        answer(&mut alice).await.code,
        200,
        "bob's 200 to the BYE reaches alice"
    );
    drop(node_b);
    server.stop().await;
}

/// The node that dies held both phones of a call: node B never saw the call, but knows its
/// parties (the replicated table), so once both phones register on B their in-dialog requests
/// reach each other there.
#[tokio::test]
async fn kamailio_cluster_recovers_a_call_whose_two_phones_were_on_the_dead_node() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (host, minted) = tokens(&api, "kamcl2", &["alice", "bob"]).await;
    let (alice_token, bob_token) = (&minted[0], &minted[1]);
    let db = dir.path().join("data/bwclient.db");
    let (a_port, b_port) = (free_port("127.0.0.2"), free_port("127.0.0.3"));
    let node_a = Kamailio::start_node(
        TEST_SECRET,
        &db,
        "127.0.0.2",
        a_port,
        &format!("127.0.0.3:{b_port}"),
    );
    let node_b = Kamailio::start_node(
        TEST_SECRET,
        &db,
        "127.0.0.3",
        b_port,
        &format!("127.0.0.2:{a_port}"),
    );

    // 1. Both on A; bob calls alice; answered; ACK and INFO pass.
    let mut alice = connect_to("127.0.0.2", a_port).await;
    register(
        &mut alice,
        "alice",
        &host,
        alice_token,
        "c2-alice",
        ALICE_INSTANCE,
    )
    .await;
    let mut bob = connect_to("127.0.0.2", a_port).await;
    register(&mut bob, "bob", &host, bob_token, "c2-bob", BOB_INSTANCE).await;
    let call_id = "c2-call";
    invite_with_token(&mut bob, "bob", "alice", &host, bob_token, call_id).await;
    let invite = next_request_text(&mut alice).await;
    assert!(
        invite.starts_with("INVITE ") && invite.contains(call_id),
        "{invite}"
    );
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
    assert_eq!(ok.code, 200);
    let mut routes: Vec<String> = ok
        .headers
        .get_all(&HeaderName::RECORD_ROUTE)
        .map(|v| v.to_string())
        .collect();
    routes.reverse();
    let alice_target = "sip:alice@alice.invalid;transport=ws";
    bob.send(WsMessage::text(in_dialog(
        "ACK",
        alice_target,
        &routes,
        &host,
        call_id,
        2,
        true,
    )))
    .await
    .unwrap();
    assert!(next_request_text(&mut alice).await.starts_with("ACK "));
    bob.send(WsMessage::text(in_dialog(
        "INFO",
        alice_target,
        &routes,
        &host,
        call_id,
        3,
        true,
    )))
    .await
    .unwrap();
    answer_ok(&mut alice, "INFO").await;
    assert_eq!(answer(&mut bob).await.code, 200);

    // 2. A dies; both phones register on B, which never saw the call.
    node_a.stop();
    drop((alice, bob));
    let mut alice = connect_to("127.0.0.3", b_port).await;
    register(
        &mut alice,
        "alice",
        &host,
        alice_token,
        "c2-alice2",
        ALICE_INSTANCE,
    )
    .await;
    let mut bob = connect_to("127.0.0.3", b_port).await;
    register(&mut bob, "bob", &host, bob_token, "c2-bob2", BOB_INSTANCE).await;

    // 3. bob's re-INVITE (route set naming only dead A) reaches alice on B; her BYE reaches him.
    bob.send(WsMessage::text(in_dialog(
        "INVITE",
        alice_target,
        &routes,
        &host,
        call_id,
        4,
        true,
    )))
    .await
    .unwrap();
    answer_ok(&mut alice, "INVITE").await;
    assert_eq!(
        answer(&mut bob).await.code,
        200,
        "the re-INVITE is answered on B"
    );
    let mut alice_routes = routes.clone();
    alice_routes.reverse();
    alice
        .send(WsMessage::text(in_dialog(
            "BYE",
            "sip:bob@b0b.invalid;transport=ws",
            &alice_routes,
            &host,
            call_id,
            1,
            false,
        )))
        .await
        .unwrap();
    let bye = next_request_text(&mut bob).await;
    assert!(
        bye.starts_with("BYE ") && bye.contains(call_id),
        "bob receives alice's BYE:\n{bye}"
    );
    drop(node_b);
    server.stop().await;
}
