//! Small helpers for reading and building plain JS objects without serde.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

/// A new empty `{}`.
pub fn obj() -> Object {
    Object::new()
}

/// `o[key] = value`; setting a property on a fresh object cannot fail.
pub fn set(o: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(o, &JsValue::from_str(key), &value.into());
}

/// `o[key]`, or `undefined` when `o` is not an object or the getter throws.
pub fn get(o: &JsValue, key: &str) -> JsValue {
    if !o.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub fn get_string(o: &JsValue, key: &str) -> Option<String> {
    get(o, key).as_string()
}

pub fn get_bool(o: &JsValue, key: &str) -> Option<bool> {
    get(o, key).as_bool()
}

/// A non-negative whole number (ms, counts); fractions are truncated.
pub fn get_u32(o: &JsValue, key: &str) -> Option<u32> {
    get(o, key)
        .as_f64()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v.min(u32::MAX as f64) as u32)
}

/// An array of strings (non-strings are skipped); `None` if absent.
pub fn get_strings(o: &JsValue, key: &str) -> Option<Vec<String>> {
    let v = get(o, key);
    if !Array::is_array(&v) {
        return None;
    }
    Some(
        Array::from(&v)
            .iter()
            .filter_map(|s| s.as_string())
            .collect(),
    )
}

/// Milliseconds since the Unix epoch (`Date.now()`).
pub fn date_now_ms() -> f64 {
    js_sys::Date::now()
}
