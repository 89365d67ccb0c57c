// JsSIP ↔ JsSIP through Kamailio (deploy/kamailio), logged in with bwclient-server's tokens
// (auth_ephemeral with the shared secret). Proves the harness with a SIP stack nobody here wrote.
import { env } from '../lib/env.mjs';
import { jssipCallSuite } from '../lib/jssip-suite.mjs';

jssipCallSuite({ suite: 'jssip-kamailio', label: 'JsSIP ↔ JsSIP through Kamailio', wsUrl: () => env.kamailioWs });
