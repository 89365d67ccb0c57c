//! Issue 12, item 1: the SIP side reads an in-memory view of the database, and that view is
//! exact — each kind of REST write is visible to SIP the moment its REST answer arrives (no
//! polling, no cache expiry to wait for). Against the whole server (REST + SQLite + SIP over
//! a real WebSocket): create and delete an endpoint, mint and revoke a token, add and remove a
//! number, disable and enable an endpoint; and the view a restart loads from the file.

mod common;
mod sip_common;

use bwclient_server::app::RunningServer;
use bwclient_server::config::Config;
use common::{config, start_with, Api, TEST_SECRET};
use reqwest::Method;
use serde_json::json;
use sip_common::{Client, HOST};

/// A server whose realm makes domain `acme` the SIP host `acme.sip.test` (`sip_common::HOST`),
/// with endpoint `bob` registered (the caller of the number tests).
struct Fixture {
    server: RunningServer,
    api: Api,
    dir: tempfile::TempDir,
    domain_id: String,
    bob_id: String,
}

fn server_config(dir: &std::path::Path) -> Config {
    Config {
        token_secret: Some(TEST_SECRET.to_owned()),
        realm: "sip.test".to_owned(),
        ..config(dir)
    }
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(server_config(dir.path())).await;
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api.domain_with("acme", &["bob"]).await;
    Fixture {
        bob_id: eps[0]["id"].as_str().unwrap().to_owned(),
        server,
        api,
        dir,
        domain_id,
    }
}

impl Fixture {
    fn endpoint_path(&self, id: &str) -> String {
        format!("/domains/{}/endpoints/{id}", self.domain_id)
    }

    async fn create_endpoint(&self, name: &str) -> String {
        let res = self
            .api
            .post(
                &format!("/domains/{}/endpoints", self.domain_id),
                json!({ "name": name }),
            )
            .await;
        assert_eq!(res.status, 201, "{:?}", res.json);
        res.json["id"].as_str().unwrap().to_owned()
    }

    /// A token for the endpoint. Two minted in the same second with the same lifetime are
    /// the same credential: pass different `lifetime`s for distinct ones.
    async fn mint_for(&self, endpoint_id: &str, lifetime: u64) -> String {
        let res = self
            .api
            .post(
                &format!("{}/tokens", self.endpoint_path(endpoint_id)),
                json!({ "expires": lifetime }),
            )
            .await;
        assert_eq!(res.status, 201, "{:?}", res.json);
        res.json["token"].as_str().unwrap().to_owned()
    }

    async fn mint(&self, endpoint_id: &str) -> String {
        self.mint_for(endpoint_id, 3600).await
    }

    async fn set_enabled(&self, endpoint_id: &str, enabled: bool) {
        let res = self
            .api
            .send(
                Method::PATCH,
                &self.api.user_path(&self.endpoint_path(endpoint_id)),
                Some(json!({ "enabled": enabled }).to_string().into_bytes()),
            )
            .await;
        assert_eq!(res.status, 200, "{:?}", res.json);
    }

    /// REGISTER as `user` with `token` on a fresh connection: the response code and reason.
    async fn register(&self, user: &str, token: &str) -> (u16, String) {
        let mut phone = Client::connect(&self.server.ws_url, user).await;
        let call_id = phone.fresh();
        let extra = format!("X-Callsign-Token: {token}\r\n");
        let text = phone.register_text(HOST, 600, &call_id, 1, &extra);
        phone.send(&text).await;
        match phone.recv().await {
            bwclient_sip::Message::Response(r) => (r.code, r.reason.clone()),
            other => panic!("expected a response, got:\n{other}"),
        }
    }
}

/// `caller` (authenticated by `token`) INVITEs `target`@HOST: the final response's code.
async fn invite(caller: &mut Client, target: &str, token: &str) -> u16 {
    let call_id = caller.fresh();
    let tag = caller.fresh();
    let extra = format!("X-Callsign-Token: {token}\r\n");
    let text = caller.invite_text(&format!("sip:{target}@{HOST}"), &call_id, &tag, &extra);
    caller.send(&text).await;
    loop {
        match caller.recv().await {
            bwclient_sip::Message::Response(r) if r.code == 100 => continue,
            bwclient_sip::Message::Response(r) => return r.code,
            other => panic!("expected a response, got:\n{other}"),
        }
    }
}

async fn endpoint_and_token_writes_are_visible_to_sip_at_once() {
    let f = fixture().await;
    // Create endpoint + mint token: the very next REGISTER is accepted.
    let carol = f.create_endpoint("carol").await;
    let token = f.mint(&carol).await;
    assert_eq!(f.register("carol", &token).await.0, 200);

    // Disable: refused at once; enable: accepted at once.
    f.set_enabled(&carol, false).await;
    assert_eq!(
        f.register("carol", &token).await,
        (403, "Forbidden: endpoint disabled".to_owned())
    );
    f.set_enabled(&carol, true).await;
    assert_eq!(f.register("carol", &token).await.0, 200);

    // Revoke the token: refused at once; another token of carol still works.
    let other = f.mint_for(&carol, 7200).await;
    let path = format!("{}/tokens/{token}", f.endpoint_path(&carol));
    assert_eq!(f.api.delete(&path).await.status, 200);
    assert_eq!(
        f.register("carol", &token).await,
        (403, "Forbidden: token revoked".to_owned())
    );
    assert_eq!(f.register("carol", &other).await.0, 200);

    // Delete the endpoint: its tokens are refused at once, and stay refused when an endpoint
    // of the same name is created again.
    assert_eq!(f.api.delete(&f.endpoint_path(&carol)).await.status, 200);
    assert_eq!(f.register("carol", &other).await.0, 403);
    let again = f.create_endpoint("carol").await;
    assert_eq!(
        f.register("carol", &other).await,
        (403, "Forbidden: token revoked".to_owned())
    );
    let fresh = f.mint(&again).await;
    assert_eq!(f.register("carol", &fresh).await.0, 200);
    f.server.stop().await;
}

async fn number_writes_are_visible_to_sip_at_once() {
    let f = fixture().await;
    let bob_token = f.mint(&f.bob_id).await;
    let mut bob = Client::connect(&f.server.ws_url, "bob").await;
    bob.register_with_token(&bob_token).await;
    let carol = f.create_endpoint("carol").await;
    let dialled = "+15550001234";

    // Unassigned: 404. Assigned to carol (not registered): 480, at once.
    assert_eq!(invite(&mut bob, dialled, &bob_token).await, 404);
    let res = f
        .api
        .post(
            "/phoneNumbers",
            json!({ "number": dialled, "endpointId": carol }),
        )
        .await;
    assert_eq!(res.status, 201, "{:?}", res.json);
    assert_eq!(invite(&mut bob, dialled, &bob_token).await, 480);
    // Removed: 404 again, at once.
    assert_eq!(
        f.api
            .delete(&format!(
                "/phoneNumbers/{}",
                res.json["id"].as_str().unwrap()
            ))
            .await
            .status,
        200
    );
    assert_eq!(invite(&mut bob, dialled, &bob_token).await, 404);

    // A number goes with its endpoint.
    let res = f
        .api
        .post(
            "/phoneNumbers",
            json!({ "number": dialled, "endpointId": carol }),
        )
        .await;
    assert_eq!(res.status, 201, "{:?}", res.json);
    assert_eq!(f.api.delete(&f.endpoint_path(&carol)).await.status, 200);
    assert_eq!(invite(&mut bob, dialled, &bob_token).await, 404);
    f.server.stop().await;
}

async fn a_restart_loads_the_view_from_the_database() {
    let f = fixture().await;
    let carol = f.create_endpoint("carol").await;
    let kept = f.mint(&carol).await;
    let revoked = f.mint_for(&carol, 7200).await;
    let path = format!("{}/tokens/{revoked}", f.endpoint_path(&carol));
    assert_eq!(f.api.delete(&path).await.status, 200);
    let Fixture { server, dir, .. } = f;
    server.stop().await;

    let server = start_with(server_config(dir.path())).await;
    let g = Fixture {
        api: Api::new(&server, &server.user),
        server,
        dir,
        domain_id: String::new(),
        bob_id: String::new(),
    };
    assert_eq!(g.register("carol", &kept).await.0, 200);
    assert_eq!(
        g.register("carol", &revoked).await,
        (403, "Forbidden: token revoked".to_owned())
    );
    g.server.stop().await;
}

// SQLite and PostgreSQL (`common::on_both_backends`).
crate::on_both_backends!(
    endpoint_and_token_writes_are_visible_to_sip_at_once,
    number_writes_are_visible_to_sip_at_once,
    a_restart_loads_the_view_from_the_database,
);
