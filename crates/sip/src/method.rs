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
    /// Known methods come back as the borrowed constants, so comparing is cheap.
    pub fn from_token(token: &str) -> Option<Method> {
        if !crate::syntax::is_token(token) {
            return None;
        }
        Some(Self::known(token).unwrap_or_else(|| Method(Cow::Owned(token.to_owned()))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn known(token: &str) -> Option<Method> {
        [
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
        ]
        .into_iter()
        .find(|m| m.as_str() == token)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_unknown_and_invalid() {
        assert_eq!(Method::from_token("INVITE"), Some(Method::INVITE));
        // Methods are case-sensitive (RFC 3261 §7.1): `invite` is an unknown method.
        let lower = Method::from_token("invite").unwrap();
        assert_ne!(lower, Method::INVITE);
        assert_eq!(lower.as_str(), "invite");
        // `%` is a token character, not an escape (RFC 4475 §3.1.1.5).
        assert_eq!(
            Method::from_token("RE%47IST%45R").unwrap().to_string(),
            "RE%47IST%45R"
        );
        for bad in ["", "IN VITE", "INVITE\r", "<INVITE>", "MÉTHODE"] {
            assert_eq!(Method::from_token(bad), None, "{bad:?}");
        }
    }
}
