//! Offer/answer after the call is up: re-INVITE in both directions and glare (RFC 3261 §14,
//! RFC 3264 §8).

use crate::rng::Rng;
use core::time::Duration;

/// The re-INVITE sub-state of a confirmed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Negotiation {
    Idle,
    /// We sent a re-INVITE carrying `sdp`.
    LocalOffer {
        sdp: String,
    },
    /// Our re-INVITE got 491; we re-send `sdp` when the back-off timer fires (§14.1).
    GlareWait {
        sdp: String,
    },
    /// The peer's re-INVITE (server transaction `branch`) waits for the application:
    /// `offered` if it carried an offer (else the app gives an offer and the ACK the answer).
    RemotePending {
        branch: String,
        offered: bool,
    },
    /// We sent the 2xx to the peer's re-INVITE; the ACK carries the answer when we offered.
    AwaitingAck {
        we_offered: bool,
    },
    /// UAC of an INVITE without SDP: the 2xx held the offer; the application's answer goes in
    /// the ACK for CSeq `invite_seq`.
    AnswerInAck {
        invite_seq: u32,
    },
}

/// §14.1 back-off after a 491: 2.1–4 s in steps of 10 ms for the owner of the Call-ID,
/// 0–2 s otherwise.
pub fn glare_backoff(rng: &mut Rng, owns_call_id: bool) -> Duration {
    let steps = if owns_call_id {
        rng.range(210, 400)
    } else {
        rng.range(0, 200)
    };
    Duration::from_millis(steps * 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_ranges() {
        let mut rng = Rng::from_seed(3);
        for _ in 0..200 {
            let owner = glare_backoff(&mut rng, true).as_millis();
            assert!((2_100..=4_000).contains(&owner) && owner.is_multiple_of(10));
            let other = glare_backoff(&mut rng, false).as_millis();
            assert!(other <= 2_000 && other.is_multiple_of(10));
        }
    }
}
