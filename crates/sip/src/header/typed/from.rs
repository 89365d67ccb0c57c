//! `From` (RFC 3261 §20.20): the request's logical initiator, with the dialog's local tag.

use super::name_addr_header;

name_addr_header!(
    /// `From: "Alice" <sip:alice@example.com>;tag=1928301774`; the tag is `.0.tag()`.
    FromHeader, FROM, "from", list = false
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::{round_trip, TypedHeader};

    #[test]
    fn round_trip_with_tag() {
        let f: FromHeader = round_trip("\"Alice\" <sip:alice@example.com>;tag=1928301774");
        assert_eq!(f.0.tag(), Some("1928301774"));
        assert_eq!(f.0.display_name.as_deref(), Some("Alice"));
        assert_eq!(
            f.to_value(),
            "\"Alice\" <sip:alice@example.com>;tag=1928301774"
        );
    }

    #[test]
    fn addr_spec_form() {
        let f: FromHeader = round_trip("sip:caller@example.net;tag=134161461246");
        assert_eq!(f.0.tag(), Some("134161461246"));
        assert!(f.0.uri.params.is_empty());
    }

    #[test]
    fn errors() {
        assert!(FromHeader::parse("Bell, Alexander <sip:a.g.bell@example.com>;tag=43").is_err());
        assert!(FromHeader::parse("").is_err());
    }
}
