//! Building a CANCEL for a pending INVITE (RFC 3261 §9.1).

use crate::header::name::HeaderName;
use crate::header::typed::CSeq;
use crate::message::Request;
use crate::method::Method;

/// §9.1: same Request-URI, Call-ID, To, From and CSeq number as the INVITE (method CANCEL),
/// a single Via equal to the INVITE's top Via (same branch, so the server matches it, §9.2),
/// and the INVITE's Route headers. `reason` is an optional RFC 3326 Reason value.
pub fn cancel_for(invite: &Request, reason: Option<&str>) -> Request {
    let mut cancel = Request::new(Method::CANCEL, invite.uri.clone());
    if let Some(via) = invite.headers.get(&HeaderName::VIA) {
        cancel.headers.push(HeaderName::VIA, via);
    }
    for name in [
        HeaderName::MAX_FORWARDS,
        HeaderName::TO,
        HeaderName::FROM,
        HeaderName::CALL_ID,
    ] {
        if let Some(value) = invite.headers.get(&name) {
            cancel.headers.push(name, value);
        }
    }
    if let Some(Ok(cseq)) = invite.headers.typed::<CSeq>() {
        cancel.headers.push_typed(&CSeq {
            seq: cseq.seq,
            method: Method::CANCEL,
        });
    }
    for route in invite.headers.get_all(&HeaderName::ROUTE) {
        cancel.headers.push(HeaderName::ROUTE, route);
    }
    if let Some(reason) = reason {
        cancel.headers.push(HeaderName::REASON, reason);
    }
    cancel.headers.push(HeaderName::CONTENT_LENGTH, "0");
    cancel
}
