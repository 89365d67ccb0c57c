//! Call quality from `RTCPeerConnection.getStats()`, boiled down to a few numbers and an
//! estimated MOS.
//!
//! The report is read with `Reflect` (no serde): `inbound-rtp` (what we receive), `outbound-rtp`
//! (what we send), `remote-inbound-rtp` (the far end's RTCP view of our stream: round-trip
//! time), the selected `candidate-pair` (STUN round-trip time, known before RTCP is),
//! `codec` and `media-source` (microphone level). See the W3C "Identifiers for WebRTC's
//! Statistics API".

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::RtcStatsReport;

/// One snapshot of the audio stream's quality.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MediaStats {
    /// Codec of the received (else sent) audio, as the MIME subtype: `opus`, `PCMU`, ….
    pub codec: Option<String>,
    /// Round-trip time in ms: RTCP's when known, else the ICE candidate pair's.
    pub rtt_ms: Option<f64>,
    /// Interarrival jitter of the received audio in ms (RFC 3550 §6.4.1).
    pub jitter_ms: Option<f64>,
    /// Packets lost on the way to us (can be negative with duplicates, RFC 3550 §6.4.1).
    pub packets_lost: i64,
    /// RTP packets received.
    pub packets_received: u64,
    /// RTP packets sent.
    pub packets_sent: u64,
    /// RTP payload bytes received.
    pub bytes_received: u64,
    /// RTP payload bytes sent.
    pub bytes_sent: u64,
    /// Level of the received audio, 0..=1.
    pub audio_level: Option<f64>,
    /// Level of our microphone, 0..=1 (for a level meter).
    pub local_audio_level: Option<f64>,
    /// Estimated mean opinion score, 1..=4.5, once audio has been received; see
    /// [`estimate_mos`].
    pub mos: Option<f64>,
}

/// Estimated MOS from the simplified E-model (ITU-T G.107 as simplified by Cole & Rosenbluth):
/// `R = 93.2 - Id - Ie`, with the delay impairment from an effective latency of
/// `rtt + 2·jitter + 10 ms` (the round trip stands in for the one-way delay, as Twilio's SDK
/// does: pessimistic, but measurable) and 2.5 per percent of loss; then
/// `MOS = 1 + 0.035R + 7e-6·R(R-60)(100-R)`.
pub fn estimate_mos(rtt_ms: f64, jitter_ms: f64, loss_fraction: f64) -> f64 {
    let latency = rtt_ms.max(0.0) + 2.0 * jitter_ms.max(0.0) + 10.0;
    let delay_impairment = if latency < 160.0 {
        latency / 40.0
    } else {
        (latency - 120.0) / 10.0
    };
    let loss_percent = 100.0 * loss_fraction.clamp(0.0, 1.0);
    let r = (93.2 - delay_impairment - 2.5 * loss_percent).clamp(0.0, 100.0);
    1.0 + 0.035 * r + 7e-6 * r * (r - 60.0) * (100.0 - r)
}

/// Fraction of packets lost, from the cumulative counters; 0 before anything arrived.
pub fn loss_fraction(packets_lost: i64, packets_received: u64) -> f64 {
    let lost = packets_lost.max(0) as f64;
    let expected = lost + packets_received as f64;
    if expected > 0.0 {
        lost / expected
    } else {
        0.0
    }
}

fn field(stat: &JsValue, key: &str) -> JsValue {
    Reflect::get(stat, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn number(stat: &JsValue, key: &str) -> Option<f64> {
    field(stat, key).as_f64()
}

fn text(stat: &JsValue, key: &str) -> Option<String> {
    field(stat, key).as_string()
}

fn count(stat: &JsValue, key: &str) -> u64 {
    // Counters are non-negative integers in the report; `as` saturates.
    number(stat, key).unwrap_or(0.0) as u64
}

fn is_audio(stat: &JsValue) -> bool {
    // `kind` is the current name; `mediaType` the older one still seen in the wild.
    text(stat, "kind")
        .or_else(|| text(stat, "mediaType"))
        .is_some_and(|kind| kind == "audio")
}

/// Reads an `RTCStatsReport` (the resolved value of `getStats()`) into [`MediaStats`].
/// Unknown or missing fields stay `None`/0: a browser may not report all of them.
pub fn from_report(report: &JsValue) -> MediaStats {
    let report: &RtcStatsReport = report.unchecked_ref();
    let mut stats = MediaStats::default();
    let mut codec_id = None;
    let mut selected_pair_id = None;
    let mut rtcp_rtt = None;
    let mut nominated_rtt = None;
    for stat in report.values().into_iter().flatten() {
        let Some(kind) = text(&stat, "type") else {
            continue;
        };
        match kind.as_str() {
            "inbound-rtp" if is_audio(&stat) => {
                stats.packets_received = count(&stat, "packetsReceived");
                stats.packets_lost = number(&stat, "packetsLost").unwrap_or(0.0) as i64;
                stats.bytes_received = count(&stat, "bytesReceived");
                stats.jitter_ms = number(&stat, "jitter").map(|s| s * 1000.0);
                stats.audio_level = number(&stat, "audioLevel");
                // The received codec wins over the sent one.
                codec_id = text(&stat, "codecId").or(codec_id);
            }
            "outbound-rtp" if is_audio(&stat) => {
                stats.packets_sent = count(&stat, "packetsSent");
                stats.bytes_sent = count(&stat, "bytesSent");
                if codec_id.is_none() {
                    codec_id = text(&stat, "codecId");
                }
            }
            "remote-inbound-rtp" if is_audio(&stat) => {
                rtcp_rtt = number(&stat, "roundTripTime").map(|s| s * 1000.0);
            }
            "media-source" if is_audio(&stat) => {
                stats.local_audio_level = number(&stat, "audioLevel");
            }
            "transport" => selected_pair_id = text(&stat, "selectedCandidatePairId"),
            // Fallback for browsers without `selectedCandidatePairId`.
            "candidate-pair" if field(&stat, "nominated").as_bool() == Some(true) => {
                nominated_rtt = number(&stat, "currentRoundTripTime").or(nominated_rtt);
            }
            _ => {}
        }
    }
    let lookup = |id: Option<String>| id.and_then(|id| report.get(&id));
    stats.codec = lookup(codec_id)
        .and_then(|codec| text(&codec, "mimeType"))
        .map(|mime| match mime.split_once('/') {
            // "audio/opus" → "opus"
            Some((_, subtype)) => String::from(subtype),
            None => mime,
        });
    let pair_rtt = lookup(selected_pair_id)
        .and_then(|pair| number(&pair, "currentRoundTripTime"))
        .or(nominated_rtt)
        .map(|s| s * 1000.0);
    stats.rtt_ms = rtcp_rtt.or(pair_rtt);
    if stats.packets_received > 0 {
        stats.mos = Some(estimate_mos(
            stats.rtt_ms.unwrap_or(0.0),
            stats.jitter_ms.unwrap_or(0.0),
            loss_fraction(stats.packets_lost, stats.packets_received),
        ));
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_lan_call_scores_about_4_4() {
        let mos = estimate_mos(0.0, 0.0, 0.0);
        // R = 93.2 - 10/40 = 92.95
        assert!((mos - 4.4045).abs() < 0.001, "{mos}");
    }

    #[test]
    fn the_score_is_bounded_and_falls_with_each_impairment() {
        let good = estimate_mos(20.0, 2.0, 0.0);
        assert!(estimate_mos(300.0, 2.0, 0.0) < good);
        assert!(estimate_mos(20.0, 60.0, 0.0) < good);
        assert!(estimate_mos(20.0, 2.0, 0.05) < good);
        assert_eq!(estimate_mos(5000.0, 500.0, 1.0), 1.0);
        for (rtt, jitter, loss) in [(0.0, 0.0, 0.0), (-5.0, -1.0, -0.5), (1e9, 1e9, 9.0)] {
            let mos = estimate_mos(rtt, jitter, loss);
            assert!((1.0..=4.5).contains(&mos), "{mos}");
        }
    }

    #[test]
    fn the_delay_impairment_steepens_past_160_ms() {
        // Below 160 ms: 1/40 per ms; above: 1/10 per ms.
        let a = estimate_mos(100.0, 0.0, 0.0);
        let b = estimate_mos(110.0, 0.0, 0.0);
        let c = estimate_mos(200.0, 0.0, 0.0);
        let d = estimate_mos(210.0, 0.0, 0.0);
        assert!((a - b) < (c - d));
    }

    #[test]
    fn loss_fraction_uses_lost_over_expected() {
        assert_eq!(loss_fraction(0, 0), 0.0);
        assert_eq!(loss_fraction(5, 95), 0.05);
        assert_eq!(loss_fraction(-3, 100), 0.0);
    }
}
