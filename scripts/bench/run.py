#!/usr/bin/env python3
"""Herald against Hugo on the shared benchmark corpus, measured in one run.

Generates the same articles as a Herald site and as a Hugo site (the generator's
templates), then, for each size and theme, measures:

- the cold full build of Herald and of Hugo, alternating A, B after one warm-up round:
  before every run the output and the caches are moved aside (deleted only after the
  row) and the disk is synced; median wall time and peak memory, and Herald/Hugo;
- the floor: `cp -r` of Herald's own output into a new folder, in the same rounds and
  cold in the same sense, and Herald's full build divided by it;
- the no-change rebuild: `herald build` again into its own output;
- the one-article edit: a different sentence put into one article's body each run,
  then `herald build` into the same output, and its ratio to the full build.

Theme `default` is the portal users build: the default theme with search, a config
like `herald init`'s (footer, menu, campaign) over the plain corpus and its twelve
topics. Theme `bench` is the minimal theme without search (scripts/bench/theme), whose
templates do the same work as the Hugo site's. Hugo always builds the `--format hugo`
site. With 10,000 and 30,000 articles both run, the 30k/10k ratios are printed.

Usage: run.py [--sizes 1000,10000] [--runs 5] [--theme default|bench|default,bench]
              [--work DIR] [--herald PATH]
Standard library only; needs /usr/bin/time and Debian's hugo.
"""

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GEN = os.environ.get("HERALD_CORPUS_GEN", "/work/shared/bench/gen_corpus.py")
THEMES = ("default", "bench")

TOPICS = [
    "cyber-week-2019", "cyber-week-2020", "cyber-week-2021", "cyber-week-2022",
    "cyber-week-2023", "privacy-day", "anti-fraud-campaign", "youth-online-safety",
    "data-security-law", "campus-safety-month", "elderly-digital-help", "smart-city-expo",
]

# What both Herald configs share; paginate and the feed's length match the Hugo site.
COMMON_CONFIG = """title: 网络安全宣传门户
description: 网络安全宣传活动、专题与科普文章
base_url: https://example.org/
paginate: 20
feeds: { limit: 20 }
"""

# The default theme reads what `herald init` writes (src/scaffold/starter/config.yaml),
# less what the plain corpus has no page for (security week, about page, images).
CONFIGS = {
    "default": COMMON_CONFIG + """language: zh-CN
timezone: "+08:00"
theme: default
campaign:
  name: 2026年网络安全宣传周
  slogan: 网络安全为人民，网络安全靠人民
  starts: 2026-09-14
  ends: 2026-09-20
footer:
  org: 中共某市委网络安全和信息化委员会办公室
  contact: 地址：某市政务服务中心　电话：0000-00000000
  icp: 某ICP备00000000号
  police: 某公网安备 00000000000000号
  site_code: "0000000000"
  organ_badge: true
  error_report_url: https://zfwzgl.www.gov.cn/exposure/jiucuo.html
menu:
  - { name: 首页, url: "@/_index.md" }
  - { name: 新闻动态, url: "@/articles/_index.md" }
  - { name: 专题专栏, url: /topics/ }
  - { name: 标签, url: /tags/ }
search: { enabled: true }
""",
    "bench": COMMON_CONFIG + "theme: bench\nsearch: { enabled: false }\n",
}

# The issue 13 goals, printed under the table to read the ratios against.
GOALS = ("goals (issue 13, 10,000 articles, default theme): full/hugo <= 0.5, full/floor <= 1.5, "
         "memory/hugo <= 0.35, edit/full <= 0.05; 30k/10k time <= 3.2")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)


def timed(cmd):
    """Wall seconds (read here, to the millisecond) and peak RSS in MiB (read by
    /usr/bin/time) of one run."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s" % (shlex.join(cmd), proc.stderr[-2000:]))
    return wall, int(proc.stderr.strip().splitlines()[-1]) / 1024.0


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make_herald_site(work, n, theme="default"):
    """The neutral corpus of `n` articles as a Herald site with `theme`; returns its folder."""
    site = os.path.join(work, "herald-%s-%d" % (theme, n))
    set_aside(site, work)  # an old copy deleted now would slow the timed runs' writes
    run([sys.executable, GEN, "--articles", str(n), "--out", site, "--format", "neutral", "--clean"])
    write(os.path.join(site, "config.yaml"), CONFIGS[theme])
    write(os.path.join(site, "content", "_index.md"), "---\ntitle: 网络安全宣传门户\nlatest: 10\n---\n")
    write(os.path.join(site, "content", "articles", "_index.md"), "---\ntitle: 文章归档\n---\n")
    for topic in TOPICS:
        write(os.path.join(site, "content", "topics", topic, "_index.md"), "---\ntitle: %s\n---\n" % topic)
    if theme == "bench":
        shutil.copytree(os.path.join(HERE, "theme"), os.path.join(site, "themes", "bench"))
    return site


def make_hugo_site(work, n):
    """The same `n` articles as the generator's Hugo site; returns its folder."""
    site = os.path.join(work, "hugo-%d" % n)
    set_aside(site, work)
    run([sys.executable, GEN, "--articles", str(n), "--out", site, "--format", "hugo", "--clean"])
    return site


def make_sites(work, n, theme="default"):
    """The Herald site with `theme` and the Hugo site of `n` articles."""
    return make_herald_site(work, n, theme), make_hugo_site(work, n)


def set_aside(path, work):
    """Moves `path` out of the way, to be deleted by `empty_trash` after the timed runs.

    Deleting thousands of files right before a timed run would measure the file
    system instead of the tools: on ext4 without a journal (this machine's root file
    system), creating a file scans past every inode freed in the last 30 s
    (`recently_deleted` in the kernel), which makes the next run's file creation
    cost grow with the size of the deleted tree. A rename costs nothing.
    """
    if os.path.lexists(path):
        trash = os.path.join(work, "trash")
        os.makedirs(trash, exist_ok=True)
        os.rename(path, os.path.join(trash, "%d-%s" % (time.monotonic_ns(), os.path.basename(path))))


def empty_trash(work, settle=False):
    """Deletes what `set_aside` moved. With `settle`, and if that was many files, then
    waits until the kernel no longer counts the freed inodes as recently deleted (30 s),
    so that the next timed run does not pay for them."""
    trash = os.path.join(work, "trash")
    if not os.path.exists(trash):
        return
    files = count_files(trash)[0]
    shutil.rmtree(trash, ignore_errors=True)
    if settle and files >= 5000:
        os.sync()
        time.sleep(35)


def median(values):
    return statistics.median(values)


def count_files(folder):
    """Files under `folder` and their bytes."""
    files = size = 0
    for base, _, names in os.walk(folder):
        files += len(names)
        size += sum(os.lstat(os.path.join(base, name)).st_size for name in names)
    return files, size


def herald_command(herald_bin, site, out):
    return [herald_bin, "build", "--root", site, "--output", out]


def hugo_command(site, out, cache):
    return ["hugo", "--quiet", "-s", site, "-d", out, "--cacheDir", cache]


def cold_rounds(herald_bin, herald_site, hugo_site, work, label, runs):
    """Full builds of both tools and the `cp -r` floor, alternating after a warm-up round.

    Returns {name: [(wall s, peak MiB)]} and the three output folders.
    """
    outs = {name: os.path.join(work, "out-%s-%s" % (name, label)) for name in ("herald", "floor", "hugo")}
    hugo_cache = outs["hugo-cache"] = os.path.join(work, "hugo-cache-%s" % label)
    steps = (
        ("herald", herald_command(herald_bin, herald_site, outs["herald"]),
         [outs["herald"], outs["herald"] + ".redirects.map", os.path.join(herald_site, ".herald-cache")]),
        ("floor", ["cp", "-r", outs["herald"], outs["floor"]], [outs["floor"]]),
        ("hugo", hugo_command(hugo_site, outs["hugo"], hugo_cache),
         [outs["hugo"], os.path.join(hugo_site, "resources"), hugo_cache]),
    )
    results = {name: [] for name, _, _ in steps}
    for i in range(runs + 1):
        for name, cmd, aside in steps:
            for path in aside:
                set_aside(path, work)
            os.sync()  # the previous run's writes are not this run's cost
            measured = timed(cmd)
            if i > 0:  # the first round warms the disk cache
                results[name].append(measured)
    return results, outs


def rebuilds(cmd, runs):
    """`herald build` again into its own output, nothing changed."""
    walls = []
    for _ in range(runs):
        os.sync()
        walls.append(timed(cmd)[0])
    return walls


def stamps(folder):
    """{path: (inode, mtime ns)} of every file under `folder`: what a build wrote anew."""
    found = {}
    for base, _, names in os.walk(folder):
        for name in names:
            st = os.lstat(os.path.join(base, name))
            found[os.path.join(base, name)] = (st.st_ino, st.st_mtime_ns)
    return found


def edit_builds(cmd, site, out, n, runs):
    """One article's body given a different sentence each run, then `herald build` into
    the same output; checks that the page shows it. Returns the walls, the article and,
    for the last run, how many output files were written anew (or removed) of how many."""
    slug = "article-%05d" % max(1, n // 2)
    source = os.path.join(site, "content", "articles", slug + ".md")
    page = os.path.join(out, "articles", slug, "index.html")
    with open(source, encoding="utf-8") as f:
        original = f.read()
    front, sep, body = original.partition("\n---\n")
    walls = []
    for i in range(runs):
        marker = "第%d次修订" % (i + 1)
        write(source, front + sep + "\n%s：本文补充了新的说明。" % marker + body.lstrip("\n"))
        before = stamps(out) if i == runs - 1 else None
        os.sync()
        walls.append(timed(cmd)[0])
        with open(page, encoding="utf-8") as f:
            if marker not in f.read():
                sys.exit("the edit of %s is not in %s after the build" % (source, page))
    after = stamps(out)
    touched = sum(1 for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    write(source, original)
    return walls, os.path.relpath(source, site), (touched, len(after))


def measure_row(args, n, theme, hugo_site):
    """Everything one table row shows, for `n` articles with `theme`."""
    site = make_herald_site(args.work, n, theme)
    label = "%s-%d" % (theme, n)
    full, outs = cold_rounds(args.herald, site, hugo_site, args.work, label, args.runs)
    cmd = herald_command(args.herald, site, outs["herald"])
    row = {name: (median([r[0] for r in v]), median([r[1] for r in v])) for name, v in full.items()}
    row["no-change"] = median(rebuilds(cmd, args.runs))
    edits, article, touched = edit_builds(cmd, site, outs["herald"], n, args.runs)
    row["edit"] = median(edits)
    row["files"] = {name: count_files(outs[name]) for name in ("herald", "hugo")}
    row["commands"] = [shlex.join(cmd), shlex.join(hugo_command(hugo_site, outs["hugo"], outs["hugo-cache"])),
                       "cp -r %s %s" % (outs["herald"], outs["floor"]),
                       "edited %s: the last edit's build wrote %d of %d output files anew (new inode or mtime, or removed)"
                       % (article, touched[0], touched[1])]
    return row


HEADER = ("%8s %-7s %8s %8s %6s %9s %9s %6s %8s %7s %9s %6s %8s %6s" % (
    "articles", "theme", "full s", "hugo s", "/hugo", "peak MiB", "hugo MiB", "/hugo",
    "floor s", "/floor", "no-chg s", "/full", "edit s", "/full"))


def format_row(n, theme, row):
    (hw, hm), (gw, gm), (fw, _) = row["herald"], row["hugo"], row["floor"]
    return "%8d %-7s %8.3f %8.3f %6.2f %9.0f %9.0f %6.2f %8.3f %7.2f %9.3f %6.3f %8.3f %6.3f" % (
        n, theme, hw, gw, hw / gw, hm, gm, hm / gm, fw, hw / fw,
        row["no-change"], row["no-change"] / hw, row["edit"], row["edit"] / hw)


def print_notes(rows):
    for (n, theme), row in rows.items():
        files = ", ".join("%s %d files (%.0f MB)" % (name, f, size / 1e6) for name, (f, size) in row["files"].items())
        print("%d %s: %s" % (n, theme, files))
        for line in row["commands"]:
            print("    " + line)
    for theme in sorted({theme for _, theme in rows}):
        small, large = rows.get((10000, theme)), rows.get((30000, theme))
        if small and large:
            print("scaling 10,000 -> 30,000 articles (%s): herald %.2fx time, %.2fx memory; hugo %.2fx time, %.2fx memory" % (
                theme, large["herald"][0] / small["herald"][0], large["herald"][1] / small["herald"][1],
                large["hugo"][0] / small["hugo"][0], large["hugo"][1] / small["hugo"][1]))
    print(GOALS)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="article counts, comma-separated")
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each measure (after one warm-up round)")
    ap.add_argument("--theme", default="default",
                    help="default (default theme with search), bench (minimal, no search), or both: default,bench")
    ap.add_argument("--work", default="/tmp/herald-bench")
    ap.add_argument("--herald", default=os.path.join(ROOT, "target", "release", "herald"))
    args = ap.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.themes = args.theme.split(",")
    if any(t not in THEMES for t in args.themes) or args.runs < 1:
        ap.error("--theme takes default, bench or default,bench; --runs at least 1")
    args.herald = os.path.abspath(args.herald)
    if not os.access(args.herald, os.X_OK):
        ap.error("no herald binary at %s: run `cargo build --release` or pass --herald" % args.herald)
    args.work = os.path.abspath(args.work)
    return args


def main():
    args = parse_args()
    os.makedirs(args.work, exist_ok=True)
    empty_trash(args.work, settle=True)  # left by an interrupted run
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    herald = subprocess.run([args.herald, "--version"], capture_output=True, text=True).stdout.strip()
    print("command: %s" % shlex.join(["python3"] + sys.argv))
    print("machine: %d cores; %s; hugo %s" % (os.cpu_count(), herald, hugo))
    print("cold full builds: medians of %d alternating runs after a warm-up, output and caches moved aside and "
          "sync before each; floor = cp -r of Herald's output into a new folder, same rounds; "
          "no-change and one-article-edit builds into the same output, sync before each\n" % args.runs)
    print(HEADER)
    rows = {}
    for n in args.sizes:
        hugo_site = make_hugo_site(args.work, n)
        for theme in args.themes:
            rows[(n, theme)] = measure_row(args, n, theme, hugo_site)
            print(format_row(n, theme, rows[(n, theme)]))
            sys.stdout.flush()
            last = n == args.sizes[-1] and theme == args.themes[-1]
            empty_trash(args.work, settle=not last)
    print()
    print_notes(rows)


if __name__ == "__main__":
    main()
