// 1. Download size: our pkg/ (wasm + JS glue) against the peers, each bundled whole
// (`export * from '<package>'`) by esbuild --bundle --minify --format=esm --platform=browser,
// then compressed with gzip -9 and brotli (quality 11), as a server would send them.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import * as esbuild from 'esbuild';

import { BENCH, OUT, ROOT, log, writeResult } from './lib/out.mjs';

const say = log('size');

const PEERS = [
  { name: 'JsSIP', pkg: 'jssip' },
  { name: 'SIP.js', pkg: 'sip.js' },
  { name: 'Twilio Voice JS', pkg: '@twilio/voice-sdk' },
  { name: 'Telnyx WebRTC', pkg: '@telnyx/webrtc' },
];

const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
const br = (b) => zlib.brotliCompressSync(b, {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length },
}).length;

function measure(files) {
  const parts = files.map((f) => {
    const b = fs.readFileSync(f);
    return { file: path.relative(ROOT, f), raw: b.length, gzip: gz(b), brotli: br(b) };
  });
  const sum = (k) => parts.reduce((n, p) => n + p[k], 0);
  return { raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli'), parts };
}

const dir = path.join(OUT, 'size');
fs.mkdirSync(dir, { recursive: true });
const rows = [];

const wasm = path.join(ROOT, 'pkg/bwclient_bg.wasm');
const glue = path.join(ROOT, 'pkg/bwclient.js');
if (!fs.existsSync(wasm) || !fs.existsSync(glue)) throw new Error('pkg/ is not built (scripts/build.sh)');
const pkgVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'pkg/package.json'), 'utf8')).version;
rows.push({ name: 'BWClient (ours)', pkg: 'pkg/', version: pkgVersion, ours: true, ...measure([wasm, glue]) });

for (const peer of PEERS) {
  const version = JSON.parse(fs.readFileSync(path.join(BENCH, 'node_modules', peer.pkg, 'package.json'), 'utf8')).version;
  const entry = path.join(dir, `${peer.pkg.replace(/[@/]/g, '_')}.entry.js`);
  const outfile = entry.replace(/\.entry\.js$/, '.bundle.js');
  fs.writeFileSync(entry, `export * from '${peer.pkg}';\n`);
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    outfile,
    logLevel: 'error',
    nodePaths: [path.join(BENCH, 'node_modules')],
    absWorkingDir: BENCH,
  });
  rows.push({ name: peer.name, pkg: peer.pkg, version, ...measure([outfile]) });
}

for (const r of rows) say(`${r.name.padEnd(18)} ${String(r.raw).padStart(8)} B raw ${String(r.gzip).padStart(7)} B gzip -9 ${String(r.brotli).padStart(7)} B brotli`);
writeResult('size', {
  method: 'esbuild --bundle --minify --format=esm --platform=browser of `export * from <package>`; gzip -9 and brotli -q 11 (node zlib) of each file; ours = pkg/bwclient_bg.wasm + pkg/bwclient.js, compressed separately and summed',
  esbuild: esbuild.version,
  rows,
});
