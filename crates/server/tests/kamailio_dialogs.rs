//! Hole 2 at Kamailio: in-dialog requests are relayed only for dialogs the profile itself
//! record-routed, only from one of the dialog's two recorded flows and only to the other one.
//! A client that writes a Route to Kamailio and a Contact alias naming another phone's
//! connection into a request with a To-tag gets 403/404 and nothing reaches that phone.
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

/// An in-dialog request as a hostile client writes it: Route to Kamailio, R-URI with an alias
/// naming the flow `alias_port` (another phone's WebSocket connection).
#[allow(clippy::too_many_arguments)]
fn forged(
    method: &str,
    kamailio_port: u16,
    alias_port: u16,
    host: &str,
    call_id: &str,
    from_tag: &str,
    to_tag: &str,
    cseq: u32,
) -> String {
    format!(
        "{method} sip:alice@victim.invalid;transport=ws;alias=127.0.0.1~{alias_port}~5 SIP/2.0\r\n\
         Via: SIP/2.0/WS mallory.invalid;branch=z9hG4bKforged{method}{cseq}\r\n\
         Max-Forwards: 70\r\n\
         Route: <sip:127.0.0.1:{kamailio_port};transport=ws;lr>\r\n\
         From: <sip:bob@{host}>;tag={from_tag}\r\n\
         To: <sip:alice@{host}>;tag={to_tag}\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} {method}\r\n\
         Contact: <sip:mallory@mallory.invalid;transport=ws>\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

async fn tokens(api: &Api, domain: &str) -> (String, Token, Token) {
    let (domain_id, eps) = api.domain_with(domain, &["alice", "bob"]).await;
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
    let bob = minted.pop().unwrap();
    let alice = minted.pop().unwrap();
    (alice.host.clone(), alice, bob)
}

#[tokio::test]
async fn kamailio_refuses_forged_in_dialog_requests_and_relays_real_ones() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (host, alice_token, bob_token) = tokens(&api, "kamdlg").await;
    let kamailio = Kamailio::start(TEST_SECRET, &dir.path().join("data/bwclient.db"));

    let mut alice = connect(kamailio.port).await;
    let ok = register_with_token(&mut alice, "alice", &host, &alice_token, "dlg-alice").await;
    assert_eq!(ok.code, 200);
    let alice_port = local_port(&alice);

    // 1. No dialog at all: an unauthenticated client aims a request with a To-tag at alice.
    let mut mallory = connect(kamailio.port).await;
    for (n, method) in ["INVITE", "MESSAGE", "BYE"].into_iter().enumerate() {
        let text = forged(
            method,
            kamailio.port,
            alice_port,
            &host,
            "no-such-dialog",
            "f1",
            "t1",
            n as u32 + 1,
        );
        let refused = transact(&mut mallory, text).await;
        assert!(
            refused.code == 403 || refused.code == 404,
            "a forged in-dialog {method} is refused, got {} {}",
            refused.code,
            refused.reason
        );
    }

    // 2. A real dialog bob → alice through Kamailio.
    let mut bob = connect(kamailio.port).await;
    invite_with_token(&mut bob, "bob", "alice", &host, &bob_token, "dlg-call").await;
    let invite = next_request_text(&mut alice).await;
    assert!(
        invite.starts_with("INVITE ") && invite.contains("dlg-call"),
        "alice's first request is bob's INVITE, nothing forged came before it:\n{invite}"
    );
    assert!(
        !invite.contains("Proxy-Authorization"),
        "no credential crosses the proxy:\n{invite}"
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
    assert_eq!(ok.code, 200, "bob's call is answered");
    let route: Vec<String> = ok
        .headers
        .get_all(&HeaderName::RECORD_ROUTE)
        .map(|v| v.to_string())
        .collect();
    let alice_target = ok
        .headers
        .get(&HeaderName::CONTACT)
        .map(|v| {
            v.trim()
                .trim_start_matches('<')
                .split('>')
                .next()
                .unwrap()
                .to_owned()
        })
        .expect("the 200 has alice's Contact (with Kamailio's alias)");

    // 3. The dialog's identifiers, used by someone who is not one of its two flows.
    let text = forged(
        "BYE",
        kamailio.port,
        alice_port,
        &host,
        "dlg-call",
        "invbob",
        "alicetag",
        99,
    );
    let refused = transact(&mut mallory, text).await;
    assert!(
        refused.code == 403 || refused.code == 404,
        "a BYE forged into a real dialog is refused, got {} {}",
        refused.code,
        refused.reason
    );

    // 4. bob's own BYE, along the route set, reaches alice: the first request she gets after the
    //    INVITE (the forged ones never arrived).
    let route_header = route
        .iter()
        .map(|r| format!("Route: {r}\r\n"))
        .collect::<String>();
    let bye = format!(
        "BYE {alice_target} SIP/2.0\r\n\
         Via: SIP/2.0/WS b0b.invalid;branch=z9hG4bKbyebob\r\n\
         Max-Forwards: 70\r\n\
         {route_header}\
         From: <sip:bob@{host}>;tag=invbob\r\n\
         To: <sip:alice@{host}>;tag=alicetag\r\n\
         Call-ID: dlg-call\r\n\
         CSeq: 3 BYE\r\n\
         Content-Length: 0\r\n\r\n"
    );
    bob.send(WsMessage::text(bye)).await.unwrap();
    let got = next_request_text(&mut alice).await;
    assert!(
        got.starts_with("BYE ") && got.contains("CSeq: 3 BYE"),
        "alice receives bob's BYE, and nothing forged before it:\n{got}"
    );
    server.stop().await;
}
