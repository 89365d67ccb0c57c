/**
 * Microphones and speakers: `getUserMedia` and `enumerateDevices`.
 *
 * Browsers hide device labels until the page has microphone permission, so listing devices
 * asks for the microphone first when the labels are blank (the permission prompt), then
 * releases it at once.
 * @module devices
 */

/** @typedef {{id: string, name: string}} AudioDevice `deviceId` and human-readable label. */

/** `navigator.mediaDevices`, which only exists in a secure context (https or localhost). */
function mediaDevices() {
  const devices = globalThis.navigator?.mediaDevices;
  if (devices && typeof devices === 'object') return devices;
  throw new Error('navigator.mediaDevices is unavailable (needs https or localhost)');
}

/**
 * Opens the microphone: `getUserMedia({audio: true})`, or `{audio: {deviceId: {exact: id}}}`
 * for a given device, so a missing device is an error rather than a silent switch to another.
 * @param {string} [deviceId]
 * @returns {Promise<MediaStream>}
 */
export async function openMicrophone(deviceId) {
  const audio = deviceId == null ? true : { deviceId: { exact: deviceId } };
  return mediaDevices().getUserMedia({ audio });
}

/**
 * The first audio track of `stream`.
 * @param {MediaStream} stream
 * @returns {MediaStreamTrack|undefined}
 */
export const audioTrack = (stream) => stream.getAudioTracks()[0];

/**
 * Stops every track of `stream`, turning the capture (and the browser's indicator) off.
 * @param {MediaStream} stream
 */
export function stopStream(stream) {
  for (const track of stream.getTracks()) track.stop();
}

const list = (devices, kind) =>
  devices.filter((d) => d.kind === kind).map((d) => ({ id: d.deviceId, name: d.label }));

async function enumerate(kind) {
  const devices = mediaDevices();
  let found = list(await devices.enumerateDevices(), kind);
  if (found.some((d) => !d.name)) {
    // Labels are withheld until permission is granted: ask, release, list again.
    stopStream(await openMicrophone());
    found = list(await devices.enumerateDevices(), kind);
  }
  return found;
}

/**
 * The microphones, after the permission prompt if labels were hidden (`getMicrophones()`).
 * @returns {Promise<AudioDevice[]>}
 */
export const microphones = () => enumerate('audioinput');

/**
 * The speakers (`getSpeakers()`); empty where the browser does not list outputs.
 * @returns {Promise<AudioDevice[]>}
 */
export const speakers = () => enumerate('audiooutput');

