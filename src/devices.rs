//! Microphones and speakers: `getUserMedia` and `enumerateDevices`.
//!
//! Browsers hide device labels until the page has microphone permission, so listing devices
//! asks for the microphone first when the labels are blank (the permission prompt), then
//! releases it at once.

use crate::payloads::AudioDevice;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaDeviceInfo, MediaDeviceKind, MediaDevices, MediaStream, MediaStreamTrack};

/// `navigator.mediaDevices`, which exists only in a secure context (https or localhost).
fn media_devices() -> Result<MediaDevices, JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into())?;
    let devices = Reflect::get(&navigator, &"mediaDevices".into()).unwrap_or_default();
    if devices.is_object() {
        Ok(devices.unchecked_into())
    } else {
        Err(
            js_sys::Error::new("navigator.mediaDevices is unavailable (needs https or localhost)")
                .into(),
        )
    }
}

/// Opens the microphone: `getUserMedia({audio: true})`, or `{audio: {deviceId: {exact: id}}}`
/// for a given device, so a missing device is an error rather than a silent switch to another.
pub async fn open_microphone(device_id: Option<&str>) -> Result<MediaStream, JsValue> {
    let audio: JsValue = match device_id {
        Some(id) => {
            let exact = Object::new();
            Reflect::set(&exact, &"exact".into(), &id.into())?;
            let audio = Object::new();
            Reflect::set(&audio, &"deviceId".into(), &exact)?;
            audio.into()
        }
        None => JsValue::TRUE,
    };
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_audio(&audio);
    let promise = media_devices()?.get_user_media_with_constraints(&constraints)?;
    Ok(JsFuture::from(promise).await?.unchecked_into())
}

/// The first audio track of `stream`.
pub fn audio_track(stream: &MediaStream) -> Option<MediaStreamTrack> {
    let track = stream.get_audio_tracks().get(0);
    (!track.is_undefined()).then(|| track.unchecked_into())
}

/// Stops every track of `stream`: the capture (and the browser's indicator) goes off.
pub fn stop_stream(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        track.unchecked_into::<MediaStreamTrack>().stop();
    }
}

async fn list(kind: MediaDeviceKind) -> Result<Vec<AudioDevice>, JsValue> {
    let devices = media_devices()?;
    let read = |all: JsValue| -> Vec<AudioDevice> {
        Array::from(&all)
            .iter()
            .map(JsCast::unchecked_into::<MediaDeviceInfo>)
            .filter(|d| d.kind() == kind)
            .map(|d| AudioDevice {
                id: d.device_id(),
                name: d.label(),
            })
            .collect()
    };
    let mut found = read(JsFuture::from(devices.enumerate_devices()?).await?);
    if found.iter().any(|device| device.name.is_empty()) {
        // Labels are withheld until permission is granted: ask, release, list again.
        stop_stream(&open_microphone(None).await?);
        found = read(JsFuture::from(devices.enumerate_devices()?).await?);
    }
    Ok(found)
}

/// The microphones, after the permission prompt if labels were hidden (`getMicrophones()`).
pub async fn microphones() -> Result<Vec<AudioDevice>, JsValue> {
    list(MediaDeviceKind::Audioinput).await
}

/// The speakers (`getSpeakers()`); empty where the browser does not list outputs.
pub async fn speakers() -> Result<Vec<AudioDevice>, JsValue> {
    list(MediaDeviceKind::Audiooutput).await
}
