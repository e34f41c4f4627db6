#!/usr/bin/env python3
"""Image processing: Herald against Hugo on the same 200 generated images, one run.

Writes a site of 200 articles, each with a 2400x1600 JPEG cover in assets/, for both
tools; each tool resizes every cover to widths 480, 960 and 1600. Times a first build
(image caches empty) and a second build (caches kept, output moved aside), alternating
the tools, medians of the runs, and the ratios Herald/Hugo.

Usage: images.py [--images 200] [--runs 3] [--work DIR] [--herald PATH]
Needs Pillow (pip install pillow) to draw the images, /usr/bin/time and hugo.
"""

import argparse
import os
import random
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402

try:
    from PIL import Image, ImageDraw
except ImportError:
    sys.exit("needs Pillow: pip install pillow")

HUGO_CONFIG = 'baseURL = "https://example.org/"\ntitle = "images"\ndisableKinds = ["sitemap", "robotsTXT", "taxonomy", "term", "RSS"]\n'
HUGO_SINGLE = """<!DOCTYPE html><html><body><h1>{{ .Title }}</h1>
{{ with resources.Get .Params.cover }}{{ $a := .Resize "480x" }}{{ $b := .Resize "960x" }}{{ $c := .Resize "1600x" }}
<img src="{{ $c.RelPermalink }}" srcset="{{ $a.RelPermalink }} 480w, {{ $b.RelPermalink }} 960w, {{ $c.RelPermalink }} 1600w" width="{{ $c.Width }}" height="{{ $c.Height }}">{{ end }}
{{ .Content }}</body></html>
"""
HERALD_CONFIG = "title: images\nbase_url: https://example.org/\nsearch: { enabled: false }\nimages: { widths: [480, 960, 1600], quality: 75 }\n"
HERALD_PAGE = '<!DOCTYPE html><html><body><h1>{{ page.title }}</h1>{% if page.cover %}<img src="{{ page.cover.url }}" srcset="{{ page.cover.srcset }}" width="{{ page.cover.width }}" height="{{ page.cover.height }}">{% endif %}{{ page.content | safe }}</body></html>'


def draw(path, seed):
    rng = random.Random(seed)
    img = Image.new("RGB", (2400, 1600), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    d = ImageDraw.Draw(img)
    for _ in range(60):
        x, y = rng.randrange(2400), rng.randrange(1600)
        r = rng.randrange(40, 400)
        d.ellipse((x - r, y - r, x + r, y + r), fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    img.save(path, quality=88)


def make(work, n):
    herald, hugo = os.path.join(work, "img-herald"), os.path.join(work, "img-hugo")
    for d in (herald, hugo):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(os.path.join(d, "assets", "images"))
        os.makedirs(os.path.join(d, "content", "articles"))
    for i in range(n):
        name = "cover-%03d.jpg" % i
        draw(os.path.join(herald, "assets", "images", name), i)
        shutil.copy(os.path.join(herald, "assets", "images", name), os.path.join(hugo, "assets", "images", name))
        for site, cover in ((herald, "/images/" + name), (hugo, "images/" + name)):
            with open(os.path.join(site, "content", "articles", "a%03d.md" % i), "w", encoding="utf-8") as f:
                f.write("---\ntitle: \"文章 %d\"\ndate: 2026-01-01\ncover: %s\n---\n\n正文。\n" % (i, cover))
    with open(os.path.join(herald, "config.yaml"), "w") as f:
        f.write(HERALD_CONFIG)
    with open(os.path.join(herald, "content", "_index.md"), "w") as f:
        f.write("---\ntitle: 首页\n---\n")
    os.makedirs(os.path.join(herald, "templates"))
    for name in ("page.html", "index.html", "archive.html", "404.html", "tags.html", "tag.html"):
        with open(os.path.join(herald, "templates", name), "w") as f:
            f.write(HERALD_PAGE if name == "page.html" else "<!DOCTYPE html><title>x</title>")
    with open(os.path.join(hugo, "hugo.toml"), "w") as f:
        f.write(HUGO_CONFIG)
    os.makedirs(os.path.join(hugo, "layouts", "_default"))
    with open(os.path.join(hugo, "layouts", "_default", "single.html"), "w") as f:
        f.write(HUGO_SINGLE)
    with open(os.path.join(hugo, "layouts", "_default", "list.html"), "w") as f:
        f.write("<!DOCTYPE html><title>x</title>")
    with open(os.path.join(hugo, "layouts", "index.html"), "w") as f:
        f.write("<!DOCTYPE html><title>x</title>")
    return herald, hugo


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--images", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/herald-bench")
    ap.add_argument("--herald", default=os.path.join(bench.ROOT, "target", "release", "herald"))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    herald, hugo = make(args.work, args.images)
    herald_out, hugo_out = os.path.join(args.work, "img-out-herald"), os.path.join(args.work, "img-out-hugo")
    herald_cmd = [args.herald, "build", "--root", herald, "--output", herald_out]
    hugo_cmd = ["hugo", "--quiet", "-s", hugo, "-d", hugo_out, "--cacheDir", os.path.join(args.work, "img-hugo-cache")]
    first = {"herald": [], "hugo": []}
    second = {"herald": [], "hugo": []}
    for _ in range(args.runs):
        for name, cmd, out, caches in (
            ("herald", herald_cmd, herald_out, [os.path.join(herald, ".herald-cache")]),
            ("hugo", hugo_cmd, hugo_out, [os.path.join(hugo, "resources"), os.path.join(args.work, "img-hugo-cache")]),
        ):
            for c in caches + [out]:
                bench.set_aside(c, args.work)  # deleting would slow the next run's writes
            os.sync()
            first[name].append(bench.timed(cmd)[0])
            bench.set_aside(out, args.work)
            if name == "herald":  # keep the image cache, not the saved output state
                os.remove(os.path.join(herald, ".herald-cache", "build-state.bin"))
            os.sync()
            second[name].append(bench.timed(cmd)[0])
    bench.empty_trash(args.work)
    m = {k: (statistics.median(first[k]), statistics.median(second[k])) for k in first}
    print("machine: %d cores; %d images of 2400x1600 to 480/960/1600 px; medians of %d runs (s)" % (os.cpu_count(), args.images, args.runs))
    print("first build:  herald %.2f  hugo %.2f  ratio %.2f" % (m["herald"][0], m["hugo"][0], m["herald"][0] / m["hugo"][0]))
    print("second build: herald %.2f  hugo %.2f  ratio %.2f" % (m["herald"][1], m["hugo"][1], m["herald"][1] / m["hugo"][1]))


if __name__ == "__main__":
    main()
