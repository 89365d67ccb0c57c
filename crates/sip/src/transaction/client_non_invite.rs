//! The non-INVITE client transaction (RFC 3261 §17.1.2).

use super::ClientEvent;
use crate::message::{Request, Response};
use crate::time::Time;
use crate::timer::{TimerTable, TIMER_64_T1};

/// RFC 3261 Figure 6. Timer K is zero on a reliable transport, so Completed ends at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientNonInviteState {
    Trying,
    Proceeding,
    Completed,
    Terminated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timer {
    /// §17.1.2.2 Timer F: no final response.
    F,
}

#[derive(Debug, Clone)]
pub struct ClientNonInvite {
    state: ClientNonInviteState,
    request: Request,
    timers: TimerTable<Timer>,
}

impl ClientNonInvite {
    /// Starts in Trying with Timer F armed. The caller sends `request`.
    pub fn start(now: Time, request: Request) -> ClientNonInvite {
        let mut timers = TimerTable::new();
        timers.set(Timer::F, now + TIMER_64_T1);
        ClientNonInvite {
            state: ClientNonInviteState::Trying,
            request,
            timers,
        }
    }

    #[cfg(test)]
    pub fn state(&self) -> ClientNonInviteState {
        self.state
    }

    pub fn request(&self) -> &Request {
        &self.request
    }

    pub fn is_terminated(&self) -> bool {
        self.state == ClientNonInviteState::Terminated
    }

    pub fn next_deadline(&self) -> Option<Time> {
        self.timers.next_deadline()
    }

    /// §17.1.2.2: 1xx → Proceeding; final → Completed, then Terminated (Timer K = 0).
    pub fn on_response(&mut self, response: Response) -> Option<ClientEvent> {
        use ClientNonInviteState::*;
        match (self.state, response.code) {
            (Trying | Proceeding, 100..=199) => {
                self.state = Proceeding;
                Some(ClientEvent::Provisional(response))
            }
            (Trying | Proceeding, 200..=699) => {
                self.state = Completed;
                self.timers.clear();
                self.state = Terminated;
                Some(ClientEvent::Final(response))
            }
            _ => None,
        }
    }

    /// Timer F: the request timed out (the TU sees a 408, §8.1.3.1).
    pub fn on_timeout(&mut self, now: Time) -> Option<ClientEvent> {
        match self.timers.pop_expired(now)? {
            Timer::F => {
                self.state = ClientNonInviteState::Terminated;
                Some(ClientEvent::Timeout)
            }
        }
    }

    /// The transport went away: no response can come back on this flow.
    pub fn abort(&mut self) {
        self.state = ClientNonInviteState::Terminated;
        self.timers.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::Method;
    use crate::uri::Uri;

    fn request() -> Request {
        Request::new(Method::OPTIONS, Uri::sip(Some("bob"), "example.test"))
    }

    #[test]
    fn final_response_terminates() {
        let mut tx = ClientNonInvite::start(Time::ZERO, request());
        assert_eq!(tx.next_deadline(), Some(Time::from_millis(32_000)));
        let trying = Response::new(100, "Trying");
        assert!(matches!(
            tx.on_response(trying),
            Some(ClientEvent::Provisional(_))
        ));
        assert_eq!(tx.state(), ClientNonInviteState::Proceeding);
        let ok = Response::new(200, "OK");
        assert!(matches!(
            tx.on_response(ok.clone()),
            Some(ClientEvent::Final(_))
        ));
        assert!(tx.is_terminated());
        assert_eq!(tx.on_response(ok), None);
        assert_eq!(tx.next_deadline(), None);
    }

    #[test]
    fn timer_f_times_out() {
        let mut tx = ClientNonInvite::start(Time::ZERO, request());
        assert_eq!(tx.on_timeout(Time::from_millis(31_999)), None);
        assert_eq!(
            tx.on_timeout(Time::from_millis(32_000)),
            Some(ClientEvent::Timeout)
        );
        assert!(tx.is_terminated());
    }
}
