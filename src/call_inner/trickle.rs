//! Trickle ICE over SIP for one call (RFC 8840): our late candidates out in INFO once the core
//! allows it, the peer's in through `addIceCandidate`. What to send is decided by
//! [`crate::trickle`]; when it may go, by [`bwclient_sip::Ua::can_trickle`].

use wasm_bindgen_futures::spawn_local;

use super::CallInner;
use crate::log;
use crate::options::Trickle;

impl CallInner {
    /// Sends what the peer does not have yet, if the core says it may take it now.
    pub(super) fn flush_trickle(&self) {
        let Some(handle) = self.handle.get() else {
            return;
        };
        if self.options.trickle == Trickle::Off || !self.phone.can_trickle(handle) {
            return;
        }
        let fragment = match self.trickle.borrow_mut().take_fragment() {
            Ok(Some(fragment)) => fragment,
            Ok(None) => return,
            Err(e) => return log::warn(&["trickle ICE: ", e.message()].concat()),
        };
        let sent = self
            .phone
            .command(|ua, now| ua.send_ice_fragment(now, handle, &fragment));
        if let Err(e) = sent {
            log::warn_value("trickle ICE INFO not sent", &e);
        }
    }

    /// The peer's trickled candidates: to the peer connection, or held until its description
    /// is set (an INFO may overtake our answer, or come before we answer).
    pub(super) fn on_remote_fragment(&self, fragment: &str) {
        match crate::trickle::remote_candidates(fragment) {
            Some(candidates) => self.remote_candidates.borrow_mut().extend(candidates),
            None => {
                return log::warn(
                    "dropped a trickle ICE fragment with a candidate outside any a=mid",
                )
            }
        }
        self.add_remote_candidates();
    }

    /// Adds the held remote candidates once the peer's description is in place.
    pub(super) fn add_remote_candidates(&self) {
        let Some(media) = self.media() else { return };
        if media.remote_sdp().is_empty() || self.remote_candidates.borrow().is_empty() {
            return;
        }
        let candidates: Vec<_> = self.remote_candidates.borrow_mut().drain(..).collect();
        spawn_local(async move {
            for (mid, candidate) in candidates {
                if let Err(e) = media.add_remote_candidate(&candidate, &mid).await {
                    log::warn_value("remote ICE candidate refused", &e);
                }
            }
        });
    }
}
