//! Secrets at rest (issue 11, hole 8).
//!
//! - **API secrets** (the REST basic-auth password) are stored as argon2id hashes (RFC 9106;
//!   RustCrypto `argon2`, PHC string format) with the OWASP minimum parameters: 19 MiB, 2
//!   passes, 1 lane. Verified REST credentials are cached (see `crate::auth_basic`) so requests
//!   do not pay the hash each time.
//! - **Endpoint SIP passwords**: HTTP digest needs `HA1 = H(username ":" realm ":" password)`
//!   to check a response (RFC 7616 §3.4.2, RFC 3261 §22.4), so a one-way password hash cannot
//!   serve; the server stores the HA1 forms instead of the password, as Kamailio's `subscriber`
//!   table (`ha1`, `ha1b`) and Asterisk (`md5_cred`) do: MD5 and SHA-256, for the digest
//!   username `user` and `user@host`, with realm = the endpoint's host. An HA1 logs in only to
//!   that realm, and the password itself is never kept. Changing the server's SIP realm makes
//!   stored passwords unusable (the HA1s name the old realm).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use bwclient_sip::auth::digest::Algorithm as DigestAlgorithm;

/// Argon2id with 19 MiB, 2 iterations, 1 lane (RFC 9106 §4 / OWASP's minimum for argon2id).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`) of `secret`, random salt.
pub fn hash_api_secret(secret: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    match argon2().hash_password(secret.as_bytes(), &salt) {
        Ok(hash) => hash.to_string(),
        // Only on parameter errors, which fixed parameters rule out; never store the secret.
        Err(err) => panic!("argon2 hashing failed: {err}"),
    }
}

/// True if `secret` matches the stored PHC string `hash` (constant-time comparison inside).
pub fn verify_api_secret(secret: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    argon2().verify_password(secret.as_bytes(), &parsed).is_ok()
}

/// True if `stored` is already an argon2 PHC string (not a secret stored in clear).
pub fn is_hashed(stored: &str) -> bool {
    stored.starts_with("$argon2")
}

/// The digest HA1 forms of an endpoint password, lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestHa1 {
    /// `MD5(user ":" realm ":" password)`.
    pub md5: String,
    /// `MD5(user "@" host ":" realm ":" password)` (Kamailio `ha1b`).
    pub md5b: String,
    /// `SHA-256(user ":" realm ":" password)` (RFC 8760).
    pub sha256: String,
    /// `SHA-256(user "@" host ":" realm ":" password)`.
    pub sha256b: String,
}

impl DigestHa1 {
    /// The HA1s of `password` for endpoint `user@host`, realm = `host` (lowercase).
    pub fn from_password(user: &str, host: &str, password: &str) -> DigestHa1 {
        let realm = host.to_ascii_lowercase();
        let a1 = format!("{user}:{realm}:{password}");
        let a1b = format!("{user}@{realm}:{realm}:{password}");
        DigestHa1 {
            md5: DigestAlgorithm::Md5.hash_hex(a1.as_bytes()),
            md5b: DigestAlgorithm::Md5.hash_hex(a1b.as_bytes()),
            sha256: DigestAlgorithm::Sha256.hash_hex(a1.as_bytes()),
            sha256b: DigestAlgorithm::Sha256.hash_hex(a1b.as_bytes()),
        }
    }

    /// The HA1 for `algorithm` and a digest username with (`user@host`) or without the host.
    pub fn for_digest(&self, algorithm: DigestAlgorithm, with_host: bool) -> Option<&str> {
        match (algorithm, with_host) {
            (DigestAlgorithm::Md5, false) => Some(&self.md5),
            (DigestAlgorithm::Md5, true) => Some(&self.md5b),
            (DigestAlgorithm::Sha256, false) => Some(&self.sha256),
            (DigestAlgorithm::Sha256, true) => Some(&self.sha256b),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_secrets_hash_and_verify() {
        let hash = hash_api_secret("s3cret");
        assert!(is_hashed(&hash) && hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(!hash.contains("s3cret"));
        assert!(verify_api_secret("s3cret", &hash));
        assert!(!verify_api_secret("s3creT", &hash));
        assert!(
            !verify_api_secret("s3cret", "s3cret"),
            "a plaintext row never verifies"
        );
        assert_ne!(hash, hash_api_secret("s3cret"), "salted");
    }

    #[test]
    fn ha1_matches_rfc_2617_example_form() {
        // RFC 2617 §3.5: HA1 = MD5("Mufasa:testrealm@host.com:Circle Of Life").
        let ha1 = DigestHa1::from_password("Mufasa", "testrealm@host.com", "Circle Of Life");
        assert_eq!(ha1.md5, "939e7578ed9e3c518a452acee763bce9");
        assert_eq!(
            ha1.for_digest(DigestAlgorithm::Sha256, false),
            Some(ha1.sha256.as_str())
        );
        assert_eq!(ha1.for_digest(DigestAlgorithm::Md5Sess, false), None);
    }
}
