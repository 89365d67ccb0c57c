//! A tiny event emitter behind `phone.on(name, fn)` / `call.on(name, fn)`.
//!
//! Listeners are JS functions kept in registration order. `emit` calls them with `this`
//! undefined; a listener that throws is logged and the remaining listeners still run, so a
//! bug in page code never breaks the client's own state machine.
//!
//! The emitter is a cheap `Clone` (shared list): clone it out of the state it lives in and
//! emit after releasing any `RefCell` borrow, because a listener may call straight back into
//! the client (`call.on('connected', () => call.hangup())`).

use crate::log;
use core::cell::RefCell;
use js_sys::{Array, Function};
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// Named listener lists; see the module docs.
#[derive(Clone, Default)]
pub struct Emitter {
    listeners: Rc<RefCell<Vec<(String, Function)>>>,
}

impl Emitter {
    /// An emitter with no listeners.
    pub fn new() -> Emitter {
        Emitter::default()
    }

    /// Adds `listener` for `name`. Like Node's `EventEmitter`, adding the same function twice
    /// makes it run twice.
    pub fn on(&self, name: &str, listener: Function) {
        self.listeners
            .borrow_mut()
            .push((String::from(name), listener));
    }

    /// Removes the most recently added registration of `listener` (compared with `===`) for
    /// `name`; returns whether one was found.
    pub fn off(&self, name: &str, listener: &Function) -> bool {
        let mut listeners = self.listeners.borrow_mut();
        let target: &JsValue = listener.as_ref();
        let found = listeners.iter().rposition(|(n, f)| {
            let f: &JsValue = f.as_ref();
            n == name && f == target
        });
        if let Some(index) = found {
            listeners.remove(index);
        }
        found.is_some()
    }

    /// Removes every listener for `name`, or every listener at all with `None`.
    pub fn remove_all(&self, name: Option<&str>) {
        match name {
            Some(name) => self.listeners.borrow_mut().retain(|(n, _)| n != name),
            None => self.listeners.borrow_mut().clear(),
        }
    }

    /// How many listeners `name` has.
    pub fn listener_count(&self, name: &str) -> usize {
        self.listeners
            .borrow()
            .iter()
            .filter(|(n, _)| n == name)
            .count()
    }

    /// Calls every listener of `name` with `args`, in registration order; returns how many ran
    /// (including ones that threw). Listeners added or removed by a listener take effect from
    /// the next `emit`.
    pub fn emit(&self, name: &str, args: &[JsValue]) -> usize {
        // Snapshot first: a listener may call `on`/`off` while we iterate.
        let targets: Vec<Function> = self
            .listeners
            .borrow()
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, f)| f.clone())
            .collect();
        if targets.is_empty() {
            return 0;
        }
        let array = Array::new();
        for arg in args {
            array.push(arg);
        }
        for listener in &targets {
            if let Err(thrown) = listener.apply(&JsValue::UNDEFINED, &array) {
                let mut message = String::from("a listener for '");
                message.push_str(name);
                message.push_str("' threw:");
                log::error_value(&message, &thrown);
            }
        }
        targets.len()
    }
}
