//! `a=rtpmap` (RFC 8866 §6.6) and the static payload types of RFC 3551 §6.

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::grammar::{decimal, is_token};

const WHAT: &str = "a=rtpmap";

/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]`
/// (RFC 8866 §6.6). For audio the encoding parameters are the channel count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpMap<'a> {
    /// RTP payload type, 0–127.
    pub payload_type: u8,
    /// Encoding name as written, e.g. `opus`, `PCMU`, `telephone-event`.
    pub encoding: &'a str,
    /// RTP clock rate in Hz.
    pub clock_rate: u32,
    /// Encoding parameters (audio: channel count), if written.
    pub parameters: Option<&'a str>,
}

impl<'a> RtpMap<'a> {
    /// Parses an `a=rtpmap` value (after `rtpmap:`).
    pub fn parse(value: &'a str) -> Result<RtpMap<'a>, SdpError> {
        let (payload_type, rest) = value
            .split_once(' ')
            .ok_or(invalid(WHAT, "missing encoding"))?;
        let payload_type = decimal::<u8>(payload_type)
            .filter(|pt| *pt < 128)
            .ok_or(invalid(WHAT, "bad payload type"))?;
        let mut parts = rest.splitn(3, '/');
        let encoding = parts.next().unwrap_or_default();
        if !is_token(encoding) {
            return Err(invalid(WHAT, "bad encoding name"));
        }
        let clock_rate = parts
            .next()
            .and_then(decimal::<u32>)
            .ok_or(invalid(WHAT, "bad clock rate"))?;
        let parameters = parts.next();
        if let Some(parameters) = parameters {
            if !is_token(parameters) {
                return Err(invalid(WHAT, "bad encoding parameters"));
            }
        }
        Ok(RtpMap {
            payload_type,
            encoding,
            clock_rate,
            parameters,
        })
    }

    /// The audio channel count: the encoding parameters, 1 when absent
    /// (RFC 8866 §6.6: "the number of audio channels ... defaults to one").
    pub fn channels(&self) -> Option<u16> {
        match self.parameters {
            None => Some(1),
            Some(p) => decimal(p),
        }
    }

    /// Whether this is the named encoding; encoding names are case-insensitive
    /// (RFC 4855 §3).
    pub fn is(&self, encoding: &str) -> bool {
        self.encoding.eq_ignore_ascii_case(encoding)
    }
}

impl fmt::Display for RtpMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}/{}",
            self.payload_type, self.encoding, self.clock_rate
        )?;
        if let Some(parameters) = self.parameters {
            f.write_str("/")?;
            f.write_str(parameters)?;
        }
        Ok(())
    }
}

/// The codec a static RTP/AVP payload type stands for when no `a=rtpmap` names it
/// (RFC 3551 §6, tables 4 and 5). Returns encoding name, clock rate and channels.
pub fn static_payload_type(payload_type: u8) -> Option<(&'static str, u32, u16)> {
    let (name, clock_rate) = match payload_type {
        0 => ("PCMU", 8000),
        3 => ("GSM", 8000),
        4 => ("G723", 8000),
        5 => ("DVI4", 8000),
        6 => ("DVI4", 16000),
        7 => ("LPC", 8000),
        8 => ("PCMA", 8000),
        9 => ("G722", 8000),
        10 => return Some(("L16", 44100, 2)),
        11 => ("L16", 44100),
        12 => ("QCELP", 8000),
        13 => ("CN", 8000),
        14 => ("MPA", 90000),
        15 => ("G728", 8000),
        16 => ("DVI4", 11025),
        17 => ("DVI4", 22050),
        18 => ("G729", 8000),
        25 => ("CelB", 90000),
        26 => ("JPEG", 90000),
        28 => ("nv", 90000),
        31 => ("H261", 90000),
        32 => ("MPV", 90000),
        33 => ("MP2T", 90000),
        34 => ("H263", 90000),
        _ => return None,
    };
    Some((name, clock_rate, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for value in [
            "111 opus/48000/2",
            "63 red/48000/2",
            "9 G722/8000",
            "9 G722/8000/1",
            "126 telephone-event/8000",
            "110 telephone-event/48000",
        ] {
            assert_eq!(RtpMap::parse(value).unwrap().to_string(), value);
        }
        let opus = RtpMap::parse("111 opus/48000/2").unwrap();
        assert_eq!(opus.payload_type, 111);
        assert_eq!(opus.encoding, "opus");
        assert_eq!(opus.clock_rate, 48000);
        assert_eq!(opus.channels(), Some(2));
        assert!(opus.is("OPUS"));
        assert_eq!(RtpMap::parse("0 PCMU/8000").unwrap().channels(), Some(1));
    }

    #[test]
    fn errors() {
        for value in [
            "",
            "111",
            "111 opus",
            "111 opus/",
            "111 opus/x",
            "128 opus/48000",
            "x opus/48000",
            "111 /48000",
            "111 opus/48000/",
            "111 op us/48000",
            "111  opus/48000",
        ] {
            assert!(RtpMap::parse(value).is_err(), "{value:?}");
        }
    }

    #[test]
    fn static_types() {
        assert_eq!(static_payload_type(0), Some(("PCMU", 8000, 1)));
        assert_eq!(static_payload_type(8), Some(("PCMA", 8000, 1)));
        assert_eq!(static_payload_type(9), Some(("G722", 8000, 1)));
        assert_eq!(static_payload_type(10), Some(("L16", 44100, 2)));
        assert_eq!(static_payload_type(96), None);
        assert_eq!(static_payload_type(2), None);
    }
}
