//! `bwclient`: the browser bindings over the sans-IO core in `bwclient-sip`.
//!
//! Data flows one way: JS call → binding → core command → `poll_output` → transport, media or
//! event. The bindings land with the client issue; this crate already links the core so the
//! workspace builds for `wasm32-unknown-unknown`.
//!
//! [`api`] is the JavaScript API (`BWClient`, `Phone`, `Call`).
//!
//! The platform layer below the JS API is the only code that touches browser APIs, one concept
//! per module: [`transport`] (SIP over WebSocket), [`media`] (`RTCPeerConnection`),
//! [`devices`] (microphones and speakers), [`timer`], [`emitter`], [`tones`] and [`log`];
//! [`reconnect`], [`ice`], [`trickle`] and [`stats`] hold their pure, natively tested halves. These modules
//! are Rust-facing (`pub` so the browser tests in `tests/` reach them); nothing in them is
//! exported to JavaScript.
#![forbid(unsafe_code)]

pub use bwclient_sdp as sdp;
pub use bwclient_sip as sip;

pub mod api;
pub mod devices;
pub mod emitter;
pub mod ice;
pub mod log;
pub mod media;
pub mod reconnect;
pub mod stats;
pub mod timer;
pub mod tones;
pub mod transport;
pub mod trickle;
