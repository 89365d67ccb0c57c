//! Errors of the message layer. Lowercase messages; the JS layer maps each to a stable code.

/// Why received bytes are not a SIP message (RFC 3261 §25 grammar, §7.5 framing, §20 headers).
/// Never a panic, never a silent default: every malformed input maps to one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty message")]
    Empty,
    #[error("bad start line")]
    StartLine,
    #[error("bad sip version")]
    Version,
    #[error("bad status code")]
    StatusCode,
    #[error("bad method")]
    Method,
    #[error("bad uri: {0}")]
    Uri(&'static str),
    #[error("bad header line")]
    HeaderLine,
    #[error("bad header {0}: {1}")]
    Header(&'static str, &'static str),
    #[error("missing header {0}")]
    Missing(&'static str),
    #[error("cseq method does not match the request method")]
    CSeqMethod,
    #[error("bad content-length")]
    ContentLength,
    #[error("body shorter than content-length")]
    Truncated,
    #[error("message not utf-8")]
    Utf8,
    #[error("message too large")]
    TooLarge,
}
