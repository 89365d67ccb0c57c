//! The direction attributes `a=sendrecv`, `a=sendonly`, `a=recvonly`, `a=inactive`
//! (RFC 8866 §6.7, RFC 3264 §5.1) and the offer/answer and hold rules built on them.

use std::fmt;

use crate::error::{invalid, SdpError};

/// Direction of a media stream, seen from the side that wrote the description
/// (RFC 3264 §5.1). Without any attribute a stream is `SendRecv` (RFC 8866 §6.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `a=sendrecv`: send and receive.
    SendRecv,
    /// `a=sendonly`: send only.
    SendOnly,
    /// `a=recvonly`: receive only.
    RecvOnly,
    /// `a=inactive`: neither send nor receive.
    Inactive,
}

impl Direction {
    /// The attribute name, e.g. `"sendonly"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    /// The direction named by an attribute name, if it is one of the four.
    pub fn from_attribute_name(name: &str) -> Option<Direction> {
        match name {
            "sendrecv" => Some(Direction::SendRecv),
            "sendonly" => Some(Direction::SendOnly),
            "recvonly" => Some(Direction::RecvOnly),
            "inactive" => Some(Direction::Inactive),
            _ => None,
        }
    }

    /// Whether this side sends media.
    pub fn sends(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::SendOnly)
    }

    /// Whether this side receives media.
    pub fn receives(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }

    /// The natural answer to an offered direction (RFC 3264 §6.1): `sendonly` is answered
    /// `recvonly`, `recvonly` is answered `sendonly`, the others are answered in kind.
    pub fn answer(self) -> Direction {
        match self {
            Direction::SendOnly => Direction::RecvOnly,
            Direction::RecvOnly => Direction::SendOnly,
            other => other,
        }
    }

    /// Whether `answer` is an allowed answer to this offered direction (RFC 3264 §6.1):
    /// the answerer may only send what the offerer receives and receive what it sends.
    pub fn accepts_answer(self, answer: Direction) -> bool {
        (!answer.sends() || self.receives()) && (!answer.receives() || self.sends())
    }

    /// The direction that puts this stream on hold (RFC 3264 §8.4): a `sendrecv` stream
    /// becomes `sendonly`; a `recvonly` stream (the other side already holds) becomes
    /// `inactive`. Held streams stay as they are.
    pub fn hold(self) -> Direction {
        match self {
            Direction::SendRecv | Direction::SendOnly => Direction::SendOnly,
            Direction::RecvOnly | Direction::Inactive => Direction::Inactive,
        }
    }

    /// The direction that takes this stream off hold: the inverse of [`Direction::hold`],
    /// giving back reception (`sendonly` → `sendrecv`, `inactive` → `recvonly`).
    pub fn unhold(self) -> Direction {
        match self {
            Direction::SendOnly | Direction::SendRecv => Direction::SendRecv,
            Direction::Inactive | Direction::RecvOnly => Direction::RecvOnly,
        }
    }

    /// Whether a peer offering this direction puts the stream on hold: it no longer
    /// wants to receive (RFC 3264 §8.4: a hold offer is `sendonly` or `inactive`).
    pub fn is_hold(self) -> bool {
        matches!(self, Direction::SendOnly | Direction::Inactive)
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Direction {
    type Err = SdpError;

    fn from_str(s: &str) -> Result<Direction, SdpError> {
        Direction::from_attribute_name(s).ok_or(invalid("direction", "not a direction attribute"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Direction; 4] = [
        Direction::SendRecv,
        Direction::SendOnly,
        Direction::RecvOnly,
        Direction::Inactive,
    ];

    #[test]
    fn round_trip() {
        for d in ALL {
            assert_eq!(d.as_str().parse::<Direction>(), Ok(d));
            assert_eq!(d.to_string(), d.as_str());
        }
        assert!("sendrcv".parse::<Direction>().is_err());
        assert!("SENDRECV".parse::<Direction>().is_err());
    }

    #[test]
    fn answers() {
        assert_eq!(Direction::SendOnly.answer(), Direction::RecvOnly);
        assert_eq!(Direction::RecvOnly.answer(), Direction::SendOnly);
        assert_eq!(Direction::SendRecv.answer(), Direction::SendRecv);
        assert_eq!(Direction::Inactive.answer(), Direction::Inactive);
        for offer in ALL {
            assert!(offer.accepts_answer(offer.answer()));
            assert!(offer.accepts_answer(Direction::Inactive));
        }
    }

    #[test]
    fn answer_table() {
        use Direction::*;
        assert!(SendRecv.accepts_answer(SendOnly));
        assert!(SendRecv.accepts_answer(RecvOnly));
        assert!(!SendOnly.accepts_answer(SendRecv));
        assert!(!SendOnly.accepts_answer(SendOnly));
        assert!(!RecvOnly.accepts_answer(RecvOnly));
        assert!(!RecvOnly.accepts_answer(SendRecv));
        assert!(!Inactive.accepts_answer(SendOnly));
        assert!(!Inactive.accepts_answer(RecvOnly));
    }

    #[test]
    fn hold_and_unhold() {
        use Direction::*;
        assert_eq!(SendRecv.hold(), SendOnly);
        assert_eq!(RecvOnly.hold(), Inactive);
        assert_eq!(SendOnly.hold(), SendOnly);
        assert_eq!(Inactive.hold(), Inactive);
        assert_eq!(SendOnly.unhold(), SendRecv);
        assert_eq!(Inactive.unhold(), RecvOnly);
        assert!(SendOnly.is_hold() && Inactive.is_hold());
        assert!(!SendRecv.is_hold() && !RecvOnly.is_hold());
    }
}
