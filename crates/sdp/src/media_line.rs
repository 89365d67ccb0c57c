//! The media line `m=` that opens a media section (RFC 8866 §5.14).

use std::fmt;

use crate::error::{invalid, SdpError};
use crate::grammar::{canonical_decimal, is_token};

const WHAT: &str = "m= line";

/// `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (RFC 8866 §5.14).
///
/// Ports are stored as numbers; a port written with a leading zero is refused because
/// it could not be printed back unchanged (no implementation writes one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaLine {
    kind: String,
    port: u16,
    port_count: Option<u16>,
    proto: String,
    formats: Vec<String>,
}

impl MediaLine {
    /// Builds a media line; fails when a field breaks the grammar or `formats` is empty.
    pub fn new<S: AsRef<str>>(
        kind: &str,
        port: u16,
        proto: &str,
        formats: &[S],
    ) -> Result<MediaLine, SdpError> {
        let formats: Vec<String> = formats.iter().map(|f| f.as_ref().to_owned()).collect();
        check_fields(kind, proto, &formats)?;
        Ok(MediaLine {
            kind: kind.to_owned(),
            port,
            port_count: None,
            proto: proto.to_owned(),
            formats,
        })
    }

    /// Parses the value of an `m=` line (without `m=`).
    pub fn parse(value: &str) -> Result<MediaLine, SdpError> {
        let mut fields = value.split(' ');
        let kind = fields.next().unwrap_or_default();
        let port_field = fields.next().ok_or(invalid(WHAT, "missing port"))?;
        let proto = fields.next().ok_or(invalid(WHAT, "missing transport"))?;
        let formats: Vec<String> = fields.map(str::to_owned).collect();
        let (port, port_count) = match port_field.split_once('/') {
            Some((port, count)) => (port, Some(count)),
            None => (port_field, None),
        };
        let port = canonical_decimal(port).ok_or(invalid(WHAT, "bad port"))?;
        let port_count = match port_count {
            Some(count) => {
                Some(canonical_decimal(count).ok_or(invalid(WHAT, "bad number of ports"))?)
            }
            None => None,
        };
        check_fields(kind, proto, &formats)?;
        Ok(MediaLine {
            kind: kind.to_owned(),
            port,
            port_count,
            proto: proto.to_owned(),
            formats,
        })
    }

    /// The media type: `audio`, `video`, `application`, ...
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The transport port; 0 marks a rejected or removed stream (RFC 3264 §6, §8.2).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Sets the transport port.
    pub fn set_port(&mut self, port: u16) {
        self.port = port;
    }

    /// The `/<number of ports>` suffix, if written.
    pub fn port_count(&self) -> Option<u16> {
        self.port_count
    }

    /// The transport protocol, e.g. `UDP/TLS/RTP/SAVPF` or `RTP/AVP`.
    pub fn proto(&self) -> &str {
        &self.proto
    }

    /// Whether the transport carries RTP, so formats are RTP payload types
    /// (RFC 8866 §5.14).
    pub fn is_rtp(&self) -> bool {
        self.proto.split('/').any(|part| part == "RTP")
    }

    /// The media formats in preference order (payload types for RTP).
    pub fn formats(&self) -> impl Iterator<Item = &str> {
        self.formats.iter().map(String::as_str)
    }

    /// The formats that are RTP payload types (0–127), in preference order.
    pub fn payload_types(&self) -> impl Iterator<Item = u8> + '_ {
        let rtp = self.is_rtp();
        self.formats
            .iter()
            .filter(move |_| rtp)
            .filter_map(|f| crate::grammar::decimal::<u8>(f).filter(|pt| *pt < 128))
    }
}

fn check_fields(kind: &str, proto: &str, formats: &[String]) -> Result<(), SdpError> {
    if !is_token(kind) {
        return Err(invalid(WHAT, "bad media type"));
    }
    // proto = token *("/" token)
    if !proto.split('/').all(is_token) {
        return Err(invalid(WHAT, "bad transport"));
    }
    if formats.is_empty() {
        return Err(invalid(WHAT, "no media format"));
    }
    if !formats.iter().all(|f| is_token(f)) {
        return Err(invalid(WHAT, "bad media format"));
    }
    Ok(())
}

impl fmt::Display for MediaLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.kind)?;
        write!(f, " {}", self.port)?;
        if let Some(count) = self.port_count {
            write!(f, "/{count}")?;
        }
        f.write_str(" ")?;
        f.write_str(&self.proto)?;
        for format in &self.formats {
            f.write_str(" ")?;
            f.write_str(format)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for value in [
            "audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
            "audio 0 UDP/TLS/RTP/SAVPF 109 9 0 8 101",
            "application 9 UDP/DTLS/SCTP webrtc-datachannel",
            "audio 49170/2 RTP/AVP 0",
            "video 51372 RTP/AVP 99",
        ] {
            assert_eq!(MediaLine::parse(value).unwrap().to_string(), value);
        }
        let m = MediaLine::parse("audio 49170/2 RTP/AVP 0 101").unwrap();
        assert_eq!(m.kind(), "audio");
        assert_eq!(m.port(), 49170);
        assert_eq!(m.port_count(), Some(2));
        assert_eq!(m.proto(), "RTP/AVP");
        assert_eq!(m.formats().collect::<Vec<_>>(), ["0", "101"]);
        assert_eq!(m.payload_types().collect::<Vec<_>>(), [0, 101]);
        assert!(m.is_rtp());
    }

    #[test]
    fn non_rtp_formats_are_not_payload_types() {
        let m = MediaLine::parse("application 9 UDP/DTLS/SCTP webrtc-datachannel").unwrap();
        assert!(!m.is_rtp());
        assert_eq!(m.payload_types().count(), 0);
        let m = MediaLine::parse("application 9 DTLS/SCTP 5000").unwrap();
        assert_eq!(m.payload_types().count(), 0);
    }

    #[test]
    fn build() {
        let mut m = MediaLine::new("audio", 9, "RTP/AVP", &["0", "101"]).unwrap();
        assert_eq!(m.to_string(), "audio 9 RTP/AVP 0 101");
        m.set_port(0);
        assert_eq!(m.to_string(), "audio 0 RTP/AVP 0 101");
        assert!(MediaLine::new::<&str>("audio", 9, "RTP/AVP", &[]).is_err());
        assert!(MediaLine::new("au dio", 9, "RTP/AVP", &["0"]).is_err());
    }

    #[test]
    fn errors() {
        for value in [
            "",
            "audio",
            "audio 9",
            "audio 9 RTP/AVP",
            "audio 65536 RTP/AVP 0",
            "audio 09 RTP/AVP 0",
            "audio x RTP/AVP 0",
            "audio 9/ RTP/AVP 0",
            "audio 9 RTP//AVP 0",
            "audio 9 RTP/AVP  0",
            "audio 9 RTP/AVP 0 ",
        ] {
            assert!(MediaLine::parse(value).is_err(), "{value:?}");
        }
    }
}
