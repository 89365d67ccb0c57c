//! Dialogs (RFC 3261 §12): the peer-to-peer state an INVITE creates, UAC and UAS side.

pub mod id;
pub mod route_set;

pub use id::DialogId;
pub use route_set::RouteSet;

use crate::header::name::HeaderName;
use crate::header::typed::{CSeq, CallId, Contact, FromHeader, ToHeader, TypedHeader};
use crate::message::{Request, Response};
use crate::method::Method;
use crate::name_addr::NameAddr;
use crate::uri::Uri;

/// Why a message cannot create or update a dialog.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialogError {
    #[error("missing or malformed {0}")]
    Header(&'static str),
    #[error("response has no to tag")]
    NoRemoteTag,
}

/// Whether the dialog is early (a 1xx created it) or confirmed (a 2xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogState {
    Early,
    Confirmed,
}

/// The dialog state of §12.1: identity, sequence numbers, URIs, remote target, route set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    pub id: DialogId,
    pub state: DialogState,
    /// CSeq of the last request we sent in the dialog (0: none yet, for a UAS).
    pub local_seq: u32,
    /// CSeq of the last request the peer sent (§12.2.2); `None` until it sends one.
    pub remote_seq: Option<u32>,
    /// Our From (without tag) for requests in the dialog.
    pub local_uri: NameAddr,
    /// Their To (without tag) for requests in the dialog.
    pub remote_uri: NameAddr,
    /// Where requests go (the peer's Contact, §12.1.1, refreshed by target refresh requests).
    pub remote_target: Uri,
    pub route_set: RouteSet,
}

fn typed<T: TypedHeader>(headers: &crate::Headers, what: &'static str) -> Result<T, DialogError> {
    match headers.typed::<T>() {
        Some(Ok(value)) => Ok(value),
        _ => Err(DialogError::Header(what)),
    }
}

fn without_tag(mut addr: NameAddr) -> NameAddr {
    addr.remove_param("tag");
    addr
}

/// The first Contact URI of a message, if it has a usable one.
pub fn contact_uri(headers: &crate::Headers) -> Option<Uri> {
    match headers.typed_all::<Contact>().ok()?.into_iter().next()? {
        Contact::Addr(addr) => Some(addr.uri),
        Contact::Star => None,
    }
}

impl Dialog {
    /// UAC side (§12.1.2), from our INVITE and a 1xx-with-tag or 2xx response: the route set
    /// is the response's Record-Route reversed, the remote target its Contact.
    pub fn uac(invite: &Request, response: &Response) -> Result<Dialog, DialogError> {
        let from: FromHeader = typed(&invite.headers, "from")?;
        let to: ToHeader = typed(&response.headers, "to")?;
        let call_id: CallId = typed(&invite.headers, "call-id")?;
        let cseq: CSeq = typed(&invite.headers, "cseq")?;
        let local_tag = from
            .0
            .tag()
            .ok_or(DialogError::Header("from tag"))?
            .to_owned();
        let remote_tag = to.0.tag().ok_or(DialogError::NoRemoteTag)?.to_owned();
        let route_set = RouteSet::from_record_route(&response.headers, true)
            .map_err(|_| DialogError::Header("record-route"))?;
        // A 2xx or dialog-creating 1xx must carry a Contact (§12.1.2); without one, keep
        // sending to the Request-URI rather than guessing.
        let remote_target = contact_uri(&response.headers).unwrap_or_else(|| invite.uri.clone());
        Ok(Dialog {
            id: DialogId {
                call_id: call_id.0,
                local_tag,
                remote_tag,
            },
            state: if response.code >= 200 {
                DialogState::Confirmed
            } else {
                DialogState::Early
            },
            local_seq: cseq.seq,
            remote_seq: None,
            local_uri: without_tag(from.0),
            remote_uri: without_tag(to.0),
            remote_target,
            route_set,
        })
    }

    /// UAS side (§12.1.1), from the received INVITE and the tag we put in our To: the route
    /// set is the request's Record-Route in order, the remote target its Contact.
    pub fn uas(invite: &Request, local_tag: &str) -> Result<Dialog, DialogError> {
        let from: FromHeader = typed(&invite.headers, "from")?;
        let to: ToHeader = typed(&invite.headers, "to")?;
        let call_id: CallId = typed(&invite.headers, "call-id")?;
        let cseq: CSeq = typed(&invite.headers, "cseq")?;
        let remote_tag = from
            .0
            .tag()
            .ok_or(DialogError::Header("from tag"))?
            .to_owned();
        let route_set = RouteSet::from_record_route(&invite.headers, false)
            .map_err(|_| DialogError::Header("record-route"))?;
        let remote_target = contact_uri(&invite.headers).ok_or(DialogError::Header("contact"))?;
        Ok(Dialog {
            id: DialogId {
                call_id: call_id.0,
                local_tag: local_tag.to_owned(),
                remote_tag,
            },
            state: DialogState::Early,
            local_seq: 0,
            remote_seq: Some(cseq.seq),
            local_uri: without_tag(to.0),
            remote_uri: without_tag(from.0),
            remote_target,
            route_set,
        })
    }

    /// UAC: the 2xx confirms the dialog; §12.1.2 recomputes the route set and target from it.
    pub fn confirm_with(&mut self, response: &Response) {
        if let Ok(set) = RouteSet::from_record_route(&response.headers, true) {
            self.route_set = set;
        }
        if let Some(target) = contact_uri(&response.headers) {
            self.remote_target = target;
        }
        self.state = DialogState::Confirmed;
    }

    /// §12.2.1.1: the local sequence number goes up by one for each new request (not ACK or
    /// CANCEL).
    pub fn next_local_seq(&mut self) -> u32 {
        self.local_seq = self.local_seq.wrapping_add(1);
        self.local_seq
    }

    /// §12.2.2: a request with a CSeq lower than the last one is out of order (the UAS answers
    /// 500). Otherwise the remote sequence number is updated. Returns false when out of order.
    pub fn accept_remote_seq(&mut self, seq: u32) -> bool {
        if self.remote_seq.is_some_and(|last| seq < last) {
            return false;
        }
        self.remote_seq = Some(seq);
        true
    }

    /// §12.2.1.2, §12.2.2: a target refresh request or its 2xx replaces the remote target.
    pub fn refresh_target(&mut self, headers: &crate::Headers) {
        if let Some(target) = contact_uri(headers) {
            self.remote_target = target;
        }
    }

    /// A request within the dialog (§12.2.1.1): Request-URI and Route from the route set and
    /// remote target, To with the remote tag, From with the local tag, the Call-ID, and CSeq
    /// `seq` with `method`. The UA adds Via, Max-Forwards, Contact and the body.
    pub fn request(&self, method: Method, seq: u32) -> Request {
        let mut request = Request::new(method.clone(), self.remote_target.clone());
        self.route_set.apply(&self.remote_target, &mut request);
        let mut to = self.remote_uri.clone();
        to.set_param("tag", Some(&self.id.remote_tag));
        let mut from = self.local_uri.clone();
        from.set_param("tag", Some(&self.id.local_tag));
        request.headers.push_typed(&FromHeader(from));
        request.headers.push_typed(&ToHeader(to));
        request.headers.push_typed(&CallId(self.id.call_id.clone()));
        request.headers.push_typed(&CSeq { seq, method });
        request
    }

    /// A new request with the next CSeq.
    pub fn next_request(&mut self, method: Method) -> Request {
        let seq = self.next_local_seq();
        self.request(method, seq)
    }

    /// The ACK for a 2xx (§13.2.2.4): built like any in-dialog request, with the INVITE's
    /// CSeq number.
    pub fn ack(&self, invite_seq: u32) -> Request {
        self.request(Method::ACK, invite_seq)
    }
}

/// The `Record-Route` lines of a request, copied into a 2xx that creates a dialog (§12.1.1).
pub fn copy_record_route(from: &Request, to: &mut Response) {
    for value in from.headers.get_all(&HeaderName::RECORD_ROUTE) {
        to.headers.push(HeaderName::RECORD_ROUTE, value);
    }
}
