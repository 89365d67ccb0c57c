/* tslint:disable */
/* eslint-disable */

/// <reference lib="esnext.disposable" />
export type LogLevel = 'debug' | 'log' | 'warn' | 'error' | 'silent';
export type BWErrorCode = 'bad_token' | 'token_expired' | 'auth_failed' | 'registration_failed'
| 'transport_failed' | 'timeout' | 'bad_target' | 'bad_options' | 'invalid_state'
| 'media_failed' | 'logged_out' | 'message_failed';
export interface BWError extends Error { code: BWErrorCode; }
export interface LoginOptions {
    server?: string; uri?: string; displayName?: string;
    iceServers?: RTCIceServer[]; iceGatheringTimeoutMs?: number; logLevel?: LogLevel;
    extraHeaders?: string[]; register?: boolean; microphoneId?: string; speakerId?: string;
    ringback?: boolean; ringtone?: boolean; reconnect?: { initialMs?: number; maxMs?: number };
    loginTimeoutMs?: number; dtmf?: 'rfc4733' | 'info'; tokenRefreshLeadSeconds?: number;
    registerExpires?: number; trickleIce?: boolean | 'half' | 'full';
}
export interface LegacyPhoneConfig {
    username: string; domain: string; password?: string; authToken?: string;
    logLevel?: Exclude<LogLevel, 'silent'>; extraHeaders?: string[]; server?: string;
}
export interface CallOptions { extraHeaders?: string[]; identity?: string; }
export interface AudioDevice { id: string; name: string; }
export interface CallInfo {
    direction: 'in' | 'out'; status: 'connecting' | 'connected' | 'ended';
    localUri: string; remoteUri: string; localId: string; remoteId: string;
    localName: string | null; remoteName: string | null; microphoneMuted: boolean;
    held: boolean; remoteHeld: boolean; startTime: number | null; duration: number;
}
export interface CallStats {
    codec: string | null; rtt: number | null; jitter: number | null; packetsLost: number;
    packetsReceived: number; packetsSent: number; bytesReceived: number; bytesSent: number;
    audioLevel: number | null; localAudioLevel: number | null; mos: number | null;
}
export interface EndedInfo {
    reason: 'local_hangup' | 'remote_hangup' | 'cancelled' | 'remote_cancelled' | 'rejected'
    | 'remote_rejected' | 'no_answer' | 'timeout' | 'ack_timeout' | 'transport_failed'
    | 'dialog_gone' | 'auth_failed' | 'media_failed';
    code: number | null;
}
export interface HoldInfo { by: 'local' | 'remote'; }
export interface DtmfInfo { digit: string; duration: number; transport: 'info'; }
export interface RegistrationInfo { expires: number; status: number; }
export interface RegistrationFailure { code: BWErrorCode; status: number; reason: string; }
export interface ReconnectingInfo { attempt: number; delayMs: number; closeCode: number; }
export interface TokenExpiryInfo { expiresAt: number; secondsLeft: number; }
export interface SipMessageInfo { from: string; contentType: string; body: string; }
export interface LogEntry { level: LogLevel; message: string; }
export interface PhoneEvents {
    registered: (info: RegistrationInfo) => void;
    registrationSuccess: (info: RegistrationInfo) => void;
    registrationFailed: (info: RegistrationFailure) => void;
    unregistered: (info: { status: number }) => void;
    incomingCall: (call: Call) => void;
    reconnecting: (info: ReconnectingInfo) => void;
    reconnected: () => void;
    tokenWillExpire: (info: TokenExpiryInfo) => void;
    message: (info: SipMessageInfo) => void;
    log: (entry: LogEntry) => void;
}
export interface CallEvents {
    connecting: () => void; ringing: (info: { status: number }) => void;
    connected: () => void; ended: (info: EndedInfo) => void; failed: (info: EndedInfo) => void;
    held: (info: HoldInfo) => void; unheld: (info: HoldInfo) => void;
    muted: () => void; unmuted: () => void; dtmf: (info: DtmfInfo) => void;
    dtmfSent: (tone: string) => void; info: (info: { contentType: string; body: string }) => void;
    transferProgress: (info: { status: number; done: boolean }) => void;
    transferred: (info: { target: string; call: Call }) => void;
    holdFailed: (info: { code: number } | BWError) => void; mediaFailed: () => void;
}
// The typed on/off of the generated classes (merged in; the Rust methods skip their own,
// untyped, signatures so these are the only ones).
export interface Phone {
    on<K extends keyof PhoneEvents>(event: K, listener: PhoneEvents[K]): Phone;
    off<K extends keyof PhoneEvents>(event: K, listener: PhoneEvents[K]): void;
}
export interface Call {
    on<K extends keyof CallEvents>(event: K, listener: CallEvents[K]): Call;
    off<K extends keyof CallEvents>(event: K, listener: CallEvents[K]): void;
}



/**
 * The entry points. `BWClient.login(token, options)` resolves with a registered `Phone`.
 */
export class BWClient {
    private constructor();
    /**
     * The legacy entry point: `{username, domain, authToken | password, logLevel,
     * extraHeaders, server?}`. Throws on an invalid config, like the old library did.
     * Nothing connects until `phone.register()`.
     */
    static createPhone(config: LegacyPhoneConfig): Phone;
    /**
     * `[{id, name}]` of the microphones (asks for permission first when labels are hidden).
     */
    static getMicrophones(): Promise<AudioDevice[]>;
    /**
     * `[{id, name}]` of the audio outputs (empty where the browser does not list them).
     */
    static getSpeakers(): Promise<AudioDevice[]>;
    /**
     * Asks for microphone permission early (audio only), like the legacy library.
     */
    static getUserMedia(): Promise<boolean>;
    /**
     * Logs in with a token from the app server; resolves once registered. Rejects with an
     * `Error` whose `code` is `bad_token`, `token_expired`, `auth_failed`,
     * `transport_failed`, `timeout` or `bad_options`.
     */
    static login(token: string, options?: LoginOptions): Promise<Phone>;
    /**
     * The package version.
     */
    static version(): string;
}

/**
 * One call. Events (`call.on(name, fn)`): `connecting`, `ringing`, `connected`, `ended`
 * (`{reason, code}`), `failed`, `held`/`unheld` (`{by: 'local'|'remote'}`), `muted`, `unmuted`,
 * `dtmf` (`{digit, duration}`), `dtmfSent`, `info`, `transferProgress`, `transferred`,
 * `holdFailed`, `mediaFailed`.
 */
export class Call {
    private constructor();
    /**
     * The legacy name of `answer()`.
     */
    accept(): void;
    /**
     * Answers an incoming call.
     */
    answer(): void;
    /**
     * `{direction, status, localUri, remoteUri, localId, remoteId, localName, remoteName,
     * microphoneMuted, held, remoteHeld, startTime, duration}`.
     */
    getInfo(): CallInfo;
    /**
     * The remote audio stream (the legacy `getRemoteStream()`), or `null`.
     */
    getRemoteStream(): MediaStream | null;
    /**
     * `{codec, rtt, jitter, packetsLost, packetsReceived, packetsSent, bytesReceived,
     * bytesSent, audioLevel, localAudioLevel, mos}`.
     */
    getStats(): Promise<CallStats>;
    /**
     * Ends the call: CANCEL before the answer, BYE after.
     */
    hangup(): void;
    hold(): void;
    mute(): void;
    /**
     * Rejects an incoming call (486 Busy Here unless `code` is given).
     */
    reject(code?: number | null): void;
    /**
     * Sends DTMF digits (`0-9 * # A-D`, `,` pauses 2 s).
     */
    sendDtmf(digits: string, duration_ms?: number | null): void;
    /**
     * The legacy name; only before the call connects in the old library, any time here.
     */
    setMicrophoneId(device_id: string): Promise<void>;
    /**
     * Switches the microphone mid-call (`RTCRtpSender.replaceTrack`).
     */
    setMicrophone(device_id: string): Promise<void>;
    /**
     * Plays remote audio in `element` instead of the client's own; `null` turns it off.
     */
    setRemoteAudioElement(element?: HTMLMediaElement | null): void;
    /**
     * Routes remote audio to a speaker (`setSinkId`); resolves `false` where unsupported.
     */
    setSpeaker(device_id: string): Promise<boolean>;
    /**
     * Blind transfer to `target` (REFER).
     */
    transfer(target: string): void;
    unhold(): void;
    unmute(): void;
    readonly direction: string;
    readonly status: string;
}

/**
 * A logged-in phone. Events (`phone.on(name, fn)`): `registered` (alias
 * `registrationSuccess`), `registrationFailed` (`{code, status, reason}`), `unregistered`,
 * `incomingCall` (a `Call`), `reconnecting` (`{attempt, delayMs}`), `reconnected`,
 * `tokenWillExpire` (`{expiresAt, secondsLeft}`), `message` (`{from, contentType, body}`),
 * `log` (`{level, message}`, with `logLevel: 'debug'`).
 */
export class Phone {
    private constructor();
    /**
     * Places a call to a `sip:`/`sips:` URI, a bare user, or a phone number (US numbers get
     * +1). `options`: `{extraHeaders: ["X-Name: value"], identity: "+1…"}`. The INVITE goes
     * out once the microphone and the offer are ready, after this returns.
     */
    call(target: string, options?: CallOptions): Call;
    /**
     * The calls in progress.
     */
    calls(): Call[];
    getLogLevel(): string;
    /**
     * Whether SIP messages are traced (the legacy `getTraceSip()`: `logLevel: 'debug'`).
     */
    getTraceSip(): boolean;
    /**
     * Hangs up every call, unregisters (waiting at most 2 s for the answer) and closes.
     */
    logout(): Promise<void>;
    /**
     * Registers for incoming calls (the legacy `register()`; also after `register: false`).
     */
    register(): void;
    /**
     * Sends a SIP MESSAGE (RFC 3428); resolves when the far end accepted it.
     */
    sendMessage(target: string, text: string): Promise<void>;
    setLogLevel(level: string): void;
    /**
     * Removes the registration; the connection stays open.
     */
    unregister(): void;
    /**
     * Takes a fresh token for the same identity and re-registers with it; calls go on.
     */
    updateToken(token: string): void;
    /**
     * True while the phone holds a registration.
     */
    readonly registered: boolean;
    /**
     * Our SIP URI.
     */
    readonly uri: string;
}
