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
pub(crate) struct Call {
    pub(crate) handle: CallHandle,
    pub(crate) direction: CallDirection,
    pub(crate) state: CallState,
    /// Early or confirmed dialog; `None` before the first response with a To tag (UAC).
    pub(crate) dialog: Option<Dialog>,
    pub(crate) local_tag: String,
    /// UAC: the INVITE as last sent (CANCEL and ACK copy it). UAS: the INVITE received.
    pub(crate) invite: Request,
    /// UAS: the branch of the INVITE's server transaction, to answer through it.
    pub(crate) invite_branch: String,
    /// True if the initial INVITE carried an offer (else the offer is in the 2xx and the
    /// answer in the ACK).
    pub(crate) offer_in_invite: bool,
    /// UAC: a provisional response arrived (a CANCEL may be sent, §9.1).
    pub(crate) got_provisional: bool,
    /// The re-INVITE sub-state (only meaningful once confirmed).
    pub(crate) negotiation: Negotiation,
    /// A transfer the peer asked of us (REFER received).
    pub(crate) transfer_in: Option<TransferIn>,
    /// A transfer we asked of the peer (REFER sent).
    pub(crate) transfer_out: Option<TransferOut>,
    /// This call was placed to carry out a REFER received in that call.
    pub(crate) transfer_of: Option<CallHandle>,
    pub(crate) timers: TimerTable<CallTimer>,
    /// UAC: the last ACK for a 2xx, re-sent if the 2xx is (§13.2.2.4).
    pub(crate) last_ack: Option<Request>,
    /// The peer listed the `trickle-ice` Info Package in `Recv-Info` (RFC 8840 §4.1,
    /// RFC 6086 §5.2.2): in its INVITE (UAS) or in the response that made the dialog (UAC).
    pub(crate) peer_trickles: bool,
}

/// What a new call starts from: who placed it, its dialog so far and its INVITE.
pub(crate) struct NewCall {
    pub handle: CallHandle,
    pub direction: CallDirection,
    pub state: CallState,
    pub dialog: Option<Dialog>,
    pub local_tag: String,
    pub invite: Request,
    pub invite_branch: String,
    pub offer_in_invite: bool,
    pub timers: TimerTable<CallTimer>,
    pub peer_trickles: bool,
}

impl Call {
    /// A call in its first state: no provisional response, no re-INVITE, no transfer yet.
    pub(crate) fn new(new: NewCall) -> Call {
        Call {
            handle: new.handle,
            direction: new.direction,
            state: new.state,
            dialog: new.dialog,
            local_tag: new.local_tag,
            invite: new.invite,
            invite_branch: new.invite_branch,
            offer_in_invite: new.offer_in_invite,
            got_provisional: false,
            negotiation: Negotiation::Idle,
            transfer_in: None,
            transfer_out: None,
            transfer_of: None,
            timers: new.timers,
            last_ack: None,
            peer_trickles: new.peer_trickles,
        }
    }

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
