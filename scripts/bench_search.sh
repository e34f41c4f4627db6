#!/usr/bin/env bash
# Herald's search against Pagefind on the synthetic 10,000-article corpus, in one run:
# index build time, index size, and for fixed queries the bytes a browser downloads
# and whether the expected articles were found. Prints a Markdown report.
#
#   scripts/bench_search.sh [WORK_DIR]        # default /tmp/herald-search-bench
#   ARTICLES=2000 RUNS=1 scripts/bench_search.sh
#   PAGEFIND=0 scripts/bench_search.sh        # Herald alone (no npm package pagefind)
#
# For Herald it reports, per query, the bytes downloaded as served (and without
# compression) and the time from the query to the first result on a first visit, on
# the default theme's search page, against the goals (150 KB, 100 ms).
#
# Needs: cargo, python3, node + npm (the npm registry, for pagefind and the browser
# tests' playwright-core), /usr/bin/chromium. Both tools index the same built HTML:
# Pagefind only the article pages (--glob) and only the article element
# (--root-selector), which holds the title, body, tags and topics, so that it sees
# what Herald indexes (Herald also indexes a summary written in front matter, which
# the article page does not show).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
WORK="${1:-/tmp/herald-search-bench}"
ARTICLES="${ARTICLES:-10000}"
RUNS="${RUNS:-3}"
PAGEFIND="${PAGEFIND:-1}"
GEN="${GEN_CORPUS:-$REPO/../shared/bench/gen_corpus.py}"
[ -f "$GEN" ] || GEN=/work/shared/bench/gen_corpus.py
QUERIES=(诈骗 隐私 人工智能 phishing "Wi-Fi 密码" "网络 安全")
TOPICS=(cyber-week-2019 cyber-week-2020 cyber-week-2021 cyber-week-2022 cyber-week-2023
        privacy-day anti-fraud-campaign youth-online-safety data-security-law
        campus-safety-month elderly-digital-help smart-city-expo)

mkdir -p "$WORK/run"
SITE="$WORK/site"
RUN="$WORK/run"
: > "$RUN/timings.txt"

echo "== corpus: $ARTICLES articles" >&2
python3 "$GEN" --articles "$ARTICLES" --out "$SITE" --format neutral --clean >&2
cat > "$SITE/config.yaml" <<'EOF'
title: 检索基准站点
base_url: https://www.example.gov.cn/
theme: default
paginate: 20
search:
  enabled: true
EOF
printf -- '---\ntitle: 首页\n---\n' > "$SITE/content/_index.md"
for t in "${TOPICS[@]}"; do
  mkdir -p "$SITE/content/topics/$t"
  printf -- '---\ntitle: 专题 %s\n---\n' "$t" > "$SITE/content/topics/$t/_index.md"
done

echo "== tools" >&2
(cd "$REPO" && cargo build --release --bin herald --example search_bench >&2)
HERALD="$REPO/target/release/herald"
BENCH="$REPO/target/release/examples/search_bench"
if [ "$PAGEFIND" != 0 ]; then
  if [ ! -x "$WORK/pagefind/node_modules/.bin/pagefind" ]; then
    mkdir -p "$WORK/pagefind"
    (cd "$WORK/pagefind" && npm init -y >/dev/null && npm install --no-audit --no-fund pagefind >&2)
  fi
  PAGEFIND="$WORK/pagefind/node_modules/.bin/pagefind"
  PAGEFIND_VERSION="$("$PAGEFIND" --version | awk '{print $2}')"
else
  PAGEFIND_VERSION=""
fi
if [ ! -d "$REPO/tests/browser/node_modules/playwright-core" ]; then
  (cd "$REPO/tests/browser" && npm ci >&2)
fi

timed() { # timed NAME COMMAND...: appends "NAME seconds peak_kb" to timings.txt
  local name="$1"; shift
  sync # what the last run and `rm -rf` left to write must not slow this one
  /usr/bin/time -f "$name %e %M" -o "$RUN/time.tmp" "$@" > "$RUN/$name.log" 2>&1
  cat "$RUN/time.tmp" >> "$RUN/timings.txt"
}

search_enabled() { sed -i "s/enabled: .*/enabled: $1/" "$SITE/config.yaml"; }

echo "== timing: herald with and without search, pagefind; $RUNS runs each, alternating" >&2
# A warm-up of each, then A, B, C, A, B, C…
search_enabled true
"$HERALD" build --root "$SITE" --output "$WORK/public" > /dev/null
[ "$PAGEFIND" = 0 ] || "$PAGEFIND" --site "$WORK/public" --glob "articles/article-*/index.html" --root-selector "article.article" > /dev/null
for i in $(seq 1 "$RUNS"); do
  search_enabled true
  # A build from nothing: no output and no kept index.
  rm -rf "$WORK/public" "$SITE/.herald-cache"
  HERALD_TIMINGS=1 timed herald "$HERALD" build --root "$SITE" --output "$WORK/public"
  # The index phase of that build, from its timings.
  awk '/ ms .*  search index$/ { print "herald-index", $1 / 1000, 0 }' "$RUN/herald.log" >> "$RUN/timings.txt"
  search_enabled false
  rm -rf "$WORK/public-off"
  timed herald-nosearch "$HERALD" build --root "$SITE" --output "$WORK/public-off"
  if [ "$PAGEFIND" != 0 ]; then
    rm -rf "$WORK/public/pagefind"
    timed pagefind "$PAGEFIND" --site "$WORK/public" --glob "articles/article-*/index.html" --root-selector "article.article"
  fi
  echo "   run $i: $(tail -4 "$RUN/timings.txt" | tr '\n' ' ')" >&2
done
search_enabled true
rm -rf "$WORK/public-off"

echo "== one article edited, then built again (the index kept in .herald-cache)" >&2
EDITED="$(ls "$SITE/content/articles" | grep -v '^_' | sort | sed -n "$(( (ARTICLES + 1) / 2 ))p")"
cp "$SITE/content/articles/$EDITED" "$RUN/edited.md"
# Into another folder, so that public/ keeps Pagefind's index. A first edit makes the
# kept index again (the build without search left none); the second is the one timed.
printf '\n追加一句修订。\n' >> "$SITE/content/articles/$EDITED"
"$HERALD" build --root "$SITE" --output "$WORK/public-edit" > /dev/null
printf '\n再追加一句。\n' >> "$SITE/content/articles/$EDITED"
HERALD_TIMINGS=1 timed herald-edit "$HERALD" build --root "$SITE" --output "$WORK/public-edit"
awk '/ ms .*  search index$/ { print "herald-index-edit", $1 / 1000, 0 }
     / ms .*  search: load the kept index$/ { print "herald-index-load", $1 / 1000, 0 }
     / ms .*  search: save the index$/ { print "herald-index-save", $1 / 1000, 0 }' "$RUN/herald-edit.log" >> "$RUN/timings.txt"
cp "$RUN/edited.md" "$SITE/content/articles/$EDITED"
rm -rf "$WORK/public-edit"

echo "== sizes" >&2
python3 - "$WORK/public" "$PAGEFIND_VERSION" > "$RUN/sizes.json" <<'EOF'
import gzip, json, os, sys
root, version = sys.argv[1], sys.argv[2]
def tally(folder, skip=()):
    files = n = sent = 0
    for d, _, names in os.walk(os.path.join(root, folder)):
        for name in names:
            path = os.path.join(d, name)
            if os.path.relpath(path, root) in skip:
                continue
            data = open(path, "rb").read()
            files += 1
            n += len(data)
            sent += min(len(data), len(gzip.compress(data, 6)))
    return files, n, sent
h = tally("search", skip=("search/index.html",))
p = tally("pagefind")
print(json.dumps({"herald_files": h[0], "herald_bytes": h[1], "herald_sent": h[2],
                  "pagefind_files": p[0], "pagefind_bytes": p[1], "pagefind_sent": p[2],
                  "pagefind_version": version}))
EOF

echo "== queries: Rust twin of search.js" >&2
"$BENCH" "$WORK/public/search" "${QUERIES[@]}" > "$RUN/rust.jsonl"
echo "== queries: Chromium (the default theme's search page; Pagefind's API)" >&2
node "$HERE/bench_search/browser.mjs" "$WORK/public" "${QUERIES[@]}" > "$RUN/browser.json"

echo "== report" >&2
echo "Corpus: \`gen_corpus.py --articles $ARTICLES --format neutral\`; $(nproc) cores; $(date -u +%Y-%m-%d)."
echo
python3 "$HERE/bench_search/report.py" "$SITE" "$RUN"
