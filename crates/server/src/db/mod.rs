//! Storage: one [`Store`] over one connection to SQLite (the default) or PostgreSQL
//! (`--database postgres://…`, several API instances sharing it), numbered migrations for
//! both, one file per table; every query is written once (`sql`).
//!
//! Every method is a synchronous query under a mutex: call them off the async workers (the
//! REST handlers go through `rest::db`, a `spawn_blocking`). The SIP hot path never queries
//! the database: it reads the in-memory [`SipView`], which every write method updates after
//! its commit (see `sip_view`), and which on PostgreSQL also follows the writes of other
//! instances (`peers`).

mod active_calls;
mod applications;
mod background;
mod callback_queue;
mod domains;
mod endpoints;
mod ids;
mod migrations;
mod peers;
mod phone_numbers;
mod postgres;
mod revoked_tokens;
mod settings;
mod sip_revocations;
mod sip_view;
pub(crate) mod sql;
mod tokens;
mod users;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock, RwLockReadGuard};

use rusqlite::Connection;

use sql::Conn;

pub use applications::{Application, NewApplication};
pub use callback_queue::QueuedCallback;
pub use domains::{Domain, NewDomain};
pub use endpoints::{Endpoint, NewEndpoint};
pub use peers::RevocationHook;
pub use phone_numbers::{NewPhoneNumber, PhoneNumber};
pub use sip_view::SipView;
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
    #[error("postgres: {0}")]
    Postgres(String),
    #[error("unexpected row: {0}")]
    Decode(String),
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

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file (the default, `<data>/bwclient.db`).
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL URL, `postgres://user[:password]@host:port/db`.
    Postgres(String),
}

/// The server's storage. Cheap to clone (one shared connection).
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Conn>>,
    /// What the SIP hot path reads; exact (updated by every write, under `conn`'s lock).
    view: Arc<RwLock<SipView>>,
    /// The ordered writer thread for writes made from the async workers (`background.rs`).
    background: Arc<background::Background>,
    /// What to do with a revocation another instance made (PostgreSQL; `peers`).
    revocation_hook: Arc<OnceLock<RevocationHook>>,
    /// This instance as `callback_queue.owner` (`callback_queue::owner_of`).
    owner: Arc<str>,
    /// True on PostgreSQL: other instances may write the same data.
    pub shared: bool,
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

    /// Opens `database`: [`Store::open`] for a SQLite file; for PostgreSQL, connects, brings
    /// the schema up to date and follows the changes other instances commit (`peers`).
    pub fn open_database(database: &Database) -> Result<Store, DbError> {
        match database {
            Database::Sqlite(path) => Self::open(path),
            Database::Postgres(url) => {
                let conn = Conn::Postgres(postgres::PgConn::connect(url)?);
                migrations::run(&conn)?;
                let view = SipView::load(&conn)?;
                let owner = callback_queue::owner_of(&conn)?.into();
                let store = Store {
                    owner,
                    shared: true,
                    conn: Arc::new(Mutex::new(conn)),
                    view: Arc::new(RwLock::new(view)),
                    background: Arc::default(),
                    revocation_hook: Arc::default(),
                };
                peers::follow(&store);
                Ok(store)
            }
        }
    }

    /// An in-memory database (for unit tests).
    pub fn open_in_memory() -> Result<Store, DbError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store, DbError> {
        // Foreign keys are off by default in SQLite and are per connection.
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // WAL: Kamailio reads this file (token binding, revocations) while the server writes;
        // readers and the writer do not block each other. In-memory databases answer "memory".
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        // Overwrite deleted content with zeros, so a secret replaced by its hash (or a deleted
        // row) does not linger in free space of the file (issue 11, hole 8).
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(64);
        let conn = Conn::Sqlite(conn);
        migrations::run(&conn)?;
        let view = SipView::load(&conn)?;
        Ok(Store {
            owner: callback_queue::owner_of(&conn)?.into(),
            shared: false,
            conn: Arc::new(Mutex::new(conn)),
            view: Arc::new(RwLock::new(view)),
            background: Arc::default(),
            revocation_hook: Arc::default(),
        })
    }

    /// The in-memory view, for reading (a hash lookup; never waits on SQLite). A panic while
    /// a writer held it leaves at worst one change half-applied, so a poisoned lock is used.
    pub fn view(&self) -> RwLockReadGuard<'_, SipView> {
        self.view
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Applies a committed write to the view. Call it with the connection still locked, so
    /// the view follows the commits in order.
    fn update_view(&self, change: impl FnOnce(&mut SipView)) {
        let mut view = self
            .view
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        change(&mut view);
    }

    /// Reloads the whole view from `conn` (writes whose effects reach many rows: a domain or
    /// an application changed, pruning). Built before taking the view's lock, then swapped.
    fn reload_view(&self, conn: &Conn) -> Result<(), DbError> {
        let fresh = SipView::load(conn)?;
        self.update_view(|view| *view = fresh);
        Ok(())
    }

    /// The connection, locked. A panic while holding the lock cannot leave SQLite half-written
    /// (each write is one statement or one transaction), so a poisoned lock is still usable.
    fn conn(&self) -> MutexGuard<'_, Conn> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Writes the WAL into the database file and truncates it, so that page images from
    /// before a change (a secret in clear just replaced by its hash) leave the WAL file.
    /// (PostgreSQL: nothing to do.)
    pub fn checkpoint(&self) -> Result<(), DbError> {
        let conn = self.conn();
        if let Conn::Sqlite(conn) = &*conn {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(())
    }

    /// True on PostgreSQL (several instances may share the data).
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64, DbError> {
        migrations::current_version(&self.conn())
    }
}

/// Unix seconds as the databases' signed 64-bit integer: token expiries come from parsed input and
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
