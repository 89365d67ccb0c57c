//! `To` (RFC 3261 §20.39): the request's logical recipient, with the remote tag once in a
//! dialog.

use super::name_addr_header;

name_addr_header!(
    /// `To: <sip:bob@example.com>;tag=a6c85cf`; the tag is `.0.tag()`.
    ToHeader, TO, "to", list = false
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::{round_trip, TypedHeader};

    #[test]
    fn round_trip_without_and_with_tag() {
        let t: ToHeader = round_trip("<sip:bob@example.com>");
        assert_eq!(t.0.tag(), None);
        let t: ToHeader = round_trip("Bob <sip:bob@example.com>;tag=a6c85cf");
        assert_eq!(t.0.tag(), Some("a6c85cf"));
        assert_eq!(t.to_value(), "\"Bob\" <sip:bob@example.com>;tag=a6c85cf");
    }

    #[test]
    fn errors() {
        assert!(ToHeader::parse("\"Mr. J. User <sip:j.user@example.com>").is_err());
        assert!(ToHeader::parse("\"Watson, Thomas\" < sip:t.watson@example.org >").is_err());
    }
}
