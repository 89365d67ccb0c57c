//! Blind transfer with REFER (RFC 3515): REFER, 202, then NOTIFYs carrying `message/sipfrag`
//! status lines of the new call, in the REFER's dialog (§2.4.4).

use super::build::set_body;
use super::client::Owner;
use super::{Ua, UaError};
use crate::auth::attempts::Attempts;
use crate::call::transfer::subscription_state;
use crate::call::{CallHandle, CallState, TransferIn, TransferOut};
use crate::events::Event;
use crate::header::name::HeaderName;
use crate::header::typed::ReferTo;
use crate::message::Request;
use crate::method::Method;
use crate::name_addr::NameAddr;
use crate::reason_phrase::reason_phrase;
use crate::time::Time;
use crate::transaction::ClientEvent;
use crate::uri::Uri;

impl Ua {
    /// Asks the peer to call `target` (blind transfer). [`Event::TransferProgress`] reports
    /// the 202 and then the peer's NOTIFYs; hang up when it is done.
    pub fn refer(&mut self, now: Time, handle: CallHandle, target: Uri) -> Result<(), UaError> {
        let call = self.call_ref(handle)?;
        if call.state != CallState::Confirmed {
            return Err(UaError::InvalidState("call is not established"));
        }
        if call.transfer_out.is_some() {
            return Err(UaError::InvalidState("a transfer is in progress"));
        }
        if !self.transport_up {
            return Err(UaError::TransportDown);
        }
        let referred_by = NameAddr::new(self.config.aor.clone());
        let call = self.call_mut(handle)?;
        let Some(dialog) = call.dialog.as_mut() else {
            return Err(UaError::InvalidState("call has no dialog"));
        };
        let mut request = dialog.next_request(Method::REFER);
        call.transfer_out = Some(TransferOut {
            target: target.clone(),
            accepted: false,
        });
        request.headers.push_typed(&ReferTo(NameAddr::new(target)));
        request
            .headers
            .push(HeaderName::REFERRED_BY, referred_by.to_text());
        request
            .headers
            .push_typed(&crate::header::typed::Contact::Addr(self.local.contact()));
        self.push_user_agent(&mut request.headers);
        self.send_client(now, request, Owner::Call(handle), Attempts::default());
        Ok(())
    }

    /// The response to our REFER.
    pub(super) fn refer_result(&mut self, now: Time, handle: CallHandle, event: ClientEvent) {
        let (code, done) = match event {
            ClientEvent::Provisional(_) => return,
            ClientEvent::Final(response) if response.is_success() => (response.code, false),
            ClientEvent::Final(response) => (response.code, true),
            ClientEvent::Timeout => (408, true),
            ClientEvent::TransportError => (503, true),
        };
        let Ok(call) = self.call_mut(handle) else {
            return;
        };
        match call.transfer_out.as_mut() {
            Some(transfer) if !done => transfer.accepted = true,
            _ => call.transfer_out = None,
        }
        self.emit(Event::TransferProgress {
            call: handle,
            code,
            done,
        });
        if code == 481 {
            self.end_call(now, handle, Some(481), crate::events::EndReason::DialogGone);
        }
    }

    /// NOTIFY in a call: only the implicit `refer` subscription exists (RFC 3515 §2.4.4);
    /// anything else is 489 Bad Event (RFC 6665 §8.2.1).
    pub(super) fn on_notify(
        &mut self,
        now: Time,
        handle: CallHandle,
        request: &Request,
        branch: &str,
    ) {
        let event = request.headers.get(&HeaderName::EVENT).unwrap_or("");
        let package = event.split(';').next().unwrap_or("").trim();
        if !package.eq_ignore_ascii_case("refer") {
            return self.respond_code(now, request, branch, 489);
        }
        let body = String::from_utf8_lossy(&request.body);
        let Some(code) = crate::sipfrag::status_code(&body) else {
            return self.respond_code(now, request, branch, 400);
        };
        // RFC 6665 §8.2.3: `terminated` ends the subscription; without the header, a final
        // status does.
        let done = match request.headers.get(&HeaderName::SUBSCRIPTION_STATE) {
            Some(state) => state
                .split(';')
                .next()
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("terminated")),
            None => code >= 200,
        };
        self.respond_code(now, request, branch, 200);
        if let Ok(call) = self.call_mut(handle) {
            if done {
                call.transfer_out = None;
            }
        }
        self.emit(Event::TransferProgress {
            call: handle,
            code,
            done,
        });
    }

    /// REFER received (we are the transferee): 202, a first NOTIFY `100 Trying`, and
    /// [`Event::TransferRequested`] for the application to decide.
    pub(super) fn on_refer(
        &mut self,
        now: Time,
        handle: CallHandle,
        request: &Request,
        branch: &str,
    ) {
        let target = match request.headers.typed::<ReferTo>() {
            Some(Ok(refer_to)) => refer_to.0.uri,
            _ => return self.respond_code(now, request, branch, 400),
        };
        let Ok(call) = self.call_ref(handle) else {
            return;
        };
        if call.state != CallState::Confirmed || call.transfer_in.as_ref().is_some_and(|t| !t.done)
        {
            return self.respond_code(now, request, branch, 403);
        }
        let tag = call.local_tag.clone();
        let accepted = self.response_to(request, 202, Some(&tag));
        self.respond(now, branch, &Method::REFER, accepted);
        if let Ok(call) = self.call_mut(handle) {
            call.transfer_in = Some(TransferIn {
                target: target.clone(),
                new_call: None,
                done: false,
            });
        }
        self.notify_transfer(now, handle, 100);
        self.emit(Event::TransferRequested {
            call: handle,
            target,
        });
    }

    /// Carries out the transfer the peer asked for in `handle`: places the call to the
    /// REFER target (with `offer`) and reports its progress to the peer in NOTIFYs.
    pub fn accept_transfer(
        &mut self,
        now: Time,
        handle: CallHandle,
        offer: Option<String>,
    ) -> Result<CallHandle, UaError> {
        let call = self.call_ref(handle)?;
        let Some(transfer) = call
            .transfer_in
            .as_ref()
            .filter(|t| !t.done && t.new_call.is_none())
        else {
            return Err(UaError::InvalidState("no transfer to accept"));
        };
        let target = transfer.target.clone();
        let new_call = self.invite(now, target, offer, &[])?;
        self.call_mut(new_call)?.transfer_of = Some(handle);
        if let Some(transfer) = self.call_mut(handle)?.transfer_in.as_mut() {
            transfer.new_call = Some(new_call);
        }
        Ok(new_call)
    }

    /// Declines the transfer the peer asked for: a final NOTIFY `603 Declined`.
    pub fn decline_transfer(&mut self, now: Time, handle: CallHandle) -> Result<(), UaError> {
        let call = self.call_ref(handle)?;
        if !call
            .transfer_in
            .as_ref()
            .is_some_and(|t| !t.done && t.new_call.is_none())
        {
            return Err(UaError::InvalidState("no transfer to decline"));
        }
        self.notify_transfer(now, handle, 603);
        Ok(())
    }

    /// Sends the transferor a NOTIFY with the sipfrag of `code` (RFC 3515 §2.4.5), active
    /// while provisional, terminated with the final status.
    pub(super) fn notify_transfer(&mut self, now: Time, handle: CallHandle, code: u16) {
        if !self.transport_up {
            return;
        }
        let Ok(call) = self.call_mut(handle) else {
            return;
        };
        if call.state != CallState::Confirmed {
            return;
        }
        let Some(transfer) = call.transfer_in.as_mut().filter(|t| !t.done) else {
            return;
        };
        if code >= 200 {
            transfer.done = true;
        }
        let Some(dialog) = call.dialog.as_mut() else {
            return;
        };
        let mut notify = dialog.next_request(Method::NOTIFY);
        notify.headers.push(HeaderName::EVENT, "refer");
        notify
            .headers
            .push(HeaderName::SUBSCRIPTION_STATE, subscription_state(code));
        notify
            .headers
            .push_typed(&crate::header::typed::Contact::Addr(self.local.contact()));
        self.push_user_agent(&mut notify.headers);
        let body = crate::sipfrag::status_body(code, reason_phrase(code));
        set_body(
            &mut notify.headers,
            &mut notify.body,
            "message/sipfrag;version=2.0",
            &body,
        );
        self.send_client(now, notify, Owner::Call(handle), Attempts::default());
    }
}
