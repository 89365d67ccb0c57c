//! API users: who may call the REST API (HTTP basic auth with an API token and secret).

use rusqlite::{params, OptionalExtension, Row};

use super::ids::{new_id, new_secret};
use super::{now_unix, DbError, Store};

/// An API user. Every resource belongs to exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    /// A stable local name (`default`, `demo`, …); not part of the API.
    pub name: String,
    /// The basic-auth user name.
    pub api_token: String,
    /// The basic-auth password. Stored as given: this is a self-hosted development server and
    /// the same folder already holds the token secret.
    pub api_secret: String,
}

const COLUMNS: &str = "id, name, api_token, api_secret";

fn from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        name: row.get(1)?,
        api_token: row.get(2)?,
        api_secret: row.get(3)?,
    })
}

impl Store {
    /// The user whose basic-auth name is `api_token`.
    pub fn user_by_api_token(&self, api_token: &str) -> Result<Option<User>, DbError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM users WHERE api_token = ?1"),
                params![api_token],
                from_row,
            )
            .optional()?)
    }

    /// The user called `name`.
    pub fn user_by_name(&self, name: &str) -> Result<Option<User>, DbError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM users WHERE name = ?1"),
                params![name],
                from_row,
            )
            .optional()?)
    }

    /// Creates a user with the given credentials (fails with [`DbError::Conflict`] on a
    /// duplicate name or token).
    pub fn create_user(
        &self,
        name: &str,
        api_token: &str,
        api_secret: &str,
    ) -> Result<User, DbError> {
        let user = User {
            id: new_id("u"),
            name: name.to_owned(),
            api_token: api_token.to_owned(),
            api_secret: api_secret.to_owned(),
        };
        self.conn().execute(
            "INSERT INTO users (id, name, api_token, api_secret, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                user.id,
                user.name,
                user.api_token,
                user.api_secret,
                now_unix() as i64
            ],
        )?;
        Ok(user)
    }

    /// The user called `name`: created with fresh random credentials if missing, or given
    /// `credentials` (token, secret) which then replace the stored ones.
    pub fn ensure_user(
        &self,
        name: &str,
        credentials: Option<(&str, &str)>,
    ) -> Result<User, DbError> {
        match (self.user_by_name(name)?, credentials) {
            (Some(user), None) => Ok(user),
            (Some(user), Some((token, secret))) => {
                self.conn().execute(
                    "UPDATE users SET api_token = ?1, api_secret = ?2 WHERE id = ?3",
                    params![token, secret, user.id],
                )?;
                Ok(User {
                    api_token: token.to_owned(),
                    api_secret: secret.to_owned(),
                    ..user
                })
            }
            (None, Some((token, secret))) => self.create_user(name, token, secret),
            (None, None) => self.create_user(name, &new_id("t"), &new_secret(32)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ensure_user_is_idempotent_and_takes_configured_credentials() {
        let store = Store::open_in_memory().unwrap();
        let first = store.ensure_user("default", None).unwrap();
        assert_eq!(store.ensure_user("default", None).unwrap(), first);
        let configured = store.ensure_user("default", Some(("tok", "sec"))).unwrap();
        assert_eq!(configured.id, first.id);
        assert_eq!(store.user_by_api_token("tok").unwrap(), Some(configured));
        assert_eq!(store.user_by_api_token(&first.api_token).unwrap(), None);
        assert!(matches!(
            store.create_user("other", "tok", "x"),
            Err(DbError::Conflict(_))
        ));
    }
}
