//! HTTP digest authentication for SIP (RFC 3261 §22, RFC 7616, RFC 8760), and the login
//! credentials it uses.
//!
//! [`digest::compute`] is the pure response function (shared with the server, which verifies
//! with it); [`challenge::DigestChallenge`] reads a challenge and builds the credentials;
//! [`attempts`] holds the one-retry rule and the nonce counts.

pub mod attempts;
pub mod challenge;
pub mod digest;
pub mod login;

pub use challenge::DigestChallenge;
pub use login::Login;
