// Our client on the demo page, alice ↔ bob through Kamailio over wss (TLS, RFC 7118 §5.1 "WSS"
// Via transport): the bwclient-server tokens retargeted to Kamailio's TLS listener.
import { ourDemoSuite } from '../lib/ours-demo-suite.mjs';

ourDemoSuite({ suite: 'ours-demo-kamailio-wss', label: 'our client, demo page, through Kamailio over wss', via: 'kamailio-wss' });
