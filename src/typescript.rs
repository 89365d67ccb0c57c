//! The TypeScript types of options and event payloads, written on purpose (no bare `any`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/// <reference lib="esnext.disposable" />
export type LogLevel = 'debug' | 'log' | 'warn' | 'error' | 'silent';
export type BWErrorCode = 'bad_token' | 'token_expired' | 'auth_failed' | 'registration_failed'
  | 'transport_failed' | 'timeout' | 'bad_target' | 'bad_options' | 'invalid_state'
  | 'media_failed' | 'logged_out' | 'message_failed';
export interface BWError extends Error { code: BWErrorCode; }
export interface LoginOptions {
  server?: string;
  /** ws:// or wss:// URLs to fail over along, in order (default: the token's); not with `server`. */
  servers?: string[]; uri?: string; displayName?: string;
  iceServers?: RTCIceServer[]; iceGatheringTimeoutMs?: number; logLevel?: LogLevel;
  extraHeaders?: string[]; register?: boolean; microphoneId?: string; speakerId?: string;
  ringback?: boolean; ringtone?: boolean; reconnect?: { initialMs?: number; maxMs?: number };
  loginTimeoutMs?: number; connectTimeoutMs?: number; dtmf?: 'rfc4733' | 'info'; tokenRefreshLeadSeconds?: number;
  registerExpires?: number; trickleIce?: boolean | 'half' | 'full';
  /** CRLF keep-alive interval on an idle connection, in seconds (default 25; 0: off). */
  keepAliveSeconds?: number;
}
export interface LegacyPhoneConfig {
  username: string; domain: string; password?: string; authToken?: string;
  /** The old name of `authToken`. */ callsignToken?: string;
  logLevel?: Exclude<LogLevel, 'silent'>; extraHeaders?: string[]; server?: string;
  /** A sound to loop for incoming calls instead of the built-in ringtone. */ incomingRingUrl?: string;
}
export interface CallOptions { extraHeaders?: string[]; identity?: string; }
export interface AudioDevice { id: string; name: string; }
export interface CallInfo {
  direction: 'in' | 'out'; status: 'connecting' | 'connected' | 'ended';
  localUri: string; remoteUri: string; localId: string; remoteId: string;
  localName: string | null; remoteName: string | null; microphoneMuted: boolean;
  held: boolean; remoteHeld: boolean; startTime: number | null; duration: number;
  /** The server URL the phone is on; null once the phone is gone. */ server: string | null;
}
export interface CallStats {
  codec: string | null; rtt: number | null; jitter: number | null; packetsLost: number;
  packetsReceived: number; packetsSent: number; bytesReceived: number; bytesSent: number;
  audioLevel: number | null; localAudioLevel: number | null; mos: number | null;
}
export interface EndedInfo {
  reason: 'local_hangup' | 'remote_hangup' | 'cancelled' | 'remote_cancelled' | 'rejected'
    | 'remote_rejected' | 'no_answer' | 'timeout' | 'ack_timeout' | 'transport_failed'
    | 'dialog_gone' | 'auth_failed' | 'media_failed' | 'logged_out';
  code: number | null;
}
export interface HoldInfo { by: 'local' | 'remote'; }
export interface DtmfInfo { digit: string; duration: number; transport: 'info'; }
export interface RegistrationInfo { expires: number; status: number; }
export interface RegistrationFailure { code: BWErrorCode; status: number; reason: string; }
export interface ReconnectingInfo {
  attempt: number; delayMs: number; closeCode: number;
  /** Why the connection went: no `keepalive_timeout` pong within 10 s, the socket `closed`, or it did not open in time. */
  reason: 'closed' | 'connect_timeout' | 'keepalive_timeout';
  /** The server URL the next attempt goes to. */ server: string;
}
export interface ReconnectedInfo { /** The server URL the phone is on now. */ server: string; }
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
  reconnected: (info: ReconnectedInfo) => void;
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
"#;
