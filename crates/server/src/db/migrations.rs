//! Numbered schema migrations, recorded in `schema_migrations`. Append new ones; never edit
//! one that has shipped.

use rusqlite::{params, Connection, OptionalExtension};

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
];

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
pub(super) fn current_version(conn: &Connection) -> Result<i64, DbError> {
    let version: Option<i64> = conn
        .query_row("SELECT MAX(version) FROM schema_migrations", [], |row| {
            row.get(0)
        })
        .optional()?
        .flatten();
    Ok(version.unwrap_or(0))
}

/// Applies every migration the database has not seen, each in its own transaction.
pub(super) fn run(conn: &mut Connection) -> Result<(), DbError> {
    run_list(conn, MIGRATIONS)
}

/// [`run`] over `migrations` (sorted by version).
fn run_list(conn: &mut Connection, migrations: &[(i64, &str, &str)]) -> Result<(), DbError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        )",
    )?;
    let applied: Vec<i64> = {
        let mut stmt = conn.prepare("SELECT version FROM schema_migrations ORDER BY version")?;
        let rows = stmt.query_map([], |row| row.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
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
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![version, name, super::now_unix() as i64],
        )?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_refuses_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn).unwrap();
        assert_eq!(current_version(&conn).unwrap(), latest_version());
        // Running again is a no-op, not a "table exists" error.
        run(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)",
            [],
        )
        .unwrap();
        assert!(matches!(
            run(&mut conn),
            Err(DbError::SchemaTooNew { found: 999, .. })
        ));
    }

    #[test]
    fn applies_a_version_added_below_one_already_applied() {
        let mut conn = Connection::open_in_memory().unwrap();
        let one = (1, "one", "CREATE TABLE a (x INTEGER);");
        let two = (2, "two", "CREATE TABLE b (x INTEGER);");
        let three = (3, "three", "CREATE TABLE c (x INTEGER);");
        run_list(&mut conn, &[one, three]).unwrap();
        // A build that gained version 2 later (another branch merged) still applies it.
        run_list(&mut conn, &[one, two, three]).unwrap();
        let tables: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('a','b','c')",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(tables, 3);
        // ...and a build without version 2 refuses a database that has it.
        assert!(matches!(
            run_list(&mut conn, &[one, three]),
            Err(DbError::SchemaTooNew { found: 2, .. })
        ));
    }

    #[test]
    fn existing_applications_get_distinct_secrets() {
        let mut conn = Connection::open_in_memory().unwrap();
        run_list(&mut conn, &MIGRATIONS[..1]).unwrap();
        conn.execute_batch(
            "INSERT INTO users VALUES ('u', 'u', 't', 's', 0);
             INSERT INTO applications VALUES ('a-1', 'u', 'one', NULL, 1, 0);
             INSERT INTO applications VALUES ('a-2', 'u', 'two', NULL, 1, 0);",
        )
        .unwrap();
        run(&mut conn).unwrap();
        let secrets: Vec<String> = conn
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
