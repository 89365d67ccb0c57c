// The floor under any call setup: two RTCPeerConnections in one page, connected directly (no
// signalling server), both sending the fake microphone like the two ends of a call.
//   trickle: descriptions exchanged at once, candidates passed as they come;
//   gathered: each side waits for ICE gathering to complete and sends one description.
// Timed from creating the connections to both reaching connectionState 'connected'; the
// microphone stream is opened once beforehand (getUserMedia is not in the figure).
const now = () => performance.timeOrigin + performance.now();
let stream = null;

const connected = (pc) => new Promise((resolve, reject) => {
  const check = () => {
    if (pc.connectionState === 'connected') resolve(now());
    else if (pc.connectionState === 'failed') reject(new Error('connection failed'));
  };
  pc.addEventListener('connectionstatechange', check);
  check();
});

const gathered = (pc) => new Promise((resolve) => {
  if (pc.iceGatheringState === 'complete') return resolve();
  pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
});

async function floor(mode) {
  if (!stream) stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  const t0 = now();
  const a = new RTCPeerConnection({ iceServers: [] });
  const b = new RTCPeerConnection({ iceServers: [] });
  try {
    for (const pc of [a, b]) pc.addTrack(stream.getAudioTracks()[0], stream);
    if (mode === 'trickle') {
      a.onicecandidate = (e) => { if (e.candidate) b.addIceCandidate(e.candidate).catch(() => {}); };
      b.onicecandidate = (e) => { if (e.candidate) a.addIceCandidate(e.candidate).catch(() => {}); };
    }
    const done = Promise.all([connected(a), connected(b)]);
    await a.setLocalDescription(await a.createOffer());
    if (mode !== 'trickle') await gathered(a);
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    if (mode !== 'trickle') await gathered(b);
    await a.setRemoteDescription(b.localDescription);
    const [ta, tb] = await Promise.race([
      done,
      new Promise((_, reject) => setTimeout(() => reject(new Error('not connected in 10 s')), 10_000)),
    ]);
    return Math.max(ta, tb) - t0;
  } finally {
    a.close();
    b.close();
  }
}

window.bench = { ready: true, floor };
