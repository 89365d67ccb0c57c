//! `bwclient-sip`: a sans-IO SIP user agent core.
//!
//! Message layer (this part): [`Message`] parse/print, the raw [`Headers`] multimap with typed
//! views on demand, [`Uri`] and [`NameAddr`].
//!
//! Message-layer API in one paragraph: `Message::parse(&[u8]) -> Result<Message, ParseError>`
//! frames one message (Content-Length, CRLF or bare LF, folded lines unfolded, compact header
//! names expanded) and validates the mandatory headers (RFC 3261 §8.1.1; `parse_lenient` skips
//! that); `to_bytes()`/`Display` on [`Message`], [`Request`] and [`Response`] print it with the
//! real body length as Content-Length. Build with `Request::new(Method, Uri)` /
//! `Response::new(code, reason)` and fill `headers` (raw lines in wire order: `push`,
//! `push_front`, `set`, `get`, `get_all`, `remove`). Read and write typed values with
//! `headers.typed::<T>()` (first value, `Option<Result<T>>`), `headers.typed_all::<T>()` (every
//! comma-separated element across lines for list headers such as [`Via`], [`Contact`],
//! [`Route`], [`RecordRoute`], [`Path`]), `push_typed`/`set_typed`; every typed header
//! implements [`TypedHeader`] (`parse(&str)`, `print(&mut String)`, `to_value()`) and lives in
//! [`header::typed`]: `Via` (+`branch/received/rport/set_param`), `FromHeader`/`ToHeader`
//! (`.0.tag()`), `CallId`, `CSeq`, `MaxForwards`, `Contact` (`Star | Addr`, `expires`,
//! `instance`, `reg_id`, `is_ob`), `Route`, `RecordRoute`, `Path`, `ReferTo`, `Expires`,
//! `MinExpires`, `WwwAuthenticate`/`ProxyAuthenticate` ([`Challenge`], unquoted values),
//! `Authorization`/`ProxyAuthorization` ([`Credentials`], prints RFC 7616 quoting; `token` for
//! Bearer), `ContentType`, `ContentLength`, `Allow`, `Supported`, `Require`, `Reason`, `Event`,
//! `SubscriptionState`, `Date`. [`Uri`] (`parse`, `print`, `Display`, `param`, `set_param`,
//! `Uri::sip(user, host)`; schemes sip/sips/tel, any other kept verbatim as `Scheme::Other`)
//! and [`NameAddr`] (`parse`, `print`, `param`, `tag`, `set_param`) keep parameter values as
//! written (quoted values keep their quotes; [`Param::unquoted`] reads them).
//! [`check::check_message`] is the `sipcheck` logic.
#![forbid(unsafe_code)]

pub mod check;
pub mod dial;
pub mod error;
pub mod header;
pub mod message;
pub mod method;
pub mod name_addr;
pub mod syntax;
pub mod token;
pub mod uri;

pub use error::ParseError;
pub use header::map::Headers;
pub use header::name::HeaderName;
pub use header::typed::{
    Allow, Authorization, CSeq, CallId, Challenge, Contact, ContentLength, ContentType,
    Credentials, Date, Event, Expires, FromHeader, MaxForwards, MinExpires, Path,
    ProxyAuthenticate, ProxyAuthorization, Reason, RecordRoute, ReferTo, Require, Route,
    SubscriptionState, Supported, ToHeader, TypedHeader, Via, WwwAuthenticate,
};
pub use message::{Message, Request, Response};
pub use method::Method;
pub use name_addr::NameAddr;
pub use uri::{Param, Scheme, Uri};

// The user agent core (transactions, dialogs, calls, registration, auth).
// The surface is what the browser layer and the server use; the machinery behind it
// (transactions, dialogs, timers, the RNG, sipfrag and DTMF bodies) is the crate's own.
pub mod auth;
pub mod call;
pub(crate) mod dialog;
pub(crate) mod dtmf;
pub mod events;
pub mod reason_phrase;
pub mod registration;
pub(crate) mod rng;
pub(crate) mod sipfrag;
pub mod time;
pub(crate) mod timer;
pub(crate) mod transaction;
pub mod ua;

pub use call::CallHandle;
pub use time::Time;
pub use ua::{Input, Output, Ua, UaConfig, UaError};
