//! Checking an answer against its offer (RFC 3264 §6).

use crate::error::AnswerError;
use crate::rtpmap::static_payload_type;
use crate::{MediaSection, Sdp};

/// Checks that `answer` is a valid answer to `offer` (RFC 3264 §6, §6.1):
///
/// - it has the same number of `m=` lines, matched by position, with the same media
///   kinds;
/// - a stream rejected in the offer (port 0, not `a=bundle-only`) is rejected in the
///   answer (RFC 3264 §6, §8.2);
/// - every format of an accepted stream was offered. RTP payloads are compared by
///   codec (encoding name, clock rate, channels), since the answer may renumber a
///   dynamic payload type (RFC 3264 §6.1 says "SHOULD" keep it); other formats by text;
/// - the answer direction fits the offered one (RFC 3264 §6.1).
pub fn check_answer(offer: &Sdp, answer: &Sdp) -> Result<(), AnswerError> {
    if offer.media().len() != answer.media().len() {
        return Err(AnswerError::MediaCount {
            offer: offer.media().len(),
            answer: answer.media().len(),
        });
    }
    for (index, (offered, answered)) in offer.media().iter().zip(answer.media()).enumerate() {
        if offered.kind() != answered.kind() {
            return Err(AnswerError::MediaKind {
                index,
                offer: offered.kind().to_owned(),
                answer: answered.kind().to_owned(),
            });
        }
        if answered.is_rejected() {
            continue;
        }
        if offered.is_rejected() {
            return Err(AnswerError::NotRejected { index });
        }
        for format in answered.media_line().formats() {
            if !offered_format(offered, answered, format) {
                return Err(AnswerError::FormatNotOffered {
                    index,
                    format: format.to_owned(),
                });
            }
        }
        if let (Some(offered_dir), Some(answered_dir)) =
            (offer.direction(index), answer.direction(index))
        {
            if !offered_dir.accepts_answer(answered_dir) {
                return Err(AnswerError::Direction {
                    index,
                    offer: offered_dir,
                    answer: answered_dir,
                });
            }
        }
    }
    Ok(())
}

/// Whether `format` of the answered section matches a format of the offered one.
fn offered_format(offered: &MediaSection, answered: &MediaSection, format: &str) -> bool {
    let answered_codec = codec(answered, format);
    offered.media_line().formats().any(|candidate| {
        match (answered_codec, codec(offered, candidate)) {
            (Some(a), Some(o)) => a.same_as(&o),
            _ => candidate == format,
        }
    })
}

/// What an RTP payload type stands for.
#[derive(Clone, Copy)]
struct Codec<'a> {
    name: &'a str,
    clock_rate: u32,
    channels: Option<u16>,
}

impl Codec<'_> {
    fn same_as(&self, other: &Codec<'_>) -> bool {
        // Encoding names are case-insensitive (RFC 4855 §3).
        self.name.eq_ignore_ascii_case(other.name)
            && self.clock_rate == other.clock_rate
            && self.channels == other.channels
    }
}

/// The codec of an RTP payload type: its `a=rtpmap`, else the static table of
/// RFC 3551 §6. `None` for non-RTP formats and unknown payloads.
fn codec<'a>(media: &'a MediaSection, format: &str) -> Option<Codec<'a>> {
    if !media.media_line().is_rtp() {
        return None;
    }
    let payload_type = crate::grammar::decimal::<u8>(format).filter(|pt| *pt < 128)?;
    match media.rtpmap(payload_type) {
        Some(map) => Some(Codec {
            name: map.encoding,
            clock_rate: map.clock_rate,
            channels: map.channels(),
        }),
        None => static_payload_type(payload_type).map(|(name, clock_rate, channels)| Codec {
            name,
            clock_rate,
            channels: Some(channels),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Direction;

    fn sdp(body: &str) -> Sdp {
        Sdp::parse(&format!(
            "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n{body}"
        ))
        .unwrap()
    }

    const OFFER: &str = "m=audio 9 RTP/AVP 111 0 101\r\na=rtpmap:111 opus/48000/2\r\n\
        a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\nm=video 0 RTP/AVP 96\r\n";

    #[test]
    fn accepts_a_subset() {
        let offer = sdp(OFFER);
        let answer = sdp(
            "m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n\
            m=video 0 RTP/AVP 96\r\n",
        );
        assert_eq!(check_answer(&offer, &answer), Ok(()));
        // Static payloads without rtpmap match by number; renumbered dynamic ones by codec.
        let renumbered = sdp(
            "m=audio 4000 RTP/AVP 0 96\r\na=rtpmap:96 TELEPHONE-EVENT/8000\r\n\
            m=video 0 RTP/AVP 96\r\n",
        );
        assert_eq!(check_answer(&offer, &renumbered), Ok(()));
        let explicit_static = sdp("m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n\
            m=video 0 RTP/AVP 96\r\n");
        assert_eq!(check_answer(&offer, &explicit_static), Ok(()));
    }

    #[test]
    fn media_count_and_kind() {
        let offer = sdp(OFFER);
        assert_eq!(
            check_answer(&offer, &sdp("m=audio 4000 RTP/AVP 0\r\n")),
            Err(AnswerError::MediaCount {
                offer: 2,
                answer: 1
            })
        );
        assert_eq!(
            check_answer(
                &offer,
                &sdp("m=video 4000 RTP/AVP 0\r\nm=audio 0 RTP/AVP 96\r\n")
            ),
            Err(AnswerError::MediaKind {
                index: 0,
                offer: "audio".into(),
                answer: "video".into()
            })
        );
    }

    #[test]
    fn rejected_streams() {
        let offer = sdp(OFFER);
        assert_eq!(
            check_answer(
                &offer,
                &sdp("m=audio 4000 RTP/AVP 0\r\nm=video 5000 RTP/AVP 96\r\n")
            ),
            Err(AnswerError::NotRejected { index: 1 })
        );
        // The answerer may reject anything; formats of a rejected stream are ignored.
        assert_eq!(
            check_answer(
                &offer,
                &sdp("m=audio 0 RTP/AVP 8\r\nm=video 0 RTP/AVP 96\r\n")
            ),
            Ok(())
        );
        // A bundle-only section with port 0 is not rejected (RFC 8843 §6).
        let bundled = sdp("m=audio 9 RTP/AVP 0\r\nm=audio 0 RTP/AVP 0\r\na=bundle-only\r\n");
        let answer = sdp("m=audio 9 RTP/AVP 0\r\nm=audio 9 RTP/AVP 0\r\n");
        assert_eq!(check_answer(&bundled, &answer), Ok(()));
    }

    #[test]
    fn formats_not_offered() {
        let offer = sdp(OFFER);
        assert_eq!(
            check_answer(
                &offer,
                &sdp("m=audio 4000 RTP/AVP 8\r\nm=video 0 RTP/AVP 96\r\n")
            ),
            Err(AnswerError::FormatNotOffered {
                index: 0,
                format: "8".into()
            })
        );
        // Same number, other codec.
        assert_eq!(
            check_answer(
                &offer,
                &sdp("m=audio 4000 RTP/AVP 111\r\na=rtpmap:111 opus/48000/1\r\nm=video 0 RTP/AVP 96\r\n")
            ),
            Err(AnswerError::FormatNotOffered { index: 0, format: "111".into() })
        );
        let data = sdp("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n");
        assert_eq!(check_answer(&data, &data), Ok(()));
        assert_eq!(
            check_answer(&data, &sdp("m=application 9 UDP/DTLS/SCTP other\r\n")),
            Err(AnswerError::FormatNotOffered {
                index: 0,
                format: "other".into()
            })
        );
    }

    #[test]
    fn directions() {
        let hold = sdp("m=audio 9 RTP/AVP 0\r\na=sendonly\r\n");
        assert_eq!(
            check_answer(&hold, &sdp("m=audio 9 RTP/AVP 0\r\na=recvonly\r\n")),
            Ok(())
        );
        assert_eq!(
            check_answer(&hold, &sdp("m=audio 9 RTP/AVP 0\r\na=inactive\r\n")),
            Ok(())
        );
        assert_eq!(
            check_answer(&hold, &sdp("m=audio 9 RTP/AVP 0\r\n")),
            Err(AnswerError::Direction {
                index: 0,
                offer: Direction::SendOnly,
                answer: Direction::SendRecv
            })
        );
        // The session-level direction of the answer counts too.
        assert_eq!(
            check_answer(&hold, &sdp("a=sendonly\r\nm=audio 9 RTP/AVP 0\r\n")),
            Err(AnswerError::Direction {
                index: 0,
                offer: Direction::SendOnly,
                answer: Direction::SendOnly
            })
        );
    }
}
