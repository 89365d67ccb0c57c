//! `/v1/users/{userId}/domains/{domainId}/endpoints/{endpointId}/tokens`: login tokens.
//!
//! A token is self-describing (see `bwclient_sip::token`) and bound to the endpoint it was
//! minted for by a row in `tokens` (see `crate::db::tokens`); revoking one deletes that row
//! and records its signed identity until it would have expired anyway.

use axum::extract::State;
use axum::response::Response;
use bwclient_sip::token::{Token, TokenError};
use serde::{Deserialize, Serialize};

use super::body::OptionalJsonBody;
use super::error::ApiError;
use super::{created, deleted, ApiPath};
use crate::app::AppState;
use crate::auth_basic::AuthUser;
use crate::db::{now_unix, Endpoint};
use crate::directory::Directory;

/// Lifetime when the body gives none (a day, as in the original product's examples).
pub const DEFAULT_LIFETIME: u64 = 86_400;
/// Longest lifetime a client may ask for (30 days).
pub const MAX_LIFETIME: u64 = 30 * 86_400;

/// `POST` body (optional).
#[derive(Debug, Default, Deserialize)]
pub struct CreateToken {
    /// Lifetime in seconds.
    #[serde(default)]
    expires: Option<u64>,
}

/// The minted token: `{"expires": <seconds>, "token": "…"}`.
#[derive(Debug, Serialize, Deserialize)]
pub struct TokenJson {
    pub expires: u64,
    pub token: String,
}

/// How many earlier expiry seconds the mint tries when a username may not be issued again.
const MINT_ATTEMPTS: u64 = 120;

/// Mints a token for `endpoint`, valid `lifetime` seconds from now (or a few seconds less),
/// and records it bound to the endpoint. A username that was revoked or retired is never
/// issued again: the mint picks an earlier expiry second instead. Returns the token and its
/// lifetime in seconds.
pub fn mint_for(
    state: &AppState,
    endpoint: &Endpoint,
    lifetime: u64,
) -> Result<(Token, u64), ApiError> {
    let host = state.directory.host_of(&endpoint.domain_name);
    let now = now_unix();
    let latest = now.saturating_add(lifetime);
    for back in 0..MINT_ATTEMPTS.min(lifetime) {
        let expires = latest - back;
        let username = format!("{expires}:{}@{host}", endpoint.name);
        if state
            .store
            .record_token(&username, &endpoint.id, expires, now)?
        {
            let ws_urls: Vec<&str> = state.ws_urls.iter().map(String::as_str).collect();
            let token = Token::mint_urls(
                &state.directory.token_secret(),
                expires,
                &endpoint.name,
                &host,
                &ws_urls,
            );
            return Ok((token, lifetime - back));
        }
    }
    Err(ApiError::conflict(
        "no token name left to issue for this lifetime; try again in a second",
    ))
}

/// `POST …/endpoints/{endpointId}/tokens` → `201` with `Location: …/tokens/{token}`.
pub async fn create(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, domain_id, endpoint_id)): ApiPath<(String, String, String)>,
    OptionalJsonBody(body): OptionalJsonBody<CreateToken>,
) -> Result<Response, ApiError> {
    super::db(&state, move |state| {
        let endpoint = state
            .store
            .endpoint(&user.id, &domain_id, &endpoint_id)?
            .ok_or_else(|| ApiError::not_found("endpoint"))?;
        let lifetime = body.unwrap_or_default().expires.unwrap_or(DEFAULT_LIFETIME);
        if !(1..=MAX_LIFETIME).contains(&lifetime) {
            return Err(ApiError::invalid_field(
                "expires",
                "seconds, from 1 to 2592000 (30 days)",
            ));
        }
        let (token, lifetime) = mint_for(state, &endpoint, lifetime)?;
        let location = format!(
            "/v1/users/{}/domains/{}/endpoints/{}/tokens/{}",
            user.id,
            domain_id,
            endpoint_id,
            token.as_str()
        );
        Ok(created(
            location,
            TokenJson {
                expires: lifetime,
                token: token.as_str().to_owned(),
            },
        ))
    })
    .await
}

/// `DELETE …/endpoints/{endpointId}/tokens/{token}`: revokes a token this server minted for
/// this endpoint (404 for anything else). Revoking twice, or an expired token, is fine.
pub async fn revoke(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((_, domain_id, endpoint_id, raw)): ApiPath<(String, String, String, String)>,
) -> Result<Response, ApiError> {
    super::db(&state, move |state| {
        let endpoint = state
            .store
            .endpoint(&user.id, &domain_id, &endpoint_id)?
            .ok_or_else(|| ApiError::not_found("endpoint"))?;
        let not_found = || ApiError::not_found("token");
        let token = Token::parse(&raw).map_err(|_| not_found())?;
        // Expiry does not matter here, only that we signed it: check as of the Unix epoch.
        match token.verify(&state.directory.token_secret(), 0) {
            Ok(()) | Err(TokenError::Expired) => {}
            Err(_) => return Err(not_found()),
        }
        let host = state.directory.host_of(&endpoint.domain_name);
        if token.user != endpoint.name || !token.host.eq_ignore_ascii_case(&host) {
            return Err(not_found());
        }
        let username = token.digest_username();
        state.store.delete_token(&username)?;
        state
            .store
            .revoke_token(&username, token.expires, now_unix())?;
        crate::revocation::token_revoked(state, &endpoint, &username)?;
        Ok(deleted())
    })
    .await
}
