// A user's app: import the package, log in with a token from our own server, call, answer.
// Everything the test reads is on window.app (the same shape as the Vite app's AppState).
import { BWClient } from 'bwclient';

const el = (id) => document.getElementById(id);

const app = {
  bundler: 'webpack',
  version: BWClient.version(),
  phone: null,
  call: null,
  phoneState: 'starting',
  callState: 'none',
  events: [],
  ended: null,
  info: () => app.call?.getInfo() ?? null,
  hangup: () => app.call?.hangup(),
};
window.app = app;

function show() {
  el('phone').textContent = app.phoneState;
  el('call').textContent = app.callState;
  el('hangup').disabled = !app.call || app.callState === 'ended';
}

function track(call, first) {
  app.call = call;
  app.ended = null;
  app.callState = first;
  const note = (state) => () => {
    app.callState = state;
    app.events.push(state);
    show();
  };
  call.on('ringing', note('ringing'))
    .on('connected', note('connected'))
    .on('held', ({ by }) => note(by === 'local' ? 'held' : 'remote held')())
    .on('unheld', note('connected'));
  call.on('ended', (info) => { app.ended = info; note('ended')(); });
  call.on('failed', (info) => { app.ended = info; note('ended')(); });
  show();
  return call;
}

async function demoToken(endpoint) {
  const res = await fetch(`/demo/token?endpoint=${encodeURIComponent(endpoint)}`);
  if (!res.ok) throw new Error(`GET /demo/token answered ${res.status}`);
  return (await res.json()).token;
}

async function main() {
  const params = new URLSearchParams(location.search);
  const target = params.get('call') ?? 'bob';
  el('target').textContent = target;
  el('hangup').addEventListener('click', () => app.hangup());

  let phone;
  try {
    phone = await BWClient.login(await demoToken(params.get('as') ?? 'alice'));
  } catch (err) {
    app.phoneState = `login failed: ${err.code ?? err}`;
    el('error').textContent = String(err);
    show();
    return;
  }
  app.phone = phone;
  app.phoneState = phone.registered ? 'registered' : 'unregistered';
  phone.on('registered', () => { app.phoneState = 'registered'; show(); });
  phone.on('incomingCall', (call) => {
    track(call, 'incoming');
    call.answer();
  });
  if (target !== '') track(phone.call(target, { extraHeaders: ['X-App: webpack'] }), 'calling');
  show();
}

main().catch((err) => { el('error').textContent = String(err); });
