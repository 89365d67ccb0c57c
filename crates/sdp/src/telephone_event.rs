//! Finding the RFC 4733 `telephone-event` payload that carries DTMF.

use crate::rtpmap::static_payload_type;
use crate::{MediaSection, Sdp};

/// A `telephone-event` payload type and its RTP clock rate (RFC 4733 §2.5.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TelephoneEvent {
    /// The dynamic payload type, e.g. 101 or 126.
    pub payload_type: u8,
    /// The RTP clock rate, e.g. 8000 or 48000.
    pub clock_rate: u32,
}

impl Sdp {
    /// The `telephone-event` payload to send DTMF with: taken from the first active
    /// audio section that lists one. When several are listed (Chrome offers both
    /// `/48000` and `/8000`), the one whose clock rate matches the first audio codec
    /// wins, as RFC 4733 §2.5.1.1 recommends events in an audio stream use that
    /// stream's timestamp clock; otherwise the first listed.
    pub fn telephone_event(&self) -> Option<TelephoneEvent> {
        self.media()
            .iter()
            .filter(|m| m.kind() == "audio" && !m.is_rejected())
            .find_map(pick)
    }
}

fn pick(media: &MediaSection) -> Option<TelephoneEvent> {
    let first = media.telephone_events().next()?;
    let audio_clock = media
        .media_line()
        .payload_types()
        .filter_map(|pt| match media.rtpmap(pt) {
            Some(map) if map.is("telephone-event") => None,
            Some(map) => Some(map.clock_rate),
            None => static_payload_type(pt).map(|(_, clock, _)| clock),
        })
        .next();
    Some(
        media
            .telephone_events()
            .find(|e| Some(e.clock_rate) == audio_clock)
            .unwrap_or(first),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sdp(media: &str) -> Sdp {
        Sdp::parse(&format!(
            "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n{media}"
        ))
        .unwrap()
    }

    #[test]
    fn matches_the_first_codec_clock() {
        let opus_first = sdp(
            "m=audio 9 RTP/AVP 111 0 110 126\r\na=rtpmap:111 opus/48000/2\r\n\
            a=rtpmap:110 telephone-event/48000\r\na=rtpmap:126 telephone-event/8000\r\n",
        );
        assert_eq!(
            opus_first.telephone_event(),
            Some(TelephoneEvent {
                payload_type: 110,
                clock_rate: 48000
            })
        );
        let pcmu_first = sdp("m=audio 9 RTP/AVP 0 110 126\r\n\
            a=rtpmap:110 telephone-event/48000\r\na=rtpmap:126 telephone-event/8000\r\n");
        assert_eq!(
            pcmu_first.telephone_event(),
            Some(TelephoneEvent {
                payload_type: 126,
                clock_rate: 8000
            })
        );
    }

    #[test]
    fn falls_back_to_the_first_listed() {
        let only_wideband =
            sdp("m=audio 9 RTP/AVP 0 110\r\na=rtpmap:110 telephone-event/48000\r\n");
        assert_eq!(
            only_wideband.telephone_event(),
            Some(TelephoneEvent {
                payload_type: 110,
                clock_rate: 48000
            })
        );
    }

    #[test]
    fn ignores_unlisted_rejected_and_missing() {
        // An rtpmap for a payload the m= line does not list does not count.
        let unlisted = sdp("m=audio 9 RTP/AVP 0\r\na=rtpmap:101 telephone-event/8000\r\n");
        assert_eq!(unlisted.telephone_event(), None);
        let rejected = sdp("m=audio 0 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n");
        assert_eq!(rejected.telephone_event(), None);
        let video = sdp("m=video 9 RTP/AVP 101\r\na=rtpmap:101 telephone-event/8000\r\n");
        assert_eq!(video.telephone_event(), None);
        let second = sdp("m=audio 9 RTP/AVP 0\r\nm=audio 9 RTP/AVP 0 101\r\n\
            a=rtpmap:101 TELEPHONE-EVENT/8000\r\n");
        assert_eq!(
            second.telephone_event(),
            Some(TelephoneEvent {
                payload_type: 101,
                clock_rate: 8000
            })
        );
    }
}
