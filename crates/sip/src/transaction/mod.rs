//! RFC 3261 §17 transactions for a reliable transport (SIP over WebSocket, RFC 7118).
//!
//! Four machines, one state enum each: [`ClientInvite`], [`ClientNonInvite`], [`ServerInvite`],
//! [`ServerNonInvite`]. They hold no I/O: they take a message or a timeout and say what the
//! transaction user should see and what to send. Over a reliable transport nothing is
//! retransmitted (§17.1.1.2) and Timers D, I, J and K are zero, so the Completed and Confirmed
//! states end at once.
//!
//! Matching (§17.1.3, §17.2.3): by the top Via branch and the CSeq method; ACK to a non-2xx
//! matches the INVITE's server transaction, and CANCEL is matched to its INVITE by branch
//! (§9.2) but runs its own non-INVITE transaction.

pub mod cancel;
pub mod client_invite;
pub mod client_non_invite;
pub mod server_invite;
pub mod server_non_invite;

pub use client_invite::ClientInvite;
pub use client_non_invite::ClientNonInvite;
pub use server_invite::ServerInvite;
pub use server_non_invite::ServerNonInvite;

use crate::message::Response;

/// What a client transaction hands its transaction user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// A 1xx.
    Provisional(Response),
    /// A final response. For an INVITE a 2xx is passed on every time it arrives (RFC 6026
    /// Accepted state): the dialog layer sends the ACK (§13.2.2.4).
    Final(Response),
    /// Timer B or F fired (§17.1.1.2, §17.1.2.2): the TU treats it as a 408.
    Timeout,
    /// The transport failed before a final response (§17.1.1.2, §17.1.2.2): the TU treats
    /// it as a 503 (§8.1.3.1).
    TransportError,
}
