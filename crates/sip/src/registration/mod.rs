//! Registration (RFC 3261 §10.2) with SIP Outbound (RFC 5626) over WebSocket (RFC 7118): the
//! state machine and the rules for expiry and refresh. The Ua drives it (`ua/register.rs`).

pub mod binding;

pub use binding::{granted_expires, refresh_delay};

use crate::time::Time;
use crate::timer::TimerTable;

/// Where the registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationState {
    /// Not registered and not trying.
    Idle,
    /// A REGISTER is in flight.
    Registering,
    /// Bound; a refresh is scheduled.
    Registered,
    /// A REGISTER with `Expires: 0` is in flight.
    Unregistering,
    /// Wanted, but the transport is down: register when it comes back (RFC 5626 §4.4.1).
    WaitingTransport,
}

/// Timers of the registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationTimer {
    /// Re-REGISTER before the binding expires (§10.2.4).
    Refresh,
}

/// The registration of our one Contact.
#[derive(Debug, Clone)]
pub struct Registration {
    pub state: RegistrationState,
    /// §10.2.4: the same Call-ID for every REGISTER to this registrar, and increasing CSeq.
    pub call_id: String,
    pub from_tag: String,
    pub cseq: u32,
    /// The expiry we ask for; raised by a 423 (§10.2.8).
    pub expires: u32,
    /// Set when the credentials change while a REGISTER is in flight: send another after it.
    pub again_after_response: bool,
    /// RFC 8898 Bearer is sent on the first REGISTER only.
    pub sent_any: bool,
    pub timers: TimerTable<RegistrationTimer>,
}

impl Registration {
    pub fn new(call_id: String, from_tag: String, expires: u32) -> Registration {
        Registration {
            state: RegistrationState::Idle,
            call_id,
            from_tag,
            cseq: 0,
            expires,
            again_after_response: false,
            sent_any: false,
            timers: TimerTable::new(),
        }
    }

    /// The CSeq for the next REGISTER.
    pub fn next_cseq(&mut self) -> u32 {
        self.cseq = self.cseq.wrapping_add(1);
        self.cseq
    }

    /// True while the application wants to be registered.
    pub fn wanted(&self) -> bool {
        matches!(
            self.state,
            RegistrationState::Registering
                | RegistrationState::Registered
                | RegistrationState::WaitingTransport
        )
    }

    pub fn next_deadline(&self) -> Option<Time> {
        self.timers.next_deadline()
    }
}
