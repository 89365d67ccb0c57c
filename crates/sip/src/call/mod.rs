//! Calls: one INVITE session (RFC 3261 §13–§15) per [`CallHandle`], with its dialog, the
//! offer/answer exchanges of re-INVITEs, and REFER transfers. The behaviour lives in
//! [`crate::ua`]; this module holds the state.

pub mod negotiation;
pub mod transfer;

pub use negotiation::Negotiation;
pub use transfer::{TransferIn, TransferOut};

use crate::dialog::Dialog;
use crate::message::Request;
use crate::time::Time;
use crate::timer::TimerTable;

/// The application's handle on a call. Handles are never reused within one [`crate::ua::Ua`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallHandle(pub u32);

/// Who sent the INVITE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallDirection {
    Outgoing,
    Incoming,
}

/// The INVITE session state. `Ended` has already been reported when a call is in
/// `Cancelling` or `Terminating`: those states only finish the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// UAC: INVITE sent, no final response yet (an early dialog may exist).
    Calling,
    /// UAS: INVITE received and ringing, the application has not answered.
    Incoming,
    /// UAS: 2xx sent, waiting for the ACK (§13.3.1.4). `bye_after_ack`: the application hung
    /// up meanwhile, and §15 forbids the BYE before the ACK.
    Accepted { bye_after_ack: bool },
    /// The dialog is confirmed: the call is up.
    Confirmed,
    /// UAC: hung up before an answer. A CANCEL may only follow a provisional response
    /// (§9.1), so `cancel_sent` is false until one arrives.
    Cancelling { cancel_sent: bool },
    /// BYE sent, waiting for its response.
    Terminating,
    /// Done; the call is removed.
    Terminated,
}

/// Timers a call runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallTimer {
    /// No answer within `UaConfig::no_answer_timeout` (CANCEL for the UAC, 480 for the UAS).
    NoAnswer,
    /// §13.3.1.4: the ACK for our 2xx did not arrive within 64*T1: BYE.
    AckWait,
    /// §14.1: the back-off after a 491 before re-sending our re-INVITE.
    GlareRetry,
}

/// One call.
#[derive(Debug, Clone)]
pub struct Call {
    pub handle: CallHandle,
    pub direction: CallDirection,
    pub state: CallState,
    /// Early or confirmed dialog; `None` before the first response with a To tag (UAC).
    pub dialog: Option<Dialog>,
    pub call_id: String,
    pub local_tag: String,
    /// UAC: the INVITE as last sent (CANCEL and ACK copy it). UAS: the INVITE received.
    pub invite: Request,
    /// UAS: the branch of the INVITE's server transaction, to answer through it.
    pub invite_branch: String,
    /// True if the initial INVITE carried an offer (else the offer is in the 2xx and the
    /// answer in the ACK).
    pub offer_in_invite: bool,
    /// UAC: a provisional response arrived (a CANCEL may be sent, §9.1).
    pub got_provisional: bool,
    /// The re-INVITE sub-state (only meaningful once confirmed).
    pub negotiation: Negotiation,
    /// A transfer the peer asked of us (REFER received).
    pub transfer_in: Option<TransferIn>,
    /// A transfer we asked of the peer (REFER sent).
    pub transfer_out: Option<TransferOut>,
    /// This call was placed to carry out a REFER received in that call.
    pub transfer_of: Option<CallHandle>,
    pub timers: TimerTable<CallTimer>,
    /// UAC: the last ACK for a 2xx, re-sent if the 2xx is (§13.2.2.4).
    pub last_ack: Option<Request>,
    /// The peer listed the `trickle-ice` Info Package in `Recv-Info` (RFC 8840 §4.1,
    /// RFC 6086 §5.2.2): in its INVITE (UAS) or in the response that made the dialog (UAC).
    pub peer_trickles: bool,
}

impl Call {
    /// §14.1: the UA that generated the Call-ID (the original caller) backs off longer.
    pub fn owns_call_id(&self) -> bool {
        self.direction == CallDirection::Outgoing
    }

    /// True once `Ended` has been reported.
    pub fn has_ended(&self) -> bool {
        matches!(
            self.state,
            CallState::Cancelling { .. } | CallState::Terminating | CallState::Terminated
        ) || matches!(
            self.state,
            CallState::Accepted {
                bye_after_ack: true
            }
        )
    }

    pub fn next_deadline(&self) -> Option<Time> {
        self.timers.next_deadline()
    }
}
