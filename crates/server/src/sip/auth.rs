//! Authenticating a request to the registrar or the proxy.
//!
//! Accepted credentials, in this order:
//! 1. `X-Callsign-Token: <token>` (the original product's header);
//! 2. `Authorization: Bearer <token>` or `Proxy-Authorization: Bearer <token>` (RFC 8898);
//! 3. HTTP Digest (RFC 3261 §22, RFC 7616, RFC 8760; MD5 or SHA-256, `qop=auth` required, the
//!    nonce-count increasing per nonce so a captured answer never replays) whose realm
//!    is the claimed identity's domain, with either the endpoint's password (username `user` or
//!    `user@host`) or a token credential in the `auth_ephemeral` form (username
//!    `<expiry>:<user>@<host>`, password `base64(HMAC-SHA1(secret, username))`).
//!
//! With none of these the request is challenged: `401` + `WWW-Authenticate` for REGISTER
//! (RFC 3261 §22.2), `407` + `Proxy-Authenticate` for what the proxy forwards (§22.3), one
//! challenge per algorithm. Presented-but-wrong credentials get `403` with a reason phrase; a
//! digest whose `uri` does not name the Request-URI gets `400` (RFC 3261 §22.4).
//! The authenticated identity must be the claimed one (To of a REGISTER, From of anything
//! else): a credential of one endpoint never acts for another.
//!
//! An out-of-dialog request with no credentials at all, on a connection that REGISTERed as its
//! From identity with a credential that is still valid, is accepted without a challenge
//! (`conn_auth.rs`).

use super::conn_auth::Credential;
use super::conn_table::{lock, ConnId};
use super::digest::{uri_matches, DigestCredentials, ShapeError, OFFERED};
use super::location::aor_key;
use super::nonce::NonceError;
use super::nonce_count::NcCheck;
use super::refusal::{is_ephemeral_username, Refusal};
use super::reply::reply;
use super::service::{now_unix, SipService};
use crate::directory::EndpointRecord;
use crate::token_auth::{check_digest_username, check_token_for};
use bwclient_sip::header::typed::{
    Authorization, Challenge, Credentials, ProxyAuthenticate, ProxyAuthorization, WwwAuthenticate,
};
use bwclient_sip::token::Token;
use bwclient_sip::{HeaderName, Request, Response, TypedHeader};

/// Which side asks: decides 401 vs 407 and the header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker {
    Registrar,
    Proxy,
}

/// The result of authenticating one request.
pub enum AuthOutcome {
    /// The caller is this enabled endpoint, authenticated with this credential.
    Ok(Box<EndpointRecord>, Credential),
    /// Answer with this (a challenge or a `403`).
    Reject(Box<Response>),
}

/// The identity a request claims: `user@host` of its To (REGISTER) or From.
pub struct Claimed<'a> {
    pub user: &'a str,
    pub host: &'a str,
}

impl SipService {
    /// Authenticates `req`, received on `conn`, for the identity it claims (see the module
    /// docs).
    pub(super) fn authenticate(
        &self,
        conn: ConnId,
        req: &Request,
        claimed: &Claimed<'_>,
        asker: Asker,
    ) -> AuthOutcome {
        let now = now_unix();
        let refuse = |r: Refusal| AuthOutcome::Reject(Box::new(reply(req, 403, r.reason())));
        let by_token = |raw: &str| match check_token_for(
            self.dir.as_ref(),
            raw,
            claimed.user,
            claimed.host,
            now,
        ) {
            Ok(rec) => match Token::parse(raw) {
                Ok(token) => {
                    AuthOutcome::Ok(Box::new(rec), Credential::Token(token.digest_username()))
                }
                Err(_) => refuse(Refusal::Malformed),
            },
            Err(e) => refuse(Refusal::from(e)),
        };
        if let Some(raw) = req.headers.get(&HeaderName::X_CALLSIGN_TOKEN) {
            return by_token(raw);
        }
        let creds = credentials(req);
        if let Some(token) = creds.iter().find_map(bearer) {
            return by_token(token);
        }
        let digest = creds
            .iter()
            .filter_map(DigestCredentials::from_credentials)
            .find(|d| match d {
                Ok(d) => d.realm.eq_ignore_ascii_case(claimed.host),
                Err(_) => true,
            });
        let d = match digest {
            None if creds.is_empty() && asker == Asker::Proxy => {
                return match self.bound_identity(conn, claimed, now) {
                    Some((rec, credential)) => AuthOutcome::Ok(Box::new(rec), credential),
                    None => {
                        AuthOutcome::Reject(Box::new(self.challenge(req, claimed, asker, false)))
                    }
                };
            }
            None => {
                return AuthOutcome::Reject(Box::new(self.challenge(req, claimed, asker, false)))
            }
            Some(Err(ShapeError::Missing | ShapeError::Unsupported)) => {
                return refuse(Refusal::Unsupported)
            }
            Some(Ok(d)) => d,
        };
        if !uri_matches(d.uri, &req.uri) {
            // RFC 2617 §3.2.2.5: "If they do not match, the server SHOULD return a 400".
            return AuthOutcome::Reject(Box::new(reply(
                req,
                400,
                "Bad Request: digest uri does not match the Request-URI",
            )));
        }
        let issued = match self.nonces.check(d.nonce, claimed.host, now) {
            Ok(issued) => issued,
            // A nonce of ours that is too old, or one from before a restart (other key): the
            // client just has to answer a fresh challenge (RFC 7616 §3.3 `stale`).
            Err(NonceError::Stale | NonceError::Invalid) => {
                return AuthOutcome::Reject(Box::new(self.challenge(req, claimed, asker, true)))
            }
        };
        let ephemeral = is_ephemeral_username(d.username);
        let (endpoint, password) = if ephemeral {
            match check_digest_username(self.dir.as_ref(), d.username, now) {
                Ok(found) => found,
                Err(e) => return refuse(Refusal::from(e)),
            }
        } else {
            let (user, host) = d.username.rsplit_once('@').unwrap_or((d.username, d.realm));
            let Some(rec) = self.dir.endpoint_by_aor(user, host) else {
                return refuse(Refusal::UnknownEndpoint);
            };
            let Some(password) = rec.password.clone() else {
                return refuse(Refusal::BadPassword);
            };
            (rec, password)
        };
        if !d.verify(req.method.as_str(), &password) {
            return refuse(Refusal::BadPassword);
        }
        if endpoint.user != claimed.user || !endpoint.host.eq_ignore_ascii_case(claimed.host) {
            return refuse(Refusal::WrongIdentity);
        }
        if !endpoint.enabled {
            return refuse(Refusal::Disabled);
        }
        // Only now, with the response verified, does the nonce-count count (RFC 7616 §3.4):
        // a repeated (nonce, nc) is a replay, on any connection.
        let (nc, _) = d.nc_cnonce;
        match lock(&self.nonce_counts).check(d.nonce, issued, nc, now) {
            NcCheck::Fresh => {}
            NcCheck::Replay => {
                tracing::info!(
                    user = claimed.user,
                    "sip: replayed digest credentials refused"
                );
                return AuthOutcome::Reject(Box::new(self.challenge(req, claimed, asker, false)));
            }
            NcCheck::Stale => {
                return AuthOutcome::Reject(Box::new(self.challenge(req, claimed, asker, true)))
            }
        }
        let credential = if ephemeral {
            Credential::Token(d.username.to_owned())
        } else {
            Credential::Password
        };
        AuthOutcome::Ok(Box::new(endpoint), credential)
    }

    /// The identity `conn` REGISTERed as, if it is `claimed` and its credential is still
    /// valid now: the token not expired, revoked or unbound, the endpoint enabled and the very
    /// one that registered (not a re-created namesake).
    fn bound_identity(
        &self,
        conn: ConnId,
        claimed: &Claimed<'_>,
        now: u64,
    ) -> Option<(EndpointRecord, Credential)> {
        let identity =
            lock(&self.conn_auth).identity(conn, &aor_key(claimed.user, claimed.host))?;
        let record = match &identity.credential {
            Credential::Token(username) => {
                check_digest_username(self.dir.as_ref(), username, now)
                    .ok()?
                    .0
            }
            Credential::Password => self
                .dir
                .endpoint_by_aor(claimed.user, claimed.host)
                .filter(|r| r.enabled)?,
        };
        let same = record.id == identity.endpoint_id
            && record.user == claimed.user
            && record.host.eq_ignore_ascii_case(claimed.host);
        same.then_some((record, identity.credential))
    }

    /// `401`/`407` with one digest challenge per offered algorithm, realm = the claimed
    /// domain, a fresh stateless nonce, `qop="auth"` (RFC 3261 §22.1, RFC 8760 §2.4).
    fn challenge(
        &self,
        req: &Request,
        claimed: &Claimed<'_>,
        asker: Asker,
        stale: bool,
    ) -> Response {
        let nonce = self.nonces.issue(claimed.host, now_unix());
        let mut resp = match asker {
            Asker::Registrar => reply(req, 401, "Unauthorized"),
            Asker::Proxy => reply(req, 407, "Proxy Authentication Required"),
        };
        for alg in OFFERED {
            let mut params = vec![
                ("realm".to_owned(), claimed.host.to_owned()),
                ("nonce".to_owned(), nonce.clone()),
                ("qop".to_owned(), "auth".to_owned()),
                ("algorithm".to_owned(), alg.as_str().to_owned()),
            ];
            if stale {
                params.push(("stale".to_owned(), "true".to_owned()));
            }
            let challenge = Challenge {
                scheme: "Digest".to_owned(),
                params,
            };
            match asker {
                Asker::Registrar => resp.headers.push_typed(&WwwAuthenticate(challenge)),
                Asker::Proxy => resp.headers.push_typed(&ProxyAuthenticate(challenge)),
            }
        }
        resp
    }
}

/// Every parsable `Authorization` and `Proxy-Authorization` value of the request.
fn credentials(req: &Request) -> Vec<Credentials> {
    let mut out = Vec::new();
    for v in req.headers.get_all(&HeaderName::AUTHORIZATION) {
        if let Ok(a) = Authorization::parse(v) {
            out.push(a.0);
        }
    }
    for v in req.headers.get_all(&HeaderName::PROXY_AUTHORIZATION) {
        if let Ok(a) = ProxyAuthorization::parse(v) {
            out.push(a.0);
        }
    }
    out
}

/// The token of `Bearer` credentials (RFC 8898 §2.3).
fn bearer(c: &Credentials) -> Option<&str> {
    if c.scheme.eq_ignore_ascii_case("Bearer") {
        c.token.as_deref()
    } else {
        None
    }
}
