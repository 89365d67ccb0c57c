//! What RFC 3261 requires of a message beyond its syntax: the mandatory headers, each well
//! formed (§8.1.1, §20), and a CSeq method equal to the request method (§8.1.1.5).

use super::Message;
use crate::error::ParseError;
use crate::header::map::Headers;
use crate::header::name::HeaderName;
use crate::header::typed::{
    CSeq, CallId, Contact, ContentType, Date, FromHeader, MaxForwards, ToHeader, TypedHeader, Via,
};

/// Every value of `T` parses; at least one if `required`. (A second value of a single-valued
/// header is refused before, by [`super::single::check_single_values`].)
fn check<T: TypedHeader>(
    headers: &Headers,
    required: Option<&'static str>,
) -> Result<(), ParseError> {
    check_values(
        headers,
        &T::NAME,
        T::LIST,
        |v| T::parse(v).map(drop),
        required,
    )
}

// The loop is not generic: one copy serves every header (each copy costs download size).
fn check_values(
    headers: &Headers,
    name: &HeaderName,
    list: bool,
    parse: fn(&str) -> Result<(), ParseError>,
    required: Option<&'static str>,
) -> Result<(), ParseError> {
    let values = headers.values(name, list)?;
    for value in &values {
        parse(value)?;
    }
    match required {
        Some(name) if values.is_empty() => Err(ParseError::Missing(name)),
        _ => Ok(()),
    }
}

impl Message {
    /// Checks the mandatory headers (RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Via, and
    /// Max-Forwards in requests), that each of them and every Contact, Content-Type and Date
    /// value is well formed, that the CSeq method matches the request method, and that the
    /// Request-URI carries no headers (RFC 3261 §19.1.1 table 1; RFC 4475 §3.1.2.10). First of
    /// all, Call-ID, From, To, CSeq, Max-Forwards and Content-Length have one value each
    /// (RFC 3261 §7.3.1; [`ParseError::MultipleValues`] otherwise).
    pub fn validate(&self) -> Result<(), ParseError> {
        let h = self.headers();
        super::single::check_single_values(h)?;
        check::<Via>(h, Some("via"))?;
        check::<FromHeader>(h, Some("from"))?;
        check::<ToHeader>(h, Some("to"))?;
        check::<CallId>(h, Some("call-id"))?;
        check::<CSeq>(h, Some("cseq"))?;
        check::<Contact>(h, None)?;
        check::<ContentType>(h, None)?;
        check::<Date>(h, None)?;
        if let Message::Request(req) = self {
            check::<MaxForwards>(h, Some("max-forwards"))?;
            for value in h.values(&HeaderName::CSEQ, false)? {
                if CSeq::parse(value)?.method != req.method {
                    return Err(ParseError::CSeqMethod);
                }
            }
            if !req.uri.headers.is_empty() {
                return Err(ParseError::Uri("headers not allowed in request-uri"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x@y\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n";

    fn request(start: &str, headers: &str) -> Result<Message, ParseError> {
        Message::parse(format!("{start}\r\n{headers}\r\n").as_bytes())
    }

    #[test]
    fn minimal_request_and_response_pass() {
        assert!(request("OPTIONS sip:c@d SIP/2.0", BASE).is_ok());
        let resp = BASE.replace("Max-Forwards: 70\r\n", "");
        assert!(request("SIP/2.0 200 OK", &resp).is_ok());
    }

    #[test]
    fn each_mandatory_header_is_required() {
        for (line, name) in [
            ("Via", "via"),
            ("From", "from"),
            ("To", "to"),
            ("Call-ID", "call-id"),
            ("CSeq", "cseq"),
            ("Max-Forwards", "max-forwards"),
        ] {
            let headers: String = BASE
                .split_inclusive("\r\n")
                .filter(|l| !l.starts_with(&format!("{line}:")))
                .collect();
            assert_eq!(
                request("OPTIONS sip:c@d SIP/2.0", &headers).err(),
                Some(ParseError::Missing(name))
            );
        }
    }

    #[test]
    fn cseq_method_must_match() {
        assert_eq!(
            request("INVITE sip:c@d SIP/2.0", BASE).err(),
            Some(ParseError::CSeqMethod)
        );
    }

    #[test]
    fn request_uri_headers_are_rejected() {
        assert!(request("OPTIONS sip:c@d?Route=%3Csip:e%3E SIP/2.0", BASE).is_err());
    }

    #[test]
    fn optional_headers_must_be_well_formed_when_present() {
        for extra in [
            "Contact: sip:a@b?x=y\r\n",
            "Content-Type: nothing\r\n",
            "Date: Fri, 01 Jan 2010 16:00:00 EST\r\n",
            "Max-Forwards: 300\r\n",
        ] {
            let headers = format!("{BASE}{extra}");
            assert!(
                request("OPTIONS sip:c@d SIP/2.0", &headers).is_err(),
                "{extra}"
            );
        }
    }
}
