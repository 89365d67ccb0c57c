//! SIP over WebSocket (RFC 7118): the registrar and the stateful proxy of `bwclient-server`.
//!
//! Mount with `app.merge(sip::router(sip::SipService::new(directory, sip::SipConfig::default())))`:
//! it serves `GET /sip`, a WebSocket with subprotocol `sip` (refused otherwise). Every SIP
//! byte is parsed and printed by `bwclient-sip`; endpoints, passwords, token secret,
//! revocations and call-event delivery come from the [`Directory`](crate::directory::Directory).
//!
//! **Connections.** One task per WebSocket ([`connection`]); one SIP message per text or binary
//! frame; `CRLFCRLF` is answered with `CRLF` (RFC 5626 §4.4.1); WebSocket Pings keep it alive.
//! Limits ([`SipConfig`]): message size (`513`), frame size (close), connections (HTTP 503),
//! messages per second per connection (`503`). A frame that does not parse gets `400` if its
//! Via/From/To/Call-ID/CSeq lines can still be read, else it is dropped; the connection stays.
//!
//! **Authentication** ([`auth`]). REGISTER and every out-of-dialog request carry one of:
//! `X-Callsign-Token: <token>`, `Authorization`/`Proxy-Authorization: Bearer <token>`
//! (RFC 8898), or Digest (MD5 or SHA-256, qop=auth; realm = the endpoint's domain) with the
//! endpoint password or the token credential `<expiry>:<user>@<host>` /
//! `base64(HMAC-SHA1(secret, username))` (Kamailio `auth_ephemeral`). No credentials: `401`
//! (REGISTER) or `407` (others) with a stateless HMAC'd nonce. Wrong ones: `403` with a reason
//! phrase. The credential's identity must be the To (REGISTER) or From (others) identity.
//!
//! **Registrar** ([`registrar`], [`location`]). RFC 3261 §10.3 + RFC 5626: bindings per AOR
//! keyed by `+sip.instance`/`reg-id` or Contact URI, each bound to the WebSocket it came on and
//! dropped when that closes; Expires/Min-Expires (`423`), `Contact: *`, the `200` lists every
//! binding with its remaining `expires`.
//!
//! **Proxy** ([`proxy`], [`responses`], [`dialog`], [`cancel`]). An out-of-dialog request is
//! routed by its Request-URI to an endpoint of the caller's domain (user, SIP URI, or phone
//! number via `Directory::endpoint_by_number`): `404` unknown, `403` disabled, `480` nothing
//! registered, `483` Max-Forwards 0. It is forked to every binding at once, each copy with the
//! proxy's Via and, for dialog-creating methods, a Record-Route
//! `<sip:HOST;transport=ws;lr;flow=A.B.MAC>` naming the caller's (A) and callee's (B)
//! connections, HMAC-signed (RFC 5626 §5.2). The first 2xx wins; the other branches get CANCEL
//! with `Reason: SIP;cause=200;text="Call completed elsewhere"`; if all fail, the best final
//! response goes back (§16.7). In-dialog requests come back with that Route on top and go to
//! the other connection of the pair (a request from a third connection gets `403`, a closed
//! peer `430`). CANCEL matches the INVITE by branch on the same connection. The caller's
//! tokens (`X-Callsign-Token`, `Authorization`, `Proxy-Authorization`) are never forwarded.
//! Call events (`start`, `answer`, `end`) go to `Directory::call_event`.
//!
//! OPTIONS to the server (no user part) gets `200`.

mod auth;
mod cancel;
mod closed;
pub mod config;
mod conn_table;
mod connection;
mod dialog;
mod digest;
mod dispatch;
mod flow_token;
mod forward;
mod location;
mod nonce;
mod proxy;
mod rate;
mod registrar;
mod refusal;
mod reply;
mod responses;
mod salvage;
mod service;
mod sweep;
mod target;
mod txn;
mod ws;

pub use config::SipConfig;
pub use service::SipService;
pub use ws::router;
