//! The once-a-second housekeeping task: expired bindings (RFC 3261 §10.3), Timer C on INVITE
//! branches (RFC 3261 §16.8), the non-INVITE timeout (Timer F, §17.1.2.2), finished
//! transactions after a short linger, and calls whose end lost its connection: kept while it
//! may reconnect (RFC 5626 §4.5, §5.3), ended after `reconnect_grace`.

use super::conn_table::lock;
use super::reply::reply;
use super::responses::branch_response;
use super::service::SipService;
use super::side::Side;
use super::txn::{BranchState, Out, TxnId};
use std::sync::Weak;
use std::time::{Duration, Instant};

/// 64·T1: how long a non-INVITE branch or a cancelled INVITE branch may stay silent, and how
/// long a finished transaction lingers to absorb a late ACK or 2xx (RFC 3261 §17.1.2.2, §17.2.1).
const T64: Duration = Duration::from_secs(32);

/// Starts the task; it stops once the service is dropped.
pub fn spawn(service: Weak<SipService>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let mut n: u64 = 0;
        loop {
            tick.tick().await;
            let Some(service) = service.upgrade() else {
                break;
            };
            service.sweep(Instant::now(), n.is_multiple_of(30));
            n = n.wrapping_add(1);
        }
    });
}

impl SipService {
    /// One housekeeping pass at `now`, registrations included: Timer C, the non-INVITE
    /// timeout, the grace of calls whose end lost its connection, binding expiry. The sweeper
    /// task calls it every second (bindings every 30th); a test calls it with its own clock.
    pub fn sweep_at(&self, now: Instant) {
        self.sweep(now, true);
    }

    /// One housekeeping pass at `now`; `bindings` also purges expired registrations.
    pub(super) fn sweep(&self, now: Instant, bindings: bool) {
        if bindings {
            lock(&self.location).sweep(now);
        }
        let timer_c = self.config.timer_c;
        let mut out = Out::default();
        {
            let mut st = lock(&self.proxy);
            let ids: Vec<TxnId> = st.txns.keys().copied().collect();
            for id in ids {
                let Some(txn) = st.txns.get_mut(&id) else {
                    continue;
                };
                if let Some(done) = txn.done_at {
                    if now.saturating_duration_since(done) > T64 {
                        st.remove(id);
                    }
                    continue;
                }
                let is_invite = txn.is_invite;
                let mut timed_out = Vec::new();
                for (idx, b) in txn.branches.iter_mut().enumerate() {
                    if !b.is_pending() {
                        continue;
                    }
                    let silent = now.saturating_duration_since(b.started);
                    match (is_invite, b.cancel_sent) {
                        (true, Some(at)) if now.saturating_duration_since(at) > T64 => {
                            timed_out.push(idx)
                        }
                        (true, None) if silent > timer_c => {
                            // Timer C: CANCEL a branch that rang, fail one that never answered.
                            if b.state == BranchState::Proceeding {
                                b.cancel_sent = Some(now);
                                let cancel = super::forward::cancel_for(&b.request, None);
                                out.send(b.conn, super::reply::request_frame(cancel));
                            } else {
                                timed_out.push(idx);
                            }
                        }
                        (false, _) if silent > T64 => timed_out.push(idx),
                        _ => {}
                    }
                }
                if timed_out.is_empty() {
                    continue;
                }
                let request = txn.request.clone();
                for idx in timed_out {
                    let resp = reply(&request, 408, "Request Timeout");
                    branch_response(&mut st, id, idx, resp, true, now, &mut out);
                }
            }
        }
        self.sweep_orphans(now, &mut out);
        self.flush(now, out);
    }

    /// Orphaned calls (`closed.rs`): back to normal once every end has a connection again,
    /// ended once the grace period ran out.
    fn sweep_orphans(&self, now: Instant, out: &mut Out) {
        let orphans: Vec<(String, Vec<Side>, Instant)> = lock(&self.proxy)
            .calls
            .iter()
            .filter_map(|(id, c)| Some((id.clone(), c.sides.clone(), c.orphaned_at?)))
            .collect();
        if orphans.is_empty() {
            return;
        }
        // Resolved without the proxy lock held (the location has its own).
        let verdicts: Vec<(String, bool, Instant)> = orphans
            .into_iter()
            .map(|(id, sides, since)| {
                let back = sides.iter().all(|s| self.live_conn(now, s).is_some());
                (id, back, since)
            })
            .collect();
        let grace = self.config.reconnect_grace;
        let mut st = lock(&self.proxy);
        for (call_id, back, since) in verdicts {
            // A connection that closed meanwhile re-stamped the call: judge it next time.
            let Some(call) = st.calls.get_mut(&call_id) else {
                continue;
            };
            if call.orphaned_at != Some(since) {
                continue;
            }
            if back {
                call.orphaned_at = None;
            } else if now.saturating_duration_since(since) > grace {
                if let Some(call) = st.calls.remove(&call_id) {
                    out.events.extend(call.events("end", &call_id));
                }
            }
        }
    }
}
