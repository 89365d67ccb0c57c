//! [`SipView`]: what the SIP hot path reads (endpoints by name and by id, numbers, token rows,
//! revocations, applications), held in memory so that no REGISTER or INVITE waits on the database.
//!
//! Exact, not a cache: it is loaded from the database when the [`Store`](super::Store) opens
//! and every write method of the store updates it right after its statement commits, while it
//! still holds the connection lock (so the view changes in commit order and a REST answer is
//! sent only after the SIP side sees the change: a revocation bites at once). Readers take a
//! read lock for a hash lookup and never wait on SQLite: a full reload (rare writes: a domain
//! or an application changed) is built outside the lock and swapped in.

use std::collections::HashMap;
use std::sync::Arc;

use super::sql::{args, Conn};
use super::DbError;

use super::applications::Application;
use super::endpoints::{self, Endpoint};

/// The SIP side's view of the database.
#[derive(Debug, Default)]
pub struct SipView {
    /// Endpoint id → endpoint (joined with its domain's name and application's URL).
    by_id: HashMap<String, Arc<Endpoint>>,
    /// (lower-case domain name, endpoint name) → endpoint id.
    by_name: HashMap<(String, String), String>,
    /// E.164 number → endpoint id.
    numbers: HashMap<String, String>,
    /// Token digest username → the endpoint id it was minted for and its expiry (`tokens`).
    tokens: HashMap<String, (String, i64)>,
    /// Revoked (or retired) token digest usernames → their expiry (`revoked_tokens`).
    revoked: HashMap<String, i64>,
    /// Application id → application (for call events: URL and signing secret).
    applications: HashMap<String, Arc<Application>>,
}

fn name_key(domain_name: &str, name: &str) -> (String, String) {
    (domain_name.to_ascii_lowercase(), name.to_owned())
}

impl SipView {
    /// Everything the view holds, read from `conn`.
    pub fn load(conn: &Conn) -> Result<SipView, DbError> {
        let mut view = SipView::default();
        for row in conn.query_all(endpoints::SELECT, &[])? {
            view.put_endpoint(endpoints::from_row(&row)?);
        }
        for row in conn.query_all("SELECT number, endpoint_id FROM phone_numbers", &[])? {
            view.numbers.insert(row.text(0)?, row.text(1)?);
        }
        for row in conn.query_all("SELECT username, endpoint_id, expires FROM tokens", &[])? {
            view.tokens
                .insert(row.text(0)?, (row.text(1)?, row.int(2)?));
        }
        for row in conn.query_all("SELECT username, expires FROM revoked_tokens", &[])? {
            view.revoked.insert(row.text(0)?, row.int(1)?);
        }
        let apps = format!("SELECT {} FROM applications", super::applications::COLUMNS);
        for row in conn.query_all(&apps, &[])? {
            let app = super::applications::from_row(&row)?;
            view.applications.insert(app.id.clone(), Arc::new(app));
        }
        Ok(view)
    }

    /// The endpoint `name` in the domain called `domain_name` (case-insensitive).
    pub fn endpoint_by_name(&self, domain_name: &str, name: &str) -> Option<Arc<Endpoint>> {
        // Domain names are stored lower-case (`rest::validate`); fold only if needed.
        let id = if domain_name.bytes().any(|b| b.is_ascii_uppercase()) {
            self.by_name.get(&name_key(domain_name, name))
        } else {
            self.by_name.get(&(domain_name.to_owned(), name.to_owned()))
        }?;
        self.by_id.get(id).cloned()
    }

    /// The endpoint with id `id`.
    pub fn endpoint(&self, id: &str) -> Option<Arc<Endpoint>> {
        self.by_id.get(id).cloned()
    }

    /// The endpoint the E.164 `number` is assigned to.
    pub fn endpoint_by_number(&self, number: &str) -> Option<Arc<Endpoint>> {
        self.by_id.get(self.numbers.get(number)?).cloned()
    }

    /// The endpoint id the token `username` was minted for, while its row exists.
    pub fn token_endpoint(&self, username: &str) -> Option<&str> {
        self.tokens.get(username).map(|(id, _)| id.as_str())
    }

    /// True if the token `username` is revoked or retired.
    pub fn is_revoked(&self, username: &str) -> bool {
        self.revoked.contains_key(username)
    }

    /// The application of endpoint `endpoint_id`, if it has one.
    pub fn application_of_endpoint(&self, endpoint_id: &str) -> Option<Arc<Application>> {
        let app_id = self.by_id.get(endpoint_id)?.application_id.as_ref()?;
        self.applications.get(app_id).cloned()
    }

    /// Adds or replaces an endpoint.
    pub fn put_endpoint(&mut self, endpoint: Endpoint) {
        self.by_name.insert(
            name_key(&endpoint.domain_name, &endpoint.name),
            endpoint.id.clone(),
        );
        self.by_id.insert(endpoint.id.clone(), Arc::new(endpoint));
    }

    /// Removes an endpoint deleted with its numbers and tokens (the database's cascade), the
    /// tokens becoming revoked until they expire (the `tokens_retired` trigger).
    pub fn remove_endpoint(&mut self, id: &str) {
        if let Some(endpoint) = self.by_id.remove(id) {
            self.by_name
                .remove(&name_key(&endpoint.domain_name, &endpoint.name));
        }
        self.numbers.retain(|_, endpoint_id| endpoint_id != id);
        let retired: Vec<String> = self
            .tokens
            .iter()
            .filter(|(_, (endpoint_id, _))| endpoint_id == id)
            .map(|(username, _)| username.clone())
            .collect();
        for username in retired {
            self.retire_token(&username);
        }
    }

    pub fn put_application(&mut self, app: Application) {
        self.applications.insert(app.id.clone(), Arc::new(app));
    }

    pub fn put_number(&mut self, number: &str, endpoint_id: &str) {
        self.numbers
            .insert(number.to_owned(), endpoint_id.to_owned());
    }

    pub fn remove_number(&mut self, number: &str) {
        self.numbers.remove(number);
    }

    pub fn put_token(&mut self, username: &str, endpoint_id: &str, expires: i64) {
        self.tokens
            .insert(username.to_owned(), (endpoint_id.to_owned(), expires));
    }

    /// A token row deleted: the `tokens_retired` trigger revokes it until its expiry.
    pub fn retire_token(&mut self, username: &str) {
        if let Some((_, expires)) = self.tokens.remove(username) {
            self.revoked.entry(username.to_owned()).or_insert(expires);
        }
    }

    pub fn put_revoked(&mut self, username: &str, expires: i64) {
        self.revoked.entry(username.to_owned()).or_insert(expires);
    }

    /// Forgets revocations that expired by `now` (as `DELETE … WHERE expires <= now`).
    pub fn prune_revoked(&mut self, now: i64) {
        self.revoked.retain(|_, expires| *expires > now);
    }
}

/// Reads one endpoint by id, for [`SipView::put_endpoint`] after a write.
pub fn read_endpoint(conn: &Conn, id: &str) -> Result<Option<Endpoint>, DbError> {
    conn.query_opt(&format!("{} WHERE e.id = ?1", endpoints::SELECT), args![id])?
        .map(|row| endpoints::from_row(&row))
        .transpose()
}
