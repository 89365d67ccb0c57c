//! Revocation that bites at once (issue 11, hole 3), from the REST side: revoking a token,
//! disabling or deleting an endpoint (or its domain) tells the SIP service, which closes the
//! connections that registered with it (WebSocket close code
//! [`crate::sip::CLOSE_REVOKED`], reason `token revoked` / `endpoint disabled` /
//! `endpoint deleted`) so their bindings stop receiving calls that instant, and writes a
//! `sip_revocations` row per AOR for Kamailio.

use crate::app::AppState;
use crate::db::{now_unix, DbError, Endpoint};
use crate::sip::RevokeReason;

/// The token with digest username `username` of `endpoint` was revoked.
pub fn token_revoked(state: &AppState, endpoint: &Endpoint, username: &str) -> Result<(), DbError> {
    let host = state.directory.host_of(&endpoint.domain_name);
    state.store.record_sip_revocation(
        &format!("{}@{host}", endpoint.name),
        Some(username),
        now_unix(),
    )?;
    state.sip.revoke(
        &endpoint.name,
        &host,
        Some(username),
        RevokeReason::TokenRevoked,
    );
    Ok(())
}

/// What to do with a `sip_revocations` row another instance wrote (PostgreSQL, `db::peers`):
/// close the registrations it names here, as that instance did for its own. A row for all of
/// an AOR's registrations says "disabled" if the endpoint is still there, else "deleted".
/// Holds the SIP service weakly: the store holds the hook, and the service the store.
pub fn remote_hook(sip: &std::sync::Arc<crate::sip::SipService>) -> crate::db::RevocationHook {
    let sip = std::sync::Arc::downgrade(sip);
    Box::new(move |aor: &str, username: Option<&str>, exists: bool| {
        let (Some((user, host)), Some(sip)) = (aor.rsplit_once('@'), sip.upgrade()) else {
            return;
        };
        let reason = match (username, exists) {
            (Some(_), _) => RevokeReason::TokenRevoked,
            (None, true) => RevokeReason::EndpointDisabled,
            (None, false) => RevokeReason::EndpointDeleted,
        };
        sip.revoke(user, host, username, reason);
    })
}

/// `endpoint` was disabled or deleted (`reason` says which): all its registrations go.
pub fn endpoint_revoked(
    state: &AppState,
    endpoint: &Endpoint,
    reason: RevokeReason,
) -> Result<(), DbError> {
    let host = state.directory.host_of(&endpoint.domain_name);
    state
        .store
        .record_sip_revocation(&format!("{}@{host}", endpoint.name), None, now_unix())?;
    state.sip.revoke(&endpoint.name, &host, None, reason);
    Ok(())
}
