//! `sip_revocations`: AORs whose registrations must go now, for Kamailio (issue 11, hole 3).
//! bwclient-server drops its own registrations directly (`crate::sip::SipService::revoke`);
//! Kamailio, reading the same database file, polls these rows and unregisters the AOR (all of
//! its contacts, or those made with the token `username`).

use super::sql::args;
use super::{saturating_i64, DbError, Store};

/// How long a revocation row is kept (Kamailio polls far more often).
pub const KEEP_SECS: u64 = 3600;

impl Store {
    /// Records that the registrations of `aor` (`user@host`) made with token `username` (its
    /// digest username), or all of them if `None`, must go; prunes rows older than
    /// [`KEEP_SECS`].
    pub fn record_sip_revocation(
        &self,
        aor: &str,
        username: Option<&str>,
        now: u64,
    ) -> Result<(), DbError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO sip_revocations (aor, username, at) VALUES (?1, ?2, ?3)",
            args![aor, username, saturating_i64(now)],
        )?;
        conn.execute(
            "DELETE FROM sip_revocations WHERE at < ?1",
            args![saturating_i64(now.saturating_sub(KEEP_SECS))],
        )?;
        Ok(())
    }

    /// `(aor, username)` of the revocations recorded at or after `since`, oldest first.
    pub fn sip_revocations_since(
        &self,
        since: u64,
    ) -> Result<Vec<(String, Option<String>)>, DbError> {
        self.conn()
            .query_all(
                "SELECT aor, username FROM sip_revocations WHERE at >= ?1 ORDER BY seq",
                args![saturating_i64(since)],
            )?
            .iter()
            .map(|row| Ok((row.text(0)?, row.opt_text(1)?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_kept_an_hour() {
        let store = Store::open_in_memory().unwrap();
        store
            .record_sip_revocation("a@h", Some("9:a@h"), 100)
            .unwrap();
        store
            .record_sip_revocation("b@h", None, 100 + KEEP_SECS + 1)
            .unwrap();
        assert_eq!(
            store.sip_revocations_since(0).unwrap(),
            vec![("b@h".to_owned(), None)]
        );
    }
}
