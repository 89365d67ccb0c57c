//! `bwclient_sip::Message::parse` for the browser parse benchmark.
//!
//! - `parse_corpus(frames, iterations)`: the whole loop inside wasm (the parser alone).
//! - `parse_one(frame)`: one call per message from JS, as a WebSocket `message` handler does
//!   (includes copying the JS string into wasm memory as UTF-8).
//! - `*_typed` variants: also read, as typed values, every header that JsSIP's parser parses
//!   eagerly (Via, From, To, Call-ID, CSeq, Contact, Record-Route, Content-Type,
//!   Content-Length, Max-Forwards, WWW-/Proxy-Authenticate, Event, Refer-To), so both parsers
//!   hand the same information to their user agent.
//!
//! Each returns how many messages parsed (and, for `_typed`, whose typed headers parsed).
#![forbid(unsafe_code)]

use std::hint::black_box;

use bwclient_sip::header::typed::{
    CSeq, CallId, Contact, ContentLength, ContentType, Event, FromHeader, MaxForwards,
    ProxyAuthenticate, RecordRoute, ReferTo, ToHeader, TypedHeader, Via, WwwAuthenticate,
};
use bwclient_sip::{Headers, Message};
use wasm_bindgen::prelude::*;

fn first<T: TypedHeader>(h: &Headers) -> bool {
    match h.typed::<T>() {
        None => true,
        Some(r) => black_box(r).is_ok(),
    }
}

fn all<T: TypedHeader>(h: &Headers) -> bool {
    black_box(h.typed_all::<T>()).is_ok()
}

/// The typed view JsSIP's `Parser.parseMessage` builds for its UA.
fn typed_view(m: &Message) -> bool {
    let h = m.headers();
    first::<Via>(h)
        && first::<FromHeader>(h)
        && first::<ToHeader>(h)
        && first::<CallId>(h)
        && first::<CSeq>(h)
        && all::<Contact>(h)
        && all::<RecordRoute>(h)
        && first::<ContentType>(h)
        && first::<ContentLength>(h)
        && first::<MaxForwards>(h)
        && all::<WwwAuthenticate>(h)
        && all::<ProxyAuthenticate>(h)
        && first::<Event>(h)
        && first::<ReferTo>(h)
}

/// Parses one message (and, with `typed`, its typed view); true when all of it parsed. Also
/// used natively by bench/native's criterion benchmark.
pub fn parse(frame: &[u8], typed: bool) -> bool {
    match Message::parse(black_box(frame)) {
        Ok(m) => !typed || typed_view(black_box(&m)),
        Err(_) => false,
    }
}

fn corpus(frames: &[String], iterations: u32, typed: bool) -> u32 {
    let mut ok = 0;
    for _ in 0..iterations {
        for f in frames {
            ok += u32::from(parse(f.as_bytes(), typed));
        }
    }
    ok
}

#[wasm_bindgen]
pub fn parse_corpus(frames: Vec<String>, iterations: u32) -> u32 {
    corpus(&frames, iterations, false)
}

#[wasm_bindgen]
pub fn parse_corpus_typed(frames: Vec<String>, iterations: u32) -> u32 {
    corpus(&frames, iterations, true)
}

#[wasm_bindgen]
pub fn parse_one(frame: &str) -> bool {
    parse(frame.as_bytes(), false)
}

#[wasm_bindgen]
pub fn parse_one_typed(frame: &str) -> bool {
    parse(frame.as_bytes(), true)
}
