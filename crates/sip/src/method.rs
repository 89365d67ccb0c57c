//! SIP methods as an open newtype (RFC 3261 §7.1, §25.1 `Method`).

use std::borrow::Cow;

/// A request method. Known methods are associated constants; any other token is kept verbatim
/// (methods are case-sensitive, RFC 3261 §7.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Method(Cow<'static, str>);

impl Method {
    pub const INVITE: Method = Method(Cow::Borrowed("INVITE"));
    pub const ACK: Method = Method(Cow::Borrowed("ACK"));
    pub const BYE: Method = Method(Cow::Borrowed("BYE"));
    pub const CANCEL: Method = Method(Cow::Borrowed("CANCEL"));
    pub const REGISTER: Method = Method(Cow::Borrowed("REGISTER"));
    pub const OPTIONS: Method = Method(Cow::Borrowed("OPTIONS"));
    pub const INFO: Method = Method(Cow::Borrowed("INFO"));
    pub const REFER: Method = Method(Cow::Borrowed("REFER"));
    pub const NOTIFY: Method = Method(Cow::Borrowed("NOTIFY"));
    pub const SUBSCRIBE: Method = Method(Cow::Borrowed("SUBSCRIBE"));
    pub const MESSAGE: Method = Method(Cow::Borrowed("MESSAGE"));
    pub const UPDATE: Method = Method(Cow::Borrowed("UPDATE"));
    pub const PRACK: Method = Method(Cow::Borrowed("PRACK"));

    /// Builds a method from a token (RFC 3261 §25.1 `token`); `None` if it is not one.
    pub fn from_token(token: &str) -> Option<Method> {
        todo_method_from_token(token)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn todo_method_from_token(token: &str) -> Option<Method> {
    if token.is_empty() || !token.bytes().all(crate::syntax::is_token_byte) {
        return None;
    }
    for known in [
        Method::INVITE,
        Method::ACK,
        Method::BYE,
        Method::CANCEL,
        Method::REGISTER,
        Method::OPTIONS,
        Method::INFO,
        Method::REFER,
        Method::NOTIFY,
        Method::SUBSCRIBE,
        Method::MESSAGE,
        Method::UPDATE,
        Method::PRACK,
    ] {
        if known.as_str() == token {
            return Some(known);
        }
    }
    Some(Method(Cow::Owned(token.to_owned())))
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
