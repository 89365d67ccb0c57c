//! Issue 13, item 4: "a token revoked through one API instance is refused on both nodes". Two
//! `bwclient-server` instances share one PostgreSQL database (`--database`); two Kamailio nodes
//! of a cluster (`run.sh` with `KAM_LISTEN_ADDR`, `KAM_DMQ_PEERS` and `BWCLIENT_DB_URL`) read it.
//! A token minted through instance one registers at both nodes; revoked through instance two,
//! its registrations at both nodes are dropped (their WebSockets closed) and it registers at
//! neither any more, while another endpoint's token still does. Needs `BWCLIENT_TEST_POSTGRES`
//! (`scripts/test.sh` starts PostgreSQL with `scripts/pg.sh`).

mod common;
mod kamailio_common;

use std::time::Duration;

use bwclient_server::config::Config;
use bwclient_sip::token::Token;
use common::{config, start_with, Api, TEST_SECRET};
use kamailio_common::*;
use serde_json::json;

/// Waits (10 s at most) for `ws` to be closed by the node, skipping SIP messages (pings).
async fn closed(ws: &mut Ws) -> bool {
    loop {
        match next_incoming(ws, Duration::from_secs(10)).await {
            Some(Incoming::Closed) => return true,
            Some(Incoming::Sip(_)) => continue,
            None => return false,
        }
    }
}

#[tokio::test]
async fn a_token_revoked_through_one_api_instance_is_refused_at_both_kamailio_nodes() {
    let Some(url) = common::postgres_url() else {
        return;
    };
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let config_for = |dir: &tempfile::TempDir| Config {
        token_secret: Some(TEST_SECRET.to_owned()),
        database_url: Some(url.clone()),
        ..config(dir.path())
    };
    let one = start_with(config_for(&dirs[0])).await;
    let two = start_with(config_for(&dirs[1])).await;
    let api_one = Api::new(&one, &one.user);
    // The same API user (one database): its credentials, at instance two.
    let api_two = Api::new(&two, &one.user);

    // Tokens minted through instance one.
    let (domain_id, eps) = api_one.domain_with("kamclpg", &["alice", "bob"]).await;
    let id = |i: usize| eps[i]["id"].as_str().unwrap().to_owned();
    let mut minted = Vec::new();
    for i in 0..2 {
        let res = api_one
            .create(
                &format!("/domains/{domain_id}/endpoints/{}/tokens", id(i)),
                json!({}),
            )
            .await;
        let text = res["token"].as_str().unwrap().to_owned();
        minted.push((text.clone(), Token::parse(&text).unwrap()));
    }
    let ((alice_text, alice), (_, bob)) = (&minted[0], &minted[1]);
    let host = alice.host.clone();

    let (a_port, b_port) = (free_port("127.0.0.2"), free_port("127.0.0.3"));
    let db = || ("BWCLIENT_DB_URL", url.clone());
    let node_a = Kamailio::start_node_on(
        TEST_SECRET,
        db(),
        "127.0.0.2",
        a_port,
        &format!("127.0.0.3:{b_port}"),
    );
    let node_b = Kamailio::start_node_on(
        TEST_SECRET,
        db(),
        "127.0.0.3",
        b_port,
        &format!("127.0.0.2:{a_port}"),
    );
    let nodes = [("A", "127.0.0.2", a_port), ("B", "127.0.0.3", b_port)];

    // alice's token registers at both nodes (one connection at each).
    let mut phones = Vec::new();
    for (name, addr, port) in nodes {
        let mut ws = connect_to(addr, port).await;
        let ok = register_with_token(&mut ws, "alice", &host, alice, &format!("cp-{name}-1")).await;
        assert_eq!(
            ok.code, 200,
            "alice's token registers at node {name}: {}",
            ok.reason
        );
        phones.push((name, ws));
    }

    // Revoked through instance two: each node drops alice's registration and closes its
    // WebSocket, and refuses the token from then on; bob's token still registers at both.
    let res = api_two
        .delete(&format!(
            "/domains/{domain_id}/endpoints/{}/tokens/{alice_text}",
            id(0)
        ))
        .await;
    assert_eq!(
        res.status, 200,
        "revoke through instance two: {:?}",
        res.json
    );
    for (name, ws) in &mut phones {
        assert!(
            closed(ws).await,
            "node {name} closes the revoked token's WebSocket"
        );
    }
    for (name, addr, port) in nodes {
        let mut ws = connect_to(addr, port).await;
        let refused =
            register_with_token(&mut ws, "alice", &host, alice, &format!("cp-{name}-2")).await;
        assert_eq!(refused.code, 403, "node {name} refuses the revoked token");
        let mut ws = connect_to(addr, port).await;
        let ok = register_with_token(&mut ws, "bob", &host, bob, &format!("cp-{name}-bob")).await;
        assert_eq!(ok.code, 200, "node {name} still takes bob's token");
    }
    drop((node_a, node_b));
    one.stop().await;
    two.stop().await;
}
