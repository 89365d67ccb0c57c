//! `bwclient`: the browser calling client, compiled to WebAssembly. It wraps
//! `RTCPeerConnection` and a SIP-over-WebSocket user agent, and gives JavaScript `BWClient`
//! (`login(token)`, the legacy `createPhone`), `Phone` (`call()`, `incomingCall`) and `Call`
//! (`answer()`, `hangup()`, hold, DTMF, transfer…).
//!
//! Data flows one way: JS call → [`phone`]/[`call`] binding → core command (`bwclient-sip`'s
//! sans-IO `Ua`) → `poll_output` → [`transport`], [`media`] or an event to the page.
//!
//! - The JS API: [`client`] (`BWClient`), [`phone`] (`Phone`), [`call`] (`Call`), thin over
//!   [`phone_inner`] (the run loop: one `Ua`, one WebSocket, one core timer) and
//!   [`call_inner`] (one call's media glue); [`options`] reads what pages pass in,
//!   [`payloads`] is what they get back, [`errors`] the codes, [`typescript`] the types.
//! - The browser, one concept per module: [`transport`] (the only code touching
//!   `WebSocket`), [`media`] (the only code touching `RTCPeerConnection`), [`devices`],
//!   [`tones`] (WebAudio), [`timer`] and [`emitter`] (gloo timers, JS listeners), [`log`].
//! - Pure rules, tested natively: [`ice`] (the early-offer policy), [`trickle`] (RFC 8840),
//!   [`hold`] (RFC 3264 §8.4), [`sdp`] (reading SDP lines), [`reconnect`] (back-off),
//!   [`keepalive`] (RFC 5626 §4.4.1 CRLF keep-alives),
//!   [`stats`] (call quality and MOS).
//!
//! The modules are public so the browser tests in `tests/` reach them; only the three
//! classes are exported to JavaScript.
#![forbid(unsafe_code)]

pub mod call;
pub mod call_inner;
pub mod client;
pub mod devices;
pub mod emitter;
pub mod errors;
pub mod hold;
pub mod ice;
pub mod keepalive;
pub mod log;
pub mod media;
pub mod options;
pub mod payloads;
pub mod phone;
pub mod phone_inner;
pub mod promise;
pub mod reconnect;
pub mod sdp;
pub mod stats;
pub mod timer;
pub mod tones;
pub mod transport;
pub mod trickle;
pub mod typescript;
