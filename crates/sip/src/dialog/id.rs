//! Dialog identity (RFC 3261 §12): Call-ID, local tag and remote tag.

/// Identifies a dialog from our side. For a request we receive, the local tag is its To tag
/// and the remote tag its From tag (§12.2.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DialogId {
    pub call_id: String,
    pub local_tag: String,
    pub remote_tag: String,
}

impl DialogId {
    /// True if a received request with these Call-ID, To tag and From tag is in this dialog.
    pub fn matches_request(&self, call_id: &str, to_tag: &str, from_tag: &str) -> bool {
        self.call_id == call_id && self.local_tag == to_tag && self.remote_tag == from_tag
    }
}
