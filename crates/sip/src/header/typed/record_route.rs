//! `Record-Route` (RFC 3261 §20.30): a proxy asking to stay on the dialog's path.

use super::name_addr_header;

name_addr_header!(
    /// One `Record-Route` value; the dialog's route set is built from all of them (RFC 3261
    /// §12.1.1, §12.1.2).
    RecordRoute, RECORD_ROUTE, "record-route", list = true
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;

    #[test]
    fn round_trip_with_transport() {
        let r: RecordRoute = round_trip("<sip:192.0.2.10:8080;transport=ws;r2=on;lr>");
        assert_eq!(r.0.uri.port, Some(8080));
        assert_eq!(r.0.uri.param("r2").unwrap().value.as_deref(), Some("on"));
    }
}
