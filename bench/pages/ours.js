// Our client (pkg/, served by bwclient-server at /pkg/) for the login/call/memory benchmarks.
import init, { BWClient } from '/pkg/bwclient.js';
import { phonePage } from './common.js';

const wasm = await init();
let phone = null;
let onIncoming = null;

window.bench = phonePage({
  async login({ token, server }) {
    phone = await BWClient.login(token, { server, ringback: false, ringtone: false, logLevel: 'warn' });
    phone.on('incomingCall', (call) => {
      const rec = onIncoming();
      call.on('connected', () => rec.connected());
      call.on('ended', (info) => rec.ended(info && info.reason));
      call.answer();
    });
  },
  async logout() {
    const p = phone;
    phone = null;
    if (p) await p.logout();
  },
  onIncoming(cb) { onIncoming = cb; },
  call(target, rec) {
    const call = phone.call(target);
    rec.call = call;
    call.on('connected', () => rec.connected());
    call.on('ended', (info) => rec.ended(info && info.reason));
  },
  hangup(rec) { rec.call.hangup(); },
  wasmBytes: () => wasm.memory.buffer.byteLength,
});
