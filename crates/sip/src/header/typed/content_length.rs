//! `Content-Length` (RFC 3261 §20.14): body size in octets. Printing a message always writes
//! the real body length, so this type is for reading.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::syntax::{parse_u32, push_u64, trim_lws};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentLength(pub u32);

impl TypedHeader for ContentLength {
    const NAME: HeaderName = HeaderName::CONTENT_LENGTH;

    fn parse(value: &str) -> Result<ContentLength, ParseError> {
        parse_u32(trim_lws(value))
            .map(ContentLength)
            .ok_or(ParseError::ContentLength)
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
        assert_eq!(round_trip::<ContentLength>("150"), ContentLength(150));
        assert_eq!(round_trip::<ContentLength>("0"), ContentLength(0));
    }

    #[test]
    fn errors() {
        // RFC 4475 §3.1.2.3 `scalar02` and §3.1.2.4 `scalarlg`.
        for bad in ["-999", "", "18446744073709551616", "1 2", "0x10"] {
            assert_eq!(
                ContentLength::parse(bad),
                Err(ParseError::ContentLength),
                "{bad:?}"
            );
        }
    }
}
