//! One SQL layer over both backends: [`Conn`] is SQLite (rusqlite) or PostgreSQL
//! (`db::postgres`), so every query of `db/*.rs` is written once, with `?1`, `?2`…
//! placeholders (translated to `$1`… for PostgreSQL) in the SQL both dialects understand.
//! Arguments are [`Value`]s; rows come back owned ([`Row`]), read by column index.

use super::postgres::PgConn;
use super::DbError;

/// One argument of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(v)
    }
}
impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Text(v)
    }
}
impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
/// Booleans are stored as integers 0/1 in both backends (one schema).
impl From<bool> for Value<'_> {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}
impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
impl<'a> From<&'a Option<String>> for Value<'a> {
    fn from(v: &'a Option<String>) -> Self {
        v.as_deref().map_or(Value::Null, Value::Text)
    }
}

/// `&[Value]` from a list of expressions, each converted with `Value::from`.
macro_rules! args {
    ($($v:expr),* $(,)?) => { &[$($crate::db::sql::Value::from($v)),*][..] };
}
pub(crate) use args;

/// One column of a row read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
}

/// One row read back, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub Vec<Cell>);

impl Row {
    fn cell(&self, i: usize) -> Result<&Cell, DbError> {
        self.0
            .get(i)
            .ok_or_else(|| DbError::Decode(format!("no column {i}")))
    }

    /// Column `i` as text (NULL is an error).
    pub fn text(&self, i: usize) -> Result<String, DbError> {
        self.opt_text(i)?
            .ok_or_else(|| DbError::Decode(format!("column {i} is NULL")))
    }

    /// Column `i` as text or NULL.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, DbError> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Text(s) => Ok(Some(s.clone())),
            Cell::Int(_) => Err(DbError::Decode(format!("column {i}: integer, not text"))),
        }
    }

    /// Column `i` as an integer or NULL.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, DbError> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Int(v) => Ok(Some(*v)),
            Cell::Text(_) => Err(DbError::Decode(format!("column {i}: text, not integer"))),
        }
    }

    /// Column `i` as an integer (NULL is an error).
    pub fn int(&self, i: usize) -> Result<i64, DbError> {
        self.opt_int(i)?
            .ok_or_else(|| DbError::Decode(format!("column {i} is NULL")))
    }

    /// Column `i` as a boolean (an integer, 0 = false).
    pub fn bool(&self, i: usize) -> Result<bool, DbError> {
        Ok(self.int(i)? != 0)
    }
}

/// Which SQL dialect a connection speaks (migrations differ in a few words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A connection to either backend.
pub enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(PgConn),
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(v) => ValueRef::Integer(*v),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
        }))
    }
}

fn sqlite_rows(
    conn: &rusqlite::Connection,
    sql: &str,
    args: &[Value<'_>],
) -> Result<Vec<Row>, DbError> {
    use rusqlite::types::ValueRef;
    let mut stmt = conn.prepare_cached(sql)?;
    let columns = stmt.column_count();
    let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut cells = Vec::with_capacity(columns);
        for i in 0..columns {
            cells.push(match row.get_ref(i)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(v) => Cell::Int(v),
                ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Real(_) | ValueRef::Blob(_) => {
                    return Err(DbError::Decode(format!("column {i}: unexpected type")))
                }
            });
        }
        out.push(Row(cells));
    }
    Ok(out)
}

impl Conn {
    pub fn dialect(&self) -> Dialect {
        match self {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs one statement; returns how many rows it changed.
    pub fn execute(&self, sql: &str, args: &[Value<'_>]) -> Result<usize, DbError> {
        match self {
            Conn::Sqlite(conn) => Ok(conn
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(args.iter()))?),
            Conn::Postgres(pg) => pg.execute(sql, args),
        }
    }

    /// Every row of a query.
    pub fn query_all(&self, sql: &str, args: &[Value<'_>]) -> Result<Vec<Row>, DbError> {
        match self {
            Conn::Sqlite(conn) => sqlite_rows(conn, sql, args),
            Conn::Postgres(pg) => pg.query(sql, args),
        }
    }

    /// The first row of a query, if any.
    pub fn query_opt(&self, sql: &str, args: &[Value<'_>]) -> Result<Option<Row>, DbError> {
        Ok(self.query_all(sql, args)?.into_iter().next())
    }

    /// The first row of a query ([`DbError::Decode`] if there is none).
    pub fn query_one(&self, sql: &str, args: &[Value<'_>]) -> Result<Row, DbError> {
        self.query_opt(sql, args)?
            .ok_or_else(|| DbError::Decode("no row".to_owned()))
    }

    /// Runs several statements without arguments (migrations).
    pub fn batch(&self, sql: &str) -> Result<(), DbError> {
        match self {
            Conn::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Conn::Postgres(pg) => pg.batch(sql),
        }
    }

    /// Runs `work` in one transaction: committed if it returns `Ok`, rolled back otherwise.
    pub fn transaction<T>(
        &self,
        work: impl FnOnce(&Conn) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        self.batch("BEGIN")?;
        match work(self) {
            Ok(value) => {
                self.batch("COMMIT")?;
                Ok(value)
            }
            Err(err) => {
                let _ = self.batch("ROLLBACK");
                Err(err)
            }
        }
    }
}

/// `?1`, `?2`… → `$1`, `$2`… (PostgreSQL's placeholders). Our statements hold no `?` in
/// string literals.
pub fn to_postgres_placeholders(sql: &str) -> String {
    sql.replace('?', "$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_values() {
        assert_eq!(
            to_postgres_placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = $12"
        );
        let name = Some("x".to_owned());
        let none: Option<&str> = None;
        assert_eq!(
            args![1i64, true, &name, none, "t"],
            &[
                Value::Int(1),
                Value::Int(1),
                Value::Text("x"),
                Value::Null,
                Value::Text("t")
            ]
        );
    }
}
