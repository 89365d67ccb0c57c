//! Endpoints: SIP identities (`name@<domain>.<realm>`) that clients log in as.

use rusqlite::{params, OptionalExtension, Row};

use super::ids::new_id;
use super::{now_unix, DbError, Store};
use crate::secrets::DigestHa1;

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
    /// The digest HA1s of its SIP password (the password itself is not stored); never
    /// returned by the REST API.
    pub digest_ha1: Option<DigestHa1>,
}

/// What a client gives to create an endpoint (already validated; the application is the
/// user's).
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    pub name: String,
    pub description: String,
    pub application_id: Option<String>,
    pub enabled: bool,
    /// The HA1s of the SIP password (`DigestHa1::from_password`).
    pub digest_ha1: Option<DigestHa1>,
}

pub(super) const SELECT: &str = "SELECT e.id, e.user_id, e.domain_id, d.name, e.application_id,
        a.incoming_call_url, e.name, e.description, e.enabled, e.ha1_md5, e.ha1b_md5,
        e.ha1_sha256, e.ha1b_sha256
    FROM endpoints e
    JOIN domains d ON d.id = e.domain_id
    LEFT JOIN applications a ON a.id = e.application_id";

pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<Endpoint> {
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
        digest_ha1: match (row.get(9)?, row.get(10)?, row.get(11)?, row.get(12)?) {
            (Some(md5), Some(md5b), Some(sha256), Some(sha256b)) => Some(DigestHa1 {
                md5,
                md5b,
                sha256,
                sha256b,
            }),
            _ => None,
        },
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
        let conn = self.conn();
        conn.execute(
            "INSERT INTO endpoints (id, user_id, domain_id, application_id, name, description,
                 enabled, ha1_md5, ha1b_md5, ha1_sha256, ha1b_sha256, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                id,
                user_id,
                domain_id,
                new.application_id,
                new.name,
                new.description,
                new.enabled,
                new.digest_ha1.as_ref().map(|h| &h.md5),
                new.digest_ha1.as_ref().map(|h| &h.md5b),
                new.digest_ha1.as_ref().map(|h| &h.sha256),
                new.digest_ha1.as_ref().map(|h| &h.sha256b),
                now_unix() as i64
            ],
        )?;
        let endpoint = super::sip_view::read_endpoint(&conn, &id)?
            .ok_or(DbError::Sqlite(rusqlite::Error::QueryReturnedNoRows))?;
        self.update_view(|view| view.put_endpoint(endpoint.clone()));
        Ok(endpoint)
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
    /// case-sensitive), whoever owns it. From the in-memory view.
    pub fn endpoint_by_name(
        &self,
        domain_name: &str,
        name: &str,
    ) -> Result<Option<Endpoint>, DbError> {
        Ok(self
            .view()
            .endpoint_by_name(domain_name, name)
            .map(|e| (*e).clone()))
    }

    /// The endpoint the E.164 `number` is assigned to, whoever owns it. From the in-memory
    /// view.
    pub fn endpoint_by_number(&self, number: &str) -> Result<Option<Endpoint>, DbError> {
        Ok(self.view().endpoint_by_number(number).map(|e| (*e).clone()))
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

    /// Replaces SIP passwords stored in clear (databases from before they were hashed) by
    /// their digest HA1s for hosts `<domain>.<realm>`, and empties the `password` column;
    /// returns how many. Idempotent: run at every start.
    pub fn hash_clear_endpoint_passwords(&self, realm: &str) -> Result<usize, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let clear: Vec<(String, String, String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT e.id, e.name, d.name, e.password FROM endpoints e
                 JOIN domains d ON d.id = e.domain_id WHERE e.password IS NOT NULL",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        for (id, user, domain, password) in &clear {
            let host = format!("{domain}.{}", realm.to_ascii_lowercase());
            let ha1 = DigestHa1::from_password(user, &host, password);
            tx.execute(
                "UPDATE endpoints SET password = NULL, ha1_md5 = ?2, ha1b_md5 = ?3,
                     ha1_sha256 = ?4, ha1b_sha256 = ?5 WHERE id = ?1",
                params![id, ha1.md5, ha1.md5b, ha1.sha256, ha1.sha256b],
            )?;
        }
        tx.commit()?;
        self.reload_view(&conn)?;
        Ok(clear.len())
    }

    /// Enables or disables the user's endpoint `id` in `domain_id`. False if absent.
    pub fn set_endpoint_enabled(
        &self,
        user_id: &str,
        domain_id: &str,
        id: &str,
        enabled: bool,
    ) -> Result<bool, DbError> {
        let conn = self.conn();
        let n = conn.execute(
            "UPDATE endpoints SET enabled = ?4 WHERE user_id = ?1 AND domain_id = ?2 AND id = ?3",
            params![user_id, domain_id, id, enabled],
        )?;
        if let Some(endpoint) = super::sip_view::read_endpoint(&conn, id)? {
            self.update_view(|view| view.put_endpoint(endpoint));
        }
        Ok(n > 0)
    }

    /// Deletes the user's endpoint `id` in `domain_id` with its numbers. False if absent.
    pub fn delete_endpoint(
        &self,
        user_id: &str,
        domain_id: &str,
        id: &str,
    ) -> Result<bool, DbError> {
        let conn = self.conn();
        let n = conn.execute(
            "DELETE FROM endpoints WHERE user_id = ?1 AND domain_id = ?2 AND id = ?3",
            params![user_id, domain_id, id],
        )?;
        if n > 0 {
            self.update_view(|view| view.remove_endpoint(id));
        }
        Ok(n > 0)
    }
}
