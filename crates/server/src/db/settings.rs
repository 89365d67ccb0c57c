//! Server-wide key/value settings (the generated token secret).

use super::sql::args;
use super::{DbError, Store};

impl Store {
    /// The value stored under `key`, if any.
    pub fn setting(&self, key: &str) -> Result<Option<String>, DbError> {
        self.conn()
            .query_opt("SELECT value FROM settings WHERE key = ?1", args![key])?
            .map(|row| row.text(0))
            .transpose()
    }

    /// The value under `key`, storing `make()` first if there is none. Returns the stored value,
    /// so two racing first starts agree on one.
    pub fn setting_or_insert(
        &self,
        key: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String, DbError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            args![key, &make()],
        )?;
        conn.query_one("SELECT value FROM settings WHERE key = ?1", args![key])?
            .text(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_value_wins() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.setting("k").unwrap(), None);
        assert_eq!(
            store.setting_or_insert("k", || "one".into()).unwrap(),
            "one"
        );
        assert_eq!(
            store.setting_or_insert("k", || "two".into()).unwrap(),
            "one"
        );
        assert_eq!(store.setting("k").unwrap().as_deref(), Some("one"));
    }
}
