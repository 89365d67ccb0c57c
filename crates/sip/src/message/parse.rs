//! Framing and syntax: start line, header lines with folding, Content-Length (RFC 3261 §7,
//! §7.3.1, §7.5, §18.3).

use super::{Message, Request, Response};
use crate::error::ParseError;
use crate::header::map::Headers;
use crate::header::name::HeaderName;
use crate::header::typed::{ContentLength, TypedHeader};
use crate::method::Method;
use crate::syntax::trim_lws;
use crate::uri::Uri;

/// Larger inputs are refused before any work: no SIP message a browser client handles comes
/// near this, and it bounds the memory a peer can make us spend.
pub const MAX_MESSAGE_LEN: usize = 256 * 1024;

enum StartLine {
    Request(Method, Uri),
    Response(u16, String),
}

/// `SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT`; only 2.0 is understood (RFC 3261 §7.1, RFC
/// 4475 §3.1.2.15). The literal is case-insensitive like all ABNF strings.
fn check_version(v: &str) -> Result<(), ParseError> {
    if v.eq_ignore_ascii_case("SIP/2.0") {
        Ok(())
    } else if v.len() > 4 && v.is_char_boundary(4) && v[..4].eq_ignore_ascii_case("SIP/") {
        Err(ParseError::Version)
    } else {
        Err(ParseError::StartLine)
    }
}

/// `Request-Line = Method SP Request-URI SP SIP-Version` and `Status-Line = SIP-Version SP
/// Status-Code SP Reason-Phrase` (RFC 3261 §7.1, §7.2): exactly one SP between elements (RFC
/// 4475 §3.1.2.7–9).
fn parse_start_line(line: &str) -> Result<StartLine, ParseError> {
    let is_response =
        line.len() >= 4 && line.is_char_boundary(4) && line[..4].eq_ignore_ascii_case("SIP/");
    if is_response {
        let (version, rest) = line.split_once(' ').ok_or(ParseError::StartLine)?;
        check_version(version)?;
        let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
        let b = code.as_bytes();
        // Status-Code = 3DIGIT, classes 1xx–6xx (RFC 3261 §7.2; RFC 4475 §3.1.2.18).
        if b.len() != 3 || !b.iter().all(u8::is_ascii_digit) || !(b'1'..=b'6').contains(&b[0]) {
            return Err(ParseError::StatusCode);
        }
        let code = code.parse().map_err(|_| ParseError::StatusCode)?;
        // Reason-Phrase is text: no control characters but HTAB (RFC 3261 §25.1).
        if reason.chars().any(|c| c.is_control() && c != '\t') {
            return Err(ParseError::StartLine);
        }
        return Ok(StartLine::Response(code, reason.to_owned()));
    }
    let mut parts = line.split(' ');
    let (Some(method), Some(uri), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ParseError::StartLine);
    };
    let method = Method::from_token(method).ok_or(ParseError::Method)?;
    check_version(version)?;
    let uri = Uri::parse(uri)?;
    Ok(StartLine::Request(method, uri))
}

/// Splits the header section into header lines, unfolding continuation lines (RFC 3261
/// §7.3.1): a line starting with SP or HTAB continues the previous one.
fn parse_header_lines(lines: &[&str]) -> Result<Headers, ParseError> {
    let mut headers = Headers::new();
    let mut current: Option<(HeaderName, String)> = None;
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let (_, value) = current.as_mut().ok_or(ParseError::HeaderLine)?;
            // The CRLF goes, the white space stays: LWS stands for one SP (RFC 3261 §7.3.1).
            value.push_str(line);
            continue;
        }
        if let Some((name, value)) = current.take() {
            headers.push(name, trim_lws(&value));
        }
        let (name, value) = line.split_once(':').ok_or(ParseError::HeaderLine)?;
        // HCOLON = *( SP / HTAB ) ":" SWS
        let name = name.trim_end_matches([' ', '\t']);
        let name = HeaderName::parse(name).ok_or(ParseError::HeaderLine)?;
        current = Some((name, value.to_owned()));
    }
    if let Some((name, value)) = current {
        headers.push(name, trim_lws(&value));
    }
    Ok(headers)
}

/// The body length the headers announce, if any. Several Content-Length lines must agree:
/// otherwise the framing is ambiguous (RFC 4475 §3.3.9).
fn content_length(headers: &Headers) -> Result<Option<usize>, ParseError> {
    let mut found: Option<u32> = None;
    for v in headers.get_all(&HeaderName::CONTENT_LENGTH) {
        let ContentLength(n) = ContentLength::parse(v)?;
        if found.is_some_and(|f| f != n) {
            return Err(ParseError::ContentLength);
        }
        found = Some(n);
    }
    found
        .map(|n| usize::try_from(n).map_err(|_| ParseError::ContentLength))
        .transpose()
}

/// Parses one message without the semantic checks of [`Message::validate`].
pub(super) fn parse_syntax(input: &[u8]) -> Result<Message, ParseError> {
    if input.len() > MAX_MESSAGE_LEN {
        return Err(ParseError::TooLarge);
    }
    // CRLFs before the start line are ignored (RFC 3261 §7.5; also RFC 5626 keep-alives).
    let start = input
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .ok_or(ParseError::Empty)?;
    let mut pos = start;
    let mut lines: Vec<&str> = Vec::new();
    // Lines end in CRLF; a bare LF is tolerated. The header section ends at an empty line, or
    // at the end of the input when a message has neither body nor final empty line.
    let body_start = loop {
        let rest = input.get(pos..).unwrap_or_default();
        let (raw, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(nl) => (&rest[..nl], pos + nl + 1),
            None => (rest, input.len()),
        };
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.is_empty() {
            break next;
        }
        if raw.contains(&b'\r') {
            return Err(ParseError::HeaderLine);
        }
        lines.push(std::str::from_utf8(raw).map_err(|_| ParseError::Utf8)?);
        if next >= input.len() {
            break input.len();
        }
        pos = next;
    };
    let (first, header_lines) = lines.split_first().ok_or(ParseError::Empty)?;
    let start_line = parse_start_line(first)?;
    let headers = parse_header_lines(header_lines)?;
    let available = input.get(body_start..).unwrap_or_default();
    // Without Content-Length the body is the rest of the frame (RFC 3261 §18.3, datagram and
    // WebSocket framing); with it, extra octets are ignored (RFC 4475 §3.1.1.8) and missing
    // ones are an error (§3.1.2.2).
    let body = match content_length(&headers)? {
        None => available.to_vec(),
        Some(n) => available.get(..n).ok_or(ParseError::Truncated)?.to_vec(),
    };
    Ok(match start_line {
        StartLine::Request(method, uri) => Message::Request(Request {
            method,
            uri,
            headers,
            body,
        }),
        StartLine::Response(code, reason) => Message::Response(Response {
            code,
            reason,
            headers,
            body,
        }),
    })
}

impl Message {
    /// Parses one message and checks it with [`Message::validate`]. Never panics: every
    /// malformed input is a [`ParseError`].
    pub fn parse(input: &[u8]) -> Result<Message, ParseError> {
        let msg = parse_syntax(input)?;
        msg.validate()?;
        Ok(msg)
    }

    /// Parses framing and syntax only (start line, header lines, Content-Length), without
    /// checking the mandatory headers: for tools that want to look at broken messages.
    pub fn parse_lenient(input: &[u8]) -> Result<Message, ParseError> {
        parse_syntax(input)
    }
}

impl std::str::FromStr for Message {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Message, ParseError> {
        Message::parse(s.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_leading_crlf_and_tolerates_bare_lf() {
        let m = parse_syntax(b"\r\n\r\nOPTIONS sip:a@b SIP/2.0\nVia: x\n\nbody").unwrap();
        assert_eq!(m.body(), b"body");
        assert_eq!(m.headers().get(&HeaderName::VIA), Some("x"));
    }

    #[test]
    fn unfolds_continuation_lines() {
        let m =
            parse_syntax(b"OPTIONS sip:a@b SIP/2.0\r\nSubject: one\r\n  two\r\n\ttwo-b\r\n\r\n")
                .unwrap();
        assert_eq!(
            m.headers().get(&HeaderName::SUBJECT),
            Some("one  two\ttwo-b")
        );
    }

    #[test]
    fn content_length_frames_the_body() {
        let m = parse_syntax(b"OPTIONS sip:a@b SIP/2.0\r\nl: 3\r\n\r\nabcdef").unwrap();
        assert_eq!(m.body(), b"abc");
        assert_eq!(
            parse_syntax(b"OPTIONS sip:a@b SIP/2.0\r\nl: 9\r\n\r\nabc"),
            Err(ParseError::Truncated)
        );
        assert_eq!(
            parse_syntax(b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nabc"),
            Err(ParseError::ContentLength)
        );
        assert_eq!(
            parse_syntax(b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n"),
            Err(ParseError::ContentLength)
        );
    }

    #[test]
    fn start_line_errors() {
        let cases: [(&[u8], ParseError); 11] = [
            (b"", ParseError::Empty),
            (b"\r\n\r\n", ParseError::Empty),
            (b"INVITE  sip:a@b SIP/2.0\r\n\r\n", ParseError::StartLine),
            (b"INVITE sip:a@b SIP/2.0 \r\n\r\n", ParseError::StartLine),
            (b"INVITE sip:a@b SIP/7.0\r\n\r\n", ParseError::Version),
            (b"INVITE sip:a@b HTTP/1.1\r\n\r\n", ParseError::StartLine),
            (b"IN\"VITE sip:a@b SIP/2.0\r\n\r\n", ParseError::Method),
            (b"SIP/2.0 4294967301 Big\r\n\r\n", ParseError::StatusCode),
            (b"SIP/2.0 099 Low\r\n\r\n", ParseError::StatusCode),
            (b"SIP/2.0 700 High\r\n\r\n", ParseError::StatusCode),
            (b"SIP/3.0 200 OK\r\n\r\n", ParseError::Version),
        ];
        for (input, err) in cases {
            assert_eq!(
                parse_syntax(input).err(),
                Some(err),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn header_line_errors() {
        for input in [
            &b"OPTIONS sip:a@b SIP/2.0\r\n continuation first\r\n\r\n"[..],
            b"OPTIONS sip:a@b SIP/2.0\r\nNo colon here\r\n\r\n",
            b"OPTIONS sip:a@b SIP/2.0\r\nBad Name: x\r\n\r\n",
            b"OPTIONS sip:a@b SIP/2.0\r\n: x\r\n\r\n",
            b"OPTIONS sip:a@b SIP/2.0\r\nX: a\rb\r\n\r\n",
        ] {
            assert_eq!(parse_syntax(input).err(), Some(ParseError::HeaderLine));
        }
        assert_eq!(
            parse_syntax(b"OPTIONS sip:a@b SIP/2.0\r\nX: \xff\r\n\r\n").err(),
            Some(ParseError::Utf8)
        );
    }

    #[test]
    fn responses_with_odd_reasons() {
        let m = parse_syntax(b"SIP/2.0 100 \r\n\r\n").unwrap();
        assert_eq!(m.as_response().map(|r| r.reason.as_str()), Some(""));
        let m = parse_syntax(b"SIP/2.0 100\r\n\r\n").unwrap();
        assert_eq!(m.as_response().map(|r| r.code), Some(100));
        let m = parse_syntax("SIP/2.0 200 = 2**3 * 5**2 но сто\r\n\r\n".as_bytes()).unwrap();
        assert_eq!(
            m.as_response().map(|r| r.reason.as_str()),
            Some("= 2**3 * 5**2 но сто")
        );
    }

    #[test]
    fn too_large() {
        let big = vec![b'a'; MAX_MESSAGE_LEN + 1];
        assert_eq!(parse_syntax(&big).err(), Some(ParseError::TooLarge));
    }
}
