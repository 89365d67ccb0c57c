//! Errors of the message layer. Lowercase messages; the JS layer maps each to a stable code.

/// Why received bytes are not a SIP message (RFC 3261 §25 grammar, §7.5 framing, §20 headers).
/// Never a panic, never a silent default: every malformed input maps to one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    Empty,
    StartLine,
    Version,
    StatusCode,
    Method,
    Uri(&'static str),
    HeaderLine,
    Header(&'static str, &'static str),
    Missing(&'static str),
    /// Two values of a header that must appear once (RFC 3261 §7.3.1), named in lowercase.
    MultipleValues(&'static str),
    CSeqMethod,
    ContentLength,
    Truncated,
    Utf8,
    TooLarge,
}

impl ParseError {
    /// The error in words, lowercase (what `Display` prints). Built without `core::fmt`, whose
    /// machinery would otherwise be in the browser download for the sake of error text.
    pub fn message(&self) -> String {
        let fixed = match self {
            ParseError::Empty => "empty message",
            ParseError::StartLine => "bad start line",
            ParseError::Version => "bad sip version",
            ParseError::StatusCode => "bad status code",
            ParseError::Method => "bad method",
            ParseError::Uri(why) => return ["bad uri: ", why].concat(),
            ParseError::HeaderLine => "bad header line",
            ParseError::Header(name, why) => return ["bad header ", name, ": ", why].concat(),
            ParseError::Missing(name) => return ["missing header ", name].concat(),
            ParseError::MultipleValues(name) => return ["multiple values of ", name].concat(),
            ParseError::CSeqMethod => "cseq method does not match the request method",
            ParseError::ContentLength => "bad content-length",
            ParseError::Truncated => "body shorter than content-length",
            ParseError::Utf8 => "message not utf-8",
            ParseError::TooLarge => "message too large",
        };
        fixed.to_owned()
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ParseError {}
