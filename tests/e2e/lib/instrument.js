// Injected into every test page before its own scripts run (context.addInitScript). It is
// client-agnostic: it wraps the page's RTCPeerConnection so that whatever SIP stack the page
// runs (JsSIP, our wasm client, the legacy facade), the tests can read media facts from
// `window.__e2e` without using that stack's API:
//   - every peer connection ever created (`pcs`),
//   - `audioStats()`: inbound/outbound audio RTP counters, audio level and energy, the
//     selected ICE pair, from pc.getStats() of the newest live connection,
//   - the RFC 4733 digits actually RECEIVED: each receiver gets an RTCRtpScriptTransform that
//     sees every decrypted RTP payload before decoding; telephone-event payloads are decoded
//     (event code, end bit, RTP timestamp) into `dtmfReceived()`; browsers expose no other
//     way to observe inbound RFC 4733 events,
//   - `firstFrameAt`: wall-clock time (Date.now()) of the first inbound audio frame.
(() => {
  if (window.__e2e || !window.RTCPeerConnection) return;
  const Native = window.RTCPeerConnection;
  const DIGITS = '0123456789*#ABCD';

  const e2e = {
    pcs: [],
    // receiver id -> { pc, counts: {pt: n}, events: [{ts, code, end}] , frames }
    receivers: new Map(),
    firstFrameAt: null,
    lastFrameAt: null,
    transformError: null,
  };
  window.__e2e = e2e;

  let worker = null;
  const workerSource = `
    onrtctransform = (event) => {
      const t = event.transformer;
      const id = t.options && t.options.id;
      t.readable.pipeThrough(new TransformStream({
        transform(frame, controller) {
          let md = {};
          try { md = frame.getMetadata(); } catch (e) {}
          const msg = { id, pt: md.payloadType, ts: md.rtpTimestamp, seq: md.sequenceNumber, at: Date.now() };
          // RFC 4733 payload: event (8 bits), E|R|volume (8 bits), duration (16 bits).
          if (frame.data && frame.data.byteLength >= 4) {
            const b = new Uint8Array(frame.data, 0, 4);
            msg.b0 = b[0]; msg.b1 = b[1];
          }
          postMessage(msg);
          controller.enqueue(frame);
        },
      })).pipeTo(t.writable).catch((e) => postMessage({ id, error: String(e) }));
    };`;

  function telephoneEventPts(pc) {
    const pts = new Set();
    for (const d of [pc.remoteDescription, pc.localDescription]) {
      if (!d || !d.sdp) continue;
      for (const m of d.sdp.matchAll(/a=rtpmap:(\d+) telephone-event\/\d+/gi)) pts.add(Number(m[1]));
    }
    return pts;
  }

  let nextId = 1;
  function attach(pc, receiver) {
    if (!receiver || !receiver.track || receiver.track.kind !== 'audio') return;
    if (receiver.__e2eId) return;
    if (typeof RTCRtpScriptTransform !== 'function') {
      e2e.transformError = 'RTCRtpScriptTransform is not available';
      return;
    }
    const id = nextId++;
    receiver.__e2eId = id;
    e2e.receivers.set(id, { pc, counts: {}, events: [], frames: 0, firstAt: null });
    try {
      if (!worker) {
        worker = new Worker(URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' })));
        worker.onmessage = ({ data }) => {
          const r = e2e.receivers.get(data.id);
          if (!r) return;
          if (data.error) { e2e.transformError = data.error; return; }
          r.frames += 1;
          r.counts[data.pt] = (r.counts[data.pt] || 0) + 1;
          if (r.firstAt === null) r.firstAt = data.at;
          if (e2e.firstFrameAt === null) e2e.firstFrameAt = data.at;
          e2e.lastFrameAt = data.at;
          if (data.b0 !== undefined && telephoneEventPts(r.pc).has(data.pt)) {
            r.events.push({ ts: data.ts, seq: data.seq, code: data.b0, end: (data.b1 & 0x80) !== 0 });
          }
        };
      }
      receiver.transform = new RTCRtpScriptTransform(worker, { id });
    } catch (e) {
      e2e.transformError = String(e);
    }
  }

  // The transform must be on the receiver before its media starts (Chromium ignores one set on
  // an already-running audio receiver), so it is attached as soon as a transceiver exists, not
  // only on 'track'.
  class E2EPeerConnection extends Native {
    constructor(...args) {
      super(...args);
      e2e.pcs.push(this);
      this.addEventListener('track', (ev) => attach(this, ev.receiver));
    }

    __e2eAttachAll() {
      for (const t of super.getTransceivers()) attach(this, t.receiver);
    }

    addTrack(...args) {
      const sender = super.addTrack(...args);
      this.__e2eAttachAll();
      return sender;
    }

    addTransceiver(...args) {
      const transceiver = super.addTransceiver(...args);
      this.__e2eAttachAll();
      return transceiver;
    }

    setLocalDescription(...args) {
      this.__e2eAttachAll();
      return super.setLocalDescription(...args).then((r) => { this.__e2eAttachAll(); return r; });
    }

    setRemoteDescription(...args) {
      this.__e2eAttachAll();
      return super.setRemoteDescription(...args).then((r) => { this.__e2eAttachAll(); return r; });
    }
  }
  window.RTCPeerConnection = E2EPeerConnection;
  if (window.webkitRTCPeerConnection) window.webkitRTCPeerConnection = E2EPeerConnection;

  // Digits received over RFC 4733, in order. One event = one RTP timestamp (RFC 4733 §2.5.1.2:
  // all packets of an event carry its start timestamp); falls back to the end bit when the
  // browser gives no timestamp.
  e2e.dtmfReceived = () => {
    let out = '';
    for (const r of e2e.receivers.values()) {
      let lastKey = null;
      let lastEnded = true;
      for (const ev of r.events) {
        const key = ev.ts !== undefined ? `${ev.ts}` : null;
        const fresh = key !== null ? key !== lastKey : lastEnded && !ev.end;
        if (fresh) out += DIGITS[ev.code] ?? `?${ev.code}`;
        lastKey = key;
        lastEnded = ev.end;
      }
    }
    return out;
  };

  e2e.livePc = () => {
    for (let i = e2e.pcs.length - 1; i >= 0; i -= 1) {
      if (e2e.pcs[i].connectionState !== 'closed' && e2e.pcs[i].signalingState !== 'closed') return e2e.pcs[i];
    }
    return null;
  };

  e2e.audioStats = async () => {
    const pc = e2e.livePc();
    const out = {
      pcs: e2e.pcs.length,
      live: !!pc,
      frames: [...e2e.receivers.values()].reduce((n, r) => n + r.frames, 0),
      firstFrameAt: e2e.firstFrameAt,
      lastFrameAt: e2e.lastFrameAt,
      dtmfReceived: e2e.dtmfReceived(),
      transformError: e2e.transformError,
    };
    if (!pc) return out;
    const mine = [...e2e.receivers.values()].filter((r) => r.pc === pc && r.firstAt !== null);
    out.firstFrameAt = mine.length ? Math.min(...mine.map((r) => r.firstAt)) : null;
    out.connectionState = pc.connectionState;
    out.iceConnectionState = pc.iceConnectionState;
    out.signalingState = pc.signalingState;
    const stats = await pc.getStats();
    const byId = new Map();
    stats.forEach((s) => byId.set(s.id, s));
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && (s.kind === 'audio' || s.mediaType === 'audio')) {
        out.packetsReceived = (out.packetsReceived || 0) + (s.packetsReceived || 0);
        out.bytesReceived = (out.bytesReceived || 0) + (s.bytesReceived || 0);
        out.packetsLost = (out.packetsLost || 0) + (s.packetsLost || 0);
        out.audioLevel = Math.max(out.audioLevel || 0, s.audioLevel || 0);
        out.totalAudioEnergy = (out.totalAudioEnergy || 0) + (s.totalAudioEnergy || 0);
        out.totalSamplesReceived = (out.totalSamplesReceived || 0) + (s.totalSamplesReceived || 0);
        const codec = byId.get(s.codecId);
        if (codec) out.codec = codec.mimeType;
      } else if (s.type === 'outbound-rtp' && (s.kind === 'audio' || s.mediaType === 'audio')) {
        out.packetsSent = (out.packetsSent || 0) + (s.packetsSent || 0);
      } else if (s.type === 'media-source' && s.kind === 'audio') {
        out.sourceAudioLevel = s.audioLevel;
      } else if (s.type === 'transport' && s.selectedCandidatePairId) {
        const pair = byId.get(s.selectedCandidatePairId);
        const local = pair && byId.get(pair.localCandidateId);
        const remote = pair && byId.get(pair.remoteCandidateId);
        if (local && remote) {
          out.localAddress = `${local.address ?? local.ip}:${local.port}`;
          out.remoteAddress = `${remote.address ?? remote.ip}:${remote.port}`;
        }
      }
    });
    return out;
  };
})();
