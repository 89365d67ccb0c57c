#!/usr/bin/env bash
# Builds the browser package: pkg/ (--target web) and pkg-bundler/ (--target bundler).
#
# 1. The crate as a cdylib alone (`cargo rustc --crate-type cdylib`; Cargo.toml also lists
#    rlib, for the browser tests, which costs the download ~8 KB gzip when built together),
#    release profile (opt-level z, LTO), std rebuilt for size when rust-src is there.
# 2. wasm-bindgen (the CLI pinned in scripts/setup.sh) writes the JS glue and the .d.ts.
# 3. npm binaryen's `wasm-opt -Oz` shrinks the wasm; scripts/short-names.mjs gives the imports
#    and wasm-bindgen's internal exports short names (in the wasm and the glue alike); npm
#    esbuild minifies the glue (the peers' sizes in bench/ are minified bundles too). The .d.ts
#    stays as generated.
# 4. package.json for each, from Cargo.toml's name, version, description and license.
#
# BWCLIENT_PKG_PREFIX (e.g. target/try-) builds elsewhere than pkg/ and pkg-bundler/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
say() { printf '[build] %s\n' "$*"; }
t0=$(date +%s)

WASM=target/wasm32-unknown-unknown/release/bwclient.wasm
CARGO_ARGS=(rustc -p bwclient --lib --release --target wasm32-unknown-unknown --crate-type cdylib)
# A 128 KiB stack instead of rustc's 1 MiB default: the stack is part of the page's memory
# (measured: 1.13 MiB of wasm memory in a call with the default). The deepest call chains here
# (parsing, the user agent's event handling) use a few tens of KiB; an overflow would trap, as
# wasm-ld puts the stack first.
LINK_ARGS=(-- -Clink-arg=-zstack-size=131072)
# Without reference types and multi-value returns, wasm-bindgen keeps JS values in a JS-side
# heap and returns through memory: measured 1.3 KB gzip smaller, and older browsers load it.
FEATURES="-Ctarget-feature=-reference-types,-multivalue"

# std rebuilt for size: panics abort on the spot (no message formatting, no file/line table),
# Debug output compiled out, std's size-first algorithms. These are unstable rustc/cargo flags,
# enabled on the stable toolchain with RUSTC_BOOTSTRAP; they shape this release build only
# (tests, clippy and the server use the ordinary std). Without the rust-src component, or if a
# future rustc renames a flag, the build falls back to the prebuilt std and says so.
size_build() {
  RUSTC_BOOTSTRAP=1 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$FEATURES -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none ${BWCLIENT_EXTRA_RUSTFLAGS:-}" \
    cargo "${CARGO_ARGS[@]}" -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "${LINK_ARGS[@]}"
}
say "compiling the crate for wasm32 (release, size-optimised std; a few minutes the first time)"
mkdir -p "$ROOT/target"
# cargo's progress shows, and goes to target/size-build.log too.
if ! { [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ] \
    && size_build 2>&1 | tee "$ROOT/target/size-build.log" >&2; }; then
  say "the size-optimised std build failed (target/size-build.log); building with the prebuilt std"
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$FEATURES" cargo "${CARGO_ARGS[@]}" "${LINK_ARGS[@]}"
fi

version=$(cargo metadata --no-deps --format-version 1 | node -e '
  const m = JSON.parse(require("fs").readFileSync(0)); const p = m.packages.find((p) => p.name === "bwclient");
  console.log(JSON.stringify({ version: p.version, description: p.description, license: p.license, repository: p.repository }))')

for target in web bundler; do
  out="${BWCLIENT_PKG_PREFIX:-}pkg"; [ "$target" = bundler ] && out="$out-bundler"
  rm -rf "$out" && mkdir -p "$out"
  say "wasm-bindgen --target $target → $out/"
  wasm-bindgen "$WASM" --out-dir "$out" --out-name bwclient --target "$target"
  # --flatten --rereloop first: measured 1 KB gzip smaller than -Oz alone.
  wasm-opt --flatten --rereloop -Oz -Oz --converge --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    "$out/bwclient_bg.wasm" -o "$out/bwclient_bg.wasm.opt"
  mv "$out/bwclient_bg.wasm.opt" "$out/bwclient_bg.wasm"
  rm -f "$out/bwclient_bg.wasm.d.ts"
  node scripts/short-names.mjs "$out" "$target"
  # The module's internal exports are no API: the typed InitOutput says only what a page may
  # use (wasm-bindgen lists every export, typed `any`).
  node -e '
    const fs = require("fs"), f = process.argv[1];
    const text = fs.readFileSync(f, "utf8").replace(/export interface InitOutput \{[\s\S]*?\n\}/,
      "export interface InitOutput {\n    readonly memory: WebAssembly.Memory;\n}");
    fs.writeFileSync(f, text);' "$out/bwclient.d.ts"
  for js in "$out"/bwclient.js "$out"/bwclient_bg.js; do
    [ -f "$js" ] || continue
    # Exported names (BWClient, Phone, Call, default, initSync, the bundler glue's imports)
    # are kept; only local names and white space shrink.
    esbuild "$js" --minify --format=esm --target=es2020 --log-level=warning --outfile="$js.min"
    mv "$js.min" "$js"
  done
  files='["bwclient_bg.wasm", "bwclient.js", "bwclient.d.ts"]'
  entry='"main": "bwclient.js"'
  side='[]'
  if [ "$target" = bundler ]; then
    files='["bwclient_bg.wasm", "bwclient.js", "bwclient_bg.js", "bwclient.d.ts"]'
    entry='"module": "bwclient.js"'
    side='["./bwclient.js"]'
  fi
  node -e '
    const [meta, files, entry, side] = process.argv.slice(1);
    const m = JSON.parse(meta);
    const pkg = { name: "bwclient", type: "module", description: m.description, version: m.version,
      license: m.license, repository: { type: "git", url: m.repository }, files: JSON.parse(files),
      ...JSON.parse("{" + entry + "}"), types: "bwclient.d.ts", sideEffects: JSON.parse(side) };
    process.stdout.write(JSON.stringify(pkg, null, 2) + "\n");' "$version" "$files" "$entry" "$side" >"$out/package.json"
  [ -f README.md ] && cp README.md LICENSE "$out/"
done

p="${BWCLIENT_PKG_PREFIX:-}pkg"
raw=$(stat -c %s "$p/bwclient_bg.wasm")
js=$(stat -c %s "$p/bwclient.js")
gz_wasm=$(gzip -9 <"$p/bwclient_bg.wasm" | wc -c)
gz_js=$(gzip -9 <"$p/bwclient.js" | wc -c)
say "$p/: wasm $raw bytes ($gz_wasm gzip -9), JS glue $js bytes ($gz_js gzip -9); $((gz_wasm + gz_js)) bytes gzip in all; $(( $(date +%s) - t0 )) s"
