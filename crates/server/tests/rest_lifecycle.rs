//! The REST resources end to end over loopback: create, get, list, delete.

mod common;

use bwclient_server::directory::Directory;
use common::{start, Api};
use serde_json::json;

async fn full_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let api = Api::new(&server, &server.user);
    let uid = &server.user.id;

    let me = api.send(reqwest::Method::GET, "/v1/me", None).await;
    assert_eq!(me.json["id"], uid.as_str());

    // Application.
    let res = api
        .post(
            "/applications",
            json!({ "name": "calls", "incomingCallUrl": "http://127.0.0.1:9/events", "autoAnswer": false }),
        )
        .await;
    assert_eq!(res.status, 201);
    let app_id = res.json["id"].as_str().unwrap().to_owned();
    assert_eq!(
        res.location.as_deref(),
        Some(format!("/v1/users/{uid}/applications/{app_id}").as_str())
    );
    assert!(res.content_type.unwrap().starts_with("application/json"));
    assert_eq!(res.json["name"], "calls");
    assert_eq!(res.json["incomingCallUrl"], "http://127.0.0.1:9/events");
    assert_eq!(res.json["autoAnswer"], false);
    // The callback secret is in the creation answer only.
    let secret = res.json["callbackSecret"].as_str().unwrap();
    assert_eq!(secret.len(), 64);
    let mut created = res.json.clone();
    created.as_object_mut().unwrap().remove("callbackSecret");
    let got = api.get(&format!("/applications/{app_id}")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json, created);
    // autoAnswer defaults to true, incomingCallUrl to null.
    let other = api
        .create("/applications", json!({ "name": "quiet" }))
        .await;
    assert_eq!(other["autoAnswer"], true);
    assert!(other["incomingCallUrl"].is_null());
    assert_eq!(api.count("/applications").await, 2);

    // Domain.
    let res = api
        .post("/domains", json!({ "name": "Acme", "description": "test" }))
        .await;
    assert_eq!(res.status, 201);
    let domain_id = res.json["id"].as_str().unwrap().to_owned();
    assert_eq!(
        res.location.as_deref(),
        Some(format!("/v1/users/{uid}/domains/{domain_id}").as_str())
    );
    assert_eq!(res.json["name"], "acme", "stored lower-case");
    assert_eq!(res.json["description"], "test");
    assert_eq!(
        api.get(&format!("/domains/{domain_id}")).await.json,
        res.json
    );
    assert_eq!(api.count("/domains").await, 1);

    // Endpoint.
    let eps = format!("/domains/{domain_id}/endpoints");
    let res = api
        .post(
            &eps,
            json!({
                "name": "alice", "description": "Alice", "domainId": domain_id,
                "applicationId": app_id, "enabled": true,
                "credentials": { "password": "s3cret-pass" }
            }),
        )
        .await;
    assert_eq!(res.status, 201, "{:?}", res.json);
    let alice_id = res.json["id"].as_str().unwrap().to_owned();
    assert_eq!(
        res.location.as_deref(),
        Some(format!("/v1/users/{uid}/domains/{domain_id}/endpoints/{alice_id}").as_str())
    );
    let alice = &res.json;
    assert_eq!(alice["sipUri"], "alice@acme.bwclient.test");
    assert_eq!(alice["domainId"], domain_id.as_str());
    assert_eq!(alice["applicationId"], app_id.as_str());
    assert_eq!(alice["enabled"], true);
    assert_eq!(
        alice["credentials"],
        json!({ "realm": "acme.bwclient.test", "username": "alice" })
    );
    let got = api.get(&format!("{eps}/{alice_id}")).await;
    assert_eq!(got.json, *alice);
    // The password is never returned, in any answer.
    assert!(!String::from_utf8_lossy(&res.bytes).contains("s3cret-pass"));
    assert!(!String::from_utf8_lossy(&got.bytes).contains("s3cret-pass"));
    let list = api.get(&eps).await;
    assert!(!String::from_utf8_lossy(&list.bytes).contains("s3cret-pass"));
    let bob = api
        .create(&eps, json!({ "name": "bob", "enabled": false }))
        .await;
    let bob_id = bob["id"].as_str().unwrap().to_owned();
    assert_eq!(bob["enabled"], false);
    assert!(bob["applicationId"].is_null());
    assert_eq!(api.count(&eps).await, 2);

    // The SIP side sees them through the directory.
    let rec = server
        .directory
        .endpoint_by_aor("alice", "ACME.bwclient.test")
        .expect("alice by AOR");
    assert_eq!(rec.id, alice_id);
    // The password itself is not kept: only its digest HA1s (issue 11, hole 8).
    assert_eq!(
        rec.digest_ha1,
        Some(bwclient_server::secrets::DigestHa1::from_password(
            "alice",
            "acme.bwclient.test",
            "s3cret-pass"
        ))
    );
    assert_eq!(
        rec.callback_url.as_deref(),
        Some("http://127.0.0.1:9/events")
    );
    assert_eq!(rec.host, "acme.bwclient.test");
    assert!(server
        .directory
        .endpoint_by_aor("Alice", "acme.bwclient.test")
        .is_none());
    assert!(server
        .directory
        .endpoint_by_aor("alice", "acme.other.test")
        .is_none());

    // Phone numbers: US numbers get +1; GET by id or by number.
    let res = api
        .post(
            "/phoneNumbers",
            json!({ "number": "(222) 333-4444", "endpointId": alice_id }),
        )
        .await;
    assert_eq!(res.status, 201, "{:?}", res.json);
    let number_id = res.json["id"].as_str().unwrap().to_owned();
    assert_eq!(res.json["number"], "+12223334444");
    assert_eq!(res.json["endpointId"], alice_id.as_str());
    assert_eq!(
        res.location.as_deref(),
        Some(format!("/v1/users/{uid}/phoneNumbers/{number_id}").as_str())
    );
    assert_eq!(
        api.get(&format!("/phoneNumbers/{number_id}")).await.json,
        res.json
    );
    assert_eq!(api.get("/phoneNumbers/+12223334444").await.json, res.json);
    api.create(
        "/phoneNumbers",
        json!({ "number": "+442079460958", "endpointId": bob_id }),
    )
    .await;
    assert_eq!(api.count("/phoneNumbers").await, 2);
    let rec = server.directory.endpoint_by_number("+12223334444").unwrap();
    assert_eq!(rec.id, alice_id);
    assert_eq!(server.directory.endpoint_by_number("+12223334445"), None);

    // Deleting an application detaches its endpoints.
    assert_eq!(
        api.delete(&format!("/applications/{app_id}")).await.status,
        200
    );
    assert_eq!(
        api.get(&format!("/applications/{app_id}")).await.status,
        404
    );
    let got = api.get(&format!("{eps}/{alice_id}")).await;
    assert!(got.json["applicationId"].is_null());
    assert_eq!(
        server
            .directory
            .endpoint_by_aor("alice", "acme.bwclient.test")
            .unwrap()
            .callback_url,
        None
    );

    // Deleting a number by its number, then an endpoint takes its numbers along.
    assert_eq!(api.delete("/phoneNumbers/222-333-4444").await.status, 200);
    assert_eq!(
        api.get(&format!("/phoneNumbers/{number_id}")).await.status,
        404
    );
    assert_eq!(api.delete(&format!("{eps}/{bob_id}")).await.status, 200);
    assert_eq!(api.get(&format!("{eps}/{bob_id}")).await.status, 404);
    assert_eq!(api.count("/phoneNumbers").await, 0);
    assert_eq!(api.delete(&format!("{eps}/{bob_id}")).await.status, 404);

    // Deleting the domain takes the remaining endpoint along.
    assert_eq!(
        api.delete(&format!("/domains/{domain_id}")).await.status,
        200
    );
    assert_eq!(api.get(&format!("/domains/{domain_id}")).await.status, 404);
    assert_eq!(api.get(&eps).await.status, 404);
    assert!(server
        .directory
        .endpoint_by_aor("alice", "acme.bwclient.test")
        .is_none());
    assert_eq!(api.count("/domains").await, 0);
    // The name is free again.
    api.create("/domains", json!({ "name": "acme" })).await;
    server.stop().await;
}

// SQLite and PostgreSQL (`common::on_both_backends`).
crate::on_both_backends!(full_lifecycle,);
