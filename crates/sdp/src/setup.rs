//! `a=setup`: which side opens the DTLS connection (RFC 4145 §4, RFC 8842 §5).

use std::fmt;

use crate::error::{invalid, SdpError};

/// `a=setup:<role>` (RFC 4145 §4). Offers carry `actpass` (RFC 8842 §5.2); answers
/// `active` or `passive` (RFC 8842 §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setup {
    /// Opens the connection.
    Active,
    /// Accepts the connection.
    Passive,
    /// Either, the answerer chooses.
    ActPass,
    /// Holds the connection (RFC 4145 §4).
    HoldConn,
}

impl Setup {
    /// Parses an `a=setup` value (after `setup:`).
    pub fn parse(value: &str) -> Result<Setup, SdpError> {
        match value {
            "active" => Ok(Setup::Active),
            "passive" => Ok(Setup::Passive),
            "actpass" => Ok(Setup::ActPass),
            "holdconn" => Ok(Setup::HoldConn),
            _ => Err(invalid("a=setup", "unknown role")),
        }
    }

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Setup::Active => "active",
            Setup::Passive => "passive",
            Setup::ActPass => "actpass",
            Setup::HoldConn => "holdconn",
        }
    }
}

impl fmt::Display for Setup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for role in [
            Setup::Active,
            Setup::Passive,
            Setup::ActPass,
            Setup::HoldConn,
        ] {
            assert_eq!(Setup::parse(&role.to_string()), Ok(role));
        }
    }

    #[test]
    fn errors() {
        assert!(Setup::parse("").is_err());
        assert!(Setup::parse("Active").is_err());
        assert!(Setup::parse("actpass ").is_err());
    }
}
