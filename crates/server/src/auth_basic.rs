//! HTTP basic authentication of REST calls with a user's API token (user name) and secret
//! (password), and the rule that a user only reaches its own `/v1/users/{userId}/…` tree.
//!
//! A path naming another user gets 404, like any other resource that is not yours: the API
//! never confirms that someone else's id exists.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::{header, request::Parts};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::app::AppState;
use crate::db::User;
use crate::rest::error::ApiError;
use crate::secrets::verify_api_secret;

/// The authenticated caller. Extracting it checks the credentials and the `userId` path
/// segment, before the body is read.
#[derive(Debug, Clone)]
pub struct AuthUser(pub User);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (token, secret) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(decode_basic)
            .ok_or_else(ApiError::unauthorized)?;
        // A SQLite read: on the blocking pool, not the async workers (`rest::db`).
        let lookup = token.clone();
        let user = crate::rest::db(state, move |state| {
            Ok(state.store.user_by_api_token(&lookup)?)
        })
        .await?
        .ok_or_else(ApiError::unauthorized)?;
        if !state
            .verified
            .is_verified(&token, &secret, &user.api_secret_hash)
        {
            // The secret is stored as an argon2id hash (`crate::secrets`): checking it costs
            // milliseconds of CPU, so off the async workers, and once per pair (the cache).
            // At most `CONCURRENT_CHECKS` at once (memory and CPU bound).
            let _permit = state
                .verified
                .checks
                .acquire()
                .await
                .map_err(|_| ApiError::unauthorized())?;
            let hash = user.api_secret_hash.clone();
            let given = secret.clone();
            let ok = tokio::task::spawn_blocking(move || verify_api_secret(&given, &hash))
                .await
                .unwrap_or(false);
            if !ok {
                return Err(ApiError::unauthorized());
            }
            state
                .verified
                .remember(&token, &secret, &user.api_secret_hash);
        }
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found("user"))?;
        if let Some((_, user_id)) = params.iter().find(|(name, _)| *name == "userId") {
            if user_id != user.id {
                return Err(ApiError::not_found("user"));
            }
        }
        Ok(AuthUser(user))
    }
}

/// `(user, password)` from an `Authorization: Basic …` value.
fn decode_basic(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_basic_header() {
        let value = format!("Basic {}", STANDARD.encode("tok:sec:ret"));
        assert_eq!(decode_basic(&value), Some(("tok".into(), "sec:ret".into())));
        assert_eq!(decode_basic("Bearer abc"), None);
        assert_eq!(decode_basic("Basic !!!"), None);
        assert_eq!(
            decode_basic(&format!("Basic {}", STANDARD.encode("nocolon"))),
            None
        );
    }
}
