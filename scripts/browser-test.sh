#!/usr/bin/env bash
# Real-browser tests of the default theme and the dev server: Debian's
# Chromium driven by playwright-core (no browser is ever downloaded), axe-core
# and the Nu HTML Checker (vnu.jar, needs Java). Installs what is missing,
# then runs every file of tests/browser/ (extra arguments go to node --test,
# e.g. scripts/browser-test.sh tests/browser/theme.test.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "error: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

chromium_bin="${FAULTBOOK_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium_bin" ]; then
  if [ -n "${FAULTBOOK_CHROMIUM:-}" ]; then
    echo "error: FAULTBOOK_CHROMIUM=$FAULTBOOK_CHROMIUM is not an executable" >&2
    exit 1
  fi
  echo "== installing Debian's chromium"
  apt_install chromium
fi

# Java first: vnu-jar's install script would otherwise try to download one.
if ! command -v java >/dev/null 2>&1; then
  echo "== installing a Java runtime for vnu.jar"
  apt_install default-jre-headless
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "== installing Node.js and npm"
  apt_install nodejs npm
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "error: the browser tests need Node.js 20 or later (found $(node --version))" >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "== npm ci"
  # No install scripts: nothing may download a browser or a Java runtime.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts
  touch node_modules
fi

# Always: a stale binary would test yesterday's theme.
cargo build --release --locked --quiet

echo "== browser tests ($("$chromium_bin" --version 2>/dev/null || echo "$chromium_bin"))"
if [ "$#" -gt 0 ]; then
  exec node --test --test-concurrency=1 "$@"
fi
exec node --test --test-concurrency=1 tests/browser/
