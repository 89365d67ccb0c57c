//! OPTIONS answered 200 with Allow/Accept/Supported; unknown and unsupported methods; 481
//! for requests in unknown dialogs.

mod common;

use bwclient_sip::ua::{Input, Output, Ua, UaConfig};
use bwclient_sip::{Time, Uri};
use common::*;

fn ua() -> Ua {
    let mut config = UaConfig::new(Uri::sip(Some("bob"), DOMAIN));
    config.via_host = Some("bob.invalid".into());
    let mut ua = Ua::new(config);
    ua.handle_input(Time::ZERO, Input::TransportUp);
    ua
}

fn request(method: &str, to_tag: &str) -> String {
    format!(
        "{method} sip:bob@example.test SIP/2.0\r\n\
         Via: SIP/2.0/WSS proxy.example.test;branch=z9hG4bK{method}1\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:alice@example.test>;tag=a1\r\n\
         To: <sip:bob@example.test>{to_tag}\r\n\
         Call-ID: call-{method}\r\n\
         CSeq: 7 {method}\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

/// Feeds one request and returns the single response sent.
fn answer(ua: &mut Ua, text: &str) -> String {
    ua.handle_input(Time::ZERO, Input::Received(text.as_bytes()));
    let mut sent = Vec::new();
    loop {
        match ua.poll_output(Time::ZERO) {
            Output::Transmit(t) => sent.push(t),
            Output::Event(e) => panic!("unexpected event {e:?}"),
            _ => break,
        }
    }
    assert_eq!(sent.len(), 1, "{sent:?}");
    sent.pop().unwrap()
}

#[test]
fn options_gets_200_with_capabilities() {
    let mut ua = ua();
    let ok = answer(&mut ua, &request("OPTIONS", ""));
    assert_eq!(start_line(&ok), "SIP/2.0 200 OK");
    assert_eq!(
        header(&ok, "Allow"),
        Some("INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, MESSAGE")
    );
    assert_eq!(header(&ok, "Accept"), Some("application/sdp"));
    assert_eq!(header(&ok, "Supported"), Some("outbound"));
    assert_eq!(header(&ok, "CSeq"), Some("7 OPTIONS"));
    assert_eq!(header(&ok, "Call-ID"), Some("call-OPTIONS"));
    assert_eq!(
        header(&ok, "Via"),
        Some("SIP/2.0/WSS proxy.example.test;branch=z9hG4bKOPTIONS1")
    );
    assert!(header(&ok, "To")
        .unwrap()
        .starts_with("<sip:bob@example.test>;tag="));
}

#[test]
fn other_methods() {
    let mut ua = ua();
    assert_eq!(
        start_line(&answer(&mut ua, &request("FOO", ""))),
        "SIP/2.0 501 Not Implemented"
    );
    let subscribe = answer(&mut ua, &request("SUBSCRIBE", ""));
    assert_eq!(start_line(&subscribe), "SIP/2.0 405 Method Not Allowed");
    assert!(header(&subscribe, "Allow").is_some());
    for method in ["BYE", "INFO"] {
        assert_eq!(
            start_line(&answer(&mut ua, &request(method, ";tag=nope"))),
            "SIP/2.0 481 Call/Transaction Does Not Exist"
        );
    }
    // A BYE without To tag cannot be in any dialog either.
    assert_eq!(
        start_line(&answer(&mut ua, &request("BYE", ""))),
        "SIP/2.0 481 Call/Transaction Does Not Exist"
    );
}

#[test]
fn unsupported_require_gets_420() {
    let mut ua = ua();
    let text = request("OPTIONS", "").replace(
        "Content-Length",
        "Require: 100rel, outbound\r\nContent-Length",
    );
    let response = answer(&mut ua, &text);
    assert_eq!(start_line(&response), "SIP/2.0 420 Bad Extension");
    assert_eq!(header(&response, "Unsupported"), Some("100rel"));
}
