//! Limits and timers of the SIP-over-WebSocket side. Realm-independent: who the endpoints are
//! comes from the [`Directory`](crate::directory::Directory), not from here.

use std::time::Duration;

/// Limits, registrar bounds and timers. `Default` gives values fit for the demo and the tests.
#[derive(Debug, Clone)]
pub struct SipConfig {
    /// Largest SIP message accepted in one WebSocket frame. A bigger message gets
    /// `513 Message Too Large` when it can be answered, else it is dropped (RFC 3261 §21.5.9);
    /// the connection stays up.
    pub max_message_bytes: usize,
    /// Frames bigger than this close the connection at the WebSocket layer (a client that sends
    /// megabytes is not a SIP client). Must be at least `max_message_bytes`.
    pub max_frame_bytes: usize,
    /// WebSocket connections held at once; the upgrade of one more is refused with HTTP 503.
    pub max_connections: usize,
    /// WebSocket connections one source address (IPv4 address, IPv6 /64) may hold at once,
    /// authenticated or not; one more gets HTTP 503. Large enough for one NAT full of real
    /// phones (default 2,000, a tenth of `max_connections`).
    pub max_connections_per_addr: usize,
    /// Connections one source address may hold that have not authenticated yet (no request
    /// of theirs has passed authentication); one more gets HTTP 503. A real phone
    /// authenticates within a round trip or two of connecting, so this only has to cover
    /// phones behind one NAT connecting at the same moment (default 100).
    pub max_unauthenticated_per_addr: usize,
    /// A connection that has not sent a request that passed authentication (a REGISTER, or
    /// any out-of-dialog request with valid credentials) this long after it opened is closed
    /// (WebSocket close 1008). Default 10 s.
    pub auth_deadline: Duration,
    /// Sustained frames per second allowed on one connection (token bucket rate): SIP
    /// messages and keep-alives (`CRLFCRLF`, WebSocket Ping and Pong) alike. A keep-alive over
    /// the rate is not answered and does not count as traffic; a WebSocket Ping over it
    /// closes the connection (the WebSocket layer would answer it).
    pub rate_per_sec: u32,
    /// Burst of frames allowed on one connection above the sustained rate (bucket size).
    pub rate_burst: u32,
    /// Registrar: shortest registration accepted; shorter ones get `423 Interval Too Brief`
    /// with this as `Min-Expires` (RFC 3261 §10.3 step 7).
    pub min_expires: u32,
    /// Registrar: longer registrations are shortened to this (RFC 3261 §10.3 step 7).
    pub max_expires: u32,
    /// Registrar: used when the REGISTER names no expiry (RFC 3261 §10.2.1.1).
    pub default_expires: u32,
    /// Registrar: bindings one AOR may hold (one per tab or device); a REGISTER that would
    /// exceed it gets `403` and changes nothing.
    pub max_contacts_per_aor: usize,
    /// Lifetime of a digest nonce; an older one gets a new challenge with `stale=true`
    /// (RFC 7616 §3.3).
    pub nonce_ttl: Duration,
    /// Most nonces whose nonce-count is tracked at once (digest replay protection, RFC 7616
    /// §3.4); past it the oldest go stale (a fresh challenge), never replayable.
    pub max_tracked_nonces: usize,
    /// Timer C: a forked INVITE branch with no final response after this long is cancelled
    /// (RFC 3261 §16.6 step 11, §16.8; "greater than 3 minutes").
    pub timer_c: Duration,
    /// WebSocket Ping sent after this long without traffic from the client (RFC 6455 §5.5.2).
    pub ping_interval: Duration,
    /// The connection is closed when nothing at all (not even a Pong) came for this long.
    pub idle_timeout: Duration,
    /// How long a call outlives the connection of an end that registered with a
    /// `+sip.instance` (RFC 5626 §4.5: such a client reconnects and re-registers, and its
    /// dialogs go on over the new connection, §5.3). Past this with no new registration of that
    /// instance, the call ends (its `end` event goes out). Ends with no instance end at once.
    pub reconnect_grace: Duration,
    /// Frames queued for one connection before further ones are dropped (a stuck reader must
    /// not grow the server's memory).
    pub send_queue: usize,
    /// Host written in the server's `Via` and `Record-Route` headers.
    pub host: String,
}

impl Default for SipConfig {
    fn default() -> Self {
        SipConfig {
            max_message_bytes: 64 * 1024,
            max_frame_bytes: 256 * 1024,
            max_connections: 20_000,
            max_connections_per_addr: 2_000,
            max_unauthenticated_per_addr: 100,
            auth_deadline: Duration::from_secs(10),
            rate_per_sec: 50,
            rate_burst: 200,
            min_expires: 60,
            max_expires: 3600,
            default_expires: 600,
            max_contacts_per_aor: 32,
            nonce_ttl: Duration::from_secs(300),
            max_tracked_nonces: 100_000,
            timer_c: Duration::from_secs(181),
            ping_interval: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(75),
            reconnect_grace: Duration::from_secs(120),
            send_queue: 256,
            host: "bwclient.invalid".to_owned(),
        }
    }
}
