//! Phone numbers: an E.164 number routed to one endpoint.

use super::sql::{args, Row};

use super::ids::new_id;
use super::{now_unix, DbError, Store};

/// A stored phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    pub id: String,
    pub user_id: String,
    /// E.164, `+` and digits.
    pub number: String,
    pub endpoint_id: String,
}

/// What a client gives to create a number (already normalised; the endpoint is the user's).
#[derive(Debug, Clone)]
pub struct NewPhoneNumber {
    pub number: String,
    pub endpoint_id: String,
}

const COLUMNS: &str = "id, user_id, number, endpoint_id";

fn from_row(row: &Row) -> Result<PhoneNumber, DbError> {
    Ok(PhoneNumber {
        id: row.text(0)?,
        user_id: row.text(1)?,
        number: row.text(2)?,
        endpoint_id: row.text(3)?,
    })
}

impl Store {
    /// Assigns a number ([`DbError::Conflict`] if it is assigned already, to anyone).
    pub fn create_phone_number(
        &self,
        user_id: &str,
        new: NewPhoneNumber,
    ) -> Result<PhoneNumber, DbError> {
        let number = PhoneNumber {
            id: new_id("n"),
            user_id: user_id.to_owned(),
            number: new.number,
            endpoint_id: new.endpoint_id,
        };
        let conn = self.conn();
        conn.execute(
            "INSERT INTO phone_numbers (id, user_id, number, endpoint_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            args![
                &number.id,
                &number.user_id,
                &number.number,
                &number.endpoint_id,
                now_unix() as i64
            ],
        )?;
        self.update_view(|view| view.put_number(&number.number, &number.endpoint_id));
        Ok(number)
    }

    /// The user's number with id `id`.
    pub fn phone_number(&self, user_id: &str, id: &str) -> Result<Option<PhoneNumber>, DbError> {
        self.conn()
            .query_opt(
                &format!("SELECT {COLUMNS} FROM phone_numbers WHERE user_id = ?1 AND id = ?2"),
                args![user_id, id],
            )?
            .map(|row| from_row(&row))
            .transpose()
    }

    /// The user's entry for the E.164 `number`.
    pub fn phone_number_by_number(
        &self,
        user_id: &str,
        number: &str,
    ) -> Result<Option<PhoneNumber>, DbError> {
        self.conn()
            .query_opt(
                &format!("SELECT {COLUMNS} FROM phone_numbers WHERE user_id = ?1 AND number = ?2"),
                args![user_id, number],
            )?
            .map(|row| from_row(&row))
            .transpose()
    }

    /// The user's numbers, oldest first.
    pub fn phone_numbers(&self, user_id: &str) -> Result<Vec<PhoneNumber>, DbError> {
        self.conn()
            .query_all(
                &format!("SELECT {COLUMNS} FROM phone_numbers WHERE user_id = ?1 ORDER BY rowid"),
                args![user_id],
            )?
            .iter()
            .map(from_row)
            .collect()
    }

    /// Deletes the user's number `id`. False if absent.
    pub fn delete_phone_number(&self, user_id: &str, id: &str) -> Result<bool, DbError> {
        let conn = self.conn();
        let number = conn
            .query_opt(
                "DELETE FROM phone_numbers WHERE user_id = ?1 AND id = ?2 RETURNING number",
                args![user_id, id],
            )?
            .map(|row| row.text(0))
            .transpose()?;
        if let Some(number) = &number {
            self.update_view(|view| view.remove_number(number));
        }
        Ok(number.is_some())
    }
}
