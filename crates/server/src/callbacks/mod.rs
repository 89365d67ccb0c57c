//! Call events POSTed to an application's `incomingCallUrl`, off the routing path.
//!
//! [`Callbacks::queue`] never waits: it drops the event (and logs) if the application's bounded
//! queue is full. Each application has its own queue and its own delivery slots
//! ([`per_app`]), so a URL that never answers delays only its own application's events. A
//! delivery ([`deliver`]) resolves the host and refuses loopback, private and link-local
//! addresses unless the [`TargetPolicy`] allows them ([`target`]), connects over TCP, or TLS
//! for `https://` ([`tls`]), signs the body with the application's secret ([`signature`]) and
//! POSTs it with a small HTTP/1.1 client ([`http`]), retrying connection failures, time-outs,
//! 429 and 5xx with exponential back-off a bounded number of times.
//!
//! With a [`Store`] ([`Callbacks::start_persisted`]) every queued event is also a row of
//! `callback_queue` until its delivery ends, and [`Callbacks::resume`] queues the rows a
//! previous process left (stopped or crashed) again: events survive a restart and are
//! delivered at least once.

mod deliver;
mod http;
mod per_app;
pub mod signature;
pub mod target;
pub mod tls;
pub mod url;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;

use crate::db::Store;
use crate::directory::CallEvent;
pub use signature::{new_secret, SIGNATURE_HEADER};
pub use target::TargetPolicy;
pub use tls::TlsSetupError;
use url::CallbackUrl;

/// Delivery limits and policy.
#[derive(Debug, Clone)]
pub struct CallbackConfig {
    /// Tries per event, the first one included.
    pub attempts: u32,
    /// Wait before the second try; doubled before each later one.
    pub first_backoff: Duration,
    /// Limit for resolving, connecting, the TLS handshake, sending and reading the status
    /// line, each.
    pub timeout: Duration,
    /// Events waiting for delivery, per application; more are dropped.
    pub per_app_queue: usize,
    /// Deliveries in flight at once, per application.
    pub per_app_concurrency: usize,
    /// Which addresses callbacks may go to (`--allow-private-callbacks`; demo mode allows
    /// loopback).
    pub targets: TargetPolicy,
    /// PEM file of CA certificates trusted for `https://` callbacks besides the public roots
    /// (`--callback-ca`).
    pub ca_file: Option<PathBuf>,
}

impl Default for CallbackConfig {
    fn default() -> Self {
        CallbackConfig {
            attempts: 4,
            first_backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(5),
            per_app_queue: 256,
            per_app_concurrency: 4,
            targets: TargetPolicy::PublicOnly,
            ca_file: None,
        }
    }
}

/// Where an application's events go and the secret they are signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub application_id: String,
    pub url: String,
    pub secret: String,
}

/// One queued delivery.
#[derive(Debug, Clone)]
struct Job {
    /// Its `callback_queue` row, when the queue is persisted.
    row: Option<i64>,
    application_id: String,
    url: String,
    secret: String,
    body: String,
}

/// How a delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer.
    Delivered { status: u16, attempts: u32 },
    /// Never sent: the URL or its addresses are not allowed.
    Refused(String),
    /// Sent and failed, after `attempts` tries.
    Failed { attempts: u32, error: String },
}

/// A finished delivery, for whoever subscribed ([`Callbacks::subscribe`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub application_id: String,
    pub url: String,
    pub outcome: Outcome,
}

/// Why one try failed.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error("refused: {0}")]
    Refused(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("timed out")]
    Timeout,
    #[error("malformed response")]
    Response,
    #[error("status {0}")]
    Status(u16),
}

impl PostError {
    /// Worth another try: the network or the server may recover; a 4xx, a certificate that
    /// does not fit or a refused address won't.
    fn is_transient(&self) -> bool {
        match self {
            PostError::Refused(_) | PostError::Tls(_) => false,
            PostError::Status(code) => *code >= 500 || *code == 429,
            _ => true,
        }
    }

    /// A handshake error: a TLS failure (bad certificate, no common protocol) is final;
    /// anything else is a network error.
    fn from_tls(err: std::io::Error) -> PostError {
        match err
            .get_ref()
            .and_then(|e| e.downcast_ref::<rustls::Error>())
        {
            Some(tls) => PostError::Tls(tls.to_string()),
            None => PostError::Io(err),
        }
    }
}

/// Why a URL cannot be stored as an `incomingCallUrl`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefusal {
    #[error("an http:// or https:// URL with a host name or IP address")]
    Malformed,
    #[error("{0} is not a public address (the server allows private callback targets only with --allow-private-callbacks)")]
    NotPublic(std::net::IpAddr),
}

/// The check made when an application's URL is written: well-formed, and a literal IP must be
/// one the policy permits (a name is checked on each delivery, on what it resolves to then).
pub fn check_url(url: &str, policy: TargetPolicy) -> Result<(), UrlRefusal> {
    let parsed = CallbackUrl::parse(url).ok_or(UrlRefusal::Malformed)?;
    match parsed.ip() {
        Some(ip) if !policy.permits(ip) => Err(UrlRefusal::NotPublic(ip)),
        _ => Ok(()),
    }
}

/// The JSON body of a call event.
pub fn event_body(event: &CallEvent, now_unix: u64) -> String {
    serde_json::json!({
        "eventType": event.kind,
        "callId": event.call_id,
        "from": event.from,
        "to": event.to,
        "endpointId": event.endpoint_id,
        "time": now_unix,
    })
    .to_string()
}

/// The sending side of the callback queues. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Callbacks {
    queues: Arc<per_app::Queues>,
}

impl Callbacks {
    /// Sets up delivery on the current tokio runtime (loading `config.ca_file`). Each
    /// application's worker starts with its first event and stops when it has been idle a while.
    pub fn start(config: CallbackConfig) -> Result<Callbacks, TlsSetupError> {
        Self::start_with(config, None)
    }

    /// [`Callbacks::start`], with every queued event kept in `store` until its delivery ends.
    pub fn start_persisted(
        config: CallbackConfig,
        store: Store,
    ) -> Result<Callbacks, TlsSetupError> {
        Self::start_with(config, Some(store))
    }

    fn start_with(
        config: CallbackConfig,
        store: Option<Store>,
    ) -> Result<Callbacks, TlsSetupError> {
        let tls = tls::client_config(config.ca_file.as_deref())?;
        let (reports, _) = broadcast::channel(256);
        Ok(Callbacks {
            queues: per_app::Queues::new(deliver::sender(config, tls), reports, store),
        })
    }

    /// Queues `event` for `to`; returns at once. False if it was dropped (that application's
    /// queue is full).
    pub fn queue(&self, to: &Destination, event: &CallEvent) -> bool {
        let job = Job {
            row: None,
            application_id: to.application_id.clone(),
            url: to.url.clone(),
            secret: to.secret.clone(),
            body: event_body(event, crate::db::now_unix()),
        };
        self.queues.push(job)
    }

    /// Queues again the events a previous process left in the store, oldest first, each to
    /// its application's current URL with its current secret (dropped if the application has
    /// no URL any more). Returns how many were queued.
    pub fn resume(&self) -> usize {
        let Some(store) = &self.queues.store else {
            return 0;
        };
        let rows = match store.queued_callbacks() {
            Ok(rows) => rows,
            Err(err) => {
                tracing::error!(error = %err, "queued callbacks unreadable");
                return 0;
            }
        };
        let mut queued = 0;
        for row in rows {
            let app = store.application_by_id(&row.application_id).ok().flatten();
            let Some((app, url)) = app.and_then(|a| a.incoming_call_url.clone().map(|u| (a, u)))
            else {
                let _ = store.unqueue_callback(row.id);
                continue;
            };
            let job = Job {
                row: Some(row.id),
                application_id: app.id,
                url,
                secret: app.callback_secret,
                body: row.body,
            };
            if self.queues.push(job) {
                queued += 1;
            }
        }
        queued
    }

    /// The address policy (the REST API checks literal IPs with it).
    pub fn targets(&self) -> TargetPolicy {
        self.queues.sender.config.targets
    }

    /// Reports of finished deliveries from now on (for tests and monitoring; a slow
    /// subscriber misses some, never slows delivery).
    pub fn subscribe(&self) -> broadcast::Receiver<DeliveryReport> {
        self.queues.reports.subscribe()
    }
}

#[cfg(test)]
mod tests;
