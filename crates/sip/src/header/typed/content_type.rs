//! `Content-Type` (RFC 3261 §20.15): `m-type SLASH m-subtype *( SEMI m-parameter )`.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::header::params;
use crate::syntax::{is_token_byte, trim_lws};
use crate::uri::Param;

/// `application/sdp`, `multipart/mixed;boundary=unique-boundary-1`. Parameter values keep
/// their quotes if quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType {
    pub mtype: String,
    pub subtype: String,
    pub params: Vec<Param>,
}

impl ContentType {
    pub fn new(mtype: &str, subtype: &str) -> ContentType {
        ContentType {
            mtype: mtype.to_owned(),
            subtype: subtype.to_owned(),
            params: Vec::new(),
        }
    }

    /// True if this is `mtype/subtype`, compared case-insensitively (RFC 3261 §7.3.1).
    pub fn is(&self, mtype: &str, subtype: &str) -> bool {
        self.mtype.eq_ignore_ascii_case(mtype) && self.subtype.eq_ignore_ascii_case(subtype)
    }

    pub fn param(&self, name: &str) -> Option<&Param> {
        params::find(&self.params, name)
    }
}

fn take_token(s: &str) -> (&str, &str) {
    let n = s.bytes().take_while(|&b| is_token_byte(b)).count();
    s.split_at(n)
}

impl TypedHeader for ContentType {
    const NAME: HeaderName = HeaderName::CONTENT_TYPE;

    fn parse(value: &str) -> Result<ContentType, ParseError> {
        const ERR: &str = "content-type";
        let (mtype, rest) = take_token(trim_lws(value));
        let rest = trim_lws(rest)
            .strip_prefix('/')
            .ok_or(ParseError::Header(ERR, "expected type/subtype"))?;
        let (subtype, rest) = take_token(rest.trim_start_matches([' ', '\t']));
        if mtype.is_empty() || subtype.is_empty() {
            return Err(ParseError::Header(ERR, "expected type/subtype"));
        }
        Ok(ContentType {
            mtype: mtype.to_owned(),
            subtype: subtype.to_owned(),
            params: params::parse_params(rest, ERR)?,
        })
    }

    fn print(&self, out: &mut String) {
        out.push_str(&self.mtype);
        out.push('/');
        out.push_str(&self.subtype);
        params::print_params(&self.params, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::{round_trip, TypedHeader};

    #[test]
    fn round_trips() {
        let c: ContentType = round_trip("application/sdp");
        assert!(c.is("APPLICATION", "SDP"));
        let c: ContentType = round_trip("multipart/mixed;boundary=\"unique-boundary-1\"");
        assert_eq!(
            c.param("boundary").unwrap().unquoted().as_deref(),
            Some("unique-boundary-1")
        );
        let c: ContentType = round_trip("text/plain ; charset = UTF-8");
        assert_eq!(c.to_value(), "text/plain;charset=UTF-8");
        let c: ContentType = round_trip("application / dtmf-relay");
        assert!(c.is("application", "dtmf-relay"));
    }

    #[test]
    fn errors() {
        for bad in [
            "",
            "application",
            "application/",
            "/sdp",
            "application/sdp;",
            "a/b c",
        ] {
            assert!(ContentType::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
