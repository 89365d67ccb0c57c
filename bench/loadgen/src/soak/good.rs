//! A well-behaved phone: registers with its token (`X-Callsign-Token`), refreshes the
//! registration, calls other well-behaved phones (INVITE with a small SDP, 200, ACK, a few
//! seconds of call, BYE from the caller or from the callee) and answers the calls it gets.
//! Every call it places is in the [`Ledger`](super::ledger::Ledger).
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::ledger::Counters;
use super::link::{connect_from, next_sip, Link, Res, WsReader};
use super::sip_text::{in_dialog, response, sdp, DialogSide, SipText};
use super::{Ctx, Rng};

/// RFC 3261 §17.1.1.2: 64·T1, how long a transaction may wait for its final response.
const TXN_WAIT: Duration = Duration::from_secs(32);
/// Re-REGISTER after this long (registrations are asked for 600 s).
const REFRESH: Duration = Duration::from_secs(240);

/// What the reader hands to a call waiting on it.
#[derive(Default)]
struct Waiters {
    ack: Option<oneshot::Sender<()>>,
    bye: Option<oneshot::Sender<()>>,
}

/// One registered connection of a phone and what waits on it.
struct Session {
    ctx: Arc<Ctx>,
    idx: usize,
    user: String,
    contact: String,
    via_host: String,
    link: Arc<Link>,
    waiters: Mutex<HashMap<String, Waiters>>,
    cseq: AtomicU32,
    seq: AtomicU32,
}

impl Session {
    fn uniq(&self) -> u32 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    fn branch(&self) -> String {
        format!("z9hG4bKs{}n{}r{}", self.idx, self.uniq(), self.ctx.run_tag)
    }

    fn waiter(&self, call_id: &str, ack: bool) -> oneshot::Receiver<()> {
        let (tx, rx) = oneshot::channel();
        let mut w = self.waiters.lock().unwrap_or_else(|p| p.into_inner());
        let e = w.entry(call_id.to_owned()).or_default();
        if ack {
            e.ack = Some(tx);
        } else {
            e.bye = Some(tx);
        }
        rx
    }

    fn fire(&self, call_id: &str, ack: bool) {
        let mut w = self.waiters.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = w.get_mut(call_id) {
            let tx = if ack { e.ack.take() } else { e.bye.take() };
            if let Some(tx) = tx {
                let _ = tx.send(());
            }
            if e.ack.is_none() && e.bye.is_none() {
                w.remove(call_id);
            }
        }
    }

    fn drop_waiters(&self, call_id: &str) {
        self.waiters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(call_id);
    }

    async fn register(&self) -> Res<()> {
        let cseq = self.cseq.fetch_add(1, Ordering::Relaxed);
        let branch = self.branch();
        let (user, host, contact, via) =
            (&self.user, &self.ctx.host, &self.contact, &self.via_host);
        let token = &self.ctx.tokens[self.idx % self.ctx.tokens.len()];
        let text = format!(
            "REGISTER sip:{host} SIP/2.0\r\n\
             Via: SIP/2.0/WS {via};branch={branch}\r\n\
             Max-Forwards: 70\r\n\
             To: <sip:{user}@{host}>\r\n\
             From: <sip:{user}@{host}>;tag=r{idx}\r\n\
             Call-ID: reg-{idx}-{tag}\r\n\
             CSeq: {cseq} REGISTER\r\n\
             Contact: <{contact}>;expires=600\r\n\
             Expires: 600\r\n\
             Allow: INVITE,ACK,CANCEL,BYE,OPTIONS\r\n\
             User-Agent: bwclient-bench-loadgen soak\r\n\
             X-Callsign-Token: {token}\r\n\
             Content-Length: 0\r\n\r\n",
            idx = self.idx,
            tag = self.ctx.run_tag,
        );
        let r = self.link.request(text, &branch, TXN_WAIT).await?;
        match r.status() {
            Some(200) => Ok(()),
            other => Err(format!("REGISTER answered {}", other.unwrap_or(0))),
        }
    }

    /// Places one counted call to `peer` and follows it to its end.
    async fn call(&self, peer: usize, rng: &mut Rng) {
        let hold_ms = rng.between(self.ctx.hold_ms.0, self.ctx.hold_ms.1);
        let callee_hangs_up = rng.next().is_multiple_of(2);
        let call_id = format!(
            "{}.{}.{}.{}@soak{}",
            self.idx,
            self.uniq(),
            hold_ms,
            if callee_hangs_up { 'E' } else { 'C' },
            self.ctx.run_tag
        );
        self.ctx.ledger.attempt(&call_id);
        let bye_rx = callee_hangs_up.then(|| self.waiter(&call_id, false));
        let (host, user, via) = (&self.ctx.host, &self.user, &self.via_host);
        let peer_user = format!("lg{peer}");
        let body = sdp(rng.next() % 1_000_000, 20_000 + (self.idx as u16) * 2);
        let branch = self.branch();
        let from = format!("<sip:{user}@{host}>;tag=f{}", rng.next() % 1_000_000_000);
        let invite = format!(
            "INVITE sip:{peer_user}@{host} SIP/2.0\r\n\
             Via: SIP/2.0/WS {via};branch={branch}\r\n\
             Max-Forwards: 70\r\n\
             To: <sip:{peer_user}@{host}>\r\n\
             From: {from}\r\n\
             Call-ID: {call_id}\r\n\
             CSeq: 1 INVITE\r\n\
             Contact: <{contact}>\r\n\
             Allow: INVITE,ACK,CANCEL,BYE,OPTIONS\r\n\
             Content-Type: application/sdp\r\n\
             Content-Length: {len}\r\n\r\n{body}",
            contact = self.contact,
            len = body.len(),
        );
        let fail = |reason: &str| self.ctx.ledger.fail(&call_id, reason);
        let resp = match self.link.request(invite, &branch, TXN_WAIT).await {
            Ok(r) => r,
            Err(e) => {
                self.drop_waiters(&call_id);
                return fail(&format!("INVITE: {}", e));
            }
        };
        if resp.status() != Some(200) {
            self.drop_waiters(&call_id);
            return fail(&format!(
                "INVITE answered {}",
                resp.start.trim_start_matches("SIP/2.0 ")
            ));
        }
        let Some(target) = resp.contact_uri() else {
            self.drop_waiters(&call_id);
            return fail("200 to INVITE without Contact");
        };
        let mut routes = resp.all("record-route");
        routes.reverse();
        let dialog = DialogSide {
            call_id: call_id.clone(),
            local: from,
            remote: resp.first("to").unwrap_or("").to_owned(),
            target,
            routes,
        };
        let ack = in_dialog(&dialog, "ACK", 1, &self.branch(), via);
        if let Err(e) = self.link.send(ack) {
            self.drop_waiters(&call_id);
            return fail(&format!("ACK: {e}"));
        }
        if let Some(bye_rx) = bye_rx {
            let wait = Duration::from_millis(hold_ms) + TXN_WAIT + Duration::from_secs(8);
            match tokio::time::timeout(wait, bye_rx).await {
                Ok(Ok(())) => {} // the callee records the BYE's 200
                Ok(Err(_)) => fail("caller: connection closed before the callee's BYE"),
                Err(_) => {
                    self.drop_waiters(&call_id);
                    fail("caller: no BYE from the callee")
                }
            }
            return;
        }
        tokio::time::sleep(Duration::from_millis(hold_ms)).await;
        let branch = self.branch();
        let bye = in_dialog(&dialog, "BYE", 2, &branch, via);
        match self.link.request(bye, &branch, TXN_WAIT).await {
            Ok(r) if r.status() == Some(200) => self.ctx.ledger.bye_done(&call_id),
            Ok(r) => fail(&format!(
                "caller BYE answered {}",
                r.start.trim_start_matches("SIP/2.0 ")
            )),
            Err(e) => fail(&format!("caller BYE: {}", e)),
        }
    }

    /// Answers an INVITE (200 with SDP), waits for the ACK, and hangs up itself if the caller
    /// asked for it in the Call-ID (`…E@…`) or the call is not a counted one.
    async fn answer(self: Arc<Self>, req: SipText, rng_seed: u64) {
        let mut rng = Rng::new(rng_seed);
        let call_id = req.call_id().to_owned();
        let counted = self.ctx.ledger.is_counted(&call_id);
        if !counted {
            Counters::add(&self.ctx.ledger.counters.uncounted_invites);
        }
        let parts: Vec<&str> = call_id.split('@').next().unwrap_or("").split('.').collect();
        let (hold_ms, we_hang_up) = match parts.as_slice() {
            [_, _, hold, who] if counted => (hold.parse().unwrap_or(2000), *who == "E"),
            _ => (2000, true),
        };
        let ack_rx = self.waiter(&call_id, true);
        let to_tag = format!("a{}", rng.next() % 1_000_000_000);
        let body = sdp(rng.next() % 1_000_000, 30_000 + (self.idx as u16) * 2);
        let extra = format!(
            "Contact: <{}>\r\nContent-Type: application/sdp\r\n",
            self.contact
        );
        let ok = response(&req, 200, "OK", Some(&to_tag), &extra, &body);
        let to_with_tag = ok
            .lines()
            .find_map(|l| l.strip_prefix("To: "))
            .unwrap_or("")
            .to_owned();
        if self.link.send(ok).is_err() {
            self.drop_waiters(&call_id);
            return self
                .ctx
                .ledger
                .fail(&call_id, "callee: connection closed before its 200");
        }
        let acked = matches!(tokio::time::timeout(TXN_WAIT, ack_rx).await, Ok(Ok(())));
        if acked {
            self.ctx.ledger.acked(&call_id);
        } else {
            self.drop_waiters(&call_id);
            self.ctx.ledger.fail(&call_id, "callee: no ACK within 32 s");
        }
        if !we_hang_up && acked {
            return;
        }
        if acked {
            tokio::time::sleep(Duration::from_millis(hold_ms)).await;
        }
        // RFC 3261 §13.3.1.4: a UAS that gets no ACK ends the dialog with BYE.
        let Some(target) = req.contact_uri() else {
            return self.ctx.ledger.fail(&call_id, "INVITE without Contact");
        };
        let dialog = DialogSide {
            call_id: call_id.clone(),
            local: to_with_tag,
            remote: req.first("from").unwrap_or("").to_owned(),
            target,
            routes: req.all("record-route"),
        };
        let branch = self.branch();
        let bye = in_dialog(&dialog, "BYE", 1, &branch, &self.via_host);
        match self.link.request(bye, &branch, TXN_WAIT).await {
            Ok(r) if r.status() == Some(200) => self.ctx.ledger.bye_done(&call_id),
            Ok(r) => self.ctx.ledger.fail(
                &call_id,
                &format!(
                    "callee BYE answered {}",
                    r.start.trim_start_matches("SIP/2.0 ")
                ),
            ),
            Err(e) => self
                .ctx
                .ledger
                .fail(&call_id, &format!("callee BYE: {}", e)),
        }
    }

    /// Every message the server sends this phone.
    async fn read_loop(self: Arc<Self>, mut stream: WsReader) {
        let mut rng = Rng::new(self.idx as u64 * 7919 + 17);
        while let Some(msg) = next_sip(&mut stream).await {
            let Some(msg) = msg else { continue };
            if msg.status().is_some() {
                self.link.answer(msg);
                continue;
            }
            let call_id = msg.call_id().to_owned();
            match msg.method() {
                Some("INVITE") => {
                    tokio::spawn(self.clone().answer(msg, rng.next()));
                }
                Some("ACK") => self.fire(&call_id, true),
                Some("BYE") => {
                    let _ = self.link.send(response(&msg, 200, "OK", None, "", ""));
                    self.fire(&call_id, false);
                }
                Some("CANCEL") => {
                    let _ = self.link.send(response(&msg, 200, "OK", None, "", ""));
                }
                Some(_) => {
                    let _ = self.link.send(response(&msg, 200, "OK", None, "", ""));
                }
                None => {}
            }
        }
        self.link.close();
        self.waiters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// The phone's life: connect, register, call until the run ends; reconnect if the server
/// closes its connection (counted: a well-behaved phone should never be dropped).
pub async fn run(ctx: Arc<Ctx>, idx: usize) {
    let mut rng = Rng::new(idx as u64 * 104_729 + ctx.run_tag);
    // Spread the ramp: 200 phones over ~4 s.
    tokio::time::sleep(Duration::from_millis(rng.between(0, 4000))).await;
    let counters = &ctx.ledger.counters;
    while !ctx.calling_over() {
        let ws = match connect_from(&ctx.url, ctx.source_for(idx)).await {
            Ok(ws) => ws,
            Err(_) => {
                Counters::add(&counters.good_register_failures);
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let (link, stream) = Link::start(ws);
        let session = Arc::new(Session {
            idx,
            user: format!("lg{idx}"),
            contact: format!("sip:lg{idx}@s{idx}r{}.invalid;transport=ws", ctx.run_tag),
            via_host: format!("s{idx}.invalid"),
            link,
            waiters: Mutex::default(),
            cseq: AtomicU32::new(1),
            seq: AtomicU32::new(0),
            ctx: ctx.clone(),
        });
        let reader = tokio::spawn(session.clone().read_loop(stream));
        if session.register().await.is_err() {
            Counters::add(&counters.good_register_failures);
            reader.abort();
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        Counters::add(&counters.good_registers);
        ctx.registered.fetch_add(1, Ordering::Relaxed);
        let mut registered_at = Instant::now();
        // Calls start once every well-behaved phone had its chance to register.
        while !ctx.calling_started() && !reader.is_finished() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        while !ctx.calling_over() && !reader.is_finished() {
            tokio::time::sleep(Duration::from_millis(
                rng.between(ctx.think_ms.0, ctx.think_ms.1),
            ))
            .await;
            if ctx.calling_over() {
                break;
            }
            if registered_at.elapsed() > REFRESH {
                match session.register().await {
                    Ok(()) => Counters::add(&counters.good_registers),
                    Err(_) => Counters::add(&counters.good_register_failures),
                }
                registered_at = Instant::now();
            }
            let peer = ctx.good[rng.between(0, ctx.good.len() as u64 - 1) as usize];
            if peer != idx {
                session.call(peer, &mut rng).await;
            }
        }
        if !reader.is_finished() {
            // Normal end: the reader keeps answering (BYEs of calls still ending) until the
            // run closes every connection.
            ctx.wait_closing().await;
            reader.abort();
            return;
        }
        Counters::add(&counters.good_disconnects);
    }
}
