//! Why credentials were refused, as the reason phrase of the `403` (RFC 3261 §21.4.4: "the
//! reason phrase … could be used to explain"). Token checks themselves live in
//! [`crate::token_auth`], shared with the REST side.

use crate::token_auth::TokenCheckError;

/// A refused credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Malformed,
    BadSignature,
    Expired,
    Revoked,
    UnknownEndpoint,
    Disabled,
    /// A token not minted for this endpoint (an older endpoint of the same name).
    NotMinted,
    /// Valid, but for another identity than the one it is used for.
    WrongIdentity,
    /// Digest response does not match the password.
    BadPassword,
    /// Digest parameters the server did not offer, or incomplete ones.
    Unsupported,
}

impl Refusal {
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::Malformed => "Forbidden: malformed token",
            Refusal::BadSignature => "Forbidden: invalid token",
            Refusal::Expired => "Forbidden: token expired",
            Refusal::Revoked => "Forbidden: token revoked",
            Refusal::UnknownEndpoint => "Forbidden: unknown endpoint",
            Refusal::Disabled => "Forbidden: endpoint disabled",
            Refusal::NotMinted => "Forbidden: token not issued for this endpoint",
            Refusal::WrongIdentity => "Forbidden: credentials of another endpoint",
            Refusal::BadPassword => "Forbidden: wrong credentials",
            Refusal::Unsupported => "Forbidden: unsupported digest parameters",
        }
    }
}

impl From<TokenCheckError> for Refusal {
    fn from(e: TokenCheckError) -> Refusal {
        match e {
            TokenCheckError::Malformed(_) => Refusal::Malformed,
            TokenCheckError::BadSignature => Refusal::BadSignature,
            TokenCheckError::Expired => Refusal::Expired,
            TokenCheckError::Revoked => Refusal::Revoked,
            TokenCheckError::UnknownEndpoint => Refusal::UnknownEndpoint,
            TokenCheckError::Disabled => Refusal::Disabled,
            TokenCheckError::WrongEndpoint => Refusal::WrongIdentity,
            TokenCheckError::NotMinted => Refusal::NotMinted,
        }
    }
}

/// True for an `auth_ephemeral` digest username, `<expiry digits>:<user>@<host>`; anything else
/// is an endpoint's own username.
pub fn is_ephemeral_username(username: &str) -> bool {
    username.split_once(':').is_some_and(|(exp, rest)| {
        !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit()) && rest.contains('@')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ephemeral_usernames() {
        assert!(is_ephemeral_username("1795835000:alice@demo.example"));
        assert!(!is_ephemeral_username("alice"));
        assert!(!is_ephemeral_username("alice@demo.example"));
        assert!(!is_ephemeral_username("x1:alice@h"));
        assert!(!is_ephemeral_username(":alice@h"));
        assert!(!is_ephemeral_username("12:alice"));
    }
}
