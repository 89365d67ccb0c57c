//! `Event` (RFC 6665 §8.2.1, compact `o`): the event package of a SUBSCRIBE/NOTIFY.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::header::params;
use crate::syntax::{is_token_byte, trim_lws};
use crate::uri::Param;

/// `Event: refer;id=93809824` — the package (with any template suffix, `presence.winfo`)
/// and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub package: String,
    pub params: Vec<Param>,
}

impl Event {
    pub fn new(package: &str) -> Event {
        Event {
            package: package.to_owned(),
            params: Vec::new(),
        }
    }

    /// The `id` parameter that tells subscriptions of one dialog apart (RFC 6665 §8.2.1).
    pub fn id(&self) -> Option<&str> {
        params::find(&self.params, "id").and_then(|p| p.value.as_deref())
    }

    pub fn param(&self, name: &str) -> Option<&Param> {
        params::find(&self.params, name)
    }
}

impl TypedHeader for Event {
    const NAME: HeaderName = HeaderName::EVENT;

    fn parse(value: &str) -> Result<Event, ParseError> {
        let v = trim_lws(value);
        let n = v.bytes().take_while(|&b| is_token_byte(b)).count();
        let (package, rest) = v.split_at(n);
        if package.is_empty() || package.starts_with('.') || package.ends_with('.') {
            return Err(ParseError::Header("event", "bad event type"));
        }
        Ok(Event {
            package: package.to_owned(),
            params: params::parse_params(rest, "event")?,
        })
    }

    fn print(&self, out: &mut String) {
        out.push_str(&self.package);
        params::print_params(&self.params, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;

    #[test]
    fn round_trips() {
        let e: Event = round_trip("refer;id=93809824");
        assert_eq!(e.package, "refer");
        assert_eq!(e.id(), Some("93809824"));
        let e: Event = round_trip("presence.winfo");
        assert_eq!(e.id(), None);
        assert_eq!(Event::new("dialog"), round_trip::<Event>("dialog"));
    }

    #[test]
    fn errors() {
        for bad in ["", ";id=1", "refer id", ".x", "refer;"] {
            assert!(Event::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
