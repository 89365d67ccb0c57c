//! Typed views of header values, parsed on demand from the raw map. Each type round-trips:
//! `parse(print(x)) == x`, tested in its own file.

use crate::error::ParseError;
use crate::header::name::HeaderName;

mod allow;
mod call_id;
mod challenge;
mod contact;
mod content_length;
mod content_type;
mod credentials;
mod cseq;
mod date;
mod event;
mod expires;
mod from;
mod max_forwards;
mod option_tags;
mod path;
mod reason;
mod record_route;
mod refer_to;
mod route;
mod subscription_state;
mod to;
mod via;

pub use allow::Allow;
pub use call_id::CallId;
pub use challenge::{Challenge, ProxyAuthenticate, WwwAuthenticate};
pub use contact::Contact;
pub use content_length::ContentLength;
pub use content_type::ContentType;
pub use credentials::{Authorization, Credentials, ProxyAuthorization};
pub use cseq::CSeq;
pub use date::Date;
pub use event::Event;
pub use expires::{Expires, MinExpires};
pub use from::FromHeader;
pub use max_forwards::MaxForwards;
pub use option_tags::{Require, Supported};
pub use path::Path;
pub use reason::Reason;
pub use record_route::RecordRoute;
pub use refer_to::ReferTo;
pub use route::Route;
pub use subscription_state::SubscriptionState;
pub use to::ToHeader;
pub use via::Via;

/// A header whose value has a typed form.
pub trait TypedHeader: Sized {
    /// The header this type reads and writes.
    const NAME: HeaderName;
    /// True for list headers whose lines may hold several comma-separated values, each parsed
    /// on its own (RFC 3261 §7.3.1): Via, Contact, Route, Record-Route, Path, Reason. False for
    /// single values and for headers whose value is itself a list type (Allow, Supported) or
    /// contains commas that do not separate values (WWW-Authenticate, Date).
    const LIST: bool = false;
    /// Parses one value (one list element for list headers such as Via or Contact).
    fn parse(value: &str) -> Result<Self, ParseError>;
    /// Appends the canonical printed value to `out`.
    fn print(&self, out: &mut String);

    /// The printed value as a new string.
    fn to_value(&self) -> String {
        let mut s = String::new();
        self.print(&mut s);
        s
    }
}

/// Defines a header whose value is one name-addr (From, To, Route, Record-Route, Path,
/// Refer-To): a newtype over [`crate::NameAddr`].
macro_rules! name_addr_header {
    ($(#[$doc:meta])* $ty:ident, $name:ident, $label:literal, list = $list:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $ty(pub crate::name_addr::NameAddr);

        impl crate::header::typed::TypedHeader for $ty {
            const NAME: crate::header::name::HeaderName = crate::header::name::HeaderName::$name;
            const LIST: bool = $list;

            fn parse(value: &str) -> Result<Self, crate::error::ParseError> {
                crate::name_addr::NameAddr::parse_in(value, $label).map($ty)
            }

            fn print(&self, out: &mut String) {
                self.0.print(out);
            }
        }
    };
}
pub(crate) use name_addr_header;

/// Test helper: parse, print, re-parse, and check the two parses agree.
#[cfg(test)]
pub(crate) fn round_trip<T: TypedHeader + PartialEq + std::fmt::Debug>(value: &str) -> T {
    let parsed = T::parse(value).unwrap_or_else(|e| panic!("{value:?}: {e}"));
    let printed = parsed.to_value();
    let again = T::parse(&printed).unwrap_or_else(|e| panic!("reprint {printed:?}: {e}"));
    assert_eq!(again, parsed, "{value:?} printed as {printed:?}");
    parsed
}
