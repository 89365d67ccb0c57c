//! Helpers shared by the browser tests: waiting for an outcome, and a `Media` with its events.
#![allow(dead_code)] // each test binary uses a different subset

use bwclient::media::{Media, MediaEvent};
use bwclient::timer::{now_ms, sleep};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::RtcPeerConnectionState;

/// Polls `done` every 10 ms until it holds; panics with `what` after `limit_ms`. The limit
/// only turns a hang into a failure: no test passes or fails on how fast something was.
pub async fn wait_until(what: &str, limit_ms: f64, mut done: impl FnMut() -> bool) {
    let start = now_ms();
    while !done() {
        assert!(now_ms() - start < limit_ms, "timed out waiting for {what}");
        sleep(10).await;
    }
}

/// A `Media` whose events are recorded.
pub struct Peer {
    pub media: Rc<Media>,
    pub events: Rc<RefCell<Vec<MediaEvent>>>,
}

impl Peer {
    /// A peer with no ICE servers, or with `ice_servers`.
    pub fn new(ice_servers: &JsValue, gathering_timeout_ms: u32) -> Peer {
        let events = Rc::new(RefCell::new(Vec::new()));
        let sink = events.clone();
        let media = Media::new(ice_servers, gathering_timeout_ms, move |event| {
            sink.borrow_mut().push(event)
        })
        .expect("RTCPeerConnection");
        Peer {
            media: Rc::new(media),
            events,
        }
    }

    /// A peer without STUN/TURN and a generous gathering cap.
    pub fn local() -> Peer {
        Peer::new(&JsValue::UNDEFINED, 5000)
    }

    pub fn saw(&self, event: &MediaEvent) -> bool {
        self.events.borrow().contains(event)
    }

    pub fn is_connected(&self) -> bool {
        self.media.connection_state() == RtcPeerConnectionState::Connected
    }

    /// The local candidates reported so far, as (candidate, mid, m-line index).
    pub fn candidates(&self) -> Vec<(String, Option<String>, Option<u16>)> {
        self.events
            .borrow()
            .iter()
            .filter_map(|event| match event {
                MediaEvent::IceCandidate {
                    candidate,
                    sdp_mid,
                    sdp_m_line_index,
                } => Some((candidate.clone(), sdp_mid.clone(), *sdp_m_line_index)),
                _ => None,
            })
            .collect()
    }
}

/// Two peers with microphones, connected by one offer/answer exchange (no trickle).
pub async fn connected_pair() -> (Peer, Peer) {
    let (a, b) = (Peer::local(), Peer::local());
    a.media
        .acquire_microphone(None)
        .await
        .expect("microphone a");
    b.media
        .acquire_microphone(None)
        .await
        .expect("microphone b");
    let offer = a.media.create_offer().await.expect("offer");
    let answer = b.media.create_answer(&offer).await.expect("answer");
    a.media
        .set_remote_answer(&answer)
        .await
        .expect("answer applied");
    wait_until("both peers connected", 10_000.0, || {
        a.is_connected() && b.is_connected()
    })
    .await;
    (a, b)
}

/// The `a=` attribute lines of `sdp` that are exactly `attribute` (e.g. `sendonly`).
pub fn has_attribute(sdp: &str, attribute: &str) -> bool {
    sdp.lines()
        .any(|line| line.trim_end() == format!("a={attribute}"))
}
