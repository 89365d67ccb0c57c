//! Bad input gets a JSON error with the right status and changes nothing.

mod common;

use common::{start, Api};
use reqwest::Method;
use serde_json::json;

async fn malformed_incomplete_and_wrongly_typed_bodies_are_400() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let (domain_id, eps) = api.domain_with("acme", &["alice"]).await;
    let alice_id = eps[0]["id"].as_str().unwrap().to_owned();
    let endpoints = format!("/domains/{domain_id}/endpoints");

    let cases: Vec<(String, &str, &str)> = vec![
        // Malformed JSON.
        ("/applications".into(), "{\"name\": ", "malformed_json"),
        ("/domains".into(), "{name: acme2}", "malformed_json"),
        (endpoints.clone(), "not json", "malformed_json"),
        ("/phoneNumbers".into(), "[1,", "malformed_json"),
        // Empty body.
        ("/domains".into(), "", "missing_body"),
        // Missing fields.
        ("/applications".into(), "{}", "invalid_body"),
        (
            "/domains".into(),
            "{\"description\": \"x\"}",
            "invalid_body",
        ),
        (endpoints.clone(), "{\"enabled\": true}", "invalid_body"),
        (
            "/phoneNumbers".into(),
            "{\"number\": \"+12223334444\"}",
            "invalid_body",
        ),
        // Wrong types.
        ("/applications".into(), "{\"name\": 5}", "invalid_body"),
        (
            "/applications".into(),
            "{\"name\": \"a\", \"autoAnswer\": \"yes\"}",
            "invalid_body",
        ),
        ("/domains".into(), "[\"acme2\"]", "invalid_body"),
        (
            endpoints.clone(),
            "{\"name\": \"bob\", \"enabled\": 1}",
            "invalid_body",
        ),
        (
            endpoints.clone(),
            "{\"name\": \"bob\", \"credentials\": \"pw\"}",
            "invalid_body",
        ),
        (
            "/phoneNumbers".into(),
            "{\"number\": 2223334444, \"endpointId\": \"x\"}",
            "invalid_body",
        ),
        // Invalid values.
        (
            "/applications".into(),
            "{\"name\": \"  \"}",
            "invalid_field",
        ),
        (
            "/applications".into(),
            "{\"name\": \"a\", \"incomingCallUrl\": \"ftp://x\"}",
            "invalid_field",
        ),
        ("/domains".into(), "{\"name\": \"a.b\"}", "invalid_field"),
        ("/domains".into(), "{\"name\": \"\"}", "invalid_field"),
        (
            endpoints.clone(),
            "{\"name\": \"bad name\"}",
            "invalid_field",
        ),
        (
            endpoints.clone(),
            "{\"name\": \"bob\", \"credentials\": {\"password\": \"123\"}}",
            "invalid_field",
        ),
        (
            endpoints.clone(),
            "{\"name\": \"bob\", \"domainId\": \"rd-other\"}",
            "invalid_field",
        ),
        (
            "/phoneNumbers".into(),
            "{\"number\": \"call me\", \"endpointId\": \"x\"}",
            "invalid_field",
        ),
    ];
    for (path, body, code) in &cases {
        let res = api.post_raw(path, body).await;
        assert_eq!(res.status, 400, "POST {path} {body}: {:?}", res.json);
        assert_eq!(res.error_code(), *code, "POST {path} {body}");
        assert!(res
            .content_type
            .as_deref()
            .unwrap()
            .starts_with("application/json"));
    }
    let token_path = format!("{endpoints}/{alice_id}/tokens");
    for body in [
        "{\"expires\": 0}",
        "{\"expires\": -5}",
        "{\"expires\": \"1h\"}",
        "{\"expires\": 99999999}",
        "{",
    ] {
        let res = api.post_raw(&token_path, body).await;
        assert_eq!(res.status, 400, "{body}");
        res.error_code();
    }

    // Nothing was created by any of them.
    assert_eq!(api.count("/applications").await, 0);
    assert_eq!(api.count("/domains").await, 1);
    assert_eq!(api.count(&endpoints).await, 1);
    assert_eq!(api.count("/phoneNumbers").await, 0);

    // A body far too large is refused as JSON too.
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(100_000));
    let res = api.post_raw("/applications", &huge).await;
    assert_eq!(res.status, 413);
    assert_eq!(res.error_code(), "body_too_large");

    // References to things that don't exist are 404.
    let res = api
        .post(
            &endpoints,
            json!({ "name": "bob", "applicationId": "a-nope" }),
        )
        .await;
    assert_eq!((res.status, res.error_code()), (404, "not_found"));
    let res = api
        .post(
            "/phoneNumbers",
            json!({ "number": "+12223334444", "endpointId": "re-nope" }),
        )
        .await;
    assert_eq!((res.status, res.error_code()), (404, "not_found"));
    let res = api
        .post("/domains/rd-nope/endpoints", json!({ "name": "bob" }))
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(api.count(&endpoints).await, 1);
    assert_eq!(api.count("/phoneNumbers").await, 0);
    server.stop().await;
}

#[tokio::test]
async fn missing_or_wrong_credentials_are_401() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let token = server.user.api_token.clone();
    let secret = server
        .user
        .api_secret
        .clone()
        .expect("generated at this start");
    let wrong_secret = format!("{secret}x");
    let attempts = [
        api.with_auth(None),
        api.with_auth(Some((&token, &wrong_secret))),
        api.with_auth(Some((&token, ""))),
        api.with_auth(Some(("t-nobody", &secret))),
    ];
    for client in &attempts {
        for res in [
            client.get("/domains").await,
            client.post("/domains", json!({ "name": "acme" })).await,
            // Even with a bad body: credentials are checked first.
            client.post_raw("/domains", "{oops").await,
        ] {
            assert_eq!(res.status, 401);
            assert_eq!(res.error_code(), "unauthorized");
            assert_eq!(
                res.www_authenticate.as_deref(),
                Some("Basic realm=\"bwclient\"")
            );
        }
    }
    // Not basic auth at all.
    let client = reqwest::Client::new();
    for value in ["Bearer abc", "Basic !!!", "Basic"] {
        let res = client
            .get(format!("{}{}", api.base, api.user_path("/domains")))
            .header("authorization", value)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 401, "{value}");
    }
    assert_eq!(api.count("/domains").await, 0);
    server.stop().await;
}

async fn another_users_resources_are_404() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let owner = Api::new(&server, &server.user);
    let mallory_user = server
        .store
        .create_user("mallory", "t-mallory", "test-only-mallory-secret")
        .unwrap();
    let mallory = Api::new(&server, &mallory_user);

    let app = owner
        .create("/applications", json!({ "name": "calls" }))
        .await;
    let app_id = app["id"].as_str().unwrap();
    let (domain_id, eps) = owner.domain_with("acme", &["alice"]).await;
    let alice_id = eps[0]["id"].as_str().unwrap();
    let number = owner
        .create(
            "/phoneNumbers",
            json!({ "number": "+12223334444", "endpointId": alice_id }),
        )
        .await;
    let number_id = number["id"].as_str().unwrap();

    // Mallory naming the owner's userId in the path: 404, for every method.
    let foreign = mallory.with_auth(Some(("t-mallory", "test-only-mallory-secret")));
    let foreign = common::Api {
        user_id: server.user.id.clone(),
        ..foreign
    };
    for res in [
        foreign.get("/applications").await,
        foreign.get(&format!("/applications/{app_id}")).await,
        foreign.delete(&format!("/domains/{domain_id}")).await,
        foreign.post("/domains", json!({ "name": "evil" })).await,
        foreign
            .post(
                &format!("/domains/{domain_id}/endpoints/{alice_id}/tokens"),
                json!({}),
            )
            .await,
    ] {
        assert_eq!((res.status, res.error_code()), (404, "not_found"));
    }

    // Mallory using her own path with the owner's ids: 404 as well.
    for res in [
        mallory.get(&format!("/applications/{app_id}")).await,
        mallory.delete(&format!("/applications/{app_id}")).await,
        mallory.get(&format!("/domains/{domain_id}")).await,
        mallory.delete(&format!("/domains/{domain_id}")).await,
        mallory
            .get(&format!("/domains/{domain_id}/endpoints"))
            .await,
        mallory
            .get(&format!("/domains/{domain_id}/endpoints/{alice_id}"))
            .await,
        mallory
            .delete(&format!("/domains/{domain_id}/endpoints/{alice_id}"))
            .await,
        mallory
            .post(
                &format!("/domains/{domain_id}/endpoints"),
                json!({ "name": "eve" }),
            )
            .await,
        mallory
            .post(
                &format!("/domains/{domain_id}/endpoints/{alice_id}/tokens"),
                json!({}),
            )
            .await,
        mallory.get(&format!("/phoneNumbers/{number_id}")).await,
        mallory.get("/phoneNumbers/+12223334444").await,
        mallory.delete(&format!("/phoneNumbers/{number_id}")).await,
        mallory
            .post(
                "/phoneNumbers",
                json!({ "number": "+12223335555", "endpointId": alice_id }),
            )
            .await,
    ] {
        assert_eq!((res.status, res.error_code()), (404, "not_found"));
    }
    // Her lists are empty; the owner's things are all still there.
    assert_eq!(mallory.count("/applications").await, 0);
    assert_eq!(mallory.count("/domains").await, 0);
    assert_eq!(mallory.count("/phoneNumbers").await, 0);
    assert_eq!(owner.count("/applications").await, 1);
    assert_eq!(
        owner
            .count(&format!("/domains/{domain_id}/endpoints"))
            .await,
        1
    );
    assert_eq!(owner.count("/phoneNumbers").await, 1);
    server.stop().await;
}

async fn duplicate_names_are_409() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let other_user = server
        .store
        .create_user("other", "t-other", "test-only-other-secret")
        .unwrap();
    let other = Api::new(&server, &other_user);

    api.create("/applications", json!({ "name": "calls" }))
        .await;
    let res = api.post("/applications", json!({ "name": "calls" })).await;
    assert_eq!((res.status, res.error_code()), (409, "conflict"));
    // Application names are per user.
    other
        .create("/applications", json!({ "name": "calls" }))
        .await;

    let (domain_id, eps) = api.domain_with("acme", &["alice"]).await;
    // Domain names are server-wide (they are SIP hosts), and case-insensitive.
    for (client, name) in [(&api, "acme"), (&api, "ACME"), (&other, "acme")] {
        let res = client.post("/domains", json!({ "name": name })).await;
        assert_eq!((res.status, res.error_code()), (409, "conflict"), "{name}");
    }
    let endpoints = format!("/domains/{domain_id}/endpoints");
    let res = api.post(&endpoints, json!({ "name": "alice" })).await;
    assert_eq!((res.status, res.error_code()), (409, "conflict"));
    // The same name in another domain is fine.
    let (_, other_eps) = api.domain_with("other", &["alice"]).await;

    let alice_id = eps[0]["id"].as_str().unwrap();
    api.create(
        "/phoneNumbers",
        json!({ "number": "+12223334444", "endpointId": alice_id }),
    )
    .await;
    let res = api
        .post(
            "/phoneNumbers",
            json!({ "number": "222 333 4444", "endpointId": other_eps[0]["id"] }),
        )
        .await;
    assert_eq!((res.status, res.error_code()), (409, "conflict"));

    assert_eq!(api.count("/applications").await, 1);
    assert_eq!(api.count("/domains").await, 2);
    assert_eq!(other.count("/domains").await, 0);
    assert_eq!(api.count(&endpoints).await, 1);
    assert_eq!(api.count("/phoneNumbers").await, 1);
    server.stop().await;
}

#[tokio::test]
async fn unknown_routes_and_methods_are_json() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let res = api.get("/nothing-here").await;
    assert_eq!((res.status, res.error_code()), (404, "not_found"));
    let res = api
        .send(Method::PUT, &api.user_path("/domains"), None)
        .await;
    assert_eq!((res.status, res.error_code()), (405, "method_not_allowed"));
    let res = api.send(Method::GET, "/v1", None).await;
    assert_eq!(res.status, 404);
    server.stop().await;
}

// SQLite and PostgreSQL (`common::on_both_backends`).
crate::on_both_backends!(
    malformed_incomplete_and_wrongly_typed_bodies_are_400,
    another_users_resources_are_404,
    duplicate_names_are_409,
);
