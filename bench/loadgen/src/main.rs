//! Load generator for the server-load benchmark (bench/run.sh, bench/load.mjs).
//!
//! ```text
//! bwclient-bench-loadgen rate --url ws://127.0.0.1:P/sip --host H --secret S --auth token|digest
//!     --users U --conns C --warmup S --duration S --pid PID [--max-rate-per-conn R]
//! bwclient-bench-loadgen hold --url ws://127.0.0.1:P/sip --host H --secret S --auth token|digest
//!     --users U --conns C --pid PID [--concurrency N] [--settle S] [--deadline S]
//! bwclient-bench-loadgen soak --url ws://127.0.0.1:P/sip --host H --tokens FILE --pid PID
//!     [--phones 200] [--minutes 10] [--bad-every 20] [--sources 10] (see src/soak/mod.rs)
//! ```
//!
//! - `rate`: C connections each REGISTER in a closed loop (the next REGISTER once the previous
//!   one is answered; at most R per second per connection so bwclient-server's per-connection
//!   rate limit never answers 503). Credentials: `X-Callsign-Token` (`token`), or digest with
//!   the token's `auth_ephemeral` username/password (`digest`: one 401 per connection, then the
//!   nonce is reused with a growing `nc`, as RFC 7616 §3.4 allows). After `warmup` seconds it
//!   measures for `duration` seconds: 200 OKs, other answers, REGISTER round-trip times, and
//!   the CPU time (utime + stime from /proc/<pid>/stat) of the server process and all its
//!   descendants (Kamailio is several processes).
//! - `hold`: opens C connections (at most N handshakes at once), registers each once and keeps
//!   it open (answering pings) while it reads the server's resident memory (RSS and PSS, summed
//!   over the process tree) before and after; then closes them all.
//!
//! - `soak`: phones registering and calling one another for minutes while some misbehave, the
//!   server's RSS and CPU sampled every 10 s (`src/soak/`, run by bench/soak.sh).
//!
//! Users are `lg0..lg{U-1}@H` (connection i is user i % U, with its own Contact and Call-ID).
//! Prints one JSON object on stdout. Exits by itself: every phase has a deadline.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bwclient_sip::auth::challenge::DigestChallenge;
use bwclient_sip::header::typed::{Authorization, WwwAuthenticate};
use bwclient_sip::token::Token;
use bwclient_sip::{Message, TypedHeader};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::{watch, Semaphore};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Res<T> = Result<T, String>;

mod soak;

#[derive(Clone)]
struct Opts {
    mode: String,
    url: String,
    host: String,
    secret: String,
    /// A file of tokens minted by the server (one per line, line i for lg{i}): bwclient-server
    /// accepts only tokens it minted and recorded (issue 11, hole 4).
    tokens: Option<String>,
    digest: bool,
    users: usize,
    conns: usize,
    warmup: f64,
    duration: f64,
    pid: Option<u32>,
    max_rate: f64,
    concurrency: usize,
    settle: f64,
    deadline: f64,
    /// Every `--key value` given (the soak mode reads its own).
    extra: HashMap<String, String>,
}

fn parse_opts() -> Res<Opts> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().ok_or("usage: rate|hold --url …")?;
    let mut kv = HashMap::new();
    while let Some(k) = args.next() {
        let v = args.next().ok_or(format!("{k} needs a value"))?;
        kv.insert(k.trim_start_matches("--").to_owned(), v);
    }
    let get = |k: &str, d: &str| kv.get(k).cloned().unwrap_or_else(|| d.to_owned());
    let num = |k: &str, d: &str| -> Res<f64> {
        get(k, d).parse::<f64>().map_err(|_| format!("--{k}: not a number"))
    };
    let url = get("url", "");
    // Loopback only: this tool never loads anything but the local machine.
    let hostport = url
        .strip_prefix("ws://")
        .ok_or("--url must be ws://127.0.0.1:PORT/…")?;
    if !(hostport.starts_with("127.") || hostport.starts_with("localhost:") || hostport.starts_with("[::1]")) {
        return Err(format!("refusing non-loopback url {url}"));
    }
    let auth = get("auth", "token");
    Ok(Opts {
        mode,
        url,
        host: get("host", "bench.bwclient.test"),
        secret: get("secret", ""),
        tokens: kv.get("tokens").cloned(),
        digest: match auth.as_str() {
            "token" => false,
            "digest" => true,
            other => return Err(format!("--auth {other}: token or digest")),
        },
        users: num("users", "500")?.max(1.0) as usize,
        conns: (num("conns", "1000")? as usize).min(20_000),
        warmup: num("warmup", "2")?.min(30.0),
        duration: num("duration", "5")?.min(60.0),
        pid: kv.get("pid").and_then(|p| p.parse().ok()),
        max_rate: num("max-rate-per-conn", "40")?,
        concurrency: num("concurrency", "200")?.max(1.0) as usize,
        settle: num("settle", "3")?.min(30.0),
        deadline: num("deadline", "120")?.min(300.0),
        extra: kv.clone(),
    })
}

// ------------------------------------------------------------------ /proc readings

/// The process and all its descendants.
fn process_tree(root: u32) -> Vec<u32> {
    let mut parent = HashMap::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
            if let Some(ppid) = stat_fields(pid).and_then(|f| f.get(1).and_then(|p| p.parse::<u32>().ok())) {
                parent.insert(pid, ppid);
            }
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(parent.iter().filter(|(_, &pp)| pp == p).map(|(&c, _)| c));
        i += 1;
    }
    out
}

/// Fields of /proc/<pid>/stat after the command name: [state, ppid, …].
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &s[s.rfind(')')? + 2..];
    Some(rest.split_whitespace().map(str::to_owned).collect())
}

/// utime + stime of a process tree, in seconds (clock ticks of 1/100 s).
fn cpu_seconds(pids: &[u32]) -> f64 {
    let ticks: u64 = pids
        .iter()
        .filter_map(|&p| stat_fields(p))
        // After the name: state(0) ppid(1) … utime(11) stime(12).
        .map(|f| f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0) + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0))
        .sum();
    ticks as f64 / 100.0
}

/// (RSS, PSS) of a process tree, KiB.
fn memory_kib(pids: &[u32]) -> (u64, u64) {
    let mut rss = 0;
    let mut pss = 0;
    for p in pids {
        if let Ok(s) = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")) {
            for line in s.lines() {
                let mut f = line.split_whitespace();
                match (f.next(), f.next().and_then(|v| v.parse::<u64>().ok())) {
                    (Some("Rss:"), Some(v)) => rss += v,
                    (Some("Pss:"), Some(v)) => pss += v,
                    _ => {}
                }
            }
        }
    }
    (rss, pss)
}

// ------------------------------------------------------------------ SIP over WebSocket

struct Ua {
    ws: Ws,
    user: String,
    host: String,
    call_id: String,
    contact: String,
    cseq: u32,
    token: Arc<Token>,
    digest: bool,
    challenge: Option<DigestChallenge>,
    nc: u32,
    challenges: u64,
}

fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

async fn connect(url: &str) -> Res<Ws> {
    let mut req = url.into_client_request().map_err(|e| e.to_string())?;
    req.headers_mut().insert("Sec-WebSocket-Protocol", HeaderValue::from_static("sip"));
    let mut cfg = WebSocketConfig::default();
    cfg.read_buffer_size = 8 * 1024;
    cfg.write_buffer_size = 0;
    let (ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(cfg), true)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    Ok(ws)
}

impl Ua {
    fn register_text(&mut self) -> String {
        self.cseq += 1;
        let (user, host, cseq, call_id, contact) = (&self.user, &self.host, self.cseq, &self.call_id, &self.contact);
        let mut auth = String::new();
        if self.digest {
            if let Some(ch) = &self.challenge {
                self.nc += 1;
                let creds = ch.answer(
                    &self.token.digest_username(),
                    &self.token.digest_password(),
                    "REGISTER",
                    &format!("sip:{host}"),
                    self.nc,
                    "0a4f113b",
                );
                auth.push_str("Authorization: ");
                Authorization(creds).print(&mut auth);
                auth.push_str("\r\n");
            }
        } else {
            auth = format!("X-Callsign-Token: {}\r\n", self.token.as_str());
        }
        format!(
            "REGISTER sip:{host} SIP/2.0\r\n\
             Via: SIP/2.0/WS {call_id}.invalid;branch=z9hG4bK{call_id}x{cseq}\r\n\
             Max-Forwards: 70\r\n\
             To: <sip:{user}@{host}>\r\n\
             From: <sip:{user}@{host}>;tag=t{call_id}\r\n\
             Call-ID: {call_id}\r\n\
             CSeq: {cseq} REGISTER\r\n\
             Contact: <{contact}>;expires=600\r\n\
             Expires: 600\r\n\
             Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\n\
             Supported: path,gruu,outbound\r\n\
             User-Agent: bwclient-bench-loadgen\r\n\
             {auth}\
             Content-Length: 0\r\n\r\n"
        )
    }

    /// The final response's status code (provisional ones skipped).
    async fn transact(&mut self, text: String) -> Res<(u16, Option<Message>)> {
        self.ws.send(WsMessage::text(text)).await.map_err(|e| format!("send: {e}"))?;
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .map_err(|_| "no answer in 10 s".to_owned())?
                .ok_or("closed")?
                .map_err(|e| format!("recv: {e}"))?;
            let bytes = match frame {
                WsMessage::Text(t) => t.as_bytes().to_vec(),
                WsMessage::Binary(b) => b.to_vec(),
                WsMessage::Close(_) => return Err("closed by server".into()),
                _ => continue,
            };
            // Only the status line matters unless it is a challenge.
            let code: u16 = bytes.get(8..11).and_then(|c| std::str::from_utf8(c).ok()).and_then(|c| c.parse().ok()).unwrap_or(0);
            if !bytes.starts_with(b"SIP/2.0 ") || code < 200 {
                continue;
            }
            let msg = if code == 401 { Message::parse(&bytes).ok() } else { None };
            return Ok((code, msg));
        }
    }

    /// One authenticated REGISTER: answers a 401 once (counted in `challenges`). Returns the
    /// final code.
    async fn register(&mut self) -> Res<u16> {
        let text = self.register_text();
        let (code, msg) = self.transact(text).await?;
        if code != 401 || !self.digest {
            return Ok(code);
        }
        self.challenges += 1;
        let Some(Message::Response(r)) = msg else { return Ok(code) };
        let challenges: Vec<_> = r
            .headers
            .typed_all::<WwwAuthenticate>()
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|w| w.0)
            .collect();
        // MD5, the algorithm both servers offer (Kamailio's profile offers only MD5).
        let ch = challenges
            .iter()
            .filter_map(|c| DigestChallenge::from_challenge(c, false))
            .find(|c| c.algorithm.as_str().eq_ignore_ascii_case("MD5"))
            .ok_or("no MD5 digest challenge")?;
        self.challenge = Some(ch);
        self.nc = 0;
        let text = self.register_text();
        Ok(self.transact(text).await?.0)
    }
}

struct Users {
    tokens: Vec<Arc<Token>>,
}

impl Users {
    fn new(o: &Opts) -> Users {
        if let Some(path) = &o.tokens {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let tokens: Vec<Arc<Token>> = text
                .lines()
                .filter_map(|line| Token::parse(line.trim()).ok())
                .map(Arc::new)
                .collect();
            if !tokens.is_empty() {
                return Users { tokens };
            }
        }
        let expires = now_unix() + 3600;
        let tokens = (0..o.users)
            .map(|i| Arc::new(Token::mint(o.secret.as_bytes(), expires, &format!("lg{i}"), &o.host, &o.url)))
            .collect();
        Users { tokens }
    }
}

async fn new_ua(o: &Opts, users: &Users, i: usize) -> Res<Ua> {
    let ws = connect(&o.url).await?;
    let u = i % o.users;
    Ok(Ua {
        ws,
        user: format!("lg{u}"),
        host: o.host.clone(),
        call_id: format!("lg{i}c{}", now_unix() % 100_000),
        contact: format!("sip:lg{u}@c{i}.invalid;transport=ws"),
        cseq: 0,
        token: users.tokens[u].clone(),
        digest: o.digest,
        challenge: None,
        nc: 0,
        challenges: 0,
    })
}

// ------------------------------------------------------------------ rate

#[derive(Default)]
struct Counters {
    /// 401s answered inside the measured window (a reused nonce refused costs a round trip).
    challenges: AtomicU64,
    ok: AtomicU64,
    other: AtomicU64,
    errors: AtomicU64,
}

async fn rate(o: Opts) -> Res<String> {
    let users = Arc::new(Users::new(&o));
    let counters = Arc::new(Counters::default());
    let measuring = Arc::new(AtomicBool::new(false));
    let (stop_tx, stop_rx) = watch::channel(false);
    let gate = Arc::new(Semaphore::new(o.concurrency));
    let mut tasks = Vec::new();
    let t_start = Instant::now();
    for i in 0..o.conns {
        let (o, users, counters, measuring, mut stop, gate) =
            (o.clone(), users.clone(), counters.clone(), measuring.clone(), stop_rx.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat_us: Vec<u32> = Vec::new();
            let permit = gate.acquire_owned().await;
            let mut ua = match new_ua(&o, &users, i).await {
                Ok(ua) => ua,
                Err(_) => {
                    counters.errors.fetch_add(1, Ordering::Relaxed);
                    return lat_us;
                }
            };
            drop(permit);
            let min_gap = Duration::from_secs_f64(1.0 / o.max_rate.max(0.1));
            loop {
                if *stop.borrow() {
                    break;
                }
                let t0 = Instant::now();
                let before = ua.challenges;
                let r = tokio::select! {
                    r = ua.register() => r,
                    _ = stop.changed() => break,
                };
                let counted = measuring.load(Ordering::Relaxed);
                if counted {
                    counters.challenges.fetch_add(ua.challenges - before, Ordering::Relaxed);
                }
                match r {
                    Ok(200) => {
                        if counted {
                            counters.ok.fetch_add(1, Ordering::Relaxed);
                            lat_us.push(t0.elapsed().as_micros().min(u32::MAX as u128) as u32);
                        }
                    }
                    Ok(_) => {
                        if counted {
                            counters.other.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Err(_) => {
                        counters.errors.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
                let spent = t0.elapsed();
                if spent < min_gap {
                    tokio::select! {
                        _ = tokio::time::sleep(min_gap - spent) => {},
                        _ = stop.changed() => break,
                    }
                }
            }
            let _ = ua.ws.close(None).await;
            lat_us
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(o.warmup)).await;
    let pids = o.pid.map(process_tree).unwrap_or_default();
    let cpu0 = cpu_seconds(&pids);
    let t0 = Instant::now();
    measuring.store(true, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs_f64(o.duration)).await;
    measuring.store(false, Ordering::Relaxed);
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds(&pids) - cpu0;
    let ok = counters.ok.load(Ordering::Relaxed);
    let other = counters.other.load(Ordering::Relaxed);
    let _ = stop_tx.send(true);
    let mut lat: Vec<u32> = Vec::new();
    for t in tasks {
        if let Ok(Ok(v)) = tokio::time::timeout(Duration::from_secs(15), t).await {
            lat.extend(v);
        }
    }
    lat.sort_unstable();
    let pct = |p: f64| lat.get(((lat.len() as f64 - 1.0) * p).round() as usize).map(|v| *v as f64 / 1000.0).unwrap_or(f64::NAN);
    Ok(format!(
        "{{\"mode\":\"rate\",\"auth\":\"{}\",\"conns\":{},\"users\":{},\"processes\":{},\"wallSeconds\":{wall:.3},\"cpuSeconds\":{cpu:.3},\"ok\":{ok},\"challenged\":{},\"other\":{other},\"errors\":{},\"perSecond\":{:.1},\"perCpuSecond\":{:.1},\"cpuUtilisation\":{:.3},\"latencyMs\":{{\"p50\":{:.3},\"p95\":{:.3},\"p99\":{:.3}}},\"totalSeconds\":{:.2}}}",
        if o.digest { "digest" } else { "token" },
        o.conns,
        o.users,
        pids.len(),
        counters.challenges.load(Ordering::Relaxed),
        counters.errors.load(Ordering::Relaxed),
        ok as f64 / wall,
        if cpu > 0.0 { ok as f64 / cpu } else { 0.0 },
        cpu / wall,
        pct(0.5),
        pct(0.95),
        pct(0.99),
        t_start.elapsed().as_secs_f64(),
    ))
}

// ------------------------------------------------------------------ hold

async fn hold(o: Opts) -> Res<String> {
    let users = Arc::new(Users::new(&o));
    let pids = o.pid.map(process_tree).unwrap_or_default();
    let (rss0, pss0) = memory_kib(&pids);
    let registered = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let (stop_tx, stop_rx) = watch::channel(false);
    let gate = Arc::new(Semaphore::new(o.concurrency));
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_secs_f64(o.deadline);
    let first_error: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
    let mut tasks = Vec::with_capacity(o.conns);
    for i in 0..o.conns {
        let (o, users, registered, failed, mut stop, gate, first_error) = (
            o.clone(), users.clone(), registered.clone(), failed.clone(), stop_rx.clone(), gate.clone(), first_error.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let permit = gate.acquire_owned().await;
            let fail = |e: String| {
                failed.fetch_add(1, Ordering::Relaxed);
                let mut f = first_error.lock().unwrap_or_else(|p| p.into_inner());
                f.get_or_insert(e);
            };
            let mut ua = match tokio::time::timeout(Duration::from_secs(20), new_ua(&o, &users, i)).await {
                Ok(Ok(ua)) => ua,
                Ok(Err(e)) => return fail(e),
                Err(_) => return fail("connect timed out".into()),
            };
            match ua.register().await {
                Ok(200) => {
                    registered.fetch_add(1, Ordering::Relaxed);
                }
                Ok(code) => return fail(format!("REGISTER answered {code}")),
                Err(e) => return fail(e),
            }
            drop(permit);
            // Hold: keep reading (answers the servers' pings) until told to close.
            loop {
                tokio::select! {
                    _ = stop.changed() => break,
                    f = ua.ws.next() => match f {
                        Some(Ok(_)) => {}
                        _ => { fail("closed while held".into()); return; }
                    }
                }
            }
            let _ = tokio::time::timeout(Duration::from_secs(5), ua.ws.close(None)).await;
        }));
    }
    // Wait for every connection to be registered or failed (bounded).
    loop {
        let done = registered.load(Ordering::Relaxed) + failed.load(Ordering::Relaxed);
        if done as usize >= o.conns || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ramp = t0.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs_f64(o.settle)).await;
    let held = registered.load(Ordering::Relaxed);
    let pids_now = o.pid.map(process_tree).unwrap_or_default();
    let (rss1, pss1) = memory_kib(&pids_now);
    let failures = failed.load(Ordering::Relaxed);
    let _ = stop_tx.send(true);
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
    }
    let err = first_error.lock().map(|mut m| m.take()).ok().flatten().unwrap_or_default();
    let per = |a: u64, b: u64| if held > 0 { (b as f64 - a as f64) / held as f64 } else { 0.0 };
    Ok(format!(
        "{{\"mode\":\"hold\",\"auth\":\"{}\",\"conns\":{},\"users\":{},\"processes\":{},\"held\":{held},\"failed\":{failures},\"firstError\":{:?},\"rampSeconds\":{ramp:.2},\"rssKiB\":[{rss0},{rss1}],\"pssKiB\":[{pss0},{pss1}],\"rssKiBPerConn\":{:.2},\"pssKiBPerConn\":{:.2}}}",
        if o.digest { "digest" } else { "token" },
        o.conns,
        o.users,
        pids_now.len(),
        err,
        per(rss0, rss1),
        per(pss0, pss1),
    ))
}

fn main() {
    let o = match parse_opts() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("loadgen: {e}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    // A hard bound on the whole run, whatever happens.
    let limit = if o.mode == "soak" {
        Duration::from_secs_f64(soak::limit_seconds(&o.extra))
    } else {
        Duration::from_secs_f64(o.warmup + o.duration + o.deadline + o.settle + 60.0)
    };
    let mode = o.mode.clone();
    let out = rt.block_on(async move {
        let work = async move {
            match mode.as_str() {
                "rate" => rate(o).await,
                "hold" => hold(o).await,
                "soak" => soak::run(o.url, o.host, o.extra).await,
                m => Err(format!("unknown mode {m}")),
            }
        };
        tokio::time::timeout(limit, work).await.unwrap_or_else(|_| Err("overall time limit reached".into()))
    });
    match out {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("loadgen: {e}");
            std::process::exit(1);
        }
    }
    rt.shutdown_timeout(Duration::from_secs(2));
}
