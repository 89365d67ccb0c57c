//! The whole server: storage, token secret, users, demo, callbacks and one axum router on one
//! port. [`serve`] binds and returns a [`RunningServer`] (tests bind port 0 and read
//! [`RunningServer::addr`]).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::callbacks::{Callbacks, TargetPolicy, TlsSetupError};
use crate::config::Config;
use crate::credential_cache::CredentialCache;
use crate::db::{now_unix, DbError, Store, User};
use crate::demo::{DemoError, DemoInfo};
use crate::sip::SipService;
use crate::store_directory::StoreDirectory;

/// Shared state of every request handler.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub directory: Arc<StoreDirectory>,
    /// The WebSocket URLs minted tokens carry, in order (never empty).
    pub ws_urls: Arc<[String]>,
    /// Set in demo mode only.
    pub demo: Option<Arc<DemoInfo>>,
    /// The SIP side (the demo's fault button drops connections through it).
    pub sip: Arc<SipService>,
    /// REST credentials already checked against their argon2 hash.
    pub verified: Arc<CredentialCache>,
    /// Origins besides the server's own that may call `/demo/drop` (`--demo-drop-origins`).
    pub demo_drop_origins: Arc<[String]>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("storage: {0}")]
    Db(#[from] DbError),
    #[error("demo: {0}")]
    Demo(#[from] DemoError),
    #[error(
        "BWCLIENT_TOKEN_SECRET is {0} bytes; it must be at least {MIN_TOKEN_SECRET} (e.g. `openssl rand -base64 48`)"
    )]
    WeakTokenSecret(usize),
    #[error("callbacks: {0}")]
    Callbacks(#[from] TlsSetupError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Where the token secret came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    /// `BWCLIENT_TOKEN_SECRET`.
    Config,
    /// Generated on a first start and kept in the database.
    Stored,
}

/// A started server. Drop it to leave it running detached; [`RunningServer::stop`] to stop.
pub struct RunningServer {
    /// The bound address (the real port when the config asked for port 0).
    pub addr: SocketAddr,
    /// The first WebSocket URL in minted tokens.
    pub ws_url: String,
    /// Every WebSocket URL in minted tokens, in order (`ws_url` first).
    pub ws_urls: Vec<String>,
    pub store: Store,
    /// The [`crate::directory::Directory`] implementation the SIP side is given.
    pub directory: Arc<StoreDirectory>,
    /// The default API user (credentials from config, or generated on the first start).
    pub user: User,
    pub secret_source: SecretSource,
    /// What demo mode set up, if on.
    pub demo: Option<DemoInfo>,
    /// The SIP registrar/proxy serving `/sip`.
    pub sip: Arc<SipService>,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl std::fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningServer")
            .field("addr", &self.addr)
            .field("ws_url", &self.ws_url)
            .field("user", &self.user.id)
            .field("demo", &self.demo.is_some())
            .finish_non_exhaustive()
    }
}

impl RunningServer {
    /// `http://<addr>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Graceful stop (SIGTERM, Ctrl-C): stops accepting connections, lets SIP transactions
    /// and HTTP requests in flight finish ([`SHUTDOWN_BOUND`] at most), closes every SIP
    /// WebSocket with 1001 Going Away (clients reconnect at once), and checkpoints the
    /// database (undelivered call events and active calls are in it, and are taken up by the
    /// next start).
    pub async fn stop(self) -> crate::sip::Drained {
        let deadline = std::time::Instant::now() + SHUTDOWN_BOUND;
        let _ = self.shutdown.send(());
        let drained = self.sip.drain(deadline).await;
        if drained.unfinished > 0 {
            tracing::warn!(
                unfinished = drained.unfinished,
                "shutdown: transactions still in flight abandoned"
            );
        }
        let mut task = self.task;
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if tokio::time::timeout(left.max(Duration::from_millis(100)), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
        // Background writes (queued call events, saved calls) first, then the checkpoint;
        // both block on SQLite, so off the async workers.
        let store = self.store.clone();
        let flushed = tokio::task::spawn_blocking(move || {
            store.flush_background();
            store.checkpoint()
        })
        .await;
        match flushed {
            Ok(Ok(())) => {}
            Ok(Err(err)) => tracing::error!(error = %err, "shutdown: database checkpoint failed"),
            Err(err) => tracing::error!(error = %err, "shutdown: database flush failed"),
        }
        drained
    }

    /// Runs until the server task ends (an accept error); for `main`.
    pub async fn wait(&mut self) -> std::io::Result<()> {
        match (&mut self.task).await {
            Ok(result) => result,
            Err(err) => Err(std::io::Error::other(err)),
        }
    }
}

/// How long a graceful stop waits for transactions and requests in flight.
pub const SHUTDOWN_BOUND: Duration = Duration::from_secs(5);

/// Shortest token secret accepted (bytes): tokens are HMAC-SHA1 signed, and a short secret
/// can be brute-forced from any one token (RFC 2104 §3: keys shorter than the hash output
/// weaken it; 32 bytes leaves margin).
pub const MIN_TOKEN_SECRET: usize = 32;

/// How often an instance on a shared database claims the queued call events of instances that
/// are gone.
const ORPHANED_EVENTS_CLAIM_PERIOD: Duration = Duration::from_secs(30);

/// The settings key of the generated token secret.
const TOKEN_SECRET_KEY: &str = "token_secret";

/// Opens storage, prepares users, secret and demo, binds `config.listen` and starts serving.
pub async fn serve(config: Config) -> Result<RunningServer, ServeError> {
    if let Some(secret) = &config.token_secret {
        if secret.len() < MIN_TOKEN_SECRET {
            return Err(ServeError::WeakTokenSecret(secret.len()));
        }
    }
    let store = Store::open_database(&config.database())?;
    // Secrets stored in clear by older versions are hashed before anything reads them.
    let hashed =
        store.hash_clear_api_secrets()? + store.hash_clear_endpoint_passwords(&config.realm)?;
    if hashed > 0 {
        store.checkpoint()?;
        tracing::info!(
            hashed,
            "secrets stored in clear were replaced by their hashes"
        );
    }
    let (secret, secret_source) = match &config.token_secret {
        Some(secret) => (secret.clone(), SecretSource::Config),
        None => (
            store.setting_or_insert(TOKEN_SECRET_KEY, || crate::db::new_secret(40))?,
            SecretSource::Stored,
        ),
    };
    let credentials = config
        .api_credentials
        .as_ref()
        .map(|(token, secret)| (token.as_str(), secret.as_str()));
    let user = store.ensure_user("default", credentials)?;
    store.prune_tokens(now_unix())?;
    store.prune_revoked(now_unix())?;
    let demo = if config.demo {
        Some(crate::demo::ensure(&store)?)
    } else {
        None
    };

    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: config.listen,
        source,
    })?;
    let ws_urls = if config.public_ws_urls.is_empty() {
        vec![default_ws_url(addr)]
    } else {
        config.public_ws_urls.clone()
    };
    let ws_url = ws_urls[0].clone();

    let mut callback_config = config.callbacks.clone();
    // Demo mode: receivers on the same machine are fine; private networks stay refused.
    if config.demo && callback_config.targets == TargetPolicy::PublicOnly {
        callback_config.targets = TargetPolicy::AllowLoopback;
    }
    // Events a previous process left undelivered go out again (`callback_queue`).
    let callbacks = Callbacks::start_persisted(callback_config, store.clone())?;
    let resumed = callbacks.resume();
    if resumed > 0 {
        tracing::info!(resumed, "call events from before the restart queued again");
    }
    if store.is_shared() {
        // Several instances: events an instance that died left are taken up by a live one
        // now and then, not only when an instance next starts (`db::callback_queue`).
        let callbacks = callbacks.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(ORPHANED_EVENTS_CLAIM_PERIOD);
            tick.tick().await;
            loop {
                tick.tick().await;
                let callbacks = callbacks.clone();
                let claimed = tokio::task::spawn_blocking(move || callbacks.resume()).await;
                if let Ok(n @ 1..) = claimed {
                    tracing::info!(n, "call events of a stopped instance taken up");
                }
            }
        });
    }
    let directory = Arc::new(StoreDirectory::new(
        store.clone(),
        &config.realm,
        secret.into_bytes(),
        callbacks,
    ));
    let sip = SipService::new(directory.clone(), config.sip.clone());
    // PostgreSQL: revocations made through another instance close registrations here too.
    if store.is_shared() {
        store.on_remote_revocation(crate::revocation::remote_hook(&sip));
    }
    let state = AppState {
        store: store.clone(),
        directory: directory.clone(),
        ws_urls: Arc::from(ws_urls.as_slice()),
        demo: demo.clone().map(Arc::new),
        sip: sip.clone(),
        verified: Arc::new(CredentialCache::default()),
        demo_drop_origins: config.demo_drop_origins.clone().into(),
    };
    let app = router(state, sip.clone(), &config);

    let (shutdown, shutdown_rx) = oneshot::channel::<()>();
    // TCP_NODELAY: SIP messages are small writes, often several to one peer in a row (100,
    // 180, a 200 for an INFO, then the 200 for the INVITE). With Nagle's algorithm each waits
    // for the peer's delayed ACK of the one before: 25 ms added to call setup, measured.
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!(error = %err, "could not set TCP_NODELAY");
        }
    });
    let task = tokio::spawn(async move {
        // The peer address feeds the per-address caps of `/sip` (issue 11, hole 5).
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = shutdown_rx.await;
            })
            .await
    });
    Ok(RunningServer {
        addr,
        ws_url,
        ws_urls,
        store,
        directory,
        user,
        secret_source,
        demo,
        sip,
        shutdown,
        task,
    })
}

/// Every route: `/v1` REST, `/demo/token` and `/demo/drop`, `/sip` (SIP over WebSocket), static files.
pub fn router(state: AppState, sip: Arc<SipService>, config: &Config) -> Router {
    Router::new()
        .nest("/v1", crate::rest::router())
        .route("/demo/token", get(crate::demo::token))
        .route(
            "/demo/drop",
            axum::routing::post(crate::demo::drop_connections),
        )
        .merge(crate::static_files::router(
            &config.www_dir,
            &config.pkg_dir,
        ))
        .with_state(state)
        .merge(crate::sip::router(sip))
}

/// `ws://<addr>/sip`, with a wildcard bind address replaced by loopback (a browser cannot
/// connect to 0.0.0.0).
pub fn default_ws_url(addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    format!("ws://{addr}/sip")
}

#[cfg(test)]
mod tests {
    use super::default_ws_url;

    #[test]
    fn ws_url_from_bound_address() {
        assert_eq!(
            default_ws_url("127.0.0.1:8080".parse().unwrap()),
            "ws://127.0.0.1:8080/sip"
        );
        assert_eq!(
            default_ws_url("0.0.0.0:9000".parse().unwrap()),
            "ws://127.0.0.1:9000/sip"
        );
        assert_eq!(
            default_ws_url("[::]:80".parse().unwrap()),
            "ws://[::1]:80/sip"
        );
    }
}
