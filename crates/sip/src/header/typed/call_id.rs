//! `Call-ID` (RFC 3261 §20.8): `word [ "@" word ]`.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::syntax::{is_token_byte, trim_lws};

/// The dialog's Call-ID, compared byte for byte (RFC 3261 §20.8: case-sensitive).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallId(pub String);

/// `word` characters: token characters plus `( ) < > : \ " / [ ] ? { }` (RFC 3261 §25.1).
fn is_word(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| {
            is_token_byte(b)
                || matches!(
                    b,
                    b'(' | b')'
                        | b'<'
                        | b'>'
                        | b':'
                        | b'\\'
                        | b'"'
                        | b'/'
                        | b'['
                        | b']'
                        | b'?'
                        | b'{'
                        | b'}'
                )
        })
}

impl TypedHeader for CallId {
    const NAME: HeaderName = HeaderName::CALL_ID;

    fn parse(value: &str) -> Result<CallId, ParseError> {
        let v = trim_lws(value);
        let ok = match v.split_once('@') {
            Some((a, b)) => is_word(a) && is_word(b),
            None => is_word(v),
        };
        if !ok {
            return Err(ParseError::Header("call-id", "not word[@word]"));
        }
        Ok(CallId(v.to_owned()))
    }

    fn print(&self, out: &mut String) {
        out.push_str(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;

    #[test]
    fn round_trips() {
        let c: CallId = round_trip("a84b4c76e66710@pc33.atlanta.example.com");
        assert_eq!(c.0, "a84b4c76e66710@pc33.atlanta.example.com");
        // RFC 4475 §3.1.1.2: every `word` character.
        let c: CallId = round_trip("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
        assert!(c.0.ends_with("}{"));
        round_trip::<CallId>("3848276298220188511");
    }

    #[test]
    fn errors() {
        for bad in ["", "a b", "a@b@c", "@b", "a@", "ä@b", "a,b"] {
            assert!(CallId::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
