//! Headers that must appear once (RFC 3261 §7.3.1): a message with two values of Call-ID,
//! From, To, CSeq, Max-Forwards or Content-Length is invalid, whether the values come on two
//! lines (compact forms `i`, `f`, `t`, `l` count as their long names) or joined by a comma on
//! one line, which these headers' grammars do not allow (§25.1: `Call-ID = callid`,
//! `From = ( name-addr / addr-spec ) *( SEMI from-param )`, …). Picking one of the values
//! would let two parties read two different messages from the same bytes (issue 11, hole 7;
//! RFC 4475 §3.3.8 asks for a 400).

use crate::error::ParseError;
use crate::header::map::Headers;
use crate::header::name::HeaderName;
use crate::header::split::split_list;
use crate::header::typed::{FromHeader, ToHeader, TypedHeader};

/// How a header's one value may hold a comma that is not a second value.
#[derive(Clone, Copy)]
enum Commas {
    /// Never (`callid`, `CSeq`, `Max-Forwards`, `Content-Length`: no comma in their grammar).
    Never,
    /// Only inside a quoted display name or `<…>` (name-addr, §20.20, §20.39): two values
    /// are two comma-separated elements that each parse as the header (so an unquoted
    /// `Bell, Alexander <sip:…>` stays one bad display name, RFC 4475 §3.1.2.15).
    Quoted(fn(&str) -> bool),
}

/// The single-valued headers, with the name [`ParseError::MultipleValues`] reports.
const SINGLE: [(HeaderName, &str, Commas); 6] = [
    (HeaderName::CALL_ID, "call-id", Commas::Never),
    (
        HeaderName::FROM,
        "from",
        Commas::Quoted(|v| FromHeader::parse(v).is_ok()),
    ),
    (
        HeaderName::TO,
        "to",
        Commas::Quoted(|v| ToHeader::parse(v).is_ok()),
    ),
    (HeaderName::CSEQ, "cseq", Commas::Never),
    (HeaderName::MAX_FORWARDS, "max-forwards", Commas::Never),
    (HeaderName::CONTENT_LENGTH, "content-length", Commas::Never),
];

/// [`ParseError::MultipleValues`] for the first single-valued header that has two values.
pub(super) fn check_single_values(headers: &Headers) -> Result<(), ParseError> {
    for (name, label, commas) in &SINGLE {
        let mut lines = headers.get_all(name);
        let Some(first) = lines.next() else {
            continue;
        };
        let joined = match commas {
            Commas::Never => first.contains(','),
            // A line the list splitter cannot read (an unbalanced quote) is left to the
            // header's own parser, which reports what is wrong with it.
            Commas::Quoted(parses) => split_list(first)
                .is_ok_and(|values| values.len() > 1 && values.iter().all(|v| parses(v))),
        };
        if joined || lines.next().is_some() {
            return Err(ParseError::MultipleValues(label));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Message;

    const BASE: &str = "Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\nFrom: \"Doe, J\" <sip:a@b>;tag=1\r\nTo: <sip:c,1@d>\r\nCall-ID: x@y\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n";

    fn parse(extra: &str, drop: &str) -> Result<Message, ParseError> {
        let headers: String = BASE
            .split_inclusive("\r\n")
            .filter(|l| drop.is_empty() || !l.starts_with(drop))
            .collect();
        Message::parse(format!("OPTIONS sip:c@d SIP/2.0\r\n{headers}{extra}\r\n").as_bytes())
    }

    #[test]
    fn one_value_each_passes_even_with_quoted_commas() {
        assert_eq!(parse("", "").err(), None);
    }

    #[test]
    fn a_second_line_is_refused_in_long_and_compact_form() {
        for (extra, label) in [
            ("Call-ID: z@y\r\n", "call-id"),
            ("i: x@y\r\n", "call-id"),
            ("From: <sip:e@f>;tag=2\r\n", "from"),
            ("f: <sip:a@b>;tag=1\r\n", "from"),
            ("To: <sip:e@f>\r\n", "to"),
            ("t: <sip:c@d>\r\n", "to"),
            ("CSeq: 2 OPTIONS\r\n", "cseq"),
            ("Max-Forwards: 69\r\n", "max-forwards"),
            ("Content-Length: 0\r\n", "content-length"),
            ("l: 0\r\n", "content-length"),
        ] {
            assert_eq!(
                parse(extra, "").err(),
                Some(ParseError::MultipleValues(label)),
                "{extra}"
            );
        }
    }

    #[test]
    fn two_values_joined_by_a_comma_are_refused() {
        for (line, label) in [
            ("Call-ID: x@y, z@y\r\n", "call-id"),
            ("From: <sip:a@b>;tag=1, <sip:e@f>;tag=2\r\n", "from"),
            ("From: sip:a@b;tag=1, sip:e@f\r\n", "from"),
            ("To: <sip:c@d>, <sip:e@f>\r\n", "to"),
            ("t: \"C, D\" <sip:c@d>, sip:e@f\r\n", "to"),
            ("CSeq: 1 OPTIONS, 2 OPTIONS\r\n", "cseq"),
            ("Max-Forwards: 70, 10\r\n", "max-forwards"),
        ] {
            let name = line.split(':').next().unwrap();
            assert_eq!(
                parse(line, &format!("{name}:")).err(),
                Some(ParseError::MultipleValues(label)),
                "{line}"
            );
        }
    }

    #[test]
    fn a_comma_in_an_unquoted_display_name_is_a_bad_name_not_two_values() {
        let line = "From: Bell, Alexander <sip:a@b>;tag=1\r\n";
        assert_eq!(
            parse(line, "From:").err(),
            Some(ParseError::Header("from", "bad display name"))
        );
    }

    #[test]
    fn the_error_names_the_header() {
        assert_eq!(
            ParseError::MultipleValues("call-id").message(),
            "multiple values of call-id"
        );
    }
}
