// The demo phone: one page, two tabs can call each other. Uses only the public BWClient API.
import init, { BWClient } from '/pkg/bwclient.js';

const $ = (id) => document.getElementById(id);
const statusEl = $('status');
const callsEl = $('calls');
const logEl = $('log');
let phone = null;
let logCount = 0;
const calls = new Set();

function setStatus(text, kind) {
  statusEl.textContent = text;
  statusEl.className = `status ${kind}`;
}

function log(line) {
  logCount += 1;
  $('log-count').textContent = String(logCount);
  logEl.textContent += `${line}\n`;
  if (logEl.textContent.length > 200000) logEl.textContent = logEl.textContent.slice(-150000);
  logEl.scrollTop = logEl.scrollHeight;
}

async function demoToken(endpoint) {
  const res = await fetch(`/demo/token?endpoint=${encodeURIComponent(endpoint)}`);
  if (!res.ok) throw new Error(`the server did not hand out a demo token (${res.status})`);
  return (await res.json()).token;
}

async function login(token) {
  setStatus('connecting…', 'busy');
  try {
    phone = await BWClient.login(token, { logLevel: 'debug' });
  } catch (err) {
    setStatus(`login failed: ${err.code || err.message}`, 'offline');
    log(`login failed: ${err.code || ''} ${err.message || err}`);
    return;
  }
  window.phone = phone; // handy in the console and for the e2e tests
  phone.on('log', (entry) => log(entry.message ?? String(entry)));
  phone.on('registered', () => setStatus('registered', 'online'));
  phone.on('unregistered', () => setStatus('offline', 'offline'));
  phone.on('registrationFailed', (e) => setStatus(`registration failed: ${e?.code ?? ''}`, 'offline'));
  phone.on('reconnecting', () => setStatus('reconnecting…', 'busy'));
  phone.on('reconnected', () => setStatus('registered', 'online'));
  phone.on('incomingCall', (call) => addCall(call));
  $('me').textContent = phone.uri ?? '';
  $('session').hidden = false;
  $('demo-buttons').hidden = true;
  $('token-form').hidden = true;
  setStatus('registered', 'online');
}

// Audio levels for the meters: the RMS of the waveform in dBFS, -60..0 dB shown as 0..100 %
// (a peak reading barely moves for speech).
let audioContext = null;
function levelMeter(stream, fill) {
  audioContext = audioContext || new AudioContext();
  audioContext.resume().catch(() => {});
  const analyser = audioContext.createAnalyser();
  analyser.fftSize = 1024;
  const source = audioContext.createMediaStreamSource(stream);
  source.connect(analyser);
  const data = new Float32Array(analyser.fftSize);
  let running = true;
  const tick = () => {
    if (!running) return;
    analyser.getFloatTimeDomainData(data);
    let sum = 0;
    for (const v of data) sum += v * v;
    const db = 20 * Math.log10(Math.sqrt(sum / data.length) || 1e-6);
    fill.style.width = `${Math.max(0, Math.min(100, ((db + 60) / 60) * 100)).toFixed(0)}%`;
    requestAnimationFrame(tick);
  };
  tick();
  return () => { running = false; source.disconnect(); fill.style.width = '0%'; };
}

// The call's quality from getStats(): round trip, jitter, estimated MOS, codec.
function qualityLine(s) {
  const parts = [];
  if (s.rtt != null) parts.push(`RTT ${s.rtt.toFixed(0)} ms`);
  if (s.jitter != null) parts.push(`jitter ${s.jitter.toFixed(1)} ms`);
  if (s.mos != null) parts.push(`MOS ${s.mos.toFixed(1)}`);
  if (s.codec) parts.push(s.codec);
  if (s.packetsLost > 0) parts.push(`${s.packetsLost} lost`);
  return parts.join(' · ');
}

function fmtDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function addCall(call) {
  calls.add(call);
  window.lastCall = call;
  $('no-calls').hidden = true;
  const li = $('call-template').content.firstElementChild.cloneNode(true);
  const info = call.getInfo();
  li.querySelector('.dir').textContent = info.direction === 'in' ? '⬋' : '⬈';
  li.querySelector('.peer').textContent = info.remoteName || info.remoteUri;
  const stateEl = li.querySelector('.state');
  const timerEl = li.querySelector('.timer');
  const btn = (act) => li.querySelector(`[data-act="${act}"]`);
  let state = info.direction === 'in' ? 'incoming' : 'connecting';
  let timer = null;

  const render = () => {
    stateEl.textContent = state;
    stateEl.className = `state ${state}`;
    const live = state !== 'ended';
    const up = state === 'connected' || state === 'held';
    btn('answer').hidden = state !== 'incoming';
    btn('reject').hidden = state !== 'incoming';
    btn('mute').disabled = !up;
    btn('hold').disabled = !up;
    btn('transfer').disabled = !up;
    btn('hangup').disabled = !live || state === 'incoming';
    const i = call.getInfo();
    btn('mute').textContent = i.microphoneMuted ? 'Unmute' : 'Mute';
    btn('mute').classList.toggle('active', !!i.microphoneMuted);
    btn('hold').textContent = i.held ? 'Unhold' : 'Hold';
    btn('hold').classList.toggle('active', !!i.held);
  };

  call.on('ringing', () => { state = 'ringing'; render(); });
  let stopMeter = null;
  let quality = null;
  call.on('connected', () => {
    state = 'connected';
    render();
    timer = setInterval(() => { timerEl.textContent = fmtDuration(call.getInfo().duration ?? 0); }, 500);
    li.querySelector('.call-quality').hidden = false;
    const show = () => {
      // The far end's stream may come a moment after the call connects.
      const remote = !stopMeter && call.getRemoteStream();
      if (remote) stopMeter = levelMeter(remote, li.querySelector('.remote-level'));
      call.getStats().then((s) => { li.querySelector('.quality').textContent = qualityLine(s); }, () => {});
    };
    show();
    quality = setInterval(show, 1000);
  });
  call.on('held', () => { state = 'held'; render(); });
  call.on('unheld', () => { state = 'connected'; render(); });
  call.on('muted', render);
  call.on('unmuted', render);
  call.on('dtmf', (d) => { li.querySelector('.dtmf-seen').textContent += d.digit ?? d; });
  const end = (e) => {
    state = 'ended';
    clearInterval(timer);
    clearInterval(quality);
    if (stopMeter) stopMeter();
    stopMeter = null;
    li.querySelector('.dtmf-seen').textContent += e?.reason ? `  (${e.reason}${e.code ? ` ${e.code}` : ''})` : '';
    render();
    calls.delete(call);
    setTimeout(() => li.remove(), 8000);
  };
  call.on('ended', end);
  call.on('failed', end);

  btn('answer').onclick = () => call.answer();
  btn('reject').onclick = () => call.reject();
  btn('hangup').onclick = () => call.hangup();
  btn('mute').onclick = () => (call.getInfo().microphoneMuted ? call.unmute() : call.mute());
  btn('hold').onclick = () => (call.getInfo().held ? call.unhold() : call.hold());
  btn('transfer').onclick = () => {
    const to = prompt('Transfer to (user, number or SIP URI):');
    if (to) call.transfer(to);
  };
  render();
  callsEl.prepend(li);
}

function activeCall() {
  for (const c of calls) if (c.getInfo().status === 'connected') return c;
  return null;
}

document.querySelectorAll('.demo-login').forEach((b) => {
  b.onclick = async () => {
    try { await login(await demoToken(b.dataset.endpoint)); } catch (e) { setStatus(e.message, 'offline'); }
  };
});
$('login-token').onclick = () => login($('token').value.trim());
$('logout').onclick = async () => {
  await phone?.logout();
  phone = null;
  $('session').hidden = true;
  $('demo-buttons').hidden = false;
  $('token-form').hidden = false;
  setStatus('offline', 'offline');
};
$('call').onclick = () => {
  const target = $('target').value.trim();
  if (!phone || !target) return;
  addCall(phone.call(target));
};
$('target').addEventListener('keydown', (e) => { if (e.key === 'Enter') $('call').click(); });
$('pad').querySelectorAll('button').forEach((b) => {
  b.onclick = () => {
    const call = activeCall();
    if (call) call.sendDtmf(b.textContent);
    else $('target').value += b.textContent;
  };
});

// Microphone level meter: the page's own analyser on the default microphone.
async function startMeter() {
  try {
    levelMeter(await navigator.mediaDevices.getUserMedia({ audio: true }), $('mic-level'));
  } catch (e) {
    log(`microphone meter unavailable: ${e.message}`);
  }
}

await init();
fetch('/demo/token?endpoint=alice', { method: 'HEAD' }).then((r) => {
  if (!r.ok) { $('demo-hint').textContent = 'Paste a token minted by your app server.'; $('demo-buttons').hidden = true; }
}).catch(() => {});
startMeter();
const auto = new URLSearchParams(location.search).get('as');
if (auto) login(await demoToken(auto)).catch((e) => setStatus(e.message, 'offline'));
