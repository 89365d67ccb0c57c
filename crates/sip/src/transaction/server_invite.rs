//! The INVITE server transaction (RFC 3261 §17.2.1, with the Accepted state of RFC 6026 §7.1).

use crate::message::{Request, Response};
use crate::time::Time;
use crate::timer::{TimerTable, TIMER_64_T1};

/// RFC 3261 Figure 7 plus RFC 6026 Accepted. Timer I is zero on a reliable transport, so
/// Confirmed ends at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerInviteState {
    Proceeding,
    /// A 300–699 was sent; waiting for the ACK (Timer H).
    Completed,
    Confirmed,
    /// A 2xx was sent; the ACK for it is end-to-end and goes to the dialog (RFC 6026).
    Accepted,
    Terminated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timer {
    /// §17.2.1 Timer H: the ACK for a non-2xx never came.
    H,
    /// RFC 6026 §7.1 Timer L: how long Accepted lasts.
    L,
}

/// Why a server transaction refuses a response from its TU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RespondError {
    #[error("a final response was already sent")]
    AlreadyFinal,
}

#[derive(Debug, Clone)]
pub struct ServerInvite {
    state: ServerInviteState,
    request: Request,
    last_response: Option<Response>,
    timers: TimerTable<Timer>,
}

impl ServerInvite {
    /// Starts in Proceeding. The UA sends `100 Trying` at once (§17.2.1 lets the TU answer
    /// within 200 ms instead; answering at once is simpler and keeps runs deterministic).
    pub fn start(request: Request) -> ServerInvite {
        ServerInvite {
            state: ServerInviteState::Proceeding,
            request,
            last_response: None,
            timers: TimerTable::new(),
        }
    }

    #[cfg(test)]
    pub fn state(&self) -> ServerInviteState {
        self.state
    }

    pub fn request(&self) -> &Request {
        &self.request
    }

    pub fn is_terminated(&self) -> bool {
        self.state == ServerInviteState::Terminated
    }

    /// True until a final response is sent (a CANCEL can still turn it into a 487).
    pub fn is_pending(&self) -> bool {
        self.state == ServerInviteState::Proceeding
    }

    /// The last response sent, for a retransmitted INVITE.
    pub fn last_response(&self) -> Option<&Response> {
        self.last_response.as_ref()
    }

    pub fn next_deadline(&self) -> Option<Time> {
        self.timers.next_deadline()
    }

    /// Records a response from the TU; the caller sends it. §17.2.1: 1xx stays in
    /// Proceeding, 2xx → Accepted (Timer L), 300–699 → Completed (Timer H).
    pub fn respond(&mut self, now: Time, response: &Response) -> Result<(), RespondError> {
        if self.state != ServerInviteState::Proceeding {
            return Err(RespondError::AlreadyFinal);
        }
        match response.code {
            100..=199 => {}
            200..=299 => {
                self.state = ServerInviteState::Accepted;
                self.timers.set(Timer::L, now + TIMER_64_T1);
            }
            _ => {
                self.state = ServerInviteState::Completed;
                self.timers.set(Timer::H, now + TIMER_64_T1);
            }
        }
        self.last_response = Some(response.clone());
        Ok(())
    }

    /// An ACK with this transaction's branch: absorbed in Completed (→ Confirmed, then
    /// Terminated since Timer I = 0). Returns true if it was absorbed.
    pub fn on_ack(&mut self) -> bool {
        if self.state == ServerInviteState::Completed {
            self.state = ServerInviteState::Confirmed;
            self.timers.clear();
            self.state = ServerInviteState::Terminated;
            true
        } else {
            false
        }
    }

    /// Timer H (no ACK) or L ends the transaction. Returns true if Timer H fired.
    pub fn on_timeout(&mut self, now: Time) -> Option<bool> {
        let fired = self.timers.pop_expired(now)?;
        self.state = ServerInviteState::Terminated;
        self.timers.clear();
        Some(fired == Timer::H)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::Method;
    use crate::uri::Uri;

    fn invite() -> Request {
        Request::new(Method::INVITE, Uri::sip(Some("bob"), "example.test"))
    }

    #[test]
    fn failure_waits_for_ack() {
        let mut tx = ServerInvite::start(invite());
        tx.respond(Time::ZERO, &Response::new(180, "Ringing"))
            .unwrap();
        assert!(tx.is_pending());
        tx.respond(Time::ZERO, &Response::new(486, "Busy Here"))
            .unwrap();
        assert_eq!(tx.state(), ServerInviteState::Completed);
        assert_eq!(
            tx.respond(Time::ZERO, &Response::new(200, "OK")),
            Err(RespondError::AlreadyFinal)
        );
        assert!(tx.on_ack());
        assert!(tx.is_terminated());
    }

    #[test]
    fn timer_h_without_ack() {
        let mut tx = ServerInvite::start(invite());
        tx.respond(Time::ZERO, &Response::new(603, "Decline"))
            .unwrap();
        assert_eq!(tx.on_timeout(Time::from_millis(31_999)), None);
        assert_eq!(tx.on_timeout(Time::from_millis(32_000)), Some(true));
        assert!(tx.is_terminated());
    }

    #[test]
    fn success_is_accepted_and_ack_is_not_absorbed() {
        let mut tx = ServerInvite::start(invite());
        tx.respond(Time::ZERO, &Response::new(200, "OK")).unwrap();
        assert_eq!(tx.state(), ServerInviteState::Accepted);
        assert!(!tx.on_ack());
        assert_eq!(tx.on_timeout(Time::from_millis(32_000)), Some(false));
    }
}
