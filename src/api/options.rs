//! `BWClient.login(token, options)` options, read with `Reflect` (no serde in the download).

use super::errors::error;
use super::js;
use crate::log::Level;
use crate::reconnect::ReconnectPolicy;
use bwclient_sip::HeaderName;
use wasm_bindgen::JsValue;

/// How `sendDtmf` sends digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtmfTransport {
    /// In the media as RFC 4733 telephone-events through `RTCDTMFSender` (the legacy library's
    /// way, and what carriers expect).
    Rfc4733,
    /// SIP INFO with `application/dtmf-relay` (for servers that want signalling DTMF).
    Info,
}

/// Trickle ICE over SIP (RFC 8840), the `trickleIce` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trickle {
    /// No `trickle-ice` on the wire: every candidate goes in the offer/answer.
    Off,
    /// Half trickle (RFC 8840 §5; the default): the offer waits for its first candidates,
    /// as without trickle, so any peer can take it; candidates found later go in INFO to
    /// peers that listed the `trickle-ice` package.
    Half,
    /// Full trickle: the INVITE goes out at once, before any candidate, and they all follow
    /// in INFO. Only for a deployment that knows every callee trickles (RFC 8840 §5.1).
    Full,
}

/// Everything a phone is configured with.
#[derive(Debug, Clone)]
pub struct PhoneOptions {
    /// WebSocket URL; default: the one in the token.
    pub server: Option<String>,
    /// Our SIP URI; default: the token's identity.
    pub uri: Option<String>,
    pub display_name: Option<String>,
    /// `RTCIceServer[]` as given, or `undefined`.
    pub ice_servers: JsValue,
    /// Upper bound on waiting for ICE candidates before the offer/answer goes out.
    pub ice_gathering_timeout_ms: u32,
    pub log_level: Level,
    /// Extra headers on every INVITE (`"X-Name: value"` strings, the legacy form).
    pub extra_headers: Vec<(HeaderName, String)>,
    /// Register for incoming calls (default true).
    pub register: bool,
    pub microphone_id: Option<String>,
    pub speaker_id: Option<String>,
    pub ringback: bool,
    pub ringtone: bool,
    pub reconnect: ReconnectPolicy,
    /// How long `login` waits for the registration.
    pub login_timeout_ms: u32,
    pub dtmf: DtmfTransport,
    /// `tokenWillExpire` fires this many seconds before the token expires.
    pub token_refresh_lead_s: u32,
    /// REGISTER expiry asked for, seconds.
    pub register_expires: u32,
    pub trickle: Trickle,
}

impl Default for PhoneOptions {
    fn default() -> Self {
        PhoneOptions {
            server: None,
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
            reconnect: ReconnectPolicy::default(),
            login_timeout_ms: 15_000,
            dtmf: DtmfTransport::Rfc4733,
            token_refresh_lead_s: 60,
            register_expires: 600,
            trickle: Trickle::Half,
        }
    }
}

/// Parses `"Name: value"` header lines; a line without a valid name is a `bad_options` error.
pub fn parse_header_lines(lines: &[String]) -> Result<Vec<(HeaderName, String)>, JsValue> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let parsed = line.split_once(':').and_then(|(name, value)| {
            let value = value.trim();
            let name = HeaderName::parse(name.trim())?;
            (!value.contains(['\r', '\n'])).then(|| (name, value.to_owned()))
        });
        match parsed {
            Some(header) => out.push(header),
            None => {
                return Err(error(
                    "bad_options",
                    "extraHeaders entries must be \"Name: value\"",
                ))
            }
        }
    }
    Ok(out)
}

impl PhoneOptions {
    /// Reads `options` (an object, or `undefined` for the defaults).
    pub fn read(options: &JsValue) -> Result<PhoneOptions, JsValue> {
        let mut o = PhoneOptions::default();
        if options.is_undefined() || options.is_null() {
            return Ok(o);
        }
        if !options.is_object() {
            return Err(error("bad_options", "options must be an object"));
        }
        o.server = js::get_string(options, "server");
        o.uri = js::get_string(options, "uri");
        o.display_name = js::get_string(options, "displayName");
        o.ice_servers = js::get(options, "iceServers");
        if let Some(ms) = js::get_u32(options, "iceGatheringTimeoutMs") {
            o.ice_gathering_timeout_ms = ms.clamp(50, 30_000);
        }
        if let Some(level) = js::get_string(options, "logLevel") {
            o.log_level = Level::parse(&level).ok_or_else(|| {
                error(
                    "bad_options",
                    "logLevel must be debug, log, warn, error or silent",
                )
            })?;
        }
        if let Some(lines) = js::get_strings(options, "extraHeaders") {
            o.extra_headers = parse_header_lines(&lines)?;
        }
        if let Some(register) = js::get_bool(options, "register") {
            o.register = register;
        }
        o.microphone_id = js::get_string(options, "microphoneId");
        o.speaker_id = js::get_string(options, "speakerId");
        if let Some(on) = js::get_bool(options, "ringback") {
            o.ringback = on;
        }
        if let Some(on) = js::get_bool(options, "ringtone") {
            o.ringtone = on;
        }
        let reconnect = js::get(options, "reconnect");
        if let Some(ms) = js::get_u32(&reconnect, "initialMs") {
            o.reconnect.initial_ms = ms.max(1);
        }
        if let Some(ms) = js::get_u32(&reconnect, "maxMs") {
            o.reconnect.max_ms = ms.max(o.reconnect.initial_ms);
        }
        if let Some(ms) = js::get_u32(options, "loginTimeoutMs") {
            o.login_timeout_ms = ms.max(100);
        }
        match js::get_string(options, "dtmf").as_deref() {
            None | Some("rfc4733") => {}
            Some("info") => o.dtmf = DtmfTransport::Info,
            Some(_) => return Err(error("bad_options", "dtmf must be rfc4733 or info")),
        }
        if let Some(s) = js::get_u32(options, "tokenRefreshLeadSeconds") {
            o.token_refresh_lead_s = s;
        }
        if let Some(s) = js::get_u32(options, "registerExpires") {
            o.register_expires = s.max(30);
        }
        let trickle = js::get(options, "trickleIce");
        o.trickle = match (trickle.as_bool(), trickle.as_string().as_deref()) {
            _ if trickle.is_undefined() => Trickle::Half,
            (Some(true), _) | (_, Some("half")) => Trickle::Half,
            (Some(false), _) => Trickle::Off,
            (_, Some("full")) => Trickle::Full,
            _ => {
                return Err(error(
                    "bad_options",
                    "trickleIce must be true, false, \"half\" or \"full\"",
                ))
            }
        };
        Ok(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines() {
        let ok = parse_header_lines(&["X-Foo: bar".into(), "x-tracking-id:  42 ".into()]).unwrap();
        assert_eq!(ok[0].0.as_str(), "X-Foo");
        assert_eq!(ok[0].1, "bar");
        assert_eq!(ok[1].1, "42");
    }
}
