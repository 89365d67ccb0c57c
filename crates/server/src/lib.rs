//! `bwclient-server`: the platform BWClient talks to.
//!
//! One port serves the REST API (`/v1`, [`rest`]), SIP over WebSocket (`/sip`, [`sip`]), the
//! demo page and the built client ([`static_files`]). Storage is SQLite ([`db`]); the SIP side
//! reaches it only through the [`directory::Directory`] seam ([`store_directory`]). Start it
//! with [`app::serve`].
#![forbid(unsafe_code)]

pub mod app;
pub mod auth_basic;
pub mod callbacks;
pub mod config;
pub mod credential_cache;
pub mod db;
pub mod demo;
pub mod directory;
pub mod rest;
pub mod revocation;
pub mod same_origin;
pub mod secrets;
pub mod sip;
pub mod static_files;
pub mod store_directory;
pub mod token_auth;
