//! SQLite storage: one [`Store`] over one connection, numbered migrations, one file per table.
//!
//! Every method is a short synchronous query under a mutex. The server is small and SQLite
//! answers these in microseconds, so handlers call the store directly instead of hopping to a
//! blocking thread pool.

mod active_calls;
mod applications;
mod callback_queue;
mod domains;
mod endpoints;
mod ids;
mod migrations;
mod phone_numbers;
mod revoked_tokens;
mod settings;
mod sip_revocations;
mod tokens;
mod users;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

pub use applications::{Application, NewApplication};
pub use callback_queue::QueuedCallback;
pub use domains::{Domain, NewDomain};
pub use endpoints::{Endpoint, NewEndpoint};
pub use phone_numbers::{NewPhoneNumber, PhoneNumber};
pub use users::User;

pub(crate) use ids::new_secret;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A UNIQUE constraint refused the write (a duplicate name or number).
    #[error("duplicate: {0}")]
    Conflict(String),
    #[error("database schema version {found} is newer than this server ({known})")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("cannot create the data folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("sqlite: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for DbError {
    fn from(err: rusqlite::Error) -> Self {
        // Constraint violations are the client's fault (a duplicate), not the server's.
        if let rusqlite::Error::SqliteFailure(code, ref msg) = err {
            if code.code == rusqlite::ErrorCode::ConstraintViolation {
                return DbError::Conflict(msg.clone().unwrap_or_else(|| "constraint".to_owned()));
            }
        }
        DbError::Sqlite(err)
    }
}

/// The server's storage. Cheap to clone (one shared connection).
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, DbError> {
        if let Some(parent) = path.parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)?;
            }
        }
        Self::init(Connection::open(path)?)
    }

    /// An in-memory database (for unit tests).
    pub fn open_in_memory() -> Result<Store, DbError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store, DbError> {
        // Foreign keys are off by default in SQLite and are per connection.
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // WAL: Kamailio reads this file (token binding, revocations) while the server writes;
        // readers and the writer do not block each other. In-memory databases answer "memory".
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        // Overwrite deleted content with zeros, so a secret replaced by its hash (or a deleted
        // row) does not linger in free space of the file (issue 11, hole 8).
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::run(&mut conn)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The connection, locked. A panic while holding the lock cannot leave SQLite half-written
    /// (each write is one statement or one transaction), so a poisoned lock is still usable.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// One row of a query on the SIP hot path, through the connection's prepared-statement
    /// cache: every REGISTER and INVITE looks up an endpoint, and parsing the SQL again each
    /// time was a fifth of the server's CPU under load.
    fn cached_row<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        map: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, DbError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(sql)?;
        Ok(rusqlite::OptionalExtension::optional(
            statement.query_row(params, map),
        )?)
    }

    /// Writes the WAL into the database file and truncates it, so that page images from
    /// before a change (a secret in clear just replaced by its hash) leave the WAL file.
    pub fn checkpoint(&self) -> Result<(), DbError> {
        let conn = self.conn();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64, DbError> {
        migrations::current_version(&self.conn())
    }
}

/// Unix seconds as SQLite's signed 64-bit integer: token expiries come from parsed input and
/// may exceed it.
pub(crate) fn saturating_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Seconds since the Unix epoch (0 if the clock is before 1970).
pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
