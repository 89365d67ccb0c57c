//! Timers on `setTimeout`, and the page clock.
//!
//! The core asks for one wake-up at a time (`poll_output` returns the next timeout), so a
//! [`Timer`] holds one live timeout: arming it again replaces the previous one. The callback
//! closure is a field, so dropping the `Timer` both cancels the timeout and frees the closure.
//! Model: gloo-timers `Timeout`.
//!
//! `setTimeout`/`clearTimeout`/`performance.now` are bound as globals rather than through
//! `Window`, so the same code runs in a worker.

use core::cell::Cell;
use js_sys::{Function, Promise};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    // The id is a number in browsers but an object in Node, so it stays a JsValue.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, delay_ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// Milliseconds from `performance.now()`: monotonic, sub-millisecond, starts near zero at page
/// load. Use it as the `now` the sans-IO core is driven with.
pub fn now_ms() -> f64 {
    performance_now()
}

/// Converts a delay to what `setTimeout` takes; browsers treat anything above `i32::MAX` as 0,
/// so clamp instead of wrapping.
fn delay_arg(delay_ms: u32) -> i32 {
    i32::try_from(delay_ms).unwrap_or(i32::MAX)
}

/// Calls a JS function (typically a promise's `resolve`) after `delay_ms`, with no Rust
/// closure involved; returns the id for [`cancel_call`].
pub(crate) fn call_later(function: &Function, delay_ms: u32) -> JsValue {
    set_timeout(function, delay_arg(delay_ms))
}

/// Cancels a [`call_later`]; harmless if it already ran.
pub(crate) fn cancel_call(id: &JsValue) {
    clear_timeout(id);
}

/// Resolves after `delay_ms` (a `setTimeout` turned into a future). `sleep(0)` yields to the
/// event loop, letting queued events (ICE candidates, socket frames) run first.
pub async fn sleep(delay_ms: u32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        call_later(&resolve, delay_ms);
    });
    // The promise only ever resolves.
    let _ = JsFuture::from(promise).await;
}

struct Armed {
    id: JsValue,
    fired: Rc<Cell<bool>>,
    _closure: Closure<dyn FnMut()>,
}

/// One re-armable timeout that owns its callback.
///
/// The callback may re-arm or drop the `Timer` that runs it: wasm-bindgen frees a closure
/// dropped during its own call once the call returns.
#[derive(Default)]
pub struct Timer {
    armed: Option<Armed>,
}

impl Timer {
    /// A timer with nothing scheduled.
    pub fn new() -> Timer {
        Timer { armed: None }
    }

    /// Runs `callback` once after `delay_ms`, replacing (and cancelling) whatever was armed.
    pub fn set(&mut self, delay_ms: u32, callback: impl FnOnce() + 'static) {
        self.clear();
        let fired = Rc::new(Cell::new(false));
        let flag = fired.clone();
        let closure = Closure::once(move || {
            flag.set(true);
            callback();
        });
        let id = set_timeout(closure.as_ref().unchecked_ref(), delay_arg(delay_ms));
        self.armed = Some(Armed {
            id,
            fired,
            _closure: closure,
        });
    }

    /// Cancels the pending callback, if any, and frees it.
    pub fn clear(&mut self) {
        if let Some(armed) = self.armed.take() {
            if !armed.fired.get() {
                clear_timeout(&armed.id);
            }
        }
    }

    /// Whether a callback is scheduled and has not run yet.
    pub fn is_armed(&self) -> bool {
        self.armed.as_ref().is_some_and(|armed| !armed.fired.get())
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_beyond_i32_are_clamped_not_wrapped() {
        assert_eq!(delay_arg(0), 0);
        assert_eq!(delay_arg(1500), 1500);
        assert_eq!(delay_arg(u32::MAX), i32::MAX);
    }

    #[test]
    fn a_new_timer_is_not_armed() {
        // Arming needs a browser (tests/web_platform.rs); clearing an idle timer must not.
        let mut timer = Timer::new();
        assert!(!timer.is_armed());
        timer.clear();
        assert!(!timer.is_armed());
    }
}
