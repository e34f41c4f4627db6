#!/usr/bin/env bash
# Runs every test of Herald: unit and integration tests (cargo), then the browser
# tests when their tools are installed (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --all-targets

if [ -d tests/browser ]; then
  if command -v node >/dev/null && [ -x /usr/bin/chromium ]; then
    (cd tests/browser && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm test)
  else
    echo "skipping browser tests: node and /usr/bin/chromium are needed (.ci/run installs them)" >&2
    exit 1
  fi
fi
