//! Issue 11, hole 7: a request with two values of a header that must be single (Call-ID,
//! From, To, CSeq, Max-Forwards, Content-Length; RFC 3261 §7.3.1), on two lines, in compact
//! form or joined by a comma, gets `400` with a reason naming the header and is not routed:
//! the callee never sees it, so no two parties can read different identities or dialogs
//! from the same bytes.

mod sip_common;

use bwclient_sip::{HeaderName, Message};
use sip_common::{Client, TestServer, HOST};
use std::time::Duration;

/// A change to an INVITE's header lines.
type Edit = Box<dyn Fn(String) -> String>;

/// An INVITE from dave (with his token) to bob, with `edit` applied to its header lines.
fn invite(s: &TestServer, n: usize, edit: impl Fn(String) -> String) -> String {
    let headers = format!(
        "Via: SIP/2.0/WSS m.invalid;branch=z9hG4bKdup{n}\r\n\
         Max-Forwards: 70\r\n\
         To: <sip:bob@{HOST}>\r\n\
         From: <sip:dave@{HOST}>;tag=d{n}\r\n\
         Call-ID: dup-{n}\r\n\
         CSeq: 1 INVITE\r\n\
         Contact: <sip:dave@m.invalid;transport=ws>\r\n\
         X-Callsign-Token: {}\r\n",
        s.token("dave", HOST)
    );
    format!(
        "INVITE sip:bob@{HOST} SIP/2.0\r\n{}Content-Length: 0\r\n\r\n",
        edit(headers)
    )
}

#[tokio::test]
async fn two_values_of_a_single_header_get_400_and_are_not_routed() {
    let s = TestServer::start().await;
    let mut bob = s.client("bob").await;
    bob.register_with_token(&s.token("bob", HOST)).await;
    let mut dave = s.client("dave").await;

    let add = |line: &'static str| move |h: String| format!("{h}{line}");
    let cases: Vec<(&str, Edit)> = vec![
        ("call-id", Box::new(add("Call-ID: other\r\n"))),
        ("call-id", Box::new(add("i: other\r\n"))),
        (
            "call-id",
            Box::new(|h: String| h.replace("Call-ID: dup-", "Call-ID: x, dup-")),
        ),
        (
            "from",
            Box::new(add("f: <sip:alice@acme.sip.test>;tag=a\r\n")),
        ),
        (
            "to",
            Box::new(|h: String| {
                h.replace(
                    "To: <sip:bob@acme.sip.test>",
                    "To: <sip:bob@acme.sip.test>, <sip:alice@acme.sip.test>",
                )
            }),
        ),
        ("to", Box::new(add("t: <sip:alice@acme.sip.test>\r\n"))),
        ("cseq", Box::new(add("CSeq: 2 INVITE\r\n"))),
        ("max-forwards", Box::new(add("Max-Forwards: 1\r\n"))),
        ("content-length", Box::new(add("l: 0\r\n"))),
    ];
    for (n, (name, edit)) in cases.iter().enumerate() {
        dave.send(&invite(&s, n, edit)).await;
        let text = dave.recv_text().await;
        let start = text.lines().next().unwrap_or("");
        assert_eq!(
            start,
            format!("SIP/2.0 400 Bad Request: multiple values of {name}"),
            "case {n}"
        );
        // The answer names one Call-ID and one CSeq: the first of each.
        let answer = Message::parse_lenient(text.as_bytes()).expect("a response");
        for single in [HeaderName::CALL_ID, HeaderName::CSEQ, HeaderName::FROM] {
            assert_eq!(answer.headers().get_all(&single).count(), 1, "case {n}");
        }
    }
    // None of them reached bob.
    bob.expect_silence(Duration::from_millis(300)).await;

    // The same INVITE with one value of each is routed.
    dave.send(&invite(&s, 99, |h| h)).await;
    dave.expect_response(100).await;
    let inv = bob.expect_request("INVITE").await;
    assert_eq!(inv.headers.get(&HeaderName::CALL_ID), Some("dup-99"));
    let _ = Client::close(bob).await;
}
