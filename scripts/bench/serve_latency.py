#!/usr/bin/env python3
"""Edit-to-reload latency of `herald serve` against `hugo server`, in one run.

For each tool: start its development server on the benchmark corpus, then edit one
article N times; each time, measure from the file write until the article's page,
fetched over HTTP every 2 ms, shows the edit. For Herald, also measure until the
live-reload event ("reload") reaches a listening tab. Reports medians.

Herald serves the site run.py builds: by default the default theme with search
(`--theme bench`: the minimal theme without search); Hugo the generator's Hugo site.

Usage: serve_latency.py [--articles 10000] [--edits 10] [--theme default|bench]
                        [--work DIR] [--herald PATH]
Standard library only.
"""

import argparse
import os
import shlex
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the corpus sites of the build benchmark)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return ""


def wait_until(url, needle, deadline_s=30):
    start = time.perf_counter()
    while time.perf_counter() - start < deadline_s:
        if needle in fetch(url):
            return
        time.sleep(0.002)
    raise SystemExit("timed out waiting for %r at %s" % (needle, url))


def sse(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /__herald/events HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(30)
    buf = b""
    while b"hello" not in buf:
        buf += s.recv(4096)
    return s


def edit(path, original, marker):
    # Replace the first heading's text, as an editor would, and save in place.
    text = original.replace("## ", "## %s " % marker, 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def measure(name, cmd, port, page_url, article, edits, ready_url, with_sse):
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(ready_url, "<", deadline_s=180)
        fetch(page_url)
        with open(article, encoding="utf-8") as f:
            original = f.read()
        visible, events = [], []
        for i in range(edits):
            marker = "EDIT%s%d" % (name.upper(), i)
            listener = sse(port) if with_sse else None
            t0 = time.perf_counter()
            edit(article, original, marker)
            if listener is not None:
                buf = b""
                while b"event: reload" not in buf:
                    buf += listener.recv(4096)
                events.append((time.perf_counter() - t0) * 1000)
                listener.close()
            wait_until(page_url, marker)
            visible.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.5)
        with open(article, "w", encoding="utf-8") as f:
            f.write(original)
        return visible, events
    finally:
        proc.terminate()
        proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--theme", choices=bench.THEMES, default="default",
                    help="default: default theme with search; bench: minimal theme without search")
    ap.add_argument("--work", default="/tmp/herald-bench")
    ap.add_argument("--herald", default=os.path.join(bench.ROOT, "target", "release", "herald"))
    args = ap.parse_args()
    args.herald, args.work = os.path.abspath(args.herald), os.path.abspath(args.work)
    if not os.access(args.herald, os.X_OK):
        ap.error("no herald binary at %s: run `cargo build --release` or pass --herald" % args.herald)
    os.makedirs(args.work, exist_ok=True)
    herald_site, hugo_site = bench.make_sites(args.work, args.articles, args.theme)
    bench.empty_trash(args.work)  # old copies of the sites; no build is timed here
    slug = "article-%05d" % max(1, args.articles // 2)
    print("command: %s" % shlex.join(["python3"] + sys.argv))
    print("machine: %d cores; %d articles, %s theme; %d edits of content/articles/%s.md; medians in ms" % (
        os.cpu_count(), args.articles, args.theme, args.edits, slug))

    port = free_port()
    herald_cmd = [args.herald, "serve", "--root", herald_site, "--port", str(port)]
    herald = measure(
        "herald",
        herald_cmd,
        port,
        "http://127.0.0.1:%d/articles/%s/" % (port, slug),
        os.path.join(herald_site, "content", "articles", slug + ".md"),
        args.edits,
        "http://127.0.0.1:%d/" % port,
        True,
    )
    port = free_port()
    hugo = measure(
        "hugo",
        ["hugo", "server", "-s", hugo_site, "--port", str(port), "--bind", "127.0.0.1", "--baseURL", "http://127.0.0.1:%d/" % port, "--quiet"],
        port,
        "http://127.0.0.1:%d/articles/%s/" % (port, slug),
        os.path.join(hugo_site, "content", "articles", slug + ".md"),
        args.edits,
        "http://127.0.0.1:%d/" % port,
        False,
    )
    hv, he = statistics.median(herald[0]), statistics.median(herald[1])
    gv = statistics.median(hugo[0])
    print("herald serve: %s" % shlex.join(herald_cmd))
    print("herald: page shows the edit %.1f ms (reload event %.1f ms); hugo server: %.0f ms; ratio %.3f" % (hv, he, gv, hv / gv))
    print("herald all (visible):", " ".join("%.0f" % t for t in herald[0]))
    print("hugo all (visible):  ", " ".join("%.0f" % t for t in hugo[0]))
    print("goal (issue 13): at most 25 ms median at 10,000 articles, default theme with search")


if __name__ == "__main__":
    main()
