//! A call's media: the only code that touches `RTCPeerConnection`.
//!
//! One peer connection, one audio transceiver, bundle and rtcp-mux required (one ICE
//! component, the fastest setup). The sans-IO core never waits on the browser: the call awaits
//! `create_offer`/`create_answer` here, then hands the SDP to the core.
//!
//! Early offer: `create_offer`/`create_answer` do not wait for ICE gathering to complete
//! (Chromium needs ~120 ms for that even on loopback). They resolve with the local SDP as soon
//! as it holds the candidates the [`GatheringPolicy`] waits for — the first host candidates
//! (one event-loop turn after the first, so the rest of a burst gets in) without STUN/TURN,
//! the first server-reflexive or relay candidate with it — or when gathering completes, and
//! never later than the gathering timeout. Candidates found later still arrive as
//! [`MediaEvent::IceCandidate`], for trickle ICE (RFC 8838, RFC 8840).
//!
//! Every listener is a gloo `EventListener` owned by [`Media`]; dropping it removes them,
//! closes the connection and stops the microphone. The event callback must not own the `Media`
//! (hold a `Weak`), or neither is ever freed.

use crate::devices;
use crate::ice::GatheringPolicy;
use crate::log;
use crate::sdp::ice_ufrag;
use crate::stats::{self, CallStats};
use crate::timer::sleep;
use core::cell::{Cell, RefCell};
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use js_sys::{Array, Function, Object, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    Event, HtmlAudioElement, HtmlMediaElement, MediaStream, MediaStreamTrack, RtcIceCandidateInit,
    RtcPeerConnection, RtcPeerConnectionIceEvent, RtcPeerConnectionState, RtcRtpSender,
    RtcRtpTransceiver, RtcSdpType, RtcSessionDescriptionInit, RtcSignalingState, RtcTrackEvent,
    RtcdtmfSender, RtcdtmfToneChangeEvent,
};

#[wasm_bindgen]
extern "C" {
    // web-sys declares these without `catch`, but they throw (a closed connection, a bad tone
    // string), and an exception crossing Rust frames would skip destructors. These views of
    // the same objects declare them with `catch`.
    type CatchingPeerConnection;
    #[wasm_bindgen(method, catch, js_name = addTrack)]
    fn add_track(
        this: &CatchingPeerConnection,
        track: &MediaStreamTrack,
        stream: &MediaStream,
    ) -> Result<RtcRtpSender, JsValue>;
    #[wasm_bindgen(method, catch, js_name = addTransceiver)]
    fn add_transceiver(
        this: &CatchingPeerConnection,
        kind: &str,
    ) -> Result<RtcRtpTransceiver, JsValue>;

    type CatchingDtmfSender;
    #[wasm_bindgen(method, catch, js_name = insertDTMF)]
    fn insert_dtmf(
        this: &CatchingDtmfSender,
        tones: &str,
        duration_ms: u32,
        gap_ms: u32,
    ) -> Result<(), JsValue>;
}

/// What the peer connection reports to its owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaEvent {
    /// A local ICE candidate (`candidate:...`) and its media section's `mid`, for trickle
    /// ICE (RFC 8840). Those found before `create_offer`/`create_answer` resolved are in its
    /// SDP too ([`crate::ice::sdp_has_candidate`]).
    IceCandidate { candidate: String, mid: String },
    /// Gathering finished for the current ICE generation (the `null` candidate): trickle's
    /// end-of-candidates (RFC 8838 §4.5).
    IceGatheringComplete,
    /// `connectionState` became `failed`.
    ConnectionFailed,
    /// The remote audio track arrived and is being played.
    RemoteTrack,
    /// `RTCDTMFSender` started a tone (one of `0-9A-D#*,`), or finished them all (empty).
    DtmfTone(String),
}

fn error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

/// State the listeners share with [`Media`].
struct Shared {
    sink: RefCell<Box<dyn FnMut(MediaEvent)>>,
    policy: GatheringPolicy,
    /// `resolve` functions of `wait_for_candidates` calls in progress.
    waiters: RefCell<Vec<Function>>,
    /// The ICE username fragment whose gathering completed: `iceGatheringState` alone still
    /// reads `complete` just after an ICE restart offer is set.
    complete_ufrag: RefCell<Option<String>>,
    remote: RefCell<Option<MediaStream>>,
    /// Where remote audio plays: the page's element, or our own `<audio>` (made lazily);
    /// `Some(None)` when the page turned remote audio off.
    output: RefCell<Option<Option<HtmlMediaElement>>>,
    sink_id: RefCell<Option<String>>,
}

impl Shared {
    fn emit(&self, event: MediaEvent) {
        // Browser events are separate tasks, so the sink never runs twice at once; should a
        // caller re-enter anyway, drop the event rather than panic on the RefCell.
        match self.sink.try_borrow_mut() {
            Ok(mut sink) => sink(event),
            Err(_) => log::warn("media event dropped: handler re-entered"),
        }
    }

    /// Resolves every pending wait: now, or after one event-loop turn.
    fn release_waiters(&self, next_turn: bool) {
        let waiters: Vec<Function> = self.waiters.borrow_mut().drain(..).collect();
        if waiters.is_empty() {
            return;
        }
        let release = async move {
            if next_turn {
                sleep(0).await;
            }
            for resolve in waiters {
                // `resolve` never throws.
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        };
        spawn_local(release);
    }

    /// The element remote audio plays through, making our own `<audio>` if the page gave none;
    /// `None` when the page turned remote audio off.
    fn output(&self) -> Result<Option<HtmlMediaElement>, JsValue> {
        if let Some(chosen) = self.output.borrow().as_ref() {
            return Ok(chosen.clone());
        }
        let element: HtmlMediaElement = HtmlAudioElement::new()?.into();
        element.set_autoplay(true);
        if let Some(sink_id) = self.sink_id.borrow().clone() {
            let element = element.clone();
            spawn_local(async move {
                if let Err(e) = set_element_sink(&element, &sink_id).await {
                    log::warn_value("could not select the speaker", &e);
                }
            });
        }
        *self.output.borrow_mut() = Some(Some(element.clone()));
        Ok(Some(element))
    }

    /// Plays the remote stream, if there is one yet.
    fn play_remote(&self) {
        let Some(stream) = self.remote.borrow().clone() else {
            return;
        };
        let element = match self.output() {
            Ok(Some(element)) => element,
            Ok(None) => return,
            Err(e) => return log::error_value("cannot create an audio element", &e),
        };
        element.set_src_object(Some(&stream));
        match element.play() {
            // Autoplay policy may refuse until the user interacts; not an error for the call.
            Ok(promise) => log::warn_on_rejection(promise, "remote audio not playing yet"),
            Err(e) => log::warn_value("remote audio not playing", &e),
        }
    }
}

/// `element.setSinkId(id)` where the browser has it; `Ok(false)` where it does not.
async fn set_element_sink(element: &HtmlMediaElement, sink_id: &str) -> Result<bool, JsValue> {
    let method = Reflect::get(element, &"setSinkId".into())?;
    if !method.is_function() {
        return Ok(false);
    }
    let method: &Function = method.unchecked_ref();
    let promise: Promise = method.call1(element, &sink_id.into())?.unchecked_into();
    JsFuture::from(promise).await?;
    Ok(true)
}

fn set_direction(transceiver: &RtcRtpTransceiver, direction: &str) -> Result<(), JsValue> {
    // Through Reflect so an InvalidStateError (a stopped transceiver) comes back as an Err.
    Reflect::set(transceiver, &"direction".into(), &direction.into()).map(drop)
}

/// One call's `RTCPeerConnection` with its microphone and remote audio; see the module docs.
pub struct Media {
    pc: RtcPeerConnection,
    shared: Rc<Shared>,
    gathering_timeout_ms: u32,
    microphone: RefCell<Option<MediaStream>>,
    muted: Cell<bool>,
    /// Hold as last offered, and as last agreed (what a rollback returns to).
    hold_offered: Cell<bool>,
    hold_agreed: Cell<bool>,
    closed: Cell<bool>,
    _listeners: [EventListener; 3],
    tone_listener: RefCell<Option<EventListener>>,
}

impl Media {
    /// A peer connection using `ice_servers` (the page's `iceServers` option: an array of
    /// `RTCIceServer`, or `undefined` for none) that hands out its SDP no later than
    /// `gathering_timeout_ms` after setting it. Events go to `on_event`. No media is captured
    /// yet: see [`Media::acquire_microphone`].
    pub fn new(
        ice_servers: &JsValue,
        gathering_timeout_ms: u32,
        on_event: impl FnMut(MediaEvent) + 'static,
    ) -> Result<Media, JsValue> {
        let config = Object::new();
        let has_servers = Array::is_array(ice_servers) && Array::from(ice_servers).length() > 0;
        if has_servers {
            Reflect::set(&config, &"iceServers".into(), ice_servers)?;
        }
        Reflect::set(&config, &"bundlePolicy".into(), &"max-bundle".into())?;
        Reflect::set(&config, &"rtcpMuxPolicy".into(), &"require".into())?;
        let pc = RtcPeerConnection::new_with_configuration(config.unchecked_ref())?;
        let shared = Rc::new(Shared {
            sink: RefCell::new(Box::new(on_event)),
            policy: if has_servers {
                GatheringPolicy::ServerCandidate
            } else {
                GatheringPolicy::HostCandidates
            },
            waiters: RefCell::default(),
            complete_ufrag: RefCell::default(),
            remote: RefCell::default(),
            output: RefCell::default(),
            sink_id: RefCell::default(),
        });
        let listen = |kind: &'static str, f: fn(&Shared, &RtcPeerConnection, &Event)| {
            let (shared, pc_ref) = (shared.clone(), pc.clone());
            EventListener::new(&pc, kind, move |event| f(&shared, &pc_ref, event))
        };
        let listeners = [
            listen("icecandidate", |shared, pc, event| {
                let event: &RtcPeerConnectionIceEvent = event.unchecked_ref();
                let local = || pc.local_description().map(|d| d.sdp()).unwrap_or_default();
                match event.candidate().filter(|c| !c.candidate().is_empty()) {
                    Some(candidate) => {
                        // The browser adds the candidate to localDescription before this event.
                        if !shared.waiters.borrow().is_empty()
                            && shared.policy.is_satisfied_by(&local())
                        {
                            // Host candidates come as a burst of tasks: one more turn lets the
                            // rest of the burst into the SDP at no real cost.
                            shared
                                .release_waiters(shared.policy == GatheringPolicy::HostCandidates);
                        }
                        shared.emit(MediaEvent::IceCandidate {
                            candidate: candidate.candidate(),
                            mid: candidate.sdp_mid().unwrap_or_else(|| "0".into()),
                        });
                    }
                    // `null` (or the legacy empty candidate): this generation is complete.
                    None => {
                        *shared.complete_ufrag.borrow_mut() = ice_ufrag(&local()).map(String::from);
                        shared.release_waiters(false);
                        shared.emit(MediaEvent::IceGatheringComplete);
                    }
                }
            }),
            listen("connectionstatechange", |shared, pc, _| {
                if pc.connection_state() == RtcPeerConnectionState::Failed {
                    shared.emit(MediaEvent::ConnectionFailed);
                }
            }),
            listen("track", |shared, _, event| {
                let event: &RtcTrackEvent = event.unchecked_ref();
                let first = event.streams().get(0);
                let stream = match first.is_undefined() {
                    false => first.unchecked_into::<MediaStream>(),
                    // A sender without a stream (no a=msid): wrap the bare track.
                    true => match MediaStream::new() {
                        Ok(stream) => {
                            stream.add_track(&event.track());
                            stream
                        }
                        Err(e) => return log::error_value("cannot wrap the remote track", &e),
                    },
                };
                *shared.remote.borrow_mut() = Some(stream);
                shared.play_remote();
                shared.emit(MediaEvent::RemoteTrack);
            }),
        ];
        Ok(Media {
            pc,
            shared,
            gathering_timeout_ms,
            microphone: RefCell::default(),
            muted: Cell::new(false),
            hold_offered: Cell::new(false),
            hold_agreed: Cell::new(false),
            closed: Cell::new(false),
            _listeners: listeners,
            tone_listener: RefCell::default(),
        })
    }

    fn check_open(&self) -> Result<(), JsValue> {
        if self.closed.get() || self.pc.signaling_state() == RtcSignalingState::Closed {
            Err(error("media is closed"))
        } else {
            Ok(())
        }
    }

    fn catching(&self) -> &CatchingPeerConnection {
        self.pc.unchecked_ref()
    }

    /// The audio transceiver, if one exists yet.
    fn transceiver(&self) -> Option<RtcRtpTransceiver> {
        let first = self.pc.get_transceivers().get(0);
        (!first.is_undefined()).then(|| first.unchecked_into())
    }

    fn ensure_transceiver(&self) -> Result<RtcRtpTransceiver, JsValue> {
        match self.transceiver() {
            Some(transceiver) => Ok(transceiver),
            // No microphone: still offer audio, to receive.
            None => self.catching().add_transceiver("audio"),
        }
    }

    fn send_direction(&self) -> &'static str {
        if self.hold_offered.get() {
            "sendonly"
        } else {
            "sendrecv"
        }
    }

    /// The microphone track sends audio unless muted or on hold (the held party must not
    /// hear us either).
    fn apply_track_enabled(&self) {
        if let Some(track) = self.microphone_track() {
            track.set_enabled(!self.muted.get() && !self.hold_offered.get());
        }
    }

    /// Opens the microphone (`getUserMedia`, the default device or `device_id`) and sends it
    /// on the audio transceiver; a previous microphone is stopped. Mute and hold carry over,
    /// so this also switches devices mid-call (`replaceTrack`, no re-INVITE).
    pub async fn acquire_microphone(&self, device_id: Option<&str>) -> Result<(), JsValue> {
        self.check_open()?;
        let stream = devices::open_microphone(device_id).await?;
        if let Err(e) = self.use_microphone(&stream).await {
            devices::stop_stream(&stream);
            return Err(e);
        }
        if let Some(previous) = self.microphone.replace(Some(stream)) {
            devices::stop_stream(&previous);
        }
        self.apply_track_enabled();
        Ok(())
    }

    async fn use_microphone(&self, stream: &MediaStream) -> Result<(), JsValue> {
        // The connection may have closed while the permission prompt was up.
        self.check_open()?;
        let track = devices::audio_track(stream)
            .ok_or_else(|| error("the microphone stream has no audio track"))?;
        track.set_enabled(!self.muted.get() && !self.hold_offered.get());
        match self.transceiver() {
            Some(transceiver) => {
                // replaceTrack needs no renegotiation: the way to switch devices mid-call, and
                // to fill a transceiver the remote offer created.
                JsFuture::from(transceiver.sender().replace_track(Some(&track))).await?;
                // A transceiver created by a remote offer starts recvonly.
                set_direction(&transceiver, self.send_direction())
            }
            None => self.catching().add_track(&track, stream).map(drop),
        }
    }

    /// The microphone track being sent, if any.
    pub fn microphone_track(&self) -> Option<MediaStreamTrack> {
        self.microphone
            .borrow()
            .as_ref()
            .and_then(devices::audio_track)
    }

    /// Mutes or unmutes the microphone (`track.enabled`: silence is still sent, so no
    /// renegotiation).
    pub fn mute(&self, muted: bool) {
        self.muted.set(muted);
        self.apply_track_enabled();
    }

    /// Creates an offer, sets it as the local description and returns its SDP under the
    /// early-offer policy (module docs).
    pub async fn create_offer(&self) -> Result<String, JsValue> {
        self.offer(true).await
    }

    /// Creates an offer and returns its SDP at once, before any candidate: full trickle ICE
    /// (RFC 8838 §4.1), where every candidate follows in INFO requests.
    pub async fn create_offer_now(&self) -> Result<String, JsValue> {
        self.offer(false).await
    }

    async fn offer(&self, wait: bool) -> Result<String, JsValue> {
        self.check_open()?;
        self.ensure_transceiver()?;
        let offer = JsFuture::from(self.pc.create_offer()).await?;
        self.set_local(&offer, wait).await
    }

    /// Puts the call on hold (`hold`: RFC 3264 §8.4, our stream `sendonly`, the microphone
    /// silent) or takes it off (`sendrecv`), and returns the new offer. Apply the answer with
    /// [`Media::set_remote_answer`], or [`Media::rollback`] if the re-INVITE fails.
    pub async fn hold(&self, hold: bool) -> Result<String, JsValue> {
        self.check_open()?;
        let transceiver = self.ensure_transceiver()?;
        self.hold_offered.set(hold);
        set_direction(&transceiver, self.send_direction())?;
        self.apply_track_enabled();
        self.offer(true).await
    }

    /// Whether our side holds the call, as last agreed with the peer.
    pub fn held(&self) -> bool {
        self.hold_agreed.get()
    }

    /// Applies the remote answer to our offer; returns whether that changed our hold state
    /// (a hold or unhold offer was agreed).
    pub async fn set_remote_answer(&self, sdp: &str) -> Result<bool, JsValue> {
        self.set_remote(RtcSdpType::Answer, sdp).await?;
        Ok(self.hold_agreed.replace(self.hold_offered.get()) != self.hold_offered.get())
    }

    /// Applies `remote_offer` and returns our answer's SDP under the early-offer policy. A
    /// remote hold (their `sendonly`) is answered `recvonly` by the browser.
    pub async fn create_answer(&self, remote_offer: &str) -> Result<String, JsValue> {
        self.set_remote(RtcSdpType::Offer, remote_offer).await?;
        self.check_open()?;
        let answer = JsFuture::from(self.pc.create_answer()).await?;
        let sdp = self.set_local(&answer, true).await?;
        self.hold_agreed.set(self.hold_offered.get());
        Ok(sdp)
    }

    /// Abandons an offer in progress, ours or theirs (a failed or refused re-INVITE,
    /// RFC 3261 §14.1), returning to the last agreed session, its hold state included.
    pub async fn rollback(&self) -> Result<(), JsValue> {
        self.check_open()?;
        let description = RtcSessionDescriptionInit::new(RtcSdpType::Rollback);
        let promise = match self.pc.signaling_state() {
            RtcSignalingState::HaveLocalOffer => self.pc.set_local_description(&description),
            RtcSignalingState::HaveRemoteOffer => self.pc.set_remote_description(&description),
            _ => return Ok(()),
        };
        JsFuture::from(promise).await?;
        self.hold_offered.set(self.hold_agreed.get());
        if let Some(transceiver) = self.transceiver() {
            set_direction(&transceiver, self.send_direction())?;
        }
        self.apply_track_enabled();
        Ok(())
    }

    /// Adds a peer's trickled candidate (`candidate:...`) of section `mid` (RFC 8840); an
    /// empty `candidate` is the peer's end-of-candidates.
    pub async fn add_remote_candidate(&self, candidate: &str, mid: &str) -> Result<(), JsValue> {
        self.check_open()?;
        let init = RtcIceCandidateInit::new(candidate);
        init.set_sdp_mid(Some(mid));
        let added = self
            .pc
            .add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init));
        JsFuture::from(added).await.map(drop)
    }

    async fn set_remote(&self, kind: RtcSdpType, sdp: &str) -> Result<(), JsValue> {
        self.check_open()?;
        let description = RtcSessionDescriptionInit::new(kind);
        description.set_sdp(sdp);
        JsFuture::from(self.pc.set_remote_description(&description))
            .await
            .map(drop)
    }

    async fn set_local(&self, description: &JsValue, wait: bool) -> Result<String, JsValue> {
        JsFuture::from(self.pc.set_local_description(description.unchecked_ref())).await?;
        if wait {
            self.wait_for_candidates().await;
        }
        self.check_open()?;
        Ok(self.local_sdp())
    }

    /// Waits until the local description satisfies the gathering policy, gathering of its ICE
    /// generation is complete, or the timeout passes.
    async fn wait_for_candidates(&self) {
        let sdp = self.local_sdp();
        let ufrag = ice_ufrag(&sdp);
        let complete = ufrag.is_some() && self.shared.complete_ufrag.borrow().as_deref() == ufrag;
        if complete || self.shared.policy.is_satisfied_by(&sdp) {
            return;
        }
        let mut cap = None;
        let timeout = self.gathering_timeout_ms;
        let waited = Promise::new(&mut |resolve, _reject| {
            self.shared.waiters.borrow_mut().push(resolve.clone());
            cap = Some(Timeout::new(timeout, move || {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }));
        });
        // Only ever resolved; dropping `cap` afterwards cancels the timeout.
        let _ = JsFuture::from(waited).await;
        drop(cap);
    }

    /// The current local SDP (with every candidate gathered so far), or empty.
    pub fn local_sdp(&self) -> String {
        self.pc
            .local_description()
            .map(|d| d.sdp())
            .unwrap_or_default()
    }

    /// The current remote SDP, or empty.
    pub fn remote_sdp(&self) -> String {
        self.pc
            .remote_description()
            .map(|d| d.sdp())
            .unwrap_or_default()
    }

    /// `connectionState`.
    pub fn connection_state(&self) -> RtcPeerConnectionState {
        self.pc.connection_state()
    }

    /// Queues `digits` (`0-9`, `A-D`, `#`, `*`; `,` pauses 2 s) as RFC 4733 telephone-events
    /// with `RTCDTMFSender.insertDTMF`, each `duration_ms` long (browser range 40..=6000) with
    /// `gap_ms` between (at least 30). Appends to digits still queued; progress comes back as
    /// [`MediaEvent::DtmfTone`]. Fails before the call's audio is negotiated to send.
    pub fn insert_dtmf(&self, digits: &str, duration_ms: u32, gap_ms: u32) -> Result<(), JsValue> {
        self.check_open()?;
        let dtmf: RtcdtmfSender = self
            .transceiver()
            .and_then(|transceiver| transceiver.sender().dtmf())
            .ok_or_else(|| error("no audio sender for DTMF"))?;
        if self.tone_listener.borrow().is_none() {
            let shared = self.shared.clone();
            let listener = EventListener::new(&dtmf, "tonechange", move |event| {
                let tone = event.unchecked_ref::<RtcdtmfToneChangeEvent>().tone();
                shared.emit(MediaEvent::DtmfTone(tone));
            });
            *self.tone_listener.borrow_mut() = Some(listener);
        }
        // insertDTMF replaces the queue; keep what is still waiting, as a keypad would.
        let tones = [dtmf.tone_buffer().as_str(), digits].concat();
        dtmf.unchecked_ref::<CatchingDtmfSender>()
            .insert_dtmf(&tones, duration_ms, gap_ms)
    }

    /// Plays remote audio through `element` (the page's `<audio>`), or turns remote audio off
    /// with `None`. The element no longer used is detached.
    pub fn set_remote_audio_element(&self, element: Option<HtmlMediaElement>) {
        if let Some(Some(previous)) = self.shared.output.replace(Some(element)) {
            previous.set_src_object(None);
        }
        self.shared.play_remote();
    }

    /// The remote audio stream, once it arrived.
    pub fn remote_stream(&self) -> Option<MediaStream> {
        self.shared.remote.borrow().clone()
    }

    /// Sends remote audio to speaker `sink_id` (`HTMLMediaElement.setSinkId`); `Ok(false)`
    /// where the browser cannot choose the output. Remembered for our own `<audio>`.
    pub async fn set_sink_id(&self, sink_id: &str) -> Result<bool, JsValue> {
        *self.shared.sink_id.borrow_mut() = Some(sink_id.to_owned());
        match self.shared.output()? {
            Some(element) => set_element_sink(&element, sink_id).await,
            None => Ok(false),
        }
    }

    /// A snapshot of the call's audio quality.
    pub async fn get_stats(&self) -> Result<CallStats, JsValue> {
        self.check_open()?;
        let report = JsFuture::from(self.pc.get_stats()).await?;
        Ok(stats::from_report(&report))
    }

    /// Closes the peer connection, stops the microphone, detaches remote audio and releases
    /// any `create_offer`/`create_answer` still waiting (they then fail). Idempotent.
    pub fn close(&self) {
        if self.closed.replace(true) {
            return;
        }
        self.pc.close();
        if let Some(stream) = self.microphone.borrow_mut().take() {
            devices::stop_stream(&stream);
        }
        if let Some(Some(element)) = self.shared.output.borrow().as_ref() {
            element.set_src_object(None);
        }
        self.shared.remote.borrow_mut().take();
        self.shared.release_waiters(false);
    }
}

impl Drop for Media {
    fn drop(&mut self) {
        self.close();
    }
}
