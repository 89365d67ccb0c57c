// Tokens in the bwclient_sip::token::Token format (crates/sip/src/token.rs):
//   B64URL("v1 <expiry>:<user>@<host> <ws_url> [<ws_url> …]") "." B64URL(HMAC-SHA1(secret, "<expiry>:<user>@<host>"))
// (several URLs when the server has several --public-ws-url: the client fails over along them)
// Three ways to get one: the demo endpoint, the REST API (real endpoints, any lifetime), or minted
// here with the shared test secret (any user/host). bwclient-server records every token it mints
// and refuses any other (issue 11, hole 4): tokens minted here serve only for expired or forged
// ones, or for servers that do not check the binding.
import crypto from 'node:crypto';

import { env } from './env.mjs';
import { withTimeout } from './wait.mjs';

/** Decodes a token: {username, password, user, host, expires, wsUrl (the first), wsUrls}. */
export function decodeToken(token) {
  const [payload, sig] = token.trim().split('.');
  if (!payload || !sig) throw new Error(`not a token: ${token}`);
  const [version, username, ...wsUrls] = Buffer.from(payload, 'base64url').toString('utf8').split(' ');
  const wsUrl = wsUrls[0];
  if (version !== 'v1' || !username || !wsUrl || !wsUrls.every((u) => /^wss?:\/\/\S+$/.test(u))) {
    throw new Error(`bad token payload: ${token}`);
  }
  const colon = username.indexOf(':');
  const identity = username.slice(colon + 1);
  const at = identity.lastIndexOf('@');
  return {
    username,
    password: Buffer.from(sig, 'base64url').toString('base64'),
    user: identity.slice(0, at),
    host: identity.slice(at + 1),
    expires: Number(username.slice(0, colon)),
    wsUrl,
    wsUrls,
  };
}

/** Mints a token with the shared secret (what bwclient-server would mint). */
export function mintToken({ user, host = env.demoHost, expires, lifetime = 3600, wsUrl = env.serverWs, secret = env.tokenSecret }) {
  const expiry = expires ?? Math.floor(Date.now() / 1000) + lifetime;
  const username = `${expiry}:${user}@${host}`;
  const sig = crypto.createHmac('sha1', secret).update(username).digest();
  return `${Buffer.from(`v1 ${username} ${wsUrl}`).toString('base64url')}.${sig.toString('base64url')}`;
}

/**
 * The same credential pointed at another WebSocket URL. The URL is not signed (it says where to
 * connect, not who you are), so a bwclient-server token logs in to Kamailio this way.
 */
export function retargetToken(token, wsUrl) {
  const [payload, sig] = token.trim().split('.');
  const [version, username] = Buffer.from(payload, 'base64url').toString('utf8').split(' ');
  return `${Buffer.from(`${version} ${username} ${wsUrl}`).toString('base64url')}.${sig}`;
}

async function fetchJson(what, url, init = {}) {
  const res = await withTimeout(what, fetch(url, init), 10_000);
  const text = await res.text();
  let body;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  return { status: res.status, headers: res.headers, body };
}

/** `GET /demo/token?endpoint=alice|bob|carol[&expires=<seconds>]` → {token, expires, sipUri}. */
export async function demoToken(endpoint, { expires } = {}) {
  const query = `endpoint=${endpoint}${expires ? `&expires=${expires}` : ''}`;
  const { status, body } = await fetchJson(`demo token for ${endpoint}`, `${env.serverUrl}/demo/token?${query}`);
  if (status !== 200) throw new Error(`GET /demo/token?${query} answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

function basicAuth() {
  return `Basic ${Buffer.from(`${env.apiToken}:${env.apiSecret}`).toString('base64')}`;
}

async function api(method, pathname, body) {
  return fetchJson(`${method} ${pathname}`, `${env.serverUrl}${pathname}`, {
    method,
    headers: { authorization: basicAuth(), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

let restCache = null;

/**
 * A token minted by the REST API for endpoint `name` in domain `e2e` (created with an
 * application on first use, idempotently), so its lifetime can be chosen:
 * → {token, expires, sipUri, endpointId}.
 */
export async function restToken(name, { expires = 3600 } = {}) {
  if (!restCache) {
    const me = await api('GET', '/v1/me');
    if (me.status !== 200) throw new Error(`GET /v1/me answered ${me.status}: ${JSON.stringify(me.body)}`);
    const base = `/v1/users/${me.body.id}`;
    const apps = await api('GET', `${base}/applications`);
    let app = (apps.body || []).find((a) => a.name === 'e2e');
    if (!app) {
      const made = await api('POST', `${base}/applications`, { name: 'e2e', autoAnswer: true });
      if (made.status !== 201) throw new Error(`creating application: ${made.status} ${JSON.stringify(made.body)}`);
      app = made.body;
    }
    const domains = await api('GET', `${base}/domains`);
    let domain = (domains.body || []).find((d) => d.name === 'e2e');
    if (!domain) {
      const made = await api('POST', `${base}/domains`, { name: 'e2e', description: 'end-to-end tests' });
      if (made.status !== 201) throw new Error(`creating domain: ${made.status} ${JSON.stringify(made.body)}`);
      domain = made.body;
    }
    restCache = { base, app, domain, endpoints: new Map() };
  }
  const { base, app, domain, endpoints } = restCache;
  let endpoint = endpoints.get(name);
  if (!endpoint) {
    const list = await api('GET', `${base}/domains/${domain.id}/endpoints`);
    endpoint = (list.body || []).find((e) => e.name === name);
    if (!endpoint) {
      const made = await api('POST', `${base}/domains/${domain.id}/endpoints`, {
        name, description: 'e2e', applicationId: app.id, enabled: true,
      });
      if (made.status !== 201) throw new Error(`creating endpoint ${name}: ${made.status} ${JSON.stringify(made.body)}`);
      endpoint = made.body;
    }
    endpoints.set(name, endpoint);
  }
  const made = await api('POST', `${base}/domains/${domain.id}/endpoints/${endpoint.id}/tokens`, { expires });
  if (made.status !== 201) throw new Error(`minting a token for ${name}: ${made.status} ${JSON.stringify(made.body)}`);
  return { token: made.body.token, expires: made.body.expires, sipUri: endpoint.sipUri, endpointId: endpoint.id };
}
