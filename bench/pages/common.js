// Shared by the bench phone pages (ours.js, jssip.js): the clock, and the call records the
// node side reads. Each page sets window.bench = phonePage(impl).
export const now = () => performance.timeOrigin + performance.now();

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((a, b) => { resolve = a; reject = b; });
  return { promise, resolve, reject };
}

function bounded(what, promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * impl: {login(opts) → Promise (registered), logout() → Promise, onIncoming(cb(rec, answer)),
 * call(target, rec) → starts a call; rec gets connectedAt/endedAt through rec.connected()/rec.ended(),
 * hangup(rec), wasmBytes()}.
 * Records: {t0, connectedAt, endedAt, failed} (ms on the shared clock).
 */
export function phonePage(impl) {
  const incoming = [];
  let waiters = [];
  const make = () => {
    const rec = { t0: null, connectedAt: null, endedAt: null, failed: null };
    const connected = deferred();
    const ended = deferred();
    connected.promise.catch(() => {});
    rec.connected = () => { if (rec.connectedAt === null) { rec.connectedAt = now(); connected.resolve(); } };
    rec.ended = (why) => {
      if (rec.endedAt === null) rec.endedAt = now();
      if (rec.connectedAt === null) { rec.failed = String(why || 'ended'); connected.reject(new Error(rec.failed)); }
      ended.resolve();
    };
    rec.waitConnected = (ms) => bounded('connected', connected.promise, ms);
    rec.waitEnded = (ms) => bounded('ended', ended.promise, ms);
    return rec;
  };
  const plain = (rec) => ({ t0: rec.t0, connectedAt: rec.connectedAt, endedAt: rec.endedAt, failed: rec.failed });
  let outgoing = null;
  impl.onIncoming(() => {
    const rec = make();
    rec.t0 = now();
    incoming.push(rec);
    const w = waiters;
    waiters = [];
    for (const f of w) f();
    return rec;
  });
  // The call's peer connection: the newest one created before the call connected (calls
  // on one page are sequential).
  const media = (rec) => {
    if (!window.__pcw || !rec || rec.connectedAt === null) return null;
    const before = window.__pcw.pcs.filter((p) => p.createdAt <= rec.connectedAt);
    return before.length ? before[before.length - 1].connectedAt : null;
  };
  return {
    ready: true,
    now,
    async login(opts) {
      const t0 = now();
      await bounded('login', impl.login(opts), 15_000);
      return now() - t0;
    },
    logout: () => bounded('logout', impl.logout(), 5_000),
    /** Caller: resolves with {t0, connectedAt} once this side is connected. */
    async call(target) {
      const rec = make();
      outgoing = rec;
      rec.t0 = now();
      impl.call(target, rec);
      await rec.waitConnected(15_000);
      return plain(rec);
    },
    /** Callee: resolves with the record of incoming call #n once it is connected. */
    async incomingConnected(n) {
      if (!incoming[n]) await bounded(`incoming call #${n}`, new Promise((r) => waiters.push(r)), 15_000);
      await incoming[n].waitConnected(15_000);
      return plain(incoming[n]);
    },
    incomingCount: () => incoming.length,
    /** When the peer connection of the call reached 'connected' (null if not yet). */
    mediaConnectedAt(which, n) { return media(which === 'out' ? outgoing : incoming[n]); },
    /** First inbound audio frame of the live call (tests/e2e/lib/instrument.js, Date.now() ms). */
    firstAudioAt() {
      const e = window.__e2e;
      const pc = e && e.livePc();
      if (!pc) return null;
      const mine = [...e.receivers.values()].filter((r) => r.pc === pc && r.firstAt !== null);
      return mine.length ? Math.min(...mine.map((r) => r.firstAt)) : null;
    },
    /**
     * Waits (polling every 5 ms, at most `ms`) until the call's peer connection is connected
     * and its first inbound audio frame arrived; returns [mediaConnectedAt, firstAudioAt]
     * (nulls for what did not happen in time).
     */
    async waitMedia(which, n, ms = 5_000) {
      const end = now() + ms;
      for (;;) {
        const v = [this.mediaConnectedAt(which, n), this.firstAudioAt()];
        if ((v[0] !== null && v[1] !== null) || now() > end) return v;
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async hangup() {
      impl.hangup(outgoing);
      await outgoing.waitEnded(10_000);
    },
    async incomingEnded(n) { await incoming[n].waitEnded(10_000); },
    wasmBytes: () => impl.wasmBytes(),
  };
}
