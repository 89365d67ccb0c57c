//! Domains: a namespace of endpoints; its name is the first label of their SIP host.

use super::sql::{args, Row};

use super::ids::new_id;
use super::{now_unix, DbError, Store};

/// A stored domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    pub id: String,
    pub user_id: String,
    /// Lower-case DNS label, unique on the server.
    pub name: String,
    pub description: String,
}

/// What a client gives to create a domain (already validated).
#[derive(Debug, Clone)]
pub struct NewDomain {
    pub name: String,
    pub description: String,
}

const COLUMNS: &str = "id, user_id, name, description";

fn from_row(row: &Row) -> Result<Domain, DbError> {
    Ok(Domain {
        id: row.text(0)?,
        user_id: row.text(1)?,
        name: row.text(2)?,
        description: row.text(3)?,
    })
}

impl Store {
    /// Creates a domain ([`DbError::Conflict`] if any user already has that name).
    pub fn create_domain(&self, user_id: &str, new: NewDomain) -> Result<Domain, DbError> {
        let domain = Domain {
            id: new_id("rd"),
            user_id: user_id.to_owned(),
            name: new.name,
            description: new.description,
        };
        self.conn().execute(
            "INSERT INTO domains (id, user_id, name, description, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            args![
                &domain.id,
                &domain.user_id,
                &domain.name,
                &domain.description,
                now_unix() as i64
            ],
        )?;
        Ok(domain)
    }

    /// The user's domain `id`.
    pub fn domain(&self, user_id: &str, id: &str) -> Result<Option<Domain>, DbError> {
        self.conn()
            .query_opt(
                &format!("SELECT {COLUMNS} FROM domains WHERE user_id = ?1 AND id = ?2"),
                args![user_id, id],
            )?
            .map(|row| from_row(&row))
            .transpose()
    }

    /// The domain called `name` (any user; names are unique server-wide).
    pub fn domain_by_name(&self, name: &str) -> Result<Option<Domain>, DbError> {
        self.conn()
            .query_opt(
                &format!("SELECT {COLUMNS} FROM domains WHERE name = ?1"),
                args![name],
            )?
            .map(|row| from_row(&row))
            .transpose()
    }

    /// The user's domains, oldest first.
    pub fn domains(&self, user_id: &str) -> Result<Vec<Domain>, DbError> {
        self.conn()
            .query_all(
                &format!("SELECT {COLUMNS} FROM domains WHERE user_id = ?1 ORDER BY rowid"),
                args![user_id],
            )?
            .iter()
            .map(from_row)
            .collect()
    }

    /// Deletes the user's domain `id` with its endpoints and their numbers. False if absent.
    pub fn delete_domain(&self, user_id: &str, id: &str) -> Result<bool, DbError> {
        let conn = self.conn();
        let n = conn.execute(
            "DELETE FROM domains WHERE user_id = ?1 AND id = ?2",
            args![user_id, id],
        )?;
        self.reload_view(&conn)?;
        Ok(n > 0)
    }
}
