//! SIP over WebSocket (RFC 7118): registrar and proxy. (Being written.)
