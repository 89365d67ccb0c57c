//! The user agent: the one object the bindings drive.
//!
//! # Model
//!
//! [`Ua`] is a synchronous, deterministic state machine with no I/O, no clock and no
//! randomness of its own (after str0m's `Rtc` and quinn-proto's `Connection`):
//!
//! - **Inputs** go in with [`Ua::handle_input`]: a received WebSocket frame (one frame is one
//!   SIP message, RFC 7118 §5.2), the transport coming up or going down, or a timeout.
//! - **Commands** are plain verbs ([`Ua::register`], [`Ua::invite`], [`Ua::accept`],
//!   [`Ua::hangup`], [`Ua::reinvite`], [`Ua::refer`], …). They act at once and return a
//!   [`UaError`] when refused (then nothing was sent).
//! - **Outputs** are drained with [`Ua::poll_output`] until it returns [`Output::Timeout`]
//!   (call `handle_input(at, Input::Timeout)` at that time, or just poll again) or
//!   [`Output::Idle`]: [`Output::Transmit`] is a text frame for the WebSocket,
//!   [`Output::Event`] something for the application.
//!
//! Every entry point takes `now` ([`Time`], milliseconds from any origin, e.g.
//! `performance.now()`); every tag, branch, Call-ID and cnonce comes from the RNG seeded by
//! [`UaConfig::seed`], so a fixed seed gives byte-identical runs.
//!
//! Layers, bottom up: transactions (RFC 3261 §17, [`crate::transaction`]) match responses to
//! requests and run Timers B/F/H; dialogs ([`crate::dialog`]) build in-dialog requests and the
//! ACK for 2xx; calls ([`crate::call`]) and the registration ([`crate::registration`]) are the
//! transaction users; digest answers come from [`crate::auth`].
//!
//! # Run loop
//!
//! ```
//! use bwclient_sip::ua::{Input, Output, Ua, UaConfig};
//! use bwclient_sip::{Time, Uri};
//!
//! let aor = Uri::parse("sip:alice@example.test").unwrap();
//! let mut ua = Ua::new(UaConfig::new(aor));
//! let now = Time::from_millis(0);
//! ua.handle_input(now, Input::TransportUp); // the WebSocket opened
//! ua.register(now).unwrap();
//! let mut frames = Vec::new();
//! let next_timer = loop {
//!     match ua.poll_output(now) {
//!         Output::Transmit(text) => frames.push(text), // websocket.send(text)
//!         Output::Event(event) => println!("{event:?}"),
//!         Output::Timeout(at) => break Some(at),      // setTimeout until `at`
//!         Output::Idle => break None,
//!     }
//! };
//! assert!(frames[0].starts_with("REGISTER sip:example.test SIP/2.0\r\n"));
//! assert!(next_timer.is_some()); // Timer F of the REGISTER transaction
//! ```

mod build;
mod calls_in;
mod calls_out;
mod client;
pub mod config;
mod dialog_requests;
mod ending;
pub mod error;
mod info;
mod local;
mod messaging;
mod parts;
mod register;
mod reinvite;
mod server;
mod timers;
mod transfer;
mod transport;
mod trickle;

pub use config::{UaConfig, WsTransport};
pub use error::UaError;

use crate::auth::attempts::NonceCache;
use crate::call::Call;
use crate::events::Event;
use crate::registration::Registration;
use crate::rng::Rng;
use crate::time::Time;
use client::ClientEntry;
use local::Local;
use server::ServerEntry;
use std::collections::VecDeque;

/// Something that happened outside the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input<'a> {
    /// One WebSocket text frame: one SIP message. A malformed one is reported as
    /// [`Event::Discarded`] and dropped.
    Received(&'a [u8]),
    /// The WebSocket is open (again): a wanted registration is (re)sent (RFC 5626 §4.4.1).
    TransportUp,
    /// The WebSocket closed: pending requests fail, established calls keep their dialogs.
    TransportDown,
    /// A deadline from [`Output::Timeout`] has passed.
    Timeout,
}

/// What the core wants done, drained with [`Ua::poll_output`].
// Outputs are drained one at a time and never stored in bulk, so boxing the larger Event
// would only cost an allocation per event.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Send this text frame on the WebSocket.
    Transmit(String),
    /// Tell the application.
    Event(Event),
    /// Nothing more now; wake the core at this time.
    Timeout(Time),
    /// Nothing more now and no timer running.
    Idle,
}

/// The application's handle on an outgoing MESSAGE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageHandle(pub u32);

/// A SIP user agent over one WebSocket flow.
#[derive(Debug)]
pub struct Ua {
    config: UaConfig,
    rng: Rng,
    local: Local,
    transport_up: bool,
    clients: Vec<ClientEntry>,
    servers: Vec<ServerEntry>,
    registration: Registration,
    calls: Vec<Call>,
    next_call: u32,
    next_message: u32,
    nonces: NonceCache,
    out: VecDeque<Output>,
}

impl Ua {
    /// A user agent with the transport down and nothing registered.
    pub fn new(config: UaConfig) -> Ua {
        let mut rng = Rng::from_seed(config.seed);
        let local = Local::new(&config, &mut rng);
        let registration = Registration::new(rng.call_id(), rng.tag(), config.register_expires);
        Ua {
            config,
            rng,
            local,
            transport_up: false,
            clients: Vec::new(),
            servers: Vec::new(),
            registration,
            calls: Vec::new(),
            next_call: 1,
            next_message: 1,
            nonces: NonceCache::default(),
            out: VecDeque::new(),
        }
    }

    /// Feeds one input. Never panics on received bytes.
    pub fn handle_input(&mut self, now: Time, input: Input<'_>) {
        match input {
            Input::Received(bytes) => self.on_frame(now, bytes),
            Input::TransportUp => self.on_transport_up(now),
            Input::TransportDown => self.on_transport_down(now),
            Input::Timeout => self.on_timeout(now),
        }
    }

    /// The next output. Timers due at `now` are run first, so polling after a deadline is
    /// enough (an explicit [`Input::Timeout`] is not required).
    pub fn poll_output(&mut self, now: Time) -> Output {
        if let Some(output) = self.out.pop_front() {
            return output;
        }
        if self.next_deadline().is_some_and(|at| at <= now) {
            self.on_timeout(now);
            if let Some(output) = self.out.pop_front() {
                return output;
            }
        }
        match self.next_deadline() {
            Some(at) => Output::Timeout(at),
            None => Output::Idle,
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &UaConfig {
        &self.config
    }

    /// The WebSocket flavour of the next connection, for the Via of requests sent from now on
    /// (RFC 7118 §5.1: `WS` or `WSS`): a phone failing over between `ws:` and `wss:` servers
    /// sets it before each connection. The Contact keeps `transport=ws` (RFC 7118 §5.2, both).
    pub fn set_transport(&mut self, transport: WsTransport) {
        self.config.transport = transport;
        self.local.via_transport = transport.via_token();
    }

    /// Our Contact URI (`sip:<random>@<random>.invalid;transport=ws;ob`).
    pub fn contact_uri(&self) -> &crate::uri::Uri {
        &self.local.contact_uri
    }

    /// Our RFC 5626 instance id (`urn:uuid:…`).
    pub fn instance_id(&self) -> &str {
        &self.local.instance_id
    }

    /// Where the registration stands.
    pub fn registration_state(&self) -> crate::registration::RegistrationState {
        self.registration.state
    }

    /// The state of a call, `None` once it is gone.
    pub fn call_state(&self, call: crate::call::CallHandle) -> Option<crate::call::CallState> {
        self.calls
            .iter()
            .find(|c| c.handle == call)
            .map(|c| c.state)
    }

    /// Handles of the calls still known (ended calls disappear once their protocol is done).
    pub fn calls(&self) -> Vec<crate::call::CallHandle> {
        self.calls.iter().map(|c| c.handle).collect()
    }

    fn emit(&mut self, event: Event) {
        self.out.push_back(Output::Event(event));
    }
}
