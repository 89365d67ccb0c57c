//! `CSeq` (RFC 3261 §20.16): sequence number and method of a request.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::method::Method;
use crate::syntax::{parse_u32, push_u64, trim_lws};

/// `CSeq: 4711 INVITE`. The number must fit 32 bits (RFC 3261 §8.1.1.5; RFC 4475 §3.1.2.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    pub seq: u32,
    pub method: Method,
}

impl TypedHeader for CSeq {
    const NAME: HeaderName = HeaderName::CSEQ;

    fn parse(value: &str) -> Result<CSeq, ParseError> {
        let v = trim_lws(value);
        let (seq, method) = v
            .split_once([' ', '\t'])
            .ok_or(ParseError::Header("cseq", "expected number and method"))?;
        let seq = parse_u32(seq).ok_or(ParseError::Header("cseq", "bad sequence number"))?;
        let method =
            Method::from_token(trim_lws(method)).ok_or(ParseError::Header("cseq", "bad method"))?;
        Ok(CSeq { seq, method })
    }

    fn print(&self, out: &mut String) {
        push_u64(out, u64::from(self.seq));
        out.push(' ');
        out.push_str(self.method.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;

    #[test]
    fn round_trips() {
        let c: CSeq = round_trip("314159 INVITE");
        assert_eq!(c.seq, 314159);
        assert_eq!(c.method, Method::INVITE);
        // RFC 4475 §3.1.1.1: leading zeros and folded white space.
        let c: CSeq = round_trip("0009   INVITE");
        assert_eq!(c.seq, 9);
        assert_eq!(c.to_value(), "9 INVITE");
        let c: CSeq = round_trip("4294967295 NEWMETHOD");
        assert_eq!(c.method.as_str(), "NEWMETHOD");
    }

    #[test]
    fn errors() {
        for bad in [
            "",
            "INVITE",
            "1",
            "36893488147419103232 REGISTER",
            "-1 INVITE",
            "1 INV ITE",
            "1 INV/ITE",
            "x INVITE",
        ] {
            assert!(CSeq::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
