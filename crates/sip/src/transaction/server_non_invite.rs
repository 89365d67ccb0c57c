//! The non-INVITE server transaction (RFC 3261 §17.2.2).

use super::server_invite::RespondError;
use crate::message::{Request, Response};

/// RFC 3261 Figure 8. Timer J is zero on a reliable transport, so Completed ends at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerNonInviteState {
    Trying,
    Proceeding,
    Completed,
    Terminated,
}

#[derive(Debug, Clone)]
pub struct ServerNonInvite {
    state: ServerNonInviteState,
    request: Request,
    last_response: Option<Response>,
}

impl ServerNonInvite {
    pub fn start(request: Request) -> ServerNonInvite {
        ServerNonInvite {
            state: ServerNonInviteState::Trying,
            request,
            last_response: None,
        }
    }

    pub fn request(&self) -> &Request {
        &self.request
    }

    pub fn is_terminated(&self) -> bool {
        self.state == ServerNonInviteState::Terminated
    }

    pub fn last_response(&self) -> Option<&Response> {
        self.last_response.as_ref()
    }

    /// §17.2.2: 1xx → Proceeding; final → Completed, then Terminated (Timer J = 0).
    pub fn respond(&mut self, response: &Response) -> Result<(), RespondError> {
        use ServerNonInviteState::*;
        match (self.state, response.code) {
            (Trying | Proceeding, 100..=199) => self.state = Proceeding,
            (Trying | Proceeding, _) => {
                self.state = Completed;
                self.state = Terminated;
            }
            _ => return Err(RespondError::AlreadyFinal),
        }
        self.last_response = Some(response.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::Method;
    use crate::uri::Uri;

    #[test]
    fn one_final_response() {
        let req = Request::new(Method::BYE, Uri::sip(Some("bob"), "example.test"));
        let mut tx = ServerNonInvite::start(req);
        tx.respond(&Response::new(200, "OK")).unwrap();
        assert!(tx.is_terminated());
        assert_eq!(
            tx.respond(&Response::new(500, "Server Internal Error")),
            Err(RespondError::AlreadyFinal)
        );
        assert_eq!(tx.last_response().map(|r| r.code), Some(200));
    }
}
