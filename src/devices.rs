//! Microphones and speakers: `getUserMedia` and `enumerateDevices`.
//!
//! Browsers hide device labels until the page has microphone permission, so listing devices
//! asks for the microphone first when the labels are blank (the permission prompt), then
//! releases it at once.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaDeviceInfo, MediaDeviceKind, MediaDevices, MediaStream, MediaStreamTrack};

/// An audio input or output device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioDevice {
    /// The `deviceId`, to pass back as a microphone or speaker id.
    pub id: String,
    /// The human-readable label.
    pub name: String,
}

fn key(name: &str) -> JsValue {
    JsValue::from_str(name)
}

/// `navigator.mediaDevices`, which only exists in a secure context (https or localhost).
fn media_devices() -> Result<MediaDevices, JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &key("navigator"))?;
    let devices = if navigator.is_object() {
        Reflect::get(&navigator, &key("mediaDevices"))?
    } else {
        JsValue::UNDEFINED
    };
    if devices.is_object() {
        Ok(devices.unchecked_into())
    } else {
        Err(JsValue::from_str(
            "navigator.mediaDevices is unavailable (needs https or localhost)",
        ))
    }
}

/// Opens the microphone: `getUserMedia({audio: true})`, or with
/// `{audio: {deviceId: {exact: id}}}` for a given device, so a missing device is an error
/// rather than a silent switch to another one.
pub async fn open_microphone(device_id: Option<&str>) -> Result<MediaStream, JsValue> {
    let audio: JsValue = match device_id {
        Some(id) => {
            let exact = Object::new();
            Reflect::set(&exact, &key("exact"), &JsValue::from_str(id))?;
            let audio = Object::new();
            Reflect::set(&audio, &key("deviceId"), &exact)?;
            audio.into()
        }
        None => JsValue::TRUE,
    };
    let constraints = Object::new();
    Reflect::set(&constraints, &key("audio"), &audio)?;
    let promise = media_devices()?.get_user_media_with_constraints(constraints.unchecked_ref())?;
    Ok(JsFuture::from(promise).await?.unchecked_into())
}

/// The first audio track of `stream`.
pub fn audio_track(stream: &MediaStream) -> Option<MediaStreamTrack> {
    stream.get_audio_tracks().get(0).dyn_into().ok()
}

/// Stops every track of `stream`, turning the capture (and the browser's indicator) off.
pub fn stop_stream(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

async fn enumerate(kind: MediaDeviceKind) -> Result<Vec<AudioDevice>, JsValue> {
    let devices = media_devices()?;
    let mut found = list(&JsFuture::from(devices.enumerate_devices()?).await?, kind);
    if found.iter().any(|device| device.name.is_empty()) {
        // Labels are withheld until permission is granted: ask, release, list again.
        let stream = open_microphone(None).await?;
        stop_stream(&stream);
        found = list(&JsFuture::from(devices.enumerate_devices()?).await?, kind);
    }
    Ok(found)
}

fn list(devices: &JsValue, kind: MediaDeviceKind) -> Vec<AudioDevice> {
    let mut found = Vec::new();
    for device in Array::from(devices).iter() {
        let Ok(device) = device.dyn_into::<MediaDeviceInfo>() else {
            continue;
        };
        if device.kind() == kind {
            found.push(AudioDevice {
                id: device.device_id(),
                name: device.label(),
            });
        }
    }
    found
}

/// The microphones, after the permission prompt if labels were hidden (`getMicrophones()`).
pub async fn microphones() -> Result<Vec<AudioDevice>, JsValue> {
    enumerate(MediaDeviceKind::Audioinput).await
}

/// The speakers (`getSpeakers()`); empty where the browser does not list outputs.
pub async fn speakers() -> Result<Vec<AudioDevice>, JsValue> {
    enumerate(MediaDeviceKind::Audiooutput).await
}

/// `[{id, name}, …]` for the JS API.
pub fn to_js(devices: &[AudioDevice]) -> Array {
    let array = Array::new();
    for device in devices {
        let entry = Object::new();
        // Setting a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&entry, &key("id"), &JsValue::from_str(&device.id));
        let _ = Reflect::set(&entry, &key("name"), &JsValue::from_str(&device.name));
        array.push(&entry);
    }
    array
}
