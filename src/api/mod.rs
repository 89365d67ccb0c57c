//! The JavaScript API: `BWClient`, `Phone`, `Call` (see the contract in the README).
//!
//! Thin over the core: each exported type wraps an `inner` (`Rc`) that owns its resources;
//! [`phone_inner`] is the run loop, [`call_inner`] the per-call media glue.

pub mod call;
pub mod call_inner;
pub mod client;
pub mod errors;
pub mod js;
pub mod options;
pub mod phone;
pub mod phone_inner;
pub mod typescript;
