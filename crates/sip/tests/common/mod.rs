//! Test harness: user agents and a tiny registrar/proxy in simulated time.
//!
//! Every agent is a real [`Ua`]; the proxy is written here on top of the message layer. It
//! keeps a location table (AOR user and Contact user → agent), forwards requests by
//! Request-URI user, adds Via and Record-Route, routes responses back by the Via it
//! recorded, and can challenge REGISTER (401) and INVITE (407) with a fixed nonce.
//!
//! Time only moves in [`Net::advance`]: it steps to each earliest deadline and delivers every
//! transmitted frame with zero latency (after str0m's `progress` and quinn's `Pair::drive`).
#![allow(dead_code)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use bwclient_sip::auth::digest::{self, Algorithm, DigestInput};
use bwclient_sip::auth::Login;
use bwclient_sip::events::Event;
use bwclient_sip::token::Token;
use bwclient_sip::ua::{Input, Output, Ua, UaConfig};
use bwclient_sip::{
    Authorization, HeaderName, Message, ProxyAuthorization, Request, Response, Time, TypedHeader,
    Uri, Via,
};
use std::collections::VecDeque;

pub const DOMAIN: &str = "example.test";
pub const PROXY_HOST: &str = "proxy.example.test";
pub const REALM: &str = "example.test";
pub const NONCE: &str = "fixed-nonce-1";

/// One user agent and everything it said and heard.
pub struct Agent {
    pub name: String,
    pub ua: Ua,
    pub events: Vec<Event>,
    pub sent: Vec<String>,
    pub received: Vec<String>,
    pub connected: bool,
    next_timeout: Option<Time>,
}

impl Agent {
    /// Start lines of what this agent sent, in order.
    pub fn sent_lines(&self) -> Vec<String> {
        self.sent.iter().map(|m| start_line(m)).collect()
    }

    pub fn received_lines(&self) -> Vec<String> {
        self.received.iter().map(|m| start_line(m)).collect()
    }

    /// Sent messages whose start line begins with `prefix`.
    pub fn sent_starting(&self, prefix: &str) -> Vec<&String> {
        self.sent.iter().filter(|m| m.starts_with(prefix)).collect()
    }

    pub fn received_starting(&self, prefix: &str) -> Vec<&String> {
        self.received
            .iter()
            .filter(|m| m.starts_with(prefix))
            .collect()
    }

    /// Events other than traces, drained.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }
}

/// The first line of a message.
pub fn start_line(message: &str) -> String {
    message.lines().next().unwrap_or("").to_owned()
}

/// The value of the first header `name` (case-insensitive) in a printed message.
pub fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    headers(message, name).into_iter().next()
}

/// Every value of header `name` in a printed message.
pub fn headers<'a>(message: &'a str, name: &str) -> Vec<&'a str> {
    let head = message.split("\r\n\r\n").next().unwrap_or("");
    head.split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect()
}

/// The body of a printed message.
pub fn body(message: &str) -> &str {
    message.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("")
}

/// How the proxy authenticates.
#[derive(Clone, Default)]
pub struct ProxyConfig {
    /// Challenge REGISTER with 401 using this algorithm.
    pub register_challenge: Option<Algorithm>,
    /// Challenge initial INVITEs with 407 (MD5).
    pub invite_challenge: bool,
    /// 423 for REGISTERs asking less than this.
    pub min_expires: Option<u32>,
    /// The expiry granted (at most what was asked).
    pub max_expires: Option<u32>,
    /// On the first valid REGISTER credentials, switch to a new nonce and answer 401
    /// `stale=true` (RFC 7616 §3.3) instead of 200.
    pub stale_once: bool,
}

/// The tiny registrar/proxy.
pub struct Proxy {
    pub config: ProxyConfig,
    /// digest username → password.
    pub users: Vec<(String, String)>,
    /// AOR user → agent.
    aors: Vec<(String, usize)>,
    /// Contact user → agent, with the contact URI.
    contacts: Vec<(String, usize, String)>,
    /// Via host → agent (the connection a request came from).
    via_hosts: Vec<(String, usize)>,
    /// Every REGISTER the registrar handled.
    pub registers: Vec<Request>,
    /// The nonce currently issued.
    pub nonce: String,
    next_tag: u32,
}

/// A frame in flight.
enum Hop {
    ToProxy(usize, String),
    ToAgent(usize, String),
}

/// The simulated network: agents, proxy, clock.
pub struct Net {
    pub now: Time,
    pub agents: Vec<Agent>,
    pub proxy: Proxy,
    queue: VecDeque<Hop>,
    /// Every frame: (from, to, text).
    pub wire: Vec<(String, String, String)>,
}

/// A configuration for agent `user@example.test`, seeded.
pub fn agent_config(user: &str, seed: u64) -> UaConfig {
    let mut config = UaConfig::new(Uri::sip(Some(user), DOMAIN));
    config.seed = seed;
    config.trace = false;
    config
}

/// A token (not signed for real: the proxy only knows its digest password) for `user`.
pub fn token_for(user: &str, signature: &[u8]) -> Token {
    let payload = format!("v1 2000000000:{user}@{DOMAIN} ws://127.0.0.1:8080/sip");
    let raw = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(signature)
    );
    Token::parse(&raw).expect("test token parses")
}

impl Net {
    pub fn new(config: ProxyConfig) -> Net {
        Net {
            now: Time::from_millis(1_000),
            agents: Vec::new(),
            proxy: Proxy {
                config,
                users: Vec::new(),
                aors: Vec::new(),
                contacts: Vec::new(),
                via_hosts: Vec::new(),
                registers: Vec::new(),
                nonce: NONCE.to_owned(),
                next_tag: 1,
            },
            queue: VecDeque::new(),
            wire: Vec::new(),
        }
    }

    /// Adds an agent with the transport up; its digest password (if any) is known to the
    /// proxy.
    pub fn add(&mut self, name: &str, config: UaConfig) -> usize {
        if let Some((user, password)) = config.login.digest() {
            self.proxy.users.push((user, password));
        }
        let mut ua = Ua::new(config);
        ua.handle_input(self.now, Input::TransportUp);
        self.agents.push(Agent {
            name: name.to_owned(),
            ua,
            events: Vec::new(),
            sent: Vec::new(),
            received: Vec::new(),
            connected: true,
            next_timeout: None,
        });
        self.agents.len() - 1
    }

    /// Adds `user` with a password login and the given seed.
    pub fn add_user(&mut self, user: &str, seed: u64) -> usize {
        self.add_user_with(user, seed, |_| {})
    }

    /// Like [`Net::add_user`], with the configuration changed by `edit` first.
    pub fn add_user_with(
        &mut self,
        user: &str,
        seed: u64,
        edit: impl FnOnce(&mut UaConfig),
    ) -> usize {
        let mut config = agent_config(user, seed);
        config.login = Login::Password {
            username: user.to_owned(),
            password: format!("{user}-secret"),
        };
        edit(&mut config);
        self.add(user, config)
    }

    /// Adds `user` and registers it (asserting success).
    pub fn add_registered(&mut self, user: &str, seed: u64) -> usize {
        self.add_registered_with(user, seed, |_| {})
    }

    /// Like [`Net::add_registered`], with the configuration changed by `edit` first.
    pub fn add_registered_with(
        &mut self,
        user: &str,
        seed: u64,
        edit: impl FnOnce(&mut UaConfig),
    ) -> usize {
        let i = self.add_user_with(user, seed, edit);
        let now = self.now;
        self.agents[i].ua.register(now).expect("register");
        self.drive();
        let registered = self.agents[i]
            .events
            .iter()
            .any(|e| matches!(e, Event::Registered { .. }));
        assert!(
            registered,
            "{user} did not register: {:?}",
            self.agents[i].events
        );
        self.agents[i].events.clear();
        i
    }

    pub fn ua(&mut self, i: usize) -> &mut Ua {
        &mut self.agents[i].ua
    }

    /// Delivers everything until no agent has anything to send. Time does not move.
    pub fn drive(&mut self) {
        loop {
            let mut progressed = false;
            for i in 0..self.agents.len() {
                loop {
                    let now = self.now;
                    match self.agents[i].ua.poll_output(now) {
                        Output::Transmit(text) => {
                            progressed = true;
                            self.agents[i].sent.push(text.clone());
                            if self.agents[i].connected {
                                self.queue.push_back(Hop::ToProxy(i, text));
                            }
                        }
                        Output::Event(event) => self.agents[i].events.push(event),
                        Output::Timeout(at) => {
                            self.agents[i].next_timeout = Some(at);
                            break;
                        }
                        Output::Idle => {
                            self.agents[i].next_timeout = None;
                            break;
                        }
                    }
                }
            }
            while let Some(hop) = self.queue.pop_front() {
                progressed = true;
                match hop {
                    Hop::ToProxy(from, text) => {
                        let name = self.agents[from].name.clone();
                        self.wire.push((name, "proxy".into(), text.clone()));
                        for (to, out) in self.proxy.handle(from, &text) {
                            self.queue.push_back(Hop::ToAgent(to, out));
                        }
                    }
                    Hop::ToAgent(to, text) => {
                        let name = self.agents[to].name.clone();
                        self.wire.push(("proxy".into(), name, text.clone()));
                        if self.agents[to].connected {
                            self.agents[to].received.push(text.clone());
                            let now = self.now;
                            self.agents[to]
                                .ua
                                .handle_input(now, Input::Received(text.as_bytes()));
                        }
                    }
                }
            }
            if !progressed {
                return;
            }
        }
    }

    /// Moves time forward by `ms`, firing every deadline on the way in order.
    pub fn advance(&mut self, ms: u64) {
        let target = Time::from_millis(self.now.as_millis() + ms);
        loop {
            self.drive();
            let next = self.agents.iter().filter_map(|a| a.next_timeout).min();
            match next {
                Some(at) if at <= target => {
                    if at > self.now {
                        self.now = at;
                    }
                    let now = self.now;
                    for agent in &mut self.agents {
                        if agent.next_timeout.is_some_and(|t| t <= now) {
                            agent.ua.handle_input(now, Input::Timeout);
                        }
                    }
                }
                _ => {
                    self.now = target;
                    self.drive();
                    return;
                }
            }
        }
    }

    /// The transport of agent `i` goes down (frames to and from it are lost).
    pub fn disconnect(&mut self, i: usize) {
        self.agents[i].connected = false;
        let now = self.now;
        self.agents[i].ua.handle_input(now, Input::TransportDown);
        self.drive();
    }

    pub fn reconnect(&mut self, i: usize) {
        self.agents[i].connected = true;
        let now = self.now;
        self.agents[i].ua.handle_input(now, Input::TransportUp);
        self.drive();
    }

    /// Every frame on the wire, for failure messages.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for (from, to, text) in &self.wire {
            out.push_str(&format!("--- {from} -> {to}\n{text}\n"));
        }
        out
    }
}

impl Proxy {
    fn tag(&mut self) -> String {
        self.next_tag += 1;
        format!("px{}", self.next_tag)
    }

    /// A response to `request` (§8.2.6), from the proxy itself.
    fn response(&mut self, request: &Request, code: u16, reason: &str) -> Response {
        let mut response = Response::new(code, reason);
        for v in request.headers.get_all(&HeaderName::VIA) {
            response.headers.push(HeaderName::VIA, v);
        }
        for name in [
            HeaderName::FROM,
            HeaderName::TO,
            HeaderName::CALL_ID,
            HeaderName::CSEQ,
        ] {
            if let Some(v) = request.headers.get(&name) {
                response.headers.push(name, v);
            }
        }
        if !request
            .headers
            .get(&HeaderName::TO)
            .unwrap_or("")
            .contains("tag=")
        {
            let tag = self.tag();
            let to = format!(
                "{};tag={tag}",
                request.headers.get(&HeaderName::TO).unwrap_or("")
            );
            response.headers.set(HeaderName::TO, to);
        }
        response
    }

    /// Handles a frame from agent `from`; returns frames for agents.
    fn handle(&mut self, from: usize, text: &str) -> Vec<(usize, String)> {
        let message = Message::parse(text.as_bytes())
            .unwrap_or_else(|e| panic!("agent sent an unparsable message ({e}):\n{text}"));
        match message {
            Message::Request(request) => self.on_request(from, request),
            Message::Response(response) => self.on_response(response),
        }
    }

    fn on_request(&mut self, from: usize, mut request: Request) -> Vec<(usize, String)> {
        let via = request
            .headers
            .typed::<Via>()
            .expect("request has a via")
            .expect("via parses");
        if !self.via_hosts.iter().any(|(h, _)| *h == via.host) {
            self.via_hosts.push((via.host.clone(), from));
        }
        if request.method.as_str() == "REGISTER" {
            let response = self.register(from, &request);
            return vec![(from, response.to_string())];
        }
        let initial = !request
            .headers
            .get(&HeaderName::TO)
            .unwrap_or("")
            .contains("tag=");
        if request.method.as_str() == "INVITE" && initial && self.config.invite_challenge {
            let ok = request
                .headers
                .typed::<ProxyAuthorization>()
                .and_then(Result::ok)
                .is_some_and(|creds| self.verify(&creds.0, "INVITE"));
            if !ok {
                let mut response = self.response(&request, 407, "Proxy Authentication Required");
                response.headers.push(
                    HeaderName::PROXY_AUTHENTICATE,
                    format!(
                        "Digest realm=\"{REALM}\", nonce=\"{}\", qop=\"auth\", algorithm=MD5",
                        self.nonce
                    ),
                );
                return vec![(from, response.to_string())];
            }
        }
        // Loose routing: remove our own Route.
        if let Some(route) = request.headers.get(&HeaderName::ROUTE) {
            if route.contains(PROXY_HOST) {
                let rest: Vec<String> = request
                    .headers
                    .get_all(&HeaderName::ROUTE)
                    .skip(1)
                    .map(str::to_owned)
                    .collect();
                request.headers.remove(&HeaderName::ROUTE);
                for r in rest {
                    request.headers.push(HeaderName::ROUTE, r);
                }
            }
        }
        let user = request.uri.user.clone().unwrap_or_default();
        let target = self
            .contacts
            .iter()
            .find(|(u, _, _)| *u == user)
            .map(|(_, i, _)| *i)
            .or_else(|| {
                let (_, i) = self.aors.iter().find(|(u, _)| *u == user)?;
                // Retarget to the registered contact.
                let contact = self.contacts.iter().find(|(_, j, _)| j == i)?;
                request.uri = Uri::parse(&contact.2).ok()?;
                Some(*i)
            });
        let Some(target) = target else {
            if request.method.as_str() == "ACK" {
                return Vec::new();
            }
            let response = self.response(&request, 404, "Not Found");
            return vec![(from, response.to_string())];
        };
        let branch = format!("z9hG4bKpx{}", via.branch().unwrap_or(""));
        request.headers.push_front(
            HeaderName::VIA,
            format!("SIP/2.0/WSS {PROXY_HOST};branch={branch}"),
        );
        if let Some(mf) = request.headers.get(&HeaderName::MAX_FORWARDS) {
            let n: u32 = mf.trim().parse().unwrap_or(70);
            request
                .headers
                .set(HeaderName::MAX_FORWARDS, (n - 1).to_string());
        }
        if request.method.as_str() == "INVITE" && initial {
            request.headers.push_front(
                HeaderName::RECORD_ROUTE,
                format!("<sip:{PROXY_HOST};transport=ws;lr>"),
            );
            // Proxy credentials are consumed here.
            request.headers.remove(&HeaderName::PROXY_AUTHORIZATION);
        }
        vec![(target, request.to_string())]
    }

    fn on_response(&mut self, mut response: Response) -> Vec<(usize, String)> {
        let vias: Vec<String> = response
            .headers
            .get_all(&HeaderName::VIA)
            .map(str::to_owned)
            .collect();
        assert!(
            vias[0].contains(PROXY_HOST),
            "response without our via: {response}"
        );
        response.headers.remove(&HeaderName::VIA);
        for v in &vias[1..] {
            response.headers.push(HeaderName::VIA, v.as_str());
        }
        let next = Via::parse(&vias[1]).expect("next via parses");
        let target = self
            .via_hosts
            .iter()
            .find(|(h, _)| *h == next.host)
            .map(|(_, i)| *i)
            .expect("known via host");
        // Keep the header order of the original: Via first.
        let text = response.to_string();
        vec![(target, text)]
    }

    /// Checks digest credentials against the user table and the current nonce.
    fn verify(&self, creds: &bwclient_sip::Credentials, method: &str) -> bool {
        let (Some(username), Some(nonce), Some(uri), Some(response)) = (
            creds.param("username"),
            creds.param("nonce"),
            creds.param("uri"),
            creds.param("response"),
        ) else {
            return false;
        };
        let Some((_, password)) = self.users.iter().find(|(u, _)| u == username) else {
            return false;
        };
        let algorithm = creds
            .param("algorithm")
            .and_then(Algorithm::parse)
            .unwrap_or(Algorithm::Md5);
        let nc = creds
            .param("nc")
            .and_then(|nc| u32::from_str_radix(nc, 16).ok())
            .unwrap_or(0);
        let expected = digest::compute(&DigestInput {
            algorithm,
            username,
            realm: creds.param("realm").unwrap_or(""),
            password,
            method,
            uri,
            nonce,
            cnonce: creds.param("cnonce").unwrap_or(""),
            nc,
            qop_auth: creds.param("qop").is_some(),
        });
        nonce == self.nonce && expected == response
    }

    fn register(&mut self, from: usize, request: &Request) -> Response {
        self.registers.push(request.clone());
        if let Some(algorithm) = self.config.register_challenge {
            let ok = request
                .headers
                .get_all(&HeaderName::AUTHORIZATION)
                .filter_map(|v| Authorization::parse(v).ok())
                .any(|a| {
                    a.0.scheme.eq_ignore_ascii_case("Digest") && self.verify(&a.0, "REGISTER")
                });
            let stale = ok && std::mem::take(&mut self.config.stale_once);
            if stale {
                self.nonce = format!("{}-next", self.nonce);
            }
            if !ok || stale {
                let mut response = self.response(request, 401, "Unauthorized");
                let stale = if stale { ", stale=true" } else { "" };
                response.headers.push(
                    HeaderName::WWW_AUTHENTICATE,
                    format!(
                        "Digest realm=\"{REALM}\", nonce=\"{}\", qop=\"auth\", algorithm={}{stale}",
                        self.nonce,
                        algorithm.as_str()
                    ),
                );
                return response;
            }
        }
        let contact = request
            .headers
            .get(&HeaderName::CONTACT)
            .unwrap_or("")
            .to_owned();
        let asked: u32 = request
            .headers
            .get(&HeaderName::EXPIRES)
            .and_then(|e| e.trim().parse().ok())
            .unwrap_or(3600);
        if let Some(min) = self.config.min_expires {
            if asked > 0 && asked < min {
                let mut response = self.response(request, 423, "Interval Too Brief");
                response
                    .headers
                    .push(HeaderName::MIN_EXPIRES, min.to_string());
                return response;
            }
        }
        let aor_user = request
            .headers
            .typed::<bwclient_sip::ToHeader>()
            .and_then(Result::ok)
            .and_then(|t| t.0.uri.user)
            .unwrap_or_default();
        let contact_uri = bwclient_sip::Contact::parse(&contact)
            .ok()
            .and_then(|c| match c {
                bwclient_sip::Contact::Addr(a) => Some(a.uri),
                bwclient_sip::Contact::Star => None,
            });
        self.aors.retain(|(u, _)| *u != aor_user);
        self.contacts.retain(|(_, i, _)| *i != from);
        let mut response = self.response(request, 200, "OK");
        if asked > 0 {
            let granted = self.config.max_expires.map_or(asked, |m| m.min(asked));
            if let Some(uri) = contact_uri {
                self.aors.push((aor_user, from));
                self.contacts
                    .push((uri.user.clone().unwrap_or_default(), from, uri.to_string()));
                let bare = contact
                    .split(";expires=")
                    .next()
                    .unwrap_or(&contact)
                    .to_owned();
                response
                    .headers
                    .push(HeaderName::CONTACT, format!("{bare};expires={granted}"));
            }
        }
        response
    }
}

/// A minimal SDP offer/answer for tests (the core does not read SDP).
pub fn sdp(name: &str, direction: &str) -> String {
    format!(
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns={name}\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na={direction}\r\n"
    )
}

/// Alice and Bob, both registered.
pub fn alice_and_bob() -> (Net, usize, usize) {
    let mut net = Net::new(ProxyConfig::default());
    let alice = net.add_registered("alice", 11);
    let bob = net.add_registered("bob", 22);
    (net, alice, bob)
}

/// The call handle of the last IncomingCall event of agent `i`.
pub fn incoming_call(net: &Net, i: usize) -> bwclient_sip::CallHandle {
    net.agents[i]
        .events
        .iter()
        .rev()
        .find_map(|e| match e {
            Event::IncomingCall { call, .. } => Some(*call),
            _ => None,
        })
        .unwrap_or_else(|| {
            panic!(
                "no incoming call: {:?}\n{}",
                net.agents[i].events,
                net.dump()
            )
        })
}

/// `from` sends an INVITE to `user`@DOMAIN with a `sendrecv` offer named `offer`, and the
/// network runs until it is quiet. Returns the caller's call handle.
pub fn place_call(net: &mut Net, from: usize, user: &str, offer: &str) -> bwclient_sip::CallHandle {
    let now = net.now;
    let call = net
        .ua(from)
        .invite(
            now,
            Uri::sip(Some(user), DOMAIN),
            Some(sdp(offer, "sendrecv")),
            &[],
        )
        .expect("invite");
    net.drive();
    call
}

/// `from` calls `to` and `to` answers; both see the call connected. Events are cleared.
pub fn establish(
    net: &mut Net,
    from: usize,
    to: usize,
) -> (bwclient_sip::CallHandle, bwclient_sip::CallHandle) {
    let to_user = net.agents[to].name.clone();
    let caller = place_call(net, from, &to_user, "offer");
    let callee = incoming_call(net, to);
    let now = net.now;
    net.ua(to)
        .accept(now, callee, &sdp("answer", "sendrecv"))
        .expect("accept");
    net.drive();
    let answered = |events: &[Event], call| {
        events
            .iter()
            .any(|e| matches!(e, Event::Answered { call: c, .. } if *c == call))
    };
    assert!(answered(&net.agents[from].events, caller), "{}", net.dump());
    assert!(answered(&net.agents[to].events, callee), "{}", net.dump());
    net.agents[from].events.clear();
    net.agents[to].events.clear();
    (caller, callee)
}
