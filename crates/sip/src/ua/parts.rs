//! Small readers of the header values the core keys on.

use crate::header::typed::{CSeq, CallId, ContentType, FromHeader, ToHeader};
use crate::Headers;

pub(crate) fn to_tag(headers: &Headers) -> Option<String> {
    match headers.typed::<ToHeader>() {
        Some(Ok(to)) => to.0.tag().map(str::to_owned),
        _ => None,
    }
}

pub(crate) fn from_tag(headers: &Headers) -> Option<String> {
    match headers.typed::<FromHeader>() {
        Some(Ok(from)) => from.0.tag().map(str::to_owned),
        _ => None,
    }
}

pub(crate) fn call_id(headers: &Headers) -> Option<String> {
    match headers.typed::<CallId>() {
        Some(Ok(id)) => Some(id.0),
        _ => None,
    }
}

pub(crate) fn cseq(headers: &Headers) -> Option<CSeq> {
    headers.typed::<CSeq>().and_then(Result::ok)
}

/// The Content-Type as `type/subtype` in lowercase, without parameters.
pub(crate) fn media_type(headers: &Headers) -> Option<String> {
    let ct = headers.typed::<ContentType>()?.ok()?;
    let mut out = ct.mtype.to_ascii_lowercase();
    out.push('/');
    out.push_str(&ct.subtype.to_ascii_lowercase());
    Some(out)
}

/// The Content-Type header as written (for the application).
pub(crate) fn content_type_raw(headers: &Headers) -> String {
    headers
        .get(&crate::HeaderName::CONTENT_TYPE)
        .unwrap_or("")
        .to_owned()
}

/// The body as text, if it is UTF-8 and not empty.
pub(crate) fn body_text(body: &[u8]) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    std::str::from_utf8(body).ok().map(str::to_owned)
}

/// An SDP body (`application/sdp`, RFC 3264), if the message carries one.
pub(crate) fn sdp(headers: &Headers, body: &[u8]) -> Option<String> {
    if media_type(headers).as_deref() != Some("application/sdp") {
        return None;
    }
    body_text(body)
}
