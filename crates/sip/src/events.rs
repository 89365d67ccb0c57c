//! What the user agent tells the application ([`crate::ua::Output::Event`]).

use crate::call::CallHandle;
use crate::error::ParseError;
use crate::ua::MessageHandle;
use crate::uri::Uri;

/// Something the application should know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A REGISTER succeeded (first time and every refresh). `expires` is what the registrar
    /// granted for our binding (RFC 3261 §10.2.4).
    Registered { expires: u32, code: u16 },
    /// A REGISTER failed for good (after any digest retry). `code` 408 is a timeout, 503 a
    /// transport failure (RFC 3261 §8.1.3.1).
    RegistrationFailed { code: u16, reason: String },
    /// The binding was removed (`Expires: 0`), with the registrar's status code.
    Unregistered { code: u16 },

    /// An INVITE arrived; answer with `accept`, `reject` or `hangup`. `offer` is `None` for an
    /// INVITE without SDP: then `accept` carries the offer and the answer comes in
    /// [`Event::Answered`] (RFC 3264 §2, RFC 3261 §13.2.1).
    IncomingCall {
        call: CallHandle,
        from: Uri,
        to: Uri,
        display_name: Option<String>,
        offer: Option<String>,
    },
    /// A provisional response (180/183) to our INVITE, with its SDP if it has one.
    Ringing {
        call: CallHandle,
        code: u16,
        early_sdp: Option<String>,
    },
    /// The call is connected. UAC: the 2xx's SDP (the answer). UAS: the ACK's SDP, present
    /// when the INVITE had no offer and our 2xx carried one.
    Answered {
        call: CallHandle,
        sdp: Option<String>,
    },
    /// The call is over; emitted exactly once per call.
    Ended {
        call: CallHandle,
        code: Option<u16>,
        reason: EndReason,
    },
    /// The peer offers new SDP (a re-INVITE, or the 2xx to our INVITE without SDP); reply
    /// with `answer_reinvite` (or `reject_reinvite`).
    RemoteOffer { call: CallHandle, sdp: String },
    /// The peer sent a re-INVITE without SDP and wants our offer in the 2xx: reply with
    /// `answer_reinvite(offer)`; the answer arrives as [`Event::RemoteAnswer`].
    OfferRequested { call: CallHandle },
    /// The answer to our re-INVITE (or to the offer we sent in a 2xx).
    RemoteAnswer { call: CallHandle, sdp: String },
    /// Our re-INVITE failed (the session is unchanged, RFC 3261 §14.1): roll the local offer
    /// back. 491 here means the peer's own re-INVITE won the glare.
    ReinviteFailed { call: CallHandle, code: u16 },
    /// A DTMF digit from an INFO `application/dtmf-relay` body.
    Dtmf {
        call: CallHandle,
        digit: char,
        duration: u32,
    },
    /// Trickled ICE candidates from the peer: the body of a `trickle-ice` Info Package INFO,
    /// an `application/trickle-ice-sdpfrag` (RFC 8840 §4.4, §9.2).
    IceFragment { call: CallHandle, fragment: String },
    /// Any other INFO body.
    Info {
        call: CallHandle,
        content_type: String,
        body: String,
    },
    /// An in-dialog request we sent (INFO, MESSAGE in a call…) got a failure response.
    RequestFailed {
        call: CallHandle,
        method: String,
        code: u16,
    },
    /// The peer asks us to call `target` (REFER, RFC 3515). Answer with `accept_transfer`
    /// (which places the new call and reports its outcome to the peer) or `decline_transfer`.
    TransferRequested { call: CallHandle, target: Uri },
    /// Progress of a transfer we asked for with `refer`: 202 when the REFER was accepted, then
    /// each status line from the peer's NOTIFY `message/sipfrag` bodies. `done` is true on the
    /// last report (the REFER failed or the subscription terminated).
    TransferProgress {
        call: CallHandle,
        code: u16,
        done: bool,
    },

    /// An incoming MESSAGE (RFC 3428), already answered 200.
    Message {
        from: Uri,
        content_type: String,
        body: String,
    },
    /// Our MESSAGE got a 2xx.
    MessageDelivered { message: MessageHandle, code: u16 },
    /// Our MESSAGE failed (final non-2xx, timeout 408, transport 503).
    MessageFailed { message: MessageHandle, code: u16 },

    /// A SIP message went out or came in (only when `UaConfig::trace` is on).
    Trace {
        direction: Direction,
        message: String,
    },
    /// Received input that was dropped (never a panic, never affects other calls).
    Discarded(Discard),
}

/// Direction of a traced message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Sent,
    Received,
}

/// Why a call ended: who and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndReason {
    /// We hung up an established call (BYE sent).
    LocalHangup,
    /// The peer hung up (BYE received).
    RemoteHangup,
    /// We cancelled our unanswered INVITE (CANCEL sent).
    LocalCancel,
    /// The caller cancelled before we answered (CANCEL received, 487 sent).
    RemoteCancel,
    /// We rejected an incoming call with `code`.
    LocalReject,
    /// Our INVITE got a final failure response `code` (486 busy, 603 declined, 404, …).
    Rejected,
    /// Nobody answered within the configured no-answer time (CANCEL or 480 sent).
    NoAnswer,
    /// No response to a request (Timer B/F, RFC 3261 §17.1.1.2), or a 408.
    Timeout,
    /// The peer never ACKed our 2xx (RFC 3261 §13.3.1.4): BYE sent.
    AckTimeout,
    /// The transport went down before the call was established.
    TransportError,
    /// The peer no longer knows the dialog (481 to an in-dialog request, RFC 3261 §12.2.1.2).
    DialogGone,
    /// Credentials were missing or refused (401/407 after the one retry).
    AuthFailed,
}

/// Why received input was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discard {
    Malformed(ParseError),
    BadRequest(&'static str),
    BadResponse(&'static str),
    NotOurVia,
    UnknownTransaction,
    StrayAck,
    TransportDown,
}

impl Discard {
    /// Why, in words (what `Display` prints), built without `core::fmt`.
    pub fn message(&self) -> String {
        let fixed = match self {
            Discard::Malformed(e) => return ["malformed message: ", &e.message()].concat(),
            Discard::BadRequest(h) => return ["request lacks a mandatory header: ", h].concat(),
            Discard::BadResponse(h) => return ["response lacks a mandatory header: ", h].concat(),
            Discard::NotOurVia => "response top via is not ours",
            Discard::UnknownTransaction => "response matches no transaction",
            Discard::StrayAck => "ack matches no transaction or dialog",
            Discard::TransportDown => "not sent, transport is down",
        };
        fixed.to_owned()
    }
}

impl std::fmt::Display for Discard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Discard {}
