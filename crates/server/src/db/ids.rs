//! Resource ids in the original product's style: a type prefix and random characters.

use rand::distributions::Alphanumeric;
use rand::Rng;

/// A new id such as `a-3kq9…` (application), `rd-…` (domain), `re-…` (endpoint), `n-…` (number).
pub(crate) fn new_id(prefix: &str) -> String {
    let random: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(|b| char::from(b).to_ascii_lowercase())
        .collect();
    format!("{prefix}-{random}")
}

/// A random secret of `len` URL-safe characters (API secrets, generated token secrets).
pub(crate) fn new_secret(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_prefix_and_differ() {
        let a = new_id("re");
        let b = new_id("re");
        assert!(a.starts_with("re-") && a.len() == 23);
        assert_ne!(a, b);
        assert_eq!(new_secret(32).len(), 32);
    }
}
