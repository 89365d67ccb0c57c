//! Everything survives a restart on the same data folder; demo mode is idempotent.

mod common;

use bwclient_server::app::SecretSource;
use bwclient_server::config::Config;
use bwclient_server::db::now_unix;
use bwclient_server::demo::DemoToken;
use bwclient_server::directory::Directory;
use bwclient_server::token_auth::{check_token, TokenCheckError};
use bwclient_sip::token::Token;
use common::{config, start_with, Api};
use reqwest::Method;
use serde_json::json;

async fn restart_keeps_resources_credentials_secret_and_revocations() {
    let dir = tempfile::tempdir().unwrap();
    // No configured secret or credentials: both are generated on the first start.
    let first = start_with(config(dir.path())).await;
    assert_eq!(first.secret_source, SecretSource::Stored);
    let api = Api::new(&first, &first.user);
    let mut app = api
        .create(
            "/applications",
            json!({ "name": "calls", "incomingCallUrl": "http://127.0.0.1:9/" }),
        )
        .await;
    // Shown at creation only (GET never returns it).
    app.as_object_mut().unwrap().remove("callbackSecret");
    let (domain_id, eps) = api.domain_with("acme", &["alice", "bob"]).await;
    let alice_id = eps[0]["id"].as_str().unwrap().to_owned();
    let number = api
        .create(
            "/phoneNumbers",
            json!({ "number": "+12223334444", "endpointId": alice_id }),
        )
        .await;
    let tokens = format!("/domains/{domain_id}/endpoints/{alice_id}/tokens");
    let kept = api.create(&tokens, json!({})).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked = api.create(&tokens, json!({ "expires": 120 })).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(api.delete(&format!("{tokens}/{revoked}")).await.status, 200);
    let user = first.user.clone();
    let snapshot = [
        api.get("/applications").await.json,
        api.get("/domains").await.json,
        api.get(&format!("/domains/{domain_id}/endpoints"))
            .await
            .json,
        api.get("/phoneNumbers").await.json,
    ];
    first.stop().await;

    let second = start_with(config(dir.path())).await;
    assert_eq!(
        (
            &second.user.id,
            &second.user.api_token,
            &second.user.api_secret_hash
        ),
        (&user.id, &user.api_token, &user.api_secret_hash),
        "same API credentials"
    );
    assert_eq!(
        second.user.api_secret, None,
        "stored hashed: not known after a restart"
    );
    let api = Api {
        base: second.base_url(),
        ..api
    };
    let again = [
        api.get("/applications").await.json,
        api.get("/domains").await.json,
        api.get(&format!("/domains/{domain_id}/endpoints"))
            .await
            .json,
        api.get("/phoneNumbers").await.json,
    ];
    assert_eq!(again, snapshot);
    assert_eq!(again[0][0], app);
    assert_eq!(again[3][0], number);
    // The generated secret was kept: tokens minted before the restart still verify…
    let dir_ = second.directory.as_ref();
    assert_eq!(check_token(dir_, &kept, now_unix()).unwrap().id, alice_id);
    // …and revocations were kept too.
    assert_eq!(
        check_token(dir_, &revoked, now_unix()),
        Err(TokenCheckError::Revoked)
    );
    assert_eq!(
        second
            .directory
            .endpoint_by_number("+12223334444")
            .unwrap()
            .id,
        alice_id
    );
    second.stop().await;
}

async fn configured_credentials_and_secret_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(Config {
        token_secret: Some("test-only-configured-secret-0123456789".into()),
        api_credentials: Some(("test-token".into(), "test-only-api-secret".into())),
        public_ws_urls: vec![
            "wss://sip.example.test/sip".into(),
            "wss://sip2.example.test:8443/sip".into(),
        ],
        realm: "example.test".into(),
        ..config(dir.path())
    })
    .await;
    assert_eq!(server.secret_source, SecretSource::Config);
    assert_eq!(server.user.api_token, "test-token");
    assert_eq!(
        server.directory.token_secret(),
        b"test-only-configured-secret-0123456789"
    );
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api.domain_with("acme", &["alice"]).await;
    assert_eq!(eps[0]["sipUri"], "alice@acme.example.test");
    let res = api
        .create(
            &format!(
                "/domains/{domain_id}/endpoints/{}/tokens",
                eps[0]["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    let token = Token::parse(res["token"].as_str().unwrap()).unwrap();
    // Every configured URL, in order: the client fails over along this list.
    assert_eq!(
        token.ws_urls,
        [
            "wss://sip.example.test/sip",
            "wss://sip2.example.test:8443/sip"
        ]
    );
    assert_eq!(server.ws_urls, token.ws_urls);
    assert_eq!(token.host, "acme.example.test");
    server.stop().await;
}

async fn demo_mode_is_idempotent_and_hands_out_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let demo_config = || Config {
        demo: true,
        ..config(dir.path())
    };
    let first = start_with(demo_config()).await;
    let demo_user = first.demo.as_ref().unwrap().user.clone();
    first.stop().await;
    let server = start_with(demo_config()).await;
    let demo = server.demo.clone().unwrap();
    assert_eq!(
        (&demo.user.id, &demo.user.api_token),
        (&demo_user.id, &demo_user.api_token)
    );
    // Its secret is stored hashed, so each start sets (and shows) a new one.
    assert!(demo.user.api_secret.is_some());
    assert_ne!(demo.user.api_secret, demo_user.api_secret);
    let api = Api::new(&server, &demo.user);
    let domains = api.get("/domains").await.json;
    assert_eq!(domains.as_array().unwrap().len(), 1);
    assert_eq!(domains[0]["name"], "demo");
    let endpoints = api
        .get(&format!("/domains/{}/endpoints", demo.domain.id))
        .await
        .json;
    let names: Vec<&str> = endpoints
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice", "bob", "carol"]);
    assert_eq!(api.count("/applications").await, 1);
    let numbers = api.get("/phoneNumbers").await.json;
    assert_eq!(numbers.as_array().unwrap().len(), 3);
    assert_eq!(numbers[0]["number"], "+15555550100");
    assert_eq!(numbers[0]["endpointId"], endpoints[0]["id"]);

    // The demo page gets a token without credentials.
    let anonymous = api.with_auth(None);
    for name in ["alice", "bob", "carol"] {
        let res = anonymous
            .send(Method::GET, &format!("/demo/token?endpoint={name}"), None)
            .await;
        assert_eq!(res.status, 200);
        let body: DemoToken = serde_json::from_value(res.json).unwrap();
        assert_eq!(body.sip_uri, format!("{name}@demo.bwclient.test"));
        assert_eq!(body.expires, 86_400);
        let record = check_token(server.directory.as_ref(), &body.token, now_unix()).unwrap();
        assert_eq!(record.user, name);
        assert_eq!(Token::parse(&body.token).unwrap().ws_url(), server.ws_url);
    }
    for query in ["", "?endpoint=mallory", "?endpoint="] {
        let res = anonymous
            .send(Method::GET, &format!("/demo/token{query}"), None)
            .await;
        assert!(matches!(res.status, 400 | 404), "{query}: {}", res.status);
        res.error_code();
    }
    server.stop().await;
}

#[tokio::test]
async fn demo_token_is_404_outside_demo_mode() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(config(dir.path())).await;
    assert!(server.demo.is_none());
    let api = Api::new(&server, &server.user).with_auth(None);
    let res = api
        .send(Method::GET, "/demo/token?endpoint=alice", None)
        .await;
    assert_eq!((res.status, res.error_code()), (404, "not_found"));
    assert!(server.store.user_by_name("demo").unwrap().is_none());
    server.stop().await;
}

// SQLite and PostgreSQL (`common::on_both_backends`).
crate::on_both_backends!(
    restart_keeps_resources_credentials_secret_and_revocations,
    configured_credentials_and_secret_are_used,
    demo_mode_is_idempotent_and_hands_out_tokens,
);
