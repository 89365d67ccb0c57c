//! The listeners behind `phone.on(name, fn)` / `call.on(name, fn)`.
//!
//! Listeners are JS functions kept in registration order. `emit` calls them with `this`
//! undefined; a listener that throws is logged and the others still run, so a bug in page code
//! never breaks the client's own state. A listener may call straight back into the client
//! (`call.on('connected', () => call.hangup())`): `emit` holds no borrow while it calls.

use crate::log;
use core::cell::RefCell;
use js_sys::Function;
use wasm_bindgen::JsValue;

/// Named listener lists; see the module docs.
#[derive(Default)]
pub struct Emitter {
    listeners: RefCell<Vec<(String, Function)>>,
}

impl Emitter {
    /// Adds `listener` for `name`. As with Node's `EventEmitter`, adding the same function
    /// twice makes it run twice.
    pub fn on(&self, name: String, listener: Function) {
        self.listeners.borrow_mut().push((name, listener));
    }

    /// Removes the latest registration of `listener` (compared with `===`) for `name`;
    /// returns whether there was one.
    pub fn off(&self, name: &str, listener: &Function) -> bool {
        let mut listeners = self.listeners.borrow_mut();
        let found = listeners
            .iter()
            .rposition(|(n, f)| n == name && f == listener);
        if let Some(at) = found {
            listeners.remove(at);
        }
        found.is_some()
    }

    /// Calls every listener of `name` with `arg` (with no argument when it is `undefined`), in
    /// registration order; returns how many ran (including those that threw). Listeners added
    /// or removed meanwhile count from the next `emit`.
    pub fn emit(&self, name: &str, arg: &JsValue) -> usize {
        // Snapshot first: a listener may call `on`/`off` while we iterate.
        let targets: Vec<Function> = self
            .listeners
            .borrow()
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, f)| f.clone())
            .collect();
        for listener in &targets {
            let called = if arg.is_undefined() {
                listener.call0(&JsValue::UNDEFINED)
            } else {
                listener.call1(&JsValue::UNDEFINED, arg)
            };
            if let Err(thrown) = called {
                log::error_value(&["a listener for '", name, "' threw:"].concat(), &thrown);
            }
        }
        targets.len()
    }

    /// `emit` with no argument.
    pub fn emit0(&self, name: &str) -> usize {
        self.emit(name, &JsValue::UNDEFINED)
    }
}
