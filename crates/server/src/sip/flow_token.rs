//! Flow tokens for Record-Route (RFC 5626 §5.2 "the flow token … MUST be protected against
//! tampering", §5.3): the proxy's Record-Route URI carries the two WebSocket connections a
//! dialog runs over, `<a>.<b>.<mac>`, so an in-dialog request that comes back with that Route is
//! sent to the *other* connection. The MAC (HMAC-SHA256, truncated, per-process random key)
//! stops a client from steering requests into someone else's connection.

use super::conn_table::ConnId;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const MAC_LEN: usize = 12;

/// Signs and checks flow tokens.
pub struct FlowKey {
    key: [u8; 32],
}

impl FlowKey {
    pub fn new(key: [u8; 32]) -> Self {
        FlowKey { key }
    }

    /// The token naming the flows of both sides of a dialog (`a` = caller side).
    pub fn encode(&self, a: ConnId, b: ConnId) -> String {
        let body = format!("{}.{}", a.0, b.0);
        let tag = URL_SAFE_NO_PAD.encode(&self.mac(&body)[..MAC_LEN]);
        format!("{body}.{tag}")
    }

    /// The two flows of a token, if the token is intact and ours.
    pub fn decode(&self, token: &str) -> Option<(ConnId, ConnId)> {
        let (body, tag) = token.rsplit_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        let mut mac = HmacSha256::new_from_slice(&self.key).ok()?;
        mac.update(body.as_bytes());
        mac.verify_truncated_left(&tag).ok()?;
        if tag.len() != MAC_LEN {
            return None;
        }
        let (a, b) = body.split_once('.')?;
        Some((ConnId(a.parse().ok()?), ConnId(b.parse().ok()?)))
    }

    fn mac(&self, body: &str) -> Vec<u8> {
        match HmacSha256::new_from_slice(&self.key) {
            Ok(mut mac) => {
                mac.update(body.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => vec![0; 32],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let k = FlowKey::new([3; 32]);
        let t = k.encode(ConnId(12), ConnId(345));
        assert_eq!(k.decode(&t), Some((ConnId(12), ConnId(345))));
        let forged = t.replacen("12.", "13.", 1);
        assert_eq!(k.decode(&forged), None);
        assert_eq!(FlowKey::new([4; 32]).decode(&t), None);
        assert_eq!(k.decode("1.2"), None);
        assert_eq!(k.decode(""), None);
        // A truncated MAC is refused too.
        let short = &t[..t.len() - 4];
        assert_eq!(k.decode(short), None);
    }
}
