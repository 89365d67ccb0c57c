#!/usr/bin/env bash
# The package as its users consume it: `npm pack` of pkg-bundler/ (the --target bundler build),
# installed from that tarball into a Vite + TypeScript app and a webpack 5 app, type-checked
# (`tsc --noEmit`, strict, against the package's .d.ts) and built for production.
#
#   tests/consumers/build.sh                 pack, install, type-check, build (target/consumers/)
#   tests/consumers/build.sh STAGE_DIR       … and copy the built pages to STAGE_DIR/{vite,webpack}/
#   tests/consumers/build.sh --install-only  only the apps' pinned tools (scripts/setup.sh --test)
#
# Needs the npm registry only the first time (npm ci of each app's pinned tools, skipped while
# node_modules matches the committed package-lock.json); the tarball install is local. Run it
# outside the e2e network namespace (tests/e2e/run.sh does). Exits non-zero if any app fails;
# an app that failed leaves nothing in STAGE_DIR, so its spec fails and points at the log.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
APPS=(vite webpack)
OUT="$ROOT/target/consumers"

say() { printf '[consumers] %s\n' "$*"; }
npm_quiet() { npm --no-audit --no-fund --loglevel=error "$@"; }

# npm ci of an app's pinned tools unless node_modules already matches its lock (npm writes
# node_modules/.package-lock.json on every install: newer than the lock means up to date).
install_tools() { # APP_DIR
  local dir=$1 hidden="$1/node_modules/.package-lock.json"
  if [ ! -f "$hidden" ] || [ "$dir/package-lock.json" -nt "$hidden" ] || [ "$dir/package.json" -nt "$hidden" ]; then
    say "$(basename "$dir"): npm ci (pinned tools from package-lock.json)"
    (cd "$dir" && npm_quiet ci)
  fi
}

if [ "${1:-}" = "--install-only" ]; then
  for app in "${APPS[@]}"; do install_tools "$HERE/$app-app"; done
  exit 0
fi
STAGE="${1:-}"

if ! grep -q '"name": "bwclient"' "$ROOT/pkg-bundler/package.json" 2>/dev/null \
  || ! grep -q 'BWClient' "$ROOT/pkg-bundler/bwclient.js" 2>/dev/null; then
  say "pkg-bundler/ holds no build of the client (run scripts/build.sh): nothing to consume"
  exit 1
fi

t0=$(date +%s%N)
ms() { echo $(( ($(date +%s%N) - t0) / 1000000 )); }

mkdir -p "$OUT"
rm -f "$OUT"/bwclient-*.tgz
# --json: the file name and shasum of the tarball npm made (npm pack honours package.json
# "files", so this is exactly what `npm publish` would upload).
pack_json="$(cd "$OUT" && npm pack "$ROOT/pkg-bundler" --json --loglevel=error)"
tarball="$OUT/$(node -e 'const p=JSON.parse(process.argv[1])[0];console.log(p.filename)' "$pack_json")"
shasum="$(node -e 'console.log(JSON.parse(process.argv[1])[0].shasum)' "$pack_json")"
say "packed $(basename "$tarball") ($(stat -c %s "$tarball") bytes, sha1 $shasum)"

# One app: its tools, the tarball, the type check and the production build. Runs in a subshell
# under `set -e` (not in an `if`: that would switch `set -e` off inside).
build_app() { # APP
  local app=$1 dir="$HERE/$1-app"
  install_tools "$dir"
  # The tarball, as a user's `npm install bwclient` would put it in node_modules, without
  # touching the committed package.json / package-lock.json (a fresh clone has no tarball).
  local stamp="$dir/node_modules/bwclient/.packed-sha1"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$shasum" ]; then
    say "$app: npm install --no-save $(basename "$tarball")"
    (cd "$dir" && npm_quiet install --no-save --prefer-offline "$tarball")
    echo "$shasum" >"$stamp"
  fi
  rm -rf "${OUT:?}/$app"
  case "$app" in
    vite)
      say "vite: tsc --noEmit (strict, against node_modules/bwclient/bwclient.d.ts)"
      (cd "$dir" && node_modules/.bin/tsc --noEmit -p tsconfig.json)
      say "vite: vite build"
      (cd "$dir" && CONSUMER_OUT_DIR="$OUT/vite" node_modules/.bin/vite build --logLevel warn)
      ;;
    webpack)
      say "webpack: webpack --mode production"
      (cd "$dir" && CONSUMER_OUT_DIR="$OUT/webpack" node_modules/.bin/webpack --mode production --no-stats)
      cp "$dir/index.html" "$OUT/webpack/"
      ;;
  esac
  find "$OUT/$app" -name '*.wasm' | grep -q . \
    || { say "$app: the build emitted no .wasm"; return 1; }
}

failed=()
declare -A took
for app in "${APPS[@]}"; do
  a0=$(date +%s%N)
  set +e
  (set -e; build_app "$app")
  rc=$?
  set -e
  if [ "$rc" != 0 ]; then failed+=("$app"); say "$app: FAILED (exit $rc)"; fi
  took[$app]=$(( ($(date +%s%N) - a0) / 1000000 ))
done

# What was built from what, for the spec's figures (and a person reading target/consumers/).
node -e '
  const fs = require("fs"), path = require("path");
  const [here, out, tarball, shasum, failed, vms, wms] = process.argv.slice(1);
  const v = (app, pkg) => { try { return require(path.join(here, `${app}-app/node_modules`, pkg, "package.json")).version; } catch { return null; } };
  fs.writeFileSync(path.join(out, "build.json"), JSON.stringify({
    tarball: path.basename(tarball), tarballBytes: fs.statSync(tarball).size, shasum,
    failed: failed ? failed.split(" ") : [],
    vite: { vite: v("vite", "vite"), typescript: v("vite", "typescript"), "vite-plugin-wasm": v("vite", "vite-plugin-wasm"), ms: Number(vms) },
    webpack: { webpack: v("webpack", "webpack"), "webpack-cli": v("webpack", "webpack-cli"), ms: Number(wms) },
  }, null, 2) + "\n");
' "$HERE" "$OUT" "$tarball" "$shasum" "${failed[*]:-}" "${took[vite]}" "${took[webpack]}"

if [ -n "$STAGE" ]; then
  mkdir -p "$STAGE"
  for app in "${APPS[@]}"; do
    rm -rf "${STAGE:?}/$app"
    [ -f "$OUT/$app/index.html" ] && ! printf '%s\n' "${failed[@]:-}" | grep -qx "$app" && cp -R "$OUT/$app" "$STAGE/$app"
  done
  cp "$OUT/build.json" "$STAGE/build.json"
fi

say "done in $(ms) ms (vite ${took[vite]} ms, webpack ${took[webpack]} ms)${failed:+; FAILED: ${failed[*]}}"
[ "${#failed[@]}" = 0 ]
