//! Endpoints: SIP identities (`name@<domain>.<realm>`) that clients log in as.

use rusqlite::{params, OptionalExtension, Row};

use super::ids::new_id;
use super::{now_unix, DbError, Store};

/// A stored endpoint, joined with what routing needs (its domain's name, its application's
/// callback URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub id: String,
    pub user_id: String,
    pub domain_id: String,
    /// The domain's name (the first label of the SIP host).
    pub domain_name: String,
    pub application_id: Option<String>,
    /// The application's `incomingCallUrl`, if an application with one is attached.
    pub callback_url: Option<String>,
    /// The SIP user part.
    pub name: String,
    pub description: String,
    pub enabled: bool,
    /// Digest password; never returned by the REST API.
    pub password: Option<String>,
}

/// What a client gives to create an endpoint (already validated; the application is the
/// user's).
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    pub name: String,
    pub description: String,
    pub application_id: Option<String>,
    pub enabled: bool,
    pub password: Option<String>,
}

const SELECT: &str = "SELECT e.id, e.user_id, e.domain_id, d.name, e.application_id,
        a.incoming_call_url, e.name, e.description, e.enabled, e.password
    FROM endpoints e
    JOIN domains d ON d.id = e.domain_id
    LEFT JOIN applications a ON a.id = e.application_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Endpoint> {
    Ok(Endpoint {
        id: row.get(0)?,
        user_id: row.get(1)?,
        domain_id: row.get(2)?,
        domain_name: row.get(3)?,
        application_id: row.get(4)?,
        callback_url: row.get(5)?,
        name: row.get(6)?,
        description: row.get(7)?,
        enabled: row.get(8)?,
        password: row.get(9)?,
    })
}

impl Store {
    /// Creates an endpoint in the user's domain ([`DbError::Conflict`] on a duplicate name in
    /// that domain).
    pub fn create_endpoint(
        &self,
        user_id: &str,
        domain_id: &str,
        new: NewEndpoint,
    ) -> Result<Endpoint, DbError> {
        let id = new_id("re");
        self.conn().execute(
            "INSERT INTO endpoints (id, user_id, domain_id, application_id, name, description,
                 enabled, password, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id,
                user_id,
                domain_id,
                new.application_id,
                new.name,
                new.description,
                new.enabled,
                new.password,
                now_unix() as i64
            ],
        )?;
        self.endpoint(user_id, domain_id, &id)?
            .ok_or(DbError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
    }

    /// The user's endpoint `id` in domain `domain_id`.
    pub fn endpoint(
        &self,
        user_id: &str,
        domain_id: &str,
        id: &str,
    ) -> Result<Option<Endpoint>, DbError> {
        Ok(self
            .conn()
            .query_row(
                &format!("{SELECT} WHERE e.user_id = ?1 AND e.domain_id = ?2 AND e.id = ?3"),
                params![user_id, domain_id, id],
                from_row,
            )
            .optional()?)
    }

    /// The user's endpoint `id`, in whichever domain.
    pub fn endpoint_of_user(&self, user_id: &str, id: &str) -> Result<Option<Endpoint>, DbError> {
        Ok(self
            .conn()
            .query_row(
                &format!("{SELECT} WHERE e.user_id = ?1 AND e.id = ?2"),
                params![user_id, id],
                from_row,
            )
            .optional()?)
    }

    /// The endpoint `name` in the domain called `domain_name` (domain case-insensitive, name
    /// case-sensitive), whoever owns it.
    pub fn endpoint_by_name(
        &self,
        domain_name: &str,
        name: &str,
    ) -> Result<Option<Endpoint>, DbError> {
        self.cached_row(
            &format!("{SELECT} WHERE d.name = ?1 AND e.name = ?2"),
            params![domain_name, name],
            from_row,
        )
    }

    /// The endpoint the E.164 `number` is assigned to, whoever owns it.
    pub fn endpoint_by_number(&self, number: &str) -> Result<Option<Endpoint>, DbError> {
        self.cached_row(
            &format!("{SELECT} JOIN phone_numbers n ON n.endpoint_id = e.id WHERE n.number = ?1"),
            params![number],
            from_row,
        )
    }

    /// The endpoints of the user's domain, oldest first.
    pub fn endpoints(&self, user_id: &str, domain_id: &str) -> Result<Vec<Endpoint>, DbError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "{SELECT} WHERE e.user_id = ?1 AND e.domain_id = ?2 ORDER BY e.rowid"
        ))?;
        let rows = stmt.query_map(params![user_id, domain_id], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Enables or disables the user's endpoint `id` in `domain_id`. False if absent.
    pub fn set_endpoint_enabled(
        &self,
        user_id: &str,
        domain_id: &str,
        id: &str,
        enabled: bool,
    ) -> Result<bool, DbError> {
        let n = self.conn().execute(
            "UPDATE endpoints SET enabled = ?4 WHERE user_id = ?1 AND domain_id = ?2 AND id = ?3",
            params![user_id, domain_id, id, enabled],
        )?;
        Ok(n > 0)
    }

    /// Deletes the user's endpoint `id` in `domain_id` with its numbers. False if absent.
    pub fn delete_endpoint(
        &self,
        user_id: &str,
        domain_id: &str,
        id: &str,
    ) -> Result<bool, DbError> {
        let n = self.conn().execute(
            "DELETE FROM endpoints WHERE user_id = ?1 AND domain_id = ?2 AND id = ?3",
            params![user_id, domain_id, id],
        )?;
        Ok(n > 0)
    }
}
