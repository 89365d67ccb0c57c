//! Errors as the page sees them: an `Error` whose `code` is a stable string.

use bwclient_sip::UaError;
use wasm_bindgen::JsValue;

/// The `code` of every error the client raises, and of `registrationFailed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    BadToken,
    TokenExpired,
    AuthFailed,
    RegistrationFailed,
    TransportFailed,
    Timeout,
    BadTarget,
    BadOptions,
    InvalidState,
    MediaFailed,
    LoggedOut,
    MessageFailed,
}

impl Code {
    /// The string pages compare against (`err.code`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BadToken => "bad_token",
            Code::TokenExpired => "token_expired",
            Code::AuthFailed => "auth_failed",
            Code::RegistrationFailed => "registration_failed",
            Code::TransportFailed => "transport_failed",
            Code::Timeout => "timeout",
            Code::BadTarget => "bad_target",
            Code::BadOptions => "bad_options",
            Code::InvalidState => "invalid_state",
            Code::MediaFailed => "media_failed",
            Code::LoggedOut => "logged_out",
            Code::MessageFailed => "message_failed",
        }
    }

    /// The code of a failed REGISTER (RFC 3261 §21.4: 401/403/407 refuse the credentials, 408
    /// is a timeout, 503 a transport failure, §8.1.3.1); an expired token explains any refusal.
    pub fn of_registration(status: u16, token_expired: bool) -> Code {
        match status {
            _ if token_expired => Code::TokenExpired,
            401 | 403 | 407 => Code::AuthFailed,
            408 => Code::Timeout,
            503 => Code::TransportFailed,
            _ => Code::RegistrationFailed,
        }
    }
}

/// `new Error(message)` with `error.code = code`.
pub fn error(code: Code, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    // Setting a property on a fresh Error cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &code.as_str().into());
    err.into()
}

/// `n` in decimal (a status code in a message), without `core::fmt`.
pub fn decimal(n: u16) -> String {
    let mut out = String::new();
    bwclient_sip::syntax::push_u64(&mut out, u64::from(n));
    out
}

/// A refusal of the core: `transport_failed` when the socket is down, else `invalid_state`.
pub fn from_ua(err: UaError) -> JsValue {
    let code = match err {
        UaError::TransportDown => Code::TransportFailed,
        _ => Code::InvalidState,
    };
    error(code, &err.message())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_failures_map_to_their_codes() {
        assert_eq!(Code::of_registration(403, false), Code::AuthFailed);
        assert_eq!(Code::of_registration(401, false), Code::AuthFailed);
        assert_eq!(Code::of_registration(408, false), Code::Timeout);
        assert_eq!(Code::of_registration(503, false), Code::TransportFailed);
        assert_eq!(Code::of_registration(500, false), Code::RegistrationFailed);
        assert_eq!(Code::of_registration(403, true), Code::TokenExpired);
        assert_eq!(Code::BadOptions.as_str(), "bad_options");
    }
}
