//! Registration commands and results (RFC 3261 §10.2, RFC 5626 §4.2, RFC 7118 §5).

use super::client::Owner;
use super::{Ua, UaError};
use crate::auth::attempts::Attempts;
use crate::auth::Login;
use crate::events::Event;
use crate::header::name::HeaderName;
use crate::header::typed::{Authorization, Contact, Credentials, Expires, MinExpires};
use crate::message::Request;
use crate::method::Method;
use crate::name_addr::NameAddr;
use crate::registration::{granted_expires, refresh_delay, RegistrationState, RegistrationTimer};
use crate::time::Time;
use crate::token::Token;
use crate::transaction::ClientEvent;
use crate::uri::Uri;

impl Ua {
    /// Registers our Contact, and keeps it registered (refreshes, re-registers when the
    /// transport comes back) until [`Ua::unregister`]. With the transport down, it registers
    /// on the next [`super::Input::TransportUp`].
    pub fn register(&mut self, now: Time) -> Result<(), UaError> {
        match self.registration.state {
            RegistrationState::Registering => Ok(()),
            RegistrationState::Unregistering => {
                self.registration.again_after_response = true;
                Ok(())
            }
            _ if !self.transport_up => {
                self.registration.state = RegistrationState::WaitingTransport;
                Ok(())
            }
            _ => {
                self.send_register(now, false);
                Ok(())
            }
        }
    }

    /// Removes our binding (`Expires: 0`, §10.2.2). [`Event::Unregistered`] follows.
    pub fn unregister(&mut self, now: Time) -> Result<(), UaError> {
        match self.registration.state {
            RegistrationState::Idle | RegistrationState::Unregistering => {
                Err(UaError::NotRegistered)
            }
            RegistrationState::WaitingTransport => {
                self.registration.state = RegistrationState::Idle;
                Err(UaError::NotRegistered)
            }
            RegistrationState::Registering | RegistrationState::Registered => {
                if !self.transport_up {
                    self.registration.state = RegistrationState::Idle;
                    return Err(UaError::TransportDown);
                }
                self.registration.again_after_response = false;
                self.send_register(now, true);
                Ok(())
            }
        }
    }

    /// New credentials: forget old challenges and re-REGISTER if registered. Calls are not
    /// touched.
    pub fn update_credentials(&mut self, now: Time, login: Login) -> Result<(), UaError> {
        self.config.login = login;
        self.nonces.clear();
        self.registration.sent_any = false;
        match self.registration.state {
            RegistrationState::Registered if self.transport_up => self.send_register(now, false),
            RegistrationState::Registering => self.registration.again_after_response = true,
            _ => {}
        }
        Ok(())
    }

    /// A new login token (see [`crate::token`]): same as [`Ua::update_credentials`] with
    /// [`Login::Token`].
    pub fn update_token(&mut self, now: Time, token: Token) -> Result<(), UaError> {
        self.update_credentials(now, Login::Token(token))
    }

    /// The registrar's URI: configured, or `sip:<aor host>` (§10.2).
    fn registrar_uri(&self) -> Uri {
        self.config
            .registrar
            .clone()
            .unwrap_or_else(|| Uri::sip(None, &self.config.aor.host))
    }

    /// Sends a REGISTER for our Contact (RFC 5626 §4.2: `+sip.instance`, `reg-id`, `ob`).
    /// `remove` asks for `Expires: 0`.
    pub(super) fn send_register(&mut self, now: Time, remove: bool) {
        let expires = if remove { 0 } else { self.registration.expires };
        let seq = self.registration.next_cseq();
        let call_id = self.registration.call_id.clone();
        let tag = self.registration.from_tag.clone();
        let mut request = self.new_request(
            Method::REGISTER,
            self.registrar_uri(),
            NameAddr::new(self.config.aor.clone()),
            &call_id,
            &tag,
            seq,
        );
        let mut contact = self.local.contact();
        contact.set_param("+sip.instance", Some(&self.local.instance_param()));
        contact.set_param("reg-id", Some("1"));
        let mut seconds = String::new();
        crate::syntax::push_u64(&mut seconds, u64::from(expires));
        contact.set_param("expires", Some(&seconds));
        request.headers.push_typed(&Contact::Addr(contact));
        request.headers.push_typed(&Expires(expires));
        request
            .headers
            .push(HeaderName::SUPPORTED, "path, outbound, gruu");
        self.push_user_agent(&mut request.headers);
        self.push_token_header(&mut request.headers);
        self.push_register_credentials(&mut request);
        self.registration.sent_any = true;
        self.registration.state = if remove {
            RegistrationState::Unregistering
        } else {
            RegistrationState::Registering
        };
        self.registration.timers.clear();
        self.send_client(now, request, Owner::Registration, Attempts::default());
    }

    /// Credentials sent before any challenge: the last REGISTER challenge again with `nc`
    /// incremented (RFC 7616 §3.4), or an RFC 8898 Bearer token on the very first REGISTER
    /// when configured.
    fn push_register_credentials(&mut self, request: &mut Request) {
        if let (Some(challenge), Some((username, password))) = (
            self.nonces.register_challenge().cloned(),
            self.config.login.digest(),
        ) {
            let mut uri = String::new();
            request.uri.print(&mut uri);
            let nc = self.nonces.next_nc(&challenge.nonce);
            let cnonce = self.rng.cnonce();
            let credentials = challenge.answer(&username, &password, "REGISTER", &uri, nc, &cnonce);
            if challenge.proxy {
                request
                    .headers
                    .push_typed(&crate::header::typed::ProxyAuthorization(credentials));
            } else {
                request.headers.push_typed(&Authorization(credentials));
            }
            return;
        }
        if self.config.bearer_on_register && !self.registration.sent_any {
            if let Some(token) = self.config.login.token() {
                request
                    .headers
                    .push_typed(&Authorization(Credentials::bearer(token.as_str())));
            }
        }
    }

    /// The result of a REGISTER transaction.
    pub(super) fn registration_result(&mut self, now: Time, request: &Request, event: ClientEvent) {
        // A late answer to a REGISTER we no longer care about (a newer one was sent).
        let current =
            super::parts::cseq(&request.headers).map(|c| c.seq) == Some(self.registration.cseq);
        if !current {
            return;
        }
        let removing = matches!(request.headers.typed::<Expires>(), Some(Ok(Expires(0))));
        let (code, reason, response) = match event {
            ClientEvent::Provisional(_) => return,
            ClientEvent::Final(response) => {
                (response.code, response.reason.clone(), Some(response))
            }
            ClientEvent::Timeout => (408, "Request Timeout".to_owned(), None),
            ClientEvent::TransportError => (503, "Transport Error".to_owned(), None),
        };
        if removing {
            self.registration.state = RegistrationState::Idle;
            self.emit(Event::Unregistered { code });
            if std::mem::take(&mut self.registration.again_after_response) {
                self.send_register(now, false);
            }
            return;
        }
        match (code, response) {
            (200..=299, Some(response)) => {
                let expires = granted_expires(
                    &response,
                    &self.local.contact_uri,
                    &self.local.instance_bracketed(),
                    self.registration.expires,
                );
                if expires == 0 {
                    // The registrar did not keep our binding (§10.2.4): refreshing every
                    // second would not help.
                    self.registration.state = RegistrationState::Idle;
                    self.emit(Event::RegistrationFailed {
                        code,
                        reason: "binding not kept".to_owned(),
                    });
                    return;
                }
                self.registration.state = RegistrationState::Registered;
                self.registration
                    .timers
                    .set(RegistrationTimer::Refresh, now + refresh_delay(expires));
                self.emit(Event::Registered { expires, code });
                if std::mem::take(&mut self.registration.again_after_response) {
                    self.send_register(now, false);
                }
            }
            (423, Some(response)) => {
                // §10.2.8: retry with at least Min-Expires, but only if that raises it (a
                // registrar repeating 423 for the same value would loop).
                let min = match response.headers.typed::<MinExpires>() {
                    Some(Ok(MinExpires(min))) => min,
                    _ => 0,
                };
                if min > self.registration.expires {
                    self.registration.expires = min;
                    self.send_register(now, false);
                } else {
                    self.registration.state = RegistrationState::Idle;
                    self.emit(Event::RegistrationFailed { code, reason });
                }
            }
            _ => {
                self.registration.state = RegistrationState::Idle;
                self.registration.timers.clear();
                self.emit(Event::RegistrationFailed { code, reason });
            }
        }
    }

    /// The refresh timer.
    pub(super) fn registration_timeouts(&mut self, now: Time) {
        while let Some(timer) = self.registration.timers.pop_expired(now) {
            match timer {
                RegistrationTimer::Refresh => {
                    if self.transport_up {
                        self.send_register(now, false);
                    } else {
                        self.registration.state = RegistrationState::WaitingTransport;
                    }
                }
            }
        }
    }
}
