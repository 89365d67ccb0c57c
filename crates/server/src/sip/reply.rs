//! Responses the server itself generates (RFC 3261 §8.2.6 and §16.7 step 3 for the 100): copy
//! Via, From, To, Call-ID and CSeq from the request, add a To tag to anything but a 100.

use bwclient_sip::header::typed::ToHeader;
use bwclient_sip::{HeaderName, Request, Response};

/// The `Server` header value of generated responses (RFC 3261 §20.35).
pub const SERVER: &str = "bwclient-server";

/// A response to `req` with `code` and `reason`, no body. Headers that the request lacks are
/// simply not copied, so this works on half-valid requests too (for a `400`).
pub fn reply(req: &Request, code: u16, reason: &str) -> Response {
    let mut headers = bwclient_sip::Headers::new();
    for name in [HeaderName::VIA, HeaderName::FROM, HeaderName::TO] {
        for value in req.headers.get_all(&name) {
            headers.push(name.clone(), value);
        }
    }
    if code > 100 {
        add_to_tag(&mut headers);
    }
    for name in [HeaderName::CALL_ID, HeaderName::CSEQ] {
        if let Some(value) = req.headers.get(&name) {
            headers.push(name.clone(), value);
        }
    }
    headers.push(HeaderName::SERVER, SERVER);
    Response {
        code,
        reason: reason.to_owned(),
        headers,
        body: Vec::new(),
    }
}

/// Adds a random `tag` to the To header if it has none (RFC 3261 §8.2.6.2: a UAS response
/// needs one; the server answers as a UAS here). A To that does not parse stays as it is.
pub fn add_to_tag(headers: &mut bwclient_sip::Headers) {
    if let Some(Ok(mut to)) = headers.typed::<ToHeader>() {
        if to.0.tag().is_none() {
            to.0.set_param("tag", Some(&random_token(10)));
            headers.set_typed(&to);
        }
    }
}

/// A random token of `len` alphanumerics, for tags and branches (RFC 3261 §19.3: "at least 32
/// bits of randomness").
pub fn random_token(len: usize) -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// A new branch for a request the proxy sends (RFC 3261 §8.1.1.7, §16.6 step 8: it starts with
/// the magic cookie `z9hG4bK`).
pub fn new_branch() -> String {
    format!("z9hG4bK{}", random_token(16))
}

/// The bytes of a message for one WebSocket frame (RFC 7118 §5.2: one message per frame).
pub fn frame(msg: &bwclient_sip::Message) -> Vec<u8> {
    msg.to_bytes()
}

/// [`frame`] for a response.
pub fn response_frame(resp: Response) -> Vec<u8> {
    frame(&bwclient_sip::Message::Response(resp))
}

/// [`frame`] for a request.
pub fn request_frame(req: Request) -> Vec<u8> {
    frame(&bwclient_sip::Message::Request(req))
}

/// Reads the typed `To`, if it parses (used when a tag check matters).
pub fn to_tag(req: &Request) -> Option<String> {
    match req.headers.typed::<ToHeader>() {
        Some(Ok(to)) => to.0.tag().map(str::to_owned),
        _ => None,
    }
}
