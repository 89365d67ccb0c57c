//! Errors of the user agent's commands.

/// Why a command was refused. Nothing was sent when a command returns an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UaError {
    #[error("no such call")]
    UnknownCall,
    #[error("call cannot do this now: {0}")]
    InvalidState(&'static str),
    #[error("transport is down")]
    TransportDown,
    #[error("not registered")]
    NotRegistered,
    #[error("status code {0} cannot be used here")]
    BadStatus(u16),
    #[error("not a dtmf digit")]
    BadDigit,
    #[error("bad header value: {0}")]
    BadHeader(&'static str),
}
