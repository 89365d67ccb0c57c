// Our client on the demo page (www/), alice ↔ bob through Kamailio: the same bwclient-server
// tokens, pointed at Kamailio (the token's URL is not signed), logged in with the page's
// "Use a token" form. Skips until pkg/ is built.
import { ourDemoSuite } from '../lib/ours-demo-suite.mjs';

ourDemoSuite({ suite: 'ours-demo-kamailio', label: 'our client, demo page, through Kamailio', via: 'kamailio' });
