#!/usr/bin/env bash
# Herald against Hugo (Debian's hugo package), measured in one run on this machine.
#
#   scripts/bench.sh            builds at 1,000 and 10,000 articles (cold full build, the
#                               cp -r floor, no-change and one-article-edit builds), the
#                               default theme with search first and the minimal bench
#                               theme second; edit-to-page latency of serve at 10,000;
#                               200 images
#   scripts/bench.sh quick      the same at 1,000 articles and 50 images
#   SIZES=1000,10000,30000 scripts/bench.sh builds   builds only (and the 30k/10k scaling)
#
# THEME=default (or bench) limits the builds to one theme; RUNS sets the timed runs;
# HERALD=path/to/herald uses that binary instead of building target/release/herald.
# Needs python3, /usr/bin/time, hugo, and Pillow for the images (pip install pillow;
# without it the images are skipped).
# Figures are medians of alternating runs; report the ratios, not absolute times.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${HERALD:-}" ]; then
  cargo build --release --quiet
  HERALD=target/release/herald
fi
images() {
  if python3 -c 'import PIL' 2>/dev/null; then
    python3 scripts/bench/images.py --herald "$HERALD" "$@"
  else
    echo "images skipped: scripts/bench/images.py needs Pillow (pip install pillow)" >&2
  fi
}
what=${1:-all}
themes=${THEME:-default,bench}
case "$what" in
  quick)
    python3 scripts/bench/run.py --herald "$HERALD" --sizes 1000 --runs "${RUNS:-3}" --theme "$themes"
    python3 scripts/bench/serve_latency.py --herald "$HERALD" --articles 1000 --edits 5
    images --images 50 --runs 2 ;;
  builds)
    python3 scripts/bench/run.py --herald "$HERALD" --sizes "${SIZES:-1000,10000}" --runs "${RUNS:-5}" --theme "$themes" ;;
  all)
    python3 scripts/bench/run.py --herald "$HERALD" --sizes "${SIZES:-1000,10000}" --runs "${RUNS:-5}" --theme "$themes"
    python3 scripts/bench/serve_latency.py --herald "$HERALD" --articles 10000 --edits 10
    images --images 200 --runs 3 ;;
  *) echo "usage: scripts/bench.sh [all|quick|builds]" >&2; exit 2 ;;
esac
