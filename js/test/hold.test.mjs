// Remote hold detection (js/hold.js): the RFC 3264 §8.4 directions and the RFC 2543 null
// address, only without ICE.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isHoldOffer } from '../hold.js';

const sdp = (body) => 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' + body;

test('hold: sendonly or inactive on every active stream', () => {
  assert.ok(isHoldOffer(sdp('m=audio 9 RTP/AVP 0\r\na=sendonly\r\n')));
  assert.ok(isHoldOffer(sdp('m=audio 9 RTP/AVP 0\r\na=inactive\r\n')));
  assert.ok(isHoldOffer(sdp('a=sendonly\r\nm=audio 9 RTP/AVP 0\r\n')));
  assert.ok(!isHoldOffer(sdp('m=audio 9 RTP/AVP 0\r\na=sendrecv\r\n')));
  assert.ok(!isHoldOffer(sdp('m=audio 9 RTP/AVP 0\r\na=recvonly\r\n')));
  assert.ok(!isHoldOffer(sdp('m=audio 9 RTP/AVP 0\r\n')));
  // Rejected streams do not count either way.
  assert.ok(isHoldOffer(sdp('m=audio 9 RTP/AVP 0\r\na=sendonly\r\nm=video 0 RTP/AVP 96\r\n')));
  assert.ok(!isHoldOffer(sdp('m=audio 0 RTP/AVP 0\r\na=sendonly\r\n')));
  assert.ok(!isHoldOffer(sdp('')));
  // Every active stream must be held.
  assert.ok(!isHoldOffer(sdp('m=audio 9 RTP/AVP 0\r\na=sendonly\r\nm=video 9 RTP/AVP 96\r\n')));
});

test('hold: the legacy null address, not the JSEP placeholder', () => {
  assert.ok(isHoldOffer(sdp('c=IN IP4 0.0.0.0\r\nm=audio 9 RTP/AVP 0\r\n')));
  assert.ok(isHoldOffer(sdp('m=audio 9 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\n')));
  assert.ok(!isHoldOffer(sdp('c=IN IP4 0.0.0.0\r\nm=audio 9 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\n')));
  assert.ok(!isHoldOffer(sdp('m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n')));
  assert.ok(!isHoldOffer(sdp('a=ice-ufrag:abcd\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n')));
});
