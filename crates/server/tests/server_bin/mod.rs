//! Helpers for tests of the real `bwclient-server` binary: start it on a fixed loopback port
//! and data folder (so that it can be started again on both), crash it (SIGKILL) or stop it
//! (SIGTERM); an application's callback receiver that records every event and can hold them
//! unanswered; and the REST calls that set up an application, a domain, endpoints and tokens.
#![allow(dead_code)] // each test binary uses a different subset

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Test-only secrets (never used outside tests).
pub const TOKEN_SECRET: &str = "restart-test-only-token-secret-of-32-bytes-or-more";
pub const API_TOKEN: &str = "restart-test-api-token";
pub const API_SECRET: &str = "restart-test-only-api-secret";
/// The realm: with the domain `acme`, endpoint hosts are `acme.sip.test` (`sip_common::HOST`).
pub const REALM: &str = "sip.test";
/// How long anything here waits before failing.
pub const WAIT: Duration = Duration::from_secs(15);

/// One run of the binary.
pub struct ServerProcess {
    pub child: Child,
    pub port: u16,
    pub data: PathBuf,
}

/// A free loopback port (bound and released; the server binds it with SO_REUSEADDR).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

impl ServerProcess {
    /// Starts `bwclient-server` on `127.0.0.1:port` with data in `data`, and waits until it
    /// answers HTTP.
    pub async fn start(port: u16, data: &Path) -> ServerProcess {
        let child = Command::new(env!("CARGO_BIN_EXE_bwclient-server"))
            .args([
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data",
                &data.display().to_string(),
                "--www",
                &data.join("www").display().to_string(),
                "--pkg",
                &data.join("pkg").display().to_string(),
                "--realm",
                REALM,
                "--allow-private-callbacks",
            ])
            .env("BWCLIENT_TOKEN_SECRET", TOKEN_SECRET)
            .env("BWCLIENT_API_TOKEN", API_TOKEN)
            .env("BWCLIENT_API_SECRET", API_SECRET)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("bwclient-server starts");
        let server = ServerProcess {
            child,
            port,
            data: data.to_owned(),
        };
        let deadline = Instant::now() + WAIT;
        loop {
            if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return server;
            }
            assert!(Instant::now() < deadline, "server on port {port} not up");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/sip", self.port)
    }

    pub fn db_file(&self) -> PathBuf {
        self.data.join("bwclient.db")
    }

    /// A crash: SIGKILL, then reaps it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM (through `kill`, a real signal), then its exit status within `bound`, or
    /// `None` if it was still running then (it is killed).
    pub async fn terminate(mut self, bound: Duration) -> Option<ExitStatus> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM");
        let deadline = Instant::now() + bound;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One callback the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub kind: String,
    pub call_id: String,
    /// Receiver phase when it arrived (bumped by the test, e.g. at each restart).
    pub phase: u32,
}

/// An application's `incomingCallUrl`: answers `200` unless told to hold, in which case it
/// reads the request and never answers (the delivery stays in flight).
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    pub got: Arc<Mutex<Vec<Received>>>,
    pub hold: Arc<AtomicBool>,
    pub phase: Arc<std::sync::atomic::AtomicU32>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let r = Receiver {
            addr: listener.local_addr().expect("addr"),
            got: Arc::default(),
            hold: Arc::default(),
            phase: Arc::default(),
        };
        let me = r.clone();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((mut stream, _)) = listener.accept().await {
                let Some(body) = read_body(&mut stream).await else {
                    continue;
                };
                let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                me.got.lock().unwrap().push(Received {
                    kind: event["eventType"].as_str().unwrap_or("").to_owned(),
                    call_id: event["callId"].as_str().unwrap_or("").to_owned(),
                    phase: me.phase.load(Ordering::SeqCst),
                });
                if me.hold.load(Ordering::SeqCst) {
                    held.push(stream);
                } else {
                    let _ = stream
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        )
                        .await;
                    let _ = stream.shutdown().await;
                }
            }
        });
        r
    }

    pub fn url(&self) -> String {
        format!("http://{}/events", self.addr)
    }

    /// Waits until an event `kind` for `call_id` arrived in phase `phase` or later.
    pub async fn wait_for(&self, kind: &str, call_id: &str, phase: u32) {
        let deadline = Instant::now() + WAIT;
        loop {
            if self
                .got
                .lock()
                .unwrap()
                .iter()
                .any(|r| r.kind == kind && r.call_id == call_id && r.phase >= phase)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no {kind} for {call_id} in phase {phase}: {:?}",
                self.got.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The body of one HTTP request (by `Content-Length`), or `None` on a short read.
async fn read_body(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(WAIT, stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        got.extend_from_slice(&chunk[..n]);
        let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if got.len() >= end + 4 + len {
            return Some(got[end + 4..end + 4 + len].to_vec());
        }
    }
}

/// REST as the configured default user.
pub struct Rest {
    base: String,
    user_id: String,
    client: reqwest::Client,
}

impl Rest {
    pub async fn new(server: &ServerProcess) -> Rest {
        let client = reqwest::Client::new();
        let me: Value = client
            .get(format!("{}/v1/me", server.base()))
            .basic_auth(API_TOKEN, Some(API_SECRET))
            .send()
            .await
            .expect("GET /v1/me")
            .json()
            .await
            .expect("json");
        Rest {
            base: server.base(),
            user_id: me["id"].as_str().expect("user id").to_owned(),
            client,
        }
    }

    pub async fn create(&self, path: &str, body: Value) -> Value {
        let res = self
            .client
            .post(format!("{}/v1/users/{}{path}", self.base, self.user_id))
            .basic_auth(API_TOKEN, Some(API_SECRET))
            .json(&body)
            .send()
            .await
            .expect("POST");
        assert_eq!(res.status().as_u16(), 201, "POST {path}");
        res.json().await.expect("json")
    }

    /// An application calling `receiver`, domain `acme` with endpoints `names` in it, and a
    /// token for each (in the order of `names`).
    pub async fn setup(&self, receiver: &Receiver, names: &[&str]) -> Vec<String> {
        let app = self
            .create(
                "/applications",
                json!({ "name": "calls", "incomingCallUrl": receiver.url() }),
            )
            .await;
        let app_id = app["id"].as_str().expect("app id");
        let domain = self.create("/domains", json!({ "name": "acme" })).await;
        let domain_id = domain["id"].as_str().expect("domain id");
        let mut tokens = Vec::new();
        for name in names {
            let ep = self
                .create(
                    &format!("/domains/{domain_id}/endpoints"),
                    json!({ "name": name, "applicationId": app_id }),
                )
                .await;
            let ep_id = ep["id"].as_str().expect("endpoint id");
            let token = self
                .create(
                    &format!("/domains/{domain_id}/endpoints/{ep_id}/tokens"),
                    json!({}),
                )
                .await;
            tokens.push(token["token"].as_str().expect("token").to_owned());
        }
        tokens
    }
}

/// Rows of `table` in the database file (read with its own connection; WAL lets it read
/// beside a running server).
pub fn rows(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open db");
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}
