//! Media before signalling: the microphone and the offer before the INVITE, the answer before
//! the 200, and the new call a transfer asks for.

use std::rc::Rc;

use bwclient_sip::{HeaderName, Uri};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;

use super::{media_error, CallInner};
use crate::call::Call;
use crate::errors::{error, Code};
use crate::log;
use crate::media::Media;
use crate::options::Trickle;

impl CallInner {
    /// Creates this call's peer connection with the microphone attached.
    async fn open_media(&self) -> Result<Rc<Media>, JsValue> {
        let o = &self.options;
        let me = self.me.clone();
        let on_event = move |event| {
            if let Some(call) = me.upgrade() {
                call.on_media(event);
            }
        };
        let media = Media::new(&o.ice_servers, o.ice_gathering_timeout_ms, on_event)
            .map_err(|e| media_error("could not create the peer connection", &e))?;
        let media = Rc::new(media);
        if let Some(element) = self.audio_element.borrow().clone() {
            media.set_remote_audio_element(element);
        }
        if let Err(e) = media.acquire_microphone(o.microphone_id.as_deref()).await {
            media.close();
            return Err(media_error("could not open the microphone", &e));
        }
        media.mute(self.muted.get());
        if let Some(speaker) = o.speaker_id.as_deref() {
            if let Err(e) = media.set_sink_id(speaker).await {
                log::warn_value("could not select the speaker", &e);
            }
        }
        *self.media.borrow_mut() = Some(media.clone());
        Ok(media)
    }

    /// The offer for a call of ours: at once for full trickle (RFC 8840 §5.1), else once the
    /// first candidates are in.
    async fn offer(&self) -> Result<String, JsValue> {
        let media = self.open_media().await?;
        let offer = if self.options.trickle == Trickle::Full {
            media.create_offer_now().await
        } else {
            media.create_offer().await
        };
        offer.map_err(|e| media_error("createOffer failed", &e))
    }

    /// Prepares media, then sends the INVITE to `target` with the phone's and this call's
    /// extra headers.
    pub fn start_outgoing(self: &Rc<Self>, target: Uri, headers: Vec<(HeaderName, String)>) {
        let call = self.clone();
        spawn_local(async move {
            let offer = call.offer().await;
            if call.hangup_requested.get() {
                return call.finish("cancelled", None, false);
            }
            let Ok(offer) = offer else {
                return call.finish("media_failed", None, true);
            };
            call.trickle.borrow_mut().signalled(&offer);
            let sent = call.phone.command(|ua, now| {
                // The handle is known before the phone dispatches the call's first events.
                let handle = ua.invite(now, target, Some(offer), &headers)?;
                call.handle.set(Some(handle));
                Ok(())
            });
            match sent {
                Ok(()) => drop(call.emitter.emit0("connecting")),
                Err(e) => {
                    log::warn_value("INVITE not sent", &e);
                    call.finish("transport_failed", None, true);
                }
            }
        });
    }

    /// `answer()`: media, then the 200 with our answer (or our offer, for an INVITE without
    /// one, RFC 3261 §13.2.1).
    pub fn answer(self: &Rc<Self>) -> Result<(), JsValue> {
        if !self.is_ringing_in() {
            let why = "only an unanswered incoming call can be answered";
            return Err(error(Code::InvalidState, why));
        }
        self.answering.set(true);
        self.phone.answering();
        let call = self.clone();
        spawn_local(async move {
            let answer = match call.open_media().await {
                Ok(media) => match call.remote_offer.as_deref() {
                    Some(offer) => media.create_answer(offer).await,
                    None => media.create_offer().await,
                },
                Err(e) => Err(e),
            };
            if call.ended() {
                return call.close_media();
            }
            let Some(handle) = call.handle.get() else {
                return;
            };
            let done = match answer {
                Ok(sdp) => {
                    call.trickle.borrow_mut().signalled(&sdp);
                    call.add_remote_candidates();
                    call.phone.command(|ua, now| ua.accept(now, handle, &sdp))
                }
                Err(e) => {
                    log::warn_value("could not answer: media failed", &e);
                    call.phone.command(|ua, now| ua.reject(now, handle, 488))
                }
            };
            if let Err(e) = done {
                log::warn_value("could not answer", &e);
            }
        });
        Ok(())
    }

    /// The peer asked us to call someone else (REFER, RFC 3515): place that call and report
    /// it with `transferred`. If its media cannot be had, no INVITE goes out and the peer is
    /// told the transfer was declined (RFC 3515 §2.4.5).
    pub(super) fn accept_transfer(self: &Rc<Self>, target: Uri) {
        let Some(handle) = self.handle.get() else {
            return;
        };
        let new_call = CallInner::outgoing(self.phone.clone(), self.options.clone(), target);
        let call = self.clone();
        spawn_local(async move {
            let offer = match new_call.offer().await {
                Ok(offer) => offer,
                Err(e) => {
                    log::warn_value("transfer declined: no media for the new call", &e);
                    if let Err(e) = call
                        .phone
                        .command(|ua, now| ua.decline_transfer(now, handle))
                    {
                        log::warn_value("could not decline the transfer", &e);
                    }
                    return;
                }
            };
            new_call.trickle.borrow_mut().signalled(&offer);
            let placed = call.phone.command(|ua, now| {
                let placed = ua.accept_transfer(now, handle, Some(offer))?;
                new_call.handle.set(Some(placed));
                call.phone.adopt(new_call.clone());
                Ok(())
            });
            match placed {
                Ok(()) => {
                    let target = new_call.remote.to_text();
                    let info = to_transferred(&target, Call::wrap(new_call));
                    call.emitter.emit("transferred", &info);
                }
                Err(e) => {
                    new_call.close_media();
                    log::warn_value("transfer not placed", &e);
                }
            }
        });
    }
}

/// `{target, call}` of `transferred` (a `Call` is no plain data, so no serde here).
fn to_transferred(target: &str, call: Call) -> JsValue {
    let info = js_sys::Object::new();
    // Setting properties on a fresh object cannot fail.
    let _ = js_sys::Reflect::set(&info, &"target".into(), &target.into());
    let _ = js_sys::Reflect::set(&info, &"call".into(), &call.into());
    info.into()
}
