#!/usr/bin/env python3
"""Bigrams or a word segmenter? Measures, on a generated corpus, what each way of
cutting Chinese text would give an index: recall for a set of queries (against
substring matches, what readers expect), distinct terms, postings (the index's size
grows with them) and tokenising time.

    pip install jieba     # the Python original of jieba-rs: same dictionary, same HMM
    python3 segmenter.py CORPUS_DIR [QUERY...]

Ways compared: Herald's bigrams (a one-character run stands alone); bigrams plus every
single character; jieba's precise mode (what a segmenting index such as Pagefind's
does: query words must equal indexed words); jieba's search mode (also indexes the
shorter words inside long ones). Times are Python's and only compare the ways with
each other.
"""

import os
import re
import sys
import time

import jieba

sys.path.insert(0, os.path.dirname(__file__))
from report import article_text, word_matches  # noqa: E402

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
LATIN = re.compile(r"[A-Za-z0-9]+(?:[-._'][A-Za-z0-9]+)*")


def latin(text):
    out = []
    for m in LATIN.finditer(text):
        word = m.group().lower()
        parts = re.split(r"[-._']", word)
        if len(parts) > 1:
            out.extend(parts)
        out.append("".join(parts))
    return out


def bigrams(text, unigrams=False):
    out = latin(text)
    for run in CJK.findall(text):
        if len(run) == 1 or unigrams:
            out.extend(run)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def precise(text):
    return latin(text) + [w for run in CJK.findall(text) for w in jieba.lcut(run)]


def search_mode(text):
    return latin(text) + [w for run in CJK.findall(text) for w in jieba.lcut_for_search(run)]


def query_terms(way, q):
    # A query is cut the same way as the text; every piece must be found.
    return set(way(q))


def main():
    corpus = sys.argv[1]
    queries = sys.argv[2:] or ["诈骗", "隐私", "人工智能", "phishing", "Wi-Fi 密码", "网络 安全",
                               "数据", "智能", "信息", "安全意识"]
    articles = os.path.join(corpus, "content", "articles")
    topics = {}
    texts = {}
    for name in sorted(os.listdir(articles)):
        if name.endswith(".md") and not name.startswith("_"):
            page, summary = article_text(os.path.join(articles, name), topics)
            texts[name] = page
    jieba.initialize()
    ways = {
        "bigrams (Herald)": lambda t: bigrams(t),
        "bigrams + single characters": lambda t: bigrams(t, unigrams=True),
        "jieba precise (segmenter)": precise,
        "jieba search mode": search_mode,
    }
    expected = {q: {n for n, t in texts.items() if all(word_matches(w, t) for w in q.split())} for q in queries}
    print("| way | tokenise (Python) | distinct terms | postings | " + " | ".join("`%s`" % q for q in queries) + " |")
    print("|---|---:|---:|---:|" + "---:|" * len(queries))
    for label, way in ways.items():
        started = time.perf_counter()
        index = {}
        postings = 0
        for name, text in texts.items():
            terms = set(way(text))
            postings += len(terms)
            for term in terms:
                index.setdefault(term, set()).add(name)
        elapsed = time.perf_counter() - started
        cells = []
        for q in queries:
            found = None
            for term in query_terms(way, q):
                docs = index.get(term, set())
                found = docs if found is None else found & docs
            found = found or set()
            want = expected[q]
            cells.append("%d/%d" % (len(found & want), len(want)))
        print("| %s | %.0f s | %d | %.2f M | %s |" % (label, elapsed, len(index), postings / 1e6, " | ".join(cells)))


if __name__ == "__main__":
    main()
