//! INFO (RFC 6086) both ways: DTMF relay (`application/dtmf-relay`) and any other body
//! (e.g. RFC 8840 trickle ICE).

use super::build::set_body;
use super::client::Owner;
use super::{parts, Ua, UaError};
use crate::auth::attempts::Attempts;
use crate::call::{CallHandle, CallState};
use crate::events::Event;
use crate::message::Request;
use crate::method::Method;
use crate::time::Time;

impl Ua {
    /// Sends an INFO (RFC 6086) with any body, e.g. RFC 8840 trickle ICE.
    pub fn send_info(
        &mut self,
        now: Time,
        handle: CallHandle,
        content_type: &str,
        body: &str,
    ) -> Result<(), UaError> {
        if content_type.contains(['\r', '\n']) {
            return Err(UaError::BadHeader("content-type"));
        }
        let call = self.call_mut(handle)?;
        if call.state != CallState::Confirmed {
            return Err(UaError::InvalidState("call is not established"));
        }
        if !self.transport_up {
            return Err(UaError::TransportDown);
        }
        let call = self.call_mut(handle)?;
        let Some(dialog) = call.dialog.as_mut() else {
            return Err(UaError::InvalidState("call has no dialog"));
        };
        let mut request = dialog.next_request(Method::INFO);
        self.push_user_agent(&mut request.headers);
        set_body(&mut request.headers, &mut request.body, content_type, body);
        self.send_client(now, request, Owner::Call(handle), Attempts::default());
        Ok(())
    }

    /// Sends one DTMF digit as INFO `application/dtmf-relay` (`Signal=5\r\nDuration=160`).
    pub fn send_dtmf_info(
        &mut self,
        now: Time,
        handle: CallHandle,
        digit: char,
        duration_ms: u32,
    ) -> Result<(), UaError> {
        let digit = digit.to_ascii_uppercase();
        if !crate::dtmf::is_digit(digit) {
            return Err(UaError::BadDigit);
        }
        let body = crate::dtmf::relay_body(digit, duration_ms);
        self.send_info(now, handle, "application/dtmf-relay", &body)
    }

    /// INFO received: DTMF relay becomes [`Event::Dtmf`], other bodies [`Event::Info`]; an
    /// empty INFO (a keep-alive) just gets its 200.
    pub(super) fn on_info(
        &mut self,
        now: Time,
        handle: CallHandle,
        request: &Request,
        branch: &str,
    ) {
        let media = parts::media_type(&request.headers).unwrap_or_default();
        let text = String::from_utf8_lossy(&request.body).into_owned();
        let event = match media.as_str() {
            _ if request.body.is_empty() => None,
            "application/dtmf-relay" => match crate::dtmf::parse_relay(&text) {
                Some((digit, duration)) => Some(Event::Dtmf {
                    call: handle,
                    digit,
                    duration,
                }),
                None => return self.respond_code(now, request, branch, 400),
            },
            "application/dtmf" => match crate::dtmf::parse_plain(&text) {
                Some(digit) => Some(Event::Dtmf {
                    call: handle,
                    digit,
                    duration: 0,
                }),
                None => return self.respond_code(now, request, branch, 400),
            },
            _ => Some(Event::Info {
                call: handle,
                content_type: parts::content_type_raw(&request.headers),
                body: text,
            }),
        };
        self.respond_code(now, request, branch, 200);
        if let Some(event) = event {
            self.emit(event);
        }
    }
}
