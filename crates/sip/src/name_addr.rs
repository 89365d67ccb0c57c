//! `name-addr` / `addr-spec` with header parameters (RFC 3261 §20.10, §25.1), the shape of
//! From, To, Contact, Route, Record-Route, Refer-To and Path values.

use crate::error::ParseError;
use crate::header::params;
use crate::syntax::{is_token_byte, is_wsp, parse_quoted, push_quoted, trim_lws};
use crate::uri::{Param, Uri};

/// `"Display" <uri>;param=value` or a bare `uri;param` (in which case the params after the URI
/// belong to the header, RFC 3261 §20.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    /// The display name, unquoted and unescaped.
    pub display_name: Option<String>,
    pub uri: Uri,
    /// Header parameters (e.g. `tag`, `expires`, `+sip.instance`).
    pub params: Vec<Param>,
}

impl NameAddr {
    /// A name-addr with no display name and no parameters.
    pub fn new(uri: Uri) -> NameAddr {
        NameAddr {
            display_name: None,
            uri,
            params: Vec::new(),
        }
    }

    /// Parses `( name-addr / addr-spec ) *( SEMI generic-param )`.
    pub fn parse(s: &str) -> Result<NameAddr, ParseError> {
        Self::parse_in(s, "name-addr")
    }

    /// Like [`NameAddr::parse`], naming `header` in errors.
    pub fn parse_in(s: &str, header: &'static str) -> Result<NameAddr, ParseError> {
        let s = trim_lws(s);
        if s.starts_with('"') {
            let (name, rest) =
                parse_quoted(s).ok_or(ParseError::Header(header, "bad quoted display name"))?;
            let rest = rest.trim_start_matches([' ', '\t']);
            if !rest.starts_with('<') {
                return Err(ParseError::Header(
                    header,
                    "expected '<' after display name",
                ));
            }
            let (uri, params) = Self::parse_angle(rest, header)?;
            return Ok(NameAddr {
                display_name: Some(name),
                uri,
                params,
            });
        }
        if let Some(lt) = s.find('<') {
            // display-name = *(token LWS): no quotes, so only tokens and white space
            // (RFC 4475 §3.1.2.14 `baddn`: an unquoted comma is malformed).
            let name = trim_lws(&s[..lt]);
            if !name.bytes().all(|b| is_token_byte(b) || is_wsp(b)) {
                return Err(ParseError::Header(header, "bad display name"));
            }
            let (uri, params) = Self::parse_angle(&s[lt..], header)?;
            return Ok(NameAddr {
                display_name: (!name.is_empty()).then(|| name.to_owned()),
                uri,
                params,
            });
        }
        // addr-spec: the URI ends at the first `;` or white space, the rest are header
        // parameters. A URI holding `,`, `?` or `;` must be in angle brackets (RFC 3261 §20,
        // RFC 4475 §3.1.2.12 `regbadct`).
        let end = s.find([';', ' ', '\t']).unwrap_or(s.len());
        let uri_text = &s[..end];
        if uri_text.contains(['?', ',']) {
            return Err(ParseError::Header(
                header,
                "uri with '?' or ',' needs angle brackets",
            ));
        }
        Ok(NameAddr {
            display_name: None,
            uri: Uri::parse(uri_text)?,
            params: params::parse_params(&s[end..], header)?,
        })
    }

    /// Parses `<uri>` then the header parameters. No white space is allowed inside the brackets
    /// (RFC 3261 §25.1 `LAQUOT addr-spec RAQUOT`; RFC 4475 §3.1.2.13 `badaspec`).
    fn parse_angle(s: &str, header: &'static str) -> Result<(Uri, Vec<Param>), ParseError> {
        let inner = s
            .strip_prefix('<')
            .ok_or(ParseError::Header(header, "expected '<'"))?;
        let gt = inner
            .find('>')
            .ok_or(ParseError::Header(header, "missing '>'"))?;
        let uri_text = &inner[..gt];
        if uri_text.contains([' ', '\t']) {
            return Err(ParseError::Header(header, "white space inside <>"));
        }
        let uri = Uri::parse(uri_text)?;
        let params = params::parse_params(&inner[gt + 1..], header)?;
        Ok((uri, params))
    }

    /// Appends `"Display" <uri>;params` (always the name-addr form, which is valid for every
    /// URI).
    pub fn print(&self, out: &mut String) {
        if let Some(name) = &self.display_name {
            push_quoted(out, name);
            out.push(' ');
        }
        out.push('<');
        self.uri.print(out);
        out.push('>');
        params::print_params(&self.params, out);
    }

    /// The printed form as a new string (what `Display` gives, without `core::fmt`).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        self.print(&mut s);
        s
    }

    /// The first header parameter called `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&Param> {
        params::find(&self.params, name)
    }

    /// The `tag` parameter (RFC 3261 §19.3).
    pub fn tag(&self) -> Option<&str> {
        self.param("tag").and_then(|p| p.value.as_deref())
    }

    /// Sets a header parameter, replacing one of the same name. Quote the value yourself if it
    /// is not a token.
    pub fn set_param(&mut self, name: &str, value: Option<&str>) {
        params::set(&mut self.params, name, value);
    }

    /// Removes a header parameter; true if it was there.
    pub fn remove_param(&mut self, name: &str) -> bool {
        params::remove(&mut self.params, name)
    }
}

impl std::fmt::Display for NameAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reparse(na: &NameAddr) -> NameAddr {
        let printed = na.to_string();
        NameAddr::parse(&printed).unwrap_or_else(|e| panic!("{printed}: {e}"))
    }

    #[test]
    fn quoted_display_name_with_escapes() {
        let na = NameAddr::parse(
            r#""J Rosenberg \\\""       <sip:jdrosen@example.com>  ;  tag = 98asjd8"#,
        )
        .unwrap();
        assert_eq!(na.display_name.as_deref(), Some("J Rosenberg \\\""));
        assert_eq!(na.uri.host, "example.com");
        assert_eq!(na.tag(), Some("98asjd8"));
        assert_eq!(
            na.to_string(),
            r#""J Rosenberg \\\"" <sip:jdrosen@example.com>;tag=98asjd8"#
        );
        assert_eq!(reparse(&na), na);
    }

    #[test]
    fn token_display_names() {
        let na =
            NameAddr::parse("token1~` token2'+_ token3*%!.- <sip:mundane@example.com>").unwrap();
        assert_eq!(
            na.display_name.as_deref(),
            Some("token1~` token2'+_ token3*%!.-")
        );
        assert_eq!(reparse(&na), na);
        // RFC 4475 §3.1.1.6: no white space before '<'.
        let na = NameAddr::parse("caller<sip:caller@example.com>;tag=323").unwrap();
        assert_eq!(na.display_name.as_deref(), Some("caller"));
        assert_eq!(na.tag(), Some("323"));
    }

    #[test]
    fn bare_addr_spec_params_belong_to_the_header() {
        let na =
            NameAddr::parse("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n").unwrap();
        assert_eq!(na.display_name, None);
        assert!(na.uri.params.is_empty());
        assert_eq!(na.tag(), Some("1918181833n"));
        assert_eq!(
            na.to_string(),
            "<sip:vivekg@chair-dnrc.example.com>;tag=1918181833n"
        );
        assert_eq!(reparse(&na), na);
    }

    #[test]
    fn uri_params_inside_brackets_stay_in_the_uri() {
        let na = NameAddr::parse(
            "<sip:a@b.example;transport=ws>;expires=60;+sip.instance=\"<urn:uuid:x>\"",
        )
        .unwrap();
        assert_eq!(
            na.uri.param("transport").unwrap().value.as_deref(),
            Some("ws")
        );
        assert_eq!(na.param("expires").unwrap().value.as_deref(), Some("60"));
        assert_eq!(
            na.param("+sip.instance").unwrap().unquoted().as_deref(),
            Some("<urn:uuid:x>")
        );
        assert_eq!(reparse(&na), na);
    }

    #[test]
    fn utf8_and_control_characters_in_display_names() {
        let na =
            NameAddr::parse("\"BEL:\\\u{7} NUL:\\\0 DEL:\\\u{7f}\" <sip:x@example.com>").unwrap();
        assert_eq!(
            na.display_name.as_deref(),
            Some("BEL:\u{7} NUL:\0 DEL:\u{7f}")
        );
        assert_eq!(reparse(&na), na);
        let na = NameAddr::parse("\"Анна\" <sip:anna@example.com>").unwrap();
        assert_eq!(na.display_name.as_deref(), Some("Анна"));
        assert_eq!(reparse(&na), na);
    }

    #[test]
    fn other_scheme_addr_spec() {
        let na = NameAddr::parse("isbn:2983792873").unwrap();
        assert_eq!(na.uri.scheme, crate::uri::Scheme::Other);
        assert_eq!(reparse(&na), na);
    }

    #[test]
    fn malformed_name_addrs_are_errors() {
        for bad in [
            "\"Mr. J. User <sip:j.user@example.com>",          // quotbal
            "\"Watson, Thomas\" < sip:t.watson@example.org >", // badaspec
            "Bell, Alexander <sip:a.g.bell@example.com>;tag=43", // baddn
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E", // regbadct
            "<sip:user@example.com",
            "\"name\" sip:user@example.com",
            "<sip:user@example.com>;;",
            "<sip:user@example.com> junk",
            "",
            "<>",
        ] {
            assert!(NameAddr::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn set_and_read_tag() {
        let mut na = NameAddr::new(Uri::sip(Some("alice"), "example.com"));
        assert_eq!(na.tag(), None);
        na.set_param("tag", Some("abc"));
        na.set_param("tag", Some("def"));
        assert_eq!(na.tag(), Some("def"));
        assert_eq!(na.to_string(), "<sip:alice@example.com>;tag=def");
        assert!(na.remove_param("tag"));
        assert_eq!(na.tag(), None);
    }
}
