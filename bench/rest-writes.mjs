// REST write latency of bwclient-server on its storage backend (issue 13: SQLite vs
// PostgreSQL). Starts nothing: give it a running server's base URL and API credentials.
//
//   node bench/rest-writes.mjs http://127.0.0.1:8080 <userId> <apiToken> <apiSecret> [N]
//
// N endpoint creations (INSERT + read back + view update), then N PATCHes (enabled on/off,
// each a revocation row and a view update), one at a time over one keep-alive connection;
// prints median, p90 and p99 in ms for each.
const [base, user, token, secret, n = '300'] = process.argv.slice(2);
if (!secret) {
  console.error('usage: node bench/rest-writes.mjs BASE USER_ID API_TOKEN API_SECRET [N]');
  process.exit(2);
}
const auth = 'Basic ' + Buffer.from(`${token}:${secret}`).toString('base64');
const call = async (method, path, body) => {
  const t0 = process.hrtime.bigint();
  const res = await fetch(`${base}/v1/users/${user}${path}`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return [Number(process.hrtime.bigint() - t0) / 1e6, json];
};
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
  return `median ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms (n=${s.length})`;
};
const [, domain] = await call('POST', '/domains', { name: `bench${Date.now() % 1e8}` });
const created = [];
const ids = [];
for (let i = 0; i < Number(n); i++) {
  const [ms, ep] = await call('POST', `/domains/${domain.id}/endpoints`, { name: `ep${i}` });
  created.push(ms);
  ids.push(ep.id);
}
const patched = [];
for (let i = 0; i < ids.length; i++) {
  const [ms] = await call('PATCH', `/domains/${domain.id}/endpoints/${ids[i]}`, { enabled: i % 2 === 1 });
  patched.push(ms);
}
console.log(`create endpoint: ${stats(created)}`);
console.log(`patch endpoint:  ${stats(patched)}`);
