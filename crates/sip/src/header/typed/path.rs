//! `Path` (RFC 3327 §4): proxies between a registering UA and its registrar.

use super::name_addr_header;

name_addr_header!(
    /// One `Path` value, `<sip:P1.example.com;lr>`.
    Path, PATH, "path", list = true
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;

    #[test]
    fn round_trip_with_ob() {
        let p: Path =
            round_trip("<sip:VskztcQ%2FS8p4WPbOnHbuyh5iJEJIZLLc@proxy.example.com;lr;ob>");
        assert!(p.0.uri.param("ob").is_some());
    }
}
