//! `BWClient`: the entry points (`login`, the legacy `createPhone`, device lists, `version`).

use crate::promise::promise;
use bwclient_sip::auth::Login;
use bwclient_sip::token::Token;
use bwclient_sip::{Ua, UaConfig, Uri};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::devices;
use crate::errors::{error, Code};
use crate::log::Level;
use crate::options::{LegacyConfig, PhoneOptions, Trickle};
use crate::payloads::to_js;
use crate::phone::Phone;
use crate::phone_inner::{unix_now, PhoneInner};

/// The entry points. `BWClient.login(token, options)` resolves with a registered `Phone`.
#[wasm_bindgen]
pub struct BWClient;

/// A 64-bit seed from `crypto.getRandomValues` (tags, branches, Call-IDs and cnonces derive
/// from it), or from `Math.random` where Web Crypto is missing.
fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).unwrap_or_default();
    let filled = crypto.is_object()
        && crypto
            .unchecked_ref::<web_sys::Crypto>()
            .get_random_values_with_u8_array(&mut bytes)
            .is_ok();
    if filled {
        u64::from_le_bytes(bytes)
    } else {
        (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64
    }
}

/// A parsed login token, or `bad_token`.
fn parse_token(raw: &str) -> Result<Token, JsValue> {
    Token::parse(raw).map_err(|e| error(Code::BadToken, e.message()))
}

/// The phone for `aor`, logging in with `login` at `urls` (tried in order, never empty).
/// `token_on_invite`: the legacy facade's token also rides on INVITE (see
/// `UaConfig::token_on_invite`).
fn new_phone(
    aor: Uri,
    login: Login,
    urls: Vec<String>,
    token: Option<Token>,
    mut options: PhoneOptions,
    token_on_invite: bool,
) -> std::rc::Rc<PhoneInner> {
    let mut config = UaConfig::new(aor);
    config.login = login;
    config.token_on_invite = token_on_invite;
    config.display_name = options.display_name.clone();
    config.user_agent = Some(["BWClient/", env!("CARGO_PKG_VERSION")].concat());
    config.register_expires = options.register_expires;
    config.seed = random_seed();
    config.trace = options.log_level == Level::Debug;
    config.trickle_ice = options.trickle != Trickle::Off;
    config.invite_headers = std::mem::take(&mut options.extra_headers);
    PhoneInner::new(Ua::new(config), options, urls, token)
}

/// Logs in and waits for the registration (`BWClient.login`; the browser tests call it too).
pub async fn login_phone(token: String, options: JsValue) -> Result<Phone, JsValue> {
    let token = parse_token(&token)?;
    if token.is_expired(unix_now()) {
        return Err(error(Code::TokenExpired, "the token has expired"));
    }
    let mut options = PhoneOptions::read(&options)?;
    let aor = match options.uri.as_deref() {
        Some(uri) => Uri::parse(uri).map_err(|e| {
            crate::options::bad("uri", &["is not a SIP URI: ", &e.message()].concat())
        })?,
        None => Uri::sip(Some(&token.user), &token.host),
    };
    let urls = options.take_server_list(token.ws_urls.clone());
    let login = Login::Token(token.clone());
    let phone = new_phone(aor, login, urls, Some(token), options, false);
    phone.start().await?;
    Ok(Phone::wrap(phone))
}

/// `wss://<page host>/sip` (`ws://` on an http page): where a legacy page's server is.
fn same_origin_ws_url() -> String {
    let location = js_sys::Reflect::get(&js_sys::global(), &"location".into()).unwrap_or_default();
    let (mut host, mut secure) = (String::new(), false);
    if location.is_object() {
        let location: &web_sys::Location = location.unchecked_ref();
        host = location.host().unwrap_or_default();
        secure = location.protocol().is_ok_and(|p| p == "https:");
    }
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
        promise(async move { login_phone(token, options).await.map(JsValue::from) })
    }

    /// The legacy entry point: `{username, domain, authToken | password, logLevel,
    /// extraHeaders, server?}`. Throws on an invalid config, as the old library did. Nothing
    /// connects until `phone.register()`. A token login also sends the token in
    /// `X-Callsign-Token` on REGISTER and INVITE, where the original product's platform read
    /// it (`login()` sends it on REGISTER only).
    #[wasm_bindgen(js_name = createPhone)]
    pub fn create_phone(
        #[wasm_bindgen(unchecked_param_type = "LegacyPhoneConfig")] config: JsValue,
    ) -> Result<Phone, JsValue> {
        let config = LegacyConfig::read(&config)?;
        let (login, token, default_urls) = match (config.auth_token, config.password) {
            (Some(raw), _) => {
                let token = parse_token(&raw)?;
                let urls = token.ws_urls.clone();
                (Login::Token(token.clone()), Some(token), urls)
            }
            (None, password) => {
                let login = Login::Password {
                    username: config.username.clone(),
                    password: password.unwrap_or_default(),
                };
                (login, None, vec![same_origin_ws_url()])
            }
        };
        let mut options = config.options;
        let urls = options.take_server_list(default_urls);
        let aor = Uri::sip(Some(&config.username), &config.domain);
        let token_on_invite = token.is_some();
        Ok(Phone::wrap(new_phone(
            aor,
            login,
            urls,
            token,
            options,
            token_on_invite,
        )))
    }

    /// `[{id, name}]` of the microphones (asks for permission first when labels are hidden).
    #[wasm_bindgen(js_name = getMicrophones, unchecked_return_type = "Promise<AudioDevice[]>")]
    pub fn get_microphones() -> Promise {
        promise(async { Ok(to_js(&devices::microphones().await?)) })
    }

    /// `[{id, name}]` of the audio outputs (empty where the browser does not list them).
    #[wasm_bindgen(js_name = getSpeakers, unchecked_return_type = "Promise<AudioDevice[]>")]
    pub fn get_speakers() -> Promise {
        promise(async { Ok(to_js(&devices::speakers().await?)) })
    }

    /// Asks for microphone permission early (audio only), like the legacy library.
    #[wasm_bindgen(js_name = getUserMedia, unchecked_return_type = "Promise<boolean>")]
    pub fn get_user_media() -> Promise {
        promise(async {
            devices::stop_stream(&devices::open_microphone(None).await?);
            Ok(JsValue::TRUE)
        })
    }

    /// The package version.
    pub fn version() -> String {
        env!("CARGO_PKG_VERSION").to_owned()
    }
}
