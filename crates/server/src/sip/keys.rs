//! The proxy's signing keys, derived from the server's token secret so that they are the same
//! after a restart: flow tokens in the Record-Route of calls set up before it still verify
//! (RFC 5626 §5.2: the token must be protected against tampering, not tied to one process),
//! and nonces the previous process issued are still recognised as ours.
//!
//! Each key is `HMAC-SHA256(secret, label)` with a label of its own (the PRF use of HMAC,
//! RFC 2104; HKDF-Expand of RFC 5869 §2.3 with one block is the same construction), so a key
//! reveals neither the secret nor the other keys, and the token secret itself (shared with
//! Kamailio's `auth_ephemeral`) never signs a flow token or a nonce.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Label of the flow-token key.
pub const FLOW_LABEL: &str = "bwclient-server flow token key v1";
/// Label of the digest-nonce key.
pub const NONCE_LABEL: &str = "bwclient-server digest nonce key v1";

/// The 32-byte key for `label` under `secret`.
pub fn derive(secret: &[u8], label: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    // HMAC accepts keys of any length: this cannot fail, but no unwrap on principle.
    if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) {
        mac.update(label.as_bytes());
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_per_secret_and_distinct_per_label() {
        let secret = b"test-only secret, at least thirty-two bytes";
        assert_eq!(derive(secret, FLOW_LABEL), derive(secret, FLOW_LABEL));
        assert_ne!(derive(secret, FLOW_LABEL), derive(secret, NONCE_LABEL));
        assert_ne!(
            derive(secret, FLOW_LABEL),
            derive(b"another test-only secret of 32+ bytes", FLOW_LABEL)
        );
    }
}
