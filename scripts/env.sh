# Sourced by the scripts: the PATH the tools need. npm's binaryen (wasm-opt) must come before
# Debian's /usr/bin/wasm-opt, which produces modules Chromium rejects (see README).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
