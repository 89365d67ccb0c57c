//! One event to one application, with bounded retries: resolve the host, check every address
//! against the [`TargetPolicy`], connect to a checked address (never resolving again, so DNS
//! rebinding cannot slip a private address in after the check), TLS for `https://`, sign,
//! POST.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::signature::{signature, SIGNATURE_HEADER};
use super::target::TargetPolicy;
use super::url::{CallbackUrl, Scheme};
use super::{CallbackConfig, Job, Outcome, PostError};

/// What every delivery shares.
pub struct Sender {
    pub config: CallbackConfig,
    pub tls: TlsConnector,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Sender {
    /// Delivers `job`, retrying transient failures with exponential back-off.
    pub async fn deliver(&self, job: &Job) -> Outcome {
        let config = &self.config;
        let mut backoff = config.first_backoff;
        let attempts = config.attempts.max(1);
        for attempt in 1..=attempts {
            match self.try_once(job).await {
                Ok(status) => {
                    return Outcome::Delivered {
                        status,
                        attempts: attempt,
                    }
                }
                Err(PostError::Refused(reason)) => {
                    tracing::warn!(url = %job.url, %reason, "callback refused");
                    return Outcome::Refused(reason);
                }
                Err(err) if err.is_transient() && attempt < attempts => {
                    tracing::debug!(url = %job.url, attempt, error = %err, "callback retry");
                    tokio::time::sleep(backoff).await;
                    backoff = backoff.saturating_mul(2);
                }
                Err(err) => {
                    tracing::warn!(url = %job.url, attempt, error = %err, "callback failed");
                    return Outcome::Failed {
                        attempts: attempt,
                        error: err.to_string(),
                    };
                }
            }
        }
        unreachable!("the last attempt returns")
    }

    async fn try_once(&self, job: &Job) -> Result<u16, PostError> {
        let url = CallbackUrl::parse(&job.url)
            .ok_or_else(|| PostError::Refused("not an http:// or https:// URL".into()))?;
        let addrs = self.resolve(&url).await?;
        let limit = self.config.timeout;
        let tcp = connect(&addrs, limit).await?;
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(error = %err, "TCP_NODELAY");
        }
        let timestamp = crate::db::now_unix();
        let signed = signature(&job.secret, timestamp, job.body.as_bytes());
        let headers = [(SIGNATURE_HEADER, signed.as_str())];
        let status = match url.scheme {
            Scheme::Http => {
                let mut tcp = tcp;
                super::http::post(&mut tcp, &url, &headers, job.body.as_bytes(), limit).await?
            }
            Scheme::Https => {
                let name = ServerName::try_from(url.host.clone())
                    .map_err(|_| PostError::Refused("not a TLS server name".into()))?;
                let mut tls = tokio::time::timeout(limit, self.tls.connect(name, tcp))
                    .await
                    .map_err(|_| PostError::Timeout)?
                    .map_err(PostError::from_tls)?;
                super::http::post(&mut tls, &url, &headers, job.body.as_bytes(), limit).await?
            }
        };
        if (200..300).contains(&status) {
            Ok(status)
        } else {
            Err(PostError::Status(status))
        }
    }

    /// Every address of the URL's host, each permitted by the policy; refused if any is not.
    async fn resolve(&self, url: &CallbackUrl) -> Result<Vec<SocketAddr>, PostError> {
        let addrs: Vec<SocketAddr> = match url.ip() {
            Some(ip) => vec![SocketAddr::new(ip, url.port)],
            None => tokio::time::timeout(
                self.config.timeout,
                tokio::net::lookup_host((url.host.as_str(), url.port)),
            )
            .await
            .map_err(|_| PostError::Timeout)??
            .collect(),
        };
        if addrs.is_empty() {
            return Err(PostError::Io(std::io::Error::other("no address")));
        }
        check_addresses(&addrs, self.config.targets)?;
        Ok(addrs)
    }
}

/// Refuses the lot if any address is outside the policy: a name that answers with one public
/// and one private address is treated as private.
pub fn check_addresses(addrs: &[SocketAddr], policy: TargetPolicy) -> Result<(), PostError> {
    match addrs.iter().find(|a| !policy.permits(a.ip())) {
        Some(addr) => Err(PostError::Refused(format!(
            "{} is not a public address (see --allow-private-callbacks)",
            addr.ip()
        ))),
        None => Ok(()),
    }
}

/// The first address that accepts, in the resolver's order (RFC 6724).
async fn connect(addrs: &[SocketAddr], limit: Duration) -> Result<TcpStream, PostError> {
    let mut last = PostError::Timeout;
    for addr in addrs {
        match tokio::time::timeout(limit, TcpStream::connect(addr)).await {
            Ok(Ok(tcp)) => return Ok(tcp),
            Ok(Err(err)) => last = PostError::Io(err),
            Err(_) => last = PostError::Timeout,
        }
    }
    Err(last)
}

/// Builds the shared [`Sender`].
pub fn sender(config: CallbackConfig, tls: Arc<rustls::ClientConfig>) -> Sender {
    Sender {
        config,
        tls: TlsConnector::from(tls),
    }
}
