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
        let user = state
            .store
            .user_by_api_token(&token)?
            .filter(|user| constant_time_eq(user.api_secret.as_bytes(), secret.as_bytes()))
            .ok_or_else(ApiError::unauthorized)?;
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

/// Compares without an early exit, so the time taken does not tell how much of a guessed
/// secret was right (only whether its length was).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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

    #[test]
    fn compares_secrets() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secre"));
    }
}
