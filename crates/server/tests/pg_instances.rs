//! Issue 13, item 3: several `bwclient-server` instances sharing one PostgreSQL database
//! (`--database`). What one instance writes reaches the others' SIP side (each reloads its
//! in-memory view when another commits: LISTEN/NOTIFY, `db::peers`); a revocation made
//! through one closes the registrations it names at the others; the persisted callback queue
//! is delivered by one instance only. Needs `BWCLIENT_TEST_POSTGRES` (`scripts/test.sh`).

mod common;
mod sip_common;

use bwclient_server::app::RunningServer;
use bwclient_server::config::Config;
use bwclient_server::sip::CLOSE_REVOKED;
use common::{config, start_with, Api, TEST_SECRET};
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::json;
use sip_common::{Client, HOST, WAIT};
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// Two instances on one fresh database (realm `sip.test`: domain `acme` is `HOST`), or `None`
/// without a test PostgreSQL (a developer's plain `cargo test`; `npm test` fails instead).
struct Instances {
    one: RunningServer,
    two: RunningServer,
    url: String,
    _dirs: [tempfile::TempDir; 2],
}

async fn two_instances() -> Option<Instances> {
    let url = common::postgres_url()?;
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let config_for = |dir: &tempfile::TempDir| Config {
        token_secret: Some(TEST_SECRET.to_owned()),
        realm: "sip.test".to_owned(),
        database_url: Some(url.clone()),
        ..config(dir.path())
    };
    let one = start_with(config_for(&dirs[0])).await;
    let two = start_with(config_for(&dirs[1])).await;
    Some(Instances {
        one,
        two,
        url,
        _dirs: dirs,
    })
}

async fn expect_close(phone: &mut Client) -> (u16, String) {
    loop {
        match tokio::time::timeout(WAIT, phone.ws.next()).await {
            Ok(Some(Ok(WsMessage::Close(Some(frame))))) => {
                return (u16::from(frame.code), frame.reason.as_str().to_owned())
            }
            Ok(Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_)))) => continue,
            other => panic!("{}: expected a close frame, got {other:?}", phone.user),
        }
    }
}

/// REGISTER with `token` at `server` on a fresh connection: the status code and reason.
async fn register_fresh(server: &RunningServer, user: &str, token: &str) -> (u16, String) {
    let mut phone = Client::connect(&server.ws_url, user).await;
    let call_id = phone.fresh();
    let header = format!("X-Callsign-Token: {token}\r\n");
    let text = phone.register_text(HOST, 600, &call_id, 1, &header);
    phone.send(&text).await;
    match phone.recv().await {
        bwclient_sip::Message::Response(r) => (r.code, r.reason.clone()),
        other => panic!("expected a response, got:\n{other}"),
    }
}

#[tokio::test]
async fn what_one_instance_writes_and_revokes_holds_at_the_other() {
    let Some(Instances { one, two, url, .. }) = two_instances().await else {
        return;
    };
    // Created and minted through instance one…
    let api = Api::new(&one, &one.user);
    let (domain_id, eps) = api.domain_with("acme", &["alice", "bob", "carol"]).await;
    let endpoint = |i: usize| eps[i]["id"].as_str().unwrap().to_owned();
    let mint = |id: String| {
        let api = api.clone();
        let path = format!("/domains/{domain_id}/endpoints/{id}/tokens");
        async move {
            let res = api.post(&path, json!({})).await;
            assert_eq!(res.status, 201, "{:?}", res.json);
            res.json["token"].as_str().unwrap().to_owned()
        }
    };
    let alice_token = mint(endpoint(0)).await;
    let bob_token = mint(endpoint(1)).await;
    // …registers at instance two at once, without waiting for anything: whether the change
    // notification has reached instance two or is still on its way (a validly signed token
    // its view does not know is then looked up in the database).
    let mut alice = Client::connect(&two.ws_url, "alice").await;
    alice.register_with_token(&alice_token).await;
    let mut bob = Client::connect(&two.ws_url, "bob").await;
    bob.register_with_token(&bob_token).await;

    // Even when the token's change never reaches instance two (its notification trigger off
    // for this mint), the token registers there: looked up in the database at once.
    common::pg_execute(&url, "ALTER TABLE tokens DISABLE TRIGGER tokens_changed");
    let carol_token = mint(endpoint(2)).await;
    common::pg_execute(&url, "ALTER TABLE tokens ENABLE TRIGGER tokens_changed");
    let mut carol = Client::connect(&two.ws_url, "carol").await;
    carol.register_with_token(&carol_token).await;

    // Revoked through instance one: instance two closes the registration made with it and
    // refuses the token from then on.
    let path = format!(
        "/domains/{domain_id}/endpoints/{}/tokens/{alice_token}",
        endpoint(0)
    );
    assert_eq!(api.delete(&path).await.status, 200);
    assert_eq!(
        expect_close(&mut alice).await,
        (CLOSE_REVOKED, "token revoked".to_owned())
    );
    assert_eq!(
        register_fresh(&two, "alice", &alice_token).await,
        (403, "Forbidden: token revoked".to_owned())
    );

    // Disabled through instance one: bob's registration at instance two ends too.
    let path = format!("/domains/{domain_id}/endpoints/{}", endpoint(1));
    let res = api
        .send(
            Method::PATCH,
            &api.user_path(&path),
            Some(json!({ "enabled": false }).to_string().into_bytes()),
        )
        .await;
    assert_eq!(res.status, 200, "{:?}", res.json);
    assert_eq!(
        expect_close(&mut bob).await,
        (CLOSE_REVOKED, "endpoint disabled".to_owned())
    );
    assert_eq!(register_fresh(&two, "bob", &bob_token).await.0, 403);
    one.stop().await;
    two.stop().await;
}

#[tokio::test]
async fn queued_call_events_and_saved_calls_are_claimed_by_one_live_instance_only() {
    let Some(Instances { one, two, url, .. }) = two_instances().await else {
        return;
    };
    let api = Api::new(&one, &one.user);
    let app = api.create("/applications", json!({ "name": "app" })).await;
    let app_id = app["id"].as_str().unwrap();
    // A row of instance one (alive, delivering it) and a row whose owner's session is gone
    // (a crashed instance).
    one.store.queue_callback(1, app_id, "{\"live\":1}").unwrap();
    one.store
        .queue_callback(2, app_id, "{\"orphan\":1}")
        .unwrap();
    common::pg_execute(&url, "UPDATE callback_queue SET owner = '1:1' WHERE id = 2");
    // Instance two (as at its start) claims the orphan only; asked again, nothing is left.
    let claimed: Vec<i64> = two
        .store
        .queued_callbacks()
        .unwrap()
        .iter()
        .map(|q| q.id)
        .collect();
    assert_eq!(claimed, vec![2]);
    assert!(two.store.queued_callbacks().unwrap().is_empty());
    // Instance one does not take its own row again, nor the one instance two now owns.
    assert!(one.store.queued_callbacks().unwrap().is_empty());

    // Saved calls (for their `end` after a restart) likewise: a starting instance takes over
    // the calls of a dead one, never those a live instance routes.
    one.store.save_call("live-call", "{}").unwrap();
    one.store.save_call("orphan-call", "{}").unwrap();
    common::pg_execute(
        &url,
        "UPDATE active_calls SET owner = '1:1' WHERE call_id = 'orphan-call'",
    );
    assert_eq!(
        two.store.saved_calls().unwrap(),
        vec![("orphan-call".to_owned(), "{}".to_owned())]
    );
    assert!(two.store.saved_calls().unwrap().is_empty());
    one.stop().await;
    two.stop().await;
}
