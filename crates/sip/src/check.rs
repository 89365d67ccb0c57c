//! The logic of the `sipcheck` tool: parse one captured message, print it, parse the print
//! again, and say whether anything changed. The example binary is a thin CLI over
//! [`check_message`].

use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::header::typed::{
    Allow, Authorization, CSeq, CallId, Contact, ContentType, Date, Event, Expires, FromHeader,
    MaxForwards, MinExpires, Path, ProxyAuthenticate, ProxyAuthorization, Reason, RecordRoute,
    ReferTo, Require, Route, SubscriptionState, Supported, ToHeader, TypedHeader, Via,
    WwwAuthenticate,
};
use crate::message::Message;

/// What [`check_message`] found. `Display` gives the text after `FILE: ` in sipcheck's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// A valid request whose print parses back to the same message.
    Request { method: String },
    /// A valid response whose print parses back to the same message.
    Response { code: u16 },
    /// The input is not a valid SIP message.
    Invalid(ParseError),
    /// The input parsed, but printing and parsing again changed `what`.
    Mismatch(String),
}

impl CheckOutcome {
    pub fn is_ok(&self) -> bool {
        matches!(
            self,
            CheckOutcome::Request { .. } | CheckOutcome::Response { .. }
        )
    }
}

impl std::fmt::Display for CheckOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckOutcome::Request { method } => write!(f, "ok request {method}"),
            CheckOutcome::Response { code } => write!(f, "ok response {code}"),
            CheckOutcome::Invalid(e) => write!(f, "invalid {e}"),
            CheckOutcome::Mismatch(what) => write!(f, "mismatch {what}"),
        }
    }
}

/// Parses `input`; if valid, prints it, parses the print and compares the start line, every
/// header value (Content-Length aside: printing always writes the body length), the body, and
/// every typed header value that parsed the first time.
pub fn check_message(input: &[u8]) -> CheckOutcome {
    let first = match Message::parse(input) {
        Ok(m) => m,
        Err(e) => return CheckOutcome::Invalid(e),
    };
    let printed = first.to_bytes();
    let second = match Message::parse(&printed) {
        Ok(m) => m,
        Err(e) => return CheckOutcome::Mismatch(format!("reparse failed: {e}")),
    };
    if let Some(what) = compare(&first, &second) {
        return CheckOutcome::Mismatch(what);
    }
    match &first {
        Message::Request(r) => CheckOutcome::Request {
            method: r.method.as_str().to_owned(),
        },
        Message::Response(r) => CheckOutcome::Response { code: r.code },
    }
}

/// The first difference between a message and its re-parsed print, if any.
fn compare(a: &Message, b: &Message) -> Option<String> {
    match (a, b) {
        (Message::Request(x), Message::Request(y)) => {
            if x.method != y.method || x.uri != y.uri {
                return Some("start line".to_owned());
            }
        }
        (Message::Response(x), Message::Response(y)) => {
            if x.code != y.code || x.reason != y.reason {
                return Some("start line".to_owned());
            }
        }
        _ => return Some("start line".to_owned()),
    }
    let lines = |m: &Message| -> Vec<(String, String)> {
        m.headers()
            .iter()
            .filter(|(n, _)| **n != HeaderName::CONTENT_LENGTH)
            .map(|(n, v)| (n.as_str().to_ascii_lowercase(), v.to_owned()))
            .collect()
    };
    let (la, lb) = (lines(a), lines(b));
    if la.len() != lb.len() {
        return Some("header count".to_owned());
    }
    if let Some(((name, _), _)) = la.iter().zip(&lb).find(|(x, y)| x != y) {
        return Some(format!("header {name}"));
    }
    if a.body() != b.body() {
        return Some("body".to_owned());
    }
    typed_mismatch(a)
}

/// Parses every value of `T`, prints it, parses the print: the two parses must be equal.
fn typed_round_trip<T: TypedHeader + PartialEq>(m: &Message) -> Option<String> {
    // A header whose typed form does not parse is not a round-trip question (optional headers
    // may be malformed in a valid message, RFC 4475 §3.1.2.4).
    let values = m.headers().typed_all::<T>().ok()?;
    for v in values {
        let printed = v.to_value();
        if T::parse(&printed).ok().as_ref() != Some(&v) {
            return Some(format!("typed {}", T::NAME.as_str().to_ascii_lowercase()));
        }
    }
    None
}

fn typed_mismatch(m: &Message) -> Option<String> {
    let checks: [fn(&Message) -> Option<String>; 25] = [
        typed_round_trip::<Via>,
        typed_round_trip::<FromHeader>,
        typed_round_trip::<ToHeader>,
        typed_round_trip::<CallId>,
        typed_round_trip::<CSeq>,
        typed_round_trip::<MaxForwards>,
        typed_round_trip::<Contact>,
        typed_round_trip::<Route>,
        typed_round_trip::<RecordRoute>,
        typed_round_trip::<Path>,
        typed_round_trip::<ReferTo>,
        typed_round_trip::<Expires>,
        typed_round_trip::<MinExpires>,
        typed_round_trip::<WwwAuthenticate>,
        typed_round_trip::<ProxyAuthenticate>,
        typed_round_trip::<Authorization>,
        typed_round_trip::<ProxyAuthorization>,
        typed_round_trip::<ContentType>,
        typed_round_trip::<Allow>,
        typed_round_trip::<Supported>,
        typed_round_trip::<Require>,
        typed_round_trip::<Reason>,
        typed_round_trip::<Event>,
        typed_round_trip::<SubscriptionState>,
        typed_round_trip::<Date>,
    ];
    checks.iter().find_map(|check| check(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: &[u8] = b"OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n\r\n";

    #[test]
    fn ok_lines() {
        let out = check_message(OPTIONS);
        assert_eq!(
            out,
            CheckOutcome::Request {
                method: "OPTIONS".into()
            }
        );
        assert_eq!(out.to_string(), "ok request OPTIONS");
        assert!(out.is_ok());
    }

    #[test]
    fn invalid_line() {
        let out = check_message(b"OPTIONS sip:bob@example.com SIP/2.0\r\n\r\n");
        assert_eq!(out.to_string(), "invalid missing header via");
        assert!(!out.is_ok());
    }

    #[test]
    fn mismatch_is_reported() {
        let a = Message::parse(OPTIONS).unwrap();
        let mut b = a.clone();
        b.headers_mut().set(HeaderName::CALL_ID, "c2");
        assert_eq!(compare(&a, &b).as_deref(), Some("header call-id"));
        let mut c = a.clone();
        c.body_mut().push(b'x');
        assert_eq!(compare(&a, &c).as_deref(), Some("body"));
        let r = Message::parse(OPTIONS).unwrap();
        assert_eq!(compare(&a, &r), None);
        assert_eq!(
            CheckOutcome::Mismatch("body".into()).to_string(),
            "mismatch body"
        );
    }
}
