#!/usr/bin/env bash
# The whole test suite: unit tests and the integration tests that run the
# real binary against fixture sites, the bundled sample site, the dev server
# on 127.0.0.1 and the Rust compiler's error index beside the repository;
# then the real-browser tests (scripts/browser-test.sh installs Chromium,
# Java and the npm packages they need when they are missing).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f ../shared/corpora/rustc-errors/site.toml ]; then
  echo "note: ../shared/corpora/rustc-errors is absent (as in a clone outside the project's workspace):"
  echo "      the test that builds that real corpus will pass without building it."
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --locked --release "$@" 2>&1 | tee "$log"
cargo_passed=$(grep -o '^test result: ok\. [0-9]* passed' "$log" | awk '{n += $4} END {print n + 0}')
bash scripts/browser-test.sh 2>&1 | tee "$log"
browser_passed=$(grep -o '^# pass [0-9]*' "$log" | awk '{n += $3} END {print n + 0}')
# Both stages stop the script on a failure (set -e, pipefail): reaching
# here means everything passed, said last, where it is seen.
echo "All tests passed: $cargo_passed cargo tests, $browser_passed browser tests."
