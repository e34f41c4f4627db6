#!/usr/bin/env python3
"""Ground truth and report for scripts/bench_search.sh.

    report.py CORPUS_DIR RUN_DIR

Reads the corpus's Markdown (CORPUS_DIR/content/articles/*.md) to find, for each query,
the articles a reader would expect: every query word occurs in the article as the
article page shows it (title, body text without code blocks, tags, topic titles).
Chinese words match as substrings, Latin words as whole words, case-insensitive.
Then reads RUN_DIR/{timings.txt, sizes.json, rust.jsonl, browser.json} and prints
a Markdown report. Standard library only.
"""

import json
import os
import re
import statistics
import sys

FENCE = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def article_text(path, topic_titles):
    text = open(path, encoding="utf-8").read()
    _, front, body = text.split("---", 2)
    title = re.search(r'^title: "(.*)"$', front, re.M).group(1)
    tags = json.loads(re.search(r"^tags: (\[.*\])$", front, re.M).group(1))
    topics = json.loads(re.search(r"^topics: (\[.*\])$", front, re.M).group(1))
    body = FENCE.sub("\n", body)
    body = LINK.sub(r"\1", body)
    body = re.sub(r"^\s*(#+|[-*]|\d+\.)\s+", "", body, flags=re.M)
    summary = re.search(r'^summary: "(.*)"$', front, re.M)
    parts = [title, body] + tags + [topic_titles.get(t, t) for t in topics]
    return "\n".join(parts), summary.group(1) if summary else ""


def word_matches(word, text):
    if CJK.search(word):
        return word in text
    pattern = r"(?<![A-Za-z0-9])" + re.escape(word) + r"(?![A-Za-z0-9])"
    return re.search(pattern, text, re.I) is not None


def expected(corpus, queries):
    articles = os.path.join(corpus, "content", "articles")
    topic_titles = {}
    topics_dir = os.path.join(corpus, "content", "topics")
    for t in os.listdir(topics_dir):
        index = os.path.join(topics_dir, t, "_index.md")
        if os.path.exists(index):
            m = re.search(r"^title: (.*)$", open(index, encoding="utf-8").read(), re.M)
            topic_titles[t] = m.group(1).strip().strip('"')
    texts = {}
    for name in sorted(os.listdir(articles)):
        if name.endswith(".md") and not name.startswith("_"):
            texts["/articles/%s/" % name[:-3]] = article_text(os.path.join(articles, name), topic_titles)
    def found(q, with_summary):
        return {url for url, (page, summary) in texts.items()
                if all(word_matches(w, page + ("\n" + summary if with_summary else "")) for w in q.split())}
    # What the article page shows; and with the front-matter summary, which Herald
    # indexes too but the page does not show.
    return {q: found(q, False) for q in queries}, {q: found(q, True) for q in queries}


def kb(n):
    return "%.1f KB" % (n / 1024)


def main():
    corpus, run = sys.argv[1], sys.argv[2]
    sizes = json.load(open(os.path.join(run, "sizes.json")))
    browser = json.load(open(os.path.join(run, "browser.json")))
    rust = {}
    for line in open(os.path.join(run, "rust.jsonl"), encoding="utf-8"):
        r = json.loads(line)
        rust[r["query"]] = r
    times = {}
    for line in open(os.path.join(run, "timings.txt")):
        tool, seconds, rss = line.split()
        times.setdefault(tool, []).append((float(seconds), int(rss)))
    queries = [b["query"] for b in browser]
    truth, with_summary = expected(corpus, queries)

    med = {t: statistics.median(s for s, _ in v) for t, v in times.items()}
    rss = {t: max(r for _, r in v) for t, v in times.items()}
    herald_index = med["herald-index"]
    pagefind = "pagefind" in med
    pf = lambda text: text if pagefind else "–"
    out = []
    out.append("| | Herald | Pagefind %s |" % sizes.get("pagefind_version", ""))
    out.append("|---|---:|---:|")
    out.append("| index build time (median of %d) | %.2f s | %s |" % (len(times["herald-index"]), herald_index, pf("%.1f s" % med.get("pagefind", 0))))
    if "herald-index-edit" in med:
        out.append("| index after one article edited (kept index: load / save) | %.3f s (%.0f ms / %.0f ms) | (no incremental mode) |" % (
            med["herald-index-edit"], med.get("herald-index-load", 0) * 1000, med.get("herald-index-save", 0) * 1000))
    out.append("| whole site build, with / without search | %.1f s / %.1f s | (not part of Pagefind) |" % (med["herald"], med["herald-nosearch"]))
    out.append("| peak memory | %d MB (whole build; %d MB without search) | %s |" % (
        rss["herald"] // 1024, rss["herald-nosearch"] // 1024, pf("%d MB" % (rss.get("pagefind", 0) // 1024))))
    out.append("| index files | %d | %s |" % (sizes["herald_files"], pf(str(sizes["pagefind_files"]))))
    out.append("| total index bytes on disk | %.1f MB | %s |" % (sizes["herald_bytes"] / 2**20, pf("%.1f MB" % (sizes["pagefind_bytes"] / 2**20))))
    out.append("| total index bytes as served (gzip) | %.1f MB | %s |" % (sizes["herald_sent"] / 2**20, pf("%.1f MB" % (sizes["pagefind_sent"] / 2**20))))
    out.append("")
    out.append("Per query (first visit, empty cache; the first %d results shown; bytes as a web server sends them, gzip level 6 where that is smaller, and uncompressed):" % 10)
    out.append("")
    out.append("| query | expected | Herald: found / extra (in summary) | Herald: fetched (uncompressed) | Herald: to first result | Pagefind: found / extra | Pagefind: fetched | Pagefind: to results |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    problems = []
    sent_all, first_all = [], []
    for b in browser:
        q = b["query"]
        want = truth[q]
        h_urls = set("/" + u for u in rust[q]["urls"])
        h_sent = sum(f["sent"] for f in b["herald"]["fetched"])
        h_raw = sum(f["bytes"] for f in b["herald"]["fetched"])
        sent_all.append(h_sent)
        first_all.append(b["herald"]["ms_to_results"])
        extra = h_urls - want
        if pagefind:
            p_urls = set(b["pagefind"]["urls"])
            p_sent = sum(f["sent"] for f in b["pagefind"]["fetched"])
            p_cols = "%d / %d | %s in %d files | %.0f ms" % (
                len(p_urls & want), len(p_urls - want), kb(p_sent), len(b["pagefind"]["fetched"]), b["pagefind"]["ms_to_results"])
        else:
            p_cols = "– | – | –"
        out.append("| `%s` | %d | %d / %d (%d) | %s (%s) in %d files | %.0f ms | %s |" % (
            q, len(want),
            len(h_urls & want), len(extra), len(extra & with_summary[q]), kb(h_sent), kb(h_raw), len(b["herald"]["fetched"]), b["herald"]["ms_to_results"],
            p_cols))
        # The page (search.js) and the Rust twin must agree.
        if b["herald"]["total"] != rust[q]["total"]:
            problems.append("%s: the page found %d, the Rust query %d" % (q, b["herald"]["total"], rust[q]["total"]))
        page_files = sorted(f["path"] for f in b["herald"]["fetched"] if "/js/" not in f["path"])
        rust_files = sorted("/search/" + f["path"] for f in rust[q]["fetched"])
        if page_files != rust_files:
            problems.append("%s: the page read %s, the Rust query %s" % (q, page_files, rust_files))
        shown = [u for u in b["herald"]["shown"]]
        rust_shown = ["/" + u for u in rust[q]["urls"][:10]]
        if shown != rust_shown:
            problems.append("%s: the page showed %s, the Rust query ranks %s" % (q, shown, rust_shown))
    out.append("")
    out.append("Herald against the goals: at most %s per query as served (goal 150 KB); from query to first result %.0f ms median, %.0f–%.0f ms (goal 100 ms)." % (
        kb(max(sent_all)), statistics.median(first_all), min(first_all), max(first_all)))
    out.append("")
    out.append("First result after the shards arrived (Herald, in the browser): " + ", ".join(
        "`%s` %.0f ms" % (b["query"], b["herald"]["ms_after_shards"]) for b in browser))
    out.append("")
    if problems:
        out.append("MISMATCH between search.js and the Rust query:")
        out.extend("- " + p for p in problems)
    else:
        out.append("search.js and the Rust query read the same files, found the same number of articles and showed the same first ten for every query.")
    print("\n".join(out))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
