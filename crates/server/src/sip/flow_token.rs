//! Flow tokens for Record-Route (RFC 5626 §5.2 "the flow token … MUST be protected against
//! tampering", §5.3): the proxy's Record-Route URI names the two ends of a dialog so that an
//! in-dialog request that comes back with that Route is sent to the *other* end.
//!
//! Each end is a [`Side`]: the WebSocket connection it used (the fast path) and, when that
//! connection had registered with a `+sip.instance` (RFC 5626 §4.1), the AOR and a tag of the
//! instance, which survive a reconnection. The wire form is seven `.`-separated fields,
//! `<connA>.<aorA>.<instA>.<connB>.<aorB>.<instB>.<mac>`: the AOR is base64url, the instance
//! tag is a keyed hash (the peer sees the Record-Route, and an instance id is a device
//! identifier it has no business learning), both empty for an end without an instance. The MAC
//! (HMAC-SHA256, truncated, key derived from the token secret in `keys.rs`, so tokens verify
//! after a restart) stops a client from steering requests into
//! someone else's connection or identity. Every field uses only URI `paramchar` bytes
//! (RFC 3261 §25.1: alphanumerics, `-`, `_`, `.`).

use super::conn_table::ConnId;
use super::side::{InstanceTag, Side, Who, TAG_LEN};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const MAC_LEN: usize = 12;
/// Longest AOR carried (bytes before base64): a longer one is not made reconnectable.
const MAX_AOR: usize = 256;
/// Domain separation between instance tags and token MACs (token bodies start with a digit).
const TAG_CONTEXT: &[u8] = b"instance:";

/// Signs and checks flow tokens, and derives instance tags.
pub struct FlowKey {
    key: [u8; 32],
}

impl FlowKey {
    pub fn new(key: [u8; 32]) -> Self {
        FlowKey { key }
    }

    /// The token naming both ends of a dialog (`a` = caller side, `b` = callee side).
    pub fn encode(&self, a: &Side, b: &Side) -> String {
        let body = format!("{}.{}", side_fields(a), side_fields(b));
        let tag = URL_SAFE_NO_PAD.encode(&self.mac(&[body.as_bytes()])[..MAC_LEN]);
        format!("{body}.{tag}")
    }

    /// The two ends of a token, if the token is intact and ours.
    pub fn decode(&self, token: &str) -> Option<(Side, Side)> {
        let (body, tag) = token.rsplit_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        if tag.len() != MAC_LEN {
            return None;
        }
        let mut mac = HmacSha256::new_from_slice(&self.key).ok()?;
        mac.update(body.as_bytes());
        mac.verify_truncated_left(&tag).ok()?;
        let f: Vec<&str> = body.split('.').collect();
        let [ca, aa, ia, cb, ab, ib] = f.as_slice() else {
            return None;
        };
        Some((parse_side(ca, aa, ia)?, parse_side(cb, ab, ib)?))
    }

    /// The tag of a `+sip.instance` value (compared as written, quotes removed: RFC 5626 §4.1
    /// makes it a URN, and a UA repeats it byte for byte).
    pub fn instance_tag(&self, instance: &str) -> InstanceTag {
        let mut out = [0u8; TAG_LEN];
        out.copy_from_slice(&self.mac(&[TAG_CONTEXT, instance.as_bytes()])[..TAG_LEN]);
        InstanceTag(out)
    }

    fn mac(&self, parts: &[&[u8]]) -> Vec<u8> {
        // HMAC accepts keys of any length: this cannot fail, but no unwrap on principle.
        match HmacSha256::new_from_slice(&self.key) {
            Ok(mut mac) => {
                for p in parts {
                    mac.update(p);
                }
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => vec![0; 32],
        }
    }
}

fn side_fields(s: &Side) -> String {
    match &s.who {
        Some(who) if who.aor.len() <= MAX_AOR => format!(
            "{}.{}.{}",
            s.conn.0,
            URL_SAFE_NO_PAD.encode(who.aor.as_bytes()),
            URL_SAFE_NO_PAD.encode(who.instance.0)
        ),
        _ => format!("{}..", s.conn.0),
    }
}

fn parse_side(conn: &str, aor: &str, instance: &str) -> Option<Side> {
    let conn = ConnId(conn.parse().ok()?);
    let who = match (aor.is_empty(), instance.is_empty()) {
        (true, true) => None,
        (false, false) => {
            let aor = String::from_utf8(URL_SAFE_NO_PAD.decode(aor).ok()?).ok()?;
            let raw = URL_SAFE_NO_PAD.decode(instance).ok()?;
            let instance = InstanceTag(raw.as_slice().try_into().ok()?);
            Some(Who { aor, instance })
        }
        _ => return None,
    };
    Some(Side { conn, who })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(k: &FlowKey, aor: &str, instance: &str) -> Option<Who> {
        Some(Who {
            aor: aor.to_owned(),
            instance: k.instance_tag(instance),
        })
    }

    #[test]
    fn round_trip_and_tamper() {
        let k = FlowKey::new([3; 32]);
        let a = Side {
            conn: ConnId(12),
            who: None,
        };
        let b = Side {
            conn: ConnId(345),
            who: who(&k, "bob@acme.test", "<urn:uuid:1>"),
        };
        let t = k.encode(&a, &b);
        assert!(
            t.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')),
            "{t}"
        );
        assert!(!t.contains("uuid"), "the instance id is not disclosed: {t}");
        assert_eq!(k.decode(&t), Some((a.clone(), b.clone())));
        let forged = t.replacen("12.", "13.", 1);
        assert_eq!(k.decode(&forged), None);
        assert_eq!(FlowKey::new([4; 32]).decode(&t), None);
        assert_eq!(k.decode("1.2"), None);
        assert_eq!(k.decode(""), None);
        // A truncated MAC is refused too.
        let short = &t[..t.len() - 4];
        assert_eq!(k.decode(short), None);
        // The old two-connection form is not accepted.
        let body = "1.2";
        let mac = URL_SAFE_NO_PAD.encode(&k.mac(&[body.as_bytes()])[..MAC_LEN]);
        assert_eq!(k.decode(&format!("{body}.{mac}")), None);
    }

    #[test]
    fn instance_tags_are_keyed_and_distinct() {
        let k = FlowKey::new([3; 32]);
        assert_eq!(
            k.instance_tag("<urn:uuid:1>"),
            k.instance_tag("<urn:uuid:1>")
        );
        assert_ne!(
            k.instance_tag("<urn:uuid:1>"),
            k.instance_tag("<urn:uuid:2>")
        );
        assert_ne!(
            k.instance_tag("<urn:uuid:1>"),
            FlowKey::new([4; 32]).instance_tag("<urn:uuid:1>")
        );
        // Both ends with an identity survive the round trip.
        let a = Side {
            conn: ConnId(1),
            who: who(&k, "alice@acme.test", "<urn:uuid:a>"),
        };
        let b = Side {
            conn: ConnId(2),
            who: who(&k, "bob@acme.test", "<urn:uuid:b>"),
        };
        assert_eq!(k.decode(&k.encode(&a, &b)), Some((a, b)));
    }
}
