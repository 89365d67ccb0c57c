#!/usr/bin/env bash
# Builds the browser package: pkg/ (--target web) and pkg-bundler/ (--target bundler), each
# optimised with npm binaryen's `wasm-opt -Oz`, and its JS glue minified with npm esbuild (the
# peers' sizes in shared/notes/toolchain.md are minified bundles too; the .d.ts stays as written).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

# Minifies one ES module in place. Exported names (BWClient, Phone, Call, initSync, default, the
# bundler glue's __wbg_* imports) are kept; only local names and whitespace shrink.
minify_js() {
  esbuild "$1" --minify --format=esm --target=es2020 --log-level=warning --outfile="$1.min"
  mv "$1.min" "$1"
}

# std rebuilt for size: panics abort on the spot (no message formatting, no file/line table),
# Debug output compiled out, std's size-first algorithms. These are unstable rustc/cargo flags,
# enabled on the stable toolchain with RUSTC_BOOTSTRAP; they apply to this release build only
# (tests, clippy and the server use the ordinary std). Measured: 141.1 -> 128.6 KB gzip.
# Without the rust-src component, or if a future rustc renames a flag, it falls back to the
# prebuilt std and says so.
size_build() {
  RUSTC_BOOTSTRAP=1 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
    wasm-pack build "$@" -- -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
}
SIZE_STD=1
[ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ] || SIZE_STD=0

# The package's JS: js/ (the BWClient/Phone/Call API, transport, media, devices, tones) bundled
# with the wasm-bindgen glue of `Core` into one minified ES module, bwclient.js. The glue is
# staged as core-glue.js, the name js/ imports it by.
bundle_js() { # OUT TARGET
  local out=$1 target=$2 stage="$ROOT/target/js-stage/$2"
  rm -rf "$stage" && mkdir -p "$stage"
  cp js/*.js "$stage/"
  if [ "$target" = web ]; then
    mv "$out/bwclient.js" "$stage/core-glue.js"
    # The web target also hands out wasm-bindgen's loader: `await init()` before BWClient.login.
    printf "export * from './index.js';\nexport { default, initSync } from './core-glue.js';\n" >"$stage/entry.js"
    external=()
  else
    # Bundlers instantiate bwclient_bg.wasm themselves; it imports from ./bwclient_bg.js, so
    # both stay files of their own.
    mv "$out/bwclient.js" "$stage/core-glue.js"
    printf "export * from './index.js';\n" >"$stage/entry.js"
    external=('--external:*bwclient_bg.js' '--external:*bwclient_bg.wasm')
  fi
  # Private members of js/ (`_name`) are renamed too; wasm-bindgen's own names start with `__`.
  esbuild "$stage/entry.js" --bundle --minify --mangle-props='^_[a-z]' --format=esm \
    --target=es2020 --log-level=warning \
    "${external[@]}" --outfile="$out/bwclient.js"
  # The typed API, written by hand (js/bwclient.d.ts), plus the loader's types on the web target.
  cp js/bwclient.d.ts "$out/bwclient.d.ts"
  if [ "$target" = web ]; then
    cat >>"$out/bwclient.d.ts" <<'TS'

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;
export type SyncInitInput = BufferSource | WebAssembly.Module;
export interface InitOutput { readonly memory: WebAssembly.Memory; }
/** Instantiates the module synchronously from bytes or a compiled `WebAssembly.Module`. */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;
/** Fetches and instantiates `bwclient_bg.wasm` (next to this file unless a path is given). */
export default function __wbg_init(module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
TS
  fi
  rm -f "$out/bwclient_bg.wasm.d.ts"
}

for target in web bundler; do
  # BWCLIENT_PKG_PREFIX (e.g. target/try-) builds elsewhere than pkg/ and pkg-bundler/.
  out="${BWCLIENT_PKG_PREFIX:-}pkg"; [ "$target" = bundler ] && out="$out-bundler"
  args=(--mode no-install --release --target "$target" --out-dir "$out" --out-name bwclient .)
  if [ "$SIZE_STD" = 1 ] && ! size_build "${args[@]}" >/dev/null 2>"$ROOT/target/size-build.log"; then
    echo "[build] size-optimised std build failed (target/size-build.log); using the prebuilt std" >&2
    SIZE_STD=0
  fi
  [ "$SIZE_STD" = 1 ] || wasm-pack build "${args[@]}" >/dev/null
  wasm="$out/bwclient_bg.wasm"
  wasm-opt -Oz --converge --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
  [ -f "$out/bwclient_bg.js" ] && minify_js "$out/bwclient_bg.js"
  bundle_js "$out" "$target"
done
raw=$(stat -c %s ${BWCLIENT_PKG_PREFIX:-}pkg/bwclient_bg.wasm)
js=$(stat -c %s ${BWCLIENT_PKG_PREFIX:-}pkg/bwclient.js)
gz=$(cat ${BWCLIENT_PKG_PREFIX:-}pkg/bwclient_bg.wasm ${BWCLIENT_PKG_PREFIX:-}pkg/bwclient.js | gzip -9 | wc -c)
br=$(node -e 'const fs=require("fs"),z=require("zlib");const b=Buffer.concat(process.argv.slice(1).map(f=>fs.readFileSync(f)));console.log(z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length)' ${BWCLIENT_PKG_PREFIX:-}pkg/bwclient_bg.wasm ${BWCLIENT_PKG_PREFIX:-}pkg/bwclient.js)
echo "[build] ${BWCLIENT_PKG_PREFIX:-}pkg/: wasm ${raw} bytes, JS glue ${js} bytes; wasm+js glue ${gz} bytes gzip -9, ${br} bytes brotli -q 11"
