//! Helpers shared by the browser tests: waiting for an outcome, a `Media` with its events, and
//! (in [`phones`]) phones logged in to the test server.
#![allow(dead_code)] // each test binary uses a different subset

pub mod phones;

use bwclient::media::{Media, MediaEvent};
use bwclient::timer::{now_ms, sleep};
use js_sys::{Array, Function, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::RtcPeerConnectionState;

/// Polls `done` every 10 ms until it holds; panics with `what` after `limit_ms`. The limit only
/// turns a hang into a failure: no test passes or fails on how fast something was.
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
    /// A peer with `ice_servers` (or `undefined` for none).
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

    /// The local candidates reported so far, as `(candidate, mid)`.
    pub fn candidates(&self) -> Vec<(String, String)> {
        self.events
            .borrow()
            .iter()
            .filter_map(|event| match event {
                MediaEvent::IceCandidate { candidate, mid } => {
                    Some((candidate.clone(), mid.clone()))
                }
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

/// Whether `sdp` has the attribute line `a=<attribute>` (e.g. `sendonly`).
pub fn has_attribute(sdp: &str, attribute: &str) -> bool {
    sdp.lines()
        .any(|line| line.trim_end() == ["a=", attribute].concat())
}

/// Records what the page's console receives at `level` (`warn`, `error`…) from now on, as
/// lines of space-joined arguments, until [`ConsoleLines::stop`].
pub struct ConsoleLines {
    level: &'static str,
    original: JsValue,
    lines: Array,
}

impl ConsoleLines {
    pub fn start(level: &'static str) -> ConsoleLines {
        let console = Reflect::get(&js_sys::global(), &"console".into()).unwrap();
        let original = Reflect::get(&console, &level.into()).unwrap();
        let lines = Array::new();
        let record = Function::new_with_args(
            "lines, original",
            "return (...args) => { lines.push(args.map(String).join(' ')); original.apply(console, args); }",
        );
        let recorder = record.call2(&JsValue::NULL, &lines, &original).unwrap();
        Reflect::set(&console, &level.into(), &recorder).unwrap();
        ConsoleLines {
            level,
            original,
            lines,
        }
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.iter().filter_map(|l| l.as_string()).collect()
    }

    pub fn stop(self) -> Vec<String> {
        let console = Reflect::get(&js_sys::global(), &"console".into()).unwrap();
        Reflect::set(&console, &self.level.into(), &self.original).unwrap();
        self.lines()
    }
}

/// Makes the page's next `getUserMedia` calls fail (`NotAllowedError`, as a refused permission
/// would) while the returned guard lives: the way to test what the client does without media.
pub struct FailingMicrophone {
    devices: JsValue,
    original: JsValue,
}

impl FailingMicrophone {
    pub fn arm() -> FailingMicrophone {
        let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).unwrap();
        let devices = Reflect::get(&navigator, &"mediaDevices".into()).unwrap();
        let original = Reflect::get(&devices, &"getUserMedia".into()).unwrap();
        let refuse = Function::new_with_args(
            "",
            "return Promise.reject(new DOMException('refused by the test', 'NotAllowedError'))",
        );
        Reflect::set(&devices, &"getUserMedia".into(), &refuse).unwrap();
        FailingMicrophone { devices, original }
    }
}

impl Drop for FailingMicrophone {
    fn drop(&mut self) {
        let _ = Reflect::set(&self.devices, &"getUserMedia".into(), &self.original);
    }
}
