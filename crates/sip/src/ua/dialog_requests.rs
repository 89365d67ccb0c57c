//! Requests inside a call: dispatch by dialog (§12.2: 481 for unknown dialogs, 500 for an
//! out-of-order CSeq), BYE (§15), and what failures of in-dialog requests mean (end the call
//! on 481/408).

use super::{parts, Ua};
use crate::call::{CallHandle, CallState, Negotiation};
use crate::events::{EndReason, Event};
use crate::message::Request;
use crate::method::Method;
use crate::time::Time;
use crate::transaction::ClientEvent;

impl Ua {
    /// A request with a To tag (§12.2.2): find its dialog, check the CSeq, dispatch.
    pub(super) fn on_in_dialog_request(&mut self, now: Time, request: Request, branch: &str) {
        let (Some(call_id), Some(to_tag), Some(from_tag), Some(cseq)) = (
            parts::call_id(&request.headers),
            parts::to_tag(&request.headers),
            parts::from_tag(&request.headers),
            parts::cseq(&request.headers),
        ) else {
            return self.respond_code(now, &request, branch, 400);
        };
        let Some(call) = self.calls.iter_mut().find(|c| {
            c.dialog
                .as_ref()
                .is_some_and(|d| d.id.matches_request(&call_id, &to_tag, &from_tag))
        }) else {
            return self.respond_code(now, &request, branch, 481);
        };
        let handle = call.handle;
        let in_order = call
            .dialog
            .as_mut()
            .is_some_and(|d| d.accept_remote_seq(cseq.seq));
        if !in_order {
            return self.respond_code(now, &request, branch, 500);
        }
        match request.method.as_str() {
            "BYE" => self.on_bye(now, handle, &request, branch),
            "INVITE" => self.on_reinvite(now, handle, request, branch),
            "INFO" => self.on_info(now, handle, &request, branch),
            "REFER" => self.on_refer(now, handle, &request, branch),
            "NOTIFY" => self.on_notify(now, handle, &request, branch),
            "MESSAGE" => self.on_message(now, &request, branch),
            "OPTIONS" => self.on_options(now, &request, branch),
            "UPDATE" | "PRACK" | "SUBSCRIBE" | "PUBLISH" | "REGISTER" => {
                self.respond_not_allowed(now, &request, branch)
            }
            _ => self.respond_code(now, &request, branch, 501),
        }
    }

    /// BYE (§15.1.2): 200, and a still-pending INVITE or re-INVITE gets 487.
    fn on_bye(&mut self, now: Time, handle: CallHandle, request: &Request, branch: &str) {
        self.respond_code(now, request, branch, 200);
        let Ok(call) = self.call_ref(handle) else {
            return;
        };
        let mut pending = vec![call.invite_branch.clone()];
        if let Negotiation::RemotePending { branch, .. } = &call.negotiation {
            pending.push(branch.clone());
        }
        for invite_branch in pending {
            let invite = self.servers.iter().find_map(|s| match &s.machine {
                super::server::ServerMachine::Invite(tx)
                    if s.branch == invite_branch && tx.is_pending() =>
                {
                    Some(tx.request().clone())
                }
                _ => None,
            });
            if let Some(invite) = invite {
                let response = self.response_to(&invite, 487, Some(&to_tag_of(request)));
                self.respond(now, &invite_branch, &Method::INVITE, response);
            }
        }
        self.end_call(now, handle, None, EndReason::RemoteHangup);
    }

    /// §12.2.1.2, §14.1: a 481 means the dialog is gone; a 408 (or no answer) ends it with
    /// a BYE.
    pub(super) fn end_on_dialog_failure(&mut self, now: Time, handle: CallHandle, code: u16) {
        match code {
            481 => self.end_call(now, handle, Some(481), EndReason::DialogGone),
            408 if self
                .call_ref(handle)
                .is_ok_and(|c| c.state == CallState::Confirmed) =>
            {
                self.report_ended(now, handle, Some(408), EndReason::Timeout);
                self.send_bye(now, handle);
            }
            _ => {}
        }
    }

    /// Results of in-dialog requests without their own handling (INFO, MESSAGE, NOTIFY…).
    pub(super) fn in_dialog_result(
        &mut self,
        now: Time,
        handle: CallHandle,
        request: &Request,
        event: ClientEvent,
    ) {
        let code = match event {
            ClientEvent::Provisional(_) => return,
            ClientEvent::Final(response) if response.is_success() => return,
            ClientEvent::Final(response) => response.code,
            ClientEvent::Timeout => 408,
            ClientEvent::TransportError => 503,
        };
        if request.method != Method::NOTIFY {
            self.emit(Event::RequestFailed {
                call: handle,
                method: request.method.as_str().to_owned(),
                code,
            });
        }
        // A failure in an early dialog (a trickle ICE INFO, RFC 8840 §4.3), or in a dialog the
        // call has left since (another fork answered), says nothing of the call: the INVITE
        // transaction decides its fate (RFC 3261 §12.1.2, §13.2.2.4).
        let sent_in = parts::to_tag(&request.headers);
        let in_call_dialog = self.call_ref(handle).is_ok_and(|call| {
            call.state == CallState::Confirmed
                && call
                    .dialog
                    .as_ref()
                    .is_some_and(|d| sent_in.as_deref() == Some(d.id.remote_tag.as_str()))
        });
        if in_call_dialog {
            self.end_on_dialog_failure(now, handle, code);
        }
    }
}

/// The To tag of an in-dialog request (our local tag).
fn to_tag_of(request: &Request) -> String {
    parts::to_tag(&request.headers).unwrap_or_default()
}
