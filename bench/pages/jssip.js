// JsSIP (npm jssip, pinned in bench/package.json) for the login/call/memory benchmarks, set up
// like tests/e2e/pages/jssip-page.js but without its debug trace and UI: the node side passes
// the token's auth_ephemeral credentials (tests/e2e/lib/tokens.mjs decodeToken).
import * as JsSIP from 'jssip';
import { phonePage } from './common.js';

JsSIP.debug.disable();
let ua = null;
let creds = null;
let onIncoming = null;

const mediaOptions = () => ({
  mediaConstraints: { audio: true, video: false },
  pcConfig: { iceServers: [] },
  rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false },
  extraHeaders: creds && creds.sendTokenHeader ? [`X-Callsign-Token: ${creds.token}`] : [],
});

function playRemote(pc) {
  pc.addEventListener('track', (ev) => {
    const audio = new Audio();
    audio.autoplay = true;
    audio.srcObject = ev.streams[0] || new MediaStream([ev.track]);
    audio.play().catch(() => {});
  });
}

function follow(session, rec) {
  if (session.connection) playRemote(session.connection);
  session.on('peerconnection', ({ peerconnection }) => playRemote(peerconnection));
  session.on('confirmed', () => rec.connected());
  session.on('ended', (e) => rec.ended(e.cause));
  session.on('failed', (e) => rec.ended(e.cause));
}

window.bench = phonePage({
  login({ creds: c, wsUrl, sendTokenHeader }) {
    creds = { ...c, sendTokenHeader };
    ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(wsUrl)],
      uri: `sip:${creds.user}@${creds.host}`,
      authorization_user: creds.username,
      password: creds.password,
      register: true,
      register_expires: 600,
      session_timers: false,
      user_agent: 'JsSIP bench',
    });
    if (sendTokenHeader) ua.registrator().setExtraHeaders([`X-Callsign-Token: ${creds.token}`]);
    ua.on('newRTCSession', ({ session, originator }) => {
      if (originator !== 'remote') return;
      const rec = onIncoming();
      follow(session, rec);
      session.answer(mediaOptions());
    });
    const done = new Promise((resolve, reject) => {
      ua.once('registered', resolve);
      ua.once('registrationFailed', (e) => reject(new Error(`registration failed: ${e.cause}`)));
    });
    ua.start();
    return done;
  },
  logout() {
    const u = ua;
    ua = null;
    if (!u) return Promise.resolve();
    // stop() unregisters, then closes the WebSocket only once the un-REGISTER's transaction
    // has ended (Timer K, 5 s). Done here once the un-REGISTER is answered (at most 2 s); the
    // old socket closes by itself meanwhile.
    u.stop();
    return new Promise((resolve) => {
      const end = Date.now() + 2000;
      const poll = () => {
        if (!u.isRegistered() || Date.now() > end) resolve();
        else setTimeout(poll, 5);
      };
      poll();
    });
  },
  onIncoming(cb) { onIncoming = cb; },
  call(target, rec) {
    rec.session = ua.call(target, mediaOptions());
    follow(rec.session, rec);
  },
  hangup(rec) { if (!rec.session.isEnded()) rec.session.terminate({ extraHeaders: mediaOptions().extraHeaders }); },
  wasmBytes: () => 0,
});
