//! `bwclient`: the browser calling client. This crate is the WebAssembly half: [`core::Core`],
//! the sans-IO SIP user agent of `bwclient-sip` exported to JavaScript. The browser half (the
//! `BWClient`/`Phone`/`Call` API, the SIP-over-WebSocket transport, `RTCPeerConnection` media,
//! devices, tones) is plain JavaScript in `js/`, built with this module into one package by
//! `scripts/build.sh`.
//!
//! Data flows one way: JS call → `Core` command → `Core::poll` → transport, media or event.
#![forbid(unsafe_code)]

pub mod core;
