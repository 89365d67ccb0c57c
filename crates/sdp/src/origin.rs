//! The origin line `o=` (RFC 8866 §5.2).

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::grammar::{is_non_ws_string, is_token};

const WHAT: &str = "o= line";

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`
/// (RFC 8866 §5.2). Fields are kept as written so the line prints back unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    username: String,
    session_id: String,
    session_version: String,
    net_type: String,
    addr_type: String,
    address: String,
}

impl Origin {
    /// Parses the value of an `o=` line (without `o=`).
    pub fn parse(value: &str) -> Result<Origin, SdpError> {
        let mut fields = value.split(' ');
        let mut next = |reason| fields.next().ok_or(invalid(WHAT, reason));
        let username = next("missing username")?;
        let session_id = next("missing session id")?;
        let session_version = next("missing session version")?;
        let net_type = next("missing network type")?;
        let addr_type = next("missing address type")?;
        let address = next("missing address")?;
        if fields.next().is_some() {
            return Err(invalid(WHAT, "more than six fields"));
        }
        if !is_non_ws_string(username) {
            return Err(invalid(WHAT, "bad username"));
        }
        if !is_digits(session_id) {
            return Err(invalid(WHAT, "session id is not a number"));
        }
        if !is_digits(session_version) {
            return Err(invalid(WHAT, "session version is not a number"));
        }
        if !is_token(net_type) || !is_token(addr_type) {
            return Err(invalid(WHAT, "bad network or address type"));
        }
        if !is_non_ws_string(address) {
            return Err(invalid(WHAT, "bad address"));
        }
        Ok(Origin {
            username: username.to_owned(),
            session_id: session_id.to_owned(),
            session_version: session_version.to_owned(),
            net_type: net_type.to_owned(),
            addr_type: addr_type.to_owned(),
            address: address.to_owned(),
        })
    }

    /// The username, `-` when the host has none.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The session id, as written (it may exceed 64 bits).
    pub fn session_id(&self) -> &str {
        &self.session_id
    }

    /// The session version, as written.
    pub fn session_version(&self) -> &str {
        &self.session_version
    }

    /// The network type, normally `IN`.
    pub fn net_type(&self) -> &str {
        &self.net_type
    }

    /// The address type, `IP4` or `IP6`.
    pub fn addr_type(&self) -> &str {
        &self.addr_type
    }

    /// The unicast address of the originating host.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Adds one to the session version, as every changed offer must
    /// (RFC 3264 §8: "the version number MUST be incremented"). The number is kept
    /// in decimal text, so it never overflows.
    pub fn bump_version(&mut self) {
        let mut digits = self.session_version.clone().into_bytes();
        let mut carry = true;
        for digit in digits.iter_mut().rev() {
            if !carry {
                break;
            }
            if *digit == b'9' {
                *digit = b'0';
            } else {
                *digit += 1;
                carry = false;
            }
        }
        let mut version = String::with_capacity(digits.len() + 1);
        if carry {
            version.push('1');
        }
        // Only ASCII digits were written above.
        version.extend(digits.into_iter().map(char::from));
        self.session_version = version;
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, field) in [
            &self.username,
            &self.session_id,
            &self.session_version,
            &self.net_type,
            &self.addr_type,
            &self.address,
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(field)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for value in [
            "- 8498233979625313580 2 IN IP4 127.0.0.1",
            "mozilla...THIS_IS_SDPARTA-99.0 8218895876101434947 0 IN IP4 0.0.0.0",
            "root 1837593513 1837593514 IN IP4 203.0.113.10",
        ] {
            let origin = Origin::parse(value).unwrap();
            assert_eq!(origin.to_string(), value);
        }
        let origin = Origin::parse("- 1 2 IN IP6 ::1").unwrap();
        assert_eq!(origin.username(), "-");
        assert_eq!(origin.session_id(), "1");
        assert_eq!(origin.session_version(), "2");
        assert_eq!(origin.net_type(), "IN");
        assert_eq!(origin.addr_type(), "IP6");
        assert_eq!(origin.address(), "::1");
    }

    #[test]
    fn errors() {
        assert!(Origin::parse("- 1 2 IN IP4").is_err());
        assert!(Origin::parse("- 1 2 IN IP4 1.2.3.4 extra").is_err());
        assert!(Origin::parse("- x 2 IN IP4 1.2.3.4").is_err());
        assert!(Origin::parse("- 1 -2 IN IP4 1.2.3.4").is_err());
        assert!(Origin::parse("-  1 2 IN IP4 1.2.3.4").is_err());
        assert!(Origin::parse("").is_err());
    }

    #[test]
    fn bump_version() {
        let mut origin = Origin::parse("- 1 2 IN IP4 127.0.0.1").unwrap();
        origin.bump_version();
        assert_eq!(origin.session_version(), "3");
        let mut origin = Origin::parse("- 1 199 IN IP4 127.0.0.1").unwrap();
        origin.bump_version();
        assert_eq!(origin.session_version(), "200");
        let mut origin = Origin::parse("- 1 99999999999999999999 IN IP4 127.0.0.1").unwrap();
        origin.bump_version();
        assert_eq!(origin.session_version(), "100000000000000000000");
        assert_eq!(
            origin.to_string(),
            "- 1 100000000000000000000 IN IP4 127.0.0.1"
        );
    }
}
