//! How calls end from our side (§15, §9.1): hang-up, CANCEL, BYE, and reporting
//! [`Event::Ended`] exactly once.

use super::client::Owner;
use super::{Ua, UaError};
use crate::auth::attempts::Attempts;
use crate::call::{Call, CallHandle, CallState, CallTimer};
use crate::dialog::DialogState;
use crate::events::{EndReason, Event};
use crate::method::Method;
use crate::time::Time;
use crate::transaction::cancel::cancel_for;

impl Ua {
    /// Ends a call from our side: CANCEL before an answer (§9.1), BYE after (§15.1), and for
    /// an incoming call not yet answered, 603 Decline. [`Event::Ended`] follows at once.
    pub fn hangup(&mut self, now: Time, handle: CallHandle) -> Result<(), UaError> {
        let state = self.call_ref(handle)?.state;
        match state {
            CallState::Calling => {
                self.cancel_call(now, handle);
                self.report_ended(now, handle, None, EndReason::LocalCancel);
            }
            CallState::Incoming => {
                self.reject(now, handle, 603)?;
            }
            CallState::Accepted {
                bye_after_ack: false,
            } => {
                // §15: the BYE must wait for the ACK (or its timeout).
                self.call_mut(handle)?.state = CallState::Accepted {
                    bye_after_ack: true,
                };
                self.report_ended(now, handle, None, EndReason::LocalHangup);
            }
            CallState::Confirmed => {
                self.report_ended(now, handle, None, EndReason::LocalHangup);
                self.send_bye(now, handle);
            }
            _ => return Err(UaError::InvalidState("call already ended")),
        }
        Ok(())
    }

    /// UAC: CANCEL the pending INVITE, or remember to once a provisional response arrives.
    pub(super) fn cancel_call(&mut self, now: Time, handle: CallHandle) {
        let Ok(call) = self.call_mut(handle) else {
            return;
        };
        call.timers.stop(CallTimer::NoAnswer);
        let send_now = call.got_provisional;
        call.state = CallState::Cancelling {
            cancel_sent: send_now,
        };
        let invite = call.invite.clone();
        if send_now {
            self.send_client(
                now,
                cancel_for(&invite, None),
                Owner::Call(handle),
                Attempts::default(),
            );
        }
    }

    /// Sends a BYE in the call's dialog (§15.1.1) and moves it to Terminating. Without a
    /// transport the call just ends here.
    pub(super) fn send_bye(&mut self, now: Time, handle: CallHandle) {
        let Ok(call) = self.call_mut(handle) else {
            return;
        };
        call.timers.clear();
        call.state = CallState::Terminating;
        let Some(dialog) = call.dialog.as_mut() else {
            return self.remove_call(handle);
        };
        let mut bye = dialog.next_request(Method::BYE);
        if !self.transport_up {
            return self.remove_call(handle);
        }
        self.push_user_agent(&mut bye.headers);
        self.send_client(now, bye, Owner::Call(handle), Attempts::default());
    }

    /// Reports [`Event::Ended`] once, and tells a transferor how the call we placed for it
    /// ended (RFC 3515 §2.4.5).
    pub(super) fn report_ended(
        &mut self,
        now: Time,
        handle: CallHandle,
        code: Option<u16>,
        reason: EndReason,
    ) {
        let Ok(call) = self.call_ref(handle) else {
            return;
        };
        let transfer_of = call.transfer_of;
        let answered = call
            .dialog
            .as_ref()
            .is_some_and(|d| d.state == DialogState::Confirmed);
        self.emit(Event::Ended {
            call: handle,
            code,
            reason,
        });
        if let Some(original) = transfer_of {
            if !answered {
                self.notify_transfer(now, original, code.unwrap_or(487));
            }
        }
    }

    /// Reports the end (unless already reported) and forgets the call.
    pub(super) fn end_call(
        &mut self,
        now: Time,
        handle: CallHandle,
        code: Option<u16>,
        reason: EndReason,
    ) {
        let already = self.call_ref(handle).map(Call::has_ended).unwrap_or(true);
        if !already {
            self.report_ended(now, handle, code, reason);
        }
        self.remove_call(handle);
    }

    pub(super) fn remove_call(&mut self, handle: CallHandle) {
        self.calls.retain(|c| c.handle != handle);
    }
}
