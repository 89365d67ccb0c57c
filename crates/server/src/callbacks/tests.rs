//! Delivery over real loopback sockets (the policy allows loopback here; the refusals are
//! tested in `tests/callbacks_*.rs` through the whole server).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;

fn event() -> CallEvent {
    CallEvent {
        kind: "start",
        call_id: "c1".into(),
        from: "sip:alice@demo.bwclient.test".into(),
        to: "sip:bob@demo.bwclient.test".into(),
        endpoint_id: "re-1".into(),
        callback_url: String::new(),
    }
}

fn to(app: &str, url: String) -> Destination {
    Destination {
        application_id: app.into(),
        url,
        secret: "test-only-callback-secret".into(),
    }
}

fn fast() -> CallbackConfig {
    CallbackConfig {
        first_backoff: Duration::from_millis(1),
        targets: TargetPolicy::AllowLoopback,
        ..CallbackConfig::default()
    }
}

/// Accepts one connection, returns what was sent, answers with `status`.
async fn answer_once(listener: &TcpListener, status: &str) -> String {
    let (mut sock, _) = listener.accept().await.unwrap();
    let mut got = Vec::new();
    let mut chunk = [0u8; 1024];
    // Read until the whole body (its length is in the headers) has arrived.
    loop {
        let n = sock.read(&mut chunk).await.unwrap();
        got.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .unwrap()
                .parse()
                .unwrap();
            if body.len() >= len || n == 0 {
                break;
            }
        }
    }
    let reply = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n");
    sock.write_all(reply.as_bytes()).await.unwrap();
    String::from_utf8(got).unwrap()
}

#[tokio::test]
async fn retries_5xx_then_stops_on_success() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/events", listener.local_addr().unwrap());
    let callbacks = Callbacks::start(fast()).unwrap();
    let mut reports = callbacks.subscribe();
    assert!(callbacks.queue(&to("a-1", url), &event()));
    let first = answer_once(&listener, "503 Busy").await;
    assert!(first.starts_with("POST /events HTTP/1.1\r\n"), "{first}");
    let second = answer_once(&listener, "200 OK").await;
    assert!(second.contains("\r\nX-BWClient-Signature: t="), "{second}");
    let body = second.split_once("\r\n\r\n").unwrap().1;
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["eventType"], "start");
    assert_eq!(json["callId"], "c1");
    assert_eq!(json["endpointId"], "re-1");
    let report = reports.recv().await.unwrap();
    assert_eq!(
        report.outcome,
        Outcome::Delivered {
            status: 200,
            attempts: 2
        }
    );
}

#[tokio::test]
async fn gives_up_after_bounded_attempts_and_on_4xx() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let callbacks = Callbacks::start(CallbackConfig {
        attempts: 2,
        ..fast()
    })
    .unwrap();
    let mut reports = callbacks.subscribe();
    callbacks.queue(&to("a-1", url.clone()), &event());
    answer_once(&listener, "500 Oops").await;
    answer_once(&listener, "500 Oops").await;
    let report = reports.recv().await.unwrap();
    assert!(
        matches!(report.outcome, Outcome::Failed { attempts: 2, .. }),
        "{report:?}"
    );
    callbacks.queue(&to("a-1", url), &event());
    answer_once(&listener, "404 Not Found").await;
    let report = reports.recv().await.unwrap();
    assert!(
        matches!(report.outcome, Outcome::Failed { attempts: 1, .. }),
        "{report:?}"
    );
}

#[tokio::test]
async fn a_full_queue_drops_only_that_applications_events() {
    // Port 9 on loopback: nothing listens, every try fails; the queue holds one event.
    let callbacks = Callbacks::start(CallbackConfig {
        per_app_queue: 1,
        per_app_concurrency: 1,
        first_backoff: Duration::from_secs(3600),
        ..fast()
    })
    .unwrap();
    let blackhole = to("a-slow", "http://127.0.0.1:9/".into());
    let mut accepted = 0;
    for _ in 0..10 {
        accepted += usize::from(callbacks.queue(&blackhole, &event()));
    }
    // One in flight, one waiting for the slot, one queued: the rest dropped.
    assert!(accepted < 10, "{accepted}");
    assert!(callbacks.queue(&to("a-other", "http://127.0.0.1:9/".into()), &event()));
}

#[test]
fn write_time_check_refuses_literal_private_addresses() {
    let public = TargetPolicy::PublicOnly;
    assert_eq!(check_url("https://example.test/cb", public), Ok(()));
    assert_eq!(check_url("http://93.184.216.34/", public), Ok(()));
    // A name is checked when it is resolved, at delivery.
    assert_eq!(check_url("http://localhost:9/", public), Ok(()));
    for url in [
        "http://127.0.0.1:9/",
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00::1]/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[::ffff:192.168.0.1]/",
    ] {
        assert!(
            matches!(check_url(url, public), Err(UrlRefusal::NotPublic(_))),
            "{url}"
        );
    }
    assert_eq!(
        check_url("http://127.0.0.1:9/", TargetPolicy::AllowLoopback),
        Ok(())
    );
    assert_eq!(
        check_url("http://10.0.0.1/", TargetPolicy::AllowPrivate),
        Ok(())
    );
    assert_eq!(
        check_url("http://u@x.test/", public),
        Err(UrlRefusal::Malformed)
    );
}
