//! `Contact` (RFC 3261 §20.10; RFC 5626 §4.2 `+sip.instance`, `reg-id`, `ob`).

use super::TypedHeader;
use crate::error::ParseError;
use crate::header::name::HeaderName;
use crate::name_addr::NameAddr;
use crate::syntax::{parse_u32, trim_lws};

/// One Contact value: `*` (only in a REGISTER removing all bindings, RFC 3261 §10.2.2) or an
/// address with parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    Star,
    Addr(NameAddr),
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )` (RFC 3261 §25.1).
fn is_qvalue(v: &str) -> bool {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    frac.len() <= 3
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (int == "0" || (int == "1" && frac.bytes().all(|b| b == b'0')))
}

impl Contact {
    fn addr(&self) -> Option<&NameAddr> {
        match self {
            Contact::Star => None,
            Contact::Addr(a) => Some(a),
        }
    }

    /// The `expires` parameter in seconds (RFC 3261 §10.2.1.1).
    pub fn expires(&self) -> Option<u32> {
        let v = self.addr()?.param("expires")?.value.as_deref()?;
        parse_u32(v)
    }

    /// The `+sip.instance` value without its quotes, e.g. `<urn:uuid:…>` (RFC 5626 §4.1).
    pub fn instance(&self) -> Option<String> {
        self.addr()?.param("+sip.instance")?.unquoted()
    }

    /// The `reg-id` flow number (RFC 5626 §4.2).
    pub fn reg_id(&self) -> Option<u32> {
        parse_u32(self.addr()?.param("reg-id")?.value.as_deref()?)
    }

    /// True if the URI carries `;ob` (RFC 5626 §5.4: the UA wants outbound).
    pub fn is_ob(&self) -> bool {
        self.addr().is_some_and(|a| a.uri.param("ob").is_some())
    }
}

impl TypedHeader for Contact {
    const NAME: HeaderName = HeaderName::CONTACT;
    const LIST: bool = true;

    fn parse(value: &str) -> Result<Contact, ParseError> {
        if trim_lws(value) == "*" {
            return Ok(Contact::Star);
        }
        let addr = NameAddr::parse_in(value, "contact")?;
        if let Some(p) = addr.param("expires") {
            if p.value.as_deref().and_then(parse_u32).is_none() {
                return Err(ParseError::Header("contact", "bad expires"));
            }
        }
        if let Some(p) = addr.param("q") {
            if !p.value.as_deref().is_some_and(is_qvalue) {
                return Err(ParseError::Header("contact", "bad q"));
            }
        }
        Ok(Contact::Addr(addr))
    }

    fn print(&self, out: &mut String) {
        match self {
            Contact::Star => out.push('*'),
            Contact::Addr(a) => a.print(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::typed::round_trip;
    use crate::{HeaderName, Headers};

    #[test]
    fn outbound_register_contact() {
        let c: Contact = round_trip(
            "<sip:8fsaj3k@df7jal23ls0d.invalid;transport=ws;ob>;+sip.ice;reg-id=1;+sip.instance=\"<urn:uuid:2d6e1d8a-6a7a-4c28-9d3c-1c1d4b0f4a11>\";expires=600",
        );
        assert_eq!(c.expires(), Some(600));
        assert_eq!(c.reg_id(), Some(1));
        assert!(c.is_ob());
        assert_eq!(
            c.instance().as_deref(),
            Some("<urn:uuid:2d6e1d8a-6a7a-4c28-9d3c-1c1d4b0f4a11>")
        );
    }

    #[test]
    fn star_and_plain() {
        assert_eq!(round_trip::<Contact>(" * "), Contact::Star);
        assert_eq!(Contact::Star.expires(), None);
        assert!(!Contact::Star.is_ob());
        let c: Contact = round_trip("\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33");
        assert_eq!(c.expires(), None);
        assert!(!c.is_ob());
        match &c {
            Contact::Addr(a) => assert_eq!(a.display_name.as_deref(), Some("Quoted string \"\"")),
            Contact::Star => panic!("star"),
        }
    }

    #[test]
    fn several_contacts_in_one_line() {
        let mut h = Headers::new();
        h.push(
            HeaderName::parse("m").unwrap(),
            "<sip:a@x>;expires=0, \"B, b\" <sip:b@y>",
        );
        h.push(HeaderName::CONTACT, "sip:c@z;expires=10");
        let all = h.typed_all::<Contact>().unwrap();
        let exp: Vec<Option<u32>> = all.iter().map(Contact::expires).collect();
        assert_eq!(exp, [Some(0), None, Some(10)]);
    }

    #[test]
    fn errors() {
        for bad in [
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
            "<sip:a@b>;expires=280297596632815",
            "<sip:a@b>;expires",
            "<sip:a@b>;q=2",
            "<sip:a@b>;q=0.1234",
            "\"Joe\" <sip:joe@example.org>;;;;",
            "**",
        ] {
            assert!(Contact::parse(bad).is_err(), "{bad:?} parsed");
        }
        assert!(is_qvalue("1.000") && is_qvalue("0") && is_qvalue("0.5") && !is_qvalue("1.5"));
    }
}
