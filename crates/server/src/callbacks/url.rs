//! Callback URLs: `http://` or `https://`, a host, an optional port and a path — the subset of
//! RFC 3986 §3 that an application's `incomingCallUrl` needs. No user info (RFC 3986 §3.2.1
//! deprecates passwords in URLs), no fragment (never sent, RFC 3986 §3.5).

use std::net::IpAddr;

/// How the request travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    /// HTTP over TLS (RFC 9110 §4.2.2): the certificate must name the host.
    Https,
}

/// A parsed callback URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackUrl {
    pub scheme: Scheme,
    /// A lower-case DNS name, or an IP literal (IPv6 without its brackets).
    pub host: String,
    pub port: u16,
    /// The request target (RFC 9112 §3.2.1 origin-form): path and query, starting with `/`.
    pub target: String,
}

/// Longest URL accepted (the REST API's limit too).
pub const MAX_URL: usize = 2048;

impl CallbackUrl {
    /// Parses `url`; `None` if it is not an `http://` or `https://` URL of this shape.
    pub fn parse(url: &str) -> Option<CallbackUrl> {
        if url.len() > MAX_URL || url.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return None;
        }
        let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else {
            (Scheme::Http, url.strip_prefix("http://")?)
        };
        if rest.contains('#') {
            return None;
        }
        let (authority, target) = match rest.find(['/', '?']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if authority.contains('@') {
            return None;
        }
        let (host, port) = split_authority(authority)?;
        let port = match port {
            Some(port) => port.parse().ok().filter(|p| *p != 0)?,
            None if scheme == Scheme::Https => 443,
            None => 80,
        };
        let host = host.to_ascii_lowercase();
        if !is_host(&host) {
            return None;
        }
        // `http://host?q` has no path: the request target still starts with `/`.
        let target = if target.starts_with('?') {
            format!("/{target}")
        } else {
            target.to_owned()
        };
        Some(CallbackUrl {
            scheme,
            host,
            port,
            target,
        })
    }

    /// The host as an IP address, if it is a literal.
    pub fn ip(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }

    /// The `Host` header value (RFC 9112 §3.2; an IPv6 literal in brackets, RFC 3986 §3.2.2).
    pub fn authority(&self) -> String {
        let default = match self.scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        };
        let host = match self.ip() {
            Some(IpAddr::V6(_)) => format!("[{}]", self.host),
            _ => self.host.clone(),
        };
        if self.port == default {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

/// `(host, port)` of `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_authority(authority: &str) -> Option<(&str, Option<&str>)> {
    if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        host.parse::<std::net::Ipv6Addr>().ok()?;
        return match after {
            "" => Some((host, None)),
            _ => Some((host, Some(after.strip_prefix(':')?))),
        };
    }
    match authority.split_once(':') {
        Some((host, port)) => Some((host, Some(port))),
        None => Some((authority, None)),
    }
}

/// An IP literal or a DNS name. A name whose last label starts with a digit is refused: no
/// top-level domain does, and resolvers read `2130706433` or `0x7f.1` as IPv4 addresses.
fn is_host(host: &str) -> bool {
    if host.parse::<IpAddr>().is_ok() {
        return true;
    }
    crate::config::is_hostname(host)
        && !host
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> Option<(Scheme, String, u16, String)> {
        CallbackUrl::parse(url).map(|u| (u.scheme, u.host, u.port, u.target))
    }

    #[test]
    fn parses_http_and_https() {
        assert_eq!(
            parts("http://127.0.0.1:9/cb?x=1"),
            Some((Scheme::Http, "127.0.0.1".into(), 9, "/cb?x=1".into()))
        );
        assert_eq!(
            parts("https://Example.test"),
            Some((Scheme::Https, "example.test".into(), 443, "/".into()))
        );
        assert_eq!(
            parts("http://[::1]:81/a"),
            Some((Scheme::Http, "::1".into(), 81, "/a".into()))
        );
        assert_eq!(
            parts("http://h.test?q=1"),
            Some((Scheme::Http, "h.test".into(), 80, "/?q=1".into()))
        );
    }

    #[test]
    fn refuses_what_it_cannot_send_safely() {
        for url in [
            "ftp://x.test/",
            "http://u@example.test/",
            "http://u:p@example.test/",
            "http://h/a b",
            "http://h:notaport/",
            "http://h:0/",
            "http://h:65536/",
            "http://h/#frag",
            "http://[::1/",
            "http://[nope]/",
            "http://",
            "http://:80/",
            "http://a..b/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://127.1/",
            "http://h/\r\nX: y",
        ] {
            assert_eq!(CallbackUrl::parse(url), None, "{url}");
        }
    }

    #[test]
    fn host_header_brackets_v6_and_omits_default_port() {
        let authority = |url: &str| CallbackUrl::parse(url).unwrap().authority();
        assert_eq!(authority("http://[::1]:81/"), "[::1]:81");
        assert_eq!(authority("https://a.test:443/"), "a.test");
        assert_eq!(authority("http://a.test:8080/"), "a.test:8080");
    }
}
