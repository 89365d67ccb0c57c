//! `Subscription-State` (RFC 6665 §8.2.3): the state a NOTIFY reports.

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::header::params;
use crate::syntax::{is_token, parse_u32, trim_lws};
use crate::uri::Param;

/// `Subscription-State: active;expires=60` or `terminated;reason=noresource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionState {
    /// `active`, `pending`, `terminated` or an extension token.
    pub state: String,
    pub params: Vec<Param>,
}

impl SubscriptionState {
    pub fn new(state: &str) -> SubscriptionState {
        SubscriptionState {
            state: state.to_owned(),
            params: Vec::new(),
        }
    }

    pub fn is_terminated(&self) -> bool {
        self.state.eq_ignore_ascii_case("terminated")
    }

    pub fn expires(&self) -> Option<u32> {
        parse_u32(params::find(&self.params, "expires")?.value.as_deref()?)
    }

    pub fn reason(&self) -> Option<&str> {
        params::find(&self.params, "reason")?.value.as_deref()
    }

    pub fn retry_after(&self) -> Option<u32> {
        parse_u32(
            params::find(&self.params, "retry-after")?
                .value
                .as_deref()?,
        )
    }
}

impl TypedHeader for SubscriptionState {
    const NAME: HeaderName = HeaderName::SUBSCRIPTION_STATE;

    fn parse(value: &str) -> Result<SubscriptionState, ParseError> {
        let v = trim_lws(value);
        let end = v.find([';', ' ', '\t']).unwrap_or(v.len());
        let (state, rest) = v.split_at(end);
        if !is_token(state) {
            return Err(ParseError::Header("subscription-state", "bad state"));
        }
        Ok(SubscriptionState {
            state: state.to_owned(),
            params: params::parse_params(rest, "subscription-state")?,
        })
    }

    fn print(&self, out: &mut String) {
        out.push_str(&self.state);
        params::print_params(&self.params, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;

    #[test]
    fn round_trips() {
        let s: SubscriptionState = round_trip("active;expires=60");
        assert_eq!(s.state, "active");
        assert_eq!(s.expires(), Some(60));
        assert!(!s.is_terminated());
        let s: SubscriptionState = round_trip("terminated ; reason=noresource;retry-after=30");
        assert!(s.is_terminated());
        assert_eq!(s.reason(), Some("noresource"));
        assert_eq!(s.retry_after(), Some(30));
        assert_eq!(SubscriptionState::new("pending"), round_trip("pending"));
    }

    #[test]
    fn errors() {
        for bad in ["", ";expires=1", "active;", "act/ive"] {
            assert!(SubscriptionState::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
