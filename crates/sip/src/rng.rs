//! The seeded random source behind every tag, branch, Call-ID, cnonce and back-off.
//!
//! The seed comes from the configuration (the browser takes it from `crypto.getRandomValues`,
//! tests fix it), so a fixed seed gives byte-identical runs. The generator is wyrand
//! (`fastrand`): a few hundred bytes of wasm where ChaCha8 cost about 6 KB. Tags, branches and
//! Call-IDs only need to be unique, not secret (RFC 3261 §8.1.1.4, §19.3); a cnonce only has to
//! vary (RFC 7616 §3.4), and the 64-bit seed from `crypto.getRandomValues` keeps the sequence
//! unguessable from outside the page.

/// Characters of generated tokens: lowercase letters and digits (valid in tags, branches,
/// Call-IDs, URI users and host labels alike).
const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// RFC 3261 §8.1.1.7: every branch starts with this magic cookie.
pub const BRANCH_COOKIE: &str = "z9hG4bK";

/// A deterministic random source.
#[derive(Debug, Clone)]
pub struct Rng {
    inner: fastrand::Rng,
}

impl Rng {
    pub fn from_seed(seed: u64) -> Rng {
        Rng {
            inner: fastrand::Rng::with_seed(seed),
        }
    }

    pub fn next_u32(&mut self) -> u32 {
        self.inner.u32(..)
    }

    /// A uniform value in `low..=high` (a modulo bias of at most 2^-32 is harmless here).
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        if high <= low {
            return low;
        }
        let span = high - low + 1;
        low + self.inner.u64(..) % span
    }

    /// `len` characters of `[a-z0-9]`.
    pub fn token(&mut self, len: usize) -> String {
        let mut out = String::with_capacity(len);
        self.push_token(&mut out, len);
        out
    }

    fn push_token(&mut self, out: &mut String, len: usize) {
        for _ in 0..len {
            // 252 = 7 * 36: rejecting larger bytes keeps the choice uniform.
            let byte = loop {
                let b = self.inner.u8(..);
                if b < 252 {
                    break b;
                }
            };
            out.push(char::from(ALPHABET[usize::from(byte % 36)]));
        }
    }

    /// A Via branch with the RFC 3261 §8.1.1.7 magic cookie.
    pub fn branch(&mut self) -> String {
        let mut out = String::from(BRANCH_COOKIE);
        self.push_token(&mut out, 16);
        out
    }

    /// A From/To tag (RFC 3261 §19.3: at least 32 bits of randomness; this has about 51).
    pub fn tag(&mut self) -> String {
        self.token(10)
    }

    /// A Call-ID (RFC 3261 §8.1.1.4: globally unique; about 113 bits).
    pub fn call_id(&mut self) -> String {
        self.token(22)
    }

    /// A digest client nonce (RFC 7616 §3.4).
    pub fn cnonce(&mut self) -> String {
        self.token(16)
    }

    /// A version 4 UUID as a URN (RFC 4122 §4.4), for `+sip.instance` (RFC 5626 §4.1).
    pub fn uuid_urn(&mut self) -> String {
        let mut bytes = [0u8; 16];
        self.inner.fill(&mut bytes);
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let mut out = String::from("urn:uuid:");
        for (i, b) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out.push('-');
            }
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0x0f));
        }
        out
    }
}

fn hex_digit(nibble: u8) -> char {
    char::from(b"0123456789abcdef"[usize::from(nibble & 0x0f)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_values() {
        let mut a = Rng::from_seed(7);
        let mut b = Rng::from_seed(7);
        assert_eq!(a.branch(), b.branch());
        assert_eq!(a.tag(), b.tag());
        assert_ne!(Rng::from_seed(8).call_id(), Rng::from_seed(7).call_id());
    }

    #[test]
    fn shapes() {
        let mut r = Rng::from_seed(1);
        let branch = r.branch();
        assert!(branch.starts_with("z9hG4bK"));
        assert_eq!(branch.len(), 23);
        assert!(r
            .tag()
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        let uuid = r.uuid_urn();
        assert_eq!(uuid.len(), 45);
        assert_eq!(&uuid[23..24], "4");
        for _ in 0..100 {
            let v = r.range(2_100, 4_000);
            assert!((2_100..=4_000).contains(&v));
        }
        assert_eq!(r.range(5, 5), 5);
    }
}
