//! `Refer-To` (RFC 3515 §2.1): the target of a transfer.

use super::name_addr_header;

name_addr_header!(
    /// `Refer-To: <sip:carol@example.com>`; embedded headers (`?Replaces=…`) stay in the URI.
    ReferTo, REFER_TO, "refer-to", list = false
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::{round_trip, TypedHeader};

    #[test]
    fn round_trip_with_embedded_header() {
        let r: ReferTo = round_trip("<sip:carol@example.com?Replaces=12345%40host%3Bto-tag%3D1>");
        assert_eq!(r.0.uri.headers[0].0, "Replaces");
        let r: ReferTo = round_trip("sip:carol@example.com");
        assert_eq!(r.to_value(), "<sip:carol@example.com>");
    }
}
