//! Header names: case-insensitive, compact forms expanded (RFC 3261 §7.3.1, §7.3.3, §20).

use std::borrow::Cow;

/// A header field name in its canonical spelling. Compares case-insensitively; a compact form
/// (`i`, `m`, `f`, …) parses to the long name it stands for. Unknown names keep their spelling.
#[derive(Debug, Clone, Eq)]
pub struct HeaderName(Cow<'static, str>);

macro_rules! known_headers {
    ($($konst:ident = $name:literal $(, $compact:literal)?;)*) => {
        impl HeaderName {
            $(pub const $konst: HeaderName = HeaderName(Cow::Borrowed($name));)*
        }

        /// Every known name, as printed.
        const KNOWN: &[&str] = &[$($name,)*];
        /// Compact forms (RFC 3261 §7.3.3) and the names they stand for.
        const COMPACT: &[(&str, &str)] = &[$($(($compact, $name),)?)*];
    };
}

impl HeaderName {
    /// Parses a header name: a known one (any case, or its compact form) comes back as the
    /// constant's spelling, any other `token` is kept as written; `None` if not a token.
    // A loop over tables rather than one comparison per name in line: a tenth of the code.
    pub fn parse(name: &str) -> Option<HeaderName> {
        if name.is_empty() || !name.bytes().all(crate::syntax::is_token_byte) {
            return None;
        }
        let compact = COMPACT.iter().map(|(c, n)| (*c, *n));
        let known = KNOWN.iter().map(|n| (*n, *n));
        for (spelling, canonical) in compact.chain(known) {
            if name.eq_ignore_ascii_case(spelling) {
                return Some(HeaderName(Cow::Borrowed(canonical)));
            }
        }
        Some(HeaderName(Cow::Owned(name.to_owned())))
    }
}

known_headers! {
    ACCEPT = "Accept";
    ACCEPT_CONTACT = "Accept-Contact", "a";
    ACCEPT_ENCODING = "Accept-Encoding";
    ACCEPT_LANGUAGE = "Accept-Language";
    ALERT_INFO = "Alert-Info";
    ALLOW = "Allow";
    ALLOW_EVENTS = "Allow-Events", "u";
    AUTHORIZATION = "Authorization";
    CALL_ID = "Call-ID", "i";
    CALL_INFO = "Call-Info";
    CONTACT = "Contact", "m";
    CONTENT_DISPOSITION = "Content-Disposition";
    CONTENT_ENCODING = "Content-Encoding", "e";
    CONTENT_LENGTH = "Content-Length", "l";
    CONTENT_TYPE = "Content-Type", "c";
    CSEQ = "CSeq";
    DATE = "Date";
    ERROR_INFO = "Error-Info";
    EVENT = "Event", "o";
    EXPIRES = "Expires";
    FROM = "From", "f";
    IDENTITY = "Identity", "y";
    IDENTITY_INFO = "Identity-Info", "n";
    IN_REPLY_TO = "In-Reply-To";
    INFO_PACKAGE = "Info-Package";
    MAX_FORWARDS = "Max-Forwards";
    MIME_VERSION = "MIME-Version";
    MIN_EXPIRES = "Min-Expires";
    ORGANIZATION = "Organization";
    PATH = "Path";
    P_ASSERTED_IDENTITY = "P-Asserted-Identity";
    P_PREFERRED_IDENTITY = "P-Preferred-Identity";
    PRIORITY = "Priority";
    PROXY_AUTHENTICATE = "Proxy-Authenticate";
    PROXY_AUTHORIZATION = "Proxy-Authorization";
    PROXY_REQUIRE = "Proxy-Require";
    RACK = "RAck";
    REASON = "Reason";
    RECORD_ROUTE = "Record-Route";
    RECV_INFO = "Recv-Info";
    REFER_TO = "Refer-To", "r";
    REFERRED_BY = "Referred-By", "b";
    REJECT_CONTACT = "Reject-Contact", "j";
    REPLACES = "Replaces";
    REPLY_TO = "Reply-To";
    REQUEST_DISPOSITION = "Request-Disposition", "d";
    REQUIRE = "Require";
    RETRY_AFTER = "Retry-After";
    ROUTE = "Route";
    RSEQ = "RSeq";
    SERVER = "Server";
    SESSION_EXPIRES = "Session-Expires", "x";
    SUBJECT = "Subject", "s";
    SUBSCRIPTION_STATE = "Subscription-State";
    SUPPORTED = "Supported", "k";
    TIMESTAMP = "Timestamp";
    TO = "To", "t";
    UNSUPPORTED = "Unsupported";
    USER_AGENT = "User-Agent";
    VIA = "Via", "v";
    WARNING = "Warning";
    WWW_AUTHENTICATE = "WWW-Authenticate";
    X_CALLSIGN_TOKEN = "X-Callsign-Token";
}

impl HeaderName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PartialEq for HeaderName {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_and_case_insensitive() {
        assert_eq!(HeaderName::parse("i"), Some(HeaderName::CALL_ID));
        assert_eq!(HeaderName::parse("cAlL-iD"), Some(HeaderName::CALL_ID));
        assert_eq!(HeaderName::parse("v").unwrap().as_str(), "Via");
        assert_eq!(HeaderName::parse("X-Foo").unwrap().as_str(), "X-Foo");
        assert_eq!(HeaderName::parse("x-foo"), HeaderName::parse("X-FOO"));
        assert_eq!(HeaderName::parse("bad name"), None);
        assert_eq!(HeaderName::parse(""), None);
    }
}
