//! The dialog route set (RFC 3261 §12.1.1, §12.1.2) and how a request follows it
//! (§12.2.1.1, loose and strict routing).

use crate::header::name::HeaderName;
use crate::header::typed::{RecordRoute, Route, TypedHeader};
use crate::message::Request;
use crate::name_addr::NameAddr;
use crate::uri::Uri;
use crate::Headers;

/// The ordered proxies an in-dialog request visits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteSet {
    routes: Vec<NameAddr>,
}

impl RouteSet {
    /// From the Record-Route headers of a message: in order for the UAS (§12.1.1), reversed
    /// for the UAC (§12.1.2). A malformed Record-Route gives an empty set rather than a guess.
    pub fn from_record_route(
        headers: &Headers,
        reverse: bool,
    ) -> Result<RouteSet, crate::ParseError> {
        let mut routes: Vec<NameAddr> = headers
            .typed_all::<RecordRoute>()?
            .into_iter()
            .map(|rr| rr.0)
            .collect();
        if reverse {
            routes.reverse();
        }
        Ok(RouteSet { routes })
    }

    #[cfg(test)]
    pub fn routes(&self) -> &[NameAddr] {
        &self.routes
    }

    /// Sets the Request-URI and Route headers of `request` per §12.2.1.1: with an empty set or
    /// a loose-routing first hop (`lr`), the Request-URI is the remote target and the Route
    /// headers are the set; otherwise (strict routing) the Request-URI is the first route and
    /// the remote target goes last in the Route headers.
    pub fn apply(&self, remote_target: &Uri, request: &mut Request) {
        request.headers.remove(&HeaderName::ROUTE);
        let Some(first) = self.routes.first() else {
            request.uri = remote_target.clone();
            return;
        };
        if first.uri.param("lr").is_some() {
            request.uri = remote_target.clone();
            for route in &self.routes {
                request.headers.push(HeaderName::ROUTE, route_value(route));
            }
        } else {
            let mut uri = first.uri.clone();
            // §12.2.1.1: parameters not allowed in a Request-URI are stripped.
            uri.remove_param("method");
            uri.headers.clear();
            request.uri = uri;
            for route in &self.routes[1..] {
                request.headers.push(HeaderName::ROUTE, route_value(route));
            }
            request.headers.push(
                HeaderName::ROUTE,
                route_value(&NameAddr::new(remote_target.clone())),
            );
        }
    }
}

fn route_value(route: &NameAddr) -> String {
    Route(route.clone()).to_value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::Method;

    fn headers(rr: &[&str]) -> Headers {
        let mut h = Headers::new();
        for v in rr {
            h.push(HeaderName::RECORD_ROUTE, *v);
        }
        h
    }

    fn target() -> Uri {
        Uri::parse("sip:bob@client.invalid;transport=ws").unwrap()
    }

    #[test]
    fn uac_reverses_and_loose_routes() {
        let h = headers(&["<sip:p2.example;lr>", "<sip:p1.example;lr>"]);
        let set = RouteSet::from_record_route(&h, true).unwrap();
        let mut req = Request::new(Method::BYE, Uri::sip(None, "x.example"));
        set.apply(&target(), &mut req);
        assert_eq!(req.uri, target());
        let routes: Vec<&str> = req.headers.get_all(&HeaderName::ROUTE).collect();
        assert_eq!(routes, ["<sip:p1.example;lr>", "<sip:p2.example;lr>"]);
    }

    #[test]
    fn uas_keeps_order() {
        let h = headers(&["<sip:p2.example;lr>, <sip:p1.example;lr>"]);
        let set = RouteSet::from_record_route(&h, false).unwrap();
        assert_eq!(set.routes()[0].uri.host, "p2.example");
    }

    #[test]
    fn strict_route_first_hop() {
        let h = headers(&["<sip:strict.example>", "<sip:loose.example;lr>"]);
        let set = RouteSet::from_record_route(&h, false).unwrap();
        let mut req = Request::new(Method::BYE, Uri::sip(None, "x.example"));
        set.apply(&target(), &mut req);
        assert_eq!(req.uri.host, "strict.example");
        let routes: Vec<&str> = req.headers.get_all(&HeaderName::ROUTE).collect();
        assert_eq!(
            routes,
            [
                "<sip:loose.example;lr>",
                "<sip:bob@client.invalid;transport=ws>"
            ]
        );
    }

    #[test]
    fn empty_set_targets_the_contact() {
        let set = RouteSet::default();
        let mut req = Request::new(Method::BYE, Uri::sip(None, "x.example"));
        set.apply(&target(), &mut req);
        assert_eq!(req.uri, target());
        assert!(!req.headers.contains(&HeaderName::ROUTE));
    }
}
