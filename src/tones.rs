//! Ringback and ringtone, synthesised with WebAudio oscillators (no audio asset to download).
//!
//! Two sine oscillators summed into one gain node; the cadence is written ahead as gain
//! automation on the audio clock (`setValueAtTime`), so no JS timer runs while a tone plays and
//! the rhythm stays exact even when the page's main thread is busy. The automation covers
//! [`HORIZON_MS`] (longer than any INVITE may ring: Timer C is 3 minutes, RFC 3261 §16.6); past
//! it the tone falls silent.
//!
//! Autoplay: an `AudioContext` created before the user touched the page starts `suspended`.
//! That is not an error here: the tone is scheduled anyway, `resume()` is requested, and the
//! tone becomes audible once the browser lets the context run.

use crate::log;
use wasm_bindgen::JsValue;
use web_sys::{AudioContext, AudioContextState, GainNode, HtmlAudioElement, OscillatorNode};

/// How far ahead a tone's cadence is scheduled, in ms.
pub const HORIZON_MS: u32 = 180_000;

/// Peak gain of each oscillator: two summed stay well below clipping and below speech level.
const LEVEL: f32 = 0.12;

/// Which tone to play.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Played to the caller while the far end rings: the North American audible ringing tone,
    /// 440 + 480 Hz, 2 s on, 4 s off (ITU-T E.180 Supplement 2, United States).
    Ringback,
    /// Played for an incoming call: a double ring, 400 + 450 Hz, 0.4 s on, 0.2 s off,
    /// 0.4 s on, 2 s off, distinct from the ringback so a user can tell them apart.
    Ringtone,
}

impl Tone {
    /// The two frequencies, in Hz.
    pub fn frequencies(self) -> [f32; 2] {
        match self {
            Tone::Ringback => [440.0, 480.0],
            Tone::Ringtone => [400.0, 450.0],
        }
    }

    /// One period of the cadence as alternating on/off durations in ms, starting with on.
    pub fn cadence(self) -> &'static [u32] {
        match self {
            Tone::Ringback => &[2000, 4000],
            Tone::Ringtone => &[400, 200, 400, 2000],
        }
    }

    /// The gain changes for the first `horizon_ms`: `(offset in seconds, on)`, starting with
    /// on at 0 and ending with off.
    pub fn steps(self, horizon_ms: u32) -> Vec<(f64, bool)> {
        let mut steps = Vec::new();
        let mut at: u32 = 0;
        'periods: loop {
            for (index, duration) in self.cadence().iter().enumerate() {
                if at >= horizon_ms {
                    break 'periods;
                }
                steps.push((f64::from(at) / 1000.0, index % 2 == 0));
                at = at.saturating_add(*duration);
            }
        }
        if steps.last().is_some_and(|(_, on)| *on) {
            steps.push((f64::from(at) / 1000.0, false));
        }
        steps
    }
}

/// What makes the sound of the tone playing.
enum Sound {
    /// The two oscillators and their gain node.
    Synthesised(Vec<OscillatorNode>, GainNode),
    /// A looped sound file (the legacy `incomingRingUrl`).
    File(HtmlAudioElement),
}

struct Playing {
    tone: Tone,
    sound: Sound,
}

/// Plays at most one tone at a time; owns its `AudioContext`, created on first use.
#[derive(Default)]
pub struct Tones {
    context: Option<AudioContext>,
    playing: Option<Playing>,
    /// A sound file to loop for the ringtone instead of synthesising it.
    ringtone_url: Option<String>,
}

impl Tones {
    /// No audio resources are taken until the first `start`.
    pub fn new() -> Tones {
        Tones::default()
    }

    /// Tones whose ringtone is the sound at `url`, looped (the legacy `incomingRingUrl`);
    /// the ringback is still synthesised.
    pub fn with_ringtone_url(url: Option<String>) -> Tones {
        Tones {
            context: None,
            playing: None,
            ringtone_url: url,
        }
    }

    fn context(&mut self) -> Result<AudioContext, JsValue> {
        if let Some(context) = &self.context {
            return Ok(context.clone());
        }
        let context = AudioContext::new()?;
        self.context = Some(context.clone());
        Ok(context)
    }

    /// Starts `tone`, replacing any other; starting the tone already playing does nothing.
    /// Fails only when WebAudio itself is missing or broken, never because of autoplay.
    pub fn start(&mut self, tone: Tone) -> Result<(), JsValue> {
        if self.playing() == Some(tone) {
            return Ok(());
        }
        self.stop();
        if let (Tone::Ringtone, Some(url)) = (tone, self.ringtone_url.as_deref()) {
            let element = HtmlAudioElement::new_with_src(url)?;
            element.set_loop(true);
            // Autoplay may refuse until the user interacts: a warning, not a failure.
            log::warn_on_rejection(element.play()?, "ringtone not playing");
            let sound = Sound::File(element);
            self.playing = Some(Playing { tone, sound });
            return Ok(());
        }
        let context = self.context()?;
        if context.state() == AudioContextState::Suspended {
            log::log("audio is suspended until the user interacts with the page");
            if let Ok(promise) = context.resume() {
                log::warn_on_rejection(promise, "could not resume audio");
            }
        }
        let gain = context.create_gain()?;
        let level = gain.gain();
        level.set_value(0.0);
        let start = context.current_time();
        for (offset, on) in tone.steps(HORIZON_MS) {
            level.set_value_at_time(if on { LEVEL } else { 0.0 }, start + offset)?;
        }
        gain.connect_with_audio_node(&context.destination())?;
        let mut oscillators = Vec::with_capacity(2);
        for frequency in tone.frequencies() {
            let oscillator = context.create_oscillator()?;
            oscillator.frequency().set_value(frequency);
            oscillator.connect_with_audio_node(&gain)?;
            oscillator.start()?;
            oscillators.push(oscillator);
        }
        let sound = Sound::Synthesised(oscillators, gain);
        self.playing = Some(Playing { tone, sound });
        Ok(())
    }

    /// Stops the tone, if any. Idempotent.
    pub fn stop(&mut self) {
        match self.playing.take().map(|playing| playing.sound) {
            Some(Sound::Synthesised(oscillators, gain)) => {
                for oscillator in &oscillators {
                    // Both only throw for a node that was never started or is already gone.
                    let _ = oscillator.stop();
                    let _ = oscillator.disconnect();
                }
                let _ = gain.disconnect();
            }
            Some(Sound::File(element)) => {
                // pause() never throws.
                let _ = element.pause();
            }
            None => {}
        }
    }

    /// The tone playing (scheduled), if any.
    pub fn playing(&self) -> Option<Tone> {
        self.playing.as_ref().map(|playing| playing.tone)
    }

    /// Whether the browser holds the audio back (autoplay policy) right now.
    pub fn is_suspended(&self) -> bool {
        self.context
            .as_ref()
            .is_some_and(|context| context.state() != AudioContextState::Running)
    }
}

impl Drop for Tones {
    fn drop(&mut self) {
        self.stop();
        if let Some(context) = self.context.take() {
            if let Ok(promise) = context.close() {
                log::warn_on_rejection(promise, "could not close audio");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ringback_is_two_seconds_on_four_off() {
        let steps = Tone::Ringback.steps(12_000);
        assert_eq!(
            steps,
            [(0.0, true), (2.0, false), (6.0, true), (8.0, false)]
        );
        assert_eq!(Tone::Ringback.frequencies(), [440.0, 480.0]);
    }

    #[test]
    fn ringtone_is_a_double_ring() {
        let steps = Tone::Ringtone.steps(3000);
        assert_eq!(
            steps,
            [(0.0, true), (0.4, false), (0.6, true), (1.0, false)]
        );
    }

    #[test]
    fn the_schedule_covers_the_horizon_and_ends_silent() {
        let steps = Tone::Ringback.steps(HORIZON_MS);
        // 180 s of 6 s periods, two changes each.
        assert_eq!(steps.len(), 60);
        assert_eq!(steps.last(), Some(&(176.0, false)));
        // A horizon inside an "on" still ends with "off".
        assert_eq!(Tone::Ringback.steps(1000), [(0.0, true), (2.0, false)]);
        assert!(Tone::Ringtone.steps(0).is_empty());
    }
}
