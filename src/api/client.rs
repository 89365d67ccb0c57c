//! `BWClient`: the entry points (`login`, the legacy `createPhone`, device lists).

use bwclient_sip::auth::Login;
use bwclient_sip::token::Token;
use bwclient_sip::ua::WsTransport;
use bwclient_sip::{Ua, UaConfig};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::errors::error;
use super::js;
use super::options::{parse_header_lines, PhoneOptions};
use super::phone::{aor_of, Phone};
use super::phone_inner::{PhoneInner, Waiter};
use crate::devices;
use crate::log::Level;

/// The entry points. `BWClient.login(token, options)` resolves with a registered `Phone`.
#[wasm_bindgen]
pub struct BWClient;

/// A 64-bit seed from `crypto.getRandomValues` (tags, branches, Call-IDs and cnonces derive
/// from it), falling back to `Math.random` where Web Crypto is missing.
fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if filled {
        u64::from_le_bytes(bytes)
    } else {
        let hi = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        let lo = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        (hi << 32) | lo
    }
}

fn ua_config(aor: bwclient_sip::Uri, login: Login, url: &str, options: &PhoneOptions) -> UaConfig {
    let mut config = UaConfig::new(aor);
    config.login = login;
    config.display_name = options.display_name.clone();
    config.user_agent = Some(["BWClient/", env!("CARGO_PKG_VERSION")].concat());
    config.register_expires = options.register_expires;
    config.seed = random_seed();
    config.transport = if url.starts_with("wss:") {
        WsTransport::Wss
    } else {
        WsTransport::Ws
    };
    config.trace = options.log_level == Level::Debug;
    config.trickle_ice = options.trickle != super::options::Trickle::Off;
    config
}

/// Logs in and waits for the registration (used by `BWClient.login` and the browser tests).
pub async fn login_phone(token: String, options: JsValue) -> Result<Phone, JsValue> {
    let token = Token::parse(&token).map_err(|e| error("bad_token", &e.to_string()))?;
    let now_s = (js::date_now_ms() / 1000.0) as u64;
    if token.is_expired(now_s) {
        return Err(error("token_expired", "the token has expired"));
    }
    let options = PhoneOptions::read(&options)?;
    let aor = aor_of(&token.user, &token.host, options.uri.as_deref())?;
    let url = options
        .server
        .clone()
        .unwrap_or_else(|| token.ws_url.clone());
    let config = ua_config(aor, Login::Token(token.clone()), &url, &options);
    let inner = PhoneInner::new(Ua::new(config), options, url, Some(token));
    let registered = Promise::new(&mut |resolve, reject| {
        *inner.login_waiter.borrow_mut() = Some(Waiter { resolve, reject });
    });
    inner.connect();
    JsFuture::from(registered).await?;
    Ok(Phone::wrap(inner))
}

/// `wss://<page host>/sip` (or `ws://` on an http page): where a legacy page's server is.
fn same_origin_ws_url() -> String {
    let location = web_sys::window().map(|w| w.location());
    let host = location
        .as_ref()
        .and_then(|l| l.host().ok())
        .unwrap_or_default();
    let secure = location
        .and_then(|l| l.protocol().ok())
        .is_some_and(|p| p == "https:");
    [if secure { "wss://" } else { "ws://" }, &host, "/sip"].concat()
}

#[wasm_bindgen]
impl BWClient {
    /// Logs in with a token from the app server; resolves once registered. Rejects with an
    /// `Error` whose `code` is `bad_token`, `token_expired`, `auth_failed`,
    /// `transport_failed`, `timeout` or `bad_options`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Phone>")]
    pub fn login(
        token: String,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions")] options: JsValue,
    ) -> Promise {
        future_to_promise(async move { login_phone(token, options).await.map(JsValue::from) })
    }

    /// The legacy entry point: `{username, domain, authToken | password, logLevel,
    /// extraHeaders, server?}`. Throws on an invalid config, like the old library did.
    /// Nothing connects until `phone.register()`.
    #[wasm_bindgen(js_name = createPhone)]
    pub fn create_phone(
        #[wasm_bindgen(unchecked_param_type = "LegacyPhoneConfig")] config: JsValue,
    ) -> Result<Phone, JsValue> {
        let bad = |m: &str| error("bad_options", m);
        let username = js::get_string(&config, "username").filter(|s| !s.is_empty());
        let domain = js::get_string(&config, "domain").filter(|s| !s.is_empty());
        let (Some(username), Some(domain)) = (username, domain) else {
            return Err(bad("username and domain are required"));
        };
        let password = js::get_string(&config, "password").filter(|s| !s.is_empty());
        let auth_token = js::get_string(&config, "authToken")
            .or_else(|| js::get_string(&config, "callsignToken"))
            .filter(|s| !s.is_empty());
        let mut options = PhoneOptions {
            log_level: Level::Log,
            ..PhoneOptions::default()
        };
        if let Some(level) = js::get_string(&config, "logLevel") {
            options.log_level = Level::parse(&level)
                .ok_or_else(|| bad("logLevel must be debug, log, warn or error"))?;
        }
        if let Some(lines) = js::get_strings(&config, "extraHeaders") {
            options.extra_headers = parse_header_lines(&lines)?;
        }
        options.server = js::get_string(&config, "server");
        let (login, token, default_url) = match (auth_token, password) {
            (Some(_), Some(_)) => return Err(bad("give either password or authToken, not both")),
            (Some(raw), None) => {
                let token = Token::parse(&raw).map_err(|e| error("bad_token", &e.to_string()))?;
                let url = token.ws_url.clone();
                (Login::Token(token.clone()), Some(token), url)
            }
            (None, Some(password)) => (
                Login::Password {
                    username: username.clone(),
                    password,
                },
                None,
                same_origin_ws_url(),
            ),
            (None, None) => return Err(bad("password or authToken is required")),
        };
        let url = options.server.clone().unwrap_or(default_url);
        let aor = aor_of(&username, &domain, None)?;
        let config = ua_config(aor, login, &url, &options);
        Ok(Phone::wrap(PhoneInner::new(
            Ua::new(config),
            options,
            url,
            token,
        )))
    }

    /// `[{id, name}]` of the microphones (asks for permission first when labels are hidden).
    #[wasm_bindgen(js_name = getMicrophones, unchecked_return_type = "Promise<AudioDevice[]>")]
    pub fn get_microphones() -> Promise {
        future_to_promise(async { Ok(devices::to_js(&devices::microphones().await?).into()) })
    }

    /// `[{id, name}]` of the audio outputs (empty where the browser does not list them).
    #[wasm_bindgen(js_name = getSpeakers, unchecked_return_type = "Promise<AudioDevice[]>")]
    pub fn get_speakers() -> Promise {
        future_to_promise(async { Ok(devices::to_js(&devices::speakers().await?).into()) })
    }

    /// Asks for microphone permission early (audio only), like the legacy library.
    #[wasm_bindgen(js_name = getUserMedia, unchecked_return_type = "Promise<boolean>")]
    pub fn get_user_media() -> Promise {
        future_to_promise(async {
            let stream = devices::open_microphone(None).await?;
            devices::stop_stream(&stream);
            Ok(JsValue::TRUE)
        })
    }

    /// The package version.
    pub fn version() -> String {
        env!("CARGO_PKG_VERSION").to_owned()
    }
}
