//! Calls the proxy reports to applications, kept while they last (migration 5), so that a
//! restarted server still sends their `end`. The record is the SIP side's own JSON.

use rusqlite::params;

use super::{DbError, Store};

impl Store {
    /// Stores (or replaces) the record of call `call_id`.
    pub fn save_call(&self, call_id: &str, record: &str) -> Result<(), DbError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(
            "INSERT OR REPLACE INTO active_calls (call_id, record, updated_at) VALUES (?1, ?2, ?3)",
        )?;
        statement.execute(params![call_id, record, super::now_unix() as i64])?;
        Ok(())
    }

    /// Forgets call `call_id`.
    pub fn forget_call(&self, call_id: &str) -> Result<(), DbError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached("DELETE FROM active_calls WHERE call_id = ?1")?;
        statement.execute(params![call_id])?;
        Ok(())
    }

    /// Every stored call: `(call id, record)`.
    pub fn saved_calls(&self) -> Result<Vec<(String, String)>, DbError> {
        let conn = self.conn();
        let mut statement = conn.prepare("SELECT call_id, record FROM active_calls")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
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
