//! Call quality from `RTCPeerConnection.getStats()`, boiled down to a few numbers and an
//! estimated MOS.
//!
//! Read: `inbound-rtp` (what we receive), `outbound-rtp` (what we send), `remote-inbound-rtp`
//! (the far end's RTCP view of our stream: round-trip time), the selected `candidate-pair`
//! (STUN round-trip time, known before RTCP is), `codec` and `media-source` (microphone level);
//! see the W3C "Identifiers for WebRTC's Statistics API". The reading is written against
//! [`Stat`] so it runs natively in tests; [`JsStat`] is the browser's report entry.

use js_sys::Reflect;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// One snapshot of the audio stream's quality (`call.getStats()`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallStats {
    /// Codec of the received (else sent) audio, as the MIME subtype: `opus`, `PCMU`, ….
    pub codec: Option<String>,
    /// Round-trip time in ms: RTCP's when known, else the ICE candidate pair's.
    pub rtt: Option<f64>,
    /// Interarrival jitter of the received audio in ms (RFC 3550 §6.4.1).
    pub jitter: Option<f64>,
    /// Packets lost on the way to us (negative with duplicates, RFC 3550 §6.4.1).
    pub packets_lost: f64,
    pub packets_received: f64,
    pub packets_sent: f64,
    /// RTP payload bytes.
    pub bytes_received: f64,
    pub bytes_sent: f64,
    /// Level of the received audio, 0..=1.
    pub audio_level: Option<f64>,
    /// Level of our microphone, 0..=1 (for a level meter).
    pub local_audio_level: Option<f64>,
    /// Estimated mean opinion score, 1..=4.5, once audio has been received ([`estimate_mos`]).
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
pub fn loss_fraction(packets_lost: f64, packets_received: f64) -> f64 {
    let lost = packets_lost.max(0.0);
    let expected = lost + packets_received.max(0.0);
    if expected > 0.0 {
        lost / expected
    } else {
        0.0
    }
}

/// One entry of a stats report.
pub trait Stat {
    fn number(&self, key: &str) -> Option<f64>;
    fn text(&self, key: &str) -> Option<String>;
    fn flag(&self, key: &str) -> Option<bool>;
}

/// A report entry as the browser gives it (a plain object).
pub struct JsStat(pub JsValue);

impl JsStat {
    fn field(&self, key: &str) -> JsValue {
        Reflect::get(&self.0, &key.into()).unwrap_or(JsValue::UNDEFINED)
    }
}

impl Stat for JsStat {
    fn number(&self, key: &str) -> Option<f64> {
        self.field(key).as_f64()
    }
    fn text(&self, key: &str) -> Option<String> {
        self.field(key).as_string()
    }
    fn flag(&self, key: &str) -> Option<bool> {
        self.field(key).as_bool()
    }
}

/// Reads a browser `RTCStatsReport` (the resolved value of `getStats()`).
pub fn from_report(report: &JsValue) -> CallStats {
    let report: &js_sys::Map = report.unchecked_ref();
    let entries = report.values().into_iter().flatten().map(JsStat);
    summarize(entries, |id| {
        let stat = report.get(&id.into());
        (!stat.is_undefined()).then_some(JsStat(stat))
    })
}

/// A non-negative whole counter (a browser may omit it).
fn count(stat: &impl Stat, key: &str) -> f64 {
    stat.number(key).unwrap_or(0.0).max(0.0).trunc()
}

fn is_audio(stat: &impl Stat) -> bool {
    // `kind` is the current name; `mediaType` the older one still seen in the wild.
    stat.text("kind")
        .or_else(|| stat.text("mediaType"))
        .as_deref()
        == Some("audio")
}

/// Boils the report entries down to [`CallStats`]; `lookup` finds an entry by id (the codec,
/// the selected candidate pair). Missing fields stay `None`/0: a browser may not report all.
pub fn summarize<S: Stat>(
    entries: impl Iterator<Item = S>,
    lookup: impl Fn(&str) -> Option<S>,
) -> CallStats {
    let mut stats = CallStats::default();
    let (mut codec_id, mut pair_id, mut rtcp_rtt, mut nominated_rtt) = (None, None, None, None);
    for stat in entries {
        let audio = is_audio(&stat);
        match stat.text("type").as_deref() {
            Some("inbound-rtp") if audio => {
                stats.packets_received = count(&stat, "packetsReceived");
                stats.packets_lost = stat.number("packetsLost").unwrap_or(0.0).trunc();
                stats.bytes_received = count(&stat, "bytesReceived");
                stats.jitter = stat.number("jitter").map(|s| s * 1000.0);
                stats.audio_level = stat.number("audioLevel");
                // The received codec wins over the sent one.
                codec_id = stat.text("codecId").or(codec_id);
            }
            Some("outbound-rtp") if audio => {
                stats.packets_sent = count(&stat, "packetsSent");
                stats.bytes_sent = count(&stat, "bytesSent");
                codec_id = codec_id.or_else(|| stat.text("codecId"));
            }
            Some("remote-inbound-rtp") if audio => {
                rtcp_rtt = stat.number("roundTripTime").map(|s| s * 1000.0);
            }
            Some("media-source") if audio => stats.local_audio_level = stat.number("audioLevel"),
            Some("transport") => pair_id = stat.text("selectedCandidatePairId"),
            // The fallback for browsers without `selectedCandidatePairId`.
            Some("candidate-pair") if stat.flag("nominated") == Some(true) => {
                nominated_rtt = stat.number("currentRoundTripTime").or(nominated_rtt);
            }
            _ => {}
        }
    }
    stats.codec = codec_id
        .and_then(|id| lookup(&id))
        .and_then(|codec| codec.text("mimeType"))
        // "audio/opus" → "opus"
        .map(|mime| match mime.split_once('/') {
            Some((_, subtype)) => subtype.to_owned(),
            None => mime,
        });
    let pair_rtt = pair_id
        .and_then(|id| lookup(&id))
        .and_then(|pair| pair.number("currentRoundTripTime"))
        .or(nominated_rtt)
        .map(|s| s * 1000.0);
    stats.rtt = rtcp_rtt.or(pair_rtt);
    if stats.packets_received > 0.0 {
        let loss = loss_fraction(stats.packets_lost, stats.packets_received);
        let rtt = stats.rtt.unwrap_or(0.0);
        stats.mos = Some(estimate_mos(rtt, stats.jitter.unwrap_or(0.0), loss));
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Clone, Default)]
    struct Fake(HashMap<&'static str, &'static str>);

    impl Stat for Fake {
        fn number(&self, key: &str) -> Option<f64> {
            self.0.get(key)?.parse().ok()
        }
        fn text(&self, key: &str) -> Option<String> {
            self.0.get(key).map(|v| v.to_string())
        }
        fn flag(&self, key: &str) -> Option<bool> {
            self.0.get(key)?.parse().ok()
        }
    }

    fn stat(fields: &[(&'static str, &'static str)]) -> Fake {
        Fake(fields.iter().copied().collect())
    }

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
        assert_eq!(loss_fraction(0.0, 0.0), 0.0);
        assert_eq!(loss_fraction(5.0, 95.0), 0.05);
        assert_eq!(loss_fraction(-3.0, 100.0), 0.0);
    }

    #[test]
    fn summarizes_a_report_like_chromiums() {
        let entries = vec![
            stat(&[
                ("type", "inbound-rtp"),
                ("kind", "audio"),
                ("packetsReceived", "500"),
                ("packetsLost", "5"),
                ("bytesReceived", "40000"),
                ("jitter", "0.004"),
                ("audioLevel", "0.25"),
                ("codecId", "C1"),
            ]),
            stat(&[
                ("type", "outbound-rtp"),
                ("kind", "audio"),
                ("packetsSent", "498"),
                ("bytesSent", "39000"),
                ("codecId", "C2"),
            ]),
            stat(&[
                ("type", "media-source"),
                ("kind", "audio"),
                ("audioLevel", "0.5"),
            ]),
            stat(&[("type", "transport"), ("selectedCandidatePairId", "P1")]),
            stat(&[
                ("type", "inbound-rtp"),
                ("kind", "video"),
                ("packetsReceived", "9"),
            ]),
        ];
        let by_id = |id: &str| match id {
            "C1" => Some(stat(&[("type", "codec"), ("mimeType", "audio/opus")])),
            "P1" => Some(stat(&[
                ("type", "candidate-pair"),
                ("currentRoundTripTime", "0.02"),
            ])),
            _ => None,
        };
        let s = summarize(entries.into_iter(), by_id);
        assert_eq!(s.codec.as_deref(), Some("opus"));
        assert_eq!(s.packets_received, 500.0);
        assert_eq!(s.packets_lost, 5.0);
        assert_eq!(s.packets_sent, 498.0);
        assert_eq!(s.bytes_sent, 39000.0);
        assert_eq!(s.rtt, Some(20.0));
        assert_eq!(s.jitter, Some(4.0));
        assert_eq!(s.local_audio_level, Some(0.5));
        let mos = s.mos.unwrap();
        assert!((1.0..=4.5).contains(&mos) && mos < estimate_mos(20.0, 4.0, 0.0));
    }

    #[test]
    fn rtcp_rtt_wins_and_nothing_received_means_no_mos() {
        let entries = vec![
            stat(&[
                ("type", "remote-inbound-rtp"),
                ("mediaType", "audio"),
                ("roundTripTime", "0.05"),
            ]),
            stat(&[
                ("type", "candidate-pair"),
                ("nominated", "true"),
                ("currentRoundTripTime", "0.01"),
            ]),
        ];
        let s = summarize(entries.into_iter(), |_| None);
        assert_eq!(s.rtt, Some(50.0));
        assert_eq!(s.mos, None);
        assert_eq!(s.codec, None);
        let only_pair = vec![stat(&[
            ("type", "candidate-pair"),
            ("nominated", "true"),
            ("currentRoundTripTime", "0.01"),
        ])];
        assert_eq!(summarize(only_pair.into_iter(), |_| None).rtt, Some(10.0));
    }
}
