//! Calls the proxy reports to applications, kept while they last (migration 5), so that a
//! restarted server still sends their `end`. The record is the SIP side's own JSON.

use super::sql::args;
use super::{DbError, Store};

impl Store {
    /// Stores (or replaces) the record of call `call_id`.
    pub fn save_call(&self, call_id: &str, record: &str) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT INTO active_calls (call_id, record, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (call_id) DO UPDATE
                 SET record = excluded.record, updated_at = excluded.updated_at",
            args![call_id, record, super::now_unix() as i64],
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

    /// Every stored call: `(call id, record)`.
    pub fn saved_calls(&self) -> Result<Vec<(String, String)>, DbError> {
        self.conn()
            .query_all("SELECT call_id, record FROM active_calls", &[])?
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
