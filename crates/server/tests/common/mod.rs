//! Shared helpers for the REST tests: start a server in-process on port 0 with a temp data
//! folder, and a small JSON client over real loopback sockets.
//!
//! Both backends: [`on_both_backends!`] runs a test once on SQLite (the data folder's file)
//! and once on PostgreSQL, a fresh database per test on the server `BWCLIENT_TEST_POSTGRES`
//! names (`scripts/test.sh` starts one with `scripts/pg.sh` and exports it). Without that
//! variable the PostgreSQL half fails if `BWCLIENT_TEST_REQUIRE_POSTGRES=1` (as under
//! `npm test`) and otherwise does nothing but say so (a developer's plain `cargo test`).
#![allow(dead_code)] // each test binary uses a different subset

use std::path::Path;
use std::time::Duration;

use bwclient_server::app::{serve, RunningServer};
use bwclient_server::callbacks::{CallbackConfig, TargetPolicy};
use bwclient_server::config::Config;
use bwclient_server::db::User;
use reqwest::Method;
use serde_json::Value;

thread_local! {
    /// The PostgreSQL database of the test running on this thread (`None`: SQLite). Every
    /// `config()` of the test gets the same one, so a restart finds its data again.
    static DATABASE: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The test on this thread uses SQLite.
pub fn use_sqlite() {
    DATABASE.with(|db| *db.borrow_mut() = None);
}

/// The test on this thread uses a fresh PostgreSQL database; false if there is no PostgreSQL
/// to use (`BWCLIENT_TEST_POSTGRES` unset, allowed only outside `npm test`).
pub fn use_postgres() -> bool {
    let Some(url) = postgres_url() else {
        return false;
    };
    DATABASE.with(|db| *db.borrow_mut() = Some(url));
    true
}

/// A fresh database's URL on the test PostgreSQL, or `None` (said on stderr) if there is none.
pub fn postgres_url() -> Option<String> {
    match std::env::var("BWCLIENT_TEST_POSTGRES") {
        Ok(admin) if !admin.is_empty() => Some(fresh_database(&admin)),
        _ => {
            assert!(
                std::env::var("BWCLIENT_TEST_REQUIRE_POSTGRES").is_err(),
                "BWCLIENT_TEST_REQUIRE_POSTGRES is set but BWCLIENT_TEST_POSTGRES is not: \
                 the PostgreSQL half of the tests cannot run"
            );
            eprintln!("BWCLIENT_TEST_POSTGRES unset: the PostgreSQL half of this test is not run");
            None
        }
    }
}

/// Creates database `t_<random>` on the server of `admin` (a `postgres://…/db` URL) and
/// returns its URL.
pub fn fresh_database(admin: &str) -> String {
    use rand::Rng;
    let name: String = format!("t_{:016x}", rand::thread_rng().gen::<u64>());
    pg_execute(admin, &format!("CREATE DATABASE {name}"));
    let base = admin.rsplit_once('/').expect("postgres://…/db").0;
    format!("{base}/{name}")
}

/// Runs `sql` on the PostgreSQL database `url` (test set-up).
pub fn pg_execute(url: &str, sql: &str) {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    // Off the test's runtime: this may be called from async code.
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {url}: {e}"));
            tokio::spawn(connection);
            client.batch_execute(&sql).await.expect("statement runs");
        });
    })
    .join()
    .expect("statement ran");
}

/// Each named `async fn name()` test runs twice: `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                $crate::common::use_sqlite();
                super::$name().await
            }
            #[tokio::test]
            async fn postgres() {
                if $crate::common::use_postgres() {
                    super::$name().await
                }
            }
        }
    )*};
}

/// Test-only token secret (never used outside tests).
pub const TEST_SECRET: &str = "test-only-token-secret-of-32-bytes-or-more";

/// A config for `dir`: loopback port 0, data/www/pkg inside `dir`, fast callback retries, and
/// callbacks allowed to loopback receivers (`--allow-private-callbacks`).
pub fn config(dir: &Path) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.join("data"),
        database_url: DATABASE.with(|db| db.borrow().clone()),
        www_dir: dir.join("www"),
        pkg_dir: dir.join("pkg"),
        callbacks: CallbackConfig {
            first_backoff: Duration::from_millis(1),
            targets: TargetPolicy::AllowPrivate,
            ..CallbackConfig::default()
        },
        ..Config::default()
    }
}

/// Starts a server on `dir` (with the test token secret).
pub async fn start(dir: &Path) -> RunningServer {
    start_with(Config {
        token_secret: Some(TEST_SECRET.to_owned()),
        ..config(dir)
    })
    .await
}

pub async fn start_with(config: Config) -> RunningServer {
    serve(config).await.expect("server starts")
}

/// One answer, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub location: Option<String>,
    pub www_authenticate: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
    /// The body as JSON (`Null` if it is not JSON).
    pub json: Value,
}

impl Resp {
    /// The `code` of a JSON error body (asserting the body is one).
    pub fn error_code(&self) -> &str {
        assert!(
            self.json["error"].is_string(),
            "not a JSON error: {} {:?}",
            self.status,
            String::from_utf8_lossy(&self.bytes)
        );
        self.json["code"].as_str().expect("error code")
    }
}

/// A REST client acting as one API user.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub user_id: String,
    pub auth: Option<(String, String)>,
    pub client: reqwest::Client,
}

impl Api {
    /// As `user`, against `server`, with the secret `user` carries (known when it was just
    /// created or configured; secrets are stored hashed). Else use [`Api::with_auth`].
    pub fn new(server: &RunningServer, user: &User) -> Api {
        Api {
            base: server.base_url(),
            user_id: user.id.clone(),
            auth: user
                .api_secret
                .as_ref()
                .map(|secret| (user.api_token.clone(), secret.clone())),
            client: reqwest::Client::new(),
        }
    }

    /// The same user with other credentials (or none).
    pub fn with_auth(&self, auth: Option<(&str, &str)>) -> Api {
        Api {
            auth: auth.map(|(t, s)| (t.to_owned(), s.to_owned())),
            ..self.clone()
        }
    }

    /// `/v1/users/{userId}` + `path`.
    pub fn user_path(&self, path: &str) -> String {
        format!("/v1/users/{}{path}", self.user_id)
    }

    /// Any request; `path` is absolute (starts with `/`).
    pub async fn send(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> Resp {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some((token, secret)) = &self.auth {
            req = req.basic_auth(token, Some(secret));
        }
        if let Some(body) = body {
            req = req.header("content-type", "application/json").body(body);
        }
        let res = req.send().await.expect("request sent");
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (location, www_authenticate, content_type) = (
            header("location"),
            header("www-authenticate"),
            header("content-type"),
        );
        let status = res.status().as_u16();
        let bytes = res.bytes().await.expect("body").to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            location,
            www_authenticate,
            content_type,
            bytes,
            json,
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(
            Method::POST,
            &self.user_path(path),
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    pub async fn post_raw(&self, path: &str, body: &str) -> Resp {
        self.send(
            Method::POST,
            &self.user_path(path),
            Some(body.as_bytes().to_vec()),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(Method::GET, &self.user_path(path), None).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send(Method::DELETE, &self.user_path(path), None).await
    }

    /// Creates a resource, asserting 201, and returns its JSON.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        let res = self.post(path, body).await;
        assert_eq!(res.status, 201, "POST {path}: {:?}", res.json);
        res.json
    }

    /// Creates domain `name` with endpoints `names` (password `password1`); returns the domain
    /// id and the endpoint JSONs.
    pub async fn domain_with(&self, name: &str, names: &[&str]) -> (String, Vec<Value>) {
        let domain = self
            .create("/domains", serde_json::json!({ "name": name }))
            .await;
        let domain_id = domain["id"].as_str().unwrap().to_owned();
        let mut endpoints = Vec::new();
        for n in names {
            endpoints.push(
                self.create(
                    &format!("/domains/{domain_id}/endpoints"),
                    serde_json::json!({ "name": n, "credentials": { "password": "password1" } }),
                )
                .await,
            );
        }
        (domain_id, endpoints)
    }

    /// The number of items `GET path` lists.
    pub async fn count(&self, path: &str) -> usize {
        let res = self.get(path).await;
        assert_eq!(res.status, 200, "GET {path}");
        res.json.as_array().expect("a list").len()
    }
}
