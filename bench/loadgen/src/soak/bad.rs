//! The misbehaving phones, one connection in `bad_every`: half send garbage, half stall.
//!
//! - Garbage: connects (three times in four it registers first), then sends a junk frame every
//!   100–300 ms for 20–40 s: random binary, random text, truncated SIP, duplicated Call-ID,
//!   a message over the server's message size (64 KiB, `513`), now and then a frame over its
//!   frame size (256 KiB: the server closes the connection), a response to no transaction,
//!   a BYE with a forged flow token, a burst of keep-alives over the rate limit, a header of
//!   60 KiB, control characters, INVITEs to the stalling phones. It reads and discards what
//!   comes back. Then it reconnects.
//! - Stall: in turn (a) connects and sends nothing (the auth deadline closes it), (b)
//!   registers, INVITEs a well-behaved phone, and once answered stops reading and writing
//!   (never ACKs) for 30–60 s, (c) registers and stops reading for 30–60 s while garbage
//!   phones INVITE it. Then it drops the TCP connection and starts again.
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message as WsMessage;

use super::ledger::Counters;
use super::link::{connect_from, Ws};
use super::{Ctx, Rng};

fn register_text(ctx: &Ctx, idx: usize, n: u64) -> String {
    let host = &ctx.host;
    let token = &ctx.tokens[idx % ctx.tokens.len()];
    format!(
        "REGISTER sip:{host} SIP/2.0\r\n\
         Via: SIP/2.0/WS b{idx}.invalid;branch=z9hG4bKb{idx}r{n}\r\n\
         Max-Forwards: 70\r\n\
         To: <sip:lg{idx}@{host}>\r\n\
         From: <sip:lg{idx}@{host}>;tag=b{idx}\r\n\
         Call-ID: bad-{idx}-{n}\r\n\
         CSeq: {n} REGISTER\r\n\
         Contact: <sip:lg{idx}@b{idx}n{n}.invalid;transport=ws>;expires=600\r\n\
         X-Callsign-Token: {token}\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

fn invite_text(ctx: &Ctx, idx: usize, peer: usize, n: u64) -> String {
    let host = &ctx.host;
    let body = super::sip_text::sdp(n, 40_000);
    format!(
        "INVITE sip:lg{peer}@{host} SIP/2.0\r\n\
         Via: SIP/2.0/WS b{idx}.invalid;branch=z9hG4bKb{idx}i{n}\r\n\
         Max-Forwards: 70\r\n\
         To: <sip:lg{peer}@{host}>\r\n\
         From: <sip:lg{idx}@{host}>;tag=bi{n}\r\n\
         Call-ID: bad-{idx}-inv-{n}\r\n\
         CSeq: 1 INVITE\r\n\
         Contact: <sip:lg{idx}@b{idx}.invalid;transport=ws>\r\n\
         Content-Type: application/sdp\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Registers on `ws` and waits (bounded) for the 200.
async fn register(ws: &mut Ws, ctx: &Ctx, idx: usize, n: u64) -> bool {
    if ws
        .send(WsMessage::text(register_text(ctx, idx, n)))
        .await
        .is_err()
    {
        return false;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Ok(Some(Ok(f))) = tokio::time::timeout_at(deadline.into(), ws.next()).await {
        if let WsMessage::Text(t) = f {
            if t.as_str().starts_with("SIP/2.0 200") && t.as_str().contains("REGISTER") {
                return true;
            }
        }
    }
    false
}

/// One junk frame (see the module docs).
fn junk(ctx: &Ctx, idx: usize, rng: &mut Rng, n: u64) -> Vec<WsMessage> {
    let host = &ctx.host;
    let pick = rng.next() % 100;
    let text = |s: String| vec![WsMessage::text(s)];
    match pick {
        0..=14 => {
            let len = rng.between(1, 4096) as usize;
            vec![WsMessage::binary((0..len).map(|_| rng.next() as u8).collect::<Vec<u8>>())]
        }
        15..=24 => {
            let len = rng.between(1, 2000) as usize;
            text((0..len).map(|_| (32 + rng.next() % 95) as u8 as char).collect())
        }
        25..=34 => text(format!("INVITE sip:lg0@{host} SIP/2.0\r\nVia: SIP/2.0/WS x;branch=z9hG4bKt{n}\r\nCall-ID:")),
        35..=44 => text(format!(
            "OPTIONS sip:lg0@{host} SIP/2.0\r\nVia: SIP/2.0/WS b.invalid;branch=z9hG4bKd{n}\r\nMax-Forwards: 70\r\n\
             To: <sip:lg0@{host}>\r\nFrom: <sip:lg{idx}@{host}>;tag=d\r\nCall-ID: a{n}\r\nCall-ID: b{n}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        )),
        45..=49 => {
            let body = "a".repeat(100 * 1024);
            text(format!(
                "MESSAGE sip:lg0@{host} SIP/2.0\r\nVia: SIP/2.0/WS b.invalid;branch=z9hG4bKo{n}\r\nMax-Forwards: 70\r\n\
                 To: <sip:lg0@{host}>\r\nFrom: <sip:lg{idx}@{host}>;tag=o\r\nCall-ID: o{n}\r\nCSeq: 1 MESSAGE\r\n\
                 Content-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ))
        }
        50..=51 => vec![WsMessage::binary(vec![b'X'; 300 * 1024])],
        52..=59 => text(format!(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/WS nowhere.invalid;branch=z9hG4bKn{n}\r\nTo: <sip:lg1@{host}>;tag=x\r\n\
             From: <sip:lg2@{host}>;tag=y\r\nCall-ID: none{n}\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
        )),
        60..=67 => text(format!(
            "BYE sip:lg1@s1.invalid;transport=ws SIP/2.0\r\nVia: SIP/2.0/WS b.invalid;branch=z9hG4bKf{n}\r\n\
             Route: <sip:bwclient.invalid;transport=ws;lr;flow=AAAAforged{n}>\r\nMax-Forwards: 70\r\n\
             To: <sip:lg1@{host}>;tag=x\r\nFrom: <sip:lg{idx}@{host}>;tag=y\r\nCall-ID: 1.{n}.2000.C@soak\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n"
        )),
        68..=71 => (0..120).map(|_| WsMessage::text("\r\n\r\n")).collect(),
        72..=76 => text(format!(
            "OPTIONS sip:lg0@{host} SIP/2.0\r\nVia: SIP/2.0/WS b.invalid;branch=z9hG4bKh{n}\r\nX-Long: {}\r\nCall-ID: h{n}\r\n\r\n",
            "v".repeat(60 * 1024)
        )),
        77..=84 => text(format!("REGISTER sip:{host} SIP/2.0\r\n\u{0}\u{1}\u{7f}Via\r\n::::\r\nCSeq: x REGISTER\r\nContent-Length: 99999\r\n\r\n")),
        85..=91 => {
            // A well-formed INVITE to a stalling phone (it will not answer).
            let stallers = &ctx.stall;
            if stallers.is_empty() {
                return text("\r\n".into());
            }
            let peer = stallers[rng.between(0, stallers.len() as u64 - 1) as usize];
            text(invite_text(ctx, idx, peer, n))
        }
        _ => text(format!(
            "INVITE sip:lg1@{host} SIP/2.0\r\nVia: SIP/2.0/WS b.invalid;branch=z9hG4bKc{n}\r\nMax-Forwards: 70\r\n\
             To: <sip:lg1@{host}>\r\nFrom: <sip:lg{idx}@{host}>;tag=c\r\nCall-ID: c{n}\r\nCSeq: 1 INVITE\r\n\
             Content-Type: application/sdp\r\nContent-Length: 5000\r\n\r\nv=0\r\n"
        )),
    }
}

pub async fn garbage(ctx: Arc<Ctx>, idx: usize) {
    let mut rng = Rng::new(idx as u64 * 15_485_863 + ctx.run_tag);
    let c = &ctx.ledger.counters;
    let mut n = 0u64;
    tokio::time::sleep(Duration::from_millis(rng.between(0, 4000))).await;
    while !ctx.calling_over() {
        n += 1;
        let mut ws = match connect_from(&ctx.url, ctx.source_for(idx)).await {
            Ok(ws) => ws,
            Err(_) => {
                Counters::add(&c.bad_connect_failures);
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        Counters::add(&c.bad_connects);
        if !rng.next().is_multiple_of(4) {
            register(&mut ws, &ctx, idx, n).await;
        }
        let (mut sink, mut stream) = ws.split();
        let ctx2 = ctx.clone();
        let reader = tokio::spawn(async move {
            while let Some(Ok(_)) = stream.next().await {
                Counters::add(&ctx2.ledger.counters.junk_answers);
            }
        });
        let until = Instant::now() + Duration::from_millis(rng.between(20_000, 40_000));
        while Instant::now() < until && !ctx.calling_over() && !reader.is_finished() {
            n += 1;
            let mut failed = false;
            for frame in junk(&ctx, idx, &mut rng, n) {
                Counters::add(&c.junk_frames);
                if sink.send(frame).await.is_err() {
                    failed = true;
                    break;
                }
            }
            if failed {
                break;
            }
            tokio::time::sleep(Duration::from_millis(rng.between(100, 300))).await;
        }
        if reader.is_finished() {
            Counters::add(&c.bad_closed_by_server);
        }
        reader.abort();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub async fn stall(ctx: Arc<Ctx>, idx: usize) {
    let mut rng = Rng::new(idx as u64 * 32_452_843 + ctx.run_tag);
    let c = &ctx.ledger.counters;
    let mut n = 0u64;
    tokio::time::sleep(Duration::from_millis(rng.between(0, 4000))).await;
    while !ctx.calling_over() {
        n += 1;
        let mut ws = match connect_from(&ctx.url, ctx.source_for(idx)).await {
            Ok(ws) => ws,
            Err(_) => {
                Counters::add(&c.bad_connect_failures);
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        Counters::add(&c.bad_connects);
        Counters::add(&c.stalls);
        let stall_for = Duration::from_millis(rng.between(30_000, 60_000));
        match n % 3 {
            0 => {
                // (a) silent from the start: the server's auth deadline should close it.
                ctx.sleep_unless_over(Duration::from_secs(15)).await;
            }
            1 => {
                // (b) mid-transaction: INVITE, read until the 200, then never ACK nor read.
                if register(&mut ws, &ctx, idx, n).await {
                    let peer = ctx.good[rng.between(0, ctx.good.len() as u64 - 1) as usize];
                    if ws
                        .send(WsMessage::text(invite_text(&ctx, idx, peer, n)))
                        .await
                        .is_ok()
                    {
                        let deadline = Instant::now() + Duration::from_secs(10);
                        while let Ok(Some(Ok(f))) =
                            tokio::time::timeout_at(deadline.into(), ws.next()).await
                        {
                            if let WsMessage::Text(t) = f {
                                if t.as_str().starts_with("SIP/2.0 200") {
                                    Counters::add(&c.stall_calls_answered);
                                    break;
                                }
                            }
                        }
                    }
                }
                ctx.sleep_unless_over(stall_for).await;
            }
            _ => {
                // (c) registered, then deaf: garbage phones' INVITEs pile up towards it.
                register(&mut ws, &ctx, idx, n).await;
                ctx.sleep_unless_over(stall_for).await;
            }
        }
        // Drop the TCP connection without a closing handshake.
        drop(ws);
    }
}
