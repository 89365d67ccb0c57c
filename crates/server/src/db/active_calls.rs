//! Calls the proxy reports to applications, kept while they last (migration 5), so that a
//! restarted server still sends their `end`. The record is the SIP side's own JSON.
//!
//! Each row has an `owner` (migration 7), the instance routing the call: on a PostgreSQL
//! database shared by several instances, one starting takes over only the calls of instances
//! that are gone (as `callback_queue` rows), never those another live instance routes (it
//! would end them for the application after its reconnect grace).

use super::sql::{args, Dialect};
use super::{DbError, Store};

impl Store {
    /// Stores (or replaces) the record of call `call_id`.
    pub fn save_call(&self, call_id: &str, record: &str) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT INTO active_calls (call_id, record, updated_at, owner) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (call_id) DO UPDATE SET record = excluded.record,
                 updated_at = excluded.updated_at, owner = excluded.owner",
            args![call_id, record, super::now_unix() as i64, &*self.owner],
        )?;
        Ok(())
    }

    /// Forgets call `call_id`.
    pub fn forget_call(&self, call_id: &str) -> Result<(), DbError> {
        self.conn().execute(
            "DELETE FROM active_calls WHERE call_id = ?1",
            args![call_id],
        )?;
        Ok(())
    }

    /// Every stored call no live instance owns, claimed: `(call id, record)` (SQLite: all).
    pub fn saved_calls(&self) -> Result<Vec<(String, String)>, DbError> {
        let conn = self.conn();
        let claim = match conn.dialect() {
            Dialect::Sqlite => "UPDATE active_calls SET owner = ?1 RETURNING call_id, record",
            Dialect::Postgres => {
                "UPDATE active_calls SET owner = ?1 WHERE call_id IN (
                     SELECT c.call_id FROM active_calls c
                     WHERE c.owner <> ?1 AND NOT EXISTS (
                         SELECT 1 FROM pg_stat_activity a
                         WHERE c.owner = a.pid || ':' || extract(epoch FROM a.backend_start)::bigint)
                     FOR UPDATE SKIP LOCKED)
                 RETURNING call_id, record"
            }
        };
        conn.query_all(claim, args![&*self.owner])?
            .iter()
            .map(|row| Ok((row.text(0)?, row.text(1)?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::db::Store;

    #[test]
    fn calls_and_callbacks_round_trip() {
        let store = Store::open_in_memory().unwrap();
        store.save_call("c1", "{}").unwrap();
        store.save_call("c1", "{\"a\":1}").unwrap();
        assert_eq!(
            store.saved_calls().unwrap(),
            vec![("c1".to_owned(), "{\"a\":1}".to_owned())]
        );
        store.forget_call("c1").unwrap();
        assert!(store.saved_calls().unwrap().is_empty());
    }
}
