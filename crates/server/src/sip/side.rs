//! One end of a dialog, as the proxy knows it (RFC 5626 §5.3): the connection (flow) it used,
//! and, when that connection registered with a `+sip.instance`, who it is, which outlives the
//! connection. A browser whose WebSocket drops reconnects on a new connection and re-REGISTERs
//! with the same instance and `reg-id`; that registration replaces the old flow (RFC 5626 §6),
//! so in-dialog requests from the new connection are accepted for the old end, and requests for
//! the old end are sent down the new connection.

use super::conn_table::{lock, ConnId};
use super::location::BindingKey;
use super::service::SipService;
use std::time::Instant;

/// Bytes of an instance tag.
pub const TAG_LEN: usize = 12;

/// A keyed hash of a `+sip.instance` value ([`super::flow_token::FlowKey::instance_tag`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstanceTag(pub [u8; TAG_LEN]);

/// The identity of an end that survives reconnection: its AOR (the key of
/// [`super::location::aor_key`]) and its instance (RFC 5626 §4.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Who {
    pub aor: String,
    pub instance: InstanceTag,
}

/// One end of a dialog or transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// The connection it used when the proxy last saw it.
    pub conn: ConnId,
    /// Its identity, if its connection had registered with an instance.
    pub who: Option<Who>,
}

impl SipService {
    /// The end that `conn` is for `aor`: with the instance of a binding of `aor` made over
    /// `conn`, if there is one (RFC 5626 §6: the binding's flow is this connection).
    pub(super) fn side_of(&self, now: Instant, conn: ConnId, aor: &str) -> Side {
        let instance = lock(&self.location)
            .bindings(aor, now)
            .into_iter()
            .find_map(|b| match b.key {
                BindingKey::Instance { instance, .. } if b.conn == conn => Some(instance),
                _ => None,
            });
        self.side_with(conn, aor, instance.as_deref())
    }

    /// The end at `conn` for `aor`, with `instance` if the binding had one.
    pub(super) fn side_with(&self, conn: ConnId, aor: &str, instance: Option<&str>) -> Side {
        Side {
            conn,
            who: instance.map(|i| Who {
                aor: aor.to_owned(),
                instance: self.flows.instance_tag(i),
            }),
        }
    }

    /// True if `conn` is `side`: its own connection, or one currently registered as the same
    /// AOR and instance (RFC 5626 §5.3: a new registration of the instance replaces the flow).
    pub(super) fn is_side(&self, now: Instant, conn: ConnId, side: &Side) -> bool {
        conn == side.conn || self.conns_of(now, side).contains(&conn)
    }

    /// Where a request for `side` goes now: its connection if that is still one of its
    /// registered flows; else the newest live connection registered as its AOR and instance;
    /// else its connection if it is still open. `None`: the flow failed (RFC 5626 §5.3, `430`).
    pub(super) fn live_conn(&self, now: Instant, side: &Side) -> Option<ConnId> {
        let flows: Vec<ConnId> = self
            .conns_of(now, side)
            .into_iter()
            .filter(|c| self.conns.contains(*c))
            .collect();
        if flows.contains(&side.conn) {
            return Some(side.conn);
        }
        if let Some(newest) = flows.into_iter().max() {
            return Some(newest);
        }
        self.conns.contains(side.conn).then_some(side.conn)
    }

    /// Where a response for `side` goes: back down its connection while that is open
    /// (RFC 3261 §18.2.2), else to where it reconnected.
    pub(super) fn reply_conn(&self, now: Instant, side: &Side) -> Option<ConnId> {
        if self.conns.contains(side.conn) {
            return Some(side.conn);
        }
        self.live_conn(now, side)
    }

    /// Connections with a live binding for the AOR and instance of `side` (none if it has no
    /// identity).
    fn conns_of(&self, now: Instant, side: &Side) -> Vec<ConnId> {
        let Some(who) = &side.who else {
            return Vec::new();
        };
        lock(&self.location)
            .bindings(&who.aor, now)
            .into_iter()
            .filter_map(|b| match &b.key {
                BindingKey::Instance { instance, .. }
                    if self.flows.instance_tag(instance) == who.instance =>
                {
                    Some(b.conn)
                }
                _ => None,
            })
            .collect()
    }

    /// The identities registered over `conn` (read before its bindings are dropped).
    pub(super) fn identities_on(&self, conn: ConnId) -> Vec<Who> {
        lock(&self.location)
            .instances_on(conn)
            .into_iter()
            .map(|(aor, instance)| Who {
                instance: self.flows.instance_tag(&instance),
                aor,
            })
            .collect()
    }
}
