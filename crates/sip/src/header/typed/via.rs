//! `Via` (RFC 3261 §20.42, §18.2.1 `received`, RFC 3581 `rport`): one hop of a request's path.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::header::params;
use crate::syntax::{is_token_byte, trim_lws};
use crate::uri::Param;

/// One `via-parm`: `SIP/2.0/WSS host[:port];branch=z9hG4bK…`. Only SIP/2.0 is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    /// The transport as written (`UDP`, `TCP`, `WS`, `WSS`, …); compare case-insensitively.
    pub transport: String,
    pub host: String,
    pub port: Option<u16>,
    pub params: Vec<Param>,
}

const ERR: &str = "via";

fn skip_lws(s: &str) -> &str {
    s.trim_start_matches([' ', '\t'])
}

fn take_token(s: &str) -> (&str, &str) {
    let n = s.bytes().take_while(|&b| is_token_byte(b)).count();
    s.split_at(n)
}

/// `SLASH = SWS "/" SWS` (RFC 3261 §25.1), so `SIP / 2.0 / UDP` is valid (RFC 4475 §3.1.1.1).
fn slash(s: &str) -> Result<&str, ParseError> {
    skip_lws(s)
        .strip_prefix('/')
        .map(skip_lws)
        .ok_or(ParseError::Header(ERR, "bad sent-protocol"))
}

impl Via {
    /// A Via with only a branch parameter.
    pub fn new(transport: &str, host: &str, port: Option<u16>, branch: &str) -> Via {
        Via {
            transport: transport.to_owned(),
            host: host.to_owned(),
            port,
            params: vec![Param::new("branch", Some(branch))],
        }
    }

    pub fn param(&self, name: &str) -> Option<&Param> {
        params::find(&self.params, name)
    }

    /// The `branch` (RFC 3261 §8.1.1.7); RFC 3261 branches start with `z9hG4bK`.
    pub fn branch(&self) -> Option<&str> {
        self.param("branch").and_then(|p| p.value.as_deref())
    }

    /// The `received` address a server added (RFC 3261 §18.2.1).
    pub fn received(&self) -> Option<&str> {
        self.param("received").and_then(|p| p.value.as_deref())
    }

    /// `rport` (RFC 3581 §4): `None` if absent, `Some(None)` if present without a value (a
    /// request asking for it), `Some(Some(port))` once a server filled it in.
    pub fn rport(&self) -> Option<Option<u16>> {
        // parse() checked that a present value is a port number.
        self.param("rport")
            .map(|p| p.value.as_deref().and_then(|v| v.parse().ok()))
    }

    pub fn set_param(&mut self, name: &str, value: Option<&str>) {
        params::set(&mut self.params, name, value);
    }

    pub fn remove_param(&mut self, name: &str) -> bool {
        params::remove(&mut self.params, name)
    }
}

impl TypedHeader for Via {
    const NAME: HeaderName = HeaderName::VIA;
    const LIST: bool = true;

    fn parse(value: &str) -> Result<Via, ParseError> {
        let s = trim_lws(value);
        let (protocol, rest) = take_token(s);
        let (version, rest) = take_token(slash(rest)?);
        let (transport, rest) = take_token(slash(rest)?);
        if !protocol.eq_ignore_ascii_case("SIP") || version != "2.0" {
            return Err(ParseError::Header(ERR, "not SIP/2.0"));
        }
        if transport.is_empty() {
            return Err(ParseError::Header(ERR, "missing transport"));
        }
        let rest = rest
            .strip_prefix([' ', '\t'])
            .ok_or(ParseError::Header(ERR, "missing sent-by"))?;
        let rest = skip_lws(rest);
        // sent-by = host [ COLON port ], COLON = SWS ":" SWS.
        let host_len = if rest.starts_with('[') {
            rest.find(']').map(|i| i + 1).unwrap_or(0)
        } else {
            rest.bytes()
                .take_while(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
                .count()
        };
        let (host, mut rest) = rest.split_at(host_len);
        let mut port = None;
        if let Some(after) = skip_lws(rest).strip_prefix(':') {
            let after = skip_lws(after);
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            let (digits, after) = after.split_at(n);
            port = Some(
                digits
                    .parse::<u16>()
                    .map_err(|_| ParseError::Header(ERR, "bad port"))?,
            );
            rest = after;
        }
        // Reuse the URI host check so hosts are validated the same way everywhere.
        let (host, _) =
            crate::uri::parse_hostport(host).map_err(|_| ParseError::Header(ERR, "bad host"))?;
        let params = params::parse_params(rest, ERR)?;
        let via = Via {
            transport: transport.to_owned(),
            host,
            port,
            params,
        };
        if let Some(p) = via.param("rport") {
            if let Some(v) = &p.value {
                if !crate::syntax::is_digits(v) || v.parse::<u16>().is_err() {
                    return Err(ParseError::Header(ERR, "bad rport"));
                }
            }
        }
        Ok(via)
    }

    fn print(&self, out: &mut String) {
        out.push_str("SIP/2.0/");
        out.push_str(&self.transport);
        out.push(' ');
        out.push_str(&self.host);
        if let Some(port) = self.port {
            out.push(':');
            crate::syntax::push_u64(out, u64::from(port));
        }
        params::print_params(&self.params, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;
    use crate::Headers;

    #[test]
    fn round_trip_websocket_via() {
        let v: Via = round_trip("SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK4417512;rport");
        assert_eq!(v.transport, "WSS");
        assert_eq!(v.host, "df7jal23ls0d.invalid");
        assert_eq!(v.port, None);
        assert_eq!(v.branch(), Some("z9hG4bK4417512"));
        assert_eq!(v.rport(), Some(None));
        assert_eq!(
            v.to_value(),
            "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK4417512;rport"
        );
    }

    #[test]
    fn received_and_filled_rport() {
        let v: Via =
            round_trip("SIP/2.0/UDP 10.0.0.1:5060;rport=61000;received=192.0.2.7;branch=z9hG4bKx");
        assert_eq!(v.port, Some(5060));
        assert_eq!(v.rport(), Some(Some(61000)));
        assert_eq!(v.received(), Some("192.0.2.7"));
        let v: Via = round_trip("SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKy");
        assert_eq!(v.host, "[2001:db8::1]");
        assert_eq!(v.rport(), None);
    }

    #[test]
    fn tortuous_whitespace() {
        // RFC 4475 §3.1.1.1, after unfolding.
        let v: Via = round_trip("SIP  /   2.0  /UDP    192.0.2.2;branch=390skdjuw");
        assert_eq!(v.transport, "UDP");
        assert_eq!(v.host, "192.0.2.2");
        let mut h = Headers::new();
        h.push(
            crate::HeaderName::VIA,
            "SIP  / 2.0  / TCP     spindle.example.com   ;  branch  =   z9hG4bK9ikj8  ,  SIP  /    2.0   / UDP  192.168.255.111   ; branch= z9hG4bK30239",
        );
        let all = h.typed_all::<Via>().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].branch(), Some("z9hG4bK9ikj8"));
        assert_eq!(all[1].host, "192.168.255.111");
        assert_eq!(all[1].branch(), Some("z9hG4bK30239"));
    }

    #[test]
    fn unusual_branch_characters() {
        let v: Via = round_trip("SIP/2.0/UDP host1.example.com;rport;branch=z9hG4bK-.!%66*_+`'~");
        assert_eq!(v.branch(), Some("z9hG4bK-.!%66*_+`'~"));
    }

    #[test]
    fn set_param_and_new() {
        let mut v = Via::new("WSS", "abc.invalid", None, "z9hG4bK1");
        v.set_param("rport", None);
        v.set_param("received", Some("192.0.2.1"));
        v.set_param("rport", Some("5555"));
        assert_eq!(v.rport(), Some(Some(5555)));
        assert_eq!(
            v.to_value(),
            "SIP/2.0/WSS abc.invalid;branch=z9hG4bK1;rport=5555;received=192.0.2.1"
        );
    }

    #[test]
    fn errors() {
        for bad in [
            "SIP/2.0/UDP 192.0.2.15;;",
            "SIP/2.0/UDP",
            "SIP/2.0/UDP ",
            "SIP/3.0/UDP host",
            "HTTP/2.0/UDP host",
            "SIP/2.0 host",
            "SIP/2.0/UDP host:99999",
            "SIP/2.0/UDP host:",
            "SIP/2.0/UDP host;rport=abc",
            "SIP/2.0/UDP ho st",
            "SIP/2.0/UDP [::1",
        ] {
            assert!(Via::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
