// Pure-logic tests of the browser layer: ICE policy, trickle queue, reconnect back-off, tones,
// stats, timer, log and emitter, and Media's behaviour against a fake RTCPeerConnection.
// Run: node --test js/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  candidates,
  candidateType,
  iceUfrag,
  isSatisfiedBy,
  sdpHasCandidate,
} from '../ice.js';
import { TrickleQueue, remoteCandidates } from '../trickle.js';
import { ReconnectPolicy } from '../reconnect.js';
import { HORIZON_MS, cadence, frequencies, steps } from '../tones.js';
import { Media, estimateMos, fromReport, lossFraction } from '../media.js';
import { Timer, sleep } from '../timer.js';
import { Emitter } from '../emitter.js';
import * as log from '../log.js';

// ---- ice ----

// Shaped like a Chromium offer taken right after the first candidates came in.
const ICE_OFFER =
  'v=0\r\n' +
  'o=- 1 2 IN IP4 127.0.0.1\r\n' +
  's=-\r\n' +
  't=0 0\r\n' +
  'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n' +
  'a=candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host generation 0\r\n' +
  'a=candidate:2 1 tcp 1518280447 192.0.2.10 9 typ host tcptype active generation 0\r\n' +
  'a=ice-ufrag:abcd\r\n' +
  'a=sendrecv\r\n';

test('ice: lists candidate values only', () => {
  const found = candidates(ICE_OFFER);
  assert.equal(found.length, 2);
  assert.ok(found[0].startsWith('candidate:1 1 udp'));
  assert.ok(found[1].endsWith('generation 0'));
  assert.equal(candidates('v=0\r\na=ice-ufrag:x\r\n').length, 0);
});

test('ice: reads the candidate type', () => {
  assert.equal(candidateType('candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host'), 'host');
  assert.equal(
    candidateType(
      'a=candidate:3 1 udp 1686052607 198.51.100.7 40000 typ srflx raddr 0.0.0.0 rport 0',
    ),
    'srflx',
  );
  assert.equal(candidateType('candidate:1 1 udp 1 192.0.2.1 1'), undefined);
  assert.equal(candidateType('candidate:1 1 udp 1 192.0.2.1 1 typ'), undefined);
});

test('ice: host policy is satisfied by any candidate', () => {
  assert.ok(isSatisfiedBy('hostCandidates', ICE_OFFER));
  assert.ok(!isSatisfiedBy('hostCandidates', 'v=0\r\nm=audio 9 x 0\r\n'));
});

test('ice: server policy waits for srflx or relay', () => {
  assert.ok(!isSatisfiedBy('serverCandidate', ICE_OFFER));
  const withSrflx =
    ICE_OFFER +
    'a=candidate:3 1 udp 1686052607 198.51.100.7 40000 typ srflx raddr 192.0.2.10 rport 54321\r\n';
  assert.ok(isSatisfiedBy('serverCandidate', withSrflx));
  const withRelay =
    ICE_OFFER +
    'a=candidate:4 1 udp 41885439 203.0.113.5 3478 typ relay raddr 198.51.100.7 rport 40000\r\n';
  assert.ok(isSatisfiedBy('serverCandidate', withRelay));
});

test('ice: reads the ufrag', () => {
  assert.equal(iceUfrag(ICE_OFFER), 'abcd');
  assert.equal(iceUfrag('v=0\r\n'), undefined);
});

test('ice: finds a trickled candidate already in the sdp', () => {
  assert.ok(
    sdpHasCandidate(ICE_OFFER, 'candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host generation 0'),
  );
  assert.ok(
    sdpHasCandidate(
      ICE_OFFER,
      'a=candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host generation 0',
    ),
  );
  assert.ok(
    !sdpHasCandidate(ICE_OFFER, 'candidate:9 1 udp 2122260223 192.0.2.10 50000 typ host generation 0'),
  );
});

// ---- trickle ----

// Shaped like a Chromium offer taken once its first host candidate was in.
const TRICKLE_OFFER =
  'v=0\r\n' +
  'o=- 1 2 IN IP4 127.0.0.1\r\n' +
  's=-\r\n' +
  't=0 0\r\n' +
  'a=group:BUNDLE 0\r\n' +
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\n' +
  'c=IN IP4 0.0.0.0\r\n' +
  'a=candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host generation 0 ufrag abcd\r\n' +
  'a=ice-ufrag:abcd\r\n' +
  'a=ice-pwd:0123456789abcdefghijkl\r\n' +
  'a=mid:0\r\n' +
  'a=sendrecv\r\n' +
  'a=rtpmap:111 opus/48000/2\r\n';

const TCP =
  'candidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype passive generation 0 ufrag abcd';

test('trickle: sends only what the offer lacked, then end-of-candidates', () => {
  const queue = new TrickleQueue();
  // Found before the offer went out: in it, so never trickled.
  queue.push('0', 'candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host generation 0 ufrag abcd');
  assert.equal(queue.takeFragment(), undefined, 'nothing signalled yet');
  queue.signalled(TRICKLE_OFFER);
  assert.equal(queue.takeFragment(), undefined);

  queue.push('0', TCP);
  assert.equal(
    queue.takeFragment(),
    'a=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdefghijkl\r\n' +
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\na=mid:0\r\n' +
      'a=' +
      TCP +
      '\r\n',
  );
  assert.equal(queue.takeFragment(), undefined, 'sent once');

  queue.gatheringComplete();
  const last = queue.takeFragment();
  assert.ok(last.endsWith('a=mid:0\r\na=end-of-candidates\r\n'), last);
  assert.ok(!last.includes('a=candidate'), last);
  assert.equal(queue.takeFragment(), undefined);
});

test('trickle: skips other generations and garbage', () => {
  const queue = new TrickleQueue();
  queue.signalled(TRICKLE_OFFER);
  queue.push('0', TCP.replace('ufrag abcd', 'ufrag zzzz'));
  queue.push('0', 'not a candidate');
  assert.equal(queue.takeFragment(), undefined);
  queue.push('7', TCP);
  assert.throws(() => queue.takeFragment(), { message: 'candidate for unknown mid 7' });
  const bare = new TrickleQueue();
  bare.signalled('v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n');
  bare.push('0', TCP);
  assert.throws(() => bare.takeFragment(), { message: 'description has no ICE credentials' });
});

test('trickle: reads a peer fragment', () => {
  const queue = new TrickleQueue();
  queue.signalled(TRICKLE_OFFER);
  queue.push('0', TCP);
  queue.gatheringComplete();
  const fragment = queue.takeFragment();
  const end = ['0', ''];
  assert.deepEqual(remoteCandidates(fragment), [['0', TCP], end]);
  // RFC 8840 §4.4 also allows a session-level end-of-candidates.
  const session = 'a=ice-ufrag:abcd\r\na=end-of-candidates\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n';
  assert.deepEqual(remoteCandidates(session), [end]);
  assert.equal(remoteCandidates('a=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n'), undefined);
});

test('trickle: a rejected section (port 0) takes no candidates', () => {
  const queue = new TrickleQueue();
  queue.signalled(TRICKLE_OFFER + 'm=video 0 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n');
  queue.push('1', TCP);
  assert.throws(() => queue.takeFragment(), { message: 'candidate for unknown mid 1' });
});

// ---- reconnect ----

const noJitter = () => new ReconnectPolicy({ jitter: 0 });

test('reconnect: grows exponentially from initial and stops at max', () => {
  const policy = noJitter();
  const delays = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => policy.nextDelay(n, 0.7));
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(policy.nextDelay(4294967295, 0), 30000);
});

test('reconnect: jitter shortens the delay by at most its fraction', () => {
  const policy = new ReconnectPolicy();
  assert.equal(policy.nextDelay(2, 0), 2000);
  assert.equal(policy.nextDelay(2, 0.5), 1500);
  assert.equal(policy.nextDelay(2, 0.999999), 1000);
  assert.equal(policy.nextDelay(40, 0), 30000);
  assert.equal(policy.nextDelay(40, 1), 15000);
});

test('reconnect: bad inputs are clamped, not propagated', () => {
  const bad = { initialMs: 100, maxMs: 1000, factor: 0.5, jitter: 7 };
  const policy = new ReconnectPolicy(bad);
  // factor < 1 acts as 1; jitter > 1 acts as 1.
  assert.equal(policy.nextDelay(5, 0), 100);
  assert.equal(policy.nextDelay(5, 0.25), 75);
  assert.equal(policy.nextDelay(5, NaN), 100);
  assert.equal(policy.nextDelay(5, -3), 100);
  assert.equal(policy.nextDelay(5, 9), 0);
  const nanFactor = new ReconnectPolicy({ ...bad, factor: NaN });
  assert.equal(nanFactor.nextDelay(3, 0), 100);
});

test('reconnect: max below initial caps the first delay too', () => {
  const policy = new ReconnectPolicy({ initialMs: 5000, maxMs: 1000, factor: 2, jitter: 0 });
  assert.equal(policy.nextDelay(0, 0.3), 1000);
});

test('reconnect: defaults', () => {
  const policy = new ReconnectPolicy();
  assert.deepEqual(
    [policy.initialMs, policy.maxMs, policy.factor, policy.jitter],
    [500, 30000, 2, 0.5],
  );
});

// ---- tones ----

test('tones: ringback is two seconds on, four off', () => {
  assert.deepEqual(steps('ringback', 12000), [
    [0, true],
    [2, false],
    [6, true],
    [8, false],
  ]);
  assert.deepEqual(frequencies('ringback'), [440, 480]);
  assert.deepEqual(cadence('ringback'), [2000, 4000]);
});

test('tones: ringtone is a double ring', () => {
  assert.deepEqual(steps('ringtone', 3000), [
    [0, true],
    [0.4, false],
    [0.6, true],
    [1.0, false],
  ]);
  assert.deepEqual(frequencies('ringtone'), [400, 450]);
  assert.deepEqual(cadence('ringtone'), [400, 200, 400, 2000]);
});

test('tones: the schedule covers the horizon and ends silent', () => {
  const all = steps('ringback', HORIZON_MS);
  // 180 s of 6 s periods, two changes each.
  assert.equal(all.length, 60);
  assert.deepEqual(all[all.length - 1], [176, false]);
  // A horizon inside an "on" still ends with "off".
  assert.deepEqual(steps('ringback', 1000), [
    [0, true],
    [2, false],
  ]);
  assert.deepEqual(steps('ringtone', 0), []);
});

// ---- stats ----

test('stats: a clean LAN call scores about 4.4', () => {
  const mos = estimateMos(0, 0, 0);
  // R = 93.2 - 10/40 = 92.95
  assert.ok(Math.abs(mos - 4.4045) < 0.001, String(mos));
});

test('stats: the score is bounded and falls with each impairment', () => {
  const good = estimateMos(20, 2, 0);
  assert.ok(estimateMos(300, 2, 0) < good);
  assert.ok(estimateMos(20, 60, 0) < good);
  assert.ok(estimateMos(20, 2, 0.05) < good);
  assert.equal(estimateMos(5000, 500, 1), 1);
  for (const [rtt, jitter, loss] of [
    [0, 0, 0],
    [-5, -1, -0.5],
    [1e9, 1e9, 9],
  ]) {
    const mos = estimateMos(rtt, jitter, loss);
    assert.ok(mos >= 1 && mos <= 4.5, String(mos));
  }
});

test('stats: the delay impairment steepens past 160 ms', () => {
  // Below 160 ms: 1/40 per ms; above: 1/10 per ms.
  const a = estimateMos(100, 0, 0);
  const b = estimateMos(110, 0, 0);
  const c = estimateMos(200, 0, 0);
  const d = estimateMos(210, 0, 0);
  assert.ok(a - b < c - d);
});

test('stats: loss fraction uses lost over expected', () => {
  assert.equal(lossFraction(0, 0), 0);
  assert.equal(lossFraction(5, 95), 0.05);
  assert.equal(lossFraction(-3, 100), 0);
});

test('stats: an empty report gives the null/zero snapshot', () => {
  assert.deepEqual(fromReport(new Map()), {
    codec: null,
    rtt: null,
    jitter: null,
    packetsLost: 0,
    packetsReceived: 0,
    packetsSent: 0,
    bytesReceived: 0,
    bytesSent: 0,
    audioLevel: null,
    localAudioLevel: null,
    mos: null,
  });
});

test('stats: reads a report like Chromium gives', () => {
  const report = new Map(
    [
      { id: 'C1', type: 'codec', mimeType: 'audio/opus' },
      { id: 'C2', type: 'codec', mimeType: 'audio/PCMU' },
      { id: 'O', type: 'outbound-rtp', kind: 'audio', codecId: 'C2', packetsSent: 50, bytesSent: 8000 },
      {
        id: 'I',
        type: 'inbound-rtp',
        kind: 'audio',
        codecId: 'C1',
        packetsReceived: 95,
        packetsLost: 5,
        bytesReceived: 9500,
        jitter: 0.004,
        audioLevel: 0.25,
      },
      { id: 'V', type: 'inbound-rtp', kind: 'video', packetsReceived: 999 },
      { id: 'M', type: 'media-source', kind: 'audio', audioLevel: 0.5 },
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
      { id: 'P', type: 'candidate-pair', currentRoundTripTime: 0.03 },
    ].map((s) => [s.id, s]),
  );
  const s = fromReport(report);
  assert.equal(s.codec, 'opus');
  assert.equal(s.rtt, 30);
  assert.equal(s.jitter, 4);
  assert.deepEqual(
    [s.packetsLost, s.packetsReceived, s.packetsSent, s.bytesReceived, s.bytesSent],
    [5, 95, 50, 9500, 8000],
  );
  assert.equal(s.audioLevel, 0.25);
  assert.equal(s.localAudioLevel, 0.5);
  assert.equal(s.mos, estimateMos(30, 4, 0.05));
  // RTCP's round trip wins over the candidate pair's; the nominated pair is the fallback.
  report.set('R', { type: 'remote-inbound-rtp', mediaType: 'audio', roundTripTime: 0.05 });
  assert.equal(fromReport(report).rtt, 50);
  report.delete('R');
  report.delete('T');
  report.set('N', { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.02 });
  assert.equal(fromReport(report).rtt, 20);
});

// ---- timer ----

test('timer: a new timer is not armed; clearing an idle one is harmless', () => {
  const timer = new Timer();
  assert.ok(!timer.isArmed());
  timer.clear();
  assert.ok(!timer.isArmed());
});

test('timer: fires once, can re-arm from its callback, and clear cancels', async () => {
  const timer = new Timer();
  let runs = 0;
  await new Promise((done) => {
    timer.set(1, () => {
      runs++;
      timer.set(1, () => done(runs++));
      assert.ok(timer.isArmed(), 're-armed from its own callback');
    });
    assert.ok(timer.isArmed());
  });
  await sleep(5);
  assert.equal(runs, 2);
  assert.ok(!timer.isArmed());
  timer.set(1, () => runs++);
  timer.clear();
  await sleep(10);
  assert.equal(runs, 2);
});

test('timer: delays beyond 2^31-1 are clamped, not wrapped', async () => {
  const timer = new Timer();
  let ran = false;
  timer.set(4294967295, () => (ran = true));
  await sleep(20);
  assert.ok(!ran && timer.isArmed());
  timer.clear();
});

// ---- emitter ----

test('emitter: order, off, removeAll, listenerCount, throwing listener', () => {
  const emitter = new Emitter();
  const seen = [];
  const a = (x) => seen.push('a' + x);
  const boom = () => {
    throw new Error('page bug');
  };
  emitter.on('e', a);
  emitter.on('e', boom);
  emitter.on('e', (x) => seen.push('b' + x));
  emitter.on('other', a);
  const previous = log.level();
  log.setLevel('silent');
  assert.equal(emitter.emit('e', [1]), 3);
  log.setLevel(previous);
  assert.deepEqual(seen, ['a1', 'b1']);
  assert.equal(emitter.listenerCount('e'), 3);
  assert.ok(emitter.off('e', boom));
  assert.ok(!emitter.off('e', boom));
  assert.equal(emitter.emit('none'), 0);
  emitter.removeAll('e');
  assert.equal(emitter.listenerCount('e'), 0);
  assert.equal(emitter.listenerCount('other'), 1);
  emitter.removeAll();
  assert.equal(emitter.listenerCount('other'), 0);
});

// ---- log ----

test('log: parses every option value', () => {
  for (const level of ['debug', 'log', 'warn', 'error', 'silent']) {
    assert.equal(log.parseLevel(level), level);
  }
  assert.equal(log.parseLevel('info'), undefined);
  assert.equal(log.parseLevel('DEBUG'), undefined);
});

test('log: a level includes the more severe ones and silent prints nothing', () => {
  assert.equal(log.level(), 'warn', 'quiet by default');
  assert.ok(!log.enabled('debug'));
  assert.ok(!log.enabled('log'));
  assert.ok(log.enabled('warn'));
  assert.ok(log.enabled('error'));
  log.setLevel('silent');
  assert.ok(!log.enabled('error'));
  assert.ok(!log.enabled('silent'));
  log.setLevel('debug');
  assert.ok(log.enabled('debug'));
  assert.equal(log.level(), 'debug');
  log.setLevel('warn');
});

// ---- media, against a fake RTCPeerConnection (no browser) ----

const HOST1 = 'candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host generation 0';
const HOST2 = 'candidate:2 1 udp 2122194687 198.51.100.3 54322 typ host generation 0';
const SRFLX =
  'candidate:3 1 udp 1686052607 203.0.113.7 40000 typ srflx raddr 192.0.2.10 rport 54321';

/** Enough of RTCPeerConnection: SDP = ufrag + direction + the candidates gathered so far. */
class FakePeerConnection {
  constructor(config) {
    this.config = config;
    this.transceivers = [];
    this.gathered = [];
    this.ufrag = 'u1';
    this.localDescription = this.remoteDescription = null;
    this.signalingState = 'stable';
    this.connectionState = 'new';
  }
  sdp() {
    const direction = this.transceivers[0]?.direction ?? 'inactive';
    const lines = ['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=ice-ufrag:' + this.ufrag];
    lines.push(...this.gathered.map((c) => 'a=' + c), 'a=mid:0', 'a=' + direction, '');
    return lines.join('\r\n');
  }
  getTransceivers() {
    return this.transceivers;
  }
  addTransceiver() {
    const dtmf = { toneBuffer: '', insertDTMF(...args) { this.args = args; } };
    const sender = { track: null, dtmf, replaceTrack: async (t) => (sender.track = t) };
    const transceiver = { direction: 'sendrecv', sender };
    this.transceivers.push(transceiver);
    return transceiver;
  }
  addTrack(track) {
    this.addTransceiver().sender.track = track;
  }
  async createOffer(options) {
    if (options?.iceRestart) {
      this.ufrag = 'u2';
      this.gathered = [];
    }
    return { type: 'offer', sdp: this.sdp() };
  }
  async createAnswer() {
    return { type: 'answer', sdp: this.sdp() };
  }
  async setLocalDescription(d) {
    if (d.type === 'rollback') this.signalingState = 'stable';
    else {
      this.localDescription = { type: d.type, sdp: d.sdp };
      this.signalingState = d.type === 'offer' ? 'have-local-offer' : 'stable';
    }
  }
  async setRemoteDescription(d) {
    if (d.type === 'rollback') this.signalingState = 'stable';
    else {
      this.remoteDescription = d;
      this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable';
    }
  }
  async addIceCandidate(init) {
    this.added = init;
  }
  /** A candidate found: into localDescription first, then the event (as browsers do). */
  gather(candidate) {
    this.gathered.push(candidate);
    this.localDescription = { ...this.localDescription, sdp: this.sdp() };
    this.onicecandidate({ candidate: { candidate, sdpMid: '0', sdpMLineIndex: 0 } });
  }
  complete() {
    this.onicecandidate({ candidate: null });
  }
  close() {
    this.signalingState = 'closed';
  }
}

const track = () => ({ enabled: true, stopped: false, stop() { this.stopped = true; } });
globalThis.RTCPeerConnection = FakePeerConnection;
globalThis.MediaStream = class {
  constructor(tracks = [track()]) {
    this.tracks = tracks;
  }
  getTracks() {
    return this.tracks;
  }
  getAudioTracks() {
    return this.tracks;
  }
};
globalThis.Audio = class {
  play() {
    this.playing = this.srcObject;
    return Promise.resolve();
  }
  async setSinkId(id) {
    this.sinkId = id;
  }
};
Object.defineProperty(globalThis, 'navigator', {
  configurable: true,
  value: { mediaDevices: { getUserMedia: async () => new MediaStream() } },
});

/** Resolves to 'pending' if `promise` has not settled after one event-loop turn. */
const state = (promise) => Promise.race([promise, sleep(0).then(() => 'pending')]);

test('media: without STUN/TURN the offer goes out with the first burst of host candidates', async () => {
  const events = [];
  const media = new Media(undefined, 5000, (e) => events.push(e));
  assert.deepEqual(media.pc.config, { bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  const offer = media.createOffer();
  assert.equal(await state(offer), 'pending');
  media.pc.gather(HOST1);
  queueMicrotask(() => media.pc.gather(HOST2)); // same burst: gets in
  const sdp = await offer;
  assert.ok(sdp.includes(HOST1) && sdp.includes(HOST2), sdp);
  assert.deepEqual(events[0], {
    type: 'iceCandidate',
    candidate: HOST1,
    sdpMid: '0',
    sdpMLineIndex: 0,
  });
  assert.throws(() => new Media({}, 1, () => {}), { message: 'iceServers must be an array' });
});

test('media: with STUN/TURN the offer waits for srflx or relay, never past the timeout', async () => {
  const media = new Media([{ urls: 'stun:stun.example.net' }], 5000, () => {});
  const offer = media.createOffer();
  assert.equal(await state(offer), 'pending');
  media.pc.gather(HOST1);
  assert.equal(await state(offer), 'pending', 'a host candidate is not enough');
  media.pc.gather(SRFLX);
  assert.ok((await offer).includes(SRFLX));

  const capped = new Media([{ urls: 'stun:stun.example.net' }], 30, () => {});
  const started = Date.now();
  const late = capped.createOffer();
  await sleep(0);
  capped.pc.gather(HOST1);
  assert.ok((await late).includes(HOST1));
  assert.ok(Date.now() - started >= 20, 'waited for the timeout');
});

test('media: gathering complete releases the offer; an ICE restart waits for its own', async () => {
  const events = [];
  const media = new Media([{ urls: 'stun:stun.example.net' }], 5000, (e) => events.push(e));
  const offer = media.createOffer();
  await sleep(0);
  media.pc.gather(HOST1);
  media.pc.complete();
  assert.ok((await offer).includes(HOST1));
  assert.deepEqual(events[events.length - 1], { type: 'iceGatheringComplete' });
  // Same ICE generation, complete: no waiting.
  assert.notEqual(await state(media.createOffer()), 'pending');
  // New ufrag: the old completion does not count.
  const restart = media.iceRestartOffer();
  assert.equal(await state(restart), 'pending');
  media.pc.gather(SRFLX);
  assert.ok((await restart).includes('a=ice-ufrag:u2'));
});

test('media: createOfferNow returns right after setLocalDescription', async () => {
  const media = new Media([{ urls: 'stun:stun.example.net' }], 5000, () => {});
  const sdp = await media.createOfferNow();
  assert.ok(sdp.includes('a=ice-ufrag:u1') && !sdp.includes('a=candidate'));
  assert.equal(media.pc.signalingState, 'have-local-offer');
});

test('media: hold is sendonly with the microphone off, and rolls back', async () => {
  const media = new Media(undefined, 5000, () => {});
  await media.acquireMicrophone();
  const mic = media.microphoneTrack();
  const transceiver = media.pc.getTransceivers()[0];
  assert.equal(transceiver.sender.track, mic);
  media.pc.gathered.push(HOST1); // gathered earlier: later offers carry it
  assert.ok((await media.hold()).includes('a=sendonly'));
  assert.ok(media.holdOffered && !mic.enabled);
  await media.rollback();
  assert.equal(transceiver.direction, 'sendrecv');
  assert.ok(!media.holdOffered && mic.enabled);

  await media.hold();
  await media.setRemoteAnswer('v=0\r\n');
  await media.unhold();
  assert.ok(mic.enabled);
  await media.rollback();
  assert.equal(transceiver.direction, 'sendonly', 'back to the agreed hold');
  assert.ok(!mic.enabled);
  media.mute(true);
  await media.unhold();
  assert.ok(media.muted && !mic.enabled, 'mute carries over');
});

test('media: DTMF appends to the tone buffer and reports tones', () => {
  const events = [];
  const media = new Media(undefined, 5000, (e) => events.push(e));
  assert.throws(() => media.insertDtmf('1', 100, 70), { message: 'no audio sender for DTMF' });
  const { dtmf } = media.pc.addTransceiver().sender;
  dtmf.toneBuffer = '12';
  media.insertDtmf('3#', 100, 70);
  assert.deepEqual(dtmf.args, ['123#', 100, 70]);
  dtmf.ontonechange({ tone: '1' });
  assert.deepEqual(events, [{ type: 'dtmfTone', tone: '1' }]);
});

test('media: remote audio plays through our <audio> unless the page gives one', async () => {
  const events = [];
  const media = new Media(undefined, 5000, (e) => events.push(e));
  assert.equal(await media.setSinkId('speaker-1'), true);
  const ours = media.remoteAudioElement();
  assert.equal(ours.sinkId, 'speaker-1');
  const remote = track();
  media.pc.ontrack({ streams: [], track: remote });
  assert.deepEqual(events, [{ type: 'remoteTrack' }]);
  assert.deepEqual(ours.playing.getTracks(), [remote]);
  assert.ok(ours.autoplay);
  const page = new Audio();
  media.setRemoteAudioElement(page);
  assert.equal(ours.srcObject, null);
  assert.equal(page.playing.getTracks()[0], remote);
  assert.equal(await media.setSinkId('speaker-2'), true);
  assert.equal(page.sinkId, 'speaker-2');
  const old = new Media(undefined, 5000, () => {});
  old.setRemoteAudioElement({ play() {} }); // a browser without setSinkId
  assert.equal(await old.setSinkId('x'), false);
});

test('media: close releases a waiting offer, stops the microphone, is idempotent', async () => {
  const media = new Media(undefined, 5000, () => {});
  await media.acquireMicrophone('mic-2');
  const mic = media.microphoneTrack();
  const offer = media.createOffer();
  await sleep(0);
  media.close();
  media.close();
  await assert.rejects(offer, { message: 'media is closed' });
  assert.ok(mic.stopped && media.closed);
  await assert.rejects(media.hold(), { message: 'media is closed' });
  await media.addRemoteCandidate('', '0').catch(() => {});
  assert.equal(media.pc.added, undefined);
});

test('media: a remote offer is answered; remote candidates go to addIceCandidate', async () => {
  const media = new Media(undefined, 5000, () => {});
  media.pc.gathered.push(HOST1);
  const answer = await media.createAnswer('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n');
  assert.ok(answer.includes(HOST1));
  assert.equal(media.remoteSdp(), 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n');
  await media.addRemoteCandidate(HOST2, '0');
  assert.deepEqual(media.pc.added, { candidate: HOST2, sdpMid: '0', sdpMLineIndex: undefined });
});
