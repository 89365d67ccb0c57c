//! Building messages in code, the way the user agent does, and reading them back.

use bwclient_sip::header::typed::{
    Allow, Authorization, CSeq, CallId, Contact, Credentials, Expires, FromHeader, MaxForwards,
    ToHeader, Via,
};
use bwclient_sip::{HeaderName, Message, Method, NameAddr, ParseError, Request, Response, Uri};

fn register() -> Request {
    let mut req = Request::new(Method::REGISTER, Uri::sip(None, "sip.example.com"));
    let h = &mut req.headers;
    h.push_typed(&Via::new("WSS", "abc.invalid", None, "z9hG4bK776asdhds"));
    h.push_typed(&MaxForwards(70));
    let mut from = NameAddr::new(Uri::sip(Some("alice"), "sip.example.com"));
    from.display_name = Some("Alice \"A\" Liddell".into());
    from.set_param("tag", Some("1928301774"));
    h.push_typed(&FromHeader(from));
    h.push_typed(&ToHeader(NameAddr::new(Uri::sip(
        Some("alice"),
        "sip.example.com",
    ))));
    h.push_typed(&CallId("a84b4c76e66710".into()));
    h.push_typed(&CSeq {
        seq: 1,
        method: Method::REGISTER,
    });
    let mut contact_uri = Uri::sip(Some("x7k2"), "abc.invalid");
    contact_uri.set_param("transport", Some("ws"));
    let mut contact = NameAddr::new(contact_uri);
    contact.set_param("reg-id", Some("1"));
    contact.set_param(
        "+sip.instance",
        Some("\"<urn:uuid:00000000-0000-4000-8000-000000000001>\""),
    );
    h.push_typed(&Contact::Addr(contact));
    h.push_typed(&Expires(600));
    req
}

#[test]
fn built_request_prints_exactly_and_parses_back() {
    let req = register();
    let text = req.to_string();
    assert_eq!(
        text,
        "REGISTER sip:sip.example.com SIP/2.0\r\n\
         Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK776asdhds\r\n\
         Max-Forwards: 70\r\n\
         From: \"Alice \\\"A\\\" Liddell\" <sip:alice@sip.example.com>;tag=1928301774\r\n\
         To: <sip:alice@sip.example.com>\r\n\
         Call-ID: a84b4c76e66710\r\n\
         CSeq: 1 REGISTER\r\n\
         Contact: <sip:x7k2@abc.invalid;transport=ws>;reg-id=1;+sip.instance=\"<urn:uuid:00000000-0000-4000-8000-000000000001>\"\r\n\
         Expires: 600\r\n\
         Content-Length: 0\r\n\r\n"
    );
    let msg = Message::parse(text.as_bytes()).unwrap();
    assert_eq!(msg, Message::Request(req.clone()).with_content_length());
    let from = msg.headers().typed::<FromHeader>().unwrap().unwrap();
    assert_eq!(from.0.display_name.as_deref(), Some("Alice \"A\" Liddell"));
    let contact = msg.headers().typed::<Contact>().unwrap().unwrap();
    assert_eq!(
        contact.instance().as_deref(),
        Some("<urn:uuid:00000000-0000-4000-8000-000000000001>")
    );
    assert_eq!(msg.to_bytes(), req.to_bytes());
}

/// The parsed message has the Content-Length line printing appended; add it for comparison.
trait WithContentLength {
    fn with_content_length(self) -> Self;
}

impl WithContentLength for Message {
    fn with_content_length(mut self) -> Message {
        let len = self.body().len().to_string();
        self.headers_mut().set(HeaderName::CONTENT_LENGTH, len);
        self
    }
}

#[test]
fn body_length_always_wins() {
    let mut req = register();
    req.headers.push(HeaderName::CONTENT_LENGTH, "9999");
    req.headers.push(HeaderName::CONTENT_TYPE, "text/plain");
    req.body = "héllo".as_bytes().to_vec();
    let msg = Message::parse(&req.to_bytes()).unwrap();
    assert_eq!(msg.body(), "héllo".as_bytes());
    assert_eq!(msg.headers().get(&HeaderName::CONTENT_LENGTH), Some("6"));
    assert_eq!(
        msg.headers().get_all(&HeaderName::CONTENT_LENGTH).count(),
        1
    );
}

#[test]
fn response_built_from_request_headers() {
    let req = register();
    let mut resp = Response::new(200, "OK");
    for name in [
        HeaderName::VIA,
        HeaderName::FROM,
        HeaderName::TO,
        HeaderName::CALL_ID,
        HeaderName::CSEQ,
    ] {
        for v in req.headers.get_all(&name) {
            resp.headers.push(name.clone(), v);
        }
    }
    let mut to = resp.headers.typed::<ToHeader>().unwrap().unwrap();
    to.0.set_param("tag", Some("a6c85cf"));
    resp.headers.set_typed(&to);
    resp.headers
        .push(HeaderName::ALLOW, "INVITE, ACK, CANCEL, OPTIONS, BYE");
    let msg = Message::parse(&resp.to_bytes()).unwrap();
    let r = msg.as_response().unwrap();
    assert_eq!((r.code, r.reason.as_str()), (200, "OK"));
    assert!(r.is_success() && !r.is_provisional());
    let to = msg.headers().typed::<ToHeader>().unwrap().unwrap();
    assert_eq!(to.0.tag(), Some("a6c85cf"));
    let allow = msg.headers().typed::<Allow>().unwrap().unwrap();
    assert!(allow.contains(&Method::BYE));
}

#[test]
fn bearer_and_digest_credentials_print_as_servers_expect() {
    let mut req = register();
    req.headers.push_typed(&Authorization(Credentials::bearer(
        "eyJhbGciOiJIUzI1NiJ9.e30.sig",
    )));
    let msg = Message::parse(&req.to_bytes()).unwrap();
    assert_eq!(
        msg.headers().get(&HeaderName::AUTHORIZATION),
        Some("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig")
    );
    let auth = msg.headers().typed::<Authorization>().unwrap().unwrap();
    assert_eq!(
        auth.0.token.as_deref(),
        Some("eyJhbGciOiJIUzI1NiJ9.e30.sig")
    );
}

#[test]
fn compact_names_are_printed_long() {
    let raw = b"OPTIONS sip:a@b.example SIP/2.0\r\nv: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\nf: <sip:c@d.example>;tag=9\r\nt: <sip:a@b.example>\r\ni: abc\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nk: outbound\r\nl: 0\r\n\r\n";
    let msg = Message::parse(raw).unwrap();
    let text = msg.to_string();
    for name in [
        "Via: ",
        "From: ",
        "To: ",
        "Call-ID: ",
        "Supported: ",
        "Content-Length: ",
    ] {
        assert!(text.contains(name), "{name} in {text}");
    }
}

#[test]
fn every_typed_header_round_trips_through_a_message() {
    fn check<T: TypedHeader + PartialEq + std::fmt::Debug>(value: &str) {
        let parsed = T::parse(value).unwrap_or_else(|e| panic!("{value}: {e}"));
        let mut req = register();
        req.headers.push_typed(&parsed);
        let msg = Message::parse(&req.to_bytes()).unwrap();
        let back: Vec<T> = msg.headers().typed_all::<T>().unwrap();
        assert_eq!(back.last(), Some(&parsed), "{value}");
    }
    use bwclient_sip::header::typed::*;
    check::<ProxyAuthenticate>("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256, qop=\"auth\"");
    check::<WwwAuthenticate>("Digest realm=\"r\", nonce=\"n\", stale=true");
    check::<ProxyAuthorization>(
        "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"00\"",
    );
    check::<ContentType>("application/dtmf-relay");
    check::<Supported>("outbound, path");
    check::<Require>("100rel");
    check::<Reason>("Q.850;cause=16;text=\"Normal call clearing\"");
    check::<Event>("refer;id=3");
    check::<SubscriptionState>("active;expires=60");
    check::<MinExpires>("120");
    check::<Route>("<sip:p.example;lr>");
    check::<RecordRoute>("<sip:p.example;lr>");
    check::<Path>("<sip:p.example;lr;ob>");
    check::<ReferTo>("<sip:carol@c.example?Replaces=abc%40d%3Bto-tag%3D1%3Bfrom-tag%3D2>");
    check::<Date>("Sat, 13 Nov 2010 23:29:00 GMT");
}

#[test]
fn received_garbage_is_an_error_not_a_panic() {
    for input in [
        &b""[..],
        b"\r\n",
        b"SIP/2.0",
        b"SIP/2.0 200",
        b"INVITE",
        b"INVITE sip:a SIP/2.0\r\nVia",
        b"\xff\xfe\xfd",
        b"INVITE sip:a@b SIP/2.0\r\nContent-Length: 99999999999999999999\r\n\r\n",
    ] {
        assert!(Message::parse(input).is_err());
    }
    assert_eq!(Message::parse(b"\r\n\r\n"), Err(ParseError::Empty));
}
