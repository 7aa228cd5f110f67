#!/usr/bin/env bash
# The whole test suite: Rust unit, property and integration tests, then the JavaScript
# verifier's tests and the browser end-to-end tests (Node's test runner).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --locked

if ! command -v node >/dev/null 2>&1; then
  echo "node is not installed: the JavaScript verifier and browser tests cannot run" >&2
  exit 1
fi
if [ -f package.json ] && [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# The browser tests start this binary (built by cargo test above).
export FUNDTRAIL_BIN="${FUNDTRAIL_BIN:-$PWD/target/debug/fundtrail}"
node --test tests/web/
