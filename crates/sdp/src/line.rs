//! One `<type>=<value>` line (RFC 8866 §5), kept as written.

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::{Attribute, Connection, Timing};

/// A description line other than the structural `v=`, `o=`, `s=` and `m=`, kept
/// exactly as written so printing gives back the input.
///
/// Every `Line` has passed the grammar of its type: `c=` and `t=` lines and the
/// typed attributes (see [`Attribute::parse`]) are checked when the line is made,
/// so the typed accessors can read them without failing. Unknown types and
/// attributes are kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    kind: char,
    value: String,
}

impl Line {
    /// Makes a line of type `kind` (one ASCII letter) with `value`.
    pub fn new(kind: char, value: &str) -> Result<Line, SdpError> {
        check(kind, value)?;
        Ok(Line {
            kind,
            value: value.to_owned(),
        })
    }

    /// Makes an attribute line `a=<name>` or `a=<name>:<value>`.
    pub fn attribute(name: &str, value: Option<&str>) -> Result<Line, SdpError> {
        let mut text = String::with_capacity(name.len() + 1 + value.map_or(0, str::len));
        text.push_str(name);
        if let Some(value) = value {
            text.push(':');
            text.push_str(value);
        }
        Line::new('a', &text)
    }

    /// A property attribute `a=<name>` whose name is a known-good constant.
    pub(crate) fn flag(name: &'static str) -> Line {
        debug_assert!(Attribute::parse(name).is_ok());
        Line {
            kind: 'a',
            value: name.to_owned(),
        }
    }

    /// The line type, e.g. `'a'` or `'c'`.
    pub fn kind(&self) -> char {
        self.kind
    }

    /// The text after `=`.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The attribute, when this is an `a=` line.
    pub fn as_attribute(&self) -> Option<Attribute<'_>> {
        if self.kind != 'a' {
            return None;
        }
        // The line was checked when made, so this parse succeeds.
        Attribute::parse(&self.value).ok()
    }
}

/// The grammar a line must pass to be kept.
fn check(kind: char, value: &str) -> Result<(), SdpError> {
    if !kind.is_ascii_alphabetic() {
        return Err(invalid("line", "type is not a letter"));
    }
    if matches!(kind, 'v' | 'o' | 's' | 'm') {
        return Err(SdpError::Structural(kind));
    }
    // byte-string and text exclude NUL, CR and LF (RFC 8866 §9).
    if value.contains(['\0', '\r', '\n']) {
        return Err(invalid("line", "control character"));
    }
    match kind {
        'c' => Connection::parse(value).map(drop),
        't' => Timing::parse(value).map(drop),
        'a' => Attribute::parse(value).map(drop),
        _ => Ok(()),
    }
}

impl fmt::Display for Line {
    /// `<type>=<value>`, without the line end.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}=", self.kind)?;
        f.write_str(&self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for (kind, value) in [
            ('a', "rtcp-mux"),
            ('c', "IN IP4 0.0.0.0"),
            ('t', "0 0"),
            ('b', "AS:64"),
            ('i', "A Seminar on the session description protocol"),
            ('x', "unknown line kept"),
        ] {
            let line = Line::new(kind, value).unwrap();
            assert_eq!(line.kind(), kind);
            assert_eq!(line.value(), value);
            assert_eq!(line.to_string(), format!("{kind}={value}"));
        }
        let line = Line::attribute("mid", Some("0")).unwrap();
        assert_eq!(line.to_string(), "a=mid:0");
        assert_eq!(line.as_attribute().unwrap().value, Some("0"));
        assert_eq!(
            Line::attribute("rtcp-mux", None).unwrap().to_string(),
            "a=rtcp-mux"
        );
        assert!(Line::new('b', "AS:64").unwrap().as_attribute().is_none());
    }

    #[test]
    fn errors() {
        assert_eq!(
            Line::new('m', "audio 9 RTP/AVP 0"),
            Err(SdpError::Structural('m'))
        );
        assert_eq!(Line::new('v', "0"), Err(SdpError::Structural('v')));
        assert!(Line::new('1', "x").is_err());
        assert!(Line::new('a', "x\r\ny").is_err());
        assert!(Line::new('i', "nul\0").is_err());
        assert!(Line::new('c', "IN IP4").is_err());
        assert!(Line::new('t', "now").is_err());
        assert!(Line::new('a', "rtpmap:x").is_err());
        assert!(Line::attribute("mid", Some("a b")).is_err());
    }
}
