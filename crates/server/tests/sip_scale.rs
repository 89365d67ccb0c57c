//! 1,000 registered WebSocket connections held at once: all registered, a call still routes
//! between two of them, and closing them all removes every binding.

mod sip_common;

use bwclient_server::directory::EndpointRecord;
use sip_common::{Client, TestServer, HOST};

const N: usize = 1000;

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_registered_connections() {
    let s = TestServer::start().await;
    for i in 0..N {
        s.dir.add(EndpointRecord {
            id: format!("ep-u{i}"),
            user_id: "u1".into(),
            domain_id: "d1".into(),
            user: format!("u{i}"),
            host: HOST.into(),
            enabled: true,
            digest_ha1: None,
            application_id: None,
            callback_url: None,
        });
    }
    let before = rss_kib();
    let mut clients: Vec<Client> = Vec::with_capacity(N);
    // Connect and register in batches of 50 concurrent clients.
    for batch in 0..N / 50 {
        let mut set = tokio::task::JoinSet::new();
        for i in batch * 50..(batch + 1) * 50 {
            let url = s.url();
            let token = s.token(&format!("u{i}"), HOST);
            set.spawn(async move {
                let mut c = Client::connect(&url, &format!("u{i}")).await;
                c.register_with_token(&token).await;
                c
            });
        }
        while let Some(c) = set.join_next().await {
            clients.push(c.expect("client task"));
        }
    }
    assert_eq!(s.service.connection_count(), N);
    assert_eq!(s.service.registered_aors(), N);
    let registered: usize = (0..N)
        .map(|i| s.service.registered_contacts(&format!("u{i}@{HOST}")))
        .sum();
    assert_eq!(registered, N);
    if let (Some(b), Some(a)) = (before, rss_kib()) {
        // Both ends live in this process: server and client side of every connection.
        eprintln!(
            "rss grew {} KiB for {N} connections (client + server side): {} bytes each",
            a.saturating_sub(b),
            a.saturating_sub(b) * 1024 / N as u64
        );
    }

    // A call still routes between two of the thousand.
    let mut callee = clients.swap_remove(N / 2);
    let mut caller = clients.swap_remove(7);
    let call_id = caller.fresh();
    let target = format!("sip:{}@{HOST}", callee.user);
    let token = s.token(&caller.user, HOST);
    let text = caller.invite_text(
        &target,
        &call_id,
        "ft",
        &format!("X-Callsign-Token: {token}\r\n"),
    );
    caller.send(&text).await;
    caller.expect_response(100).await;
    let inv = callee.expect_request("INVITE").await;
    callee.respond(&inv, 486, "Busy Here", "x").await;
    caller.expect_response(486).await;

    // Close everything; every binding goes with its connection.
    clients.push(caller);
    clients.push(callee);
    for c in clients {
        c.close().await;
    }
    s.until("all connections closed", |svc| svc.connection_count() == 0)
        .await;
    assert_eq!(s.service.registered_aors(), 0);
}
