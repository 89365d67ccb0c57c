//! What pages pass in: `BWClient.login` options, the legacy `createPhone` config and
//! `phone.call` options, read with js-sys `Reflect` into typed structs (no serde
//! `Deserialize`: it would bring float parsing into the download). Every field is checked: an
//! unknown name or a value of the wrong type is a `bad_options` error naming the field, and
//! `undefined`/`null` count as absent.

use crate::errors::{error, Code};
use crate::log::Level;
use crate::reconnect::ReconnectPolicy;
use bwclient_sip::HeaderName;
use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

/// How `sendDtmf` sends digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtmfTransport {
    /// In the media as RFC 4733 telephone-events through `RTCDTMFSender` (the legacy
    /// library's way, and what carriers expect).
    Rfc4733,
    /// SIP INFO with `application/dtmf-relay`, for servers that want signalling DTMF.
    Info,
}

/// Trickle ICE over SIP (RFC 8840), the `trickleIce` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trickle {
    /// No `trickle-ice` on the wire: every candidate goes in the offer or answer.
    Off,
    /// Half trickle (RFC 8840 §5; the default): the offer waits for its first candidates, as
    /// without trickle, so any peer can take it; later ones go in INFO to peers that listed
    /// the `trickle-ice` package.
    Half,
    /// Full trickle: the INVITE goes out before any candidate; they all follow in INFO. Only
    /// for deployments whose every callee trickles (RFC 8840 §5.1).
    Full,
}

/// Everything a phone is configured with.
#[derive(Debug, Clone)]
pub struct PhoneOptions {
    /// WebSocket URL; default: the one in the token.
    pub server: Option<String>,
    /// WebSocket URLs to fail over along, in order (never empty when set); default: the
    /// token's list. Exclusive with `server`.
    pub servers: Vec<String>,
    /// Our SIP URI; default: the token's identity.
    pub uri: Option<String>,
    pub display_name: Option<String>,
    /// `RTCIceServer[]` as given (checked to be an array of objects), or `undefined`.
    pub ice_servers: JsValue,
    /// The longest wait for ICE candidates before an offer or answer goes out.
    pub ice_gathering_timeout_ms: u32,
    pub log_level: Level,
    /// Headers on every INVITE (`"X-Name: value"` lines, the legacy form).
    pub extra_headers: Vec<(HeaderName, String)>,
    /// Register for incoming calls (default true).
    pub register: bool,
    pub microphone_id: Option<String>,
    pub speaker_id: Option<String>,
    pub ringback: bool,
    pub ringtone: bool,
    /// A sound to play (looped) for incoming calls instead of the WebAudio ringtone: the
    /// legacy `incomingRingUrl`.
    pub ringtone_url: Option<String>,
    pub reconnect: ReconnectPolicy,
    /// How long `login` waits for the registration.
    pub login_timeout_ms: u32,
    /// How long one WebSocket may take to open before the phone gives up on that server
    /// and tries the next.
    pub connect_timeout_ms: u32,
    pub dtmf: DtmfTransport,
    /// `tokenWillExpire` fires this many seconds before the token expires.
    pub token_refresh_lead_s: u32,
    /// The REGISTER expiry asked for, in seconds.
    pub register_expires: u32,
    pub trickle: Trickle,
    /// CRLF keep-alive interval in seconds on an idle connection (RFC 5626 §4.4.1); 0: off.
    pub keep_alive_s: u32,
}

impl Default for PhoneOptions {
    fn default() -> Self {
        PhoneOptions {
            server: None,
            servers: Vec::new(),
            uri: None,
            display_name: None,
            ice_servers: JsValue::UNDEFINED,
            ice_gathering_timeout_ms: 1000,
            log_level: Level::Warn,
            extra_headers: Vec::new(),
            register: true,
            microphone_id: None,
            speaker_id: None,
            ringback: true,
            ringtone: true,
            ringtone_url: None,
            reconnect: ReconnectPolicy::default(),
            login_timeout_ms: 15_000,
            connect_timeout_ms: 10_000,
            dtmf: DtmfTransport::Rfc4733,
            token_refresh_lead_s: 60,
            register_expires: 600,
            trickle: Trickle::Half,
            keep_alive_s: crate::keepalive::DEFAULT_INTERVAL_S,
        }
    }
}

/// The legacy `createPhone` config: `{username, domain, password | authToken, logLevel,
/// extraHeaders, server?}` (`callsignToken` is the old name of `authToken`).
pub struct LegacyConfig {
    pub username: String,
    pub domain: String,
    pub password: Option<String>,
    pub auth_token: Option<String>,
    pub options: PhoneOptions,
}

/// `phone.call(target, options)`: extra INVITE headers, and `identity`, a phone number sent as
/// `P-Preferred-Identity` (RFC 3325 §9.2).
#[derive(Default)]
pub struct CallOptions {
    pub extra_headers: Vec<(HeaderName, String)>,
    pub identity: Option<String>,
}

/// A `bad_options` error: `option <field> <problem>`.
pub fn bad(field: &str, problem: &str) -> JsValue {
    error(Code::BadOptions, &["option ", field, " ", problem].concat())
}

/// The own fields of `object` that are set (neither `undefined` nor `null`); `what` names
/// the object in the error when it is not one.
fn fields(object: &JsValue, what: &str) -> Result<Vec<(String, JsValue)>, JsValue> {
    if object.is_undefined() || object.is_null() {
        return Ok(Vec::new());
    }
    if !object.is_object() || Array::is_array(object) {
        return Err(bad(what, "must be an object"));
    }
    let entries = Object::entries(object.unchecked_ref());
    Ok(entries
        .iter()
        .map(|entry| {
            let entry: Array = entry.unchecked_into();
            (entry.get(0).as_string().unwrap_or_default(), entry.get(1))
        })
        .filter(|(_, value)| !value.is_undefined() && !value.is_null())
        .collect())
}

fn text(field: &str, value: &JsValue) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| bad(field, "must be a string"))
}

fn flag(field: &str, value: &JsValue) -> Result<bool, JsValue> {
    value
        .as_bool()
        .ok_or_else(|| bad(field, "must be true or false"))
}

/// A non-negative number, fractions dropped, capped at `u32::MAX`.
fn whole(field: &str, value: &JsValue) -> Result<u32, JsValue> {
    match value.as_f64() {
        Some(n) if n >= 0.0 => Ok(n.min(u32::MAX as f64) as u32),
        _ => Err(bad(field, "must be a number of zero or more")),
    }
}

fn level(field: &str, value: &JsValue) -> Result<Level, JsValue> {
    let name = text(field, value)?;
    Level::parse(&name).ok_or_else(|| bad(field, "must be debug, log, warn, error or silent"))
}

/// One `"Name: value"` header line (the legacy `extraHeaders` form): the name a `token`
/// (RFC 3261 §25.1), the value on one line.
pub fn header_line(line: &str) -> Option<(HeaderName, String)> {
    let (name, value) = line.split_once(':')?;
    let value = value.trim();
    let name = HeaderName::parse(name.trim())?;
    (!value.contains(['\r', '\n'])).then(|| (name, value.to_owned()))
}

fn header_lines(field: &str, value: &JsValue) -> Result<Vec<(HeaderName, String)>, JsValue> {
    let problem = "must be an array of \"Name: value\" strings";
    if !Array::is_array(value) {
        return Err(bad(field, problem));
    }
    Array::from(value)
        .iter()
        .map(|line| line.as_string().and_then(|l| header_line(&l)))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| bad(field, problem))
}

/// A non-empty array of `ws://` / `wss://` URLs (the `servers` option).
fn ws_urls(field: &str, value: &JsValue) -> Result<Vec<String>, JsValue> {
    let problem = "must be a non-empty array of ws:// or wss:// URLs";
    if !Array::is_array(value) {
        return Err(bad(field, problem));
    }
    let urls = Array::from(value)
        .iter()
        .map(|url| {
            url.as_string()
                .filter(|u| bwclient_sip::token::is_ws_url(u))
        })
        .collect::<Option<Vec<_>>>();
    urls.filter(|urls| !urls.is_empty())
        .ok_or_else(|| bad(field, problem))
}

impl PhoneOptions {
    /// Reads `BWClient.login` options (an object, or `undefined` for the defaults).
    pub fn read(options: &JsValue) -> Result<PhoneOptions, JsValue> {
        let mut o = PhoneOptions::default();
        for (key, value) in fields(options, "options")? {
            if !o.set(&key, value)? {
                return Err(bad(&key, "is unknown"));
            }
        }
        if o.server.is_some() && !o.servers.is_empty() {
            return Err(bad("servers", "cannot be given with server"));
        }
        Ok(o)
    }

    /// The servers to try, in order: `server`, else `servers`, else `fallback` (the token's).
    pub fn take_server_list(&mut self, fallback: Vec<String>) -> Vec<String> {
        match self.server.take() {
            Some(server) => vec![server],
            None if !self.servers.is_empty() => core::mem::take(&mut self.servers),
            None => fallback,
        }
    }

    /// Sets option `k` from `value`; `Ok(false)` when there is no such option.
    fn set(&mut self, k: &str, value: JsValue) -> Result<bool, JsValue> {
        let v = &value;
        match k {
            "server" => self.server = Some(text(k, v)?),
            "servers" => self.servers = ws_urls(k, v)?,
            "uri" => self.uri = Some(text(k, v)?),
            "displayName" => self.display_name = Some(text(k, v)?),
            "iceServers" => {
                let servers = Array::is_array(v).then(|| Array::from(v));
                if !servers.is_some_and(|s| s.iter().all(|server| server.is_object())) {
                    return Err(bad(k, "must be an array of RTCIceServer objects"));
                }
                self.ice_servers = value;
            }
            "iceGatheringTimeoutMs" => {
                self.ice_gathering_timeout_ms = whole(k, v)?.clamp(50, 30_000)
            }
            "logLevel" => self.log_level = level(k, v)?,
            "extraHeaders" => self.extra_headers = header_lines(k, v)?,
            "register" => self.register = flag(k, v)?,
            "microphoneId" => self.microphone_id = Some(text(k, v)?),
            "speakerId" => self.speaker_id = Some(text(k, v)?),
            "ringback" => self.ringback = flag(k, v)?,
            "ringtone" => self.ringtone = flag(k, v)?,
            "reconnect" => {
                let policy = &mut self.reconnect;
                for (key, value) in fields(v, k)? {
                    match key.as_str() {
                        "initialMs" => policy.initial_ms = whole(&key, &value)?.max(1),
                        "maxMs" => policy.max_ms = whole(&key, &value)?,
                        _ => return Err(bad(&["reconnect.", &key].concat(), "is unknown")),
                    }
                }
                policy.max_ms = policy.max_ms.max(policy.initial_ms);
            }
            "loginTimeoutMs" => self.login_timeout_ms = whole(k, v)?.max(100),
            "connectTimeoutMs" => self.connect_timeout_ms = whole(k, v)?.max(100),
            "dtmf" => {
                self.dtmf = match text(k, v)?.as_str() {
                    "rfc4733" => DtmfTransport::Rfc4733,
                    "info" => DtmfTransport::Info,
                    _ => return Err(bad(k, "must be rfc4733 or info")),
                }
            }
            "tokenRefreshLeadSeconds" => self.token_refresh_lead_s = whole(k, v)?,
            "keepAliveSeconds" => self.keep_alive_s = whole(k, v)?,
            "registerExpires" => self.register_expires = whole(k, v)?.max(30),
            "trickleIce" => {
                self.trickle = match (v.as_bool(), v.as_string().as_deref()) {
                    (Some(true), _) | (_, Some("half")) => Trickle::Half,
                    (Some(false), _) => Trickle::Off,
                    (_, Some("full")) => Trickle::Full,
                    _ => return Err(bad(k, "must be true, false, \"half\" or \"full\"")),
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

impl LegacyConfig {
    /// Reads the legacy config; like the old library, an invalid one is refused at once.
    /// Besides its own fields it takes `logLevel`, `extraHeaders` and `server` as `login`
    /// does; `incomingRingUrl`, the old library's own ring sound, replaces the WebAudio ringtone.
    pub fn read(config: &JsValue) -> Result<LegacyConfig, JsValue> {
        let mut options = PhoneOptions {
            log_level: Level::Log,
            ..PhoneOptions::default()
        };
        let (mut username, mut domain, mut password, mut auth_token) = (None, None, None, None);
        for (key, value) in fields(config, "config")? {
            let (k, v) = (key.as_str(), &value);
            match k {
                "username" => username = Some(text(k, v)?),
                "domain" => domain = Some(text(k, v)?),
                "password" => password = Some(text(k, v)?),
                "authToken" | "callsignToken" => auth_token = Some(text(k, v)?),
                "incomingRingUrl" => options.ringtone_url = Some(text(k, v)?),
                "logLevel" | "extraHeaders" | "server" => drop(options.set(k, value)?),
                _ => return Err(bad(k, "is unknown")),
            }
        }
        let given = |v: Option<String>| v.filter(|s| !s.is_empty());
        let (Some(username), Some(domain)) = (given(username), given(domain)) else {
            return Err(error(Code::BadOptions, "username and domain are required"));
        };
        let (password, auth_token) = (given(password), given(auth_token));
        match (&password, &auth_token) {
            (Some(_), Some(_)) => Err(error(
                Code::BadOptions,
                "give either password or authToken, not both",
            )),
            (None, None) => Err(error(Code::BadOptions, "password or authToken is required")),
            _ => Ok(LegacyConfig {
                username,
                domain,
                password,
                auth_token,
                options,
            }),
        }
    }
}

impl CallOptions {
    /// Reads `phone.call` options (an object, or `undefined`).
    pub fn read(options: &JsValue) -> Result<CallOptions, JsValue> {
        let mut o = CallOptions::default();
        for (key, value) in fields(options, "options")? {
            let (k, v) = (key.as_str(), &value);
            match k {
                "extraHeaders" => o.extra_headers = header_lines(k, v)?,
                "identity" => o.identity = Some(text(k, v)?),
                _ => return Err(bad(k, "is unknown")),
            }
        }
        Ok(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_are_name_colon_value() {
        let (name, value) = header_line("X-Foo: bar").unwrap();
        assert_eq!((name.as_str(), value.as_str()), ("X-Foo", "bar"));
        let (_, value) = header_line("x-tracking-id:  42 ").unwrap();
        assert_eq!(value, "42");
        assert!(header_line("no colon").is_none());
        assert!(header_line("Bad Name: x").is_none());
        assert!(header_line(": x").is_none());
        assert!(header_line("X-Split: a\r\nInjected: b").is_none());
    }
}
