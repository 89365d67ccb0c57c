//! Building what the proxy sends: a forwarded copy of a request (RFC 3261 §16.6), the CANCEL
//! of a branch (§9.1, §16.10), the ACK of a branch's non-2xx final response (§17.1.1.3), and a
//! response with the proxy's own Via removed (§16.7 step 3).

use bwclient_sip::header::split::split_list;
use bwclient_sip::{HeaderName, Headers, MaxForwards, Method, Request, Response, Uri, Via};

/// Max-Forwards of requests the proxy creates (RFC 3261 §8.1.1.6).
const MAX_FORWARDS: u32 = 70;

/// Headers that carry the caller's credentials for this server. They are consumed here and
/// never forwarded: a callee must not receive the caller's token (RFC 3261 §22.3: a proxy
/// removes the Proxy-Authorization it used; X-Callsign-Token and Bearer are tokens too).
const CONSUMED: [HeaderName; 3] = [
    HeaderName::X_CALLSIGN_TOKEN,
    HeaderName::PROXY_AUTHORIZATION,
    HeaderName::AUTHORIZATION,
];

/// The proxy's Via: `SIP/2.0/WS <host>;branch=<branch>` (RFC 7118 §5.3 transport `WS`).
pub fn proxy_via(host: &str, branch: &str) -> String {
    use bwclient_sip::TypedHeader;
    Via::new("WS", host, None, branch).to_value()
}

/// The copy of `req` for one target (RFC 3261 §16.6): new Request-URI (step 2), Max-Forwards
/// decremented (step 3), optional Record-Route on top (step 4), the proxy's Via on top
/// (step 8), credentials for this server removed.
pub fn forward_copy(
    req: &Request,
    target: Option<&Uri>,
    via: &str,
    record_route: Option<&str>,
) -> Request {
    let mut out = req.clone();
    if let Some(uri) = target {
        out.uri = uri.clone();
    }
    let hops = match out.headers.typed::<MaxForwards>() {
        Some(Ok(MaxForwards(n))) => n.saturating_sub(1),
        _ => MAX_FORWARDS,
    };
    out.headers.set_typed(&MaxForwards(hops));
    for name in &CONSUMED {
        out.headers.remove(name);
    }
    if let Some(rr) = record_route {
        out.headers.push_front(HeaderName::RECORD_ROUTE, rr);
    }
    out.headers.push_front(HeaderName::VIA, via);
    out
}

/// The CANCEL for a forwarded INVITE (RFC 3261 §9.1): same Request-URI, Call-ID, To, From,
/// CSeq number and Route set, the one Via of the branch, method CANCEL. `reason` becomes a
/// `Reason` header (RFC 3326), e.g. `SIP;cause=200;text="Call completed elsewhere"`.
pub fn cancel_for(invite: &Request, reason: Option<&str>) -> Request {
    let mut out = Request::new(Method::CANCEL, invite.uri.clone());
    copy_first(&invite.headers, &mut out.headers, &HeaderName::VIA);
    copy_all(&invite.headers, &mut out.headers, &HeaderName::ROUTE);
    out.headers
        .push(HeaderName::MAX_FORWARDS, MAX_FORWARDS.to_string());
    for name in [HeaderName::FROM, HeaderName::TO, HeaderName::CALL_ID] {
        copy_all(&invite.headers, &mut out.headers, &name);
    }
    out.headers
        .push(HeaderName::CSEQ, format!("{} CANCEL", cseq_number(invite)));
    if let Some(reason) = reason {
        out.headers.push(HeaderName::REASON, reason);
    }
    out
}

/// The ACK the proxy's client transaction sends for a non-2xx final response of a forwarded
/// INVITE (RFC 3261 §17.1.1.3): Request-URI, Call-ID, From, Route and the top Via of the
/// INVITE, To of the response (with its tag), CSeq number of the INVITE with method ACK.
pub fn ack_for(invite: &Request, resp: &Response) -> Request {
    let mut out = Request::new(Method::ACK, invite.uri.clone());
    copy_first(&invite.headers, &mut out.headers, &HeaderName::VIA);
    copy_all(&invite.headers, &mut out.headers, &HeaderName::ROUTE);
    out.headers
        .push(HeaderName::MAX_FORWARDS, MAX_FORWARDS.to_string());
    copy_all(&invite.headers, &mut out.headers, &HeaderName::FROM);
    copy_all(&resp.headers, &mut out.headers, &HeaderName::TO);
    copy_all(&invite.headers, &mut out.headers, &HeaderName::CALL_ID);
    out.headers
        .push(HeaderName::CSEQ, format!("{} ACK", cseq_number(invite)));
    out
}

/// Removes the top Via value of a message (the proxy's own, RFC 3261 §16.7 step 3), keeping
/// the other values and lines as they were written.
pub fn strip_top_via(headers: &mut Headers) {
    strip_top_value(headers, &HeaderName::VIA);
}

/// Removes the top Route value (the proxy's own, RFC 3261 §16.4 loose routing), keeping the
/// rest as written.
pub fn strip_top_route(headers: &mut Headers) {
    strip_top_value(headers, &HeaderName::ROUTE);
}

/// Removes the first value of the first `name` line, keeping the other values and lines as
/// they were written (RFC 3261 §7.3.1: a line may carry several comma-separated values).
fn strip_top_value(headers: &mut Headers, name: &HeaderName) {
    let mut out = Headers::new();
    let mut done = false;
    for (line_name, value) in headers.iter() {
        if !done && line_name == name {
            done = true;
            let rest: Vec<&str> = split_list(value)
                .map(|items| items.into_iter().skip(1).collect())
                .unwrap_or_default();
            if !rest.is_empty() {
                out.push(line_name.clone(), rest.join(", "));
            }
            continue;
        }
        out.push(line_name.clone(), value);
    }
    *headers = out;
}

/// The top Via value of a message, parsed.
pub fn top_via(headers: &Headers) -> Option<Via> {
    headers.typed::<Via>()?.ok()
}

fn cseq_number(req: &Request) -> u32 {
    match req.headers.typed::<bwclient_sip::CSeq>() {
        Some(Ok(c)) => c.seq,
        _ => 0,
    }
}

fn copy_first(from: &Headers, to: &mut Headers, name: &HeaderName) {
    if let Some(v) = top_value(from, name) {
        to.push(name.clone(), v);
    }
}

fn copy_all(from: &Headers, to: &mut Headers, name: &HeaderName) {
    for v in from.get_all(name) {
        to.push(name.clone(), v);
    }
}

/// The first comma-separated value of the first line of `name`.
fn top_value(headers: &Headers, name: &HeaderName) -> Option<String> {
    let line = headers.get(name)?;
    split_list(line).ok()?.first().map(|s| (*s).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bwclient_sip::Message;

    const INVITE: &str = "INVITE sip:bob@example.test SIP/2.0\r\n\
        Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK776, SIP/2.0/WS x.invalid;branch=z9hG4bK1\r\n\
        Max-Forwards: 5\r\n\
        Route: <sip:p.invalid;lr;flow=x>, <sip:q.invalid;lr>\r\n\
        From: <sip:alice@example.test>;tag=1\r\n\
        To: <sip:bob@example.test>\r\n\
        Call-ID: c1\r\n\
        CSeq: 7 INVITE\r\n\
        X-Callsign-Token: secret\r\n\
        Proxy-Authorization: Bearer secret\r\n\
        Content-Length: 0\r\n\r\n";

    fn invite() -> Request {
        match Message::parse(INVITE.as_bytes()) {
            Ok(Message::Request(r)) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn forwarded_copy() {
        let target = Uri::parse("sip:xyz@abc.invalid;transport=ws").ok();
        let via = proxy_via("proxy.invalid", "z9hG4bKp1");
        let f = forward_copy(
            &invite(),
            target.as_ref(),
            &via,
            Some("<sip:proxy.invalid;lr>"),
        );
        assert_eq!(f.uri.to_string(), "sip:xyz@abc.invalid;transport=ws");
        assert_eq!(f.headers.get(&HeaderName::MAX_FORWARDS), Some("4"));
        assert_eq!(f.headers.get(&HeaderName::VIA), Some(via.as_str()));
        assert_eq!(f.headers.get_all(&HeaderName::VIA).count(), 2);
        assert!(f.headers.get(&HeaderName::X_CALLSIGN_TOKEN).is_none());
        assert!(f.headers.get(&HeaderName::PROXY_AUTHORIZATION).is_none());
        assert_eq!(
            f.headers.get(&HeaderName::RECORD_ROUTE),
            Some("<sip:proxy.invalid;lr>")
        );
    }

    #[test]
    fn cancel_and_ack() {
        let inv = invite();
        let c = cancel_for(
            &inv,
            Some("SIP;cause=200;text=\"Call completed elsewhere\""),
        );
        assert_eq!(c.method, Method::CANCEL);
        assert_eq!(
            c.headers.get(&HeaderName::VIA),
            Some("SIP/2.0/WSS abc.invalid;branch=z9hG4bK776")
        );
        assert_eq!(c.headers.get(&HeaderName::CSEQ), Some("7 CANCEL"));
        assert!(c.headers.get(&HeaderName::REASON).is_some());
        let mut resp = Response::new(487, "Request Terminated");
        resp.headers
            .push(HeaderName::TO, "<sip:bob@example.test>;tag=b1");
        let a = ack_for(&inv, &resp);
        assert_eq!(
            a.headers.get(&HeaderName::TO),
            Some("<sip:bob@example.test>;tag=b1")
        );
        assert_eq!(a.headers.get(&HeaderName::CSEQ), Some("7 ACK"));
        // Both print and re-parse as valid messages.
        for m in [c, a] {
            let bytes = Message::Request(m).to_bytes();
            assert!(
                Message::parse(&bytes).is_ok(),
                "{}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }

    #[test]
    fn strip_tops() {
        let mut h = invite().headers;
        strip_top_via(&mut h);
        assert_eq!(
            h.get(&HeaderName::VIA),
            Some("SIP/2.0/WS x.invalid;branch=z9hG4bK1")
        );
        strip_top_via(&mut h);
        assert!(h.get(&HeaderName::VIA).is_none());
        strip_top_route(&mut h);
        assert_eq!(h.get(&HeaderName::ROUTE), Some("<sip:q.invalid;lr>"));
        // Order of the other headers is kept.
        let names: Vec<&str> = h.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[0], "Max-Forwards");
    }
}
