//! `bwclient`: the browser bindings over the sans-IO core in `bwclient-sip`.
//!
//! Data flows one way: JS call → binding → core command → `poll_output` → transport, media or
//! event. The bindings land with the client issue; this crate already links the core so the
//! workspace builds for `wasm32-unknown-unknown`.
#![forbid(unsafe_code)]

pub use bwclient_sdp as sdp;
pub use bwclient_sip as sip;
