//! `bwclient-sip`: a sans-IO SIP user agent core.
//!
//! Message layer (this part): [`Message`] parse/print, the raw [`Headers`] multimap with typed
//! views on demand, [`Uri`] and [`NameAddr`].
#![forbid(unsafe_code)]

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
pub use header::typed::TypedHeader;
pub use message::{Message, Request, Response};
pub use method::Method;
pub use name_addr::NameAddr;
pub use uri::{Param, Scheme, Uri};
