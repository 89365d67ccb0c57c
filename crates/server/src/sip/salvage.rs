//! Answering a frame the parser refused. RFC 3261 §16.3 step 1 / §21.4.1: a request the server
//! cannot process gets `400`, but a response can only be built if the bytes still show the
//! headers a response copies (Via, From, To, Call-ID, CSeq, RFC 3261 §8.2.6.2). This reads
//! just those lines, leniently, from the raw text; anything less (random bytes, a response,
//! an ACK, which is never answered, RFC 3261 §17.2.1) is dropped.

use bwclient_sip::{HeaderName, Headers, Request, Response};

/// The header lines needed to answer, as found in a broken frame.
pub struct Salvaged {
    headers: Headers,
}

/// Finds what is needed to answer `bytes` (first `limit` bytes only); `None` if it is not an
/// answerable request.
pub fn salvage(bytes: &[u8], limit: usize) -> Option<Salvaged> {
    let bytes = &bytes[..bytes.len().min(limit)];
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let start = lines.find(|l| !l.is_empty())?;
    let mut parts = start.split(' ');
    let method = parts.next()?;
    let _uri = parts.next()?;
    let version = parts.next()?;
    if method.is_empty()
        || method == "ACK"
        || !method.bytes().all(bwclient_sip::syntax::is_token_byte)
        || !version.eq_ignore_ascii_case("SIP/2.0")
    {
        return None;
    }
    let mut headers = Headers::new();
    let wanted = [
        HeaderName::VIA,
        HeaderName::FROM,
        HeaderName::TO,
        HeaderName::CALL_ID,
        HeaderName::CSEQ,
    ];
    for line in lines {
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let Some(name) = HeaderName::parse(name.trim()) else {
            continue;
        };
        let value = value.trim();
        // From, To, Call-ID and CSeq are single (RFC 3261 §7.3.1): a request that repeats one
        // is answered with its first, so that the answer itself is well formed.
        let repeated = name != HeaderName::VIA && headers.contains(&name);
        if wanted.contains(&name)
            && !repeated
            && !value.is_empty()
            && value.chars().all(|c| !c.is_control())
        {
            headers.push(name, value);
        }
    }
    if wanted.iter().all(|n| headers.contains(n)) {
        Some(Salvaged { headers })
    } else {
        None
    }
}

impl Salvaged {
    /// The response (`400`, `513`, `503` …) to the broken request.
    pub fn answer(&self, code: u16, reason: &str) -> Response {
        let req = Request {
            method: bwclient_sip::Method::OPTIONS,
            uri: bwclient_sip::Uri::sip(None, "invalid"),
            headers: self.headers.clone(),
            body: Vec::new(),
        };
        super::reply::reply(&req, code, &sanitize(reason))
    }
}

/// A reason phrase is `*(reserved / unreserved / escaped / UTF8 / UTF8-CONT / SP / HTAB)`
/// (RFC 3261 §25.1): no control characters.
pub fn sanitize(reason: &str) -> String {
    reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(120)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROKEN: &str = "INVITE sip:bob@example.test SIP/2.0\r\n\
        Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK776\r\n\
        Max-Forwards: 70\r\n\
        f: <sip:alice@example.test>;tag=1\r\n\
        To: <sip:bob@example.test>\r\n\
        Call-ID: c1\r\n\
        CSeq: 1 INVITE\r\n\
        Content-Length: 999\r\n\r\nv=0\r\n";

    #[test]
    fn answers_a_request_with_its_headers() {
        let s = salvage(BROKEN.as_bytes(), 1 << 16).expect("answerable");
        let r = s.answer(400, "Bad Request: bad\r\ncontent-length");
        assert_eq!(r.code, 400);
        assert_eq!(r.reason, "Bad Request: bad  content-length");
        assert_eq!(r.headers.get(&HeaderName::CALL_ID), Some("c1"));
        assert!(r
            .headers
            .get(&HeaderName::TO)
            .is_some_and(|t| t.contains(";tag=")));
    }

    #[test]
    fn drops_what_cannot_be_answered() {
        assert!(salvage(b"\x00\xff\x13garbage", 1 << 16).is_none());
        assert!(salvage(b"SIP/2.0 200 OK\r\nVia: x\r\n\r\n", 1 << 16).is_none());
        let ack = BROKEN.replacen("INVITE sip", "ACK sip", 1);
        assert!(salvage(ack.as_bytes(), 1 << 16).is_none());
        let no_callid = BROKEN.replace("Call-ID: c1\r\n", "");
        assert!(salvage(no_callid.as_bytes(), 1 << 16).is_none());
        // The headers must be within the first `limit` bytes.
        assert!(salvage(BROKEN.as_bytes(), 40).is_none());
    }
}
