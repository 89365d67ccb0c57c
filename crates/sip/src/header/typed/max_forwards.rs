//! `Max-Forwards` (RFC 3261 §20.22): hops left, an integer in 0–255.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::syntax::{parse_u32, push_u64, trim_lws};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxForwards(pub u32);

impl TypedHeader for MaxForwards {
    const NAME: HeaderName = HeaderName::MAX_FORWARDS;

    fn parse(value: &str) -> Result<MaxForwards, ParseError> {
        match parse_u32(trim_lws(value)) {
            // RFC 3261 §20.22: "an integer in the range 0-255" (RFC 4475 §3.1.2.4).
            Some(n) if n <= 255 => Ok(MaxForwards(n)),
            _ => Err(ParseError::Header("max-forwards", "not 0-255")),
        }
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
        assert_eq!(round_trip::<MaxForwards>("70"), MaxForwards(70));
        assert_eq!(round_trip::<MaxForwards>("0068"), MaxForwards(68));
        assert_eq!(round_trip::<MaxForwards>("0"), MaxForwards(0));
        assert_eq!(round_trip::<MaxForwards>("255"), MaxForwards(255));
    }

    #[test]
    fn errors() {
        for bad in ["", "256", "300", "-1", "7 0", "seventy"] {
            assert!(MaxForwards::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
