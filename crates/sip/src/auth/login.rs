//! What the user agent authenticates with.

use crate::token::Token;

/// Credentials from the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Login {
    /// No credentials: a challenge is a failure.
    #[default]
    Anonymous,
    /// A SIP account's digest username and password.
    Password { username: String, password: String },
    /// A login token (see [`crate::token`]): digest with its `auth_ephemeral` username and
    /// password, plus the token itself in `X-Callsign-Token` on REGISTER (and optionally
    /// `Authorization: Bearer` on the first REGISTER, RFC 8898); see
    /// [`crate::ua::UaConfig::token_on_invite`] for the legacy INVITE.
    Token(Token),
}

impl Login {
    /// The digest username and password, if any.
    pub fn digest(&self) -> Option<(String, String)> {
        match self {
            Login::Anonymous => None,
            Login::Password { username, password } => Some((username.clone(), password.clone())),
            Login::Token(token) => Some((token.digest_username(), token.digest_password())),
        }
    }

    pub fn token(&self) -> Option<&Token> {
        match self {
            Login::Token(token) => Some(token),
            _ => None,
        }
    }
}
