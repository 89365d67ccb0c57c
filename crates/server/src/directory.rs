//! The seam between the REST/storage side and the SIP side of the server.
//!
//! The SIP registrar/proxy (`sip/`) never touches SQLite: it asks a [`Directory`] who an
//! endpoint is, whether a token is revoked, and reports call events through it. The storage
//! side implements it; tests may implement it in memory.
//!
//! The storage side's implementation is [`crate::store_directory::StoreDirectory`]; a running
//! server exposes it as `RunningServer::directory` (see [`crate::app::serve`]).
//!
//! Token authentication, shared by REST and SIP (in [`crate::token_auth`]):
//!
//! ```text
//! pub fn check_token(dir: &dyn Directory, token: &str, now_unix: u64)
//!     -> Result<EndpointRecord, TokenCheckError>;
//! // ...and the token must name user@host (a token for alice never authenticates bob):
//! pub fn check_token_for(dir: &dyn Directory, token: &str, user: &str, host: &str, now_unix: u64)
//!     -> Result<EndpointRecord, TokenCheckError>;
//! // Digest with a token credential (auth_ephemeral): username "<expiry>:<user>@<host>";
//! // returns the endpoint and the password the digest response must match.
//! pub fn check_digest_username(dir: &dyn Directory, username: &str, now_unix: u64)
//!     -> Result<(EndpointRecord, String), TokenCheckError>;
//! ```
//!
//! `TokenCheckError::code()` gives a short stable string for a 403 reason phrase.

/// What the SIP side needs to know about one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointRecord {
    pub id: String,
    pub user_id: String,
    pub domain_id: String,
    /// SIP user part (the endpoint's `name`).
    pub user: String,
    /// SIP host: `<domain name>.<server SIP realm>`.
    pub host: String,
    pub enabled: bool,
    /// The digest HA1s of its SIP password (`credentials.password`, stored only as these);
    /// `None` if the endpoint has none.
    pub digest_ha1: Option<crate::secrets::DigestHa1>,
    pub application_id: Option<String>,
    /// The application's `incomingCallUrl`, where call events are POSTed.
    pub callback_url: Option<String>,
}

/// A call event for an application's `incomingCallUrl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEvent {
    /// `"start"`, `"answer"` or `"end"`.
    pub kind: &'static str,
    pub call_id: String,
    pub from: String,
    pub to: String,
    /// The endpoint whose application gets the event.
    pub endpoint_id: String,
    pub callback_url: String,
}

/// Lookups the SIP side makes; implemented by the storage side. Called on the async workers,
/// so they must not block: no SQLite, no I/O (the server's implementation reads the store's
/// exact in-memory view, `crate::db::SipView`).
pub trait Directory: Send + Sync + 'static {
    /// The endpoint whose SIP identity is `user@host` (user compared case-sensitively,
    /// host case-insensitively), if any.
    fn endpoint_by_aor(&self, user: &str, host: &str) -> Option<EndpointRecord>;
    /// The endpoint a phone number (E.164, `+1…`) is assigned to, if any.
    fn endpoint_by_number(&self, e164: &str) -> Option<EndpointRecord>;
    /// True if this token was revoked (`DELETE …/tokens/{token}`). Takes the token string or
    /// its digest username `<expiry>:<user>@<host>`: revocation is keyed by that signed
    /// identity, since the token's WebSocket URL is not signed.
    fn is_token_revoked(&self, token: &str) -> bool;
    /// The id of the endpoint the token with digest username `<expiry>:<user>@<host>` was
    /// minted for, while it is recorded (minted here, not revoked, endpoint not deleted).
    fn token_endpoint(&self, username: &str) -> Option<String>;
    /// A token whose signature verified but whose row [`Directory::token_endpoint`] does not
    /// know: with several instances sharing the data, another may have minted it a moment
    /// ago, before its change reached this one. Looks the row up at the source (the one
    /// lookup allowed to wait on storage: only genuine, just-minted tokens get here). Default:
    /// nothing to look up.
    fn refresh_token(&self, _username: &str) {}
    /// The HMAC secret tokens are signed with (shared with Kamailio's `auth_ephemeral`).
    fn token_secret(&self) -> Vec<u8>;
    /// Queues a call event for delivery; must return at once (delivery is async, bounded retries).
    fn call_event(&self, event: CallEvent);
    /// Keeps the SIP side's record (opaque JSON) of a call that has call events, or forgets it
    /// (`None`), so that a restarted server still sends its `end` (`sip/saved_call.rs`).
    /// Without storage: nothing is kept.
    fn save_call(&self, _call_id: &str, _record: Option<&str>) {}
    /// Every record kept by [`Directory::save_call`]: `(call id, record)`.
    fn saved_calls(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}
