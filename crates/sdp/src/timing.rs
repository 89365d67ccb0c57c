//! The timing line `t=` (RFC 8866 §5.9).

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::grammar::decimal;

const WHAT: &str = "t= line";

/// `t=<start-time> <stop-time>` in NTP seconds; `t=0 0` is an unbounded session,
/// which is what every SIP and WebRTC endpoint sends (RFC 8866 §5.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Start time, 0 for "now".
    pub start: u64,
    /// Stop time, 0 for "unbounded".
    pub stop: u64,
}

impl Timing {
    /// Parses the value of a `t=` line (without `t=`).
    pub fn parse(value: &str) -> Result<Timing, SdpError> {
        let (start, stop) = value
            .split_once(' ')
            .ok_or(invalid(WHAT, "expected two times"))?;
        let start = decimal(start).ok_or(invalid(WHAT, "start time is not a number"))?;
        let stop = decimal(stop).ok_or(invalid(WHAT, "stop time is not a number"))?;
        Ok(Timing { start, stop })
    }
}

impl fmt::Display for Timing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.start, self.stop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for value in ["0 0", "3034423619 3042462419"] {
            assert_eq!(Timing::parse(value).unwrap().to_string(), value);
        }
        assert_eq!(Timing::parse("0 0").unwrap(), Timing { start: 0, stop: 0 });
    }

    #[test]
    fn errors() {
        assert!(Timing::parse("0").is_err());
        assert!(Timing::parse("0 0 0").is_err());
        assert!(Timing::parse("a 0").is_err());
        assert!(Timing::parse("0  0").is_err());
        assert!(Timing::parse("").is_err());
    }
}
