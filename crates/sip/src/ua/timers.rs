//! The Ua's timer table: the earliest deadline over every machine, and running due timers.

use super::Ua;
use crate::time::Time;

impl Ua {
    /// The earliest deadline of any transaction, call or the registration.
    pub(super) fn next_deadline(&self) -> Option<Time> {
        let clients = self
            .clients
            .iter()
            .filter_map(|c| c.machine.next_deadline());
        let servers = self.servers.iter().filter_map(|s| s.next_deadline());
        let calls = self.calls.iter().filter_map(|c| c.next_deadline());
        clients
            .chain(servers)
            .chain(calls)
            .chain(self.registration.next_deadline())
            .min()
    }

    /// Runs every timer due at `now`.
    pub(super) fn on_timeout(&mut self, now: Time) {
        self.client_timeouts(now);
        self.server_timeouts(now);
        self.call_timeouts(now);
        self.registration_timeouts(now);
    }
}
