//! SIP over WebSocket (RFC 7118): the registrar and the stateful proxy of `bwclient-server`.
//!
//! Mount with `app.merge(sip::router(SipService::new(directory, SipConfig::default())))`: it
//! serves `GET /sip`, a WebSocket with subprotocol `sip` (HTTP 400 otherwise, HTTP 503 past
//! `max_connections`). Every SIP byte is parsed and printed by `bwclient-sip`; endpoints,
//! passwords, the token secret, revocations and call-event delivery come from the
//! [`Directory`](crate::directory::Directory); token checks are [`crate::token_auth`]'s.
//!
//! **Connections** (`connection.rs`, `ws.rs`). One task per WebSocket; one SIP message per
//! text or binary frame (RFC 7118 §5.2); `CRLFCRLF` is answered with `CRLF` (RFC 5626 §4.4.1);
//! WebSocket Pings when the client is quiet, close when it stays silent. Limits
//! ([`SipConfig`]): message size (`513`), frame size (the connection closes), connections,
//! frames per second per connection, keep-alives included (`503`); per source address, the
//! connections held and those not authenticated yet (HTTP 503), and a deadline to
//! authenticate (`admission.rs`). A frame that does not parse gets `400` if its
//! Via/From/To/Call-ID/CSeq lines can still be read (`salvage.rs`), else it is dropped; the
//! connection and every other call go on. Two values of Call-ID, From, To, CSeq,
//! Max-Forwards or Content-Length make a message unparsable (`400 Bad Request: multiple
//! values of <header>`): the server never picks one.
//!
//! **Authentication** (`auth.rs`). REGISTER and every out-of-dialog request carry one of
//! `X-Callsign-Token: <token>`, `Authorization`/`Proxy-Authorization: Bearer <token>`
//! (RFC 8898), or Digest (RFC 7616/8760: SHA-256 or MD5, `qop=auth`, realm = the endpoint's
//! domain) with the endpoint password or the token credential (username
//! `<expiry>:<user>@<host>`, password `base64(HMAC-SHA1(secret, username))`, Kamailio
//! `auth_ephemeral`). No credentials: `401` (REGISTER) or `407` (others) with an HMAC'd
//! nonce (`nonce.rs`) whose nonce-count must increase (`nonce_count.rs`: a replayed answer gets
//! a fresh challenge). An out-of-dialog request without credentials on a connection that
//! REGISTERed as its From, with a credential still valid, needs none (`conn_auth.rs`). Wrong
//! ones: `403` with a reason phrase (`refusal.rs`). The credential's identity must be the To
//! (REGISTER) or From (others) identity.
//!
//! **Revocation** (`revoke.rs`). Revoking a token, disabling or deleting an endpoint (REST)
//! closes the connections that registered with it, WebSocket close code `4401` and reason
//! `token revoked` / `endpoint disabled` / `endpoint deleted`; their bindings stop receiving
//! calls that instant.
//!
//! **Registrar** (`registrar.rs`, `location.rs`). RFC 3261 §10.3 + RFC 5626 §6: bindings per
//! AOR keyed by `+sip.instance`/`reg-id` or by Contact URI, each bound to the WebSocket it came
//! on and dropped when that closes (`closed.rs`); Expires/Min-Expires (`423`), `Contact: *`,
//! a bound on contacts per AOR; the `200` lists every binding with its remaining `expires`.
//!
//! **Proxy** (`dispatch.rs`, `proxy.rs`, `responses.rs`, `dialog.rs`, `cancel.rs`,
//! `txn.rs`). An out-of-dialog request is routed by its Request-URI to an endpoint of the
//! caller's domain (`target.rs`: user, SIP URI, or phone number through
//! `Directory::endpoint_by_number`): `404` unknown (or another tenant's), `403` disabled, `480`
//! nothing registered, `483` Max-Forwards 0; INVITE gets `100` at once. It is forked to every
//! binding in parallel, each copy with the proxy's Via and, for dialog-creating methods, a
//! Record-Route `<sip:HOST;transport=ws;lr;flow=TOKEN>` naming the caller's (A) and the
//! callee's (B) ends, HMAC-signed (`flow_token.rs`, RFC 5626 §5.2): each end's connection
//! and, if it registered with a `+sip.instance`, its AOR and a tag of the instance
//! (`side.rs`). The first 2xx wins; the other branches get CANCEL with `Reason:
//! SIP;cause=200;text="Call completed elsewhere"`; if every branch fails the best final
//! response goes back (RFC 3261 §16.7). In-dialog requests come back with that Route on top
//! and go to the other end. An end is its connection or, after a reconnect, any connection
//! now registered as its AOR and instance (RFC 5626 §5.3: the new registration replaces the
//! flow); requests and responses for it follow it there (from anyone else: `403`; peer gone
//! with nothing in its place: `430`). Its calls outlive its lost connection for
//! `reconnect_grace`, then end (`closed.rs`, `sweep.rs`). CANCEL matches the INVITE by branch
//! on the same connection. Credentials for this server (`X-Callsign-Token`, `Authorization`,
//! `Proxy-Authorization`) are never forwarded. Call events (`start`, `answer`, `end`) go to
//! `Directory::call_event`. `sweep.rs` runs Timer C, the non-INVITE timeout and binding expiry.
//! OPTIONS to the server itself (no user part) gets `200`.
//!
//! Time comes in from outside, as it does for the user agent core: the WebSocket task reads the
//! clock once per frame and passes it to [`SipService::on_frame`], the sweeper once per tick to
//! [`SipService::sweep_at`]; nothing below them reads it. A test drives the same entry points
//! with a connection of its own ([`SipService::attach`]) and a clock of its own.

mod admission;
mod auth;
mod cancel;
mod closed;
pub mod config;
mod conn_auth;
mod conn_table;
mod connection;
mod dialog;
mod digest;
mod dispatch;
mod flow_token;
mod forward;
mod keys;
mod location;
mod nonce;
mod nonce_count;
mod proxy;
mod rate;
mod refusal;
mod registrar;
mod reply;
mod responses;
mod revoke;
mod salvage;
mod saved_call;
mod service;
mod shutdown;
mod side;
mod sweep;
mod target;
mod txn;
mod ws;

pub use config::SipConfig;
pub use conn_table::ConnId;
pub use revoke::{RevokeReason, CLOSE_REVOKED};
pub use service::{SipService, SlotRefused};
pub use shutdown::{Drained, CLOSE_GOING_AWAY};
pub use ws::router;
