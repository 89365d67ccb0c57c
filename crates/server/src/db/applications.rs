//! Applications: where an endpoint's call events go (`incomingCallUrl`).

use super::sql::{args, Row};

use super::ids::new_id;
use super::{now_unix, DbError, Store};

/// A stored application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub incoming_call_url: Option<String>,
    pub auto_answer: bool,
    /// The HMAC-SHA256 key callbacks are signed with (`crate::callbacks::signature`); shown
    /// to the API only when created or rotated.
    pub callback_secret: String,
}

/// What a client gives to create an application (already validated).
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub name: String,
    pub incoming_call_url: Option<String>,
    pub auto_answer: bool,
}

pub(super) const COLUMNS: &str =
    "id, user_id, name, incoming_call_url, auto_answer, callback_secret";

pub(super) fn from_row(row: &Row) -> Result<Application, DbError> {
    Ok(Application {
        id: row.text(0)?,
        user_id: row.text(1)?,
        name: row.text(2)?,
        incoming_call_url: row.opt_text(3)?,
        auto_answer: row.bool(4)?,
        callback_secret: row.text(5)?,
    })
}

impl Store {
    /// Creates an application ([`DbError::Conflict`] if the user already has one by that name).
    pub fn create_application(
        &self,
        user_id: &str,
        new: NewApplication,
    ) -> Result<Application, DbError> {
        let app = Application {
            id: new_id("a"),
            user_id: user_id.to_owned(),
            name: new.name,
            incoming_call_url: new.incoming_call_url,
            auto_answer: new.auto_answer,
            callback_secret: crate::callbacks::new_secret(),
        };
        let conn = self.conn();
        conn.execute(
            "INSERT INTO applications
                 (id, user_id, name, incoming_call_url, auto_answer, callback_secret, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            args![
                &app.id,
                &app.user_id,
                &app.name,
                &app.incoming_call_url,
                app.auto_answer,
                &app.callback_secret,
                now_unix() as i64
            ],
        )?;
        self.update_view(|view| view.put_application(app.clone()));
        Ok(app)
    }

    /// The user's application `id`.
    pub fn application(&self, user_id: &str, id: &str) -> Result<Option<Application>, DbError> {
        self.conn()
            .query_opt(
                &format!("SELECT {COLUMNS} FROM applications WHERE user_id = ?1 AND id = ?2"),
                args![user_id, id],
            )?
            .map(|row| from_row(&row))
            .transpose()
    }

    /// The user's application called `name`.
    pub fn application_by_name(
        &self,
        user_id: &str,
        name: &str,
    ) -> Result<Option<Application>, DbError> {
        self.conn()
            .query_opt(
                &format!("SELECT {COLUMNS} FROM applications WHERE user_id = ?1 AND name = ?2"),
                args![user_id, name],
            )?
            .map(|row| from_row(&row))
            .transpose()
    }

    /// The user's applications, oldest first.
    pub fn applications(&self, user_id: &str) -> Result<Vec<Application>, DbError> {
        self.conn()
            .query_all(
                &format!("SELECT {COLUMNS} FROM applications WHERE user_id = ?1 ORDER BY rowid"),
                args![user_id],
            )?
            .iter()
            .map(from_row)
            .collect()
    }

    /// Gives the user's application `id` a new callback secret and returns it (`None` if
    /// absent). Events queued from then on are signed with it.
    pub fn rotate_callback_secret(
        &self,
        user_id: &str,
        id: &str,
    ) -> Result<Option<String>, DbError> {
        let secret = crate::callbacks::new_secret();
        let conn = self.conn();
        let n = conn.execute(
            "UPDATE applications SET callback_secret = ?3 WHERE user_id = ?1 AND id = ?2",
            args![user_id, id, &secret],
        )?;
        self.reload_view(&conn)?;
        Ok((n > 0).then_some(secret))
    }

    /// The application of endpoint `endpoint_id`, if it has one (where its call events go,
    /// and their signing key).
    pub fn application_of_endpoint(
        &self,
        endpoint_id: &str,
    ) -> Result<Option<Application>, DbError> {
        Ok(self
            .view()
            .application_of_endpoint(endpoint_id)
            .map(|a| (*a).clone()))
    }

    /// Deletes the user's application `id` (endpoints using it are detached). False if absent.
    pub fn delete_application(&self, user_id: &str, id: &str) -> Result<bool, DbError> {
        let conn = self.conn();
        let n = conn.execute(
            "DELETE FROM applications WHERE user_id = ?1 AND id = ?2",
            args![user_id, id],
        )?;
        self.reload_view(&conn)?;
        Ok(n > 0)
    }
}
