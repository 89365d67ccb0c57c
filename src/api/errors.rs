//! Errors as the page sees them: an `Error` with a stable `code` string.
//!
//! Codes: `bad_token`, `token_expired`, `auth_failed`, `registration_failed`,
//! `transport_failed`, `timeout`, `bad_target`, `bad_options`, `invalid_state`, `media_failed`,
//! `logged_out`, `message_failed`.

use super::js;
use bwclient_sip::UaError;
use wasm_bindgen::JsValue;

/// An `Error(message)` with `error.code = code`.
pub fn error(code: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    js::set(&err, "code", code);
    err.into()
}

/// A core refusal as a JS error (`invalid_state` unless the transport is the cause).
pub fn from_ua(err: UaError) -> JsValue {
    let code = match err {
        UaError::TransportDown => "transport_failed",
        _ => "invalid_state",
    };
    error(code, &err.to_string())
}

/// The error code for a failed REGISTER status.
pub fn registration_code(status: u16, token_expired: bool) -> &'static str {
    if token_expired {
        return "token_expired";
    }
    match status {
        401 | 403 | 407 => "auth_failed",
        408 => "timeout",
        503 => "transport_failed",
        _ => "registration_failed",
    }
}
