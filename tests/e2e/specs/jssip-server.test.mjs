// JsSIP ↔ JsSIP through bwclient-server's own SIP-over-WebSocket registrar/proxy (/sip),
// digest with the token credential plus X-Callsign-Token.
import { env } from '../lib/env.mjs';
import { jssipCallSuite } from '../lib/jssip-suite.mjs';

jssipCallSuite({ suite: 'jssip-server', label: 'JsSIP ↔ JsSIP through bwclient-server', wsUrl: () => env.serverWs });
