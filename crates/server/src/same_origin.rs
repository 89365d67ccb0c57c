//! Same-origin checks for the state-changing demo routes (issue 11, hole 10): a browser sends
//! `Origin` with every POST (RFC 6454 §7, Fetch "origin header"), so a page on another origin
//! cannot make a visitor's browser trigger them. A request without `Origin` does not come
//! from a web page's script (curl, the e2e harness) and is not a cross-site request.

/// What the `Origin` of a request says about where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginCheck {
    /// No `Origin` header, or the server's own origin.
    Same,
    /// An origin the operator allowed explicitly (`--demo-drop-origins`).
    Allowed,
    /// Any other origin, `null` included.
    Foreign,
}

/// `scheme://authority` of the server as the request addressed it: the `Host` header under
/// `http` or `https` (a TLS proxy in front may have ended TLS), and the origin of the public
/// WebSocket URL (`ws` → `http`, `wss` → `https`).
fn own_origins(host: Option<&str>, public_ws_url: &str) -> Vec<String> {
    let mut own = Vec::new();
    if let Some(host) = host {
        own.push(["http://", host].concat());
        own.push(["https://", host].concat());
    }
    let (scheme, rest) = if let Some(rest) = public_ws_url.strip_prefix("wss://") {
        ("https://", rest)
    } else if let Some(rest) = public_ws_url.strip_prefix("ws://") {
        ("http://", rest)
    } else {
        return own;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    own.push([scheme, authority].concat());
    own
}

/// Checks `origin` against the server's own origins and the `allowed` list (ASCII
/// case-insensitive: scheme and host are, RFC 6454 §4).
pub fn check_origin(
    origin: Option<&str>,
    host: Option<&str>,
    public_ws_url: &str,
    allowed: &[String],
) -> OriginCheck {
    let Some(origin) = origin else {
        return OriginCheck::Same;
    };
    let origin = origin.trim().trim_end_matches('/');
    let matches = |o: &String| o.trim_end_matches('/').eq_ignore_ascii_case(origin);
    if own_origins(host, public_ws_url).iter().any(matches) {
        OriginCheck::Same
    } else if allowed.iter().any(matches) {
        OriginCheck::Allowed
    } else {
        OriginCheck::Foreign
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WS: &str = "ws://127.0.0.1:8080/sip";

    #[test]
    fn own_origin_by_host_or_public_url() {
        let host = Some("demo.example:8443");
        assert_eq!(
            check_origin(Some("https://demo.example:8443"), host, WS, &[]),
            OriginCheck::Same
        );
        assert_eq!(
            check_origin(Some("http://127.0.0.1:8080"), None, WS, &[]),
            OriginCheck::Same
        );
        assert_eq!(check_origin(None, host, WS, &[]), OriginCheck::Same);
    }

    #[test]
    fn other_origins_are_foreign_unless_allowed() {
        let host = Some("127.0.0.1:8080");
        for origin in [
            "http://evil.example",
            "http://127.0.0.1:8081",
            "null",
            "http://127.0.0.1:8080.evil.example",
        ] {
            assert_eq!(
                check_origin(Some(origin), host, WS, &[]),
                OriginCheck::Foreign,
                "{origin}"
            );
        }
        let allowed = ["http://127.0.0.1:8081".to_owned()];
        assert_eq!(
            check_origin(Some("http://127.0.0.1:8081"), host, WS, &allowed),
            OriginCheck::Allowed
        );
    }
}
