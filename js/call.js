/**
 * `Call`: one call as the page sees it, with its core handle, its `Media` (peer connection)
 * and the glue between core events and the browser: offer/answer, hold, DTMF, transfer and
 * trickle ICE.
 *
 * Slow browser work (getUserMedia, createOffer, ICE) runs in a task *before* the synchronous
 * core command is issued. Every such task starts on a later microtask, so nothing it does (the
 * INVITE, `failed`, `ended`) happens before the method that started it has returned and the
 * page could attach its listeners.
 * @module call
 */
import { Emitter } from './emitter.js';
import { error } from './errors.js';
import { isHoldOffer } from './hold.js';
import * as log from './log.js';
import { Media } from './media.js';
import { coreNow } from './phone.js';
import { TrickleQueue, remoteCandidates } from './trickle.js';

/** Runs `task` (an async function) on a later microtask. */
const spawn = (task) => {
  Promise.resolve().then(task);
};

/** Why a call ended, for the reasons that make it a failure (a `failed` event too). */
const FAILURES = ['remote_rejected', 'timeout', 'transport_failed', 'auth_failed', 'no_answer', 'dialog_gone'];

/** `alice` from `sip:alice@host`, or `+15551234567` from `sip:+15551234567@host`. */
const userPart = (uri) => uri.slice(uri.indexOf(':') + 1).split(/[@;]/)[0];

function mediaError(what, cause) {
  log.warnValue(what, cause);
  return error('media_failed', what);
}

function startRingback(phone) {
  if (phone._options.ringback) {
    try {
      phone._tones.start('ringback');
    } catch (e) {
      log.warnValue('ringback unavailable', e);
    }
  }
}

function stopRingback(phone) {
  if (phone._tones.playing() === 'ringback') phone._tones.stop();
}

/**
 * One call. Events (`call.on(name, fn)`): `connecting`, `ringing` (`{status}`), `connected`,
 * `ended` (`{reason, code}`), `failed`, `held`/`unheld` (`{by: 'local'|'remote'}`), `muted`,
 * `unmuted`, `dtmf` (`{digit, duration, transport}`), `dtmfSent`, `info`
 * (`{contentType, body}`), `transferProgress` (`{status, done}`), `transferred`
 * (`{target, call}`), `holdFailed`, `mediaFailed`.
 *
 * Made by the phone (`phone.call()`, `incomingCall`), never by the page.
 */
export class Call {
  /**
   * @param {import('./phone.js').Phone} phone
   * @param {'in'|'out'} direction
   * @param {number|undefined} handle the core's call handle (undefined until the INVITE is out)
   * @param {string} remoteUri
   * @param {string} [remoteName]
   * @param {string} [remoteOffer] an incoming INVITE's offer (undefined without SDP)
   */
  constructor(phone, direction, handle, remoteUri, remoteName, remoteOffer) {
    this._phone = phone;
    this._handle = handle;
    this._direction = direction;
    /** `connecting` (preparing media, or not answered yet), `connected` (held or not), `ended`. */
    this._status = 'connecting';
    this._emitter = new Emitter();
    this._media = undefined;
    this._remoteUri = remoteUri;
    this._remoteName = remoteName;
    this._remoteOffer = remoteOffer;
    /** The early (18x) answer already applied, so the 2xx's copy is not applied twice. */
    this._earlyAnswer = undefined;
    this._muted = false;
    this._held = false;
    this._remoteHeld = false;
    /** `'hold'`/`'unhold'` while our re-INVITE waits for its answer. */
    this._pendingOffer = undefined;
    this._answering = false;
    this._hangupRequested = false;
    this._startTime = undefined;
    this._endTime = undefined;
    /** The page's element for remote audio (`setRemoteAudioElement`). */
    this._audio = undefined;
    /** Local candidates still to trickle (RFC 8840). */
    this._trickle = new TrickleQueue();
    /** The peer's trickled `[mid, candidate]`s that came before its description was set. */
    this._remoteCandidates = [];
  }

  /**
   * Adds a listener; returns the call so calls can chain.
   * @param {string} event
   * @param {Function} listener
   * @returns {Call}
   */
  on(event, listener) {
    this._emitter.on(event, listener);
    return this;
  }

  /**
   * Removes a listener added with `on`.
   * @param {string} event
   * @param {Function} listener
   */
  off(event, listener) {
    this._emitter.off(event, listener);
  }

  _emit(name, ...args) {
    this._emitter.emit(name, args);
  }

  /** `in` or `out`. @returns {string} */
  get direction() {
    return this._direction;
  }

  /** `connecting`, `connected` or `ended`. @returns {string} */
  get status() {
    return this._status;
  }

  _isRingingIn() {
    return this._direction === 'in' && this._status === 'connecting' && !this._answering;
  }

  /** Creates this call's peer connection with the microphone attached. */
  async _openMedia() {
    const o = this._phone._options;
    let media;
    try {
      media = new Media(o.iceServers, o.iceGatheringTimeoutMs, (event) => this._onMedia(event));
    } catch (e) {
      throw mediaError('could not create the peer connection', e);
    }
    if (this._audio) media.setRemoteAudioElement(this._audio);
    try {
      await media.acquireMicrophone(o.microphoneId);
    } catch (e) {
      media.close();
      throw mediaError('could not open the microphone', e);
    }
    media.mute(this._muted);
    if (o.speakerId !== undefined) {
      try {
        await media.setSinkId(o.speakerId);
      } catch {}
    }
    return (this._media = media);
  }

  /** Closes the peer connection (idempotent). */
  _closeMedia() {
    const media = this._media;
    this._media = undefined;
    if (media) media.close();
  }

  /**
   * Prepares media, then sends the INVITE to `target` with the phone's and this call's
   * `extra` header lines.
   */
  _startOutgoing(target, extra) {
    spawn(async () => {
      const phone = this._phone;
      const o = phone._options;
      let offer;
      let failed;
      try {
        const media = await this._openMedia();
        // Full trickle (RFC 8840 §5.1): the INVITE goes out before any candidate.
        offer = await (o.trickle === 'full' ? media.createOfferNow() : media.createOffer());
      } catch (e) {
        failed = mediaError('createOffer failed', e);
      }
      if (this._hangupRequested) return this._finish('cancelled', null, false);
      if (failed) {
        log.warnValue('call failed before the INVITE', failed);
        return this._finish('media_failed', null, true);
      }
      this._trickle.signalled(offer);
      let handle;
      try {
        handle = phone._core.invite(coreNow(), target, offer, o.extraHeaders.concat(extra));
      } catch (e) {
        log.warn('INVITE not sent: ' + e.message);
        return this._finish('transport_failed', null, true);
      }
      this._handle = handle;
      phone._drive();
      this._emit('connecting');
    });
  }

  /**
   * Answers an incoming call: media, then the 200 with our answer (or our offer, for an
   * INVITE without one, RFC 3261 §13.2.1).
   * @throws {Error} code `invalid_state` unless the call is incoming and unanswered
   */
  answer() {
    if (this._direction !== 'in' || this._status !== 'connecting' || this._answering) {
      throw error('invalid_state', 'only an unanswered incoming call can be answered');
    }
    this._answering = true;
    const phone = this._phone;
    phone._updateRingtone();
    spawn(async () => {
      let sdp;
      let failed;
      try {
        const media = await this._openMedia();
        const offer = this._remoteOffer;
        sdp = await (offer != null ? media.createAnswer(offer) : media.createOffer());
      } catch (e) {
        failed = e;
      }
      if (this._status === 'ended') return this._closeMedia();
      const core = phone._core;
      if (failed) {
        log.warnValue('could not answer: media failed', failed);
        try {
          core.reject(coreNow(), this._handle, 488);
        } catch {}
      } else {
        this._trickle.signalled(sdp);
        this._addRemoteCandidates();
        try {
          core.accept(coreNow(), this._handle, sdp);
        } catch (e) {
          log.warn('could not answer: ' + e.message);
        }
      }
      phone._drive();
    });
  }

  /** The legacy name of `answer()`. */
  accept() {
    this.answer();
  }

  /**
   * Rejects an incoming call: 486 Busy Here (RFC 3261 §21.4.24) unless another 4xx-6xx `code`
   * is given.
   * @param {number} [code]
   */
  reject(code) {
    if (this._direction !== 'in' || this._status !== 'connecting') {
      throw error('invalid_state', 'only an unanswered incoming call can be rejected');
    }
    this._withCore((core, now, h) => core.reject(now, h, code >= 400 && code < 700 ? code : 486));
  }

  /** Ends the call: CANCEL before the answer, BYE after (the core picks). */
  hangup() {
    if (this._status === 'ended') throw error('invalid_state', 'the call has already ended');
    if (this._handle === undefined) {
      // The INVITE is not out yet: it never will be.
      this._hangupRequested = true;
      return;
    }
    if (this._deferred(() => this.hangup())) return;
    this._withCore((core, now, h) => core.hangup(now, h));
  }

  /**
   * While the phone is reconnecting, queues `op` to run once it is registered again, so the
   * in-dialog request goes out on the new socket; false when the phone is connected.
   */
  _deferred(op) {
    const phone = this._phone;
    if (phone._lifecycle !== 'reconnecting') return false;
    log.log('offline: the request goes out once reconnected');
    phone._deferredOps.push(op);
    return true;
  }

  /** Runs a core command `f(core, now, handle)` for this call and drives the phone. */
  _withCore(f) {
    const phone = this._phone;
    const handle = this._handle;
    if (handle === undefined) throw error('invalid_state', 'the call has not started');
    try {
      f(phone._core, coreNow(), handle);
    } finally {
      phone._drive();
    }
  }

  /** `_withCore`, for answers whose refusal there is nobody to tell about. */
  _tryCore(f) {
    try {
      this._withCore(f);
    } catch {}
  }

  /** Mutes the microphone (`track.enabled`: no renegotiation). */
  mute() {
    this._setMuted(true);
  }

  /** Unmutes the microphone. */
  unmute() {
    this._setMuted(false);
  }

  _setMuted(muted) {
    if (this._muted === muted) return;
    this._muted = muted;
    if (this._media) this._media.mute(muted);
    this._emit(muted ? 'muted' : 'unmuted');
  }

  /** Puts the call on hold: a re-INVITE with `a=sendonly` (RFC 3264 §8.4). */
  hold() {
    this._setHold(true);
  }

  /** Takes the call off hold: a re-INVITE with `a=sendrecv`. */
  unhold() {
    this._setHold(false);
  }

  _setHold(hold) {
    if (this._status !== 'connected') throw error('invalid_state', 'the call is not connected');
    if (this._pendingOffer) throw error('invalid_state', 'a hold or unhold is already in progress');
    if (this._held === hold || this._deferred(() => this._setHold(hold))) return;
    const media = this._media;
    if (!media) throw error('invalid_state', 'the call has no media');
    this._pendingOffer = hold ? 'hold' : 'unhold';
    spawn(async () => {
      try {
        const sdp = await (hold ? media.hold() : media.unhold());
        this._withCore((core, now, h) => core.reinvite(now, h, sdp));
      } catch (e) {
        log.warnValue('hold/unhold failed', e);
        this._pendingOffer = undefined;
        try {
          await media.rollback();
        } catch {}
        this._emit('holdFailed', e);
      }
    });
  }

  /**
   * Sends DTMF digits (`0-9 * # A-D`, `,` pauses 2 s), each `durationMs` long (default 100,
   * 40 to 6000): as RFC 4733 telephone-events through `RTCDTMFSender`, or with the `dtmf:
   * 'info'` option as SIP INFO `application/dtmf-relay` requests.
   * @param {string} digits
   * @param {number} [durationMs]
   */
  sendDtmf(digits, durationMs) {
    if (this._status !== 'connected') throw error('invalid_state', 'DTMF needs a connected call');
    if (!/^[\d*#a-d,]+$/i.test(digits)) {
      throw error('bad_options', 'DTMF digits are 0-9, *, #, A-D and , (pause)');
    }
    const duration = Math.min(6000, Math.max(40, durationMs ?? 100));
    if (this._phone._options.dtmf === 'rfc4733') {
      if (!this._media) throw error('invalid_state', 'the call has no media');
      this._media.insertDtmf(digits, duration, 70);
      return;
    }
    if (this._deferred(() => this.sendDtmf(digits, duration))) return;
    for (const digit of digits) {
      if (digit !== ',') this._withCore((core, now, h) => core.sendDtmfInfo(now, h, digit, duration));
    }
  }

  /**
   * Blind transfer to `target` (REFER, RFC 3515); `transferProgress` reports how it goes.
   * @param {string} target a SIP URI, user or phone number
   */
  transfer(target) {
    if (this._status !== 'connected') throw error('invalid_state', 'only a connected call can be transferred');
    const uri = this._phone._dial(target);
    if (this._deferred(() => this.transfer(target))) return;
    this._withCore((core, now, h) => core.refer(now, h, uri));
  }

  /**
   * Plays remote audio in `element` instead of the client's own; `null` turns it off.
   * @param {HTMLMediaElement|null} [element]
   */
  setRemoteAudioElement(element) {
    this._audio = element || undefined;
    if (this._media) this._media.setRemoteAudioElement(this._audio);
  }

  /**
   * The remote audio stream (the legacy `getRemoteStream()`), or `null`.
   * @returns {MediaStream|null}
   */
  getRemoteStream() {
    const element = this._media && this._media.remoteAudioElement();
    return (element && element.srcObject) || null;
  }

  /**
   * Switches the microphone mid-call (`RTCRtpSender.replaceTrack`, no re-INVITE).
   * @param {string} deviceId
   * @returns {Promise<void>}
   */
  async setMicrophone(deviceId) {
    const media = this._media;
    if (!media) throw error('invalid_state', 'the call has no media yet');
    await media.replaceMicrophone(deviceId);
  }

  /**
   * The legacy name of `setMicrophone` (only before the call connects in the old library, any
   * time here).
   * @param {string} deviceId
   * @returns {Promise<void>}
   */
  setMicrophoneId(deviceId) {
    return this.setMicrophone(deviceId);
  }

  /**
   * Routes remote audio to a speaker (`setSinkId`); resolves `false` where unsupported.
   * @param {string} deviceId
   * @returns {Promise<boolean>}
   */
  async setSpeaker(deviceId) {
    const media = this._media;
    if (!media) throw error('invalid_state', 'the call has no media yet');
    return media.setSinkId(deviceId);
  }

  /**
   * `{direction, status, localUri, remoteUri, localId, remoteId, localName, remoteName,
   * microphoneMuted, held, remoteHeld, startTime, duration}`: the legacy shape plus `held`,
   * `remoteHeld`, `startTime` and `duration` (ms).
   * @returns {object}
   */
  getInfo() {
    const phone = this._phone;
    const local = phone._aor;
    const start = this._startTime;
    return {
      direction: this._direction,
      status: this._status,
      localId: userPart(local),
      remoteId: userPart(this._remoteUri),
      localUri: local,
      remoteUri: this._remoteUri,
      localName: phone._options.displayName ?? null,
      remoteName: this._remoteName ?? null,
      microphoneMuted: this._muted,
      held: this._held,
      remoteHeld: this._remoteHeld,
      startTime: start ?? null,
      duration: start === undefined ? 0 : Math.max(0, (this._endTime ?? Date.now()) - start),
    };
  }

  /**
   * `{codec, rtt, jitter, packetsLost, packetsReceived, packetsSent, bytesReceived,
   * bytesSent, audioLevel, localAudioLevel, mos}`.
   * @returns {Promise<object>}
   */
  async getStats() {
    const media = this._media;
    if (!media) throw error('invalid_state', 'the call has no media');
    return media.getStats();
  }

  /**
   * The call is over: one `failed` (when it never connected and the reason is a failure) and
   * one `ended`, then it is forgotten.
   */
  _finish(reason, code, failure) {
    if (this._status === 'ended') return;
    this._status = 'ended';
    this._endTime = Date.now();
    this._closeMedia();
    const info = { reason, code: code ?? null };
    const phone = this._phone;
    stopRingback(phone);
    phone._forgetCall(this);
    if (failure && this._startTime === undefined) this._emit('failed', info);
    log.log('call ended: ' + reason);
    this._emit('ended', info);
  }

  /** An event of this call's `Media`. */
  _onMedia(event) {
    const type = event.type;
    if (type === 'connectionState' && event.state === 'failed') {
      log.warn('media connection failed');
      this._emit('mediaFailed');
    } else if (type === 'dtmfTone' && event.tone) {
      this._emit('dtmfSent', event.tone);
    } else if (type === 'iceCandidate') {
      this._onLocalCandidate(event.sdpMid, event.candidate);
    } else if (type === 'iceGatheringComplete') {
      this._onLocalCandidate();
    }
  }

  /** A core event about this call. */
  _onEvent(event) {
    switch (event.type) {
      case 'Ringing':
        if (event.earlySdp != null) {
          this._earlyAnswer = event.earlySdp;
          this._applyAnswer(event.earlySdp, false);
        } else {
          startRingback(this._phone);
        }
        this._emit('ringing', { status: event.code });
        // The early dialog exists: candidates may follow the offer (RFC 8840 §4.3).
        this._flushTrickle();
        break;
      case 'Answered': {
        stopRingback(this._phone);
        const sdp = event.sdp;
        if (sdp != null && sdp !== this._earlyAnswer) this._applyAnswer(sdp, true);
        else this._connected();
        this._flushTrickle();
        break;
      }
      case 'Ended':
        this._finish(event.reason, event.code, FAILURES.includes(event.reason));
        break;
      case 'RemoteOffer':
        this._answerRemoteOffer(event.sdp);
        break;
      case 'IceFragment':
        this._onRemoteFragment(event.fragment);
        break;
      case 'OfferRequested': {
        // A re-INVITE without SDP: our offer goes in the 2xx (RFC 3261 §14.2).
        const media = this._media;
        if (media) {
          spawn(async () => {
            let offer;
            try {
              offer = await media.createOffer();
            } catch (e) {
              return log.warnValue('could not offer', e);
            }
            this._tryCore((core, now, h) => core.answerReinvite(now, h, offer));
          });
        }
        break;
      }
      case 'RemoteAnswer':
        this._applyAnswer(event.sdp, false);
        break;
      case 'ReinviteFailed': {
        // The session is unchanged (RFC 3261 §14.1): roll our offer back.
        const pending = this._pendingOffer;
        this._pendingOffer = undefined;
        const media = this._media;
        if (media) {
          spawn(async () => {
            try {
              await media.rollback();
            } catch {}
            if (pending) this._emit('holdFailed', { code: event.code });
          });
        }
        break;
      }
      case 'Dtmf':
        this._emit('dtmf', { digit: event.digit, duration: event.duration, transport: 'info' });
        break;
      case 'Info':
        this._emit('info', { contentType: event.contentType, body: event.body });
        break;
      case 'RequestFailed':
        log.warn(event.method + ' failed with ' + event.code);
        break;
      case 'TransferRequested':
        this._acceptTransfer(event.target);
        break;
      case 'TransferProgress':
        this._emit('transferProgress', { status: event.code, done: event.done });
    }
  }

  _connected() {
    // An answer may finish applying after the call ended (a hangup meanwhile): stay ended.
    if (this._status !== 'connecting') return;
    this._status = 'connected';
    this._startTime = Date.now();
    log.log('call connected');
    this._emit('connected');
  }

  /**
   * Applies a remote answer; completes a pending hold/unhold, and connects the call when
   * `connect` (the answer to our INVITE).
   */
  _applyAnswer(sdp, connect) {
    const media = this._media;
    if (!media) return;
    spawn(async () => {
      try {
        await media.setRemoteAnswer(sdp);
      } catch (e) {
        log.warnValue('remote answer refused', e);
      }
      this._addRemoteCandidates();
      if (connect) this._connected();
      const pending = this._pendingOffer;
      this._pendingOffer = undefined;
      if (pending) {
        this._held = pending === 'hold';
        this._emit(this._held ? 'held' : 'unheld', { by: 'local' });
      }
    });
  }

  /** A re-INVITE from the peer: answer it with the browser, and report a remote hold. */
  _answerRemoteOffer(sdp) {
    const media = this._media;
    if (!media) return this._tryCore((core, now, h) => core.rejectReinvite(now, h, 488));
    const hold = isHoldOffer(sdp);
    spawn(async () => {
      let answer;
      try {
        answer = await media.createAnswer(sdp);
      } catch (e) {
        log.warnValue('could not answer the re-INVITE', e);
        return this._tryCore((core, now, h) => core.rejectReinvite(now, h, 488));
      }
      this._tryCore((core, now, h) => core.answerReinvite(now, h, answer));
      if (this._remoteHeld !== hold) {
        this._remoteHeld = hold;
        this._emit(hold ? 'held' : 'unheld', { by: 'remote' });
      }
    });
  }

  /** The peer asked us to call someone else (REFER, RFC 3515): place that call and report it. */
  _acceptTransfer(target) {
    const phone = this._phone;
    const call = new Call(phone, 'out', undefined, target);
    spawn(async () => {
      let offer;
      try {
        offer = await (await call._openMedia()).createOffer();
      } catch {}
      if (this._handle === undefined) return;
      let handle;
      try {
        handle = phone._core.acceptTransfer(coreNow(), this._handle, offer);
      } catch (e) {
        call._closeMedia();
        return log.warn('transfer not placed: ' + e.message);
      }
      call._handle = handle;
      phone._calls.push(call);
      phone._drive();
      this._emit('transferred', { target, call });
    });
  }

  // Trickle ICE over SIP (RFC 8840): our late candidates out in INFO once the core allows it,
  // the peer's in through `addIceCandidate`. What to send is decided by trickle.js; when it
  // may go, by `Core.canTrickle`.

  /** A local candidate, or the end of gathering (no arguments), from the browser. */
  _onLocalCandidate(mid, candidate) {
    if (candidate !== undefined) this._trickle.push(mid ?? '0', candidate);
    else this._trickle.gatheringComplete();
    this._flushTrickle();
  }

  /** Sends what the peer does not have yet, if the core says it may take it now. */
  _flushTrickle() {
    const phone = this._phone;
    const handle = this._handle;
    if (handle === undefined || phone._options.trickle === 'off' || !phone._core.canTrickle(handle)) return;
    let fragment;
    try {
      fragment = this._trickle.takeFragment();
    } catch (e) {
      return log.warn('trickle ICE: ' + e.message);
    }
    if (fragment === undefined) return;
    try {
      phone._core.sendIceFragment(coreNow(), handle, fragment);
    } catch (e) {
      log.warn('trickle ICE INFO not sent: ' + e.message);
    }
    phone._drive();
  }

  /**
   * The peer's trickled candidates: to the peer connection, or held until its description is
   * set (an INFO may overtake our answer, or come before we answer).
   */
  _onRemoteFragment(fragment) {
    const candidates = remoteCandidates(fragment);
    if (!candidates) return log.warn('dropped a trickle ICE fragment with a candidate outside any a=mid');
    this._remoteCandidates.push(...candidates);
    this._addRemoteCandidates();
  }

  /** Adds the held remote candidates once the peer's description is in place. */
  _addRemoteCandidates() {
    const media = this._media;
    if (!media || !media.remoteSdp() || !this._remoteCandidates.length) return;
    const candidates = this._remoteCandidates.splice(0);
    spawn(async () => {
      for (const [mid, candidate] of candidates) {
        try {
          await media.addRemoteCandidate(candidate, mid, undefined);
        } catch (e) {
          log.warnValue('remote ICE candidate refused', e);
        }
      }
    });
  }
}

