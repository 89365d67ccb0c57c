//! The page clock, and one re-armable timeout.
//!
//! The core asks for one wake-up at a time (`poll_output` returns the next deadline), so a
//! [`Timer`] holds at most one live timeout: arming it again replaces the previous one. It is
//! a gloo `Timeout`, which owns its callback: dropping the `Timer` cancels the timeout and frees
//! the closure, so nothing fires into a freed phone.

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// Milliseconds from `performance.now()`: monotonic, near zero at page load. The sans-IO
/// core is driven with it.
pub fn now_ms() -> f64 {
    performance_now()
}

/// Milliseconds since the Unix epoch (`Date.now()`): the time base of tokens and `getInfo`.
pub fn wall_ms() -> f64 {
    js_sys::Date::now()
}

/// Resolves after `delay_ms`; `sleep(0)` lets the queued browser events run first.
pub async fn sleep(delay_ms: u32) {
    gloo_timers::future::TimeoutFuture::new(delay_ms).await;
}

/// One re-armable timeout that owns its callback.
///
/// The callback may re-arm or clear the `Timer` that runs it: wasm-bindgen frees a closure
/// dropped during its own call once the call returns.
#[derive(Default)]
pub struct Timer(Option<Timeout>);

impl Timer {
    /// Runs `callback` once after `delay_ms` (clamped to what `setTimeout` takes), replacing
    /// and cancelling whatever was armed.
    pub fn set(&mut self, delay_ms: u32, callback: impl FnOnce() + 'static) {
        // Browsers treat a delay above 2^31-1 as 0: clamp instead of wrapping.
        self.0 = Some(Timeout::new(delay_ms.min(i32::MAX as u32), callback));
    }

    /// Cancels the pending callback, if any, and frees it.
    pub fn clear(&mut self) {
        self.0 = None;
    }

    /// Whether a callback was armed and neither cleared nor replaced (it may have run).
    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }
}
