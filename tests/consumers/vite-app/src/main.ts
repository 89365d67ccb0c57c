// A user's app: import the package, log in with a token from our own server, call, answer.
// Everything the test reads is on window.app (see AppState).
import { BWClient, type BWError, type Call, type CallInfo, type EndedInfo, type LoginOptions, type Phone } from 'bwclient';

export interface AppState {
  bundler: 'vite';
  version: string;
  phone: Phone | null;
  call: Call | null;
  /** 'starting' | 'registered' | 'login failed: <code>' */
  phoneState: string;
  /** The call's last event: 'none' | 'calling' | 'incoming' | 'ringing' | 'connected' | 'held' | 'ended' */
  callState: string;
  events: string[];
  ended: EndedInfo | null;
  info(): CallInfo | null;
  hangup(): void;
}

const el = (id: string): HTMLElement => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing`);
  return found;
};

const app: AppState = {
  bundler: 'vite',
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
declare global {
  interface Window { app: AppState }
}
window.app = app;

function show(): void {
  el('phone').textContent = app.phoneState;
  el('call').textContent = app.callState;
  (el('hangup') as HTMLButtonElement).disabled = !app.call || app.callState === 'ended';
}

function track(call: Call, first: string): Call {
  app.call = call;
  app.ended = null;
  app.callState = first;
  const note = (state: string) => () => {
    app.callState = state;
    app.events.push(state);
    show();
  };
  call.on('ringing', note('ringing'))
    .on('connected', note('connected'))
    .on('held', ({ by }) => note(by === 'local' ? 'held' : 'remote held')())
    .on('unheld', note('connected'));
  call.on('ended', (info) => {
    app.ended = info;
    note('ended')();
  });
  call.on('failed', ({ reason, code }) => {
    app.ended = { reason, code };
    note('ended')();
  });
  show();
  return call;
}

async function demoToken(endpoint: string): Promise<string> {
  const res = await fetch(`/demo/token?endpoint=${encodeURIComponent(endpoint)}`);
  if (!res.ok) throw new Error(`GET /demo/token answered ${res.status}`);
  const body = (await res.json()) as { token: string };
  return body.token;
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const target = params.get('call') ?? 'bob';
  el('target').textContent = target;
  el('hangup').addEventListener('click', () => app.hangup());

  const options: LoginOptions = { logLevel: 'warn', iceGatheringTimeoutMs: 1000 };
  let phone: Phone;
  try {
    phone = await BWClient.login(await demoToken(params.get('as') ?? 'alice'), options);
  } catch (err) {
    const code = (err as BWError).code ?? String(err);
    app.phoneState = `login failed: ${code}`;
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
  if (target !== '') track(phone.call(target, { extraHeaders: ['X-App: vite'] }), 'calling');
  show();
}

main().catch((err: unknown) => {
  el('error').textContent = String(err);
});
