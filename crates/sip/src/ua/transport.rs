//! The edge of the core: frames in and out, and the transport going up and down.

use super::client::ClientMachine;
use super::{Output, Ua};
use crate::call::{CallState, Negotiation};
use crate::events::{Direction, Discard, EndReason, Event};
use crate::message::{Message, Request, Response};
use crate::registration::RegistrationState;
use crate::time::Time;
use crate::transaction::ClientEvent;

impl Ua {
    /// One received frame: parse, trace, dispatch. Malformed input is reported and dropped.
    pub(super) fn on_frame(&mut self, now: Time, bytes: &[u8]) {
        let message = match Message::parse(bytes) {
            Ok(message) => message,
            Err(error) => {
                if self.config.trace {
                    let text = String::from_utf8_lossy(bytes).into_owned();
                    self.emit(Event::Trace {
                        direction: Direction::Received,
                        message: text,
                    });
                }
                self.emit(Event::Discarded(Discard::Malformed(error)));
                return;
            }
        };
        if self.config.trace {
            self.emit(Event::Trace {
                direction: Direction::Received,
                message: message.to_text(),
            });
        }
        match message {
            Message::Request(request) => self.on_request(now, request),
            Message::Response(response) => self.on_response(now, response),
        }
    }

    pub(super) fn send_request_text(&mut self, request: &Request) {
        self.transmit(request.to_text());
    }

    pub(super) fn send_response_text(&mut self, response: &Response) {
        self.transmit(response.to_text());
    }

    fn transmit(&mut self, text: String) {
        if !self.transport_up {
            self.emit(Event::Discarded(Discard::TransportDown));
            return;
        }
        if self.config.trace {
            self.emit(Event::Trace {
                direction: Direction::Sent,
                message: text.clone(),
            });
        }
        self.out.push_back(Output::Transmit(text));
    }

    /// The WebSocket is open: send a wanted registration (RFC 5626 §4.4.1: a new flow needs a
    /// new REGISTER).
    pub(super) fn on_transport_up(&mut self, now: Time) {
        if self.transport_up {
            return;
        }
        self.transport_up = true;
        if self.registration.state == RegistrationState::WaitingTransport {
            self.send_register(now, false);
        }
    }

    /// The WebSocket closed. No response can come back on the old flow, so pending client
    /// transactions fail as a transport error (RFC 3261 §8.1.3.1 treats it as a 503);
    /// unanswered incoming calls end; established calls keep their dialogs, and the
    /// registration waits for the transport to come back.
    pub(super) fn on_transport_down(&mut self, now: Time) {
        if !self.transport_up {
            return;
        }
        self.transport_up = false;
        if self.registration.wanted() {
            self.registration.state = RegistrationState::WaitingTransport;
            self.registration.timers.clear();
        }
        let pending: Vec<_> = self
            .clients
            .drain(..)
            .filter(|entry| match &entry.machine {
                ClientMachine::Invite(tx) => !tx.has_final(),
                ClientMachine::NonInvite(_) => true,
            })
            .collect();
        if self.registration.state == RegistrationState::Unregistering {
            self.registration.state = RegistrationState::Idle;
            self.emit(Event::Unregistered { code: 503 });
        }
        for mut entry in pending {
            entry.machine.abort();
            if entry.owner == super::client::Owner::Registration {
                // The registration is parked above; its REGISTER is re-sent on TransportUp.
                continue;
            }
            let request = entry.machine.request().clone();
            self.client_event(
                now,
                entry.owner,
                request,
                entry.attempts,
                ClientEvent::TransportError,
            );
        }
        let ringing: Vec<_> = self
            .calls
            .iter()
            .filter(|c| c.state == CallState::Incoming)
            .map(|c| c.handle)
            .collect();
        for handle in ringing {
            self.end_call(now, handle, None, EndReason::TransportError);
        }
        // The peer's pending re-INVITEs can no longer be answered on this flow.
        for call in &mut self.calls {
            if matches!(call.negotiation, Negotiation::RemotePending { .. }) {
                call.negotiation = Negotiation::Idle;
            }
        }
        self.servers.clear();
    }
}
