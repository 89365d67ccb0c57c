//! The persisted callback queue (migration 5): call events waiting for delivery survive a
//! restart and are delivered after it (at least once: a delivery cut short by a crash is made
//! again).
//!
//! Several instances on one PostgreSQL database: each row has an `owner` (migration 7), the
//! instance that queued it (its database session, `pid:start`). At start an instance claims
//! only the rows of owners whose session is gone (`FOR UPDATE SKIP LOCKED`, so two instances
//! starting together never claim the same row), never those another live instance is
//! delivering: no event is delivered by two instances.

use super::sql::{args, Conn, Dialect};
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
        self.conn().execute(
            "INSERT INTO callback_queue (id, application_id, body, created_at, owner)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            args![
                id,
                application_id,
                body,
                super::now_unix() as i64,
                &*self.owner
            ],
        )?;
        Ok(())
    }

    /// Forgets a queued event (its delivery ended).
    pub fn unqueue_callback(&self, id: i64) -> Result<(), DbError> {
        self.conn()
            .execute("DELETE FROM callback_queue WHERE id = ?1", args![id])?;
        Ok(())
    }

    /// Claims the queued events no live instance owns (SQLite: all of them; this process owns
    /// the file) and returns them, oldest first.
    pub fn queued_callbacks(&self) -> Result<Vec<QueuedCallback>, DbError> {
        let conn = self.conn();
        let claim = match conn.dialect() {
            Dialect::Sqlite => "UPDATE callback_queue SET owner = ?1 RETURNING id, application_id, body",
            Dialect::Postgres => {
                "UPDATE callback_queue SET owner = ?1 WHERE id IN (
                     SELECT q.id FROM callback_queue q
                     WHERE q.owner <> ?1 AND NOT EXISTS (
                         SELECT 1 FROM pg_stat_activity a
                         WHERE q.owner = a.pid || ':' || extract(epoch FROM a.backend_start)::bigint)
                     FOR UPDATE SKIP LOCKED)
                 RETURNING id, application_id, body"
            }
        };
        let mut rows = conn.query_all(claim, args![&*self.owner])?;
        rows.sort_by_key(|row| row.int(0).unwrap_or(0));
        rows.iter()
            .map(|row| {
                Ok(QueuedCallback {
                    id: row.int(0)?,
                    application_id: row.text(1)?,
                    body: row.text(2)?,
                })
            })
            .collect()
    }
}

/// Who this connection is, as `callback_queue.owner`: on PostgreSQL its session
/// (`pid:start`, unique while it lives and recognisable in `pg_stat_activity`); on SQLite
/// the constant `local`.
pub(super) fn owner_of(conn: &Conn) -> Result<String, DbError> {
    match conn.dialect() {
        Dialect::Sqlite => Ok("local".to_owned()),
        Dialect::Postgres => conn
            .query_one(
                "SELECT pg_backend_pid() || ':' || extract(epoch FROM backend_start)::bigint
                 FROM pg_stat_activity WHERE pid = pg_backend_pid()",
                &[],
            )?
            .text(0),
    }
}

impl Store {
    /// On PostgreSQL, this instance's residue modulo 1024 for the callback queue's row ids
    /// (from its session's pid); `None` on SQLite.
    pub fn row_id_lane(&self) -> Option<i64> {
        let pid: i64 = self.owner.split(':').next()?.parse().ok()?;
        Some(pid % 1024)
    }

    /// Application `id`, whoever owns it (where a queued event goes after a restart).
    pub fn application_by_id(&self, id: &str) -> Result<Option<super::Application>, DbError> {
        self.conn()
            .query_opt(
                &format!(
                    "SELECT {} FROM applications WHERE id = ?1",
                    super::applications::COLUMNS
                ),
                args![id],
            )?
            .map(|row| super::applications::from_row(&row))
            .transpose()
    }
}
