//! The once-a-second housekeeping task: expired bindings (RFC 3261 §10.3), Timer C on INVITE
//! branches (RFC 3261 §16.8), the non-INVITE timeout (Timer F, §17.1.2.2), and finished
//! transactions after a short linger.

use super::conn_table::lock;
use super::reply::reply;
use super::responses::branch_response;
use super::service::SipService;
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
        self.flush(out);
    }
}
