//! The proxy's timing rules in simulated time: the service is driven through its entry points
//! (`on_frame`, `sweep_at`, `connection_closed`) with connections of the test's own
//! (`attach`) and a clock of the test's own, as the user agent core is in `bwclient-sip`.
//! Nothing sleeps: three minutes pass in a microsecond.

mod sip_common;

use bwclient_server::sip::{ConnId, SipConfig, SipService};
use bwclient_sip::token::Token;
use bwclient_sip::{HeaderName, Message, Request, Response};
use sip_common::{now_unix, MemDirectory, HOST, SECRET};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::Receiver;

/// One end: its connection, what the service sent it, and its SIP identity.
struct End {
    conn: ConnId,
    rx: Receiver<Vec<u8>>,
    user: &'static str,
}

impl End {
    fn attach(service: &SipService, user: &'static str) -> End {
        let (conn, rx) = service.attach(64);
        End { conn, rx, user }
    }

    /// The next frame the service sent this end, parsed; `None` if there is none.
    fn next(&mut self) -> Option<Message> {
        let frame = self.rx.try_recv().ok()?;
        Some(Message::parse(&frame).expect("the service sends valid SIP"))
    }

    fn response(&mut self, code: u16) -> Response {
        match self.next() {
            Some(Message::Response(r)) if r.code == code => r,
            other => panic!("{}: expected {code}, got {other:?}", self.user),
        }
    }

    fn request(&mut self, method: &str) -> Request {
        match self.next() {
            Some(Message::Request(r)) if r.method.as_str() == method => r,
            other => panic!("{}: expected {method}, got {other:?}", self.user),
        }
    }

    fn contact(&self) -> String {
        ["sip:", self.user, "@", self.user, ".invalid;transport=ws"].concat()
    }

    fn token(&self) -> String {
        let token = Token::mint(SECRET, now_unix() + 3600, self.user, HOST, "ws://x/sip");
        token.as_str().to_owned()
    }

    /// A REGISTER with an RFC 5626 instance and reg-id: the end may come back on a new
    /// connection and keep its calls.
    fn register(&self) -> String {
        let (user, contact, token) = (self.user, self.contact(), self.token());
        let instance = format!("<urn:uuid:00000000-0000-4000-8000-{:012}>", user.len());
        format!(
            "REGISTER sip:{HOST} SIP/2.0\r\nVia: SIP/2.0/WSS {user}.invalid;branch=z9hG4bKreg{user}\r\n\
             Max-Forwards: 70\r\nTo: <sip:{user}@{HOST}>\r\nFrom: <sip:{user}@{HOST}>;tag=r{user}\r\n\
             Call-ID: reg-{user}\r\nCSeq: 1 REGISTER\r\nSupported: path, outbound\r\n\
             Contact: <{contact}>;+sip.instance=\"{instance}\";reg-id=1;expires=600\r\n\
             X-Callsign-Token: {token}\r\nContent-Length: 0\r\n\r\n"
        )
    }

    fn invite(&self, to: &str) -> String {
        let (user, contact, token) = (self.user, self.contact(), self.token());
        let sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n";
        format!(
            "INVITE sip:{to}@{HOST} SIP/2.0\r\nVia: SIP/2.0/WSS {user}.invalid;branch=z9hG4bKinv{user}\r\n\
             Max-Forwards: 70\r\nTo: <sip:{to}@{HOST}>\r\nFrom: <sip:{user}@{HOST}>;tag=i{user}\r\n\
             Call-ID: call-{user}\r\nCSeq: 1 INVITE\r\nContact: <{contact}>\r\n\
             X-Callsign-Token: {token}\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
            sdp.len()
        )
    }

    /// This end's answer to `req` (Via, From, To with a tag, Call-ID, CSeq copied).
    fn answer(&self, req: &Request, code: u16, reason: &str) -> String {
        let mut out = format!("SIP/2.0 {code} {reason}\r\n");
        for via in req.headers.get_all(&HeaderName::VIA) {
            out += &format!("Via: {via}\r\n");
        }
        for name in [HeaderName::FROM, HeaderName::CALL_ID, HeaderName::CSEQ] {
            out += &format!(
                "{}: {}\r\n",
                name.as_str(),
                req.headers.get(&name).unwrap_or("")
            );
        }
        let to = req.headers.get(&HeaderName::TO).unwrap_or("");
        out += &format!(
            "To: {to};tag=t{}\r\nContact: <{}>\r\nContent-Length: 0\r\n\r\n",
            self.user,
            self.contact()
        );
        out
    }
}

/// alice calls bob, bob rings: the service, its directory, both ends, bob's INVITE, and the
/// time the call started.
struct Ringing {
    service: Arc<SipService>,
    dir: Arc<MemDirectory>,
    alice: End,
    bob: End,
    invite: Request,
    t0: Instant,
}

fn ringing_call() -> Ringing {
    let dir = MemDirectory::standard();
    let service = SipService::new(dir.clone(), SipConfig::default());
    let t0 = Instant::now();
    let (mut alice, mut bob) = (End::attach(&service, "alice"), End::attach(&service, "bob"));
    for end in [&mut alice, &mut bob] {
        service.on_frame(t0, end.conn, end.register().as_bytes());
        end.response(200);
    }
    service.on_frame(t0, alice.conn, alice.invite("bob").as_bytes());
    alice.response(100);
    let invite = bob.request("INVITE");
    let ringing = bob.answer(&invite, 180, "Ringing");
    service.on_frame(t0 + Duration::from_secs(1), bob.conn, ringing.as_bytes());
    alice.response(180);
    Ringing {
        service,
        dir,
        alice,
        bob,
        invite,
        t0,
    }
}

#[tokio::test]
async fn timer_c_cancels_a_branch_that_rings_too_long() {
    let Ringing {
        service,
        mut alice,
        mut bob,
        invite,
        t0,
        ..
    } = ringing_call();
    let timer_c = service.config().timer_c;
    // RFC 3261 §16.8: Timer C restarts with each provisional response. Half a second past
    // Timer C since the INVITE, but not since the 180 (at t0 + 1 s): nothing yet.
    service.sweep_at(t0 + timer_c + Duration::from_millis(500));
    assert!(bob.next().is_none(), "no CANCEL before Timer C fires");
    assert!(alice.next().is_none());
    // Past it, the proxy cancels the branch (the same branch as the INVITE, §9.1)...
    service.sweep_at(t0 + timer_c + Duration::from_secs(2));
    let cancel = bob.request("CANCEL");
    let branch = |r: &Request| r.headers.get(&HeaderName::VIA).map(str::to_owned);
    assert_eq!(branch(&cancel), branch(&invite));
    // ...and the caller learns the end from the callee's 487 (§16.7 step 10).
    let at = t0 + timer_c + Duration::from_secs(3);
    service.on_frame(at, bob.conn, bob.answer(&cancel, 200, "OK").as_bytes());
    service.on_frame(
        at,
        bob.conn,
        bob.answer(&invite, 487, "Request Terminated").as_bytes(),
    );
    alice.response(487);
}

#[tokio::test]
async fn a_call_whose_caller_left_waits_out_the_reconnect_grace() {
    let Ringing {
        service,
        dir,
        mut alice,
        bob,
        invite,
        t0,
    } = ringing_call();
    let answered = t0 + Duration::from_secs(2);
    service.on_frame(
        answered,
        bob.conn,
        bob.answer(&invite, 200, "OK").as_bytes(),
    );
    alice.response(200);
    assert_eq!(service.active_calls(), 1);
    // The caller's connection drops with the call up: a registered instance may come back on
    // a new connection (RFC 5626 §5.3), so the call waits for it.
    service.connection_closed(answered, alice.conn);
    let grace = service.config().reconnect_grace;
    service.sweep_at(answered + grace - Duration::from_secs(1));
    let ends_before = dir.event_kinds().iter().filter(|(k, _)| k == "end").count();
    assert_eq!(ends_before, 0, "no end event within the grace");
    assert_eq!(
        service.active_calls(),
        1,
        "still within the reconnect grace"
    );
    service.sweep_at(answered + grace + Duration::from_secs(1));
    assert_eq!(service.active_calls(), 0, "ended once the grace ran out");
    let ends = |kinds: Vec<(String, String)>| kinds.iter().filter(|(k, _)| k == "end").count();
    assert!(ends(dir.event_kinds()) > 0, "the applications hear the end");
}
