//! The connection line `c=` (RFC 8866 §5.7).

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::grammar::{is_non_ws_string, is_token};

const WHAT: &str = "c= line";

/// `c=<nettype> <addrtype> <connection-address>` (RFC 8866 §5.7). The address keeps
/// any multicast `/ttl/count` suffix as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connection<'a> {
    /// Network type, normally `IN`.
    pub net_type: &'a str,
    /// Address type, `IP4` or `IP6`.
    pub addr_type: &'a str,
    /// The connection address.
    pub address: &'a str,
}

impl<'a> Connection<'a> {
    /// Parses the value of a `c=` line (without `c=`).
    pub fn parse(value: &'a str) -> Result<Connection<'a>, SdpError> {
        let mut fields = value.split(' ');
        let (Some(net_type), Some(addr_type), Some(address), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(invalid(WHAT, "expected three fields"));
        };
        if !is_token(net_type) || !is_token(addr_type) {
            return Err(invalid(WHAT, "bad network or address type"));
        }
        if !is_non_ws_string(address) {
            return Err(invalid(WHAT, "bad address"));
        }
        Ok(Connection {
            net_type,
            addr_type,
            address,
        })
    }

    /// Whether this is `IN IP4 0.0.0.0`, the RFC 2543 way to put a stream on hold
    /// (RFC 3264 §8.4) and, with ICE, the JSEP placeholder address (RFC 8829 §5.2.1).
    pub fn is_null_ipv4(&self) -> bool {
        self.net_type == "IN" && self.addr_type == "IP4" && self.address == "0.0.0.0"
    }
}

impl fmt::Display for Connection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.net_type)?;
        f.write_str(" ")?;
        f.write_str(self.addr_type)?;
        f.write_str(" ")?;
        f.write_str(self.address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for value in [
            "IN IP4 0.0.0.0",
            "IN IP4 192.0.2.10",
            "IN IP6 2001:db8::1",
            "IN IP4 224.2.36.42/127",
        ] {
            assert_eq!(Connection::parse(value).unwrap().to_string(), value);
        }
        let c = Connection::parse("IN IP4 203.0.113.5").unwrap();
        assert_eq!(
            (c.net_type, c.addr_type, c.address),
            ("IN", "IP4", "203.0.113.5")
        );
    }

    #[test]
    fn null_address() {
        assert!(Connection::parse("IN IP4 0.0.0.0").unwrap().is_null_ipv4());
        assert!(!Connection::parse("IN IP4 0.0.0.1").unwrap().is_null_ipv4());
        assert!(!Connection::parse("IN IP6 ::").unwrap().is_null_ipv4());
    }

    #[test]
    fn errors() {
        assert!(Connection::parse("IN IP4").is_err());
        assert!(Connection::parse("IN IP4 1.2.3.4 x").is_err());
        assert!(Connection::parse("IN  IP4 1.2.3.4").is_err());
        assert!(Connection::parse("").is_err());
        assert!(Connection::parse("I/N IP4 1.2.3.4").is_err());
    }
}
