//! `soak`: 200 phones for SOAK minutes through bwclient-server (bench/soak.sh, bench/soak.mjs).
//!
//! ```text
//! bwclient-bench-loadgen soak --url ws://127.0.0.1:P/sip --host H --tokens FILE --pid PID
//!     [--phones 200] [--minutes 10] [--bad-every 20] [--sources 10]
//!     [--hold-ms 2000-6000] [--think-ms 1000-4000] [--sample-seconds 10]
//! ```
//!
//! Phone i is user `lg{i}` (token: line i of FILE) and connects from 127.0.0.{2 + i % sources}.
//! Every `bad_every`-th phone misbehaves (`bad.rs`: garbage or stall, alternately); the others
//! (`good.rs`) register and call one another. Calls start once every well-behaved phone has
//! registered (at most 20 s), run for `minutes`, then the calls in progress finish (at most
//! 90 s). Meanwhile the server's RSS (`VmRSS` of /proc/PID/status) and CPU time (utime +
//! stime) are sampled every `sample_seconds` and a progress line goes to stderr each minute.
//! Prints one JSON object on stdout.
mod bad;
mod good;
mod ledger;
mod link;
mod sip_text;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ledger::Ledger;
use link::Res;

/// xorshift64*: the soak needs variety, not cryptographic randomness (no extra crate).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.next() % (hi - lo + 1)
    }
}

/// Phases of the run.
const RAMP: u8 = 0;
const CALLING: u8 = 1;
const DRAINING: u8 = 2;
const CLOSING: u8 = 3;

/// What every phone shares.
pub struct Ctx {
    pub url: String,
    pub host: String,
    pub tokens: Vec<String>,
    pub run_tag: u64,
    sources: usize,
    pub hold_ms: (u64, u64),
    pub think_ms: (u64, u64),
    pub good: Vec<usize>,
    pub stall: Vec<usize>,
    pub ledger: Ledger,
    pub registered: AtomicU64,
    phase: AtomicU8,
}

impl Ctx {
    pub fn source_for(&self, idx: usize) -> Ipv4Addr {
        Ipv4Addr::new(127, 0, 0, 2 + (idx % self.sources) as u8)
    }
    pub fn calling_started(&self) -> bool {
        self.phase.load(Ordering::Relaxed) >= CALLING
    }
    pub fn calling_over(&self) -> bool {
        self.phase.load(Ordering::Relaxed) >= DRAINING
    }
    pub async fn wait_closing(&self) {
        while self.phase.load(Ordering::Relaxed) < CLOSING {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    pub async fn sleep_unless_over(&self, d: Duration) {
        let until = Instant::now() + d;
        while Instant::now() < until && !self.calling_over() {
            tokio::time::sleep(Duration::from_millis(250).min(until - Instant::now())).await;
        }
    }
}

fn range(kv: &HashMap<String, String>, k: &str, d: (u64, u64)) -> Res<(u64, u64)> {
    match kv.get(k) {
        None => Ok(d),
        Some(v) => {
            let (a, b) = v.split_once('-').ok_or(format!("--{k} LO-HI"))?;
            Ok((
                a.parse().map_err(|_| format!("--{k}"))?,
                b.parse().map_err(|_| format!("--{k}"))?,
            ))
        }
    }
}

fn num(kv: &HashMap<String, String>, k: &str, d: f64) -> Res<f64> {
    kv.get(k).map_or(Ok(d), |v| {
        v.parse().map_err(|_| format!("--{k}: not a number"))
    })
}

/// Resident memory of one process, KiB (`VmRSS` in /proc/PID/status).
fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// The soak's longest possible run, for main's hard limit.
pub fn limit_seconds(kv: &HashMap<String, String>) -> f64 {
    num(kv, "minutes", 10.0).unwrap_or(10.0).clamp(0.1, 240.0) * 60.0 + 240.0
}

pub async fn run(url: String, host: String, kv: HashMap<String, String>) -> Res<String> {
    let pid: u32 = kv
        .get("pid")
        .and_then(|p| p.parse().ok())
        .ok_or("--pid of the server is needed")?;
    let tokens_file = kv.get("tokens").ok_or("--tokens FILE is needed")?;
    let tokens: Vec<String> = std::fs::read_to_string(tokens_file)
        .map_err(|e| format!("{tokens_file}: {e}"))?
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    let phones = num(&kv, "phones", 200.0)? as usize;
    if tokens.len() < phones {
        return Err(format!("{} tokens for {phones} phones", tokens.len()));
    }
    let minutes = num(&kv, "minutes", 10.0)?.clamp(0.1, 240.0);
    let bad_every = num(&kv, "bad-every", 20.0)? as usize;
    let sources = (num(&kv, "sources", 10.0)? as usize).clamp(1, 250);
    let sample_s = num(&kv, "sample-seconds", 10.0)?.max(1.0);
    let (mut good, mut garbage, mut stall) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..phones {
        if bad_every > 0 && i % bad_every == bad_every - 1 {
            if (i / bad_every).is_multiple_of(2) {
                garbage.push(i)
            } else {
                stall.push(i)
            }
        } else {
            good.push(i);
        }
    }
    let run_tag = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() % 100_000)
        .unwrap_or(0);
    let ctx = Arc::new(Ctx {
        url,
        host,
        tokens,
        run_tag,
        sources,
        hold_ms: range(&kv, "hold-ms", (2000, 6000))?,
        think_ms: range(&kv, "think-ms", (1000, 4000))?,
        good: good.clone(),
        stall: stall.clone(),
        ledger: Ledger::new(),
        registered: AtomicU64::new(0),
        phase: AtomicU8::new(RAMP),
    });
    let mut tasks = Vec::new();
    for &i in &good {
        tasks.push(tokio::spawn(good::run(ctx.clone(), i)));
    }
    for &i in &garbage {
        tasks.push(tokio::spawn(bad::garbage(ctx.clone(), i)));
    }
    for &i in &stall {
        tasks.push(tokio::spawn(bad::stall(ctx.clone(), i)));
    }

    // Ramp: every well-behaved phone registered, or 20 s.
    let t_ramp = Instant::now();
    while (ctx.registered.load(Ordering::Relaxed) as usize) < good.len()
        && t_ramp.elapsed() < Duration::from_secs(20)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ramp_seconds = t_ramp.elapsed().as_secs_f64();
    let registered_at_start = ctx.registered.load(Ordering::Relaxed);
    eprintln!("[soak] {registered_at_start}/{} well-behaved phones registered in {ramp_seconds:.1} s; calling for {minutes} min", good.len());
    ctx.phase.store(CALLING, Ordering::Relaxed);

    let pids = || crate::process_tree(pid);
    let own = std::process::id();
    let t0 = Instant::now();
    let cpu0 = crate::cpu_seconds(&pids());
    let own_cpu0 = crate::cpu_seconds(&[own]);
    let total = Duration::from_secs_f64(minutes * 60.0);
    let mut samples: Vec<(f64, u64, f64)> = Vec::new();
    let mut next_sample = Duration::ZERO;
    let mut next_progress = Duration::from_secs(60);
    let mut server_gone = false;
    loop {
        let now = t0.elapsed();
        if now >= next_sample {
            match rss_kib(pid) {
                Some(rss) => samples.push((
                    next_sample.as_secs_f64(),
                    rss,
                    crate::cpu_seconds(&pids()) - cpu0,
                )),
                None => server_gone = true,
            }
            next_sample += Duration::from_secs_f64(sample_s);
        }
        if now >= next_progress || now >= total {
            let t = ctx.ledger.totals();
            let c = &ctx.ledger.counters;
            let (rss, cpu) = samples.last().map(|s| (s.1, s.2)).unwrap_or((0, 0.0));
            eprintln!(
                "[soak] {:.1}/{minutes} min: calls {} attempted, {} completed, {} failed, {} in progress; server RSS {rss} KiB, CPU {cpu:.1} s ({:.0} %); good reconnects {}; bad: {} junk frames, {} connects, {} closed by the server",
                now.as_secs_f64() / 60.0, t.attempted, t.completed, t.failed, t.open,
                100.0 * cpu / now.as_secs_f64().max(1.0),
                c.good_disconnects.load(Ordering::Relaxed), c.junk_frames.load(Ordering::Relaxed),
                c.bad_connects.load(Ordering::Relaxed), c.bad_closed_by_server.load(Ordering::Relaxed),
            );
            next_progress += Duration::from_secs(60);
        }
        if now >= total || server_gone {
            break;
        }
        let wake = next_sample.min(next_progress).min(total);
        tokio::time::sleep(
            wake.saturating_sub(t0.elapsed())
                .max(Duration::from_millis(10)),
        )
        .await;
    }
    let calling_seconds = t0.elapsed().as_secs_f64();
    let server_cpu = crate::cpu_seconds(&pids()) - cpu0;
    ctx.phase.store(DRAINING, Ordering::Relaxed);
    // Drain: calls in progress finish (each is bounded by its transactions' 32 s waits).
    let t_drain = Instant::now();
    while ctx.ledger.totals().open > 0 && t_drain.elapsed() < Duration::from_secs(90) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let drain_seconds = t_drain.elapsed().as_secs_f64();
    let rss_after_drain = rss_kib(pid);
    ctx.phase.store(CLOSING, Ordering::Relaxed);
    for t in tasks {
        if tokio::time::timeout(Duration::from_secs(5), t)
            .await
            .is_err()
        {
            break;
        }
    }
    let own_cpu = crate::cpu_seconds(&[own]) - own_cpu0;

    let totals = ctx.ledger.totals();
    let c = &ctx.ledger.counters;
    let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let mut j = String::new();
    let _ = write!(
        j,
        "{{\"mode\":\"soak\",\"phones\":{phones},\"wellBehaved\":{},\"garbage\":{},\"stall\":{},\"badEvery\":{bad_every},\"sources\":{sources},\
         \"sourceAddresses\":\"127.0.0.2-127.0.0.{}\",\"minutes\":{minutes},\"holdMs\":[{},{}],\"thinkMs\":[{},{}],\
         \"rampSeconds\":{ramp_seconds:.2},\"registeredAtStart\":{registered_at_start},\"callingSeconds\":{calling_seconds:.1},\"drainSeconds\":{drain_seconds:.1},\
         \"calls\":{{\"attempted\":{},\"completed\":{},\"failed\":{},\"unfinished\":{}}},\"reasons\":{{",
        good.len(), garbage.len(), stall.len(), 1 + sources,
        ctx.hold_ms.0, ctx.hold_ms.1, ctx.think_ms.0, ctx.think_ms.1,
        totals.attempted, totals.completed, totals.failed, totals.open,
    );
    let reasons: Vec<String> = totals
        .reasons
        .iter()
        .map(|(r, n)| format!("{r:?}:{n}"))
        .collect();
    j.push_str(&reasons.join(","));
    j.push_str("},\"firstFailures\":[");
    let firsts: Vec<String> = ctx
        .ledger
        .first_failures()
        .iter()
        .map(|(t, id, r)| format!("[{t:.1},{id:?},{r:?}]"))
        .collect();
    j.push_str(&firsts.join(","));
    let _ = write!(
        j,
        "],\"counters\":{{\"goodRegisters\":{},\"goodRegisterFailures\":{},\"goodDisconnects\":{},\"badConnects\":{},\"badConnectFailures\":{},\
         \"badClosedByServer\":{},\"junkFrames\":{},\"junkAnswers\":{},\"stalls\":{},\"stallCallsAnswered\":{},\"uncountedInvites\":{}}},\
         \"serverGone\":{server_gone},\"serverCpuSeconds\":{server_cpu:.2},\"serverCpuUtilisation\":{:.3},\"loadgenCpuSeconds\":{own_cpu:.2},\
         \"rssAfterDrainKiB\":{},\"samples\":[",
        g(&c.good_registers), g(&c.good_register_failures), g(&c.good_disconnects), g(&c.bad_connects), g(&c.bad_connect_failures),
        g(&c.bad_closed_by_server), g(&c.junk_frames), g(&c.junk_answers), g(&c.stalls), g(&c.stall_calls_answered), g(&c.uncounted_invites),
        server_cpu / calling_seconds.max(1.0),
        rss_after_drain.map_or("null".to_owned(), |v| v.to_string()),
    );
    let s: Vec<String> = samples
        .iter()
        .map(|(t, rss, cpu)| format!("[{t:.0},{rss},{cpu:.2}]"))
        .collect();
    j.push_str(&s.join(","));
    j.push_str("]}");
    Ok(j)
}
