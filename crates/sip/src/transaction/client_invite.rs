//! The INVITE client transaction (RFC 3261 §17.1.1, with the Accepted state of RFC 6026 §7.2).

use super::ClientEvent;
use crate::header::name::HeaderName;
use crate::header::typed::CSeq;
use crate::message::{Request, Response};
use crate::method::Method;
use crate::time::Time;
use crate::timer::{TimerTable, TIMER_64_T1};

/// RFC 3261 Figure 5 plus RFC 6026 Accepted. Over a reliable transport Timer D is zero, so
/// Completed is left as soon as it is entered: it is kept in the enum for the diagram's sake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientInviteState {
    Calling,
    Proceeding,
    Completed,
    /// A 2xx arrived; more 2xx (retransmissions, forks) still go to the TU until Timer M.
    Accepted,
    Terminated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timer {
    /// §17.1.1.2 Timer B: no response at all.
    B,
    /// RFC 6026 §7.2 Timer M: how long Accepted lasts.
    M,
}

/// An INVITE client transaction. It keeps its INVITE to build the ACK for a non-2xx.
#[derive(Debug, Clone)]
pub struct ClientInvite {
    state: ClientInviteState,
    request: Request,
    timers: TimerTable<Timer>,
}

/// What the UA must do after a response: tell the TU, and maybe send the ACK (non-2xx).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInviteOutput {
    pub event: Option<ClientEvent>,
    pub ack: Option<Request>,
}

impl ClientInvite {
    /// Starts in Calling with Timer B armed (§17.1.1.2). The caller sends `request`.
    pub fn start(now: Time, request: Request) -> ClientInvite {
        let mut timers = TimerTable::new();
        timers.set(Timer::B, now + TIMER_64_T1);
        ClientInvite {
            state: ClientInviteState::Calling,
            request,
            timers,
        }
    }

    #[cfg(test)]
    pub fn state(&self) -> ClientInviteState {
        self.state
    }

    pub fn request(&self) -> &Request {
        &self.request
    }

    pub fn is_terminated(&self) -> bool {
        self.state == ClientInviteState::Terminated
    }

    /// True once a response has arrived (a CANCEL may only be sent after one, §9.1).
    #[cfg(test)]
    pub fn has_response(&self) -> bool {
        self.state != ClientInviteState::Calling
    }

    /// True once a final response arrived (Accepted, Completed or Terminated).
    pub fn has_final(&self) -> bool {
        !matches!(
            self.state,
            ClientInviteState::Calling | ClientInviteState::Proceeding
        )
    }

    pub fn next_deadline(&self) -> Option<Time> {
        self.timers.next_deadline()
    }

    /// §17.1.1.2: 1xx → Proceeding; 2xx → Accepted (RFC 6026); 300–699 → ACK, Completed,
    /// then Terminated at once (Timer D = 0).
    pub fn on_response(&mut self, now: Time, response: Response) -> ClientInviteOutput {
        use ClientInviteState::*;
        let code = response.code;
        let none = ClientInviteOutput {
            event: None,
            ack: None,
        };
        match (self.state, code) {
            (Calling | Proceeding, 100..=199) => {
                self.state = Proceeding;
                self.timers.stop(Timer::B);
                ClientInviteOutput {
                    event: Some(ClientEvent::Provisional(response)),
                    ack: None,
                }
            }
            (Calling | Proceeding, 200..=299) => {
                self.state = Accepted;
                self.timers.clear();
                self.timers.set(Timer::M, now + TIMER_64_T1);
                ClientInviteOutput {
                    event: Some(ClientEvent::Final(response)),
                    ack: None,
                }
            }
            (Calling | Proceeding, 300..=699) => {
                let ack = ack_for_failure(&self.request, &response);
                self.state = Completed;
                self.timers.clear();
                // Timer D is zero on a reliable transport (§17.1.1.2).
                self.state = Terminated;
                ClientInviteOutput {
                    event: Some(ClientEvent::Final(response)),
                    ack: Some(ack),
                }
            }
            (Accepted, 200..=299) => ClientInviteOutput {
                event: Some(ClientEvent::Final(response)),
                ack: None,
            },
            _ => none,
        }
    }

    /// Fires due timers: Timer B ends the transaction with a timeout; Timer M just ends it.
    pub fn on_timeout(&mut self, now: Time) -> Option<ClientEvent> {
        match self.timers.pop_expired(now)? {
            Timer::B => {
                self.state = ClientInviteState::Terminated;
                self.timers.clear();
                Some(ClientEvent::Timeout)
            }
            Timer::M => {
                self.state = ClientInviteState::Terminated;
                None
            }
        }
    }

    /// The transport went away: no response can come back on this flow.
    pub fn abort(&mut self) {
        self.state = ClientInviteState::Terminated;
        self.timers.clear();
    }
}

/// RFC 3261 §17.1.1.3: the ACK for a non-2xx final response is built by the transaction from
/// its INVITE: same Request-URI, Call-ID, From, top Via (same branch) and Route headers, the To
/// of the response (with its tag), CSeq number of the INVITE with method ACK, no body.
pub fn ack_for_failure(invite: &Request, response: &Response) -> Request {
    let mut ack = Request::new(Method::ACK, invite.uri.clone());
    if let Some(via) = invite.headers.get(&HeaderName::VIA) {
        // Only the top Via: a UA's INVITE has exactly one anyway.
        let top = crate::header::split::split_list(via)
            .ok()
            .and_then(|values| values.first().map(|v| (*v).to_owned()))
            .unwrap_or_else(|| via.to_owned());
        ack.headers.push(HeaderName::VIA, top);
    }
    for name in [HeaderName::MAX_FORWARDS, HeaderName::FROM] {
        if let Some(value) = invite.headers.get(&name) {
            ack.headers.push(name, value);
        }
    }
    match response.headers.get(&HeaderName::TO) {
        Some(to) => ack.headers.push(HeaderName::TO, to),
        None => {
            if let Some(to) = invite.headers.get(&HeaderName::TO) {
                ack.headers.push(HeaderName::TO, to);
            }
        }
    }
    if let Some(call_id) = invite.headers.get(&HeaderName::CALL_ID) {
        ack.headers.push(HeaderName::CALL_ID, call_id);
    }
    if let Some(Ok(cseq)) = invite.headers.typed::<CSeq>() {
        ack.headers.push_typed(&CSeq {
            seq: cseq.seq,
            method: Method::ACK,
        });
    }
    for route in invite.headers.get_all(&HeaderName::ROUTE) {
        ack.headers.push(HeaderName::ROUTE, route);
    }
    ack.headers.push(HeaderName::CONTENT_LENGTH, "0");
    ack
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uri::Uri;

    fn invite() -> Request {
        let mut r = Request::new(Method::INVITE, Uri::sip(Some("bob"), "example.test"));
        r.headers
            .push(HeaderName::VIA, "SIP/2.0/WSS a.invalid;branch=z9hG4bK1");
        r.headers.push(HeaderName::MAX_FORWARDS, "70");
        r.headers
            .push(HeaderName::FROM, "<sip:alice@example.test>;tag=a");
        r.headers.push(HeaderName::TO, "<sip:bob@example.test>");
        r.headers.push(HeaderName::CALL_ID, "c1");
        r.headers.push(HeaderName::CSEQ, "4 INVITE");
        r.headers.push(HeaderName::ROUTE, "<sip:p.example;lr>");
        r
    }

    fn response(code: u16) -> Response {
        let mut r = Response::new(code, "x");
        r.headers
            .push(HeaderName::TO, "<sip:bob@example.test>;tag=b");
        r
    }

    #[test]
    fn provisional_stops_timer_b() {
        let mut tx = ClientInvite::start(Time::ZERO, invite());
        assert_eq!(tx.next_deadline(), Some(Time::from_millis(32_000)));
        let out = tx.on_response(Time::ZERO, response(180));
        assert!(matches!(out.event, Some(ClientEvent::Provisional(_))));
        assert_eq!(tx.state(), ClientInviteState::Proceeding);
        assert_eq!(tx.next_deadline(), None);
        assert!(tx.has_response() && !tx.has_final());
    }

    #[test]
    fn failure_is_acked_by_the_transaction() {
        let mut tx = ClientInvite::start(Time::ZERO, invite());
        let out = tx.on_response(Time::ZERO, response(486));
        assert!(matches!(out.event, Some(ClientEvent::Final(ref r)) if r.code == 486));
        let ack = out.ack.expect("ack");
        assert_eq!(ack.method, Method::ACK);
        assert_eq!(ack.uri.to_string(), "sip:bob@example.test");
        assert_eq!(
            ack.headers.get(&HeaderName::VIA),
            Some("SIP/2.0/WSS a.invalid;branch=z9hG4bK1")
        );
        assert_eq!(
            ack.headers.get(&HeaderName::TO),
            Some("<sip:bob@example.test>;tag=b")
        );
        assert_eq!(ack.headers.get(&HeaderName::CSEQ), Some("4 ACK"));
        assert_eq!(
            ack.headers.get(&HeaderName::ROUTE),
            Some("<sip:p.example;lr>")
        );
        assert!(tx.is_terminated());
    }

    #[test]
    fn success_is_accepted_and_repeated_to_the_tu() {
        let mut tx = ClientInvite::start(Time::ZERO, invite());
        let out = tx.on_response(Time::ZERO, response(200));
        assert!(out.ack.is_none());
        assert_eq!(tx.state(), ClientInviteState::Accepted);
        // RFC 6026: a retransmitted or forked 2xx still reaches the TU.
        let again = tx.on_response(Time::from_millis(10), response(200));
        assert!(matches!(again.event, Some(ClientEvent::Final(_))));
        assert!(tx.on_response(Time::ZERO, response(486)).event.is_none());
        assert_eq!(tx.on_timeout(Time::from_millis(32_000)), None);
        assert!(tx.is_terminated());
    }

    #[test]
    fn timer_b_times_out() {
        let mut tx = ClientInvite::start(Time::ZERO, invite());
        assert_eq!(tx.on_timeout(Time::from_millis(31_999)), None);
        assert_eq!(
            tx.on_timeout(Time::from_millis(32_000)),
            Some(ClientEvent::Timeout)
        );
        assert!(tx.is_terminated());
    }
}
