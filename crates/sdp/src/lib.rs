//! SDP for BWClient: parse and print session descriptions as Chrome, Firefox, Safari,
//! Asterisk and rtpengine write them (RFC 8866, grammar of RFC 4566), plus the
//! offer/answer helpers a calling client needs (RFC 3264).
//!
//! # Model
//!
//! An [`Sdp`] is its head (`v=`, [`Origin`], `s=`), the session-level [`Line`]s and
//! the [`MediaSection`]s. Every line is kept in order with its exact text, unknown
//! lines and attributes included, so printing a parsed description gives back the
//! input byte for byte (CRLF line ends; a bare LF is accepted on input and printed as
//! CRLF). Typed values — [`RtpMap`], [`Fmtp`], [`Candidate`], [`Fingerprint`],
//! [`Setup`], [`Group`], [`Msid`], [`Ssrc`], [`Direction`], [`Connection`], [`Timing`]
//! — are read from the lines on demand. [`Sdp::parse`] checks the grammar of every
//! line it has a type for, so a malformed description is an [`SdpError`] up front and
//! the accessors cannot fail later. Nothing here panics on input.
//!
//! Helpers: direction per media section with the session default
//! ([`Sdp::direction`], [`MediaSection::set_direction`]), hold and unhold
//! ([`Sdp::hold`], [`is_hold_offer`]), the DTMF payload ([`Sdp::telephone_event`]),
//! answer checking ([`check_answer`]) and trickle ICE ([`IceFragment`],
//! [`Sdp::apply_ice_fragment`]).
//!
//! # Example
//!
//! ```
//! use bwclient_sdp::{check_answer, is_hold_offer, Direction, Sdp};
//!
//! let offer = "v=0\r\n\
//!     o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n\
//!     s=-\r\n\
//!     t=0 0\r\n\
//!     a=group:BUNDLE 0\r\n\
//!     m=audio 9 UDP/TLS/RTP/SAVPF 111 0 126\r\n\
//!     c=IN IP4 0.0.0.0\r\n\
//!     a=ice-ufrag:5DH+\r\n\
//!     a=ice-pwd:coLPjdqH9norYQpnPyFS4JP9\r\n\
//!     a=mid:0\r\n\
//!     a=sendrecv\r\n\
//!     a=rtcp-mux\r\n\
//!     a=rtpmap:111 opus/48000/2\r\n\
//!     a=rtpmap:126 telephone-event/8000\r\n";
//!
//! let mut sdp = Sdp::parse(offer)?;
//! assert_eq!(sdp.to_string(), offer); // byte for byte
//! assert_eq!(sdp.direction(0), Some(Direction::SendRecv));
//! assert_eq!(sdp.telephone_event().map(|e| e.payload_type), Some(126));
//! assert!(!is_hold_offer(&sdp)); // 0.0.0.0 with ICE is not a hold
//!
//! // Put the call on hold: a new offer with a bumped version.
//! sdp.hold();
//! sdp.origin_mut().bump_version();
//! assert_eq!(sdp.direction(0), Some(Direction::SendOnly));
//! assert!(is_hold_offer(&sdp));
//!
//! // An answer that accepts the hold.
//! let answer = Sdp::parse(&sdp.to_string().replace("a=sendonly", "a=recvonly"))?;
//! check_answer(&sdp, &answer)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod answer;
mod attribute;
mod body;
mod candidate;
mod connection;
mod direction;
mod error;
mod fingerprint;
mod fmtp;
mod grammar;
mod group;
mod hold;
mod line;
mod media;
mod media_line;
mod msid;
mod origin;
mod rtpmap;
mod sdp;
mod setup;
mod ssrc;
mod telephone_event;
mod timing;
mod trickle;

pub use answer::check_answer;
pub use attribute::Attribute;
pub use candidate::Candidate;
pub use connection::Connection;
pub use direction::Direction;
pub use error::{AnswerError, SdpError};
pub use fingerprint::Fingerprint;
pub use fmtp::Fmtp;
pub use group::Group;
pub use hold::is_hold_offer;
pub use line::Line;
pub use media::MediaSection;
pub use media_line::MediaLine;
pub use msid::Msid;
pub use origin::Origin;
pub use rtpmap::{static_payload_type, RtpMap};
pub use sdp::Sdp;
pub use setup::Setup;
pub use ssrc::Ssrc;
pub use telephone_event::TelephoneEvent;
pub use timing::Timing;
pub use trickle::IceFragment;
