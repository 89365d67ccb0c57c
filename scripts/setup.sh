#!/usr/bin/env bash
# Idempotent setup: installs what is missing, skips what is there.
#   scripts/setup.sh          build tools (wasm target, wasm-bindgen-cli, wasm-pack, npm deps)
#   scripts/setup.sh --test   also the test tools (Chromium, chromedriver, Kamailio) from apt, and
#                             the consumer apps' npm tools (tests/consumers/)
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION="0.2.130"   # must equal the `=` pin in Cargo.toml
WASM_PACK_VERSION="0.15.1"
WITH_TEST=0
[ "${1:-}" = "--test" ] && WITH_TEST=1

log() { printf '[setup] %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
# The release package rebuilds std for size (scripts/build.sh); that needs std's sources.
if [ ! -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
  log "adding rust component rust-src"
  rustup component add rust-src || log "rust-src unavailable: the package builds with the prebuilt std (larger)"
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes ~2 min)"
  # --locked fails for this crate on the registry mirror (see shared notes); install unlocked.
  cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! command -v wasm-pack >/dev/null 2>&1; then
  log "installing wasm-pack $WASM_PACK_VERSION (takes ~1.5 min)"
  cargo install -q wasm-pack --version "$WASM_PACK_VERSION" --locked
fi

# npm dev dependencies (binaryen's wasm-opt, playwright-core, peers for benches)
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
fi

if [ "$WITH_TEST" = 1 ]; then
  APT_PKGS="chromium chromium-driver kamailio kamailio-websocket-modules kamailio-autheph-modules kamailio-tls-modules kamailio-outbound-modules kamailio-extra-modules kamailio-sqlite-modules kamailio-postgres-modules postgresql sqlite3 iproute2 openssl"
  missing=""
  for p in $APT_PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    log "installing apt packages:$missing"
    SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
    $SUDO apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
  fi
  # The consumer apps' pinned tools (Vite, TypeScript, webpack): npm ci of each app, skipped
  # while its node_modules matches its package-lock.json (the e2e namespace has no network).
  bash tests/consumers/build.sh --install-only
fi
log "ok"
