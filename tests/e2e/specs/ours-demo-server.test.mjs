// Our client on the demo page (www/), alice ↔ bob through bwclient-server: log in, call,
// answer, audio both ways, DTMF, hold/unhold, hang up from each side. Skips until pkg/ is built.
import { ourDemoSuite } from '../lib/ours-demo-suite.mjs';

ourDemoSuite({ suite: 'ours-demo-server', label: 'our client, demo page, through bwclient-server', via: 'server' });
