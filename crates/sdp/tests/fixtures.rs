//! Real-world layouts: every fixture prints back byte for byte, and the helpers give
//! the right answers on them.

use bwclient_sdp::{
    check_answer, is_hold_offer, AnswerError, Direction, IceFragment, Sdp, Setup, TelephoneEvent,
};

const CHROME_OFFER: &str = include_str!("fixtures/chrome_offer.sdp");
const CHROME_ANSWER: &str = include_str!("fixtures/chrome_answer.sdp");
const FIREFOX_OFFER: &str = include_str!("fixtures/firefox_offer.sdp");
const SAFARI_OFFER: &str = include_str!("fixtures/safari_offer.sdp");
const ASTERISK_ANSWER: &str = include_str!("fixtures/asterisk_answer.sdp");

const ALL: [(&str, &str); 5] = [
    ("chrome_offer", CHROME_OFFER),
    ("chrome_answer", CHROME_ANSWER),
    ("firefox_offer", FIREFOX_OFFER),
    ("safari_offer", SAFARI_OFFER),
    ("asterisk_answer", ASTERISK_ANSWER),
];

fn parse(text: &str) -> Sdp {
    match Sdp::parse(text) {
        Ok(sdp) => sdp,
        Err(e) => panic!("fixture does not parse: {e}"),
    }
}

#[test]
fn every_fixture_round_trips_byte_for_byte() {
    for (name, text) in ALL {
        assert!(text.ends_with("\r\n"), "{name} must use CRLF");
        assert_eq!(parse(text).to_string(), text, "{name}");
    }
}

#[test]
fn bare_lf_copies_parse_to_the_same_description() {
    for (name, text) in ALL {
        let lf = text.replace("\r\n", "\n");
        assert_eq!(parse(&lf), parse(text), "{name}");
        assert_eq!(parse(&lf).to_string(), text, "{name}");
    }
}

#[test]
fn chrome_offer() {
    let sdp = parse(CHROME_OFFER);
    assert_eq!(sdp.origin().username(), "-");
    assert_eq!(sdp.origin().session_version(), "2");
    let bundle: Vec<_> = sdp.groups().filter(|g| g.is_bundle()).collect();
    assert_eq!(bundle.len(), 1);
    assert_eq!(bundle[0].mids, ["0"]);

    assert_eq!(sdp.media().len(), 1);
    let audio = &sdp.media()[0];
    assert_eq!(audio.kind(), "audio");
    assert_eq!(audio.port(), 52718);
    assert_eq!(audio.media_line().proto(), "UDP/TLS/RTP/SAVPF");
    assert_eq!(
        audio.media_line().payload_types().collect::<Vec<_>>(),
        [111, 63, 9, 0, 8, 13, 110, 126]
    );
    assert_eq!(audio.mid(), Some("0"));
    assert!(audio.rtcp_mux());
    assert_eq!(audio.direction(), Some(Direction::SendRecv));
    assert_eq!(sdp.direction(0), Some(Direction::SendRecv));
    assert_eq!(audio.setup(), Some(Setup::ActPass));
    assert_eq!(audio.connection().map(|c| c.address), Some("203.0.113.45"));

    let opus = audio.rtpmap(111).expect("opus");
    assert_eq!(
        (opus.encoding, opus.clock_rate, opus.channels()),
        ("opus", 48000, Some(2))
    );
    assert_eq!(
        audio.fmtp("111").and_then(|f| f.param("useinbandfec")),
        Some("1")
    );
    assert_eq!(audio.fmtp("63").map(|f| f.parameters), Some("111/111"));
    let names: Vec<_> = audio.rtpmaps().map(|r| r.encoding).collect();
    assert_eq!(
        names,
        [
            "opus",
            "red",
            "G722",
            "PCMU",
            "PCMA",
            "CN",
            "telephone-event",
            "telephone-event"
        ]
    );

    assert_eq!(
        sdp.ice_credentials(0),
        Some(("Xk9f", "aB3dE5fG7hI9jK1lM3nO5pQ7"))
    );
    let fingerprint = audio.fingerprints().next().expect("fingerprint");
    assert_eq!(fingerprint.hash_function, "sha-256");
    assert_eq!(fingerprint.value.split(':').count(), 32);

    let candidates: Vec<_> = audio.candidates().collect();
    assert_eq!(candidates.len(), 3);
    assert_eq!(
        candidates.iter().map(|c| c.kind).collect::<Vec<_>>(),
        ["host", "host", "srflx"]
    );
    assert_eq!(candidates[1].extension("tcptype"), Some("active"));
    assert_eq!(candidates[2].related_address, Some("192.168.1.20"));
    assert_eq!(candidates[2].extension("network-cost"), Some("10"));

    let msid = audio.msids().next().expect("msid");
    assert_eq!(msid.id, "5b3c1d7e-2f4a-4c6b-9e8d-7a1f0b2c3d4e");
    assert_eq!(msid.appdata, Some("9c4e2a71-6d3b-4f58-a0c2-e17b5d9f3a86"));
    let ssrcs: Vec<_> = audio.ssrcs().collect();
    assert_eq!(ssrcs.len(), 2);
    assert!(ssrcs.iter().all(|s| s.id == 1372817953));
    assert_eq!(ssrcs[0].attribute, "cname");

    // Opus is first, so DTMF goes with the 48 kHz telephone-event.
    assert_eq!(
        sdp.telephone_event(),
        Some(TelephoneEvent {
            payload_type: 110,
            clock_rate: 48000
        })
    );
    assert_eq!(audio.telephone_events().count(), 2);
    assert!(!is_hold_offer(&sdp));
}

#[test]
fn chrome_answer_fits_chrome_offer() {
    let offer = parse(CHROME_OFFER);
    let answer = parse(CHROME_ANSWER);
    assert_eq!(check_answer(&offer, &answer), Ok(()));
    assert_eq!(answer.media()[0].setup(), Some(Setup::Active));
    assert_eq!(answer.direction(0), Some(Direction::SendRecv));
    assert_eq!(
        answer.telephone_event(),
        Some(TelephoneEvent {
            payload_type: 110,
            clock_rate: 48000
        })
    );
    // The answer does not fit an offer it did not answer: Firefox offers opus (as 109,
    // which matches Chrome's 111 by codec) but no RED.
    let firefox = parse(FIREFOX_OFFER);
    assert_eq!(
        check_answer(&firefox, &answer),
        Err(AnswerError::FormatNotOffered {
            index: 0,
            format: "63".into()
        })
    );
}

#[test]
fn chrome_hold_offer_and_answer() {
    let mut offer = parse(CHROME_OFFER);
    offer.hold();
    offer.origin_mut().bump_version();
    assert_eq!(offer.origin().session_version(), "3");
    assert_eq!(offer.direction(0), Some(Direction::SendOnly));
    assert!(is_hold_offer(&offer));
    // Only the direction line and the version changed.
    let printed = offer.to_string();
    let changed: Vec<_> = CHROME_OFFER
        .lines()
        .zip(printed.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        changed,
        [
            (
                "o=- 3719284402174351062 2 IN IP4 127.0.0.1",
                "o=- 3719284402174351062 3 IN IP4 127.0.0.1"
            ),
            ("a=sendrecv", "a=sendonly")
        ]
    );

    // The answerer takes the natural answer direction.
    let mut answer = parse(CHROME_ANSWER);
    let offered = offer.direction(0).expect("one section");
    answer.media_mut()[0].set_direction(offered.answer());
    assert_eq!(answer.direction(0), Some(Direction::RecvOnly));
    assert_eq!(check_answer(&offer, &answer), Ok(()));
    // An answer that keeps sending to a holder is refused.
    let stale = parse(CHROME_ANSWER);
    assert_eq!(
        check_answer(&offer, &stale),
        Err(AnswerError::Direction {
            index: 0,
            offer: Direction::SendOnly,
            answer: Direction::SendRecv
        })
    );

    // Holding again after the peer held us gives inactive; unhold restores.
    answer.hold();
    assert_eq!(answer.direction(0), Some(Direction::Inactive));
    answer.unhold();
    assert_eq!(answer.direction(0), Some(Direction::RecvOnly));
}

#[test]
fn firefox_offer() {
    let sdp = parse(FIREFOX_OFFER);
    assert_eq!(sdp.origin().username(), "mozilla...THIS_IS_SDPARTA-128.0");
    // Firefox writes a session-level direction and fingerprint.
    assert_eq!(sdp.session_direction(), Some(Direction::SendRecv));
    assert_eq!(sdp.fingerprints().count(), 1);
    assert_eq!(sdp.session_attribute("msid-semantic"), Some("WMS *"));
    let audio = &sdp.media()[0];
    assert_eq!(audio.fingerprints().count(), 0);
    assert_eq!(audio.mid(), Some("0"));
    assert!(audio.end_of_candidates());
    let candidates: Vec<_> = audio.candidates().collect();
    assert_eq!(candidates.len(), 6);
    assert_eq!(candidates.iter().filter(|c| c.component == 2).count(), 3);
    assert!(candidates
        .iter()
        .all(|c| c.transport == "UDP" || c.transport == "TCP"));
    assert_eq!(audio.rtpmap(9).and_then(|r| r.channels()), Some(1));
    assert_eq!(audio.fmtp("101").map(|f| f.parameters), Some("0-15"));
    assert_eq!(
        sdp.ice_credentials(0),
        Some(("7e2d91c4", "4f1c9a27e08b3d65c2a719f0e4b85d3a"))
    );
    assert_eq!(
        audio.msids().next().map(|m| m.id),
        Some("{d3a5f2c1-7b94-4e08-a61f-2c8e5b9d0f37}")
    );
    // Only an 8 kHz telephone-event is offered, so it is used even with opus first.
    assert_eq!(
        sdp.telephone_event(),
        Some(TelephoneEvent {
            payload_type: 101,
            clock_rate: 8000
        })
    );
    assert!(!is_hold_offer(&sdp));
}

#[test]
fn safari_offer() {
    let sdp = parse(SAFARI_OFFER);
    let audio = &sdp.media()[0];
    let hosts: Vec<_> = audio.candidates().filter(|c| c.kind == "host").collect();
    assert_eq!(hosts.len(), 2);
    assert!(hosts.iter().all(|c| c.address.ends_with(".local")));
    assert!(audio
        .candidates()
        .all(|c| c.extension("network-cost") == Some("999")));
    assert_eq!(
        sdp.telephone_event(),
        Some(TelephoneEvent {
            payload_type: 110,
            clock_rate: 48000
        })
    );
    assert!(!is_hold_offer(&sdp));
    // Chrome can answer Safari: same codec set.
    let chrome_answer = parse(CHROME_ANSWER);
    assert_eq!(check_answer(&sdp, &chrome_answer), Ok(()));
}

#[test]
fn asterisk_answer() {
    let answer = parse(ASTERISK_ANSWER);
    assert_eq!(answer.session_name(), "Asterisk");
    assert_eq!(
        answer.connection().map(|c| c.address),
        Some("198.51.100.20")
    );
    assert_eq!(answer.timing().map(|t| (t.start, t.stop)), Some((0, 0)));
    let audio = &answer.media()[0];
    assert_eq!(audio.media_line().proto(), "RTP/AVP");
    assert_eq!(audio.attribute("ptime"), Some("20"));
    assert_eq!(audio.attribute("maxptime"), Some("150"));
    assert_eq!(
        answer.telephone_event(),
        Some(TelephoneEvent {
            payload_type: 101,
            clock_rate: 8000
        })
    );
    assert!(!is_hold_offer(&answer));

    // The plain RTP/AVP offer rtpengine forwards to Asterisk for a browser call.
    let offer = parse(
        "v=0\r\no=- 3719284402174351062 2 IN IP4 203.0.113.10\r\ns=-\r\nc=IN IP4 203.0.113.10\r\n\
         t=0 0\r\nm=audio 30000 RTP/AVP 0 8 9 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n\
         a=rtpmap:9 G722/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n\
         a=sendrecv\r\na=rtcp:30001\r\na=ptime:20\r\n",
    );
    assert_eq!(check_answer(&offer, &answer), Ok(()));
    // A legacy hold from the same PBX: the RFC 2543 null address, no ICE.
    let held = parse(&ASTERISK_ANSWER.replace("c=IN IP4 198.51.100.20", "c=IN IP4 0.0.0.0"));
    assert!(is_hold_offer(&held));
    let sendonly = parse(&ASTERISK_ANSWER.replace("a=sendrecv", "a=sendonly"));
    assert!(is_hold_offer(&sendonly));
}

#[test]
fn trickle_fragment_from_chrome_offer() {
    // The offer as sent before gathering: the same description without candidates.
    let mut early = parse(CHROME_OFFER);
    early.media_mut()[0].retain_lines(|l| !l.value().starts_with("candidate:"));
    assert_eq!(early.media()[0].candidates().count(), 0);

    let gathered = parse(CHROME_OFFER);
    let mut fragment = IceFragment::for_sdp(&gathered).expect("ice credentials");
    for candidate in gathered.media()[0].candidates() {
        fragment.add_candidate("0", &candidate).expect("mid 0");
    }
    fragment.set_end_of_candidates("0").expect("mid 0");
    let body = fragment.to_string();
    assert!(body.starts_with(
        "a=ice-ufrag:Xk9f\r\na=ice-pwd:aB3dE5fG7hI9jK1lM3nO5pQ7\r\n\
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\na=mid:0\r\na=candidate:2999745851 "
    ));
    assert!(body.ends_with("a=end-of-candidates\r\n"));

    // The peer reads the body and applies it to the early offer.
    let received = IceFragment::parse(&body).expect("own output parses");
    assert_eq!(received, fragment);
    assert_eq!(early.apply_ice_fragment(&received), Ok(3));
    let early_candidates: Vec<_> = early.media()[0].candidates().collect();
    let gathered_candidates: Vec<_> = gathered.media()[0].candidates().collect();
    assert_eq!(early_candidates, gathered_candidates);
    assert!(early.media()[0].end_of_candidates());
}
