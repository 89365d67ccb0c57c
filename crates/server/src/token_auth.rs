//! Authenticating a login token (or its `auth_ephemeral` digest username) for an endpoint.
//! Used by the REST layer and by the SIP registrar/proxy alike.

use bwclient_sip::token::{ephemeral_password, Token, TokenError};

use crate::directory::{Directory, EndpointRecord};

/// Why a token does not authenticate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenCheckError {
    #[error("token is malformed: {0}")]
    Malformed(TokenError),
    #[error("token signature does not match")]
    BadSignature,
    #[error("token has expired")]
    Expired,
    #[error("token was revoked")]
    Revoked,
    #[error("token names no known endpoint")]
    UnknownEndpoint,
    #[error("endpoint is disabled")]
    Disabled,
    #[error("token belongs to another endpoint")]
    WrongEndpoint,
    /// Signed and unexpired, but not minted for this endpoint: minted before the endpoint
    /// (of that name) was created, or by another server with the same secret.
    #[error("token was not minted for this endpoint")]
    NotMinted,
}

impl TokenCheckError {
    /// A stable short code (for logs and SIP reason phrases).
    pub fn code(&self) -> &'static str {
        match self {
            TokenCheckError::Malformed(_) => "malformed",
            TokenCheckError::BadSignature => "bad_signature",
            TokenCheckError::Expired => "expired",
            TokenCheckError::Revoked => "revoked",
            TokenCheckError::UnknownEndpoint => "unknown_endpoint",
            TokenCheckError::Disabled => "disabled",
            TokenCheckError::WrongEndpoint => "wrong_endpoint",
            TokenCheckError::NotMinted => "not_minted",
        }
    }
}

/// Authenticates `token`: shape, HMAC signature (constant-time), expiry, revocation, that
/// the endpoint it names exists and is enabled, and that the token was minted for that very
/// endpoint (its `tokens` row). Returns that endpoint.
///
/// The caller must still check the endpoint is the one the request claims to be (or use
/// [`check_token_for`]).
pub fn check_token(
    dir: &dyn Directory,
    token: &str,
    now_unix: u64,
) -> Result<EndpointRecord, TokenCheckError> {
    let token = Token::parse(token).map_err(TokenCheckError::Malformed)?;
    token
        .verify(&dir.token_secret(), now_unix)
        .map_err(|err| match err {
            TokenError::Expired => TokenCheckError::Expired,
            TokenError::Signature => TokenCheckError::BadSignature,
            other => TokenCheckError::Malformed(other),
        })?;
    let username = token.digest_username();
    if dir.token_endpoint(&username).is_none() {
        dir.refresh_token(&username);
    }
    endpoint_for(dir, &username, &token.user, &token.host)
}

/// [`check_token`], and the token must name `user@host` (host compared case-insensitively):
/// a token for alice never authenticates bob.
pub fn check_token_for(
    dir: &dyn Directory,
    token: &str,
    user: &str,
    host: &str,
    now_unix: u64,
) -> Result<EndpointRecord, TokenCheckError> {
    let record = check_token(dir, token, now_unix)?;
    if record.user != user || !record.host.eq_ignore_ascii_case(host) {
        return Err(TokenCheckError::WrongEndpoint);
    }
    Ok(record)
}

/// For SIP digest with a token credential (Kamailio `auth_ephemeral` style): given the digest
/// `username` `<expiry>:<user>@<host>`, checks expiry, revocation and the endpoint, and returns
/// the endpoint with the password the digest must have been computed with
/// (`base64(HMAC-SHA1(secret, username))`). The caller verifies the digest response.
pub fn check_digest_username(
    dir: &dyn Directory,
    username: &str,
    now_unix: u64,
) -> Result<(EndpointRecord, String), TokenCheckError> {
    let malformed = || TokenCheckError::Malformed(TokenError::Payload);
    let (expires, identity) = username.split_once(':').ok_or_else(malformed)?;
    let expires: u64 = expires.parse().map_err(|_| malformed())?;
    let (user, host) = identity.rsplit_once('@').ok_or_else(malformed)?;
    if user.is_empty() || host.is_empty() {
        return Err(malformed());
    }
    if now_unix >= expires {
        return Err(TokenCheckError::Expired);
    }
    let record = endpoint_for(dir, username, user, host)?;
    Ok((record, ephemeral_password(&dir.token_secret(), username)))
}

/// Revocation, binding and endpoint checks shared by both credential forms: the token's
/// recorded row must name the endpoint that `user@host` is now (issue 11, hole 4).
fn endpoint_for(
    dir: &dyn Directory,
    username: &str,
    user: &str,
    host: &str,
) -> Result<EndpointRecord, TokenCheckError> {
    let record = dir
        .endpoint_by_aor(user, host)
        .ok_or(TokenCheckError::UnknownEndpoint)?;
    // Revoked, or retired with the endpoint it was minted for (deleting an endpoint revokes
    // its tokens, so an endpoint re-created under the name refuses them as revoked).
    if dir.is_token_revoked(username) {
        return Err(TokenCheckError::Revoked);
    }
    if !record.enabled {
        return Err(TokenCheckError::Disabled);
    }
    if dir.token_endpoint(username).as_deref() != Some(record.id.as_str()) {
        return Err(TokenCheckError::NotMinted);
    }
    Ok(record)
}
