//! How a [`super::Ua`] is set up.

use crate::auth::Login;
use crate::header::name::HeaderName;
use crate::uri::Uri;
use core::time::Duration;

/// The WebSocket flavour, for the Via transport (RFC 7118 §5.1: `WS` or `WSS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WsTransport {
    Ws,
    #[default]
    Wss,
}

impl WsTransport {
    /// The Via transport token.
    pub fn via_token(self) -> &'static str {
        match self {
            WsTransport::Ws => "WS",
            WsTransport::Wss => "WSS",
        }
    }
}

/// Configuration of a user agent. [`UaConfig::new`] fills in the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UaConfig {
    /// Our address of record, `sip:alice@example.com` (From of our requests, To of REGISTER).
    pub aor: Uri,
    pub display_name: Option<String>,
    pub login: Login,
    /// Sent as `User-Agent`.
    pub user_agent: Option<String>,
    /// What REGISTER asks for, in seconds (default 600).
    pub register_expires: u32,
    /// The registrar's URI; default `sip:<aor host>` (RFC 3261 §10.2: the Request-URI of
    /// REGISTER names the domain).
    pub registrar: Option<Uri>,
    /// RFC 5626 `+sip.instance` (`urn:uuid:…`); generated from the RNG when `None`.
    pub instance_id: Option<String>,
    /// Seeds every random value (tags, branches, Call-IDs, cnonces, back-offs).
    pub seed: u64,
    /// Headers added to every INVITE we send (the legacy `extraHeaders`).
    pub invite_headers: Vec<(HeaderName, String)>,
    pub transport: WsTransport,
    /// The host of our Via and Contact; RFC 7118 §5 suggests a random `*.invalid` name, which
    /// is what `None` gives.
    pub via_host: Option<String>,
    /// A pre-loaded Route for requests outside dialogs (RFC 3261 §8.1.2), e.g. `sip:proxy;lr`.
    pub outbound_proxy: Option<Uri>,
    /// Send `Authorization: Bearer <token>` (RFC 8898) on the first REGISTER when logged in
    /// with a token.
    pub bearer_on_register: bool,
    /// The original product's platform reads `X-Callsign-Token` on INVITE as well as on
    /// REGISTER: send it on initial INVITEs too (the legacy `createPhone({authToken})`
    /// facade). Off by default: the token then goes on REGISTER only, so no proxy that passes
    /// unknown headers on can hand it to the callee; INVITEs authenticate with the digest
    /// derived from the token (RFC 3261 §22.3).
    pub token_on_invite: bool,
    /// Report every message sent and received as [`crate::events::Event::Trace`].
    pub trace: bool,
    /// How long an INVITE may ring before we give up (UAC: CANCEL; UAS: 480). Default 180 s.
    pub no_answer_timeout: Duration,
    /// Trickle ICE over SIP (RFC 8840): advertise the `trickle-ice` option tag and Info
    /// Package on INVITEs and their 18x/2xx, so the peer may send candidates in INFO; see
    /// [`crate::Ua::send_ice_fragment`]. Off by default.
    pub trickle_ice: bool,
}

impl UaConfig {
    pub fn new(aor: Uri) -> UaConfig {
        UaConfig {
            aor,
            display_name: None,
            login: Login::Anonymous,
            user_agent: None,
            register_expires: 600,
            registrar: None,
            instance_id: None,
            seed: 0,
            invite_headers: Vec::new(),
            transport: WsTransport::default(),
            via_host: None,
            outbound_proxy: None,
            bearer_on_register: false,
            token_on_invite: false,
            trace: false,
            no_answer_timeout: Duration::from_secs(180),
            trickle_ice: false,
        }
    }
}
