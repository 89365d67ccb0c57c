//! INFO (RFC 6086) both ways: DTMF relay (`application/dtmf-relay`), the `trickle-ice` Info
//! Package (RFC 8840, see `trickle.rs`) and any other body.

use super::build::set_body;
use super::client::Owner;
use super::{parts, trickle, Ua, UaError};
use crate::auth::attempts::Attempts;
use crate::call::{CallHandle, CallState};
use crate::events::Event;
use crate::message::Request;
use crate::method::Method;
use crate::time::Time;
use crate::HeaderName;

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
        self.send_info_request(now, handle, content_type, body, None)
    }

    /// The INFO itself, in the call's (early or confirmed) dialog, with `Info-Package` when
    /// it belongs to one (RFC 6086 §4.2.1).
    pub(super) fn send_info_request(
        &mut self,
        now: Time,
        handle: CallHandle,
        content_type: &str,
        body: &str,
        package: Option<&str>,
    ) -> Result<(), UaError> {
        if !self.transport_up {
            return Err(UaError::TransportDown);
        }
        let call = self.call_mut(handle)?;
        let Some(dialog) = call.dialog.as_mut() else {
            return Err(UaError::InvalidState("call has no dialog"));
        };
        let mut request = dialog.next_request(Method::INFO);
        self.push_user_agent(&mut request.headers);
        if let Some(package) = package {
            request.headers.push(HeaderName::INFO_PACKAGE, package);
            // RFC 6086 §4.2.2: the body is the package's payload.
            request
                .headers
                .push(HeaderName::CONTENT_DISPOSITION, "Info-Package");
        }
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
        let package = request.headers.get(&HeaderName::INFO_PACKAGE);
        if let Some(package) = package {
            let name = package.split(';').next().unwrap_or_default().trim();
            if !name.eq_ignore_ascii_case(trickle::PACKAGE) || !self.config.trickle_ice {
                // RFC 6086 §5.2.3: 469 Bad Info Package, with what we do take.
                let mut response = self.response_to(request, 469, None);
                self.push_trickle_headers(&mut response.headers);
                self.respond(now, branch, &Method::INFO, response);
                return;
            }
        }
        let event = match media.as_str() {
            _ if request.body.is_empty() => None,
            trickle::CONTENT_TYPE if package.is_some() => Some(Event::IceFragment {
                call: handle,
                fragment: text,
            }),
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
