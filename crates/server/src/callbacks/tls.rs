//! The TLS client configuration of `https://` callbacks: rustls with the ring provider, TLS 1.2
//! and 1.3, Mozilla's root store (`webpki-roots`) plus the CA certificates of an optional PEM
//! file (`--callback-ca`). The certificate must be valid for the URL's host (RFC 9110 §4.3.4,
//! RFC 6125), and SNI (RFC 6066 §3) names it; rustls does both for the server name given.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

/// Why the TLS client could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("callback CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("TLS: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The client configuration, trusting the public roots and the certificates in `extra_ca`.
pub fn client_config(extra_ca: Option<&Path>) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = extra_ca {
        let ca_error = |reason: String| TlsSetupError::CaFile {
            path: path.display().to_string(),
            reason,
        };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|err| ca_error(err.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| ca_error(err.to_string()))?;
        if certs.is_empty() {
            return Err(ca_error("no CERTIFICATE in it".into()));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|err| ca_error(format!("not a usable CA certificate: {err}")))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_ca_file_without_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        assert!(matches!(
            client_config(Some(&path)),
            Err(TlsSetupError::CaFile { .. })
        ));
        assert!(client_config(Some(&dir.path().join("missing.pem"))).is_err());
        assert!(client_config(None).is_ok());
    }
}
