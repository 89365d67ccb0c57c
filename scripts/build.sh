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

for target in web bundler; do
  out=pkg; [ "$target" = bundler ] && out=pkg-bundler
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
  for js in "$out"/bwclient.js "$out"/bwclient_bg.js; do
    [ -f "$js" ] && minify_js "$js"
  done
done
raw=$(stat -c %s pkg/bwclient_bg.wasm)
js=$(stat -c %s pkg/bwclient.js)
gz=$(cat pkg/bwclient_bg.wasm pkg/bwclient.js | gzip -9 | wc -c)
br=$(node -e 'const fs=require("fs"),z=require("zlib");const b=Buffer.concat(process.argv.slice(1).map(f=>fs.readFileSync(f)));console.log(z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length)' pkg/bwclient_bg.wasm pkg/bwclient.js)
echo "[build] pkg/: wasm ${raw} bytes, JS glue ${js} bytes; wasm+js glue ${gz} bytes gzip -9, ${br} bytes brotli -q 11"
