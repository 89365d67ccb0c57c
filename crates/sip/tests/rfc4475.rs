//! RFC 4475 torture messages, byte for byte (fixtures under `tests/fixtures/rfc4475/`):
//! every §3.1.1 message parses and survives print → parse unchanged, every §3.1.2 message is
//! rejected for the reason the RFC gives, and the §3.2–§3.4 messages (syntactically valid,
//! wrong for the application) parse unless their framing or mandatory headers are broken
//! (missing, or given twice).

use bwclient_sip::check::{check_message, CheckOutcome};
use bwclient_sip::header::typed::{CSeq, CallId, Contact, FromHeader, MaxForwards, ToHeader, Via};
use bwclient_sip::{HeaderName, Message, ParseError, Scheme};
use std::path::PathBuf;

fn dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rfc4475")
        .join(sub)
}

fn fixture(sub: &str, name: &str) -> Vec<u8> {
    let path = dir(sub).join(format!("{name}.sip"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The names in a fixture directory, so a table below cannot silently skip a file.
fn names(sub: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sip"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn assert_table_covers_dir<T>(sub: &str, table: &[(&str, T)]) {
    let mut listed: Vec<String> = table.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(listed, names(sub), "table and fixtures/{sub} differ");
}

/// §3.1.1: all parse, with the start line sipcheck reports.
const VALID: &[(&str, &str)] = &[
    ("wsinv", "ok request INVITE"),
    (
        "intmeth",
        "ok request !interesting-Method0123456789_*+`.%indeed'~",
    ),
    ("esc01", "ok request INVITE"),
    ("escnull", "ok request REGISTER"),
    ("esc02", "ok request RE%47IST%45R"),
    ("lwsdisp", "ok request OPTIONS"),
    ("longreq", "ok request INVITE"),
    ("dblreq", "ok request REGISTER"),
    ("semiuri", "ok request OPTIONS"),
    ("transports", "ok request OPTIONS"),
    ("mpart01", "ok request MESSAGE"),
    ("unreason", "ok response 200"),
    ("noreason", "ok response 100"),
];

#[test]
fn valid_messages_parse_and_round_trip() {
    assert_table_covers_dir("valid", VALID);
    for (name, want) in VALID {
        let out = check_message(&fixture("valid", name));
        assert_eq!(out.to_string(), *want, "{name}");
    }
}

/// §3.1.2: each rejected, for the reason the RFC names.
const INVALID: &[(&str, ParseError)] = &[
    ("badinv01", ParseError::Header("list", "empty list element")),
    ("clerr", ParseError::Truncated),
    ("ncl", ParseError::ContentLength),
    (
        "scalar02",
        ParseError::Header("cseq", "bad sequence number"),
    ),
    (
        "scalarlg",
        ParseError::Header("cseq", "bad sequence number"),
    ),
    (
        "quotbal",
        ParseError::Header("to", "bad quoted display name"),
    ),
    ("ltgtruri", ParseError::Uri("bad scheme")),
    ("lwsruri", ParseError::StartLine),
    ("lwsstart", ParseError::StartLine),
    ("trws", ParseError::StartLine),
    (
        "escruri",
        ParseError::Uri("headers not allowed in request-uri"),
    ),
    (
        "baddate",
        ParseError::Header("date", "not an rfc1123 gmt date"),
    ),
    (
        "regbadct",
        ParseError::Header("contact", "uri with '?' or ',' needs angle brackets"),
    ),
    (
        "badaspec",
        ParseError::Header("to", "white space inside <>"),
    ),
    ("baddn", ParseError::Header("from", "bad display name")),
    ("badvers", ParseError::Version),
    ("mismatch01", ParseError::CSeqMethod),
    ("mismatch02", ParseError::CSeqMethod),
    ("bigcode", ParseError::StatusCode),
];

#[test]
fn invalid_messages_are_rejected_for_the_right_reason() {
    assert_table_covers_dir("invalid", INVALID);
    for (name, want) in INVALID {
        let bytes = fixture("invalid", name);
        assert_eq!(Message::parse(&bytes).err().as_ref(), Some(want), "{name}");
        assert_eq!(
            check_message(&bytes),
            CheckOutcome::Invalid(want.clone()),
            "{name}"
        );
    }
}

/// §3.2–§3.4: syntactically valid messages the application must refuse (400, 416, 420, …).
/// They parse, except where the RFC's own reason is a framing or mandatory-header error.
const SEMANTIC: &[(&str, Option<ParseError>)] = &[
    ("badbranch", None),
    // §3.3.1: To, From, Call-ID and Max-Forwards are missing.
    ("insuf", Some(ParseError::Missing("from"))),
    ("unkscm", None),
    ("novelsc", None),
    ("unksm2", None),
    ("bext01", None),
    ("invut", None),
    ("regaut01", None),
    // §3.3.8: several values of single-valued headers: "MUST respond with a 400"; the core
    // refuses such a message rather than pick one (RFC 3261 §7.3.1, issue 11 hole 7).
    ("multi01", Some(ParseError::MultipleValues("call-id"))),
    // §3.3.9: two different Content-Length values leave the framing undecidable.
    ("mcl01", Some(ParseError::ContentLength)),
    ("bcast", None),
    ("zeromf", None),
    ("cparam01", None),
    ("cparam02", None),
    ("regescrt", None),
    ("sdp01", None),
    // §3.4.1: RFC 2543 syntax; this parser requires Max-Forwards in every request
    // (RFC 3261 §8.1.1) and does not carry the RFC 2543 compatibility rules.
    ("inv2543", Some(ParseError::Missing("max-forwards"))),
];

#[test]
fn semantic_messages_parse_unless_framing_or_mandatory_headers_break() {
    assert_table_covers_dir("semantic", SEMANTIC);
    for (name, want) in SEMANTIC {
        let bytes = fixture("semantic", name);
        let out = check_message(&bytes);
        match want {
            None => assert!(out.is_ok(), "{name}: {out}"),
            Some(e) => assert_eq!(out, CheckOutcome::Invalid(e.clone()), "{name}"),
        }
    }
}

#[test]
fn wsinv_values_after_unfolding() {
    let msg = Message::parse(&fixture("valid", "wsinv")).unwrap();
    let h = msg.headers();
    let to = h.typed::<ToHeader>().unwrap().unwrap();
    assert_eq!(to.0.tag(), Some("1918181833n"));
    let from = h.typed::<FromHeader>().unwrap().unwrap();
    assert_eq!(from.0.display_name.as_deref(), Some("J Rosenberg \\\""));
    assert_eq!(from.0.tag(), Some("98asjd8"));
    assert_eq!(h.typed::<MaxForwards>().unwrap().unwrap(), MaxForwards(68));
    let cseq = h.typed::<CSeq>().unwrap().unwrap();
    assert_eq!((cseq.seq, cseq.method.as_str()), (9, "INVITE"));
    let vias = h.typed_all::<Via>().unwrap();
    let branches: Vec<_> = vias.iter().map(|v| v.branch().unwrap()).collect();
    assert_eq!(branches, ["390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239"]);
    assert_eq!(h.get(&HeaderName::SUBJECT), Some(""));
    assert_eq!(
        h.get(&HeaderName::parse("newfangledheader").unwrap()),
        Some("newfangled value continued newfangled value")
    );
    assert_eq!(
        h.get(&HeaderName::parse("UnknownHeaderWithUnusualValue").unwrap()),
        Some(";;,,;;,;")
    );
    let contacts = h.typed_all::<Contact>().unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(msg.body().len(), 150);
}

#[test]
fn intmeth_keeps_nul_and_utf8() {
    let msg = Message::parse(&fixture("valid", "intmeth")).unwrap();
    let to = msg.headers().typed::<ToHeader>().unwrap().unwrap();
    assert_eq!(
        to.0.display_name.as_deref(),
        Some("BEL:\u{7} NUL:\0 DEL:\u{7f}")
    );
    let call_id = msg.headers().typed::<CallId>().unwrap().unwrap();
    assert_eq!(call_id.0, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
    let ext = HeaderName::parse("extensionHeader-!.%*+_`'~").unwrap();
    assert_eq!(msg.headers().get(&ext), Some("\u{feff}大停電"));
}

#[test]
fn dblreq_ignores_the_second_message() {
    let msg = Message::parse(&fixture("valid", "dblreq")).unwrap();
    assert!(msg.body().is_empty());
    assert_eq!(msg.as_request().unwrap().method.as_str(), "REGISTER");
}

#[test]
fn mpart01_binary_body_is_framed_by_content_length() {
    let bytes = fixture("valid", "mpart01");
    let msg = Message::parse(&bytes).unwrap();
    assert_eq!(msg.body().len(), 553);
    assert!(msg.body().ends_with(b"--7a9cbec02ceef655--\r\n"));
    assert_eq!(Message::parse(&msg.to_bytes()).unwrap().body(), msg.body());
}

#[test]
fn unknown_schemes_are_kept_verbatim() {
    let msg = Message::parse(&fixture("semantic", "unkscm")).unwrap();
    let uri = &msg.as_request().unwrap().uri;
    assert_eq!(uri.scheme, Scheme::Other);
    assert_eq!(
        uri.to_string(),
        "nobodyKnowsThisScheme:totallyopaquecontent"
    );
    let msg = Message::parse(&fixture("semantic", "unksm2")).unwrap();
    let to = msg.headers().typed::<ToHeader>().unwrap().unwrap();
    assert_eq!(to.0.uri.to_string(), "isbn:2983792873");
}
