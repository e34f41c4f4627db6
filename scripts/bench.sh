#!/usr/bin/env bash
# Herald against Hugo (Debian's hugo package), measured in one run on this machine.
#
#   scripts/bench.sh            full builds at 1,000 and 10,000 articles, the no-change
#                               rebuild, edit-to-reload latency at 10,000, 200 images
#   scripts/bench.sh quick      the same at 1,000 articles and 50 images
#   SIZES=1000,10000,30000 scripts/bench.sh builds   build times only (the scaling curve)
#
# Needs python3, /usr/bin/time, hugo, and Pillow for the images (pip install pillow).
# Figures are medians of alternating runs; report the ratios, not absolute times.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
what=${1:-all}
case "$what" in
  quick)
    python3 scripts/bench/run.py --sizes 1000 --runs 3
    python3 scripts/bench/serve_latency.py --articles 1000 --edits 5
    python3 scripts/bench/images.py --images 50 --runs 2 ;;
  builds)
    python3 scripts/bench/run.py --sizes "${SIZES:-1000,10000}" --runs "${RUNS:-5}" ;;
  all)
    python3 scripts/bench/run.py --sizes "${SIZES:-1000,10000}" --runs "${RUNS:-5}"
    python3 scripts/bench/serve_latency.py --articles 10000 --edits 10
    python3 scripts/bench/images.py --images 200 --runs 3 ;;
  *) echo "usage: scripts/bench.sh [all|quick|builds]" >&2; exit 2 ;;
esac
