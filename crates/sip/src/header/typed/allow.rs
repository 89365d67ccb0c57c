//! `Allow` (RFC 3261 §20.5): the methods a UA supports.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::header::split::split_list;
use crate::method::Method;

/// `Allow: INVITE, ACK, CANCEL, BYE` — one line's methods (an empty line allows none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow(pub Vec<Method>);

impl Allow {
    pub fn contains(&self, method: &Method) -> bool {
        self.0.contains(method)
    }
}

impl TypedHeader for Allow {
    const NAME: HeaderName = HeaderName::ALLOW;

    fn parse(value: &str) -> Result<Allow, ParseError> {
        split_list(value)?
            .into_iter()
            .map(|m| Method::from_token(m).ok_or(ParseError::Header("allow", "bad method")))
            .collect::<Result<_, _>>()
            .map(Allow)
    }

    fn print(&self, out: &mut String) {
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(m.as_str());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::{round_trip, TypedHeader};

    #[test]
    fn round_trips() {
        let a: Allow = round_trip("INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY");
        assert_eq!(a.0.len(), 10);
        assert!(a.contains(&Method::REFER));
        assert!(!a.contains(&Method::PRACK));
        assert_eq!(a.to_value().split(", ").count(), 10);
        assert_eq!(round_trip::<Allow>(""), Allow(Vec::new()));
        let a: Allow = round_trip(" INVITE ,  FOO-BAR");
        assert_eq!(a.0[1].as_str(), "FOO-BAR");
    }

    #[test]
    fn errors() {
        assert!(Allow::parse("INVITE,,BYE").is_err());
        assert!(Allow::parse("INVITE BYE").is_err());
    }
}
