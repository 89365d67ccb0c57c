//! Who may hold a `/sip` WebSocket (issue 11, hole 5): a cap on the connections one source
//! address holds before they authenticate, a larger cap on all its connections, and the
//! record of whether a connection has authenticated yet (a REGISTER or any other request
//! that passed [`SipService::authenticate`](super::service::SipService)).
//!
//! Addresses are the TCP peer's: IPv4 as is (an IPv4-mapped IPv6 peer counts as its IPv4),
//! IPv6 by its /64 prefix, since one subscriber usually holds a whole /64.

use super::conn_table::lock;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// What one source address holds now.
#[derive(Debug, Default, Clone, Copy)]
struct Held {
    open: usize,
    unauthenticated: usize,
}

/// Why an upgrade was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The address already holds `max_unauthenticated_per_addr` connections that have not
    /// authenticated.
    Unauthenticated,
    /// The address already holds `max_connections_per_addr` connections.
    Open,
}

/// One admitted connection's place in the per-address count.
#[derive(Debug)]
pub struct Admission {
    /// `None`: the peer address is unknown; only the authentication flag is kept.
    key: Option<IpAddr>,
    authenticated: AtomicBool,
}

impl Admission {
    /// A connection whose address is unknown (served without `ConnectInfo`): counted nowhere.
    pub fn unlisted() -> Arc<Admission> {
        Arc::new(Admission {
            key: None,
            authenticated: AtomicBool::new(false),
        })
    }

    pub fn is_authenticated(&self) -> bool {
        self.authenticated.load(Ordering::Acquire)
    }
}

/// Per-address counts, with the two caps.
#[derive(Debug)]
pub struct AddrGate {
    held: Mutex<HashMap<IpAddr, Held>>,
    max_open: usize,
    max_unauthenticated: usize,
}

/// The address a count is kept under (see the module docs).
fn addr_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

impl AddrGate {
    pub fn new(max_open: usize, max_unauthenticated: usize) -> AddrGate {
        AddrGate {
            held: Mutex::new(HashMap::new()),
            max_open,
            max_unauthenticated,
        }
    }

    /// Counts a new, not yet authenticated connection from `ip`, or says which cap it hits.
    pub fn admit(&self, ip: IpAddr) -> Result<Arc<Admission>, Refused> {
        let key = addr_key(ip);
        let mut held = lock(&self.held);
        let h = held.entry(key).or_default();
        if h.unauthenticated >= self.max_unauthenticated {
            return Err(Refused::Unauthenticated);
        }
        if h.open >= self.max_open {
            return Err(Refused::Open);
        }
        h.open += 1;
        h.unauthenticated += 1;
        Ok(Arc::new(Admission {
            key: Some(key),
            authenticated: AtomicBool::new(false),
        }))
    }

    /// The connection authenticated: it no longer counts against the unauthenticated cap.
    pub fn authenticated(&self, a: &Admission) {
        let mut held = lock(&self.held);
        if a.authenticated.swap(true, Ordering::AcqRel) {
            return;
        }
        if let Some(h) = a.key.and_then(|key| held.get_mut(&key)) {
            h.unauthenticated = h.unauthenticated.saturating_sub(1);
        }
    }

    /// The connection closed.
    pub fn release(&self, a: &Admission) {
        let mut held = lock(&self.held);
        let was_authenticated = a.authenticated.swap(true, Ordering::AcqRel);
        let Some(key) = a.key else {
            return;
        };
        if let Some(h) = held.get_mut(&key) {
            h.open = h.open.saturating_sub(1);
            if !was_authenticated {
                h.unauthenticated = h.unauthenticated.saturating_sub(1);
            }
            if h.open == 0 {
                held.remove(&key);
            }
        }
    }

    /// `(open, unauthenticated)` connections of `ip`'s address (for tests and stats).
    pub fn held(&self, ip: IpAddr) -> (usize, usize) {
        let held = lock(&self.held);
        let h = held.get(&addr_key(ip)).copied().unwrap_or_default();
        (h.open, h.unauthenticated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_unauthenticated_then_open() {
        let gate = AddrGate::new(3, 2);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let a = gate.admit(ip).unwrap();
        let b = gate.admit(ip).unwrap();
        assert_eq!(gate.admit(ip).unwrap_err(), Refused::Unauthenticated);
        // Another address is not affected.
        let other = gate.admit("192.0.2.2".parse().unwrap()).unwrap();
        gate.authenticated(&a);
        gate.authenticated(&a);
        assert_eq!(gate.held(ip), (2, 1));
        let c = gate.admit(ip).unwrap();
        assert_eq!(gate.admit(ip).unwrap_err(), Refused::Unauthenticated);
        gate.authenticated(&b);
        assert_eq!(gate.admit(ip).unwrap_err(), Refused::Open);
        for x in [&a, &b, &c, &other] {
            gate.release(x);
        }
        assert_eq!(gate.held(ip), (0, 0));
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let gate = AddrGate::new(10, 1);
        let _a = gate.admit("2001:db8:1:2::1".parse().unwrap()).unwrap();
        assert!(gate.admit("2001:db8:1:2::ffff".parse().unwrap()).is_err());
        assert!(gate.admit("2001:db8:1:3::1".parse().unwrap()).is_ok());
        let _v4 = gate.admit("192.0.2.9".parse().unwrap()).unwrap();
        assert!(gate.admit("::ffff:192.0.2.9".parse().unwrap()).is_err());
    }
}
