//! Printing messages (RFC 3261 §7). Content-Length always states the real body length, so a
//! message built or edited by code never carries a wrong one.

use super::{Message, Request, Response};
use crate::header::map::Headers;
use crate::header::name::HeaderName;
use crate::syntax::{has_line_break, push_u64};

/// Appends `text`, turning CR and LF into spaces: a value set by code can never start a new
/// header line (header injection).
fn push_line_safe(out: &mut String, text: &str) {
    if has_line_break(text) {
        out.extend(
            text.chars()
                .map(|c| if c == '\r' || c == '\n' { ' ' } else { c }),
        );
    } else {
        out.push_str(text);
    }
}

/// Appends every header line, then the empty line. The first Content-Length line gets the body
/// length (later ones are dropped); without one, Content-Length is appended.
fn print_headers(headers: &Headers, body_len: usize, out: &mut String) {
    let mut wrote_length = false;
    for (name, value) in headers.iter() {
        if *name == HeaderName::CONTENT_LENGTH {
            if !wrote_length {
                out.push_str("Content-Length: ");
                push_u64(out, body_len as u64);
                out.push_str("\r\n");
                wrote_length = true;
            }
            continue;
        }
        out.push_str(name.as_str());
        out.push_str(": ");
        push_line_safe(out, value);
        out.push_str("\r\n");
    }
    if !wrote_length {
        out.push_str("Content-Length: ");
        push_u64(out, body_len as u64);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
}

impl Request {
    /// The start line and headers, ending with the empty line.
    fn head(&self) -> String {
        let mut out = String::with_capacity(512);
        out.push_str(self.method.as_str());
        out.push(' ');
        let mut uri = String::new();
        self.uri.print(&mut uri);
        push_line_safe(&mut out, &uri);
        out.push_str(" SIP/2.0\r\n");
        print_headers(&self.headers, self.body.len(), &mut out);
        out
    }

    /// The message as it goes on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.head().into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

impl Response {
    fn head(&self) -> String {
        let mut out = String::with_capacity(512);
        out.push_str("SIP/2.0 ");
        push_u64(&mut out, u64::from(self.code));
        out.push(' ');
        push_line_safe(&mut out, &self.reason);
        out.push_str("\r\n");
        print_headers(&self.headers, self.body.len(), &mut out);
        out
    }

    /// The message as it goes on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.head().into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

impl Message {
    /// The message as it goes on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Message::Request(r) => r.to_bytes(),
            Message::Response(r) => r.to_bytes(),
        }
    }
}

/// The head, then the body as UTF-8 (invalid sequences replaced).
fn text(mut head: String, body: &[u8]) -> String {
    head.push_str(&String::from_utf8_lossy(body));
    head
}

impl Request {
    /// The message as text (what `Display` prints), built without `core::fmt`.
    pub fn to_text(&self) -> String {
        text(self.head(), &self.body)
    }
}

impl Response {
    /// The message as text (what `Display` prints), built without `core::fmt`.
    pub fn to_text(&self) -> String {
        text(self.head(), &self.body)
    }
}

impl Message {
    /// The message as text (what `Display` prints), built without `core::fmt`.
    pub fn to_text(&self) -> String {
        match self {
            Message::Request(r) => r.to_text(),
            Message::Response(r) => r.to_text(),
        }
    }
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl std::fmt::Display for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Method, Uri};

    #[test]
    fn content_length_is_appended_or_replaced_in_place() {
        let mut r = Request::new(Method::MESSAGE, Uri::sip(Some("bob"), "example.com"));
        r.headers.push(HeaderName::CALL_ID, "a@b");
        r.body = b"hello".to_vec();
        assert_eq!(
            r.to_string(),
            "MESSAGE sip:bob@example.com SIP/2.0\r\nCall-ID: a@b\r\nContent-Length: 5\r\n\r\nhello"
        );
        r.headers.push_front(HeaderName::CONTENT_LENGTH, "999");
        r.headers.push(HeaderName::CONTENT_LENGTH, "1");
        assert_eq!(
            r.to_string(),
            "MESSAGE sip:bob@example.com SIP/2.0\r\nContent-Length: 5\r\nCall-ID: a@b\r\n\r\nhello"
        );
    }

    #[test]
    fn response_line_and_lossy_display() {
        let mut r = Response::new(200, "OK");
        r.body = vec![b'a', 0xff];
        assert_eq!(
            r.to_bytes(),
            b"SIP/2.0 200 OK\r\nContent-Length: 2\r\n\r\na\xff"
        );
        assert_eq!(
            r.to_string(),
            "SIP/2.0 200 OK\r\nContent-Length: 2\r\n\r\na\u{fffd}"
        );
        let r = Response::new(100, "");
        assert_eq!(r.to_string(), "SIP/2.0 100 \r\nContent-Length: 0\r\n\r\n");
    }

    #[test]
    fn line_breaks_in_values_cannot_inject_headers() {
        let mut r = Response::new(486, "Busy\r\nX-Evil: 1");
        r.headers.push(HeaderName::SUBJECT, "a\r\nVia: forged");
        let text = r.to_string();
        assert_eq!(text.matches("\r\n").count(), 4, "{text:?}");
    }
}
