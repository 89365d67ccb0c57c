//! `Media` in real headless Chromium: two peer connections in one page, fake microphones.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_media`
#![cfg(target_arch = "wasm32")]

mod common;

use bwclient::ice;
use bwclient::media::MediaEvent;
use bwclient::stats::MediaStats;
use common::{connected_pair, has_attribute, wait_until, Peer};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{HtmlAudioElement, HtmlMediaElement, MediaStreamTrackState, RtcPeerConnectionState};

wasm_bindgen_test_configure!(run_in_browser);

/// Polls `getStats` until audio has been both sent and received (the counters appear in the
/// report a little after the first packets).
async fn stats_with_audio(peer: &Peer) -> MediaStats {
    let start = bwclient::timer::now_ms();
    loop {
        let stats = peer.media.get_stats().await.expect("getStats");
        if stats.packets_received > 0 && stats.packets_sent > 0 && stats.mos.is_some() {
            return stats;
        }
        assert!(
            bwclient::timer::now_ms() - start < 10_000.0,
            "no inbound audio: {stats:?}"
        );
        bwclient::timer::sleep(50).await;
    }
}

#[wasm_bindgen_test]
async fn two_peers_connect_and_receive_each_others_audio() {
    let (a, b) = connected_pair().await;
    for peer in [&a, &b] {
        let stats = stats_with_audio(peer).await;
        assert!(stats.bytes_received > 0, "{stats:?}");
        assert_eq!(stats.codec.as_deref(), Some("opus"), "{stats:?}");
        // The ICE pair's round trip is known as soon as connectivity checks succeed.
        assert!(stats.rtt_ms.is_some_and(|rtt| rtt >= 0.0), "{stats:?}");
        assert!(stats.jitter_ms.is_some(), "{stats:?}");
        let mos = stats.mos.expect("mos");
        assert!((1.0..=4.5).contains(&mos), "{stats:?}");
        assert!(peer.saw(&MediaEvent::RemoteTrack));
        assert!(peer.saw(&MediaEvent::ConnectionState(
            RtcPeerConnectionState::Connected
        )));
        // Remote audio is attached to our own <audio> by default.
        let element = peer.media.remote_audio_element().expect("audio element");
        assert!(element.src_object().is_some());
    }
}

#[wasm_bindgen_test]
async fn the_offer_carries_candidates_before_gathering_completes() {
    let a = Peer::local();
    a.media.acquire_microphone(None).await.expect("microphone");
    let offer = a.media.create_offer().await.expect("offer");
    let candidates = ice::candidates(&offer).count();
    assert!(candidates >= 1, "no a=candidate in the offer:\n{offer}");
    // Resolved by the early-offer policy, not by the end of gathering.
    assert!(!a.saw(&MediaEvent::IceGatheringComplete));
    assert_ne!(
        a.media.ice_gathering_state(),
        web_sys::RtcIceGatheringState::Complete
    );
    // Gathering goes on, and what comes later is reported for trickle.
    wait_until("gathering complete", 10_000.0, || {
        a.saw(&MediaEvent::IceGatheringComplete)
    })
    .await;
    assert!(a.candidates().len() >= candidates);
    assert!(ice::candidates(&a.media.local_sdp()).count() >= candidates);
}

#[wasm_bindgen_test]
async fn the_answer_carries_candidates_too() {
    let (a, b) = (Peer::local(), Peer::local());
    a.media.acquire_microphone(None).await.expect("microphone");
    let offer = a.media.create_offer().await.expect("offer");
    b.media.acquire_microphone(None).await.expect("microphone");
    let answer = b.media.create_answer(&offer).await.expect("answer");
    assert!(
        ice::candidates(&answer).count() >= 1,
        "no a=candidate in the answer:\n{answer}"
    );
    assert!(has_attribute(&answer, "sendrecv"), "{answer}");
}

#[wasm_bindgen_test]
async fn an_unreachable_stun_server_delays_the_offer_no_longer_than_the_timeout() {
    // Nothing answers STUN on the discard port, so no srflx candidate ever comes: the offer
    // must still resolve (the timeout), with the host candidates found meanwhile.
    let server = Object::new();
    Reflect::set(&server, &"urls".into(), &"stun:127.0.0.1:9".into()).unwrap();
    let servers = Array::of1(&server);
    let a = Peer::new(&servers, 300);
    a.media.acquire_microphone(None).await.expect("microphone");
    let offer = a.media.create_offer().await.expect("offer");
    let types: Vec<&str> = ice::candidates(&offer)
        .filter_map(ice::candidate_type)
        .collect();
    assert!(types.contains(&"host"), "{offer}");
    assert!(!types.contains(&"srflx"), "{offer}");
}

#[wasm_bindgen_test]
async fn bad_ice_servers_are_rejected() {
    let result = bwclient::media::Media::new(&JsValue::from_str("stun:x"), 100, |_| {});
    assert!(result.is_err());
}

#[wasm_bindgen_test]
async fn hold_offers_sendonly_and_is_answered_recvonly() {
    let (a, b) = connected_pair().await;
    let offer = a.media.hold().await.expect("hold offer");
    assert!(has_attribute(&offer, "sendonly"), "{offer}");
    assert!(a.media.is_on_hold());
    // The held party must not hear us either.
    assert!(!a.media.microphone_track().unwrap().enabled());
    let answer = b.media.create_answer(&offer).await.expect("answer");
    assert!(has_attribute(&answer, "recvonly"), "{answer}");
    a.media.set_remote_answer(&answer).await.expect("apply");

    let offer = a.media.unhold().await.expect("unhold offer");
    assert!(has_attribute(&offer, "sendrecv"), "{offer}");
    let answer = b.media.create_answer(&offer).await.expect("answer");
    assert!(has_attribute(&answer, "sendrecv"), "{answer}");
    a.media.set_remote_answer(&answer).await.expect("apply");
    assert!(!a.media.is_on_hold());
    assert!(a.media.microphone_track().unwrap().enabled());
    assert!(a.is_connected() && b.is_connected());
}

#[wasm_bindgen_test]
async fn rollback_abandons_a_hold_offer() {
    let (a, _b) = connected_pair().await;
    a.media.hold().await.expect("hold offer");
    a.media.rollback().await.expect("rollback");
    assert!(!a.media.is_on_hold());
    assert!(a.media.microphone_track().unwrap().enabled());
    // Back in a stable state: a new offer can be made, and it is not on hold.
    let offer = a.media.create_offer().await.expect("offer");
    assert!(has_attribute(&offer, "sendrecv"), "{offer}");
}

#[wasm_bindgen_test]
async fn mute_disables_the_track_and_survives_a_device_switch() {
    let (a, _b) = connected_pair().await;
    let first = a.media.microphone_track().expect("track");
    assert!(first.enabled());
    a.media.mute(true);
    assert!(a.media.is_muted());
    assert!(!first.enabled());

    let microphones = bwclient::devices::microphones().await.expect("devices");
    let other = microphones.last().expect("a fake microphone");
    a.media.replace_microphone(&other.id).await.expect("switch");
    let second = a.media.microphone_track().expect("new track");
    assert_ne!(second.id(), first.id());
    assert!(!second.enabled(), "mute must carry over");
    assert_eq!(first.ready_state(), MediaStreamTrackState::Ended);

    a.media.mute(false);
    assert!(second.enabled());
}

#[wasm_bindgen_test]
async fn dtmf_digits_are_played_by_the_sender() {
    let (a, _b) = connected_pair().await;
    a.media.insert_dtmf("12#", 100, 70).expect("insertDTMF");
    wait_until("the last tone", 10_000.0, || {
        a.saw(&MediaEvent::DtmfTone(String::new()))
    })
    .await;
    let tones: Vec<String> = a
        .events
        .borrow()
        .iter()
        .filter_map(|event| match event {
            MediaEvent::DtmfTone(tone) => Some(tone.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(tones, ["1", "2", "#", ""]);
    assert!(a.media.insert_dtmf("x", 100, 70).is_err());
}

#[wasm_bindgen_test]
async fn trickled_candidates_alone_connect_the_call() {
    let (a, b) = (Peer::local(), Peer::local());
    a.media.acquire_microphone(None).await.expect("microphone");
    b.media.acquire_microphone(None).await.expect("microphone");
    let strip = |sdp: &str| -> String {
        sdp.split_inclusive('\n')
            .filter(|line| !line.starts_with("a=candidate"))
            .collect()
    };
    let offer = strip(&a.media.create_offer().await.expect("offer"));
    let answer = strip(&b.media.create_answer(&offer).await.expect("answer"));
    assert_eq!(ice::candidates(&answer).count(), 0);
    a.media.set_remote_answer(&answer).await.expect("apply");
    // Neither side knows an address of the other until the candidates are trickled.
    let (mut sent_ab, mut sent_ba) = (0, 0);
    let start = bwclient::timer::now_ms();
    while !(a.is_connected() && b.is_connected()) {
        for (from, to, sent) in [(&a, &b, &mut sent_ab), (&b, &a, &mut sent_ba)] {
            let candidates = from.candidates();
            for (candidate, mid, index) in &candidates[*sent..] {
                to.media
                    .add_remote_candidate(candidate, mid.as_deref(), *index)
                    .await
                    .expect("addIceCandidate");
            }
            *sent = candidates.len();
        }
        assert!(
            bwclient::timer::now_ms() - start < 10_000.0,
            "not connected"
        );
        bwclient::timer::sleep(10).await;
    }
    assert!(sent_ab > 0 && sent_ba > 0);
}

#[wasm_bindgen_test]
async fn an_ice_restart_offer_has_new_credentials_and_reconnects() {
    let (a, b) = connected_pair().await;
    let before = String::from(ice::ice_ufrag(&a.media.local_sdp()).expect("ufrag"));
    let b_before = String::from(ice::ice_ufrag(&b.media.local_sdp()).expect("ufrag"));
    let offer = a.media.ice_restart_offer().await.expect("restart offer");
    assert_ne!(ice::ice_ufrag(&offer), Some(before.as_str()));
    assert!(ice::candidates(&offer).count() >= 1, "{offer}");
    let answer = b.media.create_answer(&offer).await.expect("answer");
    assert_ne!(ice::ice_ufrag(&answer), Some(b_before.as_str()));
    assert!(ice::candidates(&answer).count() >= 1, "{answer}");
    a.media.set_remote_answer(&answer).await.expect("apply");
    wait_until("connected after restart", 10_000.0, || {
        a.is_connected() && b.is_connected()
    })
    .await;
}

#[wasm_bindgen_test]
async fn remote_audio_moves_to_a_page_element() {
    let (a, _b) = connected_pair().await;
    let internal = a.media.remote_audio_element().expect("internal element");
    let page: HtmlMediaElement = HtmlAudioElement::new().unwrap().unchecked_into();
    a.media.set_remote_audio_element(Some(page.clone()));
    assert!(page.src_object().is_some());
    assert!(internal.src_object().is_none());
    // "" is the user agent's default output, valid wherever setSinkId exists.
    assert!(a.media.set_sink_id("").await.expect("setSinkId"));
}

#[wasm_bindgen_test]
async fn close_stops_the_microphone_and_refuses_further_work() {
    let a = Peer::local();
    a.media.acquire_microphone(None).await.expect("microphone");
    let track = a.media.microphone_track().expect("track");
    a.media.close();
    assert!(a.media.is_closed());
    assert_eq!(track.ready_state(), MediaStreamTrackState::Ended);
    assert_eq!(a.media.connection_state(), RtcPeerConnectionState::Closed);
    assert!(a.media.create_offer().await.is_err());
    assert!(a.media.insert_dtmf("1", 100, 70).is_err());
    a.media.close(); // idempotent
}
