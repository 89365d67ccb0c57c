//! Messages in the shapes JsSIP in Chrome, Kamailio, FreeSWITCH, Asterisk and carrier trunks
//! put on the wire (fixtures under `tests/fixtures/real/`): parsed, typed, printed, re-parsed.

use bwclient_sip::check::check_message;
use bwclient_sip::header::typed::{
    Authorization, CSeq, Contact, ContentType, Event, FromHeader, ProxyAuthenticate, Reason,
    RecordRoute, Route, SubscriptionState, Supported, ToHeader, Via, WwwAuthenticate,
};
use bwclient_sip::{HeaderName, Message, Method, Scheme};

fn load(name: &str) -> Message {
    let path = format!("{}/tests/fixtures/real/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(
        check_message(&bytes).is_ok(),
        "{name}: {}",
        check_message(&bytes)
    );
    Message::parse(&bytes).unwrap()
}

#[test]
fn jssip_register_contact_is_outbound_ready() {
    let msg = load("jssip-register.sip");
    let req = msg.as_request().unwrap();
    assert_eq!(req.method, Method::REGISTER);
    assert_eq!(req.uri.to_string(), "sip:sip.example.com");
    let via = msg.headers().typed::<Via>().unwrap().unwrap();
    assert_eq!(via.transport, "WSS");
    assert_eq!(via.host, "2kcq6u5lqp9e.invalid");
    assert_eq!(via.branch(), Some("z9hG4bK8301734"));
    let contact = msg.headers().typed::<Contact>().unwrap().unwrap();
    assert_eq!(contact.expires(), Some(600));
    assert_eq!(contact.reg_id(), Some(1));
    assert_eq!(
        contact.instance().as_deref(),
        Some("<urn:uuid:d28db3e9-16cb-4727-ace2-12b8260e7cc2>")
    );
    let Contact::Addr(addr) = &contact else {
        panic!("star")
    };
    assert_eq!(
        addr.uri.param("transport").unwrap().value.as_deref(),
        Some("ws")
    );
    let supported = msg.headers().typed::<Supported>().unwrap().unwrap();
    assert!(supported.contains("outbound") && supported.contains("path"));
}

#[test]
fn kamailio_401_and_the_authorized_retry() {
    let challenge = load("kamailio-401.sip");
    let resp = challenge.as_response().unwrap();
    assert_eq!((resp.code, resp.reason.as_str()), (401, "Unauthorized"));
    let via = challenge.headers().typed::<Via>().unwrap().unwrap();
    assert_eq!(via.rport(), Some(Some(51234)));
    assert_eq!(via.received(), Some("192.0.2.50"));
    let www = challenge
        .headers()
        .typed::<WwwAuthenticate>()
        .unwrap()
        .unwrap();
    assert!(www.0.is_digest());
    assert_eq!(www.0.param("realm"), Some("sip.example.com"));
    assert_eq!(
        www.0.param("nonce"),
        Some("ZbH7nWWx5nFCGxd3ZPbQ4fdR/u4XF4uV")
    );
    assert_eq!(www.0.param("qop"), Some("auth"));
    assert_eq!(www.0.param("algorithm"), None);
    let to = challenge.headers().typed::<ToHeader>().unwrap().unwrap();
    assert_eq!(to.0.tag(), Some("8a5f2e2a1b58de3f1e6e7e4c3d1c4a7d-9b12"));

    let retry = load("jssip-register-auth.sip");
    let auth = retry.headers().typed::<Authorization>().unwrap().unwrap();
    assert_eq!(auth.0.param("username"), Some("1700003600:alice"));
    assert_eq!(auth.0.param("nc"), Some("00000001"));
    assert_eq!(auth.0.param("qop"), Some("auth"));
    // Printed back with RFC 7616 quoting: qop, nc, algorithm bare; the rest quoted.
    let mut printed = String::new();
    auth.0.print(&mut printed);
    assert!(
        printed.contains("algorithm=MD5, username=\"1700003600:alice\""),
        "{printed}"
    );
    assert!(
        printed.contains("qop=auth, cnonce=\"9kq2ru8dllpe\", nc=00000001"),
        "{printed}"
    );
    let cseq = retry.headers().typed::<CSeq>().unwrap().unwrap();
    assert_eq!(cseq.seq, 34);
}

#[test]
fn kamailio_407_offers_sha256_then_md5() {
    let msg = load("kamailio-407-invite.sip");
    let all = msg.headers().typed_all::<ProxyAuthenticate>().unwrap();
    let algs: Vec<_> = all
        .iter()
        .map(|c| c.0.param("algorithm").unwrap())
        .collect();
    assert_eq!(algs, ["SHA-256", "MD5"]);
}

#[test]
fn chrome_invite_carries_the_sdp_offer() {
    let msg = load("jssip-invite.sip");
    let req = msg.as_request().unwrap();
    assert_eq!(req.uri.user.as_deref(), Some("+15551234567"));
    let ct = msg.headers().typed::<ContentType>().unwrap().unwrap();
    assert!(ct.is("application", "sdp"));
    let body = std::str::from_utf8(msg.body()).unwrap();
    assert!(body.starts_with("v=0\r\n") && body.ends_with("\r\n"));
    assert!(body.contains("a=rtpmap:111 opus/48000/2\r\n"));
    assert_eq!(
        msg.headers().get(&HeaderName::X_CALLSIGN_TOKEN),
        Some("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl")
    );
    let Contact::Addr(contact) = msg.headers().typed::<Contact>().unwrap().unwrap() else {
        panic!("star")
    };
    assert!(contact.uri.param("ob").is_some());
    // Printing keeps the body and writes its real length.
    let again = Message::parse(&msg.to_bytes()).unwrap();
    assert_eq!(again.body(), msg.body());
    assert_eq!(
        again.headers().get(&HeaderName::CONTENT_LENGTH),
        Some(msg.body().len().to_string().as_str())
    );
}

#[test]
fn record_route_of_a_200_builds_the_route_set() {
    let msg = load("invite-200-record-route.sip");
    let rr = msg.headers().typed_all::<RecordRoute>().unwrap();
    assert_eq!(rr.len(), 2);
    assert_eq!(
        rr[0].0.uri.param("transport").unwrap().value.as_deref(),
        Some("tcp")
    );
    assert_eq!(rr[1].0.uri.port, Some(8443));
    assert_eq!(
        rr[1].0.uri.param("ftag").unwrap().value.as_deref(),
        Some("b7u1q0h3rv")
    );
    let contact = msg.headers().typed::<Contact>().unwrap().unwrap();
    let Contact::Addr(contact) = contact else {
        panic!("star")
    };
    assert_eq!(contact.uri.host, "198.51.100.7");
    assert_eq!(contact.uri.port, Some(5060));
    // The UAC's route set is the Record-Route list reversed (RFC 3261 §12.1.2), and the BYE
    // in this trace carries exactly that, in one comma-separated Route line.
    let bye = load("jssip-bye.sip");
    let routes = bye.headers().typed_all::<Route>().unwrap();
    let route_uris: Vec<String> = routes.iter().map(|r| r.0.uri.to_string()).collect();
    let rr_reversed: Vec<String> = rr.iter().rev().map(|r| r.0.uri.to_string()).collect();
    assert_eq!(route_uris, rr_reversed);
    let reason = bye.headers().typed::<Reason>().unwrap().unwrap();
    assert_eq!(reason.cause, Some(200));
    assert_eq!(reason.text.as_deref(), Some("Call completed elsewhere"));
}

#[test]
fn asterisk_refer_notify() {
    let msg = load("asterisk-notify-refer.sip");
    let event = msg.headers().typed::<Event>().unwrap().unwrap();
    assert_eq!(
        (event.package.as_str(), event.id()),
        ("refer", Some("7264"))
    );
    let state = msg.headers().typed::<SubscriptionState>().unwrap().unwrap();
    assert!(state.is_terminated());
    assert_eq!(state.reason(), Some("noresource"));
    let ct = msg.headers().typed::<ContentType>().unwrap().unwrap();
    assert!(ct.is("message", "sipfrag"));
    assert_eq!(msg.body(), b"SIP/2.0 200 OK\r\n");
    let via = msg.headers().typed::<Via>().unwrap().unwrap();
    assert_eq!(via.port, Some(8089));
    assert_eq!(via.rport(), Some(None));
}

#[test]
fn carrier_invite_with_compact_forms_folding_and_bare_lf() {
    let msg = load("carrier-invite-compact-lf.sip");
    let req = msg.as_request().unwrap();
    assert_eq!(req.uri.scheme, Scheme::Sip);
    let vias = msg.headers().typed_all::<Via>().unwrap();
    assert_eq!(vias.len(), 2);
    assert_eq!(vias[1].rport(), Some(Some(5060)));
    let from = msg.headers().typed::<FromHeader>().unwrap().unwrap();
    assert_eq!(from.0.display_name.as_deref(), Some("+1 555 987 6543"));
    assert_eq!(
        from.0.uri.param("user").unwrap().value.as_deref(),
        Some("phone")
    );
    assert_eq!(
        msg.headers().get(&HeaderName::P_ASSERTED_IDENTITY),
        Some("\"+1 555 987 6543\"  <sip:+15559876543@carrier.example.net;user=phone>")
    );
    let supported = msg.headers().typed::<Supported>().unwrap().unwrap();
    assert_eq!(supported.0, ["100rel", "timer", "replaces"]);
    assert_eq!(
        msg.headers().get(&HeaderName::CALL_ID),
        Some("1122334455@198.51.100.30")
    );
}
