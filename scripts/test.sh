#!/usr/bin/env bash
# The whole test suite: unit tests and the integration tests that run the
# real binary against fixture sites and the bundled sample site.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked --release "$@"
