//! Revoked tokens, until they expire anyway.

use super::sql::args;
use super::{saturating_i64, DbError, Store};

impl Store {
    /// Records that the token whose signed identity is `username` (`<expiry>:<user>@<host>`)
    /// is revoked until `expires`, and forgets revocations that have expired by `now`.
    pub fn revoke_token(&self, username: &str, expires: u64, now: u64) -> Result<(), DbError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO revoked_tokens (username, expires) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            args![username, saturating_i64(expires)],
        )?;
        conn.execute(
            "DELETE FROM revoked_tokens WHERE expires <= ?1",
            args![saturating_i64(now)],
        )?;
        self.update_view(|view| {
            view.put_revoked(username, saturating_i64(expires));
            view.prune_revoked(saturating_i64(now));
        });
        Ok(())
    }

    /// True if the token with signed identity `username` was revoked. From the in-memory
    /// view.
    pub fn is_revoked(&self, username: &str) -> Result<bool, DbError> {
        Ok(self.view().is_revoked(username))
    }

    /// Forgets revocations of tokens that have expired by `now`; returns how many.
    pub fn prune_revoked(&self, now: u64) -> Result<usize, DbError> {
        let conn = self.conn();
        let n = conn.execute(
            "DELETE FROM revoked_tokens WHERE expires <= ?1",
            args![saturating_i64(now)],
        )?;
        self.update_view(|view| view.prune_revoked(saturating_i64(now)));
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revocations_are_pruned_after_expiry() {
        let store = Store::open_in_memory().unwrap();
        store.revoke_token("100:alice@d.test", 100, 50).unwrap();
        store.revoke_token("200:bob@d.test", 200, 50).unwrap();
        assert!(store.is_revoked("100:alice@d.test").unwrap());
        assert!(!store.is_revoked("100:bob@d.test").unwrap());
        assert_eq!(store.prune_revoked(150).unwrap(), 1);
        assert!(!store.is_revoked("100:alice@d.test").unwrap());
        assert!(store.is_revoked("200:bob@d.test").unwrap());
        store.revoke_token("x", u64::MAX, 0).unwrap();
        assert!(store.is_revoked("x").unwrap());
    }
}
