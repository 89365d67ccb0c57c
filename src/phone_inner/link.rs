//! [`PhoneLink`]: all a call may ask of its phone. A call never sees the phone's state; it
//! runs core commands for itself, and tells the phone when it rings or ends.

use std::rc::{Rc, Weak};

use bwclient_sip::{CallHandle, Time, Ua, UaError, Uri};
use wasm_bindgen::JsValue;

use super::{core_now, Lifecycle, PhoneInner};
use crate::call_inner::CallInner;
use crate::errors::{error, from_ua, Code};
use crate::log;
use crate::tones::Tone;

/// A call's narrow handle on its phone (a weak one: a call does not keep its phone alive).
#[derive(Clone)]
pub struct PhoneLink(Weak<PhoneInner>);

impl PhoneInner {
    /// The handle calls of this phone get.
    pub(super) fn link(&self) -> PhoneLink {
        PhoneLink(self.me.clone())
    }
}

impl PhoneLink {
    fn phone(&self) -> Result<Rc<PhoneInner>, JsValue> {
        self.0
            .upgrade()
            .ok_or_else(|| error(Code::LoggedOut, "the phone is gone"))
    }

    /// Runs a core command, then drives the phone (the command's messages go out, its events
    /// are dispatched). A refusal comes back as an `Error` with its `code`.
    pub fn command(
        &self,
        f: impl FnOnce(&mut Ua, Time) -> Result<(), UaError>,
    ) -> Result<(), JsValue> {
        let phone = self.phone()?;
        let done = f(&mut phone.ua.borrow_mut(), core_now());
        phone.drive();
        done.map_err(from_ua)
    }

    /// Whether the peer of `call` may receive trickled candidates now (RFC 8840 §4.3).
    pub fn can_trickle(&self, call: CallHandle) -> bool {
        self.0
            .upgrade()
            .is_some_and(|phone| phone.ua.borrow().can_trickle(call))
    }

    /// The Request-URI for a dial string: a SIP URI, a user at our domain, or a phone number.
    pub fn dial(&self, target: &str) -> Result<Uri, JsValue> {
        self.phone()?.dial(target)
    }

    /// Our own address of record.
    pub fn local_aor(&self) -> Option<Uri> {
        let phone = self.0.upgrade()?;
        let aor = phone.ua.borrow().config().aor.clone();
        Some(aor)
    }

    /// The server URL the phone is on (or trying), while it exists.
    pub fn server(&self) -> Option<String> {
        Some(self.0.upgrade()?.server().to_owned())
    }

    /// While the phone is reconnecting, keeps `op` until it is back (so an in-dialog request
    /// goes out on the new socket) and returns true; false when the phone is up.
    pub fn defer(&self, op: Box<dyn FnOnce()>) -> bool {
        let Some(phone) = self.0.upgrade() else {
            return false;
        };
        if phone.lifecycle.get() != Lifecycle::Reconnecting {
            return false;
        }
        log::log("offline: the request goes out once reconnected");
        phone.deferred.borrow_mut().push(op);
        true
    }

    /// A new call of this phone (the one a transfer placed).
    pub fn adopt(&self, call: Rc<CallInner>) {
        if let Some(phone) = self.0.upgrade() {
            phone.calls.borrow_mut().push(call);
        }
    }

    /// The call ended: the phone forgets it, and its tones stop.
    pub fn forget(&self, call: &CallInner) {
        if let Some(phone) = self.0.upgrade() {
            phone
                .calls
                .borrow_mut()
                .retain(|c| !core::ptr::eq(c.as_ref(), call));
            self.ringback(false);
            phone.update_ringtone();
        }
    }

    /// An incoming call was answered or refused: the ringtone may stop.
    pub fn answering(&self) {
        if let Some(phone) = self.0.upgrade() {
            phone.update_ringtone();
        }
    }

    /// Starts or stops the ringback (when `ringback` is on).
    pub fn ringback(&self, on: bool) {
        let Some(phone) = self.0.upgrade() else {
            return;
        };
        let mut tones = phone.tones.borrow_mut();
        if !on {
            if tones.playing() == Some(Tone::Ringback) {
                tones.stop();
            }
        } else if phone.options.ringback {
            if let Err(e) = tones.start(Tone::Ringback) {
                log::warn_value("ringback unavailable", &e);
            }
        }
    }
}
