#!/usr/bin/env bash
# Runs every test of Herald: unit and integration tests (cargo), then the browser
# tests when their tools are installed (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --all-targets

if [ -d tests/browser ]; then
  if command -v node >/dev/null && [ -x /usr/bin/chromium ]; then
    # npm ci again when the lockfile changed since the last install (a new devDependency).
    (cd tests/browser && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm test)
  else
    echo "skipping browser tests: node and /usr/bin/chromium are needed (.ci/run installs them)" >&2
    exit 1
  fi
fi
