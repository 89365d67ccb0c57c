//! Blind transfer with REFER (RFC 3515): the state on each side.

use crate::uri::Uri;

/// The peer asked us to call `target` (we are the transferee).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferIn {
    pub target: Uri,
    /// The call we placed for it, once the application accepted.
    pub new_call: Option<super::CallHandle>,
    /// The implicit subscription ended (final NOTIFY sent).
    pub done: bool,
}

/// We asked the peer to call someone (we are the transferor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferOut {
    pub target: Uri,
    /// The peer accepted the REFER (202).
    pub accepted: bool,
}

/// RFC 3515 §2.4.6: the NOTIFY `Subscription-State` for a status: active while provisional,
/// terminated with the final one.
pub fn subscription_state(code: u16) -> &'static str {
    if code < 200 {
        "active;expires=60"
    } else {
        "terminated;reason=noresource"
    }
}
