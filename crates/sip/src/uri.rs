//! SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1 `SIP-URI`; RFC 3966 `tel`).

use crate::error::ParseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Sip,
    Sips,
    Tel,
}

/// One `;name[=value]` parameter; names compare case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub value: Option<String>,
}

/// A URI. For `tel:` the number is in `host` (e.g. `+15551234567`) and `user` is `None`.
/// `host` keeps IPv6 references with their brackets (`[2001:db8::1]`).
/// User and header parts are kept as written (escaped), so printing round-trips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri {
    pub scheme: Scheme,
    pub user: Option<String>,
    pub password: Option<String>,
    pub host: String,
    pub port: Option<u16>,
    pub params: Vec<Param>,
    pub headers: Vec<(String, String)>,
}
