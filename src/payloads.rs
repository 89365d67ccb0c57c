//! What listeners receive: every event payload and return value the page reads, as plain JS
//! objects made by serde-wasm-bindgen. Field names are the JS ones (camelCase); `None` is
//! `null`. The TypeScript types of the same shapes are in [`crate::typescript`].

use serde::Serialize;
use wasm_bindgen::JsValue;

/// `value` as a plain JS object (`None` → `null`).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    // Only plain data is serialised here, which cannot fail.
    value.serialize(&serializer).unwrap_or(JsValue::UNDEFINED)
}

/// `registered` / `registrationSuccess`.
#[derive(Serialize)]
pub struct Registration {
    pub expires: u32,
    pub status: u16,
}

/// `registrationFailed`: `status` is 0 when no SIP response came (no connection).
#[derive(Serialize)]
pub struct RegistrationFailure<'a> {
    pub code: &'static str,
    pub status: u16,
    pub reason: &'a str,
}

/// `unregistered`, `ringing`.
#[derive(Serialize)]
pub struct Status {
    pub status: u16,
}

/// `reconnecting`: `server` is the URL the next attempt goes to.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reconnecting<'a> {
    pub attempt: u32,
    pub delay_ms: u32,
    pub close_code: u16,
    /// Why: `closed` (the socket closed), `connect_timeout`, `keepalive_timeout` (no pong).
    pub reason: &'a str,
    pub server: &'a str,
}

/// `reconnected`: the server URL the phone is on now.
#[derive(Serialize)]
pub struct Reconnected<'a> {
    pub server: &'a str,
}

/// `tokenWillExpire`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenExpiry {
    pub expires_at: f64,
    pub seconds_left: f64,
}

/// `message` (phone) and `info` (call): a body and its type; `from` only for `message`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<&'a str>,
    pub content_type: &'a str,
    pub body: &'a str,
}

/// `log`.
#[derive(Serialize)]
pub struct LogEntry<'a> {
    pub level: &'static str,
    pub message: &'a str,
}

/// `ended` and `failed`.
#[derive(Serialize)]
pub struct Ended<'a> {
    pub reason: &'a str,
    pub code: Option<u16>,
}

/// `held` / `unheld`: `by` is `local` or `remote`.
#[derive(Serialize)]
pub struct Hold {
    pub by: &'static str,
}

/// `holdFailed` after a refused re-INVITE.
#[derive(Serialize)]
pub struct HoldRefused {
    pub code: u16,
}

/// `dtmf`: a digit the peer sent in SIP INFO.
#[derive(Serialize)]
pub struct Dtmf<'a> {
    pub digit: &'a str,
    pub duration: u32,
    pub transport: &'static str,
}

/// `transferProgress`.
#[derive(Serialize)]
pub struct TransferProgress {
    pub status: u16,
    pub done: bool,
}

/// One microphone or speaker of `getMicrophones()` / `getSpeakers()`.
#[derive(Serialize)]
pub struct AudioDevice {
    pub id: String,
    pub name: String,
}

/// `call.getInfo()`: the legacy shape plus `held`, `remoteHeld`, `startTime`, `duration` and
/// `server` (the URL the phone is on; `null` once the phone is gone).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallInfo<'a> {
    pub direction: &'static str,
    pub status: &'static str,
    pub local_uri: &'a str,
    pub remote_uri: &'a str,
    pub local_id: &'a str,
    pub remote_id: &'a str,
    pub local_name: Option<&'a str>,
    pub remote_name: Option<&'a str>,
    pub microphone_muted: bool,
    pub held: bool,
    pub remote_held: bool,
    pub start_time: Option<f64>,
    pub duration: f64,
    pub server: Option<&'a str>,
}
