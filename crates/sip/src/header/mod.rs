//! Headers: names, the raw multimap, list splitting and typed views.

pub mod map;
pub mod name;
pub mod params;
pub mod split;
pub mod typed;
