// Shortens the names the wasm module and its wasm-bindgen glue use for each other: the
// imports (`__wbg_<method>_<hash>`, from module "./bwclient_bg.js") and wasm-bindgen's internal
// exports (closure shims with 150-character mangled names). Pages never see them; they cost
// the download about 4 KB gzip. The page-facing exports (`phone_call`…, `memory`) keep their
// names.
//
//   node scripts/short-names.mjs DIR web|bundler
//
// DIR holds wasm-bindgen's output (bwclient_bg.wasm, bwclient.js, and for the bundler target
// bwclient_bg.js); the files are rewritten in place, before minification.
import fs from 'node:fs';
import path from 'node:path';

const [dir, target] = process.argv.slice(2);
if (!dir || !['web', 'bundler'].includes(target)) {
  console.error('usage: short-names.mjs DIR web|bundler');
  process.exit(2);
}

// ---- the wasm binary: read and rewrite the import (2) and export (7) sections
function uleb(buf, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}
function encodeUleb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}
const encodeName = (s) => Buffer.concat([encodeUleb(Buffer.byteLength(s)), Buffer.from(s)]);
function readName(buf, at) {
  const [len, start] = uleb(buf, at);
  return [buf.toString('utf8', start, start + len), start + len];
}
// The bytes after a name up to the next entry: an import's kind and type (0 func: typeidx;
// 1 table: reftype + limits; 2 memory: limits; 3 global: valtype + mut; 4 tag: attr + typeidx).
function importDesc(buf, at) {
  const kind = buf[at++];
  const limits = (p) => {
    const flags = buf[p++];
    let [, q] = uleb(buf, p);
    if (flags & 1) [, q] = uleb(buf, q);
    return q;
  };
  if (kind === 0) return uleb(buf, at)[1];
  if (kind === 1) return limits(at + 1);
  if (kind === 2) return limits(at);
  if (kind === 3) return at + 2;
  if (kind === 4) return uleb(buf, at + 1)[1];
  throw new Error(`unknown import kind ${kind}`);
}

// Short, valid JS identifiers that are no keywords: _a, _b, … _Z, _aa, …
const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
let counter = 0;
function shortName() {
  let n = counter++, s = '';
  do {
    s = ALPHA[n % ALPHA.length] + s;
    n = Math.floor(n / ALPHA.length) - 1;
  } while (n >= 0);
  return '_' + s;
}

const wasmPath = path.join(dir, 'bwclient_bg.wasm');
const wasm = fs.readFileSync(wasmPath);
const renames = new Map(); // old name → new name, imports and internal exports alike
const moduleName = './bwclient_bg.js';
const newModule = target === 'web' ? 'a' : moduleName; // a bundler resolves it as a file
const parts = [wasm.subarray(0, 8)];
let at = 8;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, body] = uleb(wasm, at + 1);
  const end = body + size;
  if (id === 2 || id === 7) {
    let [count, p] = uleb(wasm, body);
    const entries = [encodeUleb(count)];
    while (count--) {
      if (id === 2) {
        const [mod, q] = readName(wasm, p);
        const [field, r] = readName(wasm, q);
        const descEnd = importDesc(wasm, r);
        let name = field;
        if (mod === moduleName) {
          if (!renames.has(field)) renames.set(field, shortName());
          name = renames.get(field);
        }
        entries.push(encodeName(mod === moduleName ? newModule : mod), encodeName(name), wasm.subarray(r, descEnd));
        p = descEnd;
      } else {
        const [name, q] = readName(wasm, p);
        const [, descEnd] = uleb(wasm, q + 1);
        let out = name;
        if (/__convert__closures|^__wbindgen_generic/.test(name)) {
          if (!renames.has(name)) renames.set(name, shortName());
          out = renames.get(name);
        }
        entries.push(encodeName(out), wasm.subarray(q, descEnd));
        p = descEnd;
      }
    }
    const bodyBytes = Buffer.concat(entries);
    parts.push(Buffer.from([id]), encodeUleb(bodyBytes.length), bodyBytes);
  } else {
    parts.push(wasm.subarray(at, end));
  }
  at = end;
}
fs.writeFileSync(wasmPath, Buffer.concat(parts));

// ---- the glue: the same names where it defines the imports and calls the exports
const escape = (s) => s.replace(/[$]/g, '\\$');
function rewrite(file, rules) {
  const p = path.join(dir, file);
  if (!fs.existsSync(p)) return;
  let text = fs.readFileSync(p, 'utf8');
  for (const [from, to] of renames) {
    for (const rule of rules) text = text.replace(rule(escape(from)), (m) => m.replace(from, to));
  }
  if (target === 'web') text = text.split(`"${moduleName}": import0`).join(`"${newModule}": import0`);
  fs.writeFileSync(p, text);
}
const defined = (n) => new RegExp(`\\b${n}(?=: function)`, 'g'); // web: import object keys
const exported = (n) => new RegExp(`(?<=export function )${n}\\b`, 'g'); // bundler: bwclient_bg.js
const called = (n) => new RegExp(`(?<=wasm\\.)${n}\\b`, 'g'); // internal exports
if (target === 'web') rewrite('bwclient.js', [defined, called]);
else rewrite('bwclient_bg.js', [exported, called]);

// No definition or call may keep an old name, or the module would not link.
for (const file of ['bwclient.js', 'bwclient_bg.js']) {
  const p = path.join(dir, file);
  if (!fs.existsSync(p)) continue;
  const text = fs.readFileSync(p, 'utf8');
  const left = [...renames.keys()].filter((n) =>
    [defined, exported, called].some((rule) => rule(escape(n)).test(text)));
  if (left.length) {
    console.error(`short-names: ${file} still uses ${left.slice(0, 3).join(', ')}`);
    process.exit(1);
  }
}
console.log(`[build] ${renames.size} import and internal export names shortened`);
