//! Trickle ICE over SIP (RFC 8840): the `trickle-ice` Info Package both ways.
//!
//! With [`crate::UaConfig::trickle_ice`] on, INVITEs and their 18x/2xx carry
//! `Supported: trickle-ice` and `Recv-Info: trickle-ice` (RFC 8840 §4.1, §10). Once the peer
//! has listed the package too, candidates found after the offer/answer go to it in INFO
//! requests with an `application/trickle-ice-sdpfrag` body ([`Ua::send_ice_fragment`]), and
//! its INFOs come out as [`Event::IceFragment`](crate::events::Event::IceFragment).

use super::{Ua, UaError};
use crate::call::{CallDirection, CallHandle, CallState};
use crate::header::split::split_list;
use crate::time::Time;
use crate::{HeaderName, Headers};

/// The Info Package and option tag name (RFC 8840 §10.1, §10.3).
pub(crate) const PACKAGE: &str = "trickle-ice";
/// The INFO body's media type (RFC 8840 §9.2).
pub(crate) const CONTENT_TYPE: &str = "application/trickle-ice-sdpfrag";

/// Whether `headers` list the `trickle-ice` Info Package in `Recv-Info`: only then may we send
/// such INFOs to their sender (RFC 6086 §4.2.2, §5.2.2). Package parameters are ignored.
pub(crate) fn lists_trickle(headers: &Headers) -> bool {
    headers.get_all(&HeaderName::RECV_INFO).any(|line| {
        split_list(line).unwrap_or_default().iter().any(|item| {
            let name = item.split(';').next().unwrap_or_default().trim();
            name.eq_ignore_ascii_case(PACKAGE)
        })
    })
}

impl Ua {
    /// `Supported: trickle-ice` and `Recv-Info: trickle-ice` on INVITEs and their 18x/2xx
    /// when trickle ICE is on (RFC 8840 §4.1).
    pub(super) fn push_trickle_headers(&self, headers: &mut Headers) {
        if self.config.trickle_ice {
            headers.push(HeaderName::SUPPORTED, PACKAGE);
            headers.push(HeaderName::RECV_INFO, PACKAGE);
        }
    }

    /// Whether [`Ua::send_ice_fragment`] may send in this call now (RFC 8840 §4.3): trickle ICE
    /// is on, the peer listed the package, and the peer already holds our offer or answer, or
    /// it could not place the candidates. As the caller that is once a response made the
    /// (early) dialog; as the callee, once the ACK for our 2xx came (we send no reliable
    /// provisional responses, so only the ACK says the caller has our answer).
    pub fn can_trickle(&self, handle: CallHandle) -> bool {
        if !self.config.trickle_ice || !self.transport_up {
            return false;
        }
        let Ok(call) = self.call_ref(handle) else {
            return false;
        };
        if !call.peer_trickles || call.dialog.is_none() {
            return false;
        }
        match call.direction {
            CallDirection::Outgoing => {
                matches!(call.state, CallState::Calling | CallState::Confirmed)
            }
            CallDirection::Incoming => call.state == CallState::Confirmed,
        }
    }

    /// Sends `fragment` (an `application/trickle-ice-sdpfrag`: ICE credentials, then a pseudo
    /// media section per `a=mid` with its new `a=candidate` lines and `a=end-of-candidates`,
    /// RFC 8840 §4.4) in an INFO of the `trickle-ice` package. Fails with `InvalidState` until
    /// [`Ua::can_trickle`] is true.
    pub fn send_ice_fragment(
        &mut self,
        now: Time,
        handle: CallHandle,
        fragment: &str,
    ) -> Result<(), UaError> {
        if !self.can_trickle(handle) {
            return Err(UaError::InvalidState(
                "trickle ice is not agreed in this call yet",
            ));
        }
        self.send_info_request(now, handle, CONTENT_TYPE, fragment, Some(PACKAGE))
    }
}
