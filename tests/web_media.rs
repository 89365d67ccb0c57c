//! `Media` in real headless Chromium: two peer connections in one page, fake microphones.
#![cfg(target_arch = "wasm32")]

mod common;

use bwclient::ice::candidate_type;
use bwclient::media::{Media, MediaEvent};
use bwclient::sdp::{candidates, ice_ufrag};
use bwclient::stats::CallStats;
use bwclient::timer::{now_ms, sleep};
use common::{connected_pair, has_attribute, wait_until, Peer};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlAudioElement, HtmlMediaElement, MediaStreamTrackState, RtcPeerConnectionState};

wasm_bindgen_test_configure!(run_in_browser);

/// Polls `getStats` until audio has been both sent and received (the counters appear in the
/// report a little after the first packets).
async fn stats_with_audio(peer: &Peer) -> CallStats {
    let start = now_ms();
    loop {
        let stats = peer.media.get_stats().await.expect("getStats");
        if stats.packets_received > 0.0 && stats.packets_sent > 0.0 && stats.mos.is_some() {
            return stats;
        }
        assert!(now_ms() - start < 10_000.0, "no inbound audio: {stats:?}");
        sleep(50).await;
    }
}

#[wasm_bindgen_test]
async fn two_peers_connect_and_receive_each_others_audio() {
    let (a, b) = connected_pair().await;
    for peer in [&a, &b] {
        let stats = stats_with_audio(peer).await;
        assert!(stats.bytes_received > 0.0, "{stats:?}");
        assert_eq!(stats.codec.as_deref(), Some("opus"), "{stats:?}");
        // The ICE pair's round trip is known as soon as connectivity checks succeed.
        assert!(stats.rtt.is_some_and(|rtt| rtt >= 0.0), "{stats:?}");
        assert!(stats.jitter.is_some(), "{stats:?}");
        let mos = stats.mos.expect("mos");
        assert!((1.0..=4.5).contains(&mos), "{stats:?}");
        assert!(peer.saw(&MediaEvent::RemoteTrack));
        assert!(!peer.saw(&MediaEvent::ConnectionFailed));
        assert!(
            peer.media.remote_stream().is_some(),
            "the remote audio stream arrived"
        );
    }
}

#[wasm_bindgen_test]
async fn the_offer_carries_candidates_before_gathering_completes() {
    let a = Peer::local();
    a.media.acquire_microphone(None).await.expect("microphone");
    let offer = a.media.create_offer().await.expect("offer");
    let found = candidates(&offer).count();
    assert!(found >= 1, "no a=candidate in the offer:\n{offer}");
    // Resolved by the early-offer policy, not by the end of gathering.
    assert!(!a.saw(&MediaEvent::IceGatheringComplete));
    // Gathering goes on, and what comes later is reported for trickle.
    wait_until("gathering complete", 10_000.0, || {
        a.saw(&MediaEvent::IceGatheringComplete)
    })
    .await;
    assert!(a.candidates().len() >= found);
    assert!(a
        .candidates()
        .iter()
        .all(|(c, mid)| c.starts_with("candidate:") && mid == "0"));
    assert!(candidates(&a.media.local_sdp()).count() >= found);
}

#[wasm_bindgen_test]
async fn full_trickle_offers_come_before_any_candidate() {
    let a = Peer::local();
    a.media.acquire_microphone(None).await.expect("microphone");
    let offer = a.media.create_offer_now().await.expect("offer");
    assert_eq!(candidates(&offer).count(), 0, "{offer}");
    assert!(ice_ufrag(&offer).is_some(), "{offer}");
    wait_until("candidates trickle in", 10_000.0, || {
        !a.candidates().is_empty()
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_answer_carries_candidates_too() {
    let (a, b) = (Peer::local(), Peer::local());
    a.media.acquire_microphone(None).await.expect("microphone");
    let offer = a.media.create_offer().await.expect("offer");
    b.media.acquire_microphone(None).await.expect("microphone");
    let answer = b.media.create_answer(&offer).await.expect("answer");
    assert!(
        candidates(&answer).count() >= 1,
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
    let a = Peer::new(&Array::of1(&server), 300);
    a.media.acquire_microphone(None).await.expect("microphone");
    let offer = a.media.create_offer().await.expect("offer");
    let types: Vec<&str> = candidates(&offer).filter_map(candidate_type).collect();
    assert!(types.contains(&"host"), "{offer}");
    assert!(!types.contains(&"srflx"), "{offer}");
}

#[wasm_bindgen_test]
async fn an_ice_server_the_browser_refuses_fails_the_peer_connection() {
    let server = Object::new();
    Reflect::set(&server, &"urls".into(), &"bogus:127.0.0.1".into()).unwrap();
    assert!(Media::new(&Array::of1(&server), 100, |_| {}).is_err());
}

#[wasm_bindgen_test]
async fn hold_offers_sendonly_and_is_answered_recvonly() {
    let (a, b) = connected_pair().await;
    let offer = a.media.hold(true).await.expect("hold offer");
    assert!(has_attribute(&offer, "sendonly"), "{offer}");
    assert!(!a.media.held(), "not held until the answer agrees");
    // The held party must not hear us either.
    assert!(!a.media.microphone_track().unwrap().enabled());
    assert!(bwclient::hold::is_hold_offer(&offer));
    let answer = b.media.create_answer(&offer).await.expect("answer");
    assert!(has_attribute(&answer, "recvonly"), "{answer}");
    assert!(
        a.media.set_remote_answer(&answer).await.expect("apply"),
        "the hold changed"
    );
    assert!(a.media.held());

    let offer = a.media.hold(false).await.expect("unhold offer");
    assert!(has_attribute(&offer, "sendrecv"), "{offer}");
    assert!(!bwclient::hold::is_hold_offer(&offer));
    let answer = b.media.create_answer(&offer).await.expect("answer");
    assert!(has_attribute(&answer, "sendrecv"), "{answer}");
    assert!(a.media.set_remote_answer(&answer).await.expect("apply"));
    assert!(!a.media.held());
    assert!(a.media.microphone_track().unwrap().enabled());
    assert!(a.is_connected() && b.is_connected());
}

#[wasm_bindgen_test]
async fn rollback_abandons_a_hold_offer() {
    let (a, _b) = connected_pair().await;
    a.media.hold(true).await.expect("hold offer");
    a.media.rollback().await.expect("rollback");
    assert!(!a.media.held());
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
    assert!(!first.enabled());

    let microphones = bwclient::devices::microphones().await.expect("devices");
    let other = microphones.last().expect("a fake microphone");
    a.media
        .acquire_microphone(Some(&other.id))
        .await
        .expect("switch");
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
    assert_eq!(candidates(&answer).count(), 0);
    a.media.set_remote_answer(&answer).await.expect("apply");
    // Neither side knows an address of the other until the candidates are trickled.
    let (mut sent_ab, mut sent_ba) = (0, 0);
    let start = now_ms();
    while !(a.is_connected() && b.is_connected()) {
        for (from, to, sent) in [(&a, &b, &mut sent_ab), (&b, &a, &mut sent_ba)] {
            let found = from.candidates();
            for (candidate, mid) in &found[*sent..] {
                to.media
                    .add_remote_candidate(candidate, mid)
                    .await
                    .expect("addIceCandidate");
            }
            *sent = found.len();
        }
        assert!(now_ms() - start < 10_000.0, "not connected");
        sleep(10).await;
    }
    assert!(sent_ab > 0 && sent_ba > 0);
}

#[wasm_bindgen_test]
async fn remote_audio_moves_to_a_page_element_or_off() {
    let (a, _b) = connected_pair().await;
    wait_until("the remote track", 10_000.0, || {
        a.saw(&MediaEvent::RemoteTrack)
    })
    .await;
    let page: HtmlMediaElement = HtmlAudioElement::new().unwrap().unchecked_into();
    a.media.set_remote_audio_element(Some(page.clone()));
    assert!(page.src_object().is_some());
    // "" is the user agent's default output, valid wherever setSinkId exists.
    assert!(a.media.set_sink_id("").await.expect("setSinkId"));
    assert!(a.media.set_sink_id("no-such-speaker").await.is_err());
    a.media.set_remote_audio_element(None);
    assert!(
        page.src_object().is_none(),
        "remote audio off: the element is detached"
    );
    assert!(
        !a.media.set_sink_id("").await.expect("no element"),
        "nothing to route"
    );
}

#[wasm_bindgen_test]
async fn close_stops_the_microphone_and_refuses_further_work() {
    let a = Peer::local();
    a.media.acquire_microphone(None).await.expect("microphone");
    let track = a.media.microphone_track().expect("track");
    a.media.close();
    assert_eq!(track.ready_state(), MediaStreamTrackState::Ended);
    assert_eq!(a.media.connection_state(), RtcPeerConnectionState::Closed);
    assert!(a.media.create_offer().await.is_err());
    assert!(a.media.insert_dtmf("1", 100, 70).is_err());
    assert!(a.media.get_stats().await.is_err());
    a.media.close(); // idempotent
}

#[wasm_bindgen_test]
async fn close_releases_an_offer_waiting_for_candidates() {
    // A STUN server that never answers keeps the offer waiting for its srflx candidate until
    // the gathering timeout (30 s here); closing must release it before that, with an error.
    let server = Object::new();
    Reflect::set(&server, &"urls".into(), &"stun:127.0.0.1:9".into()).unwrap();
    let a = Peer::new(&Array::of1(&server), 30_000);
    a.media.acquire_microphone(None).await.expect("microphone");
    let media = a.media.clone();
    let started = now_ms();
    wasm_bindgen_futures::spawn_local(async move {
        sleep(100).await;
        media.close();
    });
    assert!(a.media.create_offer().await.is_err());
    assert!(
        now_ms() - started < 30_000.0,
        "released by close, not by the timeout"
    );
}
