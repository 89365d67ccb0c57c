//! TEMPORARY size probe: exercises the whole platform layer from JS. Deleted after measuring.
use crate::emitter::Emitter;
use crate::media::{Media, MediaEvent};
use crate::reconnect::ReconnectPolicy;
use crate::timer::{now_ms, sleep, Timer};
use crate::tones::{Tone, Tones};
use crate::transport::Transport;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub async fn probe_call(ice_servers: JsValue, emitter_fn: js_sys::Function) -> Result<JsValue, JsValue> {
    let emitter = Emitter::new();
    emitter.on("event", emitter_fn);
    let em = emitter.clone();
    let a = Media::new(&ice_servers, 500, move |e| {
        if let MediaEvent::DtmfTone(t) = e { em.emit("event", &[JsValue::from_str(&t)]); }
    })?;
    let b = Media::new(&ice_servers, 500, |_| {})?;
    a.acquire_microphone(None).await?;
    b.acquire_microphone(None).await?;
    let t0 = now_ms();
    let offer = a.create_offer().await?;
    let t_offer = now_ms() - t0;
    let answer = b.create_answer(&offer).await?;
    a.set_remote_answer(&answer).await?;
    let start = now_ms();
    loop {
        let s = a.get_stats().await?;
        if s.packets_received > 0 && s.mos.is_some() {
            break;
        }
        if now_ms() - start > 10_000.0 { return Err(JsValue::from_str("no audio")); }
        sleep(50).await;
    }
    let hold = a.hold().await?;
    let ans = b.create_answer(&hold).await?;
    a.set_remote_answer(&ans).await?;
    let unhold = a.unhold().await?;
    let ans = b.create_answer(&unhold).await?;
    a.set_remote_answer(&ans).await?;
    a.mute(true);
    a.mute(false);
    a.insert_dtmf("1#", 100, 70)?;
    sleep(600).await;
    let _ = a.set_sink_id("").await;
    let s = a.get_stats().await?;
    let mut tones = Tones::new();
    tones.start(Tone::Ringback)?;
    tones.stop();
    let mics = crate::devices::microphones().await?;
    let mut out = String::from("offer_ms=");
    out.push_str(&t_offer.to_string());
    out.push_str(" candidates=");
    out.push_str(&crate::ice::candidates(&offer).count().to_string());
    out.push_str(" rx=");
    out.push_str(&s.packets_received.to_string());
    out.push_str(" mos=");
    out.push_str(&s.mos.unwrap_or(0.0).to_string());
    out.push_str(" codec=");
    out.push_str(s.codec.as_deref().unwrap_or("-"));
    out.push_str(" mics=");
    out.push_str(&mics.len().to_string());
    out.push_str(" sendonly=");
    out.push_str(if hold.contains("a=sendonly") { "yes" } else { "no" });
    a.close();
    Ok(JsValue::from_str(&out))
}

#[wasm_bindgen]
pub fn probe_transport(url: &str, f: js_sys::Function) -> Result<JsValue, JsValue> {
    let keep: Rc<RefCell<Option<Transport>>> = Rc::new(RefCell::new(None));
    let t = Transport::connect(url, move |e| {
        let _ = f.call1(&JsValue::NULL, &JsValue::from_str(match e {
            crate::transport::TransportEvent::Open => "open",
            crate::transport::TransportEvent::Message(_) => "message",
            crate::transport::TransportEvent::Close { .. } => "close",
            crate::transport::TransportEvent::Error => "error",
        }));
    })?;
    let _ = t.send("x");
    *keep.borrow_mut() = Some(t);
    let mut timer = Timer::new();
    let k = keep.clone();
    timer.set(ReconnectPolicy::default().next_delay(0, js_sys::Math::random()) * 4, move || { k.borrow_mut().take(); });
    std::mem::forget(timer); // probe only
    Ok(JsValue::from_f64(now_ms()))
}
