//! `bwclient-server`: the platform BWClient talks to.
#![forbid(unsafe_code)]

pub mod directory;
pub mod sip;
