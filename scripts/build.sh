#!/usr/bin/env bash
# Builds the browser package: pkg/ (--target web) and pkg-bundler/ (--target bundler), each
# optimised with npm binaryen's `wasm-opt -Oz`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

for target in web bundler; do
  out=pkg; [ "$target" = bundler ] && out=pkg-bundler
  wasm-pack build --mode no-install --release --target "$target" --out-dir "$out" --out-name bwclient . >/dev/null
  wasm="$out/bwclient_bg.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
done
raw=$(stat -c %s pkg/bwclient_bg.wasm)
gz=$(cat pkg/bwclient_bg.wasm pkg/bwclient.js | gzip -9 | wc -c)
echo "[build] pkg/: wasm ${raw} bytes; wasm+js glue ${gz} bytes gzip -9"
