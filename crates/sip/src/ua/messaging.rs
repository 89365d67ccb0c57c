//! Instant messages (RFC 3428): MESSAGE out of dialog both ways, and in a call.

use super::build::set_body;
use super::client::Owner;
use super::{parts, MessageHandle, Ua, UaError};
use crate::auth::attempts::Attempts;
use crate::events::Event;
use crate::header::typed::FromHeader;
use crate::message::Request;
use crate::method::Method;
use crate::name_addr::NameAddr;
use crate::time::Time;
use crate::transaction::ClientEvent;
use crate::uri::Uri;

impl Ua {
    /// Sends a MESSAGE to `target` (RFC 3428 §4). [`Event::MessageDelivered`] or
    /// [`Event::MessageFailed`] follows.
    pub fn send_message(
        &mut self,
        now: Time,
        target: Uri,
        content_type: &str,
        body: &str,
    ) -> Result<MessageHandle, UaError> {
        if content_type.contains(['\r', '\n']) {
            return Err(UaError::BadHeader("content-type"));
        }
        if !self.transport_up {
            return Err(UaError::TransportDown);
        }
        let handle = MessageHandle(self.next_message);
        self.next_message += 1;
        let call_id = self.rng.call_id();
        let tag = self.rng.tag();
        let mut request = self.new_request(
            Method::MESSAGE,
            target.clone(),
            NameAddr::new(target),
            &call_id,
            &tag,
            1,
        );
        self.push_user_agent(&mut request.headers);
        set_body(&mut request.headers, &mut request.body, content_type, body);
        self.send_client(now, request, Owner::Message(handle), Attempts::default());
        Ok(handle)
    }

    /// The result of our MESSAGE.
    pub(super) fn message_result(&mut self, message: MessageHandle, event: ClientEvent) {
        let event = match event {
            ClientEvent::Provisional(_) => return,
            ClientEvent::Final(response) if response.is_success() => Event::MessageDelivered {
                message,
                code: response.code,
            },
            ClientEvent::Final(response) => Event::MessageFailed {
                message,
                code: response.code,
            },
            ClientEvent::Timeout => Event::MessageFailed { message, code: 408 },
            ClientEvent::TransportError => Event::MessageFailed { message, code: 503 },
        };
        self.emit(event);
    }

    /// MESSAGE received (RFC 3428 §7): 200, then [`Event::Message`].
    pub(super) fn on_message(&mut self, now: Time, request: &Request, branch: &str) {
        let from = match request.headers.typed::<FromHeader>() {
            Some(Ok(from)) => from.0.uri,
            _ => return self.respond_code(now, request, branch, 400),
        };
        self.respond_code(now, request, branch, 200);
        self.emit(Event::Message {
            from,
            content_type: parts::content_type_raw(&request.headers),
            body: String::from_utf8_lossy(&request.body).into_owned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Input, Output, UaConfig};
    use super::*;

    #[test]
    fn message_is_sent_with_body() {
        let mut config = UaConfig::new(Uri::parse("sip:alice@example.test").unwrap());
        config.via_host = Some("a.invalid".into());
        let mut ua = Ua::new(config);
        assert_eq!(
            ua.send_message(
                Time::ZERO,
                Uri::parse("sip:bob@example.test").unwrap(),
                "text/plain",
                "hi"
            ),
            Err(UaError::TransportDown)
        );
        ua.handle_input(Time::ZERO, Input::TransportUp);
        ua.send_message(
            Time::ZERO,
            Uri::parse("sip:bob@example.test").unwrap(),
            "text/plain",
            "hi",
        )
        .unwrap();
        let Output::Transmit(text) = ua.poll_output(Time::ZERO) else {
            panic!("no transmit");
        };
        assert!(text.starts_with("MESSAGE sip:bob@example.test SIP/2.0\r\n"));
        assert!(text.contains("\r\nContent-Type: text/plain\r\n"));
        assert!(text.ends_with("\r\n\r\nhi"));
    }
}
