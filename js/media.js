/**
 * A call's media: the only code that touches `RTCPeerConnection`, and
 * its quality figures from `getStats()`.
 *
 * One peer connection, one audio transceiver, bundle and rtcp-mux required (one ICE component,
 * the fastest setup). The sans-IO core never waits on the browser: the phone awaits
 * `createOffer`/`createAnswer` here, then hands the SDP to the core.
 *
 * Early offer: `createOffer`/`createAnswer` do not wait for ICE gathering to complete
 * (Chromium needs ~120 ms for that even on loopback). They resolve with the local SDP as soon
 * as it holds the candidates the gathering policy (ice.js) waits for — the first host
 * candidates (one event-loop turn after the first, so the rest of a burst gets in) without
 * STUN/TURN, the first server-reflexive or relay candidate with it — or when gathering
 * completes, and never later than the gathering timeout. Candidates found later still arrive
 * as `iceCandidate` events for trickle ICE (RFC 8838, RFC 8840).
 *
 * Events given to `onEvent`:
 * - `{type:'iceCandidate', candidate, sdpMid, sdpMLineIndex}`: a local candidate
 *   (`candidate:...`, no `a=`), for trickle ICE (RFC 8840); those found before the offer or
 *   answer resolved are also in its SDP (see `sdpHasCandidate` in ice.js);
 * - `{type:'iceGatheringComplete'}`: the `null` candidate, trickle's end-of-candidates
 *   (RFC 8838 §4.5);
 * - `{type:'connectionState', state}`: `connectionState` changed (not emitted for `close()`);
 * - `{type:'remoteTrack'}`: the remote audio track arrived and is being played;
 * - `{type:'dtmfTone', tone}`: `RTCDTMFSender` started a tone (one of `0-9A-D#*,`), or
 *   finished all of them (empty).
 * @module media
 */
import { audioTrack, openMicrophone, stopStream } from './devices.js';
import { iceUfrag, isSatisfiedBy } from './ice.js';
import * as log from './log.js';
import { callLater, cancelCall } from './timer.js';

/** `element.setSinkId(id)` where the browser has it; false where it does not. */
async function setElementSink(element, sinkId) {
  if (typeof element.setSinkId !== 'function') return false;
  await element.setSinkId(sinkId);
  return true;
}

/** One call's `RTCPeerConnection` with its microphone and remote audio; see the module docs. */
export class Media {
  /**
   * A peer connection using `iceServers` (the page's `iceServers` option as given: an array
   * of `RTCIceServer`, or undefined/null for none) that hands out its SDP no later than
   * `gatheringTimeoutMs` after setting it. No media is captured yet: see
   * `acquireMicrophone`.
   * @param {RTCIceServer[]|undefined|null} iceServers
   * @param {number} gatheringTimeoutMs
   * @param {(event: object) => void} onEvent receives the events of the module docs
   * @throws {Error} 'iceServers must be an array', or what `new RTCPeerConnection` throws
   */
  constructor(iceServers, gatheringTimeoutMs, onEvent) {
    const config = { bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
    if (iceServers != null) {
      if (!Array.isArray(iceServers)) throw new Error('iceServers must be an array');
      config.iceServers = iceServers;
    }
    const pc = (this.pc = new RTCPeerConnection(config));
    /** The gathering policy of ice.js. */
    this.policy = iceServers?.length ? 'serverCandidate' : 'hostCandidates';
    this.gatheringTimeoutMs = gatheringTimeoutMs;
    this.onEvent = onEvent;
    /** `resolve` functions of `waitForCandidates` calls in progress. */
    this.waiters = [];
    /**
     * The ICE ufrag whose gathering completed: `iceGatheringState` alone still reads
     * `complete` just after an ICE restart offer is set.
     */
    this.completeUfrag = undefined;
    this.remote = undefined;
    /** Where remote audio plays: the page's element, or our own `<audio>` (made lazily). */
    this.element = undefined;
    this.sinkId = undefined;
    this.microphone = undefined;
    this.muted = false;
    /** Hold as last offered, and as last agreed (what a rollback returns to). */
    this.holdOffered = false;
    this.holdAgreed = false;
    this.closed = false;
    this.dtmf = undefined;

    pc.onicecandidate = ({ candidate }) => {
      if (candidate && candidate.candidate) {
        // The browser adds the candidate to localDescription before this event.
        if (this.waiters.length && isSatisfiedBy(this.policy, this.localSdp())) {
          // Host candidates come as a burst of tasks: one more turn lets the rest of the
          // burst into the SDP at no real cost.
          this.releaseWaiters(this.policy === 'hostCandidates');
        }
        this.onEvent({
          type: 'iceCandidate',
          candidate: candidate.candidate,
          sdpMid: candidate.sdpMid ?? undefined,
          sdpMLineIndex: candidate.sdpMLineIndex ?? undefined,
        });
      } else {
        // `null` (or the legacy empty candidate): this generation is complete.
        this.completeUfrag = iceUfrag(this.localSdp());
        this.releaseWaiters(false);
        this.onEvent({ type: 'iceGatheringComplete' });
      }
    };
    pc.onconnectionstatechange = () =>
      this.onEvent({ type: 'connectionState', state: pc.connectionState });
    pc.ontrack = ({ streams, track }) => {
      // A sender without a stream (no a=msid): wrap the bare track.
      this.remote = streams[0] || new MediaStream([track]);
      this.playRemote();
      this.onEvent({ type: 'remoteTrack' });
    };
  }

  /** Resolves every pending wait: now, or after one event-loop turn. */
  releaseWaiters(nextTurn) {
    for (const resolve of this.waiters.splice(0)) {
      if (nextTurn) callLater(resolve, 0);
      else resolve();
    }
  }

  /** The element remote audio plays through, creating our own `<audio>` if the page gave none. */
  output() {
    if (this.element) return this.element;
    const element = new Audio();
    element.autoplay = true;
    if (this.sinkId !== undefined) {
      setElementSink(element, this.sinkId).catch((e) =>
        log.warnValue('could not select the speaker', e),
      );
    }
    return (this.element = element);
  }

  /** Plays the remote stream, if there is one yet. */
  playRemote() {
    if (!this.remote) return;
    let element;
    try {
      element = this.output();
    } catch (e) {
      return log.errorValue('cannot create an audio element', e);
    }
    element.srcObject = this.remote;
    try {
      // Autoplay policy may refuse until the user interacts; not an error for the call.
      log.warnOnRejection(element.play(), 'remote audio not playing yet');
    } catch (e) {
      log.warnValue('remote audio not playing', e);
    }
  }

  checkOpen() {
    if (this.closed || this.pc.signalingState === 'closed') throw new Error('media is closed');
  }

  /** The audio transceiver, if one exists yet. */
  transceiver() {
    return this.pc.getTransceivers()[0];
  }

  ensureTransceiver() {
    // No microphone: still offer audio, to receive.
    return this.transceiver() || this.pc.addTransceiver('audio');
  }

  sendDirection() {
    return this.holdOffered ? 'sendonly' : 'sendrecv';
  }

  /** The microphone track sends audio unless muted or on hold (the held party must not hear us). */
  applyTrackEnabled() {
    const track = this.microphoneTrack();
    if (track) track.enabled = !this.muted && !this.holdOffered;
  }

  /**
   * Opens the microphone (`getUserMedia`, the default device or `deviceId`) and sends it on the
   * audio transceiver; a previous microphone is stopped. Keeps mute and hold.
   * @param {string} [deviceId]
   * @returns {Promise<void>}
   */
  async acquireMicrophone(deviceId) {
    this.checkOpen();
    const stream = await openMicrophone(deviceId);
    try {
      await this.useMicrophone(stream);
    } catch (e) {
      stopStream(stream);
      throw e;
    }
    const previous = this.microphone;
    this.microphone = stream;
    if (previous) stopStream(previous);
    this.applyTrackEnabled();
  }

  async useMicrophone(stream) {
    // The connection may have closed while the permission prompt was up.
    this.checkOpen();
    const track = audioTrack(stream);
    if (!track) throw new Error('the microphone stream has no audio track');
    track.enabled = !this.muted && !this.holdOffered;
    const transceiver = this.transceiver();
    if (!transceiver) {
      this.pc.addTrack(track, stream);
      return;
    }
    // replaceTrack needs no renegotiation: the way to switch devices mid-call, and to fill a
    // transceiver the remote offer created.
    await transceiver.sender.replaceTrack(track);
    // A transceiver created by a remote offer starts recvonly.
    transceiver.direction = this.sendDirection();
  }

  /**
   * Switches to microphone `deviceId` mid-call with `RTCRtpSender.replaceTrack` (no
   * re-INVITE); mute and hold carry over.
   * @param {string} deviceId
   * @returns {Promise<void>}
   */
  replaceMicrophone(deviceId) {
    return this.acquireMicrophone(deviceId);
  }

  /** The microphone track being sent, if any. @returns {MediaStreamTrack|undefined} */
  microphoneTrack() {
    return this.microphone && audioTrack(this.microphone);
  }

  /**
   * Mutes or unmutes the microphone (`track.enabled`: silence is still sent, so no
   * renegotiation).
   * @param {boolean} muted
   */
  mute(muted) {
    this.muted = muted;
    this.applyTrackEnabled();
  }

  /**
   * Creates an offer, sets it as the local description and returns its SDP under the
   * early-offer policy (module docs).
   * @returns {Promise<string>}
   */
  createOffer() {
    return this.offer(false, true);
  }

  /**
   * Creates an offer and returns its SDP right after `setLocalDescription`, before any
   * candidate: full trickle ICE (RFC 8838 §4.1), where every candidate follows in INFO.
   * @returns {Promise<string>}
   */
  createOfferNow() {
    return this.offer(false, false);
  }

  /**
   * An offer with new ICE credentials (RFC 8839 §4.4.1.1.1), for a network change or a
   * reconnected signalling path; waits for candidates of the new generation.
   * @returns {Promise<string>}
   */
  iceRestartOffer() {
    return this.offer(true, true);
  }

  async offer(iceRestart, wait) {
    this.checkOpen();
    this.ensureTransceiver();
    const offer = await this.pc.createOffer(iceRestart ? { iceRestart } : undefined);
    if (wait) return this.setLocal(offer);
    await this.pc.setLocalDescription(offer);
    return this.localSdp();
  }

  /**
   * Puts the call on hold (RFC 3264 §8.4: our stream `sendonly`) and returns the new offer;
   * the microphone stops sending audio. Apply the answer with `setRemoteAnswer`, or
   * `rollback` if the re-INVITE fails.
   * @returns {Promise<string>}
   */
  hold() {
    return this.setHold(true);
  }

  /** Takes the call off hold (`sendrecv`) and returns the new offer. @returns {Promise<string>} */
  unhold() {
    return this.setHold(false);
  }

  async setHold(hold) {
    this.checkOpen();
    const transceiver = this.ensureTransceiver();
    this.holdOffered = hold;
    transceiver.direction = this.sendDirection();
    this.applyTrackEnabled();
    return this.offer(false, true);
  }

  /**
   * Applies the remote answer to our offer.
   * @param {string} sdp
   * @returns {Promise<void>}
   */
  async setRemoteAnswer(sdp) {
    await this.setRemote('answer', sdp);
    this.holdAgreed = this.holdOffered;
  }

  /**
   * Applies `remoteOffer` and returns our answer's SDP under the early-offer policy. A remote
   * hold (their `sendonly`) is answered `recvonly` by the browser.
   * @param {string} remoteOffer
   * @returns {Promise<string>}
   */
  async createAnswer(remoteOffer) {
    await this.setRemote('offer', remoteOffer);
    this.checkOpen();
    const sdp = await this.setLocal(await this.pc.createAnswer());
    this.holdAgreed = this.holdOffered;
    return sdp;
  }

  /**
   * Abandons an offer in progress, ours or theirs (a failed or rejected re-INVITE,
   * RFC 3261 §14.1), returning to the last agreed session including its hold state.
   * @returns {Promise<void>}
   */
  async rollback() {
    this.checkOpen();
    const rollback = { type: 'rollback' };
    const state = this.pc.signalingState;
    if (state === 'have-local-offer') await this.pc.setLocalDescription(rollback);
    else if (state === 'have-remote-offer') await this.pc.setRemoteDescription(rollback);
    else return;
    this.holdOffered = this.holdAgreed;
    const transceiver = this.transceiver();
    if (transceiver) transceiver.direction = this.sendDirection();
    this.applyTrackEnabled();
  }

  /**
   * Adds a remote trickled candidate (`candidate:...`, RFC 8840); an empty `candidate` means
   * the remote end-of-candidates.
   * @param {string} candidate
   * @param {string} [sdpMid]
   * @param {number} [sdpMLineIndex]
   * @returns {Promise<void>}
   */
  async addRemoteCandidate(candidate, sdpMid, sdpMLineIndex) {
    this.checkOpen();
    await this.pc.addIceCandidate({ candidate, sdpMid, sdpMLineIndex });
  }

  async setRemote(type, sdp) {
    this.checkOpen();
    await this.pc.setRemoteDescription({ type, sdp });
  }

  async setLocal(description) {
    await this.pc.setLocalDescription(description);
    await this.waitForCandidates();
    this.checkOpen();
    return this.localSdp();
  }

  /**
   * Waits until the local description satisfies the gathering policy, gathering of its ICE
   * generation is complete, or the timeout passes.
   */
  async waitForCandidates() {
    const sdp = this.localSdp();
    const ufrag = iceUfrag(sdp);
    if (isSatisfiedBy(this.policy, sdp) || (ufrag !== undefined && this.completeUfrag === ufrag)) {
      return;
    }
    let cap;
    await new Promise((resolve) => {
      cap = callLater(resolve, this.gatheringTimeoutMs);
      this.waiters.push(resolve);
    });
    cancelCall(cap);
  }

  /** The current local SDP (with every candidate gathered so far), or empty. @returns {string} */
  localSdp() {
    return this.pc.localDescription?.sdp ?? '';
  }

  /** The current remote SDP, or empty. @returns {string} */
  remoteSdp() {
    return this.pc.remoteDescription?.sdp ?? '';
  }

  /**
   * Queues `digits` (`0-9`, `A-D`, `#`, `*`; `,` pauses 2 s) as RFC 4733 telephone-events via
   * `RTCDTMFSender.insertDTMF`, each `durationMs` long (browser range 40..6000) with `gapMs`
   * between (at least 30). Appends to digits still queued; progress comes back as `dtmfTone`
   * events. Throws before the call's audio is negotiated to send.
   * @param {string} digits
   * @param {number} durationMs
   * @param {number} gapMs
   */
  insertDtmf(digits, durationMs, gapMs) {
    this.checkOpen();
    const dtmf = this.transceiver()?.sender.dtmf;
    if (!dtmf) throw new Error('no audio sender for DTMF');
    dtmf.ontonechange = ({ tone }) => this.onEvent({ type: 'dtmfTone', tone });
    // insertDTMF replaces the queue; keep what is still waiting, like a keypad would.
    dtmf.insertDTMF(dtmf.toneBuffer + digits, durationMs, gapMs);
    this.dtmf = dtmf;
  }

  /**
   * Plays remote audio through `element` (the page's `<audio>`), or through our own `<audio>`
   * again with undefined/null. The element no longer used is detached.
   * @param {HTMLMediaElement|undefined|null} element
   */
  setRemoteAudioElement(element) {
    const previous = this.element;
    this.element = element || undefined;
    if (previous) previous.srcObject = null;
    this.playRemote();
  }

  /**
   * Sends remote audio to speaker `sinkId` (`HTMLMediaElement.setSinkId`); resolves false where
   * the browser cannot choose the output. Remembered for our own `<audio>`.
   * @param {string} sinkId
   * @returns {Promise<boolean>}
   */
  async setSinkId(sinkId) {
    this.sinkId = sinkId;
    return setElementSink(this.output(), sinkId);
  }

  /** The element remote audio plays through, once there is one. @returns {HTMLMediaElement|undefined} */
  remoteAudioElement() {
    return this.element;
  }

  /**
   * A snapshot of the call's audio quality: the object `call.getStats()` resolves to (see
   * `fromReport`).
   * @returns {Promise<CallStats>}
   */
  async getStats() {
    return fromReport(await this.pc.getStats());
  }

  /**
   * Closes the peer connection, detaches its handlers, stops the microphone, detaches remote
   * audio and releases any `createOffer`/`createAnswer` still waiting (they then fail).
   * Idempotent.
   */
  close() {
    if (this.closed) return;
    this.closed = true;
    const pc = this.pc;
    pc.onicecandidate = pc.onconnectionstatechange = pc.ontrack = null;
    if (this.dtmf) this.dtmf.ontonechange = null;
    pc.close();
    if (this.microphone) stopStream(this.microphone);
    this.microphone = undefined;
    if (this.element) this.element.srcObject = null;
    this.remote = undefined;
    this.releaseWaiters(false);
  }

}

// ---- Call quality ----

/**
 * @typedef {object} CallStats One snapshot of the audio stream's quality.
 * @property {string|null} codec received (else sent) codec as the MIME subtype: `opus`, `PCMU`…
 * @property {number|null} rtt round-trip time in ms: RTCP's when known, else the ICE pair's
 * @property {number|null} jitter interarrival jitter of the received audio in ms (RFC 3550 §6.4.1)
 * @property {number} packetsLost lost on the way to us (negative with duplicates, RFC 3550 §6.4.1)
 * @property {number} packetsReceived
 * @property {number} packetsSent
 * @property {number} bytesReceived RTP payload bytes
 * @property {number} bytesSent RTP payload bytes
 * @property {number|null} audioLevel level of the received audio, 0..1
 * @property {number|null} localAudioLevel level of our microphone, 0..1
 * @property {number|null} mos estimated MOS, 1..4.5, once audio was received (`estimateMos`)
 */

/**
 * Estimated MOS from the simplified E-model (ITU-T G.107 as simplified by Cole & Rosenbluth):
 * `R = 93.2 - Id - Ie`, with the delay impairment from an effective latency of
 * `rtt + 2·jitter + 10 ms` (the round trip stands in for the one-way delay, as Twilio's SDK
 * does: pessimistic, but measurable) and 2.5 per percent of loss; then
 * `MOS = 1 + 0.035R + 7e-6·R(R-60)(100-R)`.
 * @param {number} rttMs
 * @param {number} jitterMs
 * @param {number} lossFraction
 * @returns {number}
 */
export function estimateMos(rttMs, jitterMs, lossFraction) {
  const latency = (rttMs > 0 ? rttMs : 0) + 2 * (jitterMs > 0 ? jitterMs : 0) + 10;
  const delayImpairment = latency < 160 ? latency / 40 : (latency - 120) / 10;
  const lossPercent = 100 * Math.min(Math.max(lossFraction, 0), 1);
  const r = Math.min(Math.max(93.2 - delayImpairment - 2.5 * lossPercent, 0), 100);
  return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
}

/**
 * Fraction of packets lost, from the cumulative counters; 0 before anything arrived.
 * @param {number} packetsLost
 * @param {number} packetsReceived
 * @returns {number}
 */
export function lossFraction(packetsLost, packetsReceived) {
  const lost = Math.max(packetsLost, 0);
  const expected = lost + packetsReceived;
  return expected > 0 ? lost / expected : 0;
}

const number = (stat, key) => (typeof stat[key] === 'number' ? stat[key] : undefined);
const text = (stat, key) => (typeof stat[key] === 'string' ? stat[key] : undefined);
// Counters are non-negative integers in the report.
const count = (stat, key) => Math.max(0, Math.trunc(number(stat, key))) || 0;
const ms = (seconds) => (seconds === undefined ? undefined : seconds * 1000);
// `kind` is the current name; `mediaType` the older one still seen in the wild.
const isAudio = (stat) => (text(stat, 'kind') ?? text(stat, 'mediaType')) === 'audio';

/**
 * Reads an `RTCStatsReport` (the resolved value of `getStats()`; any Map of stats objects) into
 * the `CallStats` object `call.getStats()` resolves to. Unknown or missing fields stay
 * null/0: a browser may not report all of them. Reads `inbound-rtp` (what we receive),
 * `outbound-rtp` (what we send), `remote-inbound-rtp` (the far end's RTCP view of our stream:
 * round-trip time), the selected `candidate-pair` (STUN round-trip time, known before RTCP
 * is), `codec` and `media-source` (microphone level); see the W3C "Identifiers for WebRTC's
 * Statistics API".
 * @param {RTCStatsReport|Map<string, object>} report
 * @returns {CallStats}
 */
export function fromReport(report) {
  const s = {
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
  };
  let codecId, selectedPairId, rtcpRtt, nominatedRtt;
  for (const stat of report.values()) {
    const type = text(stat, 'type');
    if (type === 'inbound-rtp' && isAudio(stat)) {
      s.packetsReceived = count(stat, 'packetsReceived');
      s.packetsLost = Math.trunc(number(stat, 'packetsLost')) || 0;
      s.bytesReceived = count(stat, 'bytesReceived');
      s.jitter = ms(number(stat, 'jitter')) ?? null;
      s.audioLevel = number(stat, 'audioLevel') ?? null;
      // The received codec wins over the sent one.
      codecId = text(stat, 'codecId') ?? codecId;
    } else if (type === 'outbound-rtp' && isAudio(stat)) {
      s.packetsSent = count(stat, 'packetsSent');
      s.bytesSent = count(stat, 'bytesSent');
      codecId = codecId ?? text(stat, 'codecId');
    } else if (type === 'remote-inbound-rtp' && isAudio(stat)) {
      rtcpRtt = ms(number(stat, 'roundTripTime'));
    } else if (type === 'media-source' && isAudio(stat)) {
      s.localAudioLevel = number(stat, 'audioLevel') ?? null;
    } else if (type === 'transport') {
      selectedPairId = text(stat, 'selectedCandidatePairId');
    } else if (type === 'candidate-pair' && stat.nominated === true) {
      // Fallback for browsers without `selectedCandidatePairId`.
      nominatedRtt = number(stat, 'currentRoundTripTime') ?? nominatedRtt;
    }
  }
  const lookup = (id) => (id === undefined ? undefined : report.get(id));
  const codec = lookup(codecId);
  const mime = codec && text(codec, 'mimeType');
  // "audio/opus" -> "opus"
  if (mime !== undefined) s.codec = mime.includes('/') ? mime.slice(mime.indexOf('/') + 1) : mime;
  const pair = lookup(selectedPairId);
  const pairRtt = ms((pair && number(pair, 'currentRoundTripTime')) ?? nominatedRtt);
  s.rtt = rtcpRtt ?? pairRtt ?? null;
  if (s.packetsReceived > 0) {
    s.mos = estimateMos(s.rtt ?? 0, s.jitter ?? 0, lossFraction(s.packetsLost, s.packetsReceived));
  }
  return s;
}
