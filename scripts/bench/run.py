#!/usr/bin/env python3
"""Herald against Hugo on the shared benchmark corpus, measured in one run.

Generates the same articles as a Herald site (with templates doing the same work as
the generator's Hugo site) and as a Hugo site, then times full builds of both,
alternating A, B, A, B after one warm-up each, the output folder deleted before
every run, and reports medians and the ratios Herald/Hugo for wall time and peak
memory. Also times Herald's no-change rebuild (building again over its own output).

Usage: run.py [--sizes 1000,10000] [--runs 5] [--work DIR] [--herald PATH]
Standard library only; needs /usr/bin/time and Debian's hugo.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GEN = os.environ.get("HERALD_CORPUS_GEN", "/work/shared/bench/gen_corpus.py")

TOPICS = [
    "cyber-week-2019", "cyber-week-2020", "cyber-week-2021", "cyber-week-2022",
    "cyber-week-2023", "privacy-day", "anti-fraud-campaign", "youth-online-safety",
    "data-security-law", "campus-safety-month", "elderly-digital-help", "smart-city-expo",
]

HERALD_CONFIG = """title: 网络安全宣传门户
description: 网络安全宣传活动、专题与科普文章
base_url: https://example.org/
theme: bench
paginate: 20
feeds: { limit: 20 }
search: { enabled: false }
"""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)


def timed(cmd):
    """Wall seconds and peak RSS (MiB) of one run, read by /usr/bin/time."""
    proc = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), proc.stderr[-2000:]))
    wall, rss_kb = proc.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss_kb) / 1024.0


def make_sites(work, n):
    herald = os.path.join(work, "herald-%d" % n)
    hugo = os.path.join(work, "hugo-%d" % n)
    for d in (herald, hugo):
        shutil.rmtree(d, ignore_errors=True)
    run([sys.executable, GEN, "--articles", str(n), "--out", herald, "--format", "neutral", "--clean"])
    run([sys.executable, GEN, "--articles", str(n), "--out", hugo, "--format", "hugo", "--clean"])
    with open(os.path.join(herald, "config.yaml"), "w", encoding="utf-8") as f:
        f.write(HERALD_CONFIG)
    with open(os.path.join(herald, "content", "_index.md"), "w", encoding="utf-8") as f:
        f.write("---\ntitle: 网络安全宣传门户\nlatest: 10\n---\n")
    with open(os.path.join(herald, "content", "articles", "_index.md"), "w", encoding="utf-8") as f:
        f.write("---\ntitle: 文章归档\n---\n")
    for topic in TOPICS:
        os.makedirs(os.path.join(herald, "content", "topics", topic), exist_ok=True)
        with open(os.path.join(herald, "content", "topics", topic, "_index.md"), "w", encoding="utf-8") as f:
            f.write("---\ntitle: %s\n---\n" % topic)
    shutil.copytree(os.path.join(HERE, "theme"), os.path.join(herald, "themes", "bench"))
    return herald, hugo


def set_aside(path, work):
    """Moves `path` out of the way, to be deleted by `empty_trash` after the timed runs.

    Deleting thousands of files right before a timed run would measure the file
    system instead of the tools: on ext4 without a journal (this machine's root file
    system), creating a file scans past every inode freed in the last 30 s
    (`recently_deleted` in the kernel), which makes the next run's file creation
    cost grow with the size of the deleted tree. A rename costs nothing.
    """
    if os.path.exists(path):
        trash = os.path.join(work, "trash")
        os.makedirs(trash, exist_ok=True)
        os.rename(path, os.path.join(trash, "%d-%s" % (time.monotonic_ns(), os.path.basename(path))))


def empty_trash(work):
    shutil.rmtree(os.path.join(work, "trash"), ignore_errors=True)


def median(values):
    return statistics.median(values)


def compare(herald_bin, work, n, runs):
    herald_site, hugo_site = make_sites(work, n)
    herald_out = os.path.join(work, "out-herald-%d" % n)
    hugo_out = os.path.join(work, "out-hugo-%d" % n)
    herald_cmd = [herald_bin, "build", "--root", herald_site, "--output", herald_out]
    hugo_cmd = ["hugo", "--quiet", "-s", hugo_site, "-d", hugo_out]
    results = {"herald": [], "hugo": []}
    for i in range(runs + 1):
        for name, cmd, out in (("herald", herald_cmd, herald_out), ("hugo", hugo_cmd, hugo_out)):
            set_aside(out, work)
            set_aside(os.path.join(herald_site, ".herald-cache"), work)
            os.sync()  # the previous run's writes are not this run's cost
            measured = timed(cmd)
            if i > 0:  # the first round warms the disk cache
                results[name].append(measured)
    rebuilds = []
    for _ in range(runs):
        os.sync()
        rebuilds.append(timed(herald_cmd))
    files = {name: sum(len(fs) for _, _, fs in os.walk(out)) for name, out in (("herald", herald_out), ("hugo", hugo_out))}
    return results, rebuilds, files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default="/tmp/herald-bench")
    ap.add_argument("--herald", default=os.path.join(ROOT, "target", "release", "herald"))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    print("machine: %d cores; hugo: %s" % (os.cpu_count(), subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]))
    print("medians of %d alternating runs after a warm-up; output and cache moved aside (deleted at the end) and sync before each run\n" % args.runs)
    print("%8s  %12s %12s %7s  %11s %11s %7s  %12s %7s" % ("articles", "herald s", "hugo s", "ratio", "herald MiB", "hugo MiB", "ratio", "no-change s", "ratio"))
    for n in [int(s) for s in args.sizes.split(",")]:
        results, rebuilds, files = compare(args.herald, args.work, n, args.runs)
        hw, hm = median([r[0] for r in results["herald"]]), median([r[1] for r in results["herald"]])
        gw, gm = median([r[0] for r in results["hugo"]]), median([r[1] for r in results["hugo"]])
        rw = median([r[0] for r in rebuilds])
        print("%8d  %12.2f %12.2f %7.2f  %11.0f %11.0f %7.2f  %12.2f %7.2f" % (n, hw, gw, hw / gw, hm, gm, hm / gm, rw, rw / hw))
        print("          files written: herald %d, hugo %d" % (files["herald"], files["hugo"]))
        sys.stdout.flush()
    empty_trash(args.work)


if __name__ == "__main__":
    main()
