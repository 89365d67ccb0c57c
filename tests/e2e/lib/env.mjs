// Where the harness's servers are. tests/e2e/run.sh exports these before running the specs
// (inside a private network namespace, so the fixed ports never clash with anything).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the e2e specs through tests/e2e/run.sh, which starts the servers`);
  }
  return value;
}

export const env = {
  /** bwclient-server base URL, e.g. http://127.0.0.1:18080 (pages are served from here). */
  get serverUrl() { return required('E2E_SERVER_URL'); },
  /** bwclient-server SIP WebSocket, e.g. ws://127.0.0.1:18080/sip. */
  get serverWs() { return `${this.serverUrl.replace(/^http/, 'ws')}/sip`; },
  /** Kamailio WebSocket listener, e.g. ws://127.0.0.1:15066. */
  get kamailioWs() { return required('E2E_KAMAILIO_WS'); },
  get kamailioPort() { return Number(new URL(this.kamailioWs).port); },
  /** Kamailio's wss (TLS, self-signed certificate) listener, e.g. wss://127.0.0.1:15067. */
  get kamailioWss() { return required('E2E_KAMAILIO_WSS'); },
  get kamailioWssPort() { return Number(new URL(this.kamailioWss).port); },
  /** Kamailio run directory (pid files, kamailio.log) for deploy/kamailio/run.sh. */
  get kamailioRunDir() { return required('E2E_KAMAILIO_RUN'); },
  /** The test-only token secret shared by bwclient-server and Kamailio. */
  get tokenSecret() { return required('BWCLIENT_TOKEN_SECRET'); },
  /** API credentials of the server's default user (for REST-minted tokens). */
  get apiToken() { return required('BWCLIENT_API_TOKEN'); },
  get apiSecret() { return required('BWCLIENT_API_SECRET'); },
  /** test-artifacts/e2e */
  get artifacts() { return process.env.E2E_ARTIFACTS || path.join(ROOT, 'test-artifacts/e2e'); },
  /** Demo-mode SIP host of the demo endpoints. */
  demoHost: 'demo.bwclient.test',
};
