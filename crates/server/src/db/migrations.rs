//! Numbered schema migrations, recorded in `schema_migrations`. Append new ones; never edit
//! one that has shipped.
//!
//! One source of truth for both backends: the SQL below is SQLite's, and PostgreSQL gets it
//! through [`for_postgres`], a few word substitutions (integer types, AUTOINCREMENT, the
//! trigger's body, a `rowid` column for "oldest first") plus the statements only PostgreSQL
//! needs (migration 6: change notifications for the other instances).

use super::sql::{args, Conn, Dialect};
use super::DbError;

/// `(version, name, SQL)`, in order of version. A database may have seen a later version
/// before an earlier one was added (branches merged in any order): [`run`] applies whatever
/// version is missing, in order, so every migration must stand on version 1 alone.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial schema",
        r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE users (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    api_token  TEXT NOT NULL UNIQUE,
    api_secret TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE applications (
    id                TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    incoming_call_url TEXT,
    auto_answer       INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    UNIQUE (user_id, name)
);
-- A domain name is part of every SIP host (<name>.<realm>), so it is unique server-wide.
CREATE TABLE domains (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE endpoints (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    domain_id      TEXT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    application_id TEXT REFERENCES applications(id) ON DELETE SET NULL,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL,
    enabled        INTEGER NOT NULL,
    password       TEXT,
    created_at     INTEGER NOT NULL,
    UNIQUE (domain_id, name)
);
CREATE INDEX endpoints_application ON endpoints(application_id);
CREATE TABLE phone_numbers (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    number      TEXT NOT NULL UNIQUE,
    endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL
);
CREATE INDEX phone_numbers_endpoint ON phone_numbers(endpoint_id);
-- Keyed by the token's signed identity (<expiry>:<user>@<host>), not its text: the WebSocket
-- URL inside a token is unsigned, so two texts can carry the same credential.
CREATE TABLE revoked_tokens (
    username TEXT PRIMARY KEY,
    expires  INTEGER NOT NULL
);
CREATE INDEX revoked_tokens_expires ON revoked_tokens(expires);
"#,
    ),
    (2, "token binding and SIP revocations", MIGRATION_2),
    (
        3,
        "application callback secrets",
        // The HMAC-SHA256 key of an application's callbacks (callbacks/signature.rs). Existing
        // applications get one here: SQLite's randomblob() is its CSPRNG (ChaCha20 seeded
        // from the OS), the same 32 bytes as 64 hex characters that new ones get.
        r#"
ALTER TABLE applications ADD COLUMN callback_secret TEXT NOT NULL DEFAULT '';
UPDATE applications SET callback_secret = lower(hex(randomblob(32)));
"#,
    ),
    (4, "endpoint passwords as digest HA1", MIGRATION_4),
    (5, "persisted callback queue and calls", MIGRATION_5),
    (
        6,
        "change notifications for other instances",
        "-- SQLite: nothing (one server writes the file). PostgreSQL: POSTGRES_ONLY.",
    ),
    (
        7,
        "callback queue and call owners",
        // The instance that queued the event or routes the call (`db::callback_queue`): with
        // several instances on one database, each delivers its own events and ends its own
        // calls, and claims only those of dead instances.
        "ALTER TABLE callback_queue ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE active_calls ADD COLUMN owner TEXT NOT NULL DEFAULT '';",
    ),
];

/// Statements only PostgreSQL runs, by migration version.
const POSTGRES_ONLY: &[(i64, &str)] = &[(6, POSTGRES_6)];

/// Every committed change to what the SIP view holds notifies `bwclient_changes` (delivered to
/// listeners at commit, in commit order): the table's name, or for a revocation row the AOR
/// and token username, so that every instance reloads its view and closes the registrations
/// revoked through another (`db::peers`).
const POSTGRES_6: &str = r#"
CREATE FUNCTION bwclient_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bwclient_changes', TG_TABLE_NAME);
    RETURN NULL;
END $$;
CREATE FUNCTION bwclient_notify_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bwclient_changes',
        'sip_revocations ' || NEW.aor || ' ' || COALESCE(NEW.username, ''));
    RETURN NULL;
END $$;
CREATE TRIGGER endpoints_changed AFTER INSERT OR UPDATE OR DELETE ON endpoints
    FOR EACH STATEMENT EXECUTE FUNCTION bwclient_notify_change();
CREATE TRIGGER domains_changed AFTER INSERT OR UPDATE OR DELETE ON domains
    FOR EACH STATEMENT EXECUTE FUNCTION bwclient_notify_change();
CREATE TRIGGER applications_changed AFTER INSERT OR UPDATE OR DELETE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION bwclient_notify_change();
CREATE TRIGGER phone_numbers_changed AFTER INSERT OR UPDATE OR DELETE ON phone_numbers
    FOR EACH STATEMENT EXECUTE FUNCTION bwclient_notify_change();
CREATE TRIGGER tokens_changed AFTER INSERT OR UPDATE OR DELETE ON tokens
    FOR EACH STATEMENT EXECUTE FUNCTION bwclient_notify_change();
CREATE TRIGGER revoked_tokens_changed AFTER INSERT OR UPDATE OR DELETE ON revoked_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION bwclient_notify_change();
CREATE TRIGGER sip_revocations_added AFTER INSERT ON sip_revocations
    FOR EACH ROW EXECUTE FUNCTION bwclient_notify_revocation();
"#;

/// SQLite's trigger of migration 2, and PostgreSQL's equivalent (a function and a trigger).
const SQLITE_TOKENS_RETIRED: &str = "CREATE TRIGGER tokens_retired AFTER DELETE ON tokens BEGIN
    INSERT OR IGNORE INTO revoked_tokens (username, expires) VALUES (old.username, old.expires);
END;";
const POSTGRES_TOKENS_RETIRED: &str = "CREATE FUNCTION tokens_retired() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO revoked_tokens (username, expires) VALUES (OLD.username, OLD.expires)
        ON CONFLICT DO NOTHING;
    RETURN OLD;
END $$;
CREATE TRIGGER tokens_retired AFTER DELETE ON tokens
    FOR EACH ROW EXECUTE FUNCTION tokens_retired();";

/// Migration `version`'s SQL (SQLite's) in PostgreSQL's dialect.
pub(super) fn for_postgres(version: i64, sql: &str) -> String {
    let mut out = String::new();
    for line in sql.lines() {
        // Lists are "oldest first" by SQLite's rowid: PostgreSQL gets the column.
        let trimmed = line.trim_start();
        if trimmed.starts_with("id ") && trimmed.contains("TEXT PRIMARY KEY") {
            out.push_str("    rowid BIGSERIAL,\n");
        }
        out.push_str(line);
        out.push('\n');
    }
    let mut out = out
        .replace(SQLITE_TOKENS_RETIRED, POSTGRES_TOKENS_RETIRED)
        .replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
        .replace("INTEGER", "BIGINT")
        // Domain names are stored lower-case (rest::validate), so plain UNIQUE is the same.
        .replace(" COLLATE NOCASE", "")
        // A CSPRNG's 32 bytes as 64 hex digits (gen_random_uuid: pg_strong_random, twice).
        .replace(
            "lower(hex(randomblob(32)))",
            "encode(sha256((gen_random_uuid()::text || gen_random_uuid()::text)::bytea), 'hex')",
        );
    for (_, extra) in POSTGRES_ONLY.iter().filter(|(v, _)| *v == version) {
        out.push_str(extra);
    }
    out
}

/// What must survive a restart of the server (issue 12, item 2): call events not delivered
/// yet, and the calls whose application will want an `end`.
const MIGRATION_5: &str = r#"
-- One row per call event queued for an application's incomingCallUrl; deleted once the
-- delivery ended (delivered, refused, or out of tries). Rows left by a stopped or crashed
-- process are queued again at start, oldest first. The URL and signing secret are read from
-- the application again then.
CREATE TABLE callback_queue (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    body           TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX callback_queue_application ON callback_queue(application_id);
-- Calls the proxy reports to an application (call events), while they last: after a restart
-- the proxy knows them again, so the BYE (or the end of the reconnect grace) still produces
-- the application's `end`. `record` is the proxy's JSON (sip/saved_call.rs).
CREATE TABLE active_calls (
    call_id    TEXT PRIMARY KEY,
    record     TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
"#;

/// Endpoint SIP passwords stored as their digest HA1 forms (issue 11, hole 8; see
/// `crate::secrets`). Existing passwords are converted, and the `password` column emptied, by
/// `Store::hash_clear_endpoint_passwords` at start (it needs the server's SIP realm).
const MIGRATION_4: &str = r#"
ALTER TABLE endpoints ADD COLUMN ha1_md5 TEXT;
ALTER TABLE endpoints ADD COLUMN ha1b_md5 TEXT;
ALTER TABLE endpoints ADD COLUMN ha1_sha256 TEXT;
ALTER TABLE endpoints ADD COLUMN ha1b_sha256 TEXT;
"#;

/// Tokens bound to the endpoint they were minted for (issue 11, hole 4), and the revocation
/// events Kamailio reads (hole 3). Tokens minted before this migration have no row and stop
/// authenticating: mint them again.
const MIGRATION_2: &str = r#"
-- Every token this server minted, by its signed identity (the auth_ephemeral digest username
-- <expiry>:<user>@<host>). A token authenticates only while its row exists and names the
-- endpoint it claims: deleting the endpoint (or its domain) cascades the rows away, so an
-- endpoint re-created under the same name never accepts a token minted before it existed.
CREATE TABLE tokens (
    username    TEXT PRIMARY KEY,
    endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    expires     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX tokens_endpoint ON tokens(endpoint_id);
-- A token row that goes (revoked, or cascaded away with its endpoint) is remembered in
-- revoked_tokens until it expires, so the mint never issues the same username again.
CREATE TRIGGER tokens_retired AFTER DELETE ON tokens BEGIN
    INSERT OR IGNORE INTO revoked_tokens (username, expires) VALUES (old.username, old.expires);
END;
-- One row per AOR (user@host) whose registrations must go now; username is the revoked
-- token's digest username, or NULL for all of the AOR's registrations. Read by Kamailio;
-- the server prunes rows older than an hour.
CREATE TABLE sip_revocations (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    aor      TEXT NOT NULL,
    username TEXT,
    at       INTEGER NOT NULL
);
CREATE INDEX sip_revocations_at ON sip_revocations(at);
"#;

/// The highest version this build knows.
#[cfg(test)]
fn latest_version() -> i64 {
    MIGRATIONS.iter().map(|m| m.0).max().unwrap_or(0)
}

/// The highest version the database is at (0 for a new file).
pub(super) fn current_version(conn: &Conn) -> Result<i64, DbError> {
    let row = conn.query_opt("SELECT MAX(version) FROM schema_migrations", &[])?;
    Ok(row
        .map(|r| r.opt_int(0))
        .transpose()?
        .flatten()
        .unwrap_or(0))
}

/// Applies every migration the database has not seen, each in its own transaction. On
/// PostgreSQL, under an advisory lock: instances starting together migrate one at a time.
pub(super) fn run(conn: &Conn) -> Result<(), DbError> {
    if conn.dialect() == Dialect::Postgres {
        conn.batch("SELECT pg_advisory_lock(7215001)")?;
        let result = run_list(conn, MIGRATIONS);
        conn.batch("SELECT pg_advisory_unlock(7215001)")?;
        return result;
    }
    run_list(conn, MIGRATIONS)
}

/// [`run`] over `migrations` (sorted by version).
fn run_list(conn: &Conn, migrations: &[(i64, &str, &str)]) -> Result<(), DbError> {
    let create = "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        )";
    match conn.dialect() {
        Dialect::Sqlite => conn.batch(create)?,
        // Created only if missing (IF NOT EXISTS would log a notice at every start).
        Dialect::Postgres => {
            let exists = conn
                .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])?
                .bool(0)?;
            if !exists {
                conn.batch(&for_postgres(0, create))?;
            }
        }
    }
    let applied: Vec<i64> = conn
        .query_all(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )?
        .iter()
        .map(|row| row.int(0))
        .collect::<Result<_, _>>()?;
    // An older binary on a newer database could corrupt it; refuse to start instead.
    if let Some(unknown) = applied
        .iter()
        .find(|v| !migrations.iter().any(|m| m.0 == **v))
    {
        return Err(DbError::SchemaTooNew {
            found: *unknown,
            known: migrations.iter().map(|m| m.0).max().unwrap_or(0),
        });
    }
    for (version, name, sql) in migrations.iter().filter(|m| !applied.contains(&m.0)) {
        conn.transaction(|tx| {
            match tx.dialect() {
                Dialect::Sqlite => tx.batch(sql)?,
                Dialect::Postgres => tx.batch(&for_postgres(*version, sql))?,
            }
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                args![*version, *name, super::now_unix() as i64],
            )?;
            Ok(())
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn conn_of(conn: Connection) -> Conn {
        Conn::Sqlite(conn)
    }

    fn inner(conn: &Conn) -> &Connection {
        match conn {
            Conn::Sqlite(c) => c,
            Conn::Postgres(_) => unreachable!(),
        }
    }

    #[test]
    fn migrates_once_and_refuses_newer_schema() {
        let conn = conn_of(Connection::open_in_memory().unwrap());
        run(&conn).unwrap();
        assert_eq!(current_version(&conn).unwrap(), latest_version());
        // Running again is a no-op, not a "table exists" error.
        run(&conn).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)",
            &[],
        )
        .unwrap();
        assert!(matches!(
            run(&conn),
            Err(DbError::SchemaTooNew { found: 999, .. })
        ));
    }

    #[test]
    fn applies_a_version_added_below_one_already_applied() {
        let conn = conn_of(Connection::open_in_memory().unwrap());
        let one = (1, "one", "CREATE TABLE a (x INTEGER);");
        let two = (2, "two", "CREATE TABLE b (x INTEGER);");
        let three = (3, "three", "CREATE TABLE c (x INTEGER);");
        run_list(&conn, &[one, three]).unwrap();
        // A build that gained version 2 later (another branch merged) still applies it.
        run_list(&conn, &[one, two, three]).unwrap();
        let tables: i64 = inner(&conn)
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('a','b','c')",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(tables, 3);
        // ...and a build without version 2 refuses a database that has it.
        assert!(matches!(
            run_list(&conn, &[one, three]),
            Err(DbError::SchemaTooNew { found: 2, .. })
        ));
    }

    #[test]
    fn postgres_gets_the_same_schema_in_its_dialect() {
        let all: String = MIGRATIONS
            .iter()
            .map(|(v, _, sql)| for_postgres(*v, sql))
            .collect();
        for sqlite_only in [
            "INTEGER",
            "AUTOINCREMENT",
            "COLLATE NOCASE",
            "randomblob",
            "INSERT OR IGNORE",
            "ON tokens BEGIN",
        ] {
            assert!(
                !all.contains(sqlite_only),
                "{sqlite_only} left for PostgreSQL"
            );
        }
        assert!(all.contains("EXECUTE FUNCTION tokens_retired()"));
        assert!(all.contains("EXECUTE FUNCTION bwclient_notify_revocation()"));
        // Every table listed "oldest first" has PostgreSQL's rowid column.
        assert_eq!(all.matches("rowid BIGSERIAL").count(), 5);
        // SQLite's own SQL is untouched: existing files see the same migrations.
        assert!(MIGRATIONS[1].2.contains(SQLITE_TOKENS_RETIRED));
    }

    #[test]
    fn existing_applications_get_distinct_secrets() {
        let conn = conn_of(Connection::open_in_memory().unwrap());
        run_list(&conn, &MIGRATIONS[..1]).unwrap();
        conn.batch(
            "INSERT INTO users VALUES ('u', 'u', 't', 's', 0);
             INSERT INTO applications VALUES ('a-1', 'u', 'one', NULL, 1, 0);
             INSERT INTO applications VALUES ('a-2', 'u', 'two', NULL, 1, 0);",
        )
        .unwrap();
        run(&conn).unwrap();
        let secrets: Vec<String> = inner(&conn)
            .prepare("SELECT callback_secret FROM applications")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(secrets.len(), 2);
        assert_ne!(secrets[0], secrets[1]);
        for secret in &secrets {
            assert_eq!(secret.len(), 64);
            assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }
}
