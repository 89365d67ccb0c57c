//! Levelled logging to the browser console.
//!
//! One process-wide level (a page has one client library), set from the `logLevel` option:
//! `debug` traces every SIP message, `silent` prints nothing. Each line is written as
//! `console.<level>("[bwclient]", message[, value])`: the prefix is a separate argument so no
//! string is built for it, and a JS value (an error, an event) keeps its console inspector.

use core::sync::atomic::{AtomicU8, Ordering};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How much the client writes to the console; each level includes the ones after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Everything, including each SIP message sent and received.
    Debug = 0,
    /// Life-cycle lines: connected, registered, call state changes.
    Log = 1,
    /// Something went wrong and was recovered from (a dropped frame, an autoplay refusal).
    Warn = 2,
    /// Something failed.
    Error = 3,
    /// Nothing at all.
    Silent = 4,
}

const NAMES: [&str; 5] = ["debug", "log", "warn", "error", "silent"];
const LEVELS: [Level; 5] = [
    Level::Debug,
    Level::Log,
    Level::Warn,
    Level::Error,
    Level::Silent,
];

impl Level {
    /// Parses a `logLevel` value (`debug|log|warn|error|silent`); `None` for anything else, so
    /// the caller reports the bad option instead of guessing.
    pub fn parse(name: &str) -> Option<Level> {
        let at = NAMES.iter().position(|n| *n == name)?;
        Some(LEVELS[at])
    }

    /// The option spelling of this level.
    pub fn as_str(self) -> &'static str {
        NAMES[self as usize]
    }
}

// A library is quiet unless asked: warnings and errors only by default.
static LEVEL: AtomicU8 = AtomicU8::new(Level::Warn as u8);

const PREFIX: &str = "[bwclient]";

/// Sets the process-wide level.
pub fn set_level(level: Level) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}

/// The process-wide level.
pub fn level() -> Level {
    LEVELS[usize::from(LEVEL.load(Ordering::Relaxed)).min(4)]
}

/// Whether a line at `at` is printed; check it before building an expensive message.
pub fn enabled(at: Level) -> bool {
    at != Level::Silent && at >= level()
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = debug)]
    fn console_debug(prefix: &str, message: &str);
    #[wasm_bindgen(js_namespace = console, js_name = log)]
    fn console_log(prefix: &str, message: &str);
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn(prefix: &str, message: &str);
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn_value(prefix: &str, message: &str, value: &JsValue);
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(prefix: &str, message: &str, value: &JsValue);
}

/// `console.debug`, at level `debug`.
pub fn debug(message: &str) {
    if enabled(Level::Debug) {
        console_debug(PREFIX, message);
    }
}

/// `console.log`, at level `log`.
pub fn log(message: &str) {
    if enabled(Level::Log) {
        console_log(PREFIX, message);
    }
}

/// `console.warn`, at level `warn`.
pub fn warn(message: &str) {
    if enabled(Level::Warn) {
        console_warn(PREFIX, message);
    }
}

/// `console.warn` with a JS value (an error or event) after the message.
pub fn warn_value(message: &str, value: &JsValue) {
    if enabled(Level::Warn) {
        console_warn_value(PREFIX, message, value);
    }
}

/// `console.error` with a JS value (an error or event) after the message.
pub fn error_value(message: &str, value: &JsValue) {
    if enabled(Level::Error) {
        console_error(PREFIX, message, value);
    }
}

/// Lets `promise` settle in the background and logs a rejection as a warning, instead of
/// leaving an unhandled rejection (autoplay refusals, `AudioContext.close()`).
pub fn warn_on_rejection(promise: Promise, what: &'static str) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = JsFuture::from(promise).await {
            warn_value(what, &error);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_option_value_and_round_trips() {
        for level in LEVELS {
            assert_eq!(Level::parse(level.as_str()), Some(level));
        }
        assert_eq!(Level::parse("info"), None);
        assert_eq!(Level::parse("DEBUG"), None);
    }

    #[test]
    fn a_level_includes_the_more_severe_ones_and_silent_prints_nothing() {
        // One test owns the global, so parallel tests cannot race on it.
        set_level(Level::Warn);
        assert!(!enabled(Level::Debug));
        assert!(!enabled(Level::Log));
        assert!(enabled(Level::Warn));
        assert!(enabled(Level::Error));
        set_level(Level::Silent);
        assert!(!enabled(Level::Error));
        assert!(!enabled(Level::Silent));
        set_level(Level::Debug);
        assert!(enabled(Level::Debug));
        assert_eq!(level(), Level::Debug);
        set_level(Level::Warn);
    }
}
