//! Rust futures as JavaScript promises, through wasm-bindgen-futures.

use core::future::Future;
use core::pin::Pin;
use js_sys::Promise;
use wasm_bindgen::JsValue;

/// A promise settled by `future`. Every future is boxed as the same type first, so
/// wasm-bindgen-futures' driver is compiled once, not once per async method.
pub fn promise(future: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    let boxed: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>> = Box::pin(future);
    wasm_bindgen_futures::future_to_promise(boxed)
}
