//! Revocation that bites at once (issue 11, hole 3): when the REST side revokes a token, or
//! disables or deletes an endpoint, the connections that registered with it are closed with
//! WebSocket close code [`CLOSE_REVOKED`] and a reason naming why. Removing a connection from
//! the table hides its bindings from routing at that instant (an INVITE to the AOR gets `480`
//! or, for a deleted endpoint, `404`), and its task then closes the socket and drops the rest
//! of its state (`closed.rs`). Calls it had are ended as for any lost connection; new requests
//! from it cannot arrive, and its credential is refused on any other connection.

use super::conn_table::lock;
use super::location::aor_key;
use super::service::SipService;
use std::time::Instant;

/// WebSocket close code sent to a connection whose credential was revoked: in the 4000–4999
/// private-use range (RFC 6455 §7.4.2), "401" for "no longer authorized".
pub const CLOSE_REVOKED: u16 = 4401;

/// Why a connection's credential stopped being valid (the close frame's reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeReason {
    TokenRevoked,
    EndpointDisabled,
    EndpointDeleted,
}

impl RevokeReason {
    /// The close frame's reason text.
    pub fn text(self) -> &'static str {
        match self {
            RevokeReason::TokenRevoked => "token revoked",
            RevokeReason::EndpointDisabled => "endpoint disabled",
            RevokeReason::EndpointDeleted => "endpoint deleted",
        }
    }
}

impl SipService {
    /// Closes, with [`CLOSE_REVOKED`] and `reason`, the connections that registered as
    /// `user@host`: with token `token` (its digest username) if given, else all of them.
    /// Returns how many were closed.
    pub fn revoke(
        &self,
        user: &str,
        host: &str,
        token: Option<&str>,
        reason: RevokeReason,
    ) -> usize {
        let aor = aor_key(user, host);
        let mut conns = lock(&self.conn_auth).conns_of(&aor, token);
        if token.is_none() {
            // Every flow bound to the AOR, even one recorded before (belt and braces).
            conns.extend(
                lock(&self.location)
                    .bindings(&aor, Instant::now())
                    .into_iter()
                    .map(|b| b.conn),
            );
            conns.sort();
            conns.dedup();
        }
        for conn in &conns {
            self.conns.close(*conn, CLOSE_REVOKED, reason.text());
        }
        if !conns.is_empty() {
            tracing::info!(aor = %aor, closed = conns.len(), why = reason.text(), "sip: revoked");
        }
        conns.len()
    }
}
