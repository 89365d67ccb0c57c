//! `Expires` (RFC 3261 §20.19) and `Min-Expires` (§20.23): `delta-seconds`, 0 to 2^32-1.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::syntax::{parse_u32, push_u64, trim_lws};

/// `Expires: 3600`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expires(pub u32);

/// `Min-Expires: 60`, sent with 423 Interval Too Brief (RFC 3261 §10.3 step 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinExpires(pub u32);

impl TypedHeader for Expires {
    const NAME: HeaderName = HeaderName::EXPIRES;

    fn parse(value: &str) -> Result<Expires, ParseError> {
        parse_u32(trim_lws(value))
            .map(Expires)
            .ok_or(ParseError::Header("expires", "not delta-seconds"))
    }

    fn print(&self, out: &mut String) {
        push_u64(out, u64::from(self.0));
    }
}

impl TypedHeader for MinExpires {
    const NAME: HeaderName = HeaderName::MIN_EXPIRES;

    fn parse(value: &str) -> Result<MinExpires, ParseError> {
        parse_u32(trim_lws(value))
            .map(MinExpires)
            .ok_or(ParseError::Header("min-expires", "not delta-seconds"))
    }

    fn print(&self, out: &mut String) {
        push_u64(out, u64::from(self.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;

    #[test]
    fn round_trips() {
        assert_eq!(round_trip::<Expires>("3600"), Expires(3600));
        assert_eq!(round_trip::<Expires>("0"), Expires(0));
        assert_eq!(round_trip::<Expires>("4294967295"), Expires(u32::MAX));
        assert_eq!(round_trip::<MinExpires>(" 60 "), MinExpires(60));
    }

    #[test]
    fn errors() {
        // RFC 4475 §3.1.2.4 `scalarlg`.
        assert!(Expires::parse("10000000000000").is_err());
        assert!(Expires::parse("").is_err());
        assert!(Expires::parse("Thu, 01 Dec 1994 16:00:00 GMT").is_err());
        assert!(MinExpires::parse("-5").is_err());
    }
}
