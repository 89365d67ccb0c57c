//! The persisted callback queue (migration 5): call events waiting for delivery survive a
//! restart and are delivered after it (at least once: a delivery cut short by a crash is made
//! again).

use rusqlite::{params, OptionalExtension};

use super::{DbError, Store};

/// One queued event, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedCallback {
    pub id: i64,
    pub application_id: String,
    pub body: String,
}

impl Store {
    /// Stores an event for `application_id` as row `id` (chosen by the caller, so the write
    /// can run in the background while the event is already on its way).
    pub fn queue_callback(&self, id: i64, application_id: &str, body: &str) -> Result<(), DbError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(
            "INSERT INTO callback_queue (id, application_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        )?;
        statement.execute(params![id, application_id, body, super::now_unix() as i64])?;
        Ok(())
    }

    /// Forgets a queued event (its delivery ended).
    pub fn unqueue_callback(&self, id: i64) -> Result<(), DbError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached("DELETE FROM callback_queue WHERE id = ?1")?;
        statement.execute(params![id])?;
        Ok(())
    }

    /// Every queued event, oldest first.
    pub fn queued_callbacks(&self) -> Result<Vec<QueuedCallback>, DbError> {
        let conn = self.conn();
        let mut statement =
            conn.prepare("SELECT id, application_id, body FROM callback_queue ORDER BY id")?;
        let rows = statement.query_map([], |row| {
            Ok(QueuedCallback {
                id: row.get(0)?,
                application_id: row.get(1)?,
                body: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Store {
    /// Application `id`, whoever owns it (where a queued event goes after a restart).
    pub fn application_by_id(&self, id: &str) -> Result<Option<super::Application>, DbError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(
            "SELECT id, user_id, name, incoming_call_url, auto_answer, callback_secret
             FROM applications WHERE id = ?1",
        )?;
        let app = statement
            .query_row(params![id], |row| {
                Ok(super::Application {
                    id: row.get(0)?,
                    user_id: row.get(1)?,
                    name: row.get(2)?,
                    incoming_call_url: row.get(3)?,
                    auto_answer: row.get(4)?,
                    callback_secret: row.get(5)?,
                })
            })
            .optional()?;
        Ok(app)
    }
}
