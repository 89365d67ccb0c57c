//! One call as the page sees it: its core handle, its [`Media`], and the glue between core
//! events and the browser (offer/answer, hold, DTMF, transfer, trickle ICE).
//!
//! The SIP state (dialog, transactions, offer/answer exchanges) lives in the core alone; what
//! is kept here is what the page was told (connected at, ended), what the browser is busy with
//! (an answer being prepared, a hold offer out) and the media. Slow browser work
//! (getUserMedia, createOffer, ICE) runs in `spawn_local` tasks *before* the synchronous core
//! command is issued; no `RefCell` borrow is ever held across an `await`. A task starts on a
//! later microtask, so nothing it does (the INVITE, `failed`, `ended`) happens before the
//! method that started it has returned and the page could attach its listeners.

mod controls;
mod events;
mod setup;
mod trickle;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use bwclient_sip::{CallHandle, Uri};
use js_sys::Function;
use wasm_bindgen::JsValue;
use web_sys::HtmlMediaElement;

use crate::emitter::Emitter;
use crate::errors::{error, Code};
use crate::log;
use crate::media::Media;
use crate::options::PhoneOptions;
use crate::payloads::{to_js, CallInfo, Ended};
use crate::phone_inner::link::PhoneLink;
use crate::timer::wall_ms;
use crate::trickle::TrickleQueue;

/// Who placed the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
}

/// A call: see the module docs.
pub struct CallInner {
    me: Weak<CallInner>,
    phone: PhoneLink,
    options: Rc<PhoneOptions>,
    /// The core's handle; `None` until the INVITE of an outgoing call is out.
    handle: Cell<Option<CallHandle>>,
    direction: Direction,
    emitter: Emitter,
    media: RefCell<Option<Rc<Media>>>,
    remote: Uri,
    remote_name: Option<String>,
    /// The incoming INVITE's offer (`None` for an INVITE without SDP, RFC 3261 §13.2.1).
    remote_offer: Option<String>,
    /// The early (18x) answer already applied, so the 2xx's copy is not applied twice.
    early_answer: RefCell<Option<String>>,
    muted: Cell<bool>,
    remote_held: Cell<bool>,
    /// A hold or unhold offer of ours waits for its answer.
    hold_pending: Cell<bool>,
    /// `answer()` is preparing media.
    answering: Cell<bool>,
    /// `hangup()` came before the INVITE went out: it never will.
    hangup_requested: Cell<bool>,
    /// When `connected` was emitted (ms since the epoch).
    connected_at: Cell<Option<f64>>,
    /// When `ended` was emitted.
    ended_at: Cell<Option<f64>>,
    /// The page's choice of remote audio element, once made (`Some(None)`: none at all).
    audio_element: RefCell<Option<Option<HtmlMediaElement>>>,
    /// Local candidates still to trickle (RFC 8840).
    trickle: RefCell<TrickleQueue>,
    /// The peer's trickled `(mid, candidate)`s that came before its description was set.
    remote_candidates: RefCell<Vec<(String, String)>>,
}

impl CallInner {
    #[allow(clippy::too_many_arguments)]
    fn new(
        phone: PhoneLink,
        options: Rc<PhoneOptions>,
        direction: Direction,
        handle: Option<CallHandle>,
        remote: Uri,
        remote_name: Option<String>,
        remote_offer: Option<String>,
    ) -> Rc<CallInner> {
        Rc::new_cyclic(|me| CallInner {
            me: me.clone(),
            phone,
            options,
            handle: Cell::new(handle),
            direction,
            emitter: Emitter::default(),
            media: RefCell::default(),
            remote,
            remote_name,
            remote_offer,
            early_answer: RefCell::default(),
            muted: Cell::new(false),
            remote_held: Cell::new(false),
            hold_pending: Cell::new(false),
            answering: Cell::new(false),
            hangup_requested: Cell::new(false),
            connected_at: Cell::new(None),
            ended_at: Cell::new(None),
            audio_element: RefCell::default(),
            trickle: RefCell::default(),
            remote_candidates: RefCell::default(),
        })
    }

    /// A call the core reported as incoming.
    pub fn incoming(
        phone: PhoneLink,
        options: Rc<PhoneOptions>,
        handle: CallHandle,
        from: Uri,
        display_name: Option<String>,
        offer: Option<String>,
    ) -> Rc<CallInner> {
        let direction = Direction::In;
        CallInner::new(
            phone,
            options,
            direction,
            Some(handle),
            from,
            display_name,
            offer,
        )
    }

    /// A call to `target`; [`CallInner::start_outgoing`] sends the INVITE.
    pub fn outgoing(phone: PhoneLink, options: Rc<PhoneOptions>, target: Uri) -> Rc<CallInner> {
        CallInner::new(phone, options, Direction::Out, None, target, None, None)
    }

    pub fn on(&self, event: String, listener: Function) {
        self.emitter.on(event, listener);
    }

    pub fn off(&self, event: &str, listener: &Function) {
        self.emitter.off(event, listener);
    }

    /// The core's handle, once the call has one.
    pub fn handle(&self) -> Option<CallHandle> {
        self.handle.get()
    }

    fn ended(&self) -> bool {
        self.ended_at.get().is_some()
    }

    fn connected(&self) -> bool {
        self.connected_at.get().is_some() && !self.ended()
    }

    /// Incoming, not answered (nor being answered), not ended: the ringtone plays.
    pub fn is_ringing_in(&self) -> bool {
        self.direction == Direction::In
            && self.connected_at.get().is_none()
            && !self.ended()
            && !self.answering.get()
    }

    /// `in` or `out`.
    pub fn direction_name(&self) -> &'static str {
        match self.direction {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    /// `connecting` (media being prepared, or not answered yet), `connected` (held or not),
    /// or `ended`.
    pub fn status_name(&self) -> &'static str {
        if self.ended() {
            "ended"
        } else if self.connected() {
            "connected"
        } else {
            "connecting"
        }
    }

    /// The call's media, once it has some.
    fn media(&self) -> Option<Rc<Media>> {
        self.media.borrow().clone()
    }

    /// The media, or `invalid_state` before there is any.
    fn media_or_refuse(&self) -> Result<Rc<Media>, JsValue> {
        self.media()
            .ok_or_else(|| error(Code::InvalidState, "the call has no media"))
    }

    /// `getInfo()`: the legacy shape plus `held`, `remoteHeld`, `startTime`, `duration`,
    /// `server`.
    pub fn info(&self) -> JsValue {
        let local = self.phone.local_aor();
        let local_uri = local.as_ref().map(Uri::to_text).unwrap_or_default();
        let remote_uri = self.remote.to_text();
        let start = self.connected_at.get();
        let end = self.ended_at.get().unwrap_or_else(wall_ms);
        let server = self.phone.server();
        to_js(&CallInfo {
            direction: self.direction_name(),
            status: self.status_name(),
            local_uri: &local_uri,
            remote_uri: &remote_uri,
            local_id: local
                .as_ref()
                .and_then(|u| u.user.as_deref())
                .unwrap_or_default(),
            remote_id: self.remote.user.as_deref().unwrap_or_default(),
            local_name: self.options.display_name.as_deref(),
            remote_name: self.remote_name.as_deref(),
            microphone_muted: self.muted.get(),
            held: self.media().is_some_and(|m| m.held()),
            remote_held: self.remote_held.get(),
            start_time: start,
            duration: start.map_or(0.0, |start| (end - start).max(0.0)),
            server: server.as_deref(),
        })
    }

    /// Closes the peer connection (idempotent).
    pub fn close_media(&self) {
        if let Some(media) = self.media.borrow_mut().take() {
            media.close();
        }
    }

    /// The call is over: one `failed` (when it never connected and `failure`) and one `ended`,
    /// then the phone forgets it.
    fn finish(&self, reason: &str, code: Option<u16>, failure: bool) {
        if self.ended_at.replace(Some(wall_ms())).is_some() {
            return;
        }
        self.close_media();
        self.phone.forget(self);
        let info = to_js(&Ended { reason, code });
        if failure && self.connected_at.get().is_none() {
            self.emitter.emit("failed", &info);
        }
        log::log(&["call ended: ", reason].concat());
        self.emitter.emit("ended", &info);
    }

    /// The phone is logging out: CANCEL or BYE goes out (a 603 for an unanswered incoming
    /// call), and the page hears `ended` with reason `logged_out`.
    pub fn end_by_logout(&self) {
        // First: the core's own `Ended` then finds the call forgotten.
        self.finish("logged_out", None, false);
        match self.handle.get() {
            Some(handle) => {
                if let Err(e) = self.phone.command(|ua, now| ua.hangup(now, handle)) {
                    log::warn_value("logout: could not end a call", &e);
                }
            }
            None => self.hangup_requested.set(true),
        }
    }
}

/// Logs why media failed and gives the page's error.
fn media_error(what: &str, cause: &JsValue) -> JsValue {
    log::warn_value(what, cause);
    error(Code::MediaFailed, what)
}
