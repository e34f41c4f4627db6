#!/usr/bin/env python3
"""Bigrams or a word segmenter? Measures, on a generated corpus, what each way of
cutting Chinese text would give an index: recall for a set of queries (against
substring matches, what readers expect), distinct terms, postings (the index's size
grows with them) and tokenising time.

    pip install jieba     # the Python original of jieba-rs: same dictionary, same HMM
    python3 segmenter.py CORPUS_DIR [GEN_CORPUS_PY]

Ways compared: Herald's bigrams (a one-character run stands alone); bigrams plus every
single character; jieba's precise mode (what a segmenting index such as Pagefind's
does: query words must equal indexed words); jieba's search mode (also indexes the
shorter words inside long ones). Queries: the benchmark's, a few more, and every
word of the corpus generator's vocabulary (what readers type). Times are Python's
tokenising alone, after a warm-up, and only compare the ways with each other.
"""

import importlib.util
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


def vocabulary(gen_path):
    spec = importlib.util.spec_from_file_location("gen_corpus", gen_path)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    words = set()
    for group in (gen.NOUNS, gen.VERBS, gen.ADJS, gen.ADVS, gen.TAGS, gen.HEADING_WORDS, gen.PLACES):
        words.update(w for w in group if CJK.fullmatch(w))
    return sorted(words)


def main():
    corpus = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    gen_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "../../../shared/bench/gen_corpus.py")
    if not os.path.exists(gen_path):
        gen_path = "/work/shared/bench/gen_corpus.py"
    queries = ["诈骗", "隐私", "人工智能", "phishing", "Wi-Fi 密码", "网络 安全", "数据", "智能", "信息"]
    vocab = vocabulary(gen_path)
    articles = os.path.join(corpus, "content", "articles")
    texts = {}
    for name in sorted(os.listdir(articles)):
        if name.endswith(".md") and not name.startswith("_"):
            page, _summary = article_text(os.path.join(articles, name), {})
            texts[name] = page
    jieba.initialize()
    ways = {
        "bigrams (Herald)": lambda t: bigrams(t),
        "bigrams + single characters": lambda t: bigrams(t, unigrams=True),
        "jieba precise (segmenter)": precise,
        "jieba search mode": search_mode,
    }
    everything = queries + vocab
    expected = {q: {n for n, t in texts.items() if all(word_matches(w, t) for w in q.split())} for q in everything}
    print("| way | tokenise (Python) | distinct terms | postings | " + " | ".join("`%s`" % q for q in queries)
          + " | %d vocabulary words: all found / mean recall |" % len(vocab))
    print("|---|---:|---:|---:|" + "---:|" * len(queries) + "---:|")
    sample = list(texts.values())[:200]
    for label, way in ways.items():
        for text in sample:  # warm-up
            way(text)
        started = time.perf_counter()
        tokens = {name: set(way(text)) for name, text in texts.items()}
        elapsed = time.perf_counter() - started
        index = {}
        postings = 0
        for name, terms in tokens.items():
            postings += len(terms)
            for term in terms:
                index.setdefault(term, set()).add(name)

        def found(q):
            result = None
            for term in set(way(q)):
                docs = index.get(term, set())
                result = docs if result is None else result & docs
            return result or set()

        cells = ["%d/%d" % (len(found(q) & expected[q]), len(expected[q])) for q in queries]
        recalls = [len(found(q) & expected[q]) / len(expected[q]) for q in vocab if expected[q]]
        complete = sum(1 for r in recalls if r == 1.0)
        print("| %s | %.0f s | %d | %.2f M | %s | %d of %d / %.1f %% |" % (
            label, elapsed, len(index), postings / 1e6, " | ".join(cells), complete, len(recalls),
            100 * sum(recalls) / len(recalls)))


if __name__ == "__main__":
    main()
