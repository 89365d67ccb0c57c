//! Building requests outside dialogs (RFC 3261 §8.1.1) and the parts every message shares.

use super::Ua;
use crate::header::name::HeaderName;
use crate::header::typed::{CSeq, CallId, FromHeader, Route, ToHeader};
use crate::message::Request;
use crate::method::Method;
use crate::name_addr::NameAddr;
use crate::uri::Uri;

impl Ua {
    /// Our From: the AOR with the display name and `tag`.
    pub(super) fn our_from(&self, tag: &str) -> FromHeader {
        let mut from = NameAddr::new(self.config.aor.clone());
        from.display_name = self.config.display_name.clone();
        from.set_param("tag", Some(tag));
        FromHeader(from)
    }

    /// §8.1.1: Request-URI, To, From, Call-ID, CSeq, and the pre-loaded Route if one is
    /// configured (§8.1.2). The Via and Max-Forwards come when it is sent.
    pub(super) fn new_request(
        &self,
        method: Method,
        uri: Uri,
        to: NameAddr,
        call_id: &str,
        from_tag: &str,
        seq: u32,
    ) -> Request {
        let mut request = Request::new(method.clone(), uri);
        if let Some(proxy) = &self.config.outbound_proxy {
            request
                .headers
                .push_typed(&Route(NameAddr::new(proxy.clone())));
        }
        request.headers.push_typed(&ToHeader(to));
        request.headers.push_typed(&self.our_from(from_tag));
        request.headers.push_typed(&CallId(call_id.to_owned()));
        request.headers.push_typed(&CSeq { seq, method });
        request
    }

    /// Contact, Allow and Supported for dialog-creating and target-refresh messages (§8.1.1.8).
    pub(super) fn push_dialog_headers(&self, headers: &mut crate::Headers) {
        headers.push_typed(&crate::header::typed::Contact::Addr(self.local.contact()));
        headers.push(HeaderName::ALLOW, super::server::ALLOW);
        headers.push(HeaderName::SUPPORTED, super::server::SUPPORTED);
        self.push_trickle_headers(headers);
    }

    /// User-Agent, if configured.
    pub(super) fn push_user_agent(&self, headers: &mut crate::Headers) {
        if let Some(agent) = &self.config.user_agent {
            headers.push(HeaderName::USER_AGENT, agent.as_str());
        }
    }

    /// The `X-Callsign-Token` header when logged in with a token: on REGISTER (where the
    /// registrar consumes it), and on initial INVITEs only when [`UaConfig::token_on_invite`]
    /// says the old platform needs it there. Never on in-dialog requests, ACK, MESSAGE,
    /// REFER, INFO or OPTIONS: a bearer credential must not reach the far end.
    ///
    /// [`UaConfig::token_on_invite`]: super::UaConfig::token_on_invite
    pub(super) fn push_token_header(&self, headers: &mut crate::Headers) {
        if let Some(token) = self.config.login.token() {
            headers.push(HeaderName::X_CALLSIGN_TOKEN, token.as_str());
        }
    }
}

/// Sets a body and its Content-Type (Content-Length is printed from the body).
pub(super) fn set_body(
    headers: &mut crate::Headers,
    body: &mut Vec<u8>,
    content_type: &str,
    text: &str,
) {
    headers.set(HeaderName::CONTENT_TYPE, content_type);
    *body = text.as_bytes().to_vec();
}
