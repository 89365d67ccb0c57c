//! `a=candidate`: one ICE candidate (RFC 8839 §5.1).

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::grammar::{decimal, is_ice_string, is_non_ws_string, is_token};

const WHAT: &str = "a=candidate";

/// An ICE candidate (RFC 8839 §5.1):
///
/// ```text
/// candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP
///                       priority SP connection-address SP port SP "typ" SP cand-type
///                       [SP "raddr" SP connection-address] [SP "rport" SP port]
///                       *(SP extension-att-name SP extension-att-value)
/// ```
///
/// Chrome adds extensions such as `generation 0 network-id 1 network-cost 10`; they
/// are kept in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'a> {
    /// `1*32ice-char`.
    pub foundation: &'a str,
    /// Component id: 1 for RTP, 2 for RTCP.
    pub component: u16,
    /// Transport as written: `udp`, `UDP`, `tcp`, ...
    pub transport: &'a str,
    /// Priority (RFC 8445 §5.1.2), a 32-bit number.
    pub priority: u32,
    /// IP address or, for mDNS candidates, a `.local` host name.
    pub address: &'a str,
    /// Port.
    pub port: u16,
    /// Candidate type: `host`, `srflx`, `prflx`, `relay` or an extension token.
    pub kind: &'a str,
    /// `raddr`, the related address.
    pub related_address: Option<&'a str>,
    /// `rport`, the related port.
    pub related_port: Option<u16>,
    /// Extension name/value pairs, in order.
    pub extensions: Vec<(&'a str, &'a str)>,
}

impl<'a> Candidate<'a> {
    /// Parses a candidate: the `a=candidate` value, with or without the leading
    /// `candidate:` that `RTCIceCandidate.candidate` carries (a foundation cannot
    /// contain `:`, so the prefix is unambiguous).
    pub fn parse(value: &'a str) -> Result<Candidate<'a>, SdpError> {
        let value = value.strip_prefix("candidate:").unwrap_or(value);
        let mut fields = value.split(' ');
        let mut next = |reason| fields.next().ok_or(invalid(WHAT, reason));
        let foundation = next("missing foundation")?;
        let component = next("missing component")?;
        let transport = next("missing transport")?;
        let priority = next("missing priority")?;
        let address = next("missing address")?;
        let port = next("missing port")?;
        if next("missing typ")? != "typ" {
            return Err(invalid(WHAT, "expected `typ`"));
        }
        let kind = next("missing candidate type")?;

        if !is_ice_string(foundation) || foundation.len() > 32 {
            return Err(invalid(WHAT, "bad foundation"));
        }
        let component = Some(component)
            .filter(|c| c.len() <= 3)
            .and_then(decimal::<u16>)
            .ok_or(invalid(WHAT, "bad component id"))?;
        if !is_token(transport) {
            return Err(invalid(WHAT, "bad transport"));
        }
        let priority = Some(priority)
            .filter(|p| p.len() <= 10)
            .and_then(decimal::<u32>)
            .ok_or(invalid(WHAT, "bad priority"))?;
        if !is_non_ws_string(address) {
            return Err(invalid(WHAT, "bad address"));
        }
        let port = decimal::<u16>(port).ok_or(invalid(WHAT, "bad port"))?;
        if !is_token(kind) {
            return Err(invalid(WHAT, "bad candidate type"));
        }

        let rest: Vec<&str> = fields.collect();
        let mut rest = rest.as_slice();
        let mut related_address = None;
        let mut related_port = None;
        if let ["raddr", addr, tail @ ..] = rest {
            if !is_non_ws_string(addr) {
                return Err(invalid(WHAT, "bad raddr"));
            }
            related_address = Some(*addr);
            rest = tail;
        }
        if let ["rport", port, tail @ ..] = rest {
            related_port = Some(decimal::<u16>(port).ok_or(invalid(WHAT, "bad rport"))?);
            rest = tail;
        }
        let mut extensions = Vec::with_capacity(rest.len() / 2);
        let mut pairs = rest.chunks_exact(2);
        for pair in &mut pairs {
            if let [name, value] = pair {
                if !is_token(name) || !is_non_ws_string(value) {
                    return Err(invalid(WHAT, "bad extension"));
                }
                extensions.push((*name, *value));
            }
        }
        if !pairs.remainder().is_empty() {
            return Err(invalid(WHAT, "extension without value"));
        }
        Ok(Candidate {
            foundation,
            component,
            transport,
            priority,
            address,
            port,
            kind,
            related_address,
            related_port,
            extensions,
        })
    }

    /// The value of an extension, e.g. `ufrag`, `generation` or `tcptype`.
    pub fn extension(&self, name: &str) -> Option<&'a str> {
        self.extensions
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

impl fmt::Display for Candidate<'_> {
    /// The attribute value, without `candidate:`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} {} {} typ {}",
            self.foundation,
            self.component,
            self.transport,
            self.priority,
            self.address,
            self.port,
            self.kind
        )?;
        if let Some(addr) = self.related_address {
            f.write_str(" raddr ")?;
            f.write_str(addr)?;
        }
        if let Some(port) = self.related_port {
            write!(f, " rport {port}")?;
        }
        for (name, value) in &self.extensions {
            f.write_str(" ")?;
            f.write_str(name)?;
            f.write_str(" ")?;
            f.write_str(value)?;
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
            "3742922256 1 udp 2122260223 192.168.3.106 55175 typ host generation 0 network-id 1 network-cost 10",
            "565355140 1 tcp 1518280447 192.168.3.106 9 typ host tcptype active generation 0 network-id 1 network-cost 10",
            "842163049 1 udp 1677729535 203.0.113.7 60000 typ srflx raddr 0.0.0.0 rport 0 generation 0 network-cost 999",
            "0 1 UDP 2122252543 f2fe908b-a599-4c2b-8e5b-411fb045e57a.local 58949 typ host",
            "1 1 UDP 1686052863 198.51.100.9 51022 typ srflx raddr 10.0.0.5 rport 51022",
            "1 2 UDP 41885694 192.0.2.1 3478 typ relay raddr 198.51.100.9",
            "1 1 UDP 2130706431 2001:db8::1 5000 typ host",
        ] {
            assert_eq!(Candidate::parse(value).unwrap().to_string(), value);
        }
    }

    #[test]
    fn fields() {
        let c = Candidate::parse(
            "candidate:842163049 1 udp 1677729535 203.0.113.7 60000 typ srflx raddr 10.0.0.2 rport 5000 generation 0 ufrag Okae",
        )
        .unwrap();
        assert_eq!(c.foundation, "842163049");
        assert_eq!(c.component, 1);
        assert_eq!(c.transport, "udp");
        assert_eq!(c.priority, 1677729535);
        assert_eq!(c.address, "203.0.113.7");
        assert_eq!(c.port, 60000);
        assert_eq!(c.kind, "srflx");
        assert_eq!(c.related_address, Some("10.0.0.2"));
        assert_eq!(c.related_port, Some(5000));
        assert_eq!(c.extension("ufrag"), Some("Okae"));
        assert_eq!(c.extension("network-id"), None);
        // The browser prefix is accepted but not printed.
        assert!(!c.to_string().starts_with("candidate:"));
    }

    #[test]
    fn errors() {
        for value in [
            "",
            "1 1 udp 1 192.0.2.1 5000",
            "1 1 udp 1 192.0.2.1 5000 type host",
            "1 1 udp 1 192.0.2.1 5000 typ",
            "1 1 udp 1 192.0.2.1 70000 typ host",
            "1 1 udp 4294967296 192.0.2.1 5000 typ host",
            "1 1000 udp 1 192.0.2.1 5000 typ host",
            "f-o 1 udp 1 192.0.2.1 5000 typ host",
            "123456789012345678901234567890123 1 udp 1 192.0.2.1 5000 typ host",
            "1 1 udp 1 192.0.2.1 5000 typ host generation",
            "1 1 udp 1 192.0.2.1 5000 typ host raddr",
            "1 1 udp 1 192.0.2.1 5000 typ host rport x",
            "1 1 udp 1 192.0.2.1 5000 typ host  generation 0",
            "1 1 udp 1 192.0.2.1 5000 typ host generation 0 ",
            "candidate:candidate:1 1 udp 1 192.0.2.1 5000 typ host",
        ] {
            assert!(Candidate::parse(value).is_err(), "{value:?}");
        }
    }
}
