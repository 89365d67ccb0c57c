//! `Reason` (RFC 3326 §2): why a request (CANCEL, BYE) was sent.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::header::params;
use crate::syntax::{is_token_byte, push_quoted, push_u64, trim_lws};

/// `Reason: SIP ;cause=200 ;text="Call completed elsewhere"`. Other parameters are not kept
/// by this typed view (the raw header keeps them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// `SIP`, `Q.850` or another protocol token.
    pub protocol: String,
    pub cause: Option<u16>,
    pub text: Option<String>,
}

impl TypedHeader for Reason {
    const NAME: HeaderName = HeaderName::REASON;
    const LIST: bool = true;

    fn parse(value: &str) -> Result<Reason, ParseError> {
        const ERR: &str = "reason";
        let v = trim_lws(value);
        let n = v.bytes().take_while(|&b| is_token_byte(b)).count();
        let (protocol, rest) = v.split_at(n);
        if protocol.is_empty() {
            return Err(ParseError::Header(ERR, "missing protocol"));
        }
        let mut reason = Reason {
            protocol: protocol.to_owned(),
            cause: None,
            text: None,
        };
        for p in params::parse_params(rest, ERR)? {
            if p.name.eq_ignore_ascii_case("cause") {
                let c = p.value.as_deref().filter(|v| crate::syntax::is_digits(v));
                reason.cause = Some(
                    c.and_then(|c| c.parse().ok())
                        .ok_or(ParseError::Header(ERR, "bad cause"))?,
                );
            } else if p.name.eq_ignore_ascii_case("text") {
                reason.text = Some(p.unquoted().ok_or(ParseError::Header(ERR, "bad text"))?);
            }
        }
        Ok(reason)
    }

    fn print(&self, out: &mut String) {
        out.push_str(&self.protocol);
        if let Some(c) = self.cause {
            out.push_str(";cause=");
            push_u64(out, u64::from(c));
        }
        if let Some(t) = &self.text {
            out.push_str(";text=");
            push_quoted(out, t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;

    #[test]
    fn round_trips() {
        let r: Reason = round_trip("SIP ;cause=200 ;text=\"Call completed elsewhere\"");
        assert_eq!(r.protocol, "SIP");
        assert_eq!(r.cause, Some(200));
        assert_eq!(r.text.as_deref(), Some("Call completed elsewhere"));
        assert_eq!(
            r.to_value(),
            "SIP;cause=200;text=\"Call completed elsewhere\""
        );
        let r: Reason = round_trip("Q.850;cause=16");
        assert_eq!(r.text, None);
        let r: Reason = round_trip("SIP;text=token");
        assert_eq!(r.text.as_deref(), Some("token"));
    }

    #[test]
    fn errors() {
        for bad in [
            "",
            ";cause=1",
            "SIP;cause=abc",
            "SIP;cause=70000",
            "SIP;text=\"x",
        ] {
            assert!(Reason::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
