/**
 * The `bwclient` package: the `BWClient`/`Phone`/`Call` API (plain JavaScript, this folder)
 * over `Core`, the SIP user agent compiled to WebAssembly (src/core.rs). On the web target the
 * page awaits the default export (`init`) once before `BWClient.login`; bundlers load the
 * WebAssembly themselves.
 */
export { BWClient } from './client.js';
export { Phone } from './phone.js';
export { Call } from './call.js';
