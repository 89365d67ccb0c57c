//! `Route` (RFC 3261 §20.34): one element of the route set a request follows.

use super::name_addr_header;

name_addr_header!(
    /// One `Route` value, `<sip:proxy.example.com;lr>`; read all with `Headers::typed_all`.
    Route, ROUTE, "route", list = true
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;
    use crate::Headers;

    #[test]
    fn round_trip_loose_route() {
        let r: Route =
            round_trip("<sip:services.example.com;lr;unknownwith=value;unknown-no-value>");
        assert!(r.0.uri.param("lr").is_some());
        assert_eq!(r.0.uri.params.len(), 3);
    }

    #[test]
    fn list_across_and_within_lines() {
        let mut h = Headers::new();
        h.push(
            crate::HeaderName::ROUTE,
            "<sip:a.example;lr>, <sip:b.example;lr>",
        );
        h.push(crate::HeaderName::ROUTE, "<sip:c.example;lr>");
        let all = h.typed_all::<Route>().unwrap();
        let hosts: Vec<&str> = all.iter().map(|r| r.0.uri.host.as_str()).collect();
        assert_eq!(hosts, ["a.example", "b.example", "c.example"]);
        assert_eq!(h.typed::<Route>().unwrap().unwrap().0.uri.host, "a.example");
    }
}
