//! A call's media: the only code that touches `RTCPeerConnection`.
//!
//! One peer connection, one audio transceiver, bundle and rtcp-mux required (one ICE
//! component, the fastest setup). The sans-IO core never waits on the browser: the phone
//! awaits `create_offer`/`create_answer` here, then hands the SDP to the core.
//!
//! Early offer: `create_offer`/`create_answer` do not wait for ICE gathering to complete
//! (Chromium needs ~120 ms for that even on loopback). They resolve with the local SDP as soon
//! as it holds the candidates the [`GatheringPolicy`] waits for — the first host candidates
//! (one event-loop turn after the first, so the rest of a burst gets in) without STUN/TURN,
//! the first server-reflexive or relay candidate with it — or when gathering completes, and
//! never later than the gathering timeout. Candidates found later still arrive as
//! [`MediaEvent::IceCandidate`] for trickle ICE (RFC 8838, RFC 8840).
//!
//! Every JS handler is a closure owned by [`Media`]; `Drop` detaches them, closes the
//! connection and stops the microphone. The event callback must not own the `Media` (hold a
//! `Weak`), or neither is ever freed.

use crate::devices;
use crate::ice::{self, GatheringPolicy};
use crate::log;
use crate::stats::{self, MediaStats};
use crate::timer;
use core::cell::{Cell, RefCell};
use js_sys::{Array, Function, Object, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Event, HtmlAudioElement, HtmlMediaElement, MediaStream, MediaStreamTrack, RtcIceCandidateInit,
    RtcIceGatheringState, RtcOfferOptions, RtcPeerConnection, RtcPeerConnectionIceEvent,
    RtcPeerConnectionState, RtcRtpSender, RtcRtpTransceiver, RtcSdpType, RtcSessionDescriptionInit,
    RtcSignalingState, RtcTrackEvent, RtcdtmfSender, RtcdtmfToneChangeEvent,
};

#[wasm_bindgen]
extern "C" {
    // web-sys declares these without `catch`, but they throw (closed connection, a bad tone
    // string), and an exception crossing Rust frames would skip destructors. These local views
    // of the same objects declare them with `catch`.
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
    /// A local ICE candidate (`candidate:...`, no `a=`), for trickle ICE (RFC 8840). Those
    /// found before `create_offer`/`create_answer` resolved are also in its SDP; see
    /// [`crate::ice::sdp_has_candidate`].
    IceCandidate {
        /// The candidate attribute value.
        candidate: String,
        /// The media stream id it belongs to.
        sdp_mid: Option<String>,
        /// The m-line index it belongs to.
        sdp_m_line_index: Option<u16>,
    },
    /// Gathering finished for the current ICE generation (the `null` candidate); trickle's
    /// end-of-candidates (RFC 8838 §4.5).
    IceGatheringComplete,
    /// `connectionState` changed. Not emitted for `close()`, which the caller already knows.
    ConnectionState(RtcPeerConnectionState),
    /// The remote audio track arrived and is being played.
    RemoteTrack,
    /// `RTCDTMFSender` started a tone (one of `0-9A-D#*,`), or finished all of them (empty).
    DtmfTone(String),
}

fn key(name: &str) -> JsValue {
    JsValue::from_str(name)
}

fn closed_error() -> JsValue {
    JsValue::from_str("media is closed")
}

/// State the event handlers share with [`Media`].
struct Shared {
    sink: RefCell<Box<dyn FnMut(MediaEvent)>>,
    policy: GatheringPolicy,
    /// `resolve` functions of `wait_for_candidates` calls in progress.
    waiters: RefCell<Vec<Function>>,
    /// The ICE username fragment whose gathering completed: `iceGatheringState` alone still
    /// reads `complete` just after an ICE restart offer is set.
    complete_ufrag: RefCell<Option<String>>,
    remote: RefCell<Option<MediaStream>>,
    /// Where remote audio plays: the page's element, or our own `<audio>` (created lazily).
    output: RefCell<Option<HtmlMediaElement>>,
    sink_id: RefCell<Option<String>>,
}

impl Shared {
    fn emit(&self, event: MediaEvent) {
        // Browser events are separate tasks, so the sink never runs twice at once; if a
        // caller re-enters anyway, drop the event rather than panic on the RefCell.
        match self.sink.try_borrow_mut() {
            Ok(mut sink) => sink(event),
            Err(_) => log::error("media event dropped: handler re-entered"),
        }
    }

    /// Resolves every pending wait: now, or after one event-loop turn.
    fn release_waiters(&self, next_turn: bool) {
        let waiters: Vec<Function> = self.waiters.borrow_mut().drain(..).collect();
        for resolve in waiters {
            if next_turn {
                timer::call_later(&resolve, 0);
            } else {
                // `resolve` never throws.
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
    }

    /// The element remote audio plays through, creating our own `<audio>` if the page gave
    /// none.
    fn output(&self) -> Result<HtmlMediaElement, JsValue> {
        if let Some(element) = self.output.borrow().as_ref() {
            return Ok(element.clone());
        }
        let element: HtmlMediaElement = HtmlAudioElement::new()?.into();
        element.set_autoplay(true);
        if let Some(sink_id) = self.sink_id.borrow().clone() {
            wasm_bindgen_futures::spawn_local(apply_sink_id(element.clone(), sink_id));
        }
        *self.output.borrow_mut() = Some(element.clone());
        Ok(element)
    }

    /// Plays the remote stream, if there is one yet.
    fn play_remote(&self) {
        let Some(stream) = self.remote.borrow().clone() else {
            return;
        };
        let element = match self.output() {
            Ok(element) => element,
            Err(error) => return log::error_value("cannot create an audio element", &error),
        };
        element.set_src_object(Some(&stream));
        match element.play() {
            // Autoplay policy may refuse until the user interacts; not an error for the call.
            Ok(promise) => log::warn_on_rejection(promise, "remote audio not playing yet"),
            Err(error) => log::warn_value("remote audio not playing", &error),
        }
    }
}

async fn apply_sink_id(element: HtmlMediaElement, sink_id: String) {
    if let Err(error) = set_element_sink(&element, &sink_id).await {
        log::warn_value("could not select the speaker", &error);
    }
}

/// `element.setSinkId(id)` where the browser has it; `Ok(false)` where it does not.
async fn set_element_sink(element: &HtmlMediaElement, sink_id: &str) -> Result<bool, JsValue> {
    let method = Reflect::get(element, &key("setSinkId"))?;
    let Some(method) = method.dyn_ref::<Function>() else {
        return Ok(false);
    };
    let promise: Promise = method.call1(element, &key(sink_id))?.unchecked_into();
    JsFuture::from(promise).await?;
    Ok(true)
}

fn target_connection(event: &Event) -> Option<RtcPeerConnection> {
    event.target()?.dyn_into().ok()
}

fn set_direction(transceiver: &RtcRtpTransceiver, direction: &str) -> Result<(), JsValue> {
    // Through Reflect so an InvalidStateError (stopped transceiver) comes back as an Err.
    Reflect::set(transceiver, &key("direction"), &key(direction)).map(|_| ())
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
    dtmf: RefCell<Option<RtcdtmfSender>>,
    _on_ice: Closure<dyn FnMut(RtcPeerConnectionIceEvent)>,
    _on_state: Closure<dyn FnMut(Event)>,
    _on_track: Closure<dyn FnMut(RtcTrackEvent)>,
    on_tone: Closure<dyn FnMut(RtcdtmfToneChangeEvent)>,
}

impl Media {
    /// A peer connection using `ice_servers` (the page's `iceServers` option as given: an
    /// array of `RTCIceServer`, or `undefined`/`null` for none) that hands out its SDP no later
    /// than `gathering_timeout_ms` after setting it. Events go to `on_event`. No media is
    /// captured yet: see [`Media::acquire_microphone`].
    pub fn new(
        ice_servers: &JsValue,
        gathering_timeout_ms: u32,
        on_event: impl FnMut(MediaEvent) + 'static,
    ) -> Result<Media, JsValue> {
        let config = Object::new();
        let has_servers = if ice_servers.is_undefined() || ice_servers.is_null() {
            false
        } else if Array::is_array(ice_servers) {
            Reflect::set(&config, &key("iceServers"), ice_servers)?;
            Array::from(ice_servers).length() > 0
        } else {
            return Err(JsValue::from_str("iceServers must be an array"));
        };
        Reflect::set(&config, &key("bundlePolicy"), &key("max-bundle"))?;
        Reflect::set(&config, &key("rtcpMuxPolicy"), &key("require"))?;
        let pc = RtcPeerConnection::new_with_configuration(config.unchecked_ref())?;

        let shared = Rc::new(Shared {
            sink: RefCell::new(Box::new(on_event)),
            policy: if has_servers {
                GatheringPolicy::ServerCandidate
            } else {
                GatheringPolicy::HostCandidates
            },
            waiters: RefCell::new(Vec::new()),
            complete_ufrag: RefCell::new(None),
            remote: RefCell::new(None),
            output: RefCell::new(None),
            sink_id: RefCell::new(None),
        });

        let ice_shared = shared.clone();
        let on_ice = Closure::new(move |event: RtcPeerConnectionIceEvent| {
            let shared = &ice_shared;
            let candidate = event.candidate().map(|c| (c.candidate(), c));
            match candidate {
                Some((line, candidate)) if !line.is_empty() => {
                    // The browser adds the candidate to localDescription before this event.
                    let ready = !shared.waiters.borrow().is_empty()
                        && target_connection(&event).is_some_and(|pc| {
                            let sdp = pc.local_description().map(|d| d.sdp());
                            shared.policy.is_satisfied_by(&sdp.unwrap_or_default())
                        });
                    if ready {
                        // Host candidates come as a burst of tasks: one more turn lets the
                        // rest of the burst into the SDP at no real cost.
                        shared.release_waiters(shared.policy == GatheringPolicy::HostCandidates);
                    }
                    shared.emit(MediaEvent::IceCandidate {
                        candidate: line,
                        sdp_mid: candidate.sdp_mid(),
                        sdp_m_line_index: candidate.sdp_m_line_index(),
                    });
                }
                // `null` (or the legacy empty candidate): this generation is complete.
                _ => {
                    if let Some(pc) = target_connection(&event) {
                        let sdp = pc.local_description().map(|d| d.sdp()).unwrap_or_default();
                        *shared.complete_ufrag.borrow_mut() =
                            ice::ice_ufrag(&sdp).map(String::from);
                    }
                    shared.release_waiters(false);
                    shared.emit(MediaEvent::IceGatheringComplete);
                }
            }
        });

        let state_shared = shared.clone();
        let on_state = Closure::new(move |event: Event| {
            if let Some(pc) = target_connection(&event) {
                state_shared.emit(MediaEvent::ConnectionState(pc.connection_state()));
            }
        });

        let track_shared = shared.clone();
        let on_track = Closure::new(move |event: RtcTrackEvent| {
            let stream = match event.streams().get(0).dyn_into::<MediaStream>() {
                Ok(stream) => stream,
                // A sender without a stream (no a=msid): wrap the bare track.
                Err(_) => match MediaStream::new() {
                    Ok(stream) => {
                        stream.add_track(&event.track());
                        stream
                    }
                    Err(error) => return log::error_value("cannot wrap remote track", &error),
                },
            };
            *track_shared.remote.borrow_mut() = Some(stream);
            track_shared.play_remote();
            track_shared.emit(MediaEvent::RemoteTrack);
        });

        let tone_shared = shared.clone();
        let on_tone = Closure::new(move |event: RtcdtmfToneChangeEvent| {
            tone_shared.emit(MediaEvent::DtmfTone(event.tone()));
        });

        pc.set_onicecandidate(Some(on_ice.as_ref().unchecked_ref()));
        pc.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        Ok(Media {
            pc,
            shared,
            gathering_timeout_ms,
            microphone: RefCell::new(None),
            muted: Cell::new(false),
            hold_offered: Cell::new(false),
            hold_agreed: Cell::new(false),
            closed: Cell::new(false),
            dtmf: RefCell::new(None),
            _on_ice: on_ice,
            _on_state: on_state,
            _on_track: on_track,
            on_tone,
        })
    }

    fn check_open(&self) -> Result<(), JsValue> {
        if self.closed.get() || self.pc.signaling_state() == RtcSignalingState::Closed {
            Err(closed_error())
        } else {
            Ok(())
        }
    }

    fn catching(&self) -> &CatchingPeerConnection {
        self.pc.unchecked_ref()
    }

    /// The audio transceiver, if one exists yet.
    fn transceiver(&self) -> Option<RtcRtpTransceiver> {
        self.pc.get_transceivers().get(0).dyn_into().ok()
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
    /// on the audio transceiver; a previous microphone is stopped. Keeps mute and hold.
    pub async fn acquire_microphone(&self, device_id: Option<&str>) -> Result<(), JsValue> {
        self.check_open()?;
        let stream = devices::open_microphone(device_id).await?;
        if let Err(error) = self.use_microphone(&stream).await {
            devices::stop_stream(&stream);
            return Err(error);
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
            .ok_or_else(|| JsValue::from_str("the microphone stream has no audio track"))?;
        track.set_enabled(!self.muted.get() && !self.hold_offered.get());
        match self.transceiver() {
            Some(transceiver) => {
                // replaceTrack needs no renegotiation: the way to switch devices mid-call,
                // and to fill a transceiver the remote offer created.
                JsFuture::from(transceiver.sender().replace_track(Some(&track))).await?;
                // A transceiver created by a remote offer starts recvonly.
                set_direction(&transceiver, self.send_direction())
            }
            None => self.catching().add_track(&track, stream).map(|_| ()),
        }
    }

    /// Switches to microphone `device_id` mid-call with `RTCRtpSender.replaceTrack` (no
    /// re-INVITE); mute and hold carry over.
    pub async fn replace_microphone(&self, device_id: &str) -> Result<(), JsValue> {
        self.acquire_microphone(Some(device_id)).await
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

    /// Whether `mute(true)` is in effect.
    pub fn is_muted(&self) -> bool {
        self.muted.get()
    }

    /// Creates an offer, sets it as the local description and returns its SDP under the
    /// early-offer policy (module docs).
    pub async fn create_offer(&self) -> Result<String, JsValue> {
        self.offer(false, true).await
    }

    /// Creates an offer and returns its SDP at once, before any candidate: full trickle ICE
    /// (RFC 8838 §4.1), where every candidate follows in INFO requests.
    pub async fn create_offer_now(&self) -> Result<String, JsValue> {
        self.offer(false, false).await
    }

    /// An offer with new ICE credentials (RFC 8839 §4.4.1.1.1), for a network change or a
    /// reconnected signalling path; waits for candidates of the new generation.
    pub async fn ice_restart_offer(&self) -> Result<String, JsValue> {
        self.offer(true, true).await
    }

    async fn offer(&self, ice_restart: bool, wait: bool) -> Result<String, JsValue> {
        self.check_open()?;
        self.ensure_transceiver()?;
        let promise = if ice_restart {
            let options = RtcOfferOptions::new();
            options.set_ice_restart(true);
            self.pc.create_offer_with_rtc_offer_options(&options)
        } else {
            self.pc.create_offer()
        };
        let offer = JsFuture::from(promise).await?;
        if !wait {
            JsFuture::from(self.pc.set_local_description(offer.unchecked_ref())).await?;
            return Ok(self.local_sdp());
        }
        self.set_local(&offer).await
    }

    /// Puts the call on hold (RFC 3264 §8.4: our stream `sendonly`) and returns the new offer;
    /// the microphone stops sending audio. Apply the answer with `set_remote_answer`, or
    /// `rollback` if the re-INVITE fails.
    pub async fn hold(&self) -> Result<String, JsValue> {
        self.set_hold(true).await
    }

    /// Takes the call off hold (`sendrecv`) and returns the new offer.
    pub async fn unhold(&self) -> Result<String, JsValue> {
        self.set_hold(false).await
    }

    async fn set_hold(&self, hold: bool) -> Result<String, JsValue> {
        self.check_open()?;
        let transceiver = self.ensure_transceiver()?;
        self.hold_offered.set(hold);
        set_direction(&transceiver, self.send_direction())?;
        self.apply_track_enabled();
        self.offer(false, true).await
    }

    /// Whether our side has the call on hold (as last offered).
    pub fn is_on_hold(&self) -> bool {
        self.hold_offered.get()
    }

    /// Applies the remote answer to our offer.
    pub async fn set_remote_answer(&self, sdp: &str) -> Result<(), JsValue> {
        self.set_remote(RtcSdpType::Answer, sdp).await?;
        self.hold_agreed.set(self.hold_offered.get());
        Ok(())
    }

    /// Applies a remote offer (initial or re-INVITE) without answering yet, e.g. to check it
    /// before ringing; answer later with [`Media::answer_pending_offer`].
    pub async fn set_remote_offer(&self, sdp: &str) -> Result<(), JsValue> {
        self.set_remote(RtcSdpType::Offer, sdp).await
    }

    /// Applies `remote_offer` and returns our answer's SDP under the early-offer policy.
    /// A remote hold (their `sendonly`) is answered `recvonly` by the browser.
    pub async fn create_answer(&self, remote_offer: &str) -> Result<String, JsValue> {
        self.set_remote_offer(remote_offer).await?;
        self.answer_pending_offer().await
    }

    /// Answers the remote offer set by [`Media::set_remote_offer`].
    pub async fn answer_pending_offer(&self) -> Result<String, JsValue> {
        self.check_open()?;
        let answer = JsFuture::from(self.pc.create_answer()).await?;
        let sdp = self.set_local(&answer).await?;
        self.hold_agreed.set(self.hold_offered.get());
        Ok(sdp)
    }

    /// Abandons an offer in progress, ours or theirs (a failed or rejected re-INVITE,
    /// RFC 3261 §14.1), returning to the last agreed session including its hold state.
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

    /// Adds a remote trickled candidate (`candidate:...`, RFC 8840); an empty `candidate`
    /// means the remote end-of-candidates.
    pub async fn add_remote_candidate(
        &self,
        candidate: &str,
        sdp_mid: Option<&str>,
        sdp_m_line_index: Option<u16>,
    ) -> Result<(), JsValue> {
        self.check_open()?;
        let init = RtcIceCandidateInit::new(candidate);
        init.set_sdp_mid(sdp_mid);
        init.set_sdp_m_line_index(sdp_m_line_index);
        let promise = self
            .pc
            .add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init));
        JsFuture::from(promise).await?;
        Ok(())
    }

    async fn set_remote(&self, kind: RtcSdpType, sdp: &str) -> Result<(), JsValue> {
        self.check_open()?;
        let description = RtcSessionDescriptionInit::new(kind);
        description.set_sdp(sdp);
        JsFuture::from(self.pc.set_remote_description(&description)).await?;
        Ok(())
    }

    async fn set_local(&self, description: &JsValue) -> Result<String, JsValue> {
        JsFuture::from(self.pc.set_local_description(description.unchecked_ref())).await?;
        self.wait_for_candidates().await;
        self.check_open()?;
        Ok(self.local_sdp())
    }

    /// Waits until the local description satisfies the gathering policy, gathering of its
    /// ICE generation is complete, or the timeout passes.
    async fn wait_for_candidates(&self) {
        let sdp = self.local_sdp();
        let ufrag = ice::ice_ufrag(&sdp);
        if self.shared.policy.is_satisfied_by(&sdp)
            || (ufrag.is_some() && self.shared.complete_ufrag.borrow().as_deref() == ufrag)
        {
            return;
        }
        let mut cap = JsValue::UNDEFINED;
        let timeout = self.gathering_timeout_ms;
        let promise = Promise::new(&mut |resolve, _reject| {
            cap = timer::call_later(&resolve, timeout);
            self.shared.waiters.borrow_mut().push(resolve);
        });
        // Only ever resolved.
        let _ = JsFuture::from(promise).await;
        timer::cancel_call(&cap);
    }

    /// The current local SDP (with every candidate gathered so far), or empty.
    pub fn local_sdp(&self) -> String {
        self.pc
            .local_description()
            .map(|description| description.sdp())
            .unwrap_or_default()
    }

    /// The current remote SDP, or empty.
    pub fn remote_sdp(&self) -> String {
        self.pc
            .remote_description()
            .map(|description| description.sdp())
            .unwrap_or_default()
    }

    /// `connectionState`.
    pub fn connection_state(&self) -> RtcPeerConnectionState {
        self.pc.connection_state()
    }

    /// `iceGatheringState`.
    pub fn ice_gathering_state(&self) -> RtcIceGatheringState {
        self.pc.ice_gathering_state()
    }

    /// Queues `digits` (`0-9`, `A-D`, `#`, `*`; `,` pauses 2 s) as RFC 4733 telephone-events
    /// via `RTCDTMFSender.insertDTMF`, each `duration_ms` long (browser range 40..=6000) with
    /// `gap_ms` between (at least 30). Appends to digits still queued; progress comes back
    /// as [`MediaEvent::DtmfTone`]. Fails before the call's audio is negotiated to send.
    pub fn insert_dtmf(&self, digits: &str, duration_ms: u32, gap_ms: u32) -> Result<(), JsValue> {
        self.check_open()?;
        let dtmf = self
            .transceiver()
            .and_then(|transceiver| transceiver.sender().dtmf())
            .ok_or_else(|| JsValue::from_str("no audio sender for DTMF"))?;
        dtmf.set_ontonechange(Some(self.on_tone.as_ref().unchecked_ref()));
        // insertDTMF replaces the queue; keep what is still waiting, like a keypad would.
        let mut tones = dtmf.tone_buffer();
        tones.push_str(digits);
        dtmf.unchecked_ref::<CatchingDtmfSender>()
            .insert_dtmf(&tones, duration_ms, gap_ms)?;
        *self.dtmf.borrow_mut() = Some(dtmf);
        Ok(())
    }

    /// Plays remote audio through `element` (the page's `<audio>`), or through our own
    /// `<audio>` again with `None`. The element no longer used is detached.
    pub fn set_remote_audio_element(&self, element: Option<HtmlMediaElement>) {
        if let Some(previous) = self.shared.output.replace(element) {
            previous.set_src_object(None);
        }
        self.shared.play_remote();
    }

    /// Sends remote audio to speaker `sink_id` (`HTMLMediaElement.setSinkId`); `Ok(false)`
    /// where the browser cannot choose the output. Remembered for our own `<audio>`.
    pub async fn set_sink_id(&self, sink_id: &str) -> Result<bool, JsValue> {
        *self.shared.sink_id.borrow_mut() = Some(String::from(sink_id));
        let element = self.shared.output()?;
        set_element_sink(&element, sink_id).await
    }

    /// The element remote audio plays through, once there is one.
    pub fn remote_audio_element(&self) -> Option<HtmlMediaElement> {
        self.shared.output.borrow().clone()
    }

    /// A snapshot of the call's audio quality.
    pub async fn get_stats(&self) -> Result<MediaStats, JsValue> {
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
        if let Some(element) = self.shared.output.borrow().as_ref() {
            element.set_src_object(None);
        }
        self.shared.remote.borrow_mut().take();
        self.shared.release_waiters(false);
    }

    /// Whether `close` ran.
    pub fn is_closed(&self) -> bool {
        self.closed.get()
    }
}

impl Drop for Media {
    fn drop(&mut self) {
        // Detach before the closures are freed with `self`.
        self.pc.set_onicecandidate(None);
        self.pc.set_onconnectionstatechange(None);
        self.pc.set_ontrack(None);
        if let Some(dtmf) = self.dtmf.borrow_mut().take() {
            dtmf.set_ontonechange(None);
        }
        self.close();
    }
}
