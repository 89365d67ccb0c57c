//! Callback receivers for the `callbacks_*` tests: a test CA and certificates made with
//! `rcgen`, a tokio-rustls acceptor, an HTTP/1.1 request reader, and the signature check an
//! application would make, computed here independently of the server (hmac + sha2).
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bwclient_server::directory::CallEvent;
use hmac::{Hmac, Mac};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::Sha256;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;

/// A certificate authority made for one test.
pub struct TestCa {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl TestCa {
    pub fn new() -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "bwclient test-only CA");
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        TestCa { cert, key }
    }

    /// Writes the CA certificate as PEM into `dir` (for `--callback-ca`).
    pub fn write_pem(&self, dir: &Path) -> PathBuf {
        let path = dir.join("callback-ca.pem");
        std::fs::write(&path, self.cert.pem()).unwrap();
        path
    }

    /// A TLS acceptor whose certificate, signed by this CA, names `names` only.
    pub fn acceptor(&self, names: &[&str]) -> TlsAcceptor {
        let params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        let chain = vec![CertificateDer::from(cert.der().to_vec())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        TlsAcceptor::from(Arc::new(config))
    }
}

/// One received request.
#[derive(Debug)]
pub struct Request {
    pub head: String,
    pub body: Vec<u8>,
}

impl Request {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// Reads one request (head and `Content-Length` body) from `stream`.
pub async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Request {
    let mut got = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed before a whole request");
        got.extend_from_slice(&chunk[..n]);
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8(got[..end].to_vec()).unwrap();
            let request = Request {
                head,
                body: Vec::new(),
            };
            let len: usize = request.header("content-length").unwrap().parse().unwrap();
            if got.len() >= end + 4 + len {
                return Request {
                    body: got[end + 4..end + 4 + len].to_vec(),
                    ..request
                };
            }
        }
    }
}

/// Answers with `status` and no body.
pub async fn answer<S: AsyncWrite + Unpin>(stream: &mut S, status: &str) {
    let reply = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(reply.as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
    let _ = stream.shutdown().await;
}

/// What a receiving application does with `X-BWClient-Signature: t=<unix>,v1=<hex>`: recompute
/// HMAC-SHA256(secret, t + "." + body) and compare.
pub fn signature_verifies(secret: &str, header: &str, body: &[u8]) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = Some(value),
            Some(("v1", value)) => v1 = Some(value),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    let Ok(expected) = decode_hex(v1) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

fn decode_hex(hex: &str) -> Result<Vec<u8>, ()> {
    if !hex.len().is_multiple_of(2) {
        return Err(());
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| ()))
        .collect()
}

/// A call event for endpoint `endpoint_id`.
pub fn event(call_id: &str, endpoint_id: &str) -> CallEvent {
    CallEvent {
        kind: "start",
        call_id: call_id.into(),
        from: "sip:alice@acme.bwclient.test".into(),
        to: "sip:bob@acme.bwclient.test".into(),
        endpoint_id: endpoint_id.into(),
        callback_url: String::new(),
    }
}
