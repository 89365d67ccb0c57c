//! Errors of the user agent's commands.

/// Why a command was refused. Nothing was sent when a command returns an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UaError {
    UnknownCall,
    InvalidState(&'static str),
    TransportDown,
    NotRegistered,
    BadStatus(u16),
    BadDigit,
    BadHeader(&'static str),
}

impl UaError {
    /// The refusal in words, lowercase (what `Display` prints), built without `core::fmt`.
    pub fn message(&self) -> String {
        let fixed = match self {
            UaError::UnknownCall => "no such call",
            UaError::InvalidState(why) => return ["call cannot do this now: ", why].concat(),
            UaError::TransportDown => "transport is down",
            UaError::NotRegistered => "not registered",
            UaError::BadStatus(code) => {
                let mut out = String::from("status code ");
                crate::syntax::push_u64(&mut out, u64::from(*code));
                out.push_str(" cannot be used here");
                return out;
            }
            UaError::BadDigit => "not a dtmf digit",
            UaError::BadHeader(why) => return ["bad header value: ", why].concat(),
        };
        fixed.to_owned()
    }
}

impl std::fmt::Display for UaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for UaError {}
