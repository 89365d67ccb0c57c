// A JsSIP (npm `jssip`, a SIP stack nobody here wrote) phone for the end-to-end tests. Bundled
// with esbuild by tests/e2e/run.sh into jssip.bundle.js. The specs drive it through
// `window.sip`:
//   await sip.login({token, wsUrl})      token: a bwclient-server token (decoded here into the
//                                         auth_ephemeral digest credentials); wsUrl defaults to
//                                         the token's. Resolves when registered.
//   sip.call(target)                      returns at once; follow sip.state()
//   sip.answer() / sip.reject() / sip.hangup()
//   await sip.hold() / await sip.unhold()  resolve with the local hold state
//   sip.mute() / sip.unmute()             microphone (track.enabled); return the muted state
//   await sip.sendDtmf('12#', {transport: 'RFC2833'|'INFO'})  resolves with the tones played
//   sip.state()                           {registered, call: {status, direction, …}, events: […]}
//   sip.receivedRequests()                every SIP request this stack received, as raw text
//   await sip.stats()                     window.__e2e.audioStats() (lib/instrument.js)
//   await sip.logout()
import * as JsSIP from 'jssip';

const $ = (id) => document.getElementById(id);
const events = [];
let ua = null;
let creds = null;
let current = null; // { session, direction, status, … }
let registered = false;
// Every SIP request that reached this UA's WebSocket, as received (before JsSIP parses it):
// what the far end and the proxies let through, for the credential-leak checks.
const receivedRequests = [];

/** JsSIP's WebSocket transport, recording each incoming request before handing it on. */
class RecordingSocket extends JsSIP.WebSocketInterface {
  _onMessage(ev) {
    const text = typeof ev.data === 'string' ? ev.data : '';
    if (text && !text.startsWith('SIP/2.0')) receivedRequests.push(text);
    super._onMessage(ev);
  }
}

function record(name, data = {}) {
  const entry = { at: Date.now(), name, ...data };
  events.push(entry);
  const li = document.createElement('li');
  li.textContent = `${new Date(entry.at).toISOString().slice(11, 23)} ${name} ${Object.keys(data).length ? JSON.stringify(data) : ''}`;
  $('events').prepend(li);
  render();
}

function render() {
  $('status').textContent = registered ? 'registered' : (ua ? 'connecting' : 'offline');
  $('status').className = registered ? 'online' : 'offline';
  $('me').textContent = creds ? `sip:${creds.user}@${creds.host}` : '';
  $('call').textContent = current
    ? `${current.direction} ${current.remote} — ${current.status}${current.localHold ? ' (held by me)' : ''}${current.remoteHold ? ' (held by peer)' : ''}`
    : 'no call';
}

function b64urlToBytes(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
  return atob(b64);
}

/** Token → auth_ephemeral credentials (crates/sip/src/token.rs). */
export function decodeToken(token) {
  const [payload, sig] = token.trim().split('.');
  const [version, username, wsUrl] = b64urlToBytes(payload).split(' ');
  if (version !== 'v1') throw new Error(`unsupported token version ${version}`);
  const colon = username.indexOf(':');
  const identity = username.slice(colon + 1);
  const at = identity.lastIndexOf('@');
  return {
    token: token.trim(),
    username,
    password: btoa(b64urlToBytes(sig)),
    user: identity.slice(0, at),
    host: identity.slice(at + 1),
    expires: Number(username.slice(0, colon)),
    wsUrl,
  };
}

const mediaOptions = () => ({
  mediaConstraints: { audio: true, video: false },
  pcConfig: { iceServers: [] },
  rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false },
  extraHeaders: creds && creds.sendTokenHeader ? [`X-Callsign-Token: ${creds.token}`] : [],
});

function attachRemoteAudio(pc) {
  pc.addEventListener('track', (ev) => {
    const audio = $('remote-audio');
    audio.srcObject = ev.streams[0] || new MediaStream([ev.track]);
    audio.play().catch((e) => record('audio-play-failed', { error: String(e) }));
  });
}

function track(session, direction) {
  const call = {
    session,
    direction,
    status: direction === 'incoming' ? 'ringing' : 'calling',
    remote: session.remote_identity ? session.remote_identity.uri.toString() : '',
    localHold: false,
    remoteHold: false,
    startedAt: Date.now(),
    dtmfIn: '',
    infoIn: '',
  };
  current = call;
  if (session.connection) attachRemoteAudio(session.connection);
  session.on('peerconnection', ({ peerconnection }) => attachRemoteAudio(peerconnection));
  session.on('connecting', () => record('connecting'));
  session.on('sending', () => record('sending'));
  session.on('progress', (e) => { call.status = 'ringing'; record('progress', { originator: e.originator, code: e.response && e.response.status_code }); });
  session.on('accepted', (e) => { call.status = 'accepted'; call.acceptedAt = Date.now(); record('accepted', { originator: e.originator }); });
  session.on('confirmed', (e) => { call.status = 'confirmed'; call.confirmedAt = Date.now(); record('confirmed', { originator: e.originator }); });
  session.on('ended', (e) => { call.status = 'ended'; call.endedAt = Date.now(); call.endOriginator = e.originator; call.endCause = e.cause; record('ended', { originator: e.originator, cause: e.cause }); });
  session.on('failed', (e) => { call.status = 'failed'; call.endedAt = Date.now(); call.endOriginator = e.originator; call.endCause = e.cause; call.failCode = e.message && e.message.status_code; record('failed', { originator: e.originator, cause: e.cause, code: call.failCode }); });
  session.on('hold', (e) => { if (e.originator === 'local') call.localHold = true; else call.remoteHold = true; record('hold', { originator: e.originator }); });
  session.on('unhold', (e) => { if (e.originator === 'local') call.localHold = false; else call.remoteHold = false; record('unhold', { originator: e.originator }); });
  session.on('newDTMF', (e) => {
    if (e.originator === 'remote') call.infoIn += e.dtmf.tone;
    record('dtmf', { originator: e.originator, tone: e.dtmf.tone });
  });
  record(direction === 'incoming' ? 'incoming' : 'outgoing', { remote: call.remote });
  return call;
}

function login({ token, wsUrl, sendTokenHeader = true, registerExpires = 600 }) {
  if (ua) throw new Error('already logged in');
  creds = { ...decodeToken(token), sendTokenHeader };
  const socket = new RecordingSocket(wsUrl || creds.wsUrl);
  ua = new JsSIP.UA({
    sockets: [socket],
    uri: `sip:${creds.user}@${creds.host}`,
    authorization_user: creds.username,
    password: creds.password,
    display_name: creds.user,
    register: true,
    register_expires: registerExpires,
    session_timers: false,
    connection_recovery_min_interval: 1,
    connection_recovery_max_interval: 3,
    user_agent: 'JsSIP e2e',
  });
  if (sendTokenHeader) ua.registrator().setExtraHeaders([`X-Callsign-Token: ${creds.token}`]);
  ua.on('connected', () => record('ws-connected'));
  ua.on('disconnected', () => record('ws-disconnected'));
  ua.on('registered', () => { registered = true; record('registered'); });
  ua.on('unregistered', () => { registered = false; record('unregistered'); });
  ua.on('registrationFailed', (e) => { registered = false; record('registrationFailed', { cause: e.cause, code: e.response && e.response.status_code }); });
  ua.on('newRTCSession', ({ session, originator }) => {
    if (originator === 'remote') track(session, 'incoming');
  });
  const done = new Promise((resolve, reject) => {
    ua.once('registered', () => resolve({ uri: `sip:${creds.user}@${creds.host}` }));
    ua.once('registrationFailed', (e) => reject(new Error(`registration failed: ${e.cause} ${e.response ? e.response.status_code : ''}`)));
  });
  ua.start();
  render();
  return done;
}

function need() {
  if (!current) throw new Error('no call');
  return current.session;
}

function call(target) {
  if (!ua) throw new Error('not logged in');
  const session = ua.call(target, mediaOptions());
  return track(session, 'outgoing').remote;
}

function answer() {
  const s = need();
  s.answer(mediaOptions());
}

function reject(status = 486) {
  need().terminate({ status_code: status });
}

function hangup() {
  const s = need();
  if (!s.isEnded()) s.terminate({ extraHeaders: mediaOptions().extraHeaders });
}

function reinvite(kind) {
  const s = need();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind}: no answer to the re-INVITE in 10 s`)), 10_000);
    const ok = s[kind]({ extraHeaders: mediaOptions().extraHeaders }, () => { clearTimeout(timer); resolve(s.isOnHold().local); });
    if (!ok) { clearTimeout(timer); reject(new Error(`${kind} refused by JsSIP (state ${current.status})`)); }
  });
}

/** Plays `tones`; RFC2833 goes through RTCDTMFSender (RFC 4733), INFO through SIP INFO. */
function sendDtmf(tones, { transport = 'RFC2833', duration = 120, interToneGap = 80 } = {}) {
  const s = need();
  if (transport === 'INFO') {
    s.sendDTMF(tones, { transportType: 'INFO', duration, interToneGap });
    return Promise.resolve(tones);
  }
  const sender = s.connection.getSenders().find((x) => x.track && x.track.kind === 'audio');
  if (!sender || !sender.dtmf) return Promise.reject(new Error('no RTCDTMFSender on the audio sender'));
  return new Promise((resolve, reject) => {
    let played = '';
    const timer = setTimeout(() => { sender.dtmf.removeEventListener('tonechange', on); reject(new Error(`DTMF not played in time, played ${played}`)); }, 10_000);
    function on(ev) {
      if (ev.tone) { played += ev.tone; return; }
      clearTimeout(timer);
      sender.dtmf.removeEventListener('tonechange', on);
      resolve(played);
    }
    sender.dtmf.addEventListener('tonechange', on);
    s.sendDTMF(tones, { transportType: 'RFC2833', duration, interToneGap });
  });
}

function mute(on) {
  const s = need();
  if (on) s.mute({ audio: true }); else s.unmute({ audio: true });
  return s.isMuted().audio;
}

function state() {
  const c = current && {
    direction: current.direction,
    status: current.status,
    remote: current.remote,
    localHold: current.localHold,
    remoteHold: current.remoteHold,
    startedAt: current.startedAt,
    acceptedAt: current.acceptedAt,
    confirmedAt: current.confirmedAt,
    endedAt: current.endedAt,
    endOriginator: current.endOriginator,
    endCause: current.endCause,
    failCode: current.failCode,
    infoIn: current.infoIn,
    isOnHold: current.session.isOnHold(),
  };
  return { registered, uri: creds && `sip:${creds.user}@${creds.host}`, call: c, events: events.slice(-60) };
}

async function logout() {
  if (!ua) return;
  const u = ua;
  ua = null;
  await new Promise((resolve) => {
    const t = setTimeout(resolve, 1500);
    u.once('disconnected', () => { clearTimeout(t); resolve(); });
    u.stop();
  });
  registered = false;
  render();
}

async function stats() {
  return window.__e2e.audioStats();
}

async function renderStats() {
  if (!window.__e2e) return;
  try {
    const s = await window.__e2e.audioStats();
    $('stats').textContent = s.live
      ? `in: ${s.packetsReceived ?? 0} pkts, level ${(s.audioLevel ?? 0).toFixed(4)}, ${s.codec ?? ''} | out: ${s.packetsSent ?? 0} pkts | ${s.localAddress ?? ''} ⇄ ${s.remoteAddress ?? ''} | DTMF in: ${s.dtmfReceived}`
      : 'no media';
  } catch (e) {
    $('stats').textContent = String(e);
  }
}
setInterval(renderStats, 500);

JsSIP.debug.enable('JsSIP:*');
window.JsSIP = JsSIP;
window.sip = {
  login, logout, call, answer, reject, hangup, hold: () => reinvite('hold'), unhold: () => reinvite('unhold'),
  mute: () => mute(true), unmute: () => mute(false), sendDtmf, state, stats, decodeToken,
  receivedRequests: () => receivedRequests.slice(),
};
render();
