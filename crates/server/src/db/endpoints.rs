//! Endpoints: SIP identities (`name@<domain>.<realm>`) that clients log in as.

use super::sql::{args, Row};

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

pub(super) fn from_row(row: &Row) -> Result<Endpoint, DbError> {
    Ok(Endpoint {
        id: row.text(0)?,
        user_id: row.text(1)?,
        domain_id: row.text(2)?,
        domain_name: row.text(3)?,
        application_id: row.opt_text(4)?,
        callback_url: row.opt_text(5)?,
        name: row.text(6)?,
        description: row.text(7)?,
        enabled: row.bool(8)?,
        digest_ha1: match (
            row.opt_text(9)?,
            row.opt_text(10)?,
            row.opt_text(11)?,
            row.opt_text(12)?,
        ) {
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
            args![
                &id,
                user_id,
                domain_id,
                &new.application_id,
                &new.name,
                &new.description,
                new.enabled,
                new.digest_ha1.as_ref().map(|h| &h.md5),
                new.digest_ha1.as_ref().map(|h| &h.md5b),
                new.digest_ha1.as_ref().map(|h| &h.sha256),
                new.digest_ha1.as_ref().map(|h| &h.sha256b),
                now_unix() as i64
            ],
        )?;
        let endpoint = super::sip_view::read_endpoint(&conn, &id)?
            .ok_or_else(|| DbError::Decode("endpoint just written is missing".to_owned()))?;
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
        self.conn()
            .query_opt(
                &format!("{SELECT} WHERE e.user_id = ?1 AND e.domain_id = ?2 AND e.id = ?3"),
                args![user_id, domain_id, id],
            )?
            .map(|row| from_row(&row))
            .transpose()
    }

    /// The user's endpoint `id`, in whichever domain.
    pub fn endpoint_of_user(&self, user_id: &str, id: &str) -> Result<Option<Endpoint>, DbError> {
        self.conn()
            .query_opt(
                &format!("{SELECT} WHERE e.user_id = ?1 AND e.id = ?2"),
                args![user_id, id],
            )?
            .map(|row| from_row(&row))
            .transpose()
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
        self.conn()
            .query_all(
                &format!("{SELECT} WHERE e.user_id = ?1 AND e.domain_id = ?2 ORDER BY e.rowid"),
                args![user_id, domain_id],
            )?
            .iter()
            .map(from_row)
            .collect()
    }

    /// Replaces SIP passwords stored in clear (databases from before they were hashed) by
    /// their digest HA1s for hosts `<domain>.<realm>`, and empties the `password` column;
    /// returns how many. Idempotent: run at every start.
    pub fn hash_clear_endpoint_passwords(&self, realm: &str) -> Result<usize, DbError> {
        let conn = self.conn();
        let converted = conn.transaction(|tx| {
            let clear = tx.query_all(
                "SELECT e.id, e.name, d.name, e.password FROM endpoints e
                 JOIN domains d ON d.id = e.domain_id WHERE e.password IS NOT NULL",
                &[],
            )?;
            for row in &clear {
                let (id, user, domain, password) =
                    (row.text(0)?, row.text(1)?, row.text(2)?, row.text(3)?);
                let host = format!("{domain}.{}", realm.to_ascii_lowercase());
                let ha1 = DigestHa1::from_password(&user, &host, &password);
                tx.execute(
                    "UPDATE endpoints SET password = NULL, ha1_md5 = ?2, ha1b_md5 = ?3,
                         ha1_sha256 = ?4, ha1b_sha256 = ?5 WHERE id = ?1",
                    args![&id, &ha1.md5, &ha1.md5b, &ha1.sha256, &ha1.sha256b],
                )?;
            }
            Ok(clear.len())
        })?;
        if converted > 0 {
            self.reload_view(&conn)?;
        }
        Ok(converted)
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
            args![user_id, domain_id, id, enabled],
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
            args![user_id, domain_id, id],
        )?;
        if n > 0 {
            self.update_view(|view| view.remove_endpoint(id));
        }
        Ok(n > 0)
    }
}
