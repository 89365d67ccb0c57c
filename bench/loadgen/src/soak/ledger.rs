//! The soak's books: every call attempted between two well-behaved phones, what became of it,
//! and counters for the rest (registrations, reconnects, what the misbehaving phones did).
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// What became of one counted call.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Open,
    Completed,
    Failed(String),
}

struct Call {
    acked_at_callee: bool,
    outcome: Outcome,
}

/// Counters of events that are not calls between well-behaved phones.
#[derive(Default)]
pub struct Counters {
    pub good_registers: AtomicU64,
    pub good_register_failures: AtomicU64,
    pub good_disconnects: AtomicU64,
    pub bad_connects: AtomicU64,
    pub bad_connect_failures: AtomicU64,
    pub bad_closed_by_server: AtomicU64,
    pub junk_frames: AtomicU64,
    pub junk_answers: AtomicU64,
    pub stalls: AtomicU64,
    pub stall_calls_answered: AtomicU64,
    pub uncounted_invites: AtomicU64,
}

impl Counters {
    pub fn add(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }
}

pub struct Ledger {
    calls: Mutex<HashMap<String, Call>>,
    pub counters: Counters,
    failures_seen: Mutex<Vec<(f64, String, String)>>,
    t0: Instant,
}

/// Totals at one moment.
pub struct Totals {
    pub attempted: u64,
    pub completed: u64,
    pub failed: u64,
    pub open: u64,
    pub reasons: BTreeMap<String, u64>,
}

impl Ledger {
    pub fn new() -> Ledger {
        Ledger {
            calls: Mutex::default(),
            counters: Counters::default(),
            failures_seen: Mutex::default(),
            t0: Instant::now(),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, Call>) -> R) -> R {
        f(&mut self.calls.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn attempt(&self, call_id: &str) {
        self.with(|m| {
            m.insert(
                call_id.to_owned(),
                Call {
                    acked_at_callee: false,
                    outcome: Outcome::Open,
                },
            )
        });
    }

    pub fn is_counted(&self, call_id: &str) -> bool {
        self.with(|m| m.contains_key(call_id))
    }

    /// The callee saw the ACK of its 200 (RFC 3261 §13.3.1.4).
    pub fn acked(&self, call_id: &str) {
        self.with(|m| m.get_mut(call_id).map(|c| c.acked_at_callee = true));
    }

    /// The BYE of the call got its 200: the call completed if the callee had seen the ACK.
    pub fn bye_done(&self, call_id: &str) {
        let acked = self.with(|m| m.get(call_id).map(|c| c.acked_at_callee));
        match acked {
            Some(true) => self.with(|m| {
                if let Some(c) = m.get_mut(call_id) {
                    if c.outcome == Outcome::Open {
                        c.outcome = Outcome::Completed;
                    }
                }
            }),
            Some(false) => self.fail(call_id, "BYE answered 200 but the callee never saw the ACK"),
            None => {}
        }
    }

    /// The first failure of a call is its outcome; later ones are ignored.
    pub fn fail(&self, call_id: &str, reason: &str) {
        let first = self.with(|m| match m.get_mut(call_id) {
            Some(c) if c.outcome == Outcome::Open => {
                c.outcome = Outcome::Failed(reason.to_owned());
                true
            }
            _ => false,
        });
        if first {
            let mut seen = self.failures_seen.lock().unwrap_or_else(|p| p.into_inner());
            if seen.len() < 20 {
                seen.push((
                    self.t0.elapsed().as_secs_f64(),
                    call_id.to_owned(),
                    reason.to_owned(),
                ));
            }
        }
    }

    pub fn totals(&self) -> Totals {
        self.with(|m| {
            let mut t = Totals {
                attempted: m.len() as u64,
                completed: 0,
                failed: 0,
                open: 0,
                reasons: BTreeMap::new(),
            };
            for c in m.values() {
                match &c.outcome {
                    Outcome::Open => t.open += 1,
                    Outcome::Completed => t.completed += 1,
                    Outcome::Failed(r) => {
                        t.failed += 1;
                        *t.reasons.entry(r.clone()).or_default() += 1;
                    }
                }
            }
            t
        })
    }

    /// The first failures, `[seconds since start, Call-ID, reason]`.
    pub fn first_failures(&self) -> Vec<(f64, String, String)> {
        self.failures_seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
