//! API users: who may call the REST API (HTTP basic auth with an API token and secret).

use super::sql::{args, Row};

use super::ids::{new_id, new_secret};
use super::{now_unix, DbError, Store};
use crate::secrets::{hash_api_secret, verify_api_secret};

/// An API user. Every resource belongs to exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    /// A stable local name (`default`, `demo`, …); not part of the API.
    pub name: String,
    /// The basic-auth user name.
    pub api_token: String,
    /// The basic-auth password's argon2id hash (PHC string, `crate::secrets`); the password
    /// itself is never stored.
    pub api_secret_hash: String,
    /// The basic-auth password in clear, only when this process has just set it (created or
    /// configured it): shown once, never read back from storage.
    pub api_secret: Option<String>,
}

const COLUMNS: &str = "id, name, api_token, api_secret";

fn from_row(row: &Row) -> Result<User, DbError> {
    Ok(User {
        id: row.text(0)?,
        name: row.text(1)?,
        api_token: row.text(2)?,
        api_secret_hash: row.text(3)?,
        api_secret: None,
    })
}

impl Store {
    /// The user whose basic-auth name is `api_token`.
    pub fn user_by_api_token(&self, api_token: &str) -> Result<Option<User>, DbError> {
        self.conn()
            .query_opt(
                &format!("SELECT {COLUMNS} FROM users WHERE api_token = ?1"),
                args![api_token],
            )?
            .map(|row| from_row(&row))
            .transpose()
    }

    /// The user called `name`.
    pub fn user_by_name(&self, name: &str) -> Result<Option<User>, DbError> {
        self.conn()
            .query_opt(
                &format!("SELECT {COLUMNS} FROM users WHERE name = ?1"),
                args![name],
            )?
            .map(|row| from_row(&row))
            .transpose()
    }

    /// Creates a user with the given credentials, the secret stored hashed (fails with
    /// [`DbError::Conflict`] on a duplicate name or token).
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
            api_secret_hash: hash_api_secret(api_secret),
            api_secret: Some(api_secret.to_owned()),
        };
        self.conn().execute(
            "INSERT INTO users (id, name, api_token, api_secret, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            args![
                &user.id,
                &user.name,
                &user.api_token,
                &user.api_secret_hash,
                now_unix() as i64
            ],
        )?;
        Ok(user)
    }

    /// Gives the user `id` these credentials (the secret stored hashed).
    pub fn set_user_credentials(
        &self,
        user: User,
        api_token: &str,
        api_secret: &str,
    ) -> Result<User, DbError> {
        let hash = hash_api_secret(api_secret);
        self.conn().execute(
            "UPDATE users SET api_token = ?1, api_secret = ?2 WHERE id = ?3",
            args![api_token, &hash, &user.id],
        )?;
        Ok(User {
            api_token: api_token.to_owned(),
            api_secret_hash: hash,
            api_secret: Some(api_secret.to_owned()),
            ..user
        })
    }

    /// The user called `name`: created with fresh random credentials if missing, or given
    /// `credentials` (token, secret) which then replace the stored ones. The secret is in the
    /// answer only when created or given here (it is stored hashed).
    pub fn ensure_user(
        &self,
        name: &str,
        credentials: Option<(&str, &str)>,
    ) -> Result<User, DbError> {
        match (self.user_by_name(name)?, credentials) {
            (Some(user), None) => Ok(user),
            (Some(user), Some((token, secret))) => {
                if user.api_token == token && verify_api_secret(secret, &user.api_secret_hash) {
                    // Unchanged: keep the stored hash (hashing again costs a few ms).
                    return Ok(User {
                        api_secret: Some(secret.to_owned()),
                        ..user
                    });
                }
                self.set_user_credentials(user, token, secret)
            }
            (None, Some((token, secret))) => self.create_user(name, token, secret),
            (None, None) => match self.create_user(name, &new_id("t"), &new_secret(32)) {
                // Another instance sharing the database created it first (PostgreSQL).
                Err(DbError::Conflict(_)) => self
                    .user_by_name(name)?
                    .ok_or_else(|| DbError::Conflict(format!("user {name}"))),
                other => other,
            },
        }
    }

    /// Hashes API secrets still stored in clear (databases from before secrets were hashed);
    /// returns how many. Idempotent: run at every start.
    pub fn hash_clear_api_secrets(&self) -> Result<usize, DbError> {
        let clear: Vec<(String, String)> = self
            .conn()
            .query_all(
                "SELECT id, api_secret FROM users WHERE api_secret NOT LIKE '$argon2%'",
                &[],
            )?
            .iter()
            .map(|row| Ok((row.text(0)?, row.text(1)?)))
            .collect::<Result<_, DbError>>()?;
        for (id, secret) in &clear {
            self.conn().execute(
                "UPDATE users SET api_secret = ?1 WHERE id = ?2",
                args![&hash_api_secret(secret), id],
            )?;
        }
        Ok(clear.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ensure_user_is_idempotent_and_takes_configured_credentials() {
        let store = Store::open_in_memory().unwrap();
        let first = store.ensure_user("default", None).unwrap();
        assert!(first.api_secret.is_some(), "shown when created");
        let again = store.ensure_user("default", None).unwrap();
        assert_eq!(again.api_secret, None, "never read back");
        assert_eq!(again.api_secret_hash, first.api_secret_hash);
        let configured = store.ensure_user("default", Some(("tok", "sec"))).unwrap();
        assert_eq!(configured.id, first.id);
        assert_eq!(configured.api_secret.as_deref(), Some("sec"));
        let stored = store.user_by_api_token("tok").unwrap().unwrap();
        assert_eq!(stored.api_secret_hash, configured.api_secret_hash);
        assert!(crate::secrets::verify_api_secret(
            "sec",
            &stored.api_secret_hash
        ));
        assert_eq!(store.user_by_api_token(&first.api_token).unwrap(), None);
        assert!(matches!(
            store.create_user("other", "tok", "x"),
            Err(DbError::Conflict(_))
        ));
    }

    #[test]
    fn secrets_stored_in_clear_are_hashed_once() {
        let store = Store::open_in_memory().unwrap();
        let user = store
            .ensure_user("default", Some(("tok", "plain")))
            .unwrap();
        store
            .conn()
            .execute(
                "UPDATE users SET api_secret = 'plain' WHERE id = ?1",
                args![&user.id],
            )
            .unwrap();
        assert_eq!(store.hash_clear_api_secrets().unwrap(), 1);
        assert_eq!(store.hash_clear_api_secrets().unwrap(), 0);
        let stored = store.user_by_api_token("tok").unwrap().unwrap();
        assert!(crate::secrets::verify_api_secret(
            "plain",
            &stored.api_secret_hash
        ));
    }
}
