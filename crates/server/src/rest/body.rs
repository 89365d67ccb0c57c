//! The JSON body extractor: like `axum::Json`, but its rejections are JSON errors, and it
//! ignores `Content-Type` (old clients post JSON as text/plain).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// Bodies above this are refused with 413 (every resource fits in a few hundred bytes).
pub const MAX_BODY: usize = 64 * 1024;

/// A deserialized JSON request body.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request(
                "missing_body",
                "a JSON body is required",
            ));
        }
        parse_json(&bytes).map(JsonBody)
    }
}

/// A JSON body that may be absent (empty): `None` then.
#[derive(Debug)]
pub struct OptionalJsonBody<T>(pub Option<T>);

impl<S, T> FromRequest<S> for OptionalJsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJsonBody(None));
        }
        parse_json(&bytes).map(|value| OptionalJsonBody(Some(value)))
    }
}

/// The raw body, or a JSON error if it cannot be read (too large, connection dropped).
pub async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(status, "body_too_large", "request body is too large")
        } else {
            ApiError::bad_request("unreadable_body", rejection.body_text())
        }
    })
}

/// Parses `bytes` as `T`, telling syntax errors from wrong or missing fields. The syntax is
/// checked first on its own, so `[1,` is malformed rather than "not an object". Every body
/// of this API is an object (serde would otherwise also accept a struct as an array).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|err| ApiError::bad_request("malformed_json", err.to_string()))?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "invalid_body",
            "the body must be a JSON object",
        ));
    }
    serde_json::from_value(value)
        .map_err(|err| ApiError::bad_request("invalid_body", err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Named {
        name: String,
    }

    #[test]
    fn classifies_errors() {
        assert_eq!(
            parse_json::<Named>(b"{\"name\":").unwrap_err().code,
            "malformed_json"
        );
        assert_eq!(
            parse_json::<Named>(b"{nope}").unwrap_err().code,
            "malformed_json"
        );
        assert_eq!(
            parse_json::<Named>(b"[1,").unwrap_err().code,
            "malformed_json"
        );
        assert_eq!(parse_json::<Named>(b"{}").unwrap_err().code, "invalid_body");
        assert_eq!(
            parse_json::<Named>(b"{\"name\":5}").unwrap_err().code,
            "invalid_body"
        );
        assert_eq!(
            parse_json::<Named>(b"[\"x\"]").unwrap_err().code,
            "invalid_body"
        );
        assert_eq!(parse_json::<Named>(b"{\"name\":\"x\"}").unwrap().name, "x");
    }
}
