//! Who each WebSocket connection authenticated as, and with what credential.
//!
//! A successful REGISTER records, for its connection, the AOR it registered and the credential
//! that authenticated it (the token's digest username, or the endpoint's password). Two things
//! read it:
//! - **connection-bound authentication**: an out-of-dialog request without credentials, on a
//!   connection that registered as the request's From identity with a credential that is still
//!   valid (re-checked per request: not expired, not revoked, endpoint enabled and the same
//!   endpoint), is accepted without a `407`. The connection is the credential's channel, as a
//!   TLS session is (RFC 5626 §5: requests over a registered flow come from the flow's owner);
//!   the client sends its bearer token on REGISTER only, so `call()` stays one round trip.
//! - **revocation** (issue 11, hole 3): revoking a token closes the connections whose current
//!   credential it is; disabling or deleting an endpoint closes every connection that
//!   registered as it.

use super::conn_table::ConnId;
use std::collections::HashMap;

/// Most identities one connection may hold (one phone registers one AOR; a few spare).
const MAX_PER_CONN: usize = 8;

/// What authenticated a REGISTER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A token: its digest username `<expiry>:<user>@<host>` (bearer, `X-Callsign-Token` or
    /// `auth_ephemeral` digest alike).
    Token(String),
    /// The endpoint's own digest password.
    Password,
}

/// One identity a connection registered as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnIdentity {
    /// The AOR key (`aor_key(user, host)`).
    pub aor: String,
    pub endpoint_id: String,
    pub credential: Credential,
}

/// Identities by connection.
#[derive(Default)]
pub struct ConnAuth {
    by_conn: HashMap<ConnId, Vec<ConnIdentity>>,
}

impl ConnAuth {
    /// Records that `conn` registered as `identity.aor`; replaces what it held for that AOR
    /// (a REGISTER with a fresh token supersedes the old one on this connection).
    pub fn record(&mut self, conn: ConnId, identity: ConnIdentity) {
        let list = self.by_conn.entry(conn).or_default();
        list.retain(|i| i.aor != identity.aor);
        if list.len() >= MAX_PER_CONN {
            list.remove(0);
        }
        list.push(identity);
    }

    /// What `conn` registered as `aor` with, if it did.
    pub fn identity(&self, conn: ConnId, aor: &str) -> Option<ConnIdentity> {
        self.by_conn
            .get(&conn)?
            .iter()
            .find(|i| i.aor == aor)
            .cloned()
    }

    /// Forgets a closed connection.
    pub fn forget(&mut self, conn: ConnId) {
        self.by_conn.remove(&conn);
    }

    /// Connections registered as `aor`, with token `token` if given (else with anything).
    pub fn conns_of(&self, aor: &str, token: Option<&str>) -> Vec<ConnId> {
        self.by_conn
            .iter()
            .filter(|(_, ids)| {
                ids.iter().any(|i| {
                    i.aor == aor
                        && token.is_none_or(|t| i.credential == Credential::Token(t.to_owned()))
                })
            })
            .map(|(conn, _)| *conn)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(aor: &str, cred: Credential) -> ConnIdentity {
        ConnIdentity {
            aor: aor.into(),
            endpoint_id: "e".into(),
            credential: cred,
        }
    }

    #[test]
    fn latest_credential_per_aor_and_lookups() {
        let mut auth = ConnAuth::default();
        let (c1, c2) = (ConnId(1), ConnId(2));
        auth.record(c1, id("a@h", Credential::Token("1:a@h".into())));
        auth.record(c1, id("a@h", Credential::Token("2:a@h".into())));
        auth.record(c2, id("a@h", Credential::Password));
        assert_eq!(
            auth.identity(c1, "a@h").unwrap().credential,
            Credential::Token("2:a@h".into())
        );
        assert!(auth.conns_of("a@h", Some("1:a@h")).is_empty(), "superseded");
        assert_eq!(auth.conns_of("a@h", Some("2:a@h")), vec![c1]);
        let mut all = auth.conns_of("a@h", None);
        all.sort();
        assert_eq!(all, vec![c1, c2]);
        auth.forget(c1);
        assert_eq!(auth.identity(c1, "a@h"), None);
        for n in 0..20 {
            auth.record(c2, id(&format!("u{n}@h"), Credential::Password));
        }
        assert!(auth.by_conn[&c2].len() <= MAX_PER_CONN);
    }
}
