//! [`StoreDirectory`]: the [`Directory`] the SIP side uses, backed by the SQLite [`Store`].

use bwclient_sip::token::Token;

use crate::callbacks::{Callbacks, Destination};
use crate::db::{Endpoint, Store};
use crate::directory::{CallEvent, Directory, EndpointRecord};

/// Endpoint lookups, revocations, the token secret and call events, over the server's storage.
#[derive(Debug, Clone)]
pub struct StoreDirectory {
    store: Store,
    /// Lower-case SIP realm; every endpoint host is `<domain name>.<realm>`.
    realm: String,
    secret: Vec<u8>,
    callbacks: Callbacks,
}

impl StoreDirectory {
    /// A directory over `store` for hosts under `realm`, signing tokens with `secret`.
    pub fn new(store: Store, realm: &str, secret: Vec<u8>, callbacks: Callbacks) -> Self {
        StoreDirectory {
            store,
            realm: realm.to_ascii_lowercase(),
            secret,
            callbacks,
        }
    }

    /// Where call events go.
    pub fn callbacks(&self) -> &Callbacks {
        &self.callbacks
    }

    /// The SIP realm.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// The SIP host of endpoints in the domain called `domain_name`.
    pub fn host_of(&self, domain_name: &str) -> String {
        format!("{domain_name}.{}", self.realm)
    }

    /// What the SIP side sees of a stored endpoint.
    pub fn record(&self, endpoint: &Endpoint) -> EndpointRecord {
        EndpointRecord {
            id: endpoint.id.clone(),
            user_id: endpoint.user_id.clone(),
            domain_id: endpoint.domain_id.clone(),
            user: endpoint.name.clone(),
            host: self.host_of(&endpoint.domain_name),
            enabled: endpoint.enabled,
            digest_ha1: endpoint.digest_ha1.clone(),
            application_id: endpoint.application_id.clone(),
            callback_url: endpoint.callback_url.clone(),
        }
    }

    /// The domain name of a SIP host under this realm (`demo.bwclient.test` → `demo`).
    fn domain_of<'h>(&self, host: &'h str) -> Option<&'h str> {
        let cut = host.len().checked_sub(self.realm.len() + 1)?;
        let (domain, suffix) = (host.get(..cut)?, host.get(cut..)?);
        let realm = suffix.strip_prefix('.')?;
        (realm.eq_ignore_ascii_case(&self.realm) && !domain.is_empty()).then_some(domain)
    }
}

impl Directory for StoreDirectory {
    // Every lookup below reads the store's in-memory view (`crate::db::SipView`), kept exact
    // by every write: no SQLite on the SIP path.
    fn endpoint_by_aor(&self, user: &str, host: &str) -> Option<EndpointRecord> {
        let domain = self.domain_of(host)?;
        let endpoint = self.store.view().endpoint_by_name(domain, user)?;
        Some(self.record(&endpoint))
    }

    fn endpoint_by_number(&self, e164: &str) -> Option<EndpointRecord> {
        let endpoint = self.store.view().endpoint_by_number(e164)?;
        Some(self.record(&endpoint))
    }

    /// Accepts a token string or its digest username: revocation is keyed by the signed
    /// identity `<expiry>:<user>@<host>`, because the token's WebSocket URL is not signed.
    fn is_token_revoked(&self, token: &str) -> bool {
        match Token::parse(token) {
            Ok(parsed) => self.store.view().is_revoked(&parsed.digest_username()),
            Err(_) => self.store.view().is_revoked(token),
        }
    }

    fn token_endpoint(&self, username: &str) -> Option<String> {
        self.store
            .view()
            .token_endpoint(username)
            .map(str::to_owned)
    }

    /// On a shared (PostgreSQL) database: the token's row and its endpoint, read into the
    /// view. Off the async worker's slot when the runtime allows it (`block_in_place`).
    fn refresh_token(&self, username: &str) {
        if !self.store.shared {
            return;
        }
        let refresh = || {
            if let Err(err) = self.store.refresh_token(username) {
                tracing::warn!(error = %err, "token row not read");
            }
        };
        match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(refresh),
            _ => refresh(),
        }
    }

    fn token_secret(&self) -> Vec<u8> {
        self.secret.clone()
    }

    /// Sends the event to the endpoint's application as it is now (its URL and the secret that
    /// signs it, read together), or drops it if the endpoint has none any more.
    fn call_event(&self, event: CallEvent) {
        let Some(app) = self
            .store
            .view()
            .application_of_endpoint(&event.endpoint_id)
        else {
            return;
        };
        let Some(url) = app.incoming_call_url.clone() else {
            return;
        };
        let to = Destination {
            application_id: app.id.clone(),
            url,
            secret: app.callback_secret.clone(),
        };
        self.callbacks.queue(&to, &event);
    }

    fn save_call(&self, call_id: &str, record: Option<&str>) {
        // On the background writer: this runs on the async workers, in the call's order.
        let (call_id, record) = (call_id.to_owned(), record.map(str::to_owned));
        self.store.in_background(move |store| {
            let result = match &record {
                Some(record) => store.save_call(&call_id, record),
                None => store.forget_call(&call_id),
            };
            if let Err(err) = result {
                tracing::error!(error = %err, %call_id, "call state not saved");
            }
        });
    }

    fn saved_calls(&self) -> Vec<(String, String)> {
        self.store.saved_calls().unwrap_or_else(|err| {
            tracing::error!(error = %err, "saved calls unreadable");
            Vec::new()
        })
    }
}
