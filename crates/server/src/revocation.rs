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
pub fn remote_hook(
    sip: std::sync::Arc<crate::sip::SipService>,
    store: crate::db::Store,
) -> crate::db::RevocationHook {
    Box::new(move |aor: &str, username: Option<&str>| {
        let Some((user, host)) = aor.rsplit_once('@') else {
            return;
        };
        let reason = match username {
            Some(_) => RevokeReason::TokenRevoked,
            None => {
                let domain = host.split('.').next().unwrap_or_default();
                match store.view().endpoint_by_name(domain, user) {
                    Some(_) => RevokeReason::EndpointDisabled,
                    None => RevokeReason::EndpointDeleted,
                }
            }
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
