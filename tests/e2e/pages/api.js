// The page of specs/ours-api-server: phones and calls made through the package's public JS API,
// kept by name in window.api so the spec can drive them with page.evaluate, and every event they
// emit recorded with a sequence number (api.seq) the spec waits on. Besides the API itself it
// observes only plain browser behaviour: console lines, WebAudio oscillators started and stopped
// (the tones), media elements given a stream (remote audio), and — through lib/instrument.js'
// window.__e2e.pcs — the peer connection behind a call.
import init, { BWClient } from '/pkg/bwclient.js';

const PHONE_EVENTS = ['registered', 'registrationSuccess', 'registrationFailed', 'unregistered', 'incomingCall',
  'reconnecting', 'reconnected', 'tokenWillExpire', 'message', 'log'];
const CALL_EVENTS = ['connecting', 'ringing', 'connected', 'ended', 'failed', 'held', 'unheld', 'muted', 'unmuted',
  'dtmf', 'dtmfSent', 'info', 'transferProgress', 'transferred', 'holdFailed', 'mediaFailed'];

const api = {
  BWClient,
  ready: false,
  seq: 0,
  phones: {},
  calls: {},
  /** {seq, at, who, name, info} for every phone and call event except `log`. */
  events: [],
  /** who → [log entry message] (the `log` events, at logLevel 'debug'). */
  logs: {},
  /** [{seq, level, text}] console lines of the package (they start with "[bwclient]"). */
  consoleLines: [],
  /** [{id, frequency, startSeq, stopSeq}] every WebAudio oscillator started in the page. */
  oscillators: [],
  /** Media elements that were given a srcObject, in order. */
  mediaElements: [],
};
window.api = api;

const next = () => { api.seq += 1; return api.seq; };

// Console lines: the package writes "[bwclient]" first (as one string or a separate argument).
for (const level of ['debug', 'log', 'info', 'warn', 'error']) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    const text = args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' ');
    if (text.startsWith('[bwclient]')) api.consoleLines.push({ seq: next(), level, text });
    original(...args);
  };
}

// WebAudio: oscillators as they start and stop (start/stop live on AudioScheduledSourceNode).
if (window.AudioScheduledSourceNode) {
  const proto = AudioScheduledSourceNode.prototype;
  const { start, stop } = proto;
  proto.start = function (...args) {
    if (this instanceof OscillatorNode) {
      this.__apiOsc = { id: api.oscillators.length, frequency: this.frequency.value, startSeq: next(), stopSeq: null };
      api.oscillators.push(this.__apiOsc);
    }
    return start.apply(this, args);
  };
  proto.stop = function (...args) {
    if (this.__apiOsc && this.__apiOsc.stopSeq === null) this.__apiOsc.stopSeq = next();
    return stop.apply(this, args);
  };
}

// Media elements given a stream (the client's own <audio> and the page's).
const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
  configurable: true,
  enumerable: srcObject.enumerable,
  get() { return srcObject.get.call(this); },
  set(value) {
    if (value && !api.mediaElements.includes(this)) api.mediaElements.push(this);
    srcObject.set.call(this, value);
  },
});

function plain(v) {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object') return v;
  const out = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === null || ['string', 'number', 'boolean'].includes(typeof x)) out[k] = x;
  }
  if (v instanceof Error) {
    out.message = v.message;
    if (v.code !== undefined) out.code = v.code;
    out.isError = true;
  }
  return out;
}

function record(who, name, info) {
  api.events.push({ seq: next(), at: Date.now(), who, name, info });
}

/** Names `call` and records its events under that name. */
function watchCall(name, call) {
  api.calls[name] = call;
  for (const n of CALL_EVENTS) {
    call.on(n, (info) => {
      if (n === 'transferred') {
        const newName = `${name}.transfer`;
        watchCall(newName, info.call);
        record(name, n, { target: info.target, call: newName });
      } else {
        record(name, n, plain(info));
      }
    });
  }
  return name;
}

function watchPhone(who, phone) {
  api.phones[who] = phone;
  api.logs[who] = api.logs[who] || [];
  let incoming = 0;
  for (const n of PHONE_EVENTS) {
    phone.on(n, (info) => {
      if (n === 'log') {
        api.logs[who].push(info.message);
      } else if (n === 'incomingCall') {
        incoming += 1;
        const name = watchCall(`${who}.in${incoming}`, info);
        record(who, n, { call: name, remoteUri: info.getInfo().remoteUri });
      } else {
        record(who, n, plain(info));
      }
    });
  }
}

function failure(e) {
  return { ok: false, code: e && e.code, message: String(e && e.message), isError: e instanceof Error };
}

/** BWClient.login(token, options) as `who`: {ok, uri, registered} or {ok: false, code, message}. */
api.login = async (who, token, options) => {
  try {
    const phone = await BWClient.login(token, options);
    watchPhone(who, phone);
    return { ok: true, uri: phone.uri, registered: phone.registered };
  } catch (e) {
    return failure(e);
  }
};

/** The legacy BWClient.createPhone(config) as `who`. */
api.createPhone = (who, config) => {
  try {
    watchPhone(who, BWClient.createPhone(config));
    return { ok: true };
  } catch (e) {
    return failure(e);
  }
};

/** phone.call(target, options), the call named `callName`. */
api.dial = (who, callName, target, options) => {
  try {
    watchCall(callName, api.phones[who].call(target, options));
    return { ok: true };
  } catch (e) {
    return failure(e);
  }
};

function serialisable(v) {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(serialisable);
  if (v && typeof v === 'object' && !(v instanceof Error)) {
    const out = {};
    for (const k of Object.keys(v)) out[k] = v[k];
    return out;
  }
  return v;
}

/** `phones[name][method](...args)` or `calls[name][method](...args)`, awaited: {ok, value} or a failure. */
api.run = async (kind, name, method, args = []) => {
  const target = kind === 'phone' ? api.phones[name] : api.calls[name];
  if (!target) return { ok: false, code: 'no_such_object', message: `${kind} ${name}` };
  try {
    return { ok: true, value: serialisable(await target[method](...args)) };
  } catch (e) {
    return failure(e);
  }
};

/**
 * The peer connection behind a call (lib/instrument.js keeps every one): the one receiving its
 * remote track. Remembered, since the track leaves the remote stream while the call is held.
 */
const pcs = new Map();
api.pcOf = (callName) => {
  if (pcs.has(callName)) return pcs.get(callName);
  const stream = api.calls[callName].getRemoteStream();
  const track = stream && stream.getAudioTracks()[0];
  const pc = track && (window.__e2e?.pcs || []).find((p) => p.getReceivers().some((r) => r.track === track));
  if (pc) pcs.set(callName, pc);
  return pc || null;
};

/** The audio track a call sends: {id, enabled, readyState}, or null. */
api.senderTrack = (callName) => {
  const pc = api.pcOf(callName);
  const sender = pc && pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
  return sender ? sender.track : null;
};

/** Hangs up every call and logs every phone out (test clean-up; never throws). */
api.cleanup = async () => {
  for (const call of Object.values(api.calls)) {
    try { if (call.getInfo().status !== 'ended') call.hangup(); } catch { /* already gone */ }
  }
  await Promise.all(Object.values(api.phones).map((p) => Promise.race([
    p.logout().catch(() => {}),
    new Promise((r) => setTimeout(r, 3000)),
  ])));
};

await init();
api.ready = true;
document.getElementById('status').textContent = 'ready';
