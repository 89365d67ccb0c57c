//! Each application has its own callback queue and delivery slots: one whose URL accepts
//! connections and never answers (a black hole) delays nobody else's events, and filling its
//! queue drops only its own.

mod common;
mod receiver;

use std::time::Duration;

use bwclient_server::callbacks::{Destination, Outcome};
use bwclient_server::config::Config;
use tokio::net::TcpListener;

use common::{config, start_with, TEST_SECRET};
use receiver::{answer, event, read_request};

fn destination(app: &str, listener: &TcpListener) -> Destination {
    Destination {
        application_id: app.into(),
        url: format!("http://{}/{app}", listener.local_addr().unwrap()),
        secret: "test-only-callback-secret".into(),
    }
}

#[tokio::test]
async fn a_blackholed_application_delays_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config {
        token_secret: Some(TEST_SECRET.to_owned()),
        ..config(dir.path())
    };
    // Two deliveries in flight per application, and a time-out that will not pass during the
    // test: application A's tries stay pending until the test ends.
    config.callbacks.per_app_concurrency = 2;
    config.callbacks.timeout = Duration::from_secs(3600);
    let server = start_with(config).await;
    let callbacks = server.directory.callbacks().clone();
    let mut reports = callbacks.subscribe();

    let blackhole = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let receiver = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = destination("a-blackhole", &blackhole);
    let b = destination("a-healthy", &receiver);

    // A's events take all of A's slots: two connections accepted, requests read, no answer.
    for n in 0..3 {
        assert!(callbacks.queue(&a, &event(&format!("a-{n}"), "re-a")));
    }
    let mut held = Vec::new();
    for _ in 0..2 {
        let (mut sock, _) = blackhole.accept().await.unwrap();
        let request = read_request(&mut sock).await;
        assert!(
            request.head.starts_with("POST /a-blackhole "),
            "{}",
            request.head
        );
        held.push(sock);
    }

    // B's event still goes out now, while A's first tries are pending.
    assert!(callbacks.queue(&b, &event("b-0", "re-b")));
    let arrived = tokio::time::timeout(Duration::from_secs(60), async {
        let (mut sock, _) = receiver.accept().await.unwrap();
        let request = read_request(&mut sock).await;
        answer(&mut sock, "200 OK").await;
        request
    })
    .await
    .expect("B's callback waits behind A's black hole");
    assert_eq!(arrived.json()["callId"], "b-0");
    // The first delivery to finish is B's: none of A's has ended (its sockets are still open).
    let report = reports.recv().await.unwrap();
    assert_eq!(report.application_id, "a-healthy");
    assert!(
        matches!(report.outcome, Outcome::Delivered { .. }),
        "{report:?}"
    );
    assert_eq!(held.len(), 2);
    drop(held);
    server.stop().await;
}

#[tokio::test]
async fn a_full_queue_drops_only_its_own_applications_events() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config {
        token_secret: Some(TEST_SECRET.to_owned()),
        ..config(dir.path())
    };
    config.callbacks.per_app_queue = 4;
    config.callbacks.per_app_concurrency = 1;
    config.callbacks.timeout = Duration::from_secs(3600);
    let server = start_with(config).await;
    let callbacks = server.directory.callbacks().clone();

    let blackhole = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let receiver = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = destination("a-blackhole", &blackhole);
    let queued = (0..50)
        .filter(|n| callbacks.queue(&a, &event(&format!("a-{n}"), "re-a")))
        .count();
    // One in flight, one waiting for the slot, the queue's four: the rest are dropped.
    assert!(queued < 50, "{queued}");
    // B's queue is its own.
    let b = destination("a-healthy", &receiver);
    assert!(callbacks.queue(&b, &event("b-0", "re-b")));
    let (mut sock, _) = receiver.accept().await.unwrap();
    assert_eq!(read_request(&mut sock).await.json()["callId"], "b-0");
    answer(&mut sock, "200 OK").await;
    server.stop().await;
}
