//! The PostgreSQL side of [`Conn`](super::sql::Conn) (`--database postgres://…`), on
//! tokio-postgres, the async driver.
//!
//! The store is synchronous by design (the SIP path reads the in-memory view; REST handlers
//! run storage work in `spawn_blocking`; SIP-side writes go to the writer thread), so each
//! client future is awaited with `futures_executor::block_on`, while the connection itself
//! (the socket) is driven by a private one-thread tokio runtime. That works from any thread,
//! including the few start-up calls made on the async workers, where the blocking `postgres`
//! facade (its own runtime's `block_on`) would panic. One client serves the store: the
//! statements run under the store's mutex, in commit order, like SQLite's connection, so the
//! view follows the commits (a pool would let two commits reach the view in the other order);
//! prepared statements are cached per SQL text.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use bytes::BytesMut;
use tokio_postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use tokio_postgres::{AsyncMessage, Client, NoTls, Statement};

use super::sql::{to_postgres_placeholders, Cell, Row, Value};
use super::DbError;

/// The channel the change triggers notify (migration 6, PostgreSQL only).
pub const CHANNEL: &str = "bwclient_changes";

impl From<tokio_postgres::Error> for DbError {
    fn from(err: tokio_postgres::Error) -> Self {
        match err.as_db_error() {
            // Class 23, integrity constraint violation: a duplicate, the client's fault.
            Some(db) if db.code().code().starts_with("23") => {
                DbError::Conflict(db.message().to_owned())
            }
            Some(db) => DbError::Postgres(format!("{}: {}", db.code().code(), db.message())),
            None => DbError::Postgres(err.to_string()),
        }
    }
}

impl ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                _ => Err(format!("an integer for a {ty} parameter").into()),
            },
            Value::Text(s) => s.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A tokio runtime that may be dropped anywhere (also on an async worker).
struct PrivateRuntime(Option<tokio::runtime::Runtime>);

impl Drop for PrivateRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl PrivateRuntime {
    fn handle(&self) -> &tokio::runtime::Handle {
        self.0
            .as_ref()
            .expect("runtime present until dropped")
            .handle()
    }
}

fn wait<F: Future>(future: F) -> F::Output {
    futures_executor::block_on(future)
}

/// A change another process committed: `payload` is a table name, or
/// `sip_revocations <aor> <username or empty>` for a revocation row; `None` after the
/// listener (re)subscribed (changes may have been missed: reload everything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub backend_pid: i32,
    pub payload: Option<String>,
}

/// One PostgreSQL client for the store.
pub struct PgConn {
    /// Replaced by a new connection when the server closed this one (a restart of
    /// PostgreSQL): the statement that met the closed connection fails, the next one works.
    client: Mutex<Arc<Client>>,
    statements: Mutex<HashMap<String, Statement>>,
    runtime: Arc<PrivateRuntime>,
    url: String,
    /// The server process serving `client` (to tell our own notifications from others').
    pub backend_pid: i32,
}

impl PgConn {
    /// Connects to `url` (`postgres://user[:password]@host:port/db`, TLS off: a private
    /// network or a unix socket is assumed).
    pub fn connect(url: &str) -> Result<PgConn, DbError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("postgres-io")
            .enable_all()
            .build()?;
        let runtime = Arc::new(PrivateRuntime(Some(runtime)));
        let client = open_client(&runtime, url)?;
        let mut conn = PgConn {
            client: Mutex::new(Arc::new(client)),
            statements: Mutex::default(),
            runtime,
            url: url.to_owned(),
            backend_pid: 0,
        };
        let pid = conn.query("SELECT pg_backend_pid()", &[])?;
        conn.backend_pid = pid.first().map(|row| row.int(0)).transpose()?.unwrap_or(0) as i32;
        Ok(conn)
    }

    /// The client, after replacing it if its connection was closed.
    fn client(&self) -> Result<Arc<Client>, DbError> {
        let mut client = self
            .client
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if client.is_closed() {
            tracing::warn!("postgres connection closed; reconnecting");
            *client = Arc::new(open_client(&self.runtime, &self.url)?);
            self.statements
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clear();
        }
        Ok(client.clone())
    }

    fn statement(&self, client: &Client, sql: &str) -> Result<Statement, DbError> {
        let mut cache = self
            .statements
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(statement) = cache.get(sql) {
            return Ok(statement.clone());
        }
        let statement = wait(client.prepare(&to_postgres_placeholders(sql)))?;
        cache.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    pub fn execute(&self, sql: &str, args: &[Value<'_>]) -> Result<usize, DbError> {
        let client = self.client()?;
        let statement = self.statement(&client, sql)?;
        let params: Vec<&(dyn ToSql + Sync)> =
            args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        Ok(wait(client.execute(&statement, &params))? as usize)
    }

    pub fn query(&self, sql: &str, args: &[Value<'_>]) -> Result<Vec<Row>, DbError> {
        let client = self.client()?;
        let statement = self.statement(&client, sql)?;
        let params: Vec<&(dyn ToSql + Sync)> =
            args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        let rows = wait(client.query(&statement, &params))?;
        rows.iter().map(read_row).collect()
    }

    pub fn batch(&self, sql: &str) -> Result<(), DbError> {
        Ok(wait(self.client()?.batch_execute(sql))?)
    }

    /// Listens on [`CHANNEL`] on a connection of its own, sending every notification to
    /// `notices` (and a resync notice after each (re)subscription); reconnects after a second
    /// when the connection breaks, until `notices` is gone.
    pub fn listen(&self, notices: mpsc::Sender<Notice>) {
        let url = self.url.clone();
        self.runtime.handle().spawn(async move {
            loop {
                match tokio_postgres::connect(&url, NoTls).await {
                    Ok((client, mut connection)) => {
                        let forward = notices.clone();
                        let pump = tokio::spawn(async move {
                            while let Some(message) =
                                std::future::poll_fn(|cx| connection.poll_message(cx)).await
                            {
                                match message {
                                    Ok(AsyncMessage::Notification(n)) => {
                                        let notice = Notice {
                                            backend_pid: n.process_id(),
                                            payload: Some(n.payload().to_owned()),
                                        };
                                        if forward.send(notice).is_err() {
                                            return;
                                        }
                                    }
                                    Ok(_) => {}
                                    Err(_) => return,
                                }
                            }
                        });
                        let listening = client.batch_execute(&format!("LISTEN {CHANNEL}")).await;
                        if listening.is_ok() {
                            let resync = Notice {
                                backend_pid: 0,
                                payload: None,
                            };
                            if notices.send(resync).is_err() {
                                return;
                            }
                        }
                        let _ = pump.await;
                        drop(client);
                        tracing::warn!("postgres listener connection lost; reconnecting");
                    }
                    Err(err) => tracing::warn!(error = %err, "postgres listener cannot connect"),
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
}

/// Connects a client to `url`, its connection driven on `runtime`.
fn open_client(runtime: &PrivateRuntime, url: &str) -> Result<Client, DbError> {
    let target = url.to_owned();
    let (client, connection) = wait(
        runtime
            .handle()
            .spawn(async move { tokio_postgres::connect(&target, NoTls).await }),
    )
    .map_err(|err| DbError::Postgres(err.to_string()))??;
    runtime.handle().spawn(async move {
        if let Err(err) = connection.await {
            tracing::error!(error = %err, "postgres connection ended");
        }
    });
    Ok(client)
}

/// A row of any of the column types our schema uses (BIGINT, INTEGER, BOOLEAN, TEXT).
fn read_row(row: &tokio_postgres::Row) -> Result<Row, DbError> {
    let decode = |err: tokio_postgres::Error| DbError::Decode(err.to_string());
    let mut cells = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let cell = match *column.type_() {
            Type::INT8 => row
                .try_get::<_, Option<i64>>(i)
                .map_err(decode)?
                .map(Cell::Int),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)
                .map_err(decode)?
                .map(|v| Cell::Int(v.into())),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)
                .map_err(decode)?
                .map(|v| Cell::Int(v.into())),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)
                .map_err(decode)?
                .map(|v| Cell::Int(v.into())),
            _ => row
                .try_get::<_, Option<String>>(i)
                .map_err(decode)?
                .map(Cell::Text),
        };
        cells.push(cell.unwrap_or(Cell::Null));
    }
    Ok(Row(cells))
}
