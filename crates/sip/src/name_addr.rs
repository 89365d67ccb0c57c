//! `name-addr` / `addr-spec` with header parameters (RFC 3261 §20.10, §25.1), the shape of
//! From, To, Contact, Route, Record-Route, Refer-To and Path values.

use crate::uri::{Param, Uri};

/// `"Display" <uri>;param=value` or a bare `uri;param` (in which case the params after the URI
/// belong to the header, RFC 3261 §20.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    /// The display name, unquoted and unescaped.
    pub display_name: Option<String>,
    pub uri: Uri,
    /// Header parameters (e.g. `tag`, `expires`, `+sip.instance`).
    pub params: Vec<Param>,
}
