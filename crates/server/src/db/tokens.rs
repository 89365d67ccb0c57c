//! Minted tokens, bound to the endpoint they were minted for (issue 11, hole 4).
//!
//! A token is the `auth_ephemeral` credential Kamailio checks (username
//! `<expiry>:<user>@<host>`, password `base64(HMAC-SHA1(secret, username))`), so its text
//! cannot carry the endpoint's id. Instead the platform records each username it mints with
//! the endpoint's id; a token authenticates only while that row exists and names the endpoint
//! the token claims. Deleting the endpoint (or its domain) cascades the row away, and the
//! `tokens_retired` trigger keeps the username in `revoked_tokens` until it expires, so the
//! mint never issues it again.

use super::sql::args;
use super::{saturating_i64, DbError, Store};

impl Store {
    /// Records that the token with digest username `username` was minted for `endpoint_id`.
    /// False if that username may not be issued: it was revoked (or retired with a deleted
    /// endpoint), or it is already bound to another endpoint. The caller then picks another
    /// expiry second.
    pub fn record_token(
        &self,
        username: &str,
        endpoint_id: &str,
        expires: u64,
        now: u64,
    ) -> Result<bool, DbError> {
        let conn = self.conn();
        let retired = conn
            .query_opt(
                "SELECT username FROM revoked_tokens WHERE username = ?1",
                args![username],
            )?
            .is_some();
        if retired {
            return Ok(false);
        }
        let inserted = conn.execute(
            "INSERT INTO tokens (username, endpoint_id, expires, created_at)
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (username) DO NOTHING",
            args![
                username,
                endpoint_id,
                saturating_i64(expires),
                saturating_i64(now)
            ],
        )?;
        if inserted == 1 {
            self.update_view(|view| view.put_token(username, endpoint_id, saturating_i64(expires)));
            return Ok(true);
        }
        // Minted twice in the same second: the same credential, fine for the same endpoint.
        let bound = conn
            .query_opt(
                "SELECT endpoint_id FROM tokens WHERE username = ?1",
                args![username],
            )?
            .map(|row| row.text(0))
            .transpose()?;
        Ok(bound.as_deref() == Some(endpoint_id))
    }

    /// The id of the endpoint the token with digest username `username` was minted for, if
    /// it is still recorded (not revoked, its endpoint not deleted). From the in-memory view.
    pub fn token_endpoint(&self, username: &str) -> Result<Option<String>, DbError> {
        Ok(self.view().token_endpoint(username).map(str::to_owned))
    }

    /// Reads the row of token `username` and its endpoint into the view, if the database has
    /// them (another instance minted it a moment ago and its notification is on its way).
    /// True if found.
    pub fn refresh_token(&self, username: &str) -> Result<bool, DbError> {
        let conn = self.conn();
        let Some(row) = conn.query_opt(
            "SELECT endpoint_id, expires FROM tokens WHERE username = ?1",
            args![username],
        )?
        else {
            return Ok(false);
        };
        let (endpoint_id, expires) = (row.text(0)?, row.int(1)?);
        let Some(endpoint) = super::sip_view::read_endpoint(&conn, &endpoint_id)? else {
            return Ok(false);
        };
        self.update_view(|view| {
            view.put_endpoint(endpoint);
            view.put_token(username, &endpoint_id, expires);
        });
        Ok(true)
    }

    /// Forgets the token `username` (revocation). True if it was recorded.
    pub fn delete_token(&self, username: &str) -> Result<bool, DbError> {
        let conn = self.conn();
        let n = conn.execute("DELETE FROM tokens WHERE username = ?1", args![username])?;
        self.update_view(|view| view.retire_token(username));
        Ok(n > 0)
    }

    /// Forgets tokens that expired by `now`; returns how many.
    pub fn prune_tokens(&self, now: u64) -> Result<usize, DbError> {
        let conn = self.conn();
        let n = conn.execute(
            "DELETE FROM tokens WHERE expires <= ?1",
            args![saturating_i64(now)],
        )?;
        self.reload_view(&conn)?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{NewDomain, NewEndpoint};

    fn endpoint(store: &Store, user_id: &str, domain_id: &str, name: &str) -> String {
        store
            .create_endpoint(
                user_id,
                domain_id,
                NewEndpoint {
                    name: name.into(),
                    description: String::new(),
                    application_id: None,
                    enabled: true,
                    digest_ha1: None,
                },
            )
            .unwrap()
            .id
    }

    #[test]
    fn tokens_bind_to_one_endpoint_and_retire_with_it() {
        let store = Store::open_in_memory().unwrap();
        let user = store.ensure_user("default", None).unwrap();
        let domain = store
            .create_domain(
                &user.id,
                NewDomain {
                    name: "acme".into(),
                    description: String::new(),
                },
            )
            .unwrap();
        let alice = endpoint(&store, &user.id, &domain.id, "alice");
        let name = "1000:alice@acme.t";
        assert!(store.record_token(name, &alice, 1000, 10).unwrap());
        assert!(
            store.record_token(name, &alice, 1000, 10).unwrap(),
            "same mint again"
        );
        assert_eq!(store.token_endpoint(name).unwrap(), Some(alice.clone()));

        // Deleting the endpoint cascades the row away and retires the username.
        assert!(store.delete_endpoint(&user.id, &domain.id, &alice).unwrap());
        assert_eq!(store.token_endpoint(name).unwrap(), None);
        assert!(store.is_revoked(name).unwrap());
        let again = endpoint(&store, &user.id, &domain.id, "alice");
        assert!(!store.record_token(name, &again, 1000, 10).unwrap());

        // Revocation (delete) retires it too.
        let other = "1001:alice@acme.t";
        assert!(store.record_token(other, &again, 1001, 10).unwrap());
        assert!(store.delete_token(other).unwrap());
        assert!(!store.record_token(other, &again, 1001, 10).unwrap());

        // Expired rows are pruned.
        assert!(store.record_token("5:alice@acme.t", &again, 5, 1).unwrap());
        assert_eq!(store.prune_tokens(6).unwrap(), 1);
    }
}
