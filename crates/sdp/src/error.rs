//! Errors: [`SdpError`] for malformed SDP, [`AnswerError`] for an answer that does not
//! fit its offer. Messages are lowercase; the JS layer maps each variant to a code.

use crate::Direction;

/// A malformed session description, or an edit that would produce one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SdpError {
    /// The input holds no line at all.
    #[error("sdp is empty")]
    Empty,
    /// RFC 8866 §5: the first line is `v=0`.
    #[error("first line must be `v=0`")]
    Version,
    /// RFC 8866 §5: `o=` then `s=` follow `v=`.
    #[error("missing `{0}=` line")]
    Missing(char),
    /// A line that is not `<type>=<value>` with a one-letter type (RFC 8866 §5).
    #[error("line {line}: expected `<type>=<value>`")]
    Syntax {
        /// 1-based line number.
        line: usize,
    },
    /// An empty line before the end of the description.
    #[error("line {line}: empty line")]
    EmptyLine {
        /// 1-based line number.
        line: usize,
    },
    /// A NUL or CR inside a line (RFC 8866 §9: `byte-string` excludes them).
    #[error("line {line}: control character inside the line")]
    ControlCharacter {
        /// 1-based line number.
        line: usize,
    },
    /// A `v=`, `o=` or `s=` line after the head of the description.
    #[error("line {line}: `{kind}=` line out of place")]
    Misplaced {
        /// 1-based line number.
        line: usize,
        /// The line type.
        kind: char,
    },
    /// A line of a known type whose value breaks its grammar.
    #[error("line {line}: invalid {what}: {reason}")]
    InvalidLine {
        /// 1-based line number.
        line: usize,
        /// The line or attribute, e.g. `a=rtpmap`.
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A value handed to a typed parser or builder that breaks its grammar.
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// The line or attribute, e.g. `a=rtpmap`.
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `v=`, `o=`, `s=` and `m=` shape the description; they are not free lines.
    #[error("`{0}=` lines cannot be added as plain lines")]
    Structural(char),
    /// No media section carries this `a=mid` (RFC 5888 §4).
    #[error("no media section with mid `{0}`")]
    UnknownMid(String),
    /// A trickle ICE fragment carries other ICE credentials than the description it is
    /// applied to: it belongs to another ICE generation (RFC 8840 §4.4).
    #[error("ice credentials of the fragment do not match the description")]
    IceMismatch,
}

impl SdpError {
    /// Attaches a line number to an error from a typed parser.
    pub(crate) fn at_line(self, line: usize) -> SdpError {
        match self {
            SdpError::Invalid { what, reason } => SdpError::InvalidLine { line, what, reason },
            other => other,
        }
    }
}

/// Shorthand for [`SdpError::Invalid`].
pub(crate) fn invalid(what: &'static str, reason: &'static str) -> SdpError {
    SdpError::Invalid { what, reason }
}

/// An answer that does not fit the offer it answers (RFC 3264 §6).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerError {
    /// RFC 3264 §6: the answer has exactly as many `m=` lines as the offer.
    #[error("answer has {answer} media sections, offer has {offer}")]
    MediaCount {
        /// `m=` lines in the offer.
        offer: usize,
        /// `m=` lines in the answer.
        answer: usize,
    },
    /// RFC 3264 §6: `m=` lines are matched by position, so kinds must agree.
    #[error("media section {index}: answer media `{answer}` differs from offered `{offer}`")]
    MediaKind {
        /// 0-based position of the `m=` line.
        index: usize,
        /// Media kind in the offer.
        offer: String,
        /// Media kind in the answer.
        answer: String,
    },
    /// RFC 3264 §6 / §8.2: a stream with port zero in the offer stays rejected.
    #[error("media section {index}: stream rejected in the offer is not rejected in the answer")]
    NotRejected {
        /// 0-based position of the `m=` line.
        index: usize,
    },
    /// RFC 3264 §6.1: the answer lists only formats taken from the offer.
    #[error("media section {index}: answer format `{format}` was not offered")]
    FormatNotOffered {
        /// 0-based position of the `m=` line.
        index: usize,
        /// The format (payload type) the offer did not list.
        format: String,
    },
    /// RFC 3264 §6.1: the answer direction must fit the offered one.
    #[error("media section {index}: answer direction `{answer}` does not fit offered `{offer}`")]
    Direction {
        /// 0-based position of the `m=` line.
        index: usize,
        /// Effective direction in the offer.
        offer: Direction,
        /// Effective direction in the answer.
        answer: Direction,
    },
}
