//! The location service (RFC 3261 §10.3): address-of-record → bindings, each bound to the
//! WebSocket connection (flow, RFC 5626 §6) its REGISTER came on. Lives in memory only; a
//! binding goes when it expires, when it is removed, or when its connection closes.

use super::conn_table::ConnId;
use bwclient_sip::Uri;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

/// What identifies one binding within an AOR: the instance and reg-id when the UA sent both
/// (RFC 5626 §6 "the registrar MUST … use the combination of the AOR, instance-id and reg-id"),
/// else the Contact URI (RFC 3261 §10.3 step 8, URI comparison).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BindingKey {
    Instance { instance: String, reg_id: u32 },
    Uri(String),
}

/// One registered contact.
#[derive(Debug, Clone)]
pub struct Binding {
    pub key: BindingKey,
    /// Where requests for the AOR are sent (the new Request-URI, RFC 3261 §16.5).
    pub uri: Uri,
    /// The Contact header value as the UA sent it, without `expires` (echoed in the 200).
    pub contact: String,
    pub conn: ConnId,
    pub expires_at: Instant,
    /// Call-ID and CSeq of the REGISTER that made it (RFC 3261 §10.3 step 7 ordering).
    pub call_id: String,
    pub cseq: u32,
}

/// An AOR key: user as given, host lowercased (hosts compare case-insensitively,
/// RFC 3261 §19.1.4).
pub fn aor_key(user: &str, host: &str) -> String {
    format!("{user}@{}", host.to_ascii_lowercase())
}

/// All bindings, indexed by AOR and by connection.
#[derive(Default)]
pub struct Location {
    by_aor: HashMap<String, Vec<Binding>>,
    by_conn: HashMap<ConnId, HashSet<String>>,
}

impl Location {
    /// The live bindings of `aor`; expired ones are removed on the way.
    pub fn bindings(&mut self, aor: &str, now: Instant) -> Vec<Binding> {
        self.purge_aor(aor, now);
        self.by_aor.get(aor).cloned().unwrap_or_default()
    }

    /// Live bindings of `aor` without copying them.
    pub fn count(&mut self, aor: &str, now: Instant) -> usize {
        self.purge_aor(aor, now);
        self.by_aor.get(aor).map_or(0, Vec::len)
    }

    /// The existing binding with this key, if any.
    pub fn get(&self, aor: &str, key: &BindingKey) -> Option<&Binding> {
        self.by_aor.get(aor)?.iter().find(|b| &b.key == key)
    }

    /// Adds or replaces (same key) a binding.
    pub fn upsert(&mut self, aor: &str, binding: Binding) {
        let list = self.by_aor.entry(aor.to_owned()).or_default();
        let conn = binding.conn;
        let old_conn = match list.iter_mut().find(|b| b.key == binding.key) {
            Some(old) => Some(std::mem::replace(old, binding).conn),
            None => {
                list.push(binding);
                None
            }
        };
        self.by_conn.entry(conn).or_default().insert(aor.to_owned());
        if let Some(old) = old_conn.filter(|old| *old != conn) {
            self.unlink(aor, [old]);
        }
    }

    /// Removes the binding with this key (`Expires: 0`).
    pub fn remove(&mut self, aor: &str, key: &BindingKey) {
        self.retain(aor, |b| &b.key != key);
    }

    /// Removes every binding of `aor` (`Contact: *`, RFC 3261 §10.2.2).
    pub fn remove_all(&mut self, aor: &str) {
        self.retain(aor, |_| false);
    }

    /// Removes every binding made over `conn` (its WebSocket closed: the flow is gone,
    /// RFC 5626 §5.4 / Kamailio `handle_lost_tcp`). Returns how many went.
    pub fn drop_conn(&mut self, conn: ConnId) -> usize {
        let Some(aors) = self.by_conn.remove(&conn) else {
            return 0;
        };
        let mut removed = 0;
        for aor in aors {
            if let Some(list) = self.by_aor.get_mut(&aor) {
                let before = list.len();
                list.retain(|b| b.conn != conn);
                removed += before - list.len();
                if list.is_empty() {
                    self.by_aor.remove(&aor);
                }
            }
        }
        removed
    }

    /// `(aor, instance)` of every binding made over `conn` with a `+sip.instance` (RFC 5626
    /// §6): who that connection is, for the dialogs that ran over it.
    pub fn instances_on(&self, conn: ConnId) -> Vec<(String, String)> {
        let Some(aors) = self.by_conn.get(&conn) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for aor in aors {
            for b in self.by_aor.get(aor).into_iter().flatten() {
                if let (BindingKey::Instance { instance, .. }, true) = (&b.key, b.conn == conn) {
                    out.push((aor.clone(), instance.clone()));
                }
            }
        }
        out
    }

    /// Removes every expired binding.
    pub fn sweep(&mut self, now: Instant) {
        let aors: Vec<String> = self.by_aor.keys().cloned().collect();
        for aor in aors {
            self.purge_aor(&aor, now);
        }
    }

    /// Number of AORs with at least one binding.
    pub fn aor_count(&self) -> usize {
        self.by_aor.len()
    }

    fn purge_aor(&mut self, aor: &str, now: Instant) {
        self.retain(aor, |b| b.expires_at > now);
    }

    /// Keeps the bindings of `aor` that pass `keep`, and the indexes in step.
    fn retain(&mut self, aor: &str, keep: impl Fn(&Binding) -> bool) {
        let Some(list) = self.by_aor.get_mut(aor) else {
            return;
        };
        let mut gone = Vec::new();
        list.retain(|b| {
            let k = keep(b);
            if !k {
                gone.push(b.conn);
            }
            k
        });
        if !gone.is_empty() {
            self.unlink(aor, gone);
        }
    }

    /// Forgets that `aor` has bindings on `conns` unless one is left, and forgets an empty AOR.
    fn unlink(&mut self, aor: &str, conns: impl IntoIterator<Item = ConnId>) {
        let list = self.by_aor.get(aor);
        for conn in conns {
            if list.is_some_and(|l| l.iter().any(|b| b.conn == conn)) {
                continue;
            }
            if let Some(aors) = self.by_conn.get_mut(&conn) {
                aors.remove(aor);
                if aors.is_empty() {
                    self.by_conn.remove(&conn);
                }
            }
        }
        if list.is_some_and(Vec::is_empty) {
            self.by_aor.remove(aor);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn binding(key: &str, conn: u64, expires_at: Instant) -> Binding {
        Binding {
            key: BindingKey::Uri(key.to_owned()),
            uri: Uri::sip(Some(key), "c.invalid"),
            contact: format!("<sip:{key}@c.invalid>"),
            conn: ConnId(conn),
            expires_at,
            call_id: "c".to_owned(),
            cseq: 1,
        }
    }

    #[test]
    fn bindings_follow_their_connection_and_expiry() {
        let t0 = Instant::now();
        let later = t0 + Duration::from_secs(60);
        let mut loc = Location::default();
        let aor = aor_key("bob", "Acme.Test");
        assert_eq!(aor, "bob@acme.test");
        loc.upsert(&aor, binding("a", 1, later));
        loc.upsert(&aor, binding("b", 2, later));
        loc.upsert(&aor_key("alice", "acme.test"), binding("c", 1, later));
        assert_eq!(loc.count(&aor, t0), 2);
        // Re-registering "a" over connection 3 moves it off connection 1.
        loc.upsert(&aor, binding("a", 3, later));
        assert_eq!(loc.count(&aor, t0), 2);
        assert_eq!(
            loc.drop_conn(ConnId(1)),
            1,
            "only alice's binding was left on 1"
        );
        assert_eq!(loc.aor_count(), 1);
        assert_eq!(loc.drop_conn(ConnId(3)), 1);
        assert_eq!(loc.count(&aor, t0), 1);
        // Expiry.
        assert_eq!(loc.count(&aor, later), 0);
        assert_eq!(loc.aor_count(), 0);
        assert_eq!(loc.drop_conn(ConnId(2)), 0, "index cleaned on expiry");
        // remove / remove_all.
        loc.upsert(&aor, binding("x", 5, later));
        loc.upsert(&aor, binding("y", 5, later));
        loc.remove(&aor, &BindingKey::Uri("x".into()));
        assert_eq!(loc.count(&aor, t0), 1);
        loc.remove_all(&aor);
        assert_eq!(loc.count(&aor, t0), 0);
        assert_eq!(loc.drop_conn(ConnId(5)), 0);
    }

    #[test]
    fn instances_on_a_connection() {
        let later = Instant::now() + Duration::from_secs(60);
        let mut loc = Location::default();
        let aor = aor_key("bob", "acme.test");
        let mut b = binding("a", 1, later);
        b.key = BindingKey::Instance {
            instance: "<urn:uuid:1>".into(),
            reg_id: 1,
        };
        loc.upsert(&aor, b.clone());
        loc.upsert(&aor, binding("plain", 1, later));
        assert_eq!(
            loc.instances_on(ConnId(1)),
            [(aor.clone(), "<urn:uuid:1>".to_owned())],
            "only instance bindings name who a connection is"
        );
        // The same instance and reg-id over connection 2 moves it there.
        b.conn = ConnId(2);
        loc.upsert(&aor, b);
        assert!(loc.instances_on(ConnId(1)).is_empty());
        assert_eq!(loc.instances_on(ConnId(2)).len(), 1);
        assert!(loc.instances_on(ConnId(9)).is_empty());
    }
}
