//! SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1 `SIP-URI`; RFC 3966 `tel`), plus any other
//! `absoluteURI` kept verbatim so a request with an unknown scheme still parses and can be
//! answered with 416 (RFC 3261 §8.2.2.1, RFC 4475 §3.3.2).

use crate::error::ParseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Sip,
    Sips,
    Tel,
    /// Any other `absoluteURI` (RFC 3261 §25.1). The whole URI text, scheme included, is kept
    /// in [`Uri::host`]; the other fields are empty.
    Other,
}

impl Scheme {
    /// The scheme as written on the wire, without the colon (`"sip"`); empty for `Other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Sip => "sip",
            Scheme::Sips => "sips",
            Scheme::Tel => "tel",
            Scheme::Other => "",
        }
    }
}

/// One `;name[=value]` parameter; names compare case-insensitively.
///
/// The value is kept as written: a header parameter given as a quoted string keeps its quotes
/// (`+sip.instance="<urn:uuid:…>"`), so printing gives back the same text; use
/// [`Param::unquoted`] to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub value: Option<String>,
}

impl Param {
    pub fn new(name: &str, value: Option<&str>) -> Param {
        Param {
            name: name.to_owned(),
            value: value.map(str::to_owned),
        }
    }

    /// The value with surrounding quotes removed and quoted-pairs unescaped.
    pub fn unquoted(&self) -> Option<String> {
        let v = self.value.as_deref()?;
        if v.starts_with('"') {
            crate::syntax::parse_quoted(v).map(|(s, _)| s)
        } else {
            Some(v.to_owned())
        }
    }
}

/// A URI. For `tel:` the number is in `host` (e.g. `+15551234567`) and `user` is `None`.
/// `host` keeps IPv6 references with their brackets (`[2001:db8::1]`).
/// User and header parts are kept as written (escaped), so printing round-trips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri {
    pub scheme: Scheme,
    pub user: Option<String>,
    pub password: Option<String>,
    pub host: String,
    pub port: Option<u16>,
    pub params: Vec<Param>,
    pub headers: Vec<(String, String)>,
}

/// `mark` and alphanumerics: `unreserved` (RFC 3261 §25.1).
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
        )
}

fn is_user_byte(b: u8) -> bool {
    is_unreserved(b) || matches!(b, b'&' | b'=' | b'+' | b'$' | b',' | b';' | b'?' | b'/')
}

fn is_password_byte(b: u8) -> bool {
    is_unreserved(b) || matches!(b, b'&' | b'=' | b'+' | b'$' | b',')
}

/// `paramchar` = `param-unreserved` / `unreserved` / `escaped`.
fn is_param_byte(b: u8) -> bool {
    is_unreserved(b) || matches!(b, b'[' | b']' | b'/' | b':' | b'&' | b'+' | b'$')
}

/// `hnv-unreserved` / `unreserved` / `escaped`.
fn is_header_byte(b: u8) -> bool {
    is_unreserved(b) || matches!(b, b'[' | b']' | b'/' | b'?' | b':' | b'+' | b'$')
}

/// `uric` of an `absoluteURI`: reserved / unreserved / escaped.
fn is_uric_byte(b: u8) -> bool {
    is_unreserved(b)
        || matches!(
            b,
            b';' | b'/' | b'?' | b':' | b'@' | b'&' | b'=' | b'+' | b'$' | b','
        )
}

/// True if every byte of `s` is in the class or part of a valid `%HH` escape.
fn all_escaped(s: &str, class: fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return false;
            }
            i += 3;
        } else if class(b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// `hostname` / `IPv4address` (RFC 3261 §25.1), leniently also `_` seen in real deployments.
fn is_hostname(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
}

/// `IPv6reference` including the brackets.
fn is_ipv6_reference(s: &str) -> bool {
    s.len() > 2
        && s.starts_with('[')
        && s.ends_with(']')
        && s[1..s.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        && s.contains(':')
}

/// Parses `host [ ":" port ]` (RFC 3261 §25.1 `hostport`); shared with Via's `sent-by`.
pub fn parse_hostport(s: &str) -> Result<(String, Option<u16>), &'static str> {
    let (host, port) = if s.starts_with('[') {
        let end = s.find(']').ok_or("unterminated ipv6 reference")?;
        let (host, rest) = s.split_at(end + 1);
        match rest {
            "" => (host, None),
            _ => (host, Some(rest.strip_prefix(':').ok_or("junk after host")?)),
        }
    } else {
        match s.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    if !(is_hostname(host) || is_ipv6_reference(host)) {
        return Err("bad host");
    }
    let port = match port {
        None => None,
        Some(p) if crate::syntax::is_digits(p) => Some(p.parse::<u16>().map_err(|_| "bad port")?),
        Some(_) => return Err("bad port"),
    };
    Ok((host.to_owned(), port))
}

/// `;name[=value]` URI parameters (no white space allowed inside a URI); `s` is the text
/// after the first `;`, `None` if there was none.
fn parse_uri_params(s: Option<&str>, class: fn(u8) -> bool) -> Result<Vec<Param>, ParseError> {
    let mut params = Vec::new();
    let Some(s) = s else {
        return Ok(params);
    };
    for part in s.split(';') {
        let (name, value) = match part.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (part, None),
        };
        if name.is_empty() || !all_escaped(name, class) {
            return Err(ParseError::Uri("bad parameter name"));
        }
        if let Some(v) = value {
            if v.is_empty() || !all_escaped(v, class) {
                return Err(ParseError::Uri("bad parameter value"));
            }
        }
        params.push(Param::new(name, value));
    }
    Ok(params)
}

/// `phonedigit-hex` and visual separators of a tel number (RFC 3966 §3), with `+` allowed first.
fn is_tel_number(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    !digits.is_empty()
        && digits
            .bytes()
            .any(|b| b.is_ascii_hexdigit() || b == b'*' || b == b'#')
        && digits
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || matches!(b, b'*' | b'#' | b'-' | b'.' | b'(' | b')'))
}

impl Uri {
    /// A `sip:` URI with no port, parameters or headers.
    pub fn sip(user: Option<&str>, host: &str) -> Uri {
        Uri {
            scheme: Scheme::Sip,
            user: user.map(str::to_owned),
            password: None,
            host: host.to_owned(),
            port: None,
            params: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// Parses a whole URI (no surrounding white space or angle brackets).
    pub fn parse(s: &str) -> Result<Uri, ParseError> {
        let (scheme, rest) = s.split_once(':').ok_or(ParseError::Uri("missing scheme"))?;
        if !is_scheme(scheme) {
            return Err(ParseError::Uri("bad scheme"));
        }
        let scheme = if scheme.eq_ignore_ascii_case("sip") {
            Scheme::Sip
        } else if scheme.eq_ignore_ascii_case("sips") {
            Scheme::Sips
        } else if scheme.eq_ignore_ascii_case("tel") {
            Scheme::Tel
        } else {
            if rest.is_empty() || !all_escaped(rest, is_uric_byte) {
                return Err(ParseError::Uri("bad absolute uri"));
            }
            return Ok(Uri {
                scheme: Scheme::Other,
                user: None,
                password: None,
                host: s.to_owned(),
                port: None,
                params: Vec::new(),
                headers: Vec::new(),
            });
        };
        match scheme {
            Scheme::Tel => Self::parse_tel(rest),
            _ => Self::parse_sip(scheme, rest),
        }
    }

    fn parse_tel(rest: &str) -> Result<Uri, ParseError> {
        let (number, params) = match rest.split_once(';') {
            Some((n, p)) => (n, Some(p)),
            None => (rest, None),
        };
        if !is_tel_number(number) {
            return Err(ParseError::Uri("bad telephone number"));
        }
        Ok(Uri {
            scheme: Scheme::Tel,
            user: None,
            password: None,
            host: number.to_owned(),
            port: None,
            params: parse_uri_params(params, is_param_byte)?,
            headers: Vec::new(),
        })
    }

    fn parse_sip(scheme: Scheme, rest: &str) -> Result<Uri, ParseError> {
        // The user part may itself contain `;`, `?` and `:` (RFC 3261 §19.1.1, RFC 4475
        // §3.1.1.9), and `@` appears nowhere else unescaped, so userinfo ends at the first `@`.
        let (userinfo, hostpart) = match rest.split_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let (user, password) = match userinfo {
            None => (None, None),
            Some(u) => {
                let (user, password) = match u.split_once(':') {
                    Some((user, pw)) => (user, Some(pw)),
                    None => (u, None),
                };
                if user.is_empty() || !all_escaped(user, is_user_byte) {
                    return Err(ParseError::Uri("bad user"));
                }
                if let Some(pw) = password {
                    if !all_escaped(pw, is_password_byte) {
                        return Err(ParseError::Uri("bad password"));
                    }
                }
                (Some(user.to_owned()), password.map(str::to_owned))
            }
        };
        let (before_headers, headers) = match hostpart.split_once('?') {
            Some((a, h)) => (a, Some(h)),
            None => (hostpart, None),
        };
        let (hostport, params) = match before_headers.split_once(';') {
            Some((h, p)) => (h, Some(p)),
            None => (before_headers, None),
        };
        let (host, port) = parse_hostport(hostport).map_err(ParseError::Uri)?;
        let params = parse_uri_params(params, is_param_byte)?;
        let mut header_list = Vec::new();
        if let Some(h) = headers {
            for pair in h.split('&') {
                let (name, value) = pair.split_once('=').ok_or(ParseError::Uri("bad header"))?;
                if name.is_empty()
                    || !all_escaped(name, is_header_byte)
                    || !all_escaped(value, is_header_byte)
                {
                    return Err(ParseError::Uri("bad header"));
                }
                header_list.push((name.to_owned(), value.to_owned()));
            }
        }
        Ok(Uri {
            scheme,
            user,
            password,
            host,
            port,
            params,
            headers: header_list,
        })
    }

    /// Appends the URI as it goes on the wire.
    pub fn print(&self, out: &mut String) {
        if self.scheme == Scheme::Other {
            out.push_str(&self.host);
            return;
        }
        out.push_str(self.scheme.as_str());
        out.push(':');
        if let Some(user) = &self.user {
            out.push_str(user);
            if let Some(pw) = &self.password {
                out.push(':');
                out.push_str(pw);
            }
            out.push('@');
        }
        out.push_str(&self.host);
        if let Some(port) = self.port {
            out.push(':');
            crate::syntax::push_u64(out, u64::from(port));
        }
        for p in &self.params {
            out.push(';');
            out.push_str(&p.name);
            if let Some(v) = &p.value {
                out.push('=');
                out.push_str(v);
            }
        }
        for (i, (name, value)) in self.headers.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(name);
            out.push('=');
            out.push_str(value);
        }
    }

    /// The printed form as a new string (what `Display` gives, without `core::fmt`).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        self.print(&mut s);
        s
    }

    /// The first URI parameter called `name` (case-insensitive, RFC 3261 §19.1.4).
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// Sets a URI parameter (replacing one of the same name).
    pub fn set_param(&mut self, name: &str, value: Option<&str>) {
        crate::header::params::set(&mut self.params, name, value);
    }

    /// Removes a URI parameter; true if it was there.
    pub fn remove_param(&mut self, name: &str) -> bool {
        crate::header::params::remove(&mut self.params, name)
    }
}

impl std::fmt::Display for Uri {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl std::str::FromStr for Uri {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Uri, ParseError> {
        Uri::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(s: &str) -> Uri {
        let uri = Uri::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(uri.to_string(), s);
        assert_eq!(Uri::parse(&uri.to_string()).unwrap(), uri);
        uri
    }

    #[test]
    fn plain_sip_uri() {
        let uri = round_trip("sip:alice@atlanta.example.com");
        assert_eq!(uri.scheme, Scheme::Sip);
        assert_eq!(uri.user.as_deref(), Some("alice"));
        assert_eq!(uri.host, "atlanta.example.com");
        assert_eq!(uri.port, None);
        assert_eq!(uri, Uri::sip(Some("alice"), "atlanta.example.com"));
    }

    #[test]
    fn params_headers_password_port() {
        let uri = round_trip("sips:bob:secret@192.0.2.4:5061;transport=ws;lr?subject=x%20y&h=");
        assert_eq!(uri.scheme, Scheme::Sips);
        assert_eq!(uri.password.as_deref(), Some("secret"));
        assert_eq!(uri.port, Some(5061));
        assert_eq!(uri.param("TRANSPORT").unwrap().value.as_deref(), Some("ws"));
        assert_eq!(uri.param("lr").unwrap().value, None);
        assert_eq!(uri.headers[0], ("subject".into(), "x%20y".into()));
        assert_eq!(uri.headers[1], ("h".into(), String::new()));
    }

    #[test]
    fn ipv6_reference() {
        let uri = round_trip("sip:[2001:db8::10]:5070;maddr=[2001:db8::9:1]");
        assert_eq!(uri.host, "[2001:db8::10]");
        assert_eq!(uri.port, Some(5070));
        assert!(Uri::parse("sip:[2001:db8::10").is_err());
        assert!(Uri::parse("sip:[2001:db8::10]x").is_err());
        assert!(Uri::parse("sip:[]").is_err());
    }

    #[test]
    fn user_part_with_semicolons_and_escapes() {
        // RFC 4475 §3.1.1.9 and §3.1.1.3.
        let uri = round_trip("sip:user;par=u%40example.net@example.com");
        assert_eq!(uri.user.as_deref(), Some("user;par=u%40example.net"));
        assert!(uri.params.is_empty());
        let uri = round_trip("sip:sips%3Auser%40example.com@example.net");
        assert_eq!(uri.user.as_deref(), Some("sips%3Auser%40example.com"));
        round_trip("sip:null-%00-null@example.com");
    }

    #[test]
    fn unusual_but_valid_characters() {
        // RFC 4475 §3.1.1.2.
        let s = "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com";
        let uri = round_trip(s);
        assert_eq!(
            uri.user.as_deref(),
            Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        );
        assert_eq!(
            uri.password.as_deref(),
            Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
        );
        assert_eq!(uri.host, "example.com");
    }

    #[test]
    fn tel_uri() {
        let uri = round_trip("tel:+1-201-555-0123;phone-context=+1");
        assert_eq!(uri.scheme, Scheme::Tel);
        assert_eq!(uri.host, "+1-201-555-0123");
        assert_eq!(
            uri.param("phone-context").unwrap().value.as_deref(),
            Some("+1")
        );
        round_trip("tel:7042;phone-context=example.com");
        assert!(Uri::parse("tel:").is_err());
        assert!(Uri::parse("tel:+").is_err());
        assert!(Uri::parse("tel:abc xyz").is_err());
    }

    #[test]
    fn other_schemes_are_kept_verbatim() {
        let uri = round_trip("soap.beep://192.0.2.103:3002");
        assert_eq!(uri.scheme, Scheme::Other);
        assert_eq!(uri.host, "soap.beep://192.0.2.103:3002");
        round_trip("isbn:2983792873");
        round_trip("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    }

    #[test]
    fn malformed_uris_are_errors() {
        for bad in [
            "",
            "sip",
            "<sip:user@example.com>",
            "sip:user@example.com; lr",
            "sip:user@",
            "sip:@example.com",
            "sip:user@exa mple.com",
            "sip:user@example.com:99999",
            "sip:user@example.com:",
            "sip:user@example.com:5o60",
            "sip:user@example.com;",
            "sip:user@example.com;a=",
            "sip:user@example.com?noequals",
            "sip:us%zzer@example.com",
            "sip:user@example.com;p=%4",
            "1sip:x",
            "isbn:",
            "isbn:has space",
            "sip:\u{e9}@example.com",
        ] {
            assert!(Uri::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn scheme_is_case_insensitive() {
        let uri = Uri::parse("SIP:alice@example.com").unwrap();
        assert_eq!(uri.scheme, Scheme::Sip);
        assert_eq!(uri.to_string(), "sip:alice@example.com");
    }

    #[test]
    fn set_and_remove_params() {
        let mut uri = Uri::sip(None, "example.com");
        uri.set_param("transport", Some("ws"));
        uri.set_param("lr", None);
        assert_eq!(uri.to_string(), "sip:example.com;transport=ws;lr");
        assert!(uri.remove_param("LR"));
        assert_eq!(uri.to_string(), "sip:example.com;transport=ws");
    }

    #[test]
    fn unquoted_param_value() {
        let p = Param::new("+sip.instance", Some("\"<urn:uuid:a\\\"b>\""));
        assert_eq!(p.unquoted().as_deref(), Some("<urn:uuid:a\"b>"));
        assert_eq!(
            Param::new("tag", Some("x")).unquoted().as_deref(),
            Some("x")
        );
    }
}
