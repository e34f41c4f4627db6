#!/usr/bin/env python3
"""Draws every image and PDF of the demo portal (the fictional 临川市 portal).

Nothing is downloaded: banners, article covers, charts, posters and the PDF
handbooks are flat illustrations drawn here with Pillow from simple shapes
(shields, locks, phones, network graphs …) in one palette, with Chinese titles
set in Noto Sans CJK. The output is deterministic (fixed random seeds, fixed PDF
dates), so running the script again rewrites the same bytes.

    pip install pillow            # fonts-noto-cjk must be installed
    python3 scripts/gen_demo_images.py

Writes assets/images/*.jpg|png and static/downloads/<year>/*.png|pdf.
"""

import math
import random
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "assets" / "images"
DOWNLOADS = ROOT / "static" / "downloads"
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
SS = 2  # drawn at twice the size, then scaled down: smooth edges

# Palette: deep blue, red, warm white, with a few supporting tones.
BLUE = (11, 61, 145)
NAVY = (6, 30, 74)
RED = (200, 16, 46)
WARM = (250, 246, 238)
SAND = (240, 230, 212)
GOLD = (233, 178, 72)
SKY = (104, 152, 222)
PALE = (214, 226, 245)
INK = (33, 37, 48)
GREY = (120, 128, 142)
WHITE = (255, 255, 255)
GREEN = (46, 150, 110)


def font(size, weight="Bold", serif=False):
    family = "NotoSerifCJK" if serif else "NotoSansCJK"
    # index 2 of the collection is the Simplified Chinese face
    return ImageFont.truetype(str(FONT_DIR / f"{family}-{weight}.ttc"), int(size * SS), index=2)


def mix(a, b, t):
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))


def alpha(c, a):
    return (c[0], c[1], c[2], int(a * 255))


class Canvas:
    """An RGBA image drawn at SS× with coordinates given at the final size."""

    def __init__(self, w, h, bg=WARM):
        self.w, self.h = w, h
        self.im = Image.new("RGBA", (w * SS, h * SS), bg + (255,))
        self.d = ImageDraw.Draw(self.im)

    # -- primitives (final-size coordinates) --------------------------------
    def _p(self, pts):
        return [(x * SS, y * SS) for x, y in pts]

    def overlay(self):
        """A transparent layer for see-through shapes, merged by merge()."""
        layer = Image.new("RGBA", self.im.size, (0, 0, 0, 0))
        return layer, ImageDraw.Draw(layer)

    def merge(self, layer):
        self.im = Image.alpha_composite(self.im, layer)
        self.d = ImageDraw.Draw(self.im)

    def rect(self, x0, y0, x1, y1, fill, d=None):
        (d or self.d).rectangle([x0 * SS, y0 * SS, x1 * SS, y1 * SS], fill=fill)

    def rrect(self, x0, y0, x1, y1, r, fill=None, outline=None, width=0, d=None):
        (d or self.d).rounded_rectangle(
            [x0 * SS, y0 * SS, x1 * SS, y1 * SS], radius=r * SS, fill=fill,
            outline=outline, width=int(width * SS))

    def circle(self, cx, cy, r, fill=None, outline=None, width=0, d=None):
        (d or self.d).ellipse([(cx - r) * SS, (cy - r) * SS, (cx + r) * SS, (cy + r) * SS],
                              fill=fill, outline=outline, width=int(width * SS))

    def ellipse(self, x0, y0, x1, y1, fill=None, outline=None, width=0, d=None):
        (d or self.d).ellipse([x0 * SS, y0 * SS, x1 * SS, y1 * SS], fill=fill,
                              outline=outline, width=int(width * SS))

    def poly(self, pts, fill=None, outline=None, d=None):
        (d or self.d).polygon(self._p(pts), fill=fill, outline=outline)

    def line(self, pts, fill, width, d=None, joint="curve"):
        (d or self.d).line(self._p(pts), fill=fill, width=int(width * SS), joint=joint)
        # round caps
        for x, y in (pts[0], pts[-1]):
            self.circle(x, y, width / 2 - 0.01, fill=fill, d=d)

    def arc(self, cx, cy, r, start, end, fill, width, d=None):
        (d or self.d).arc([(cx - r) * SS, (cy - r) * SS, (cx + r) * SS, (cy + r) * SS],
                          start, end, fill=fill, width=int(width * SS))

    def text(self, x, y, s, size, fill, weight="Bold", anchor="la", serif=False, d=None):
        (d or self.d).text((x * SS, y * SS), s, font=font(size, weight, serif), fill=fill,
                           anchor=anchor)

    def text_width(self, s, size, weight="Bold"):
        return self.d.textlength(s, font=font(size, weight)) / SS

    def final(self, mode="RGB"):
        im = self.im.resize((self.w, self.h), Image.LANCZOS)
        return im.convert(mode)


# -- backgrounds -------------------------------------------------------------

def gradient(c, top, bottom):
    for y in range(c.h):
        c.rect(0, y, c.w, y + 1, mix(top, bottom, y / max(1, c.h - 1)))


def dots(c, color, step=28, r=1.6, x0=0, y0=0, x1=None, y1=None):
    x1 = c.w if x1 is None else x1
    y1 = c.h if y1 is None else y1
    y = y0 + step / 2
    while y < y1:
        x = x0 + step / 2
        while x < x1:
            c.circle(x, y, r, fill=color)
            x += step
        y += step


def background(c, style, rng):
    """style: 'blue' (night blue) or 'light' (warm white)."""
    if style == "blue":
        gradient(c, NAVY, BLUE)
        layer, d = c.overlay()
        for _ in range(4):
            r = rng.uniform(0.25, 0.55) * c.h
            c.circle(rng.uniform(0, c.w), rng.uniform(0, c.h), r, fill=alpha(SKY, 0.08), d=d)
        c.merge(layer)
        dots(c, mix(BLUE, SKY, 0.35), step=30, r=1.4)
    else:
        c.rect(0, 0, c.w, c.h, WARM)
        layer, d = c.overlay()
        for _ in range(3):
            r = rng.uniform(0.3, 0.6) * c.h
            c.circle(rng.uniform(c.w * 0.4, c.w), rng.uniform(0, c.h), r, fill=alpha(PALE, 0.55), d=d)
        c.merge(layer)
        dots(c, SAND, step=30, r=1.4)


def network(c, rng, x0, y0, x1, y1, n, color, node, width=1.6):
    pts = [(rng.uniform(x0, x1), rng.uniform(y0, y1)) for _ in range(n)]
    for i, p in enumerate(pts):
        near = sorted(pts, key=lambda q: (q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2)[1:3]
        for q in near:
            c.line([p, q], color, width)
    for i, (x, y) in enumerate(pts):
        c.circle(x, y, 4 if i % 3 else 6, fill=node)


# -- motifs: each drawn around (cx, cy) at scale r ---------------------------

def bezier(p0, p1, p2, n=24):
    return [((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t * t * p2[0],
             (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t * t * p2[1])
            for t in (i / n for i in range(n + 1))]


def shield_points(cx, cy, r):
    top = [(cx - 0.78 * r, cy - 0.72 * r), (cx, cy - r), (cx + 0.78 * r, cy - 0.72 * r)]
    right = bezier((cx + 0.78 * r, cy - 0.72 * r), (cx + 0.80 * r, cy + 0.45 * r), (cx, cy + r))
    left = bezier((cx, cy + r), (cx - 0.80 * r, cy + 0.45 * r), (cx - 0.78 * r, cy - 0.72 * r))
    return top + right[1:] + left[1:]


def shield(c, cx, cy, r, fill=BLUE, rim=WHITE, mark="check", mark_color=WHITE):
    c.poly(shield_points(cx, cy, r * 1.08), fill=rim)
    c.poly(shield_points(cx, cy, r), fill=fill)
    c.poly([(cx, cy - r), (cx + 0.78 * r, cy - 0.72 * r)] +
           bezier((cx + 0.78 * r, cy - 0.72 * r), (cx + 0.80 * r, cy + 0.45 * r), (cx, cy + r))[1:],
           fill=mix(fill, NAVY, 0.35))
    if mark == "check":
        c.line([(cx - 0.36 * r, cy + 0.02 * r), (cx - 0.08 * r, cy + 0.3 * r),
                (cx + 0.4 * r, cy - 0.28 * r)], mark_color, 0.16 * r)
    elif mark == "lock":
        padlock(c, cx, cy + 0.05 * r, 0.42 * r, body=mark_color, hole=fill)


def padlock(c, cx, cy, r, body=GOLD, hole=NAVY, shackle=None):
    shackle = shackle or mix(body, GREY, 0.35)
    c.arc(cx, cy - 0.2 * r, 0.55 * r, 180, 360, shackle, 0.2 * r)
    c.rect(cx - 0.65 * r, cy - 0.22 * r, cx - 0.45 * r, cy + 0.1 * r, shackle)
    c.rect(cx + 0.45 * r, cy - 0.22 * r, cx + 0.65 * r, cy + 0.1 * r, shackle)
    c.rrect(cx - 0.85 * r, cy, cx + 0.85 * r, cy + 1.1 * r, 0.15 * r, fill=body)
    c.circle(cx, cy + 0.45 * r, 0.15 * r, fill=hole)
    c.poly([(cx - 0.08 * r, cy + 0.5 * r), (cx + 0.08 * r, cy + 0.5 * r),
            (cx + 0.05 * r, cy + 0.82 * r), (cx - 0.05 * r, cy + 0.82 * r)], fill=hole)


def phone(c, cx, cy, h, body=NAVY, screen=WARM, content="warning"):
    w = h * 0.5
    c.rrect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, h * 0.08, fill=body)
    sx0, sy0, sx1, sy1 = cx - w / 2 + h * 0.035, cy - h / 2 + h * 0.08, cx + w / 2 - h * 0.035, cy + h / 2 - h * 0.09
    c.rrect(sx0, sy0, sx1, sy1, h * 0.03, fill=screen)
    c.rrect(cx - h * 0.06, cy - h / 2 + h * 0.03, cx + h * 0.06, cy - h / 2 + h * 0.048, h * 0.01, fill=mix(body, GREY, 0.5))
    c.circle(cx, cy + h / 2 - h * 0.045, h * 0.022, fill=mix(body, GREY, 0.5))
    sw = sx1 - sx0
    if content == "warning":
        warning(c, cx, sy0 + (sy1 - sy0) * 0.36, sw * 0.34)
        for i, f in enumerate((0.8, 0.6, 0.7)):
            y = sy0 + (sy1 - sy0) * (0.66 + i * 0.09)
            c.rrect(cx - sw * f / 2, y, cx + sw * f / 2, y + h * 0.022, h * 0.01, fill=PALE)
    elif content == "chat":
        for i in range(3):
            y = sy0 + (sy1 - sy0) * (0.12 + i * 0.28)
            left = i % 2 == 0
            x0 = sx0 + sw * (0.08 if left else 0.32)
            c.rrect(x0, y, x0 + sw * 0.6, y + (sy1 - sy0) * 0.18, h * 0.025,
                    fill=PALE if left else SKY)
    elif content == "lock":
        padlock(c, cx, sy0 + (sy1 - sy0) * 0.3, sw * 0.22, body=BLUE, hole=screen)
        for i in range(4):
            c.circle(cx - sw * 0.27 + i * sw * 0.18, sy0 + (sy1 - sy0) * 0.72, sw * 0.05, fill=NAVY)
    elif content == "code":
        for i in range(6):
            y = sy0 + (sy1 - sy0) * (0.1 + i * 0.13)
            indent = (0, 0.12, 0.12, 0.24, 0.12, 0)[i]
            c.rrect(sx0 + sw * (0.1 + indent), y, sx0 + sw * (0.1 + indent + 0.3 + 0.08 * (i % 3)),
                    y + h * 0.02, h * 0.01, fill=(SKY, RED, BLUE, GOLD, SKY, BLUE)[i])


def warning(c, cx, cy, r, fill=RED, mark=WHITE):
    pts = [(cx, cy - r), (cx + r * 1.05, cy + r * 0.8), (cx - r * 1.05, cy + r * 0.8)]
    c.poly(pts, fill=fill)
    c.line([(cx, cy - r * 0.35), (cx, cy + r * 0.3)], mark, r * 0.2)
    c.circle(cx, cy + r * 0.58, r * 0.11, fill=mark)


def globe(c, cx, cy, r, color=SKY, width=3, fill=None):
    if fill:
        c.circle(cx, cy, r, fill=fill)
    c.circle(cx, cy, r, outline=color, width=width)
    for f in (0.35, 0.72):
        c.ellipse(cx - r * f, cy - r, cx + r * f, cy + r, outline=color, width=width)
    for f in (-0.5, 0, 0.5):
        half = r * math.sqrt(1 - f * f)
        c.line([(cx - half, cy + f * r), (cx + half, cy + f * r)], color, width)


def person(c, cx, cy, r, color, cane=False):
    c.circle(cx, cy - r * 0.55, r * 0.32, fill=color)
    c.rrect(cx - r * 0.45, cy - r * 0.15, cx + r * 0.45, cy + r * 0.95, r * 0.3, fill=color)
    if cane:
        c.line([(cx + r * 0.65, cy + 0.1 * r), (cx + r * 0.7, cy + r * 1.0)], mix(color, INK, 0.3), r * 0.09)
        c.arc(cx + r * 0.52, cy + 0.1 * r, r * 0.14, 180, 360, mix(color, INK, 0.3), r * 0.09)


def id_card(c, cx, cy, w, body=WHITE, accent=BLUE):
    h = w * 0.63
    c.rrect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, w * 0.06, fill=body)
    c.rrect(cx - w / 2, cy - h / 2, cx + w / 2, cy - h / 2 + h * 0.2, w * 0.06, fill=accent)
    c.rect(cx - w / 2, cy - h / 2 + h * 0.12, cx + w / 2, cy - h / 2 + h * 0.2, accent)
    person(c, cx - w * 0.27, cy + h * 0.12, w * 0.13, PALE if body != PALE else SKY)
    for i, f in enumerate((0.42, 0.34, 0.38)):
        y = cy - h * 0.05 + i * h * 0.17
        c.rrect(cx - w * 0.05, y, cx - w * 0.05 + w * f, y + h * 0.07, h * 0.035, fill=PALE)


def eye(c, cx, cy, r, color=NAVY, iris=SKY):
    top = bezier((cx - r, cy), (cx, cy - r * 0.9), (cx + r, cy))
    bottom = bezier((cx + r, cy), (cx, cy + r * 0.9), (cx - r, cy))
    c.poly(top + bottom[1:], fill=color)
    c.circle(cx, cy, r * 0.36, fill=iris)
    c.circle(cx, cy, r * 0.16, fill=NAVY)
    c.circle(cx + r * 0.1, cy - r * 0.1, r * 0.06, fill=WHITE)


def magnifier(c, cx, cy, r, color=RED, glass=None):
    if glass:
        c.circle(cx, cy, r, fill=glass)
    c.circle(cx, cy, r, outline=color, width=r * 0.2)
    a = math.radians(45)
    c.line([(cx + math.cos(a) * r * 1.05, cy + math.sin(a) * r * 1.05),
            (cx + math.cos(a) * r * 1.9, cy + math.sin(a) * r * 1.9)], color, r * 0.3)


def envelope(c, cx, cy, w, body=WHITE, line=BLUE):
    h = w * 0.66
    c.rrect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, w * 0.04, fill=body)
    c.line([(cx - w / 2 + 4, cy - h / 2 + 4), (cx, cy + h * 0.08), (cx + w / 2 - 4, cy - h / 2 + 4)], line, w * 0.04)


def hook(c, cx, cy, r, color=RED):
    c.line([(cx, cy - r * 2.2), (cx, cy)], mix(color, GREY, 0.2), r * 0.06)
    c.arc(cx - r * 0.45, cy, r * 0.45, 0, 180, color, r * 0.16)
    c.poly([(cx - r * 0.98, cy - r * 0.2), (cx - r * 0.75, cy + r * 0.05), (cx - r * 1.02, cy + r * 0.12)], fill=color)


def scales(c, cx, cy, r, color=GOLD):
    c.line([(cx, cy - r), (cx, cy + r * 0.85)], color, r * 0.08)
    c.rrect(cx - r * 0.4, cy + r * 0.8, cx + r * 0.4, cy + r * 0.95, r * 0.05, fill=color)
    c.line([(cx - r * 0.85, cy - r * 0.7), (cx + r * 0.85, cy - r * 0.7)], color, r * 0.07)
    c.circle(cx, cy - r, r * 0.1, fill=color)
    for sx in (-1, 1):
        px = cx + sx * r * 0.85
        c.line([(px, cy - r * 0.7), (px - r * 0.3, cy + r * 0.05)], color, r * 0.03)
        c.line([(px, cy - r * 0.7), (px + r * 0.3, cy + r * 0.05)], color, r * 0.03)
        c.d.chord([(px - r * 0.35) * SS, (cy - r * 0.2) * SS, (px + r * 0.35) * SS, (cy + r * 0.3) * SS],
                  0, 180, fill=color)


def card(c, cx, cy, w, body=BLUE, stripe=NAVY):
    h = w * 0.63
    c.rrect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, w * 0.06, fill=body)
    c.rect(cx - w / 2, cy - h / 2 + h * 0.18, cx + w / 2, cy - h / 2 + h * 0.34, stripe)
    c.rrect(cx - w * 0.38, cy, cx - w * 0.2, cy + h * 0.22, w * 0.02, fill=GOLD)
    for i in range(4):
        c.rrect(cx - w * 0.05 + i * w * 0.11, cy + h * 0.3, cx + w * 0.03 + i * w * 0.11, cy + h * 0.36, 2, fill=PALE)


def coins(c, cx, cy, r, n=4, color=GOLD):
    for i in range(n):
        y = cy - i * r * 0.28
        c.ellipse(cx - r, y - r * 0.3, cx + r, y + r * 0.3, fill=mix(color, INK, 0.25))
        c.ellipse(cx - r, y - r * 0.38, cx + r, y + r * 0.22, fill=color)


def book(c, cx, cy, w, color=WHITE, spine=RED):
    h = w * 0.6
    c.poly([(cx, cy - h * 0.35), (cx - w / 2, cy - h / 2), (cx - w / 2, cy + h / 2), (cx, cy + h * 0.62)], fill=color)
    c.poly([(cx, cy - h * 0.35), (cx + w / 2, cy - h / 2), (cx + w / 2, cy + h / 2), (cx, cy + h * 0.62)], fill=mix(color, PALE, 0.6))
    c.line([(cx, cy - h * 0.35), (cx, cy + h * 0.62)], spine, w * 0.03)
    for i in range(4):
        y = cy - h * 0.22 + i * h * 0.16
        c.line([(cx - w * 0.4, y - h * 0.08 + i * 1.5), (cx - w * 0.08, y)], PALE, w * 0.015)
        c.line([(cx + w * 0.08, y), (cx + w * 0.4, y - h * 0.08 + i * 1.5)], SKY, w * 0.015)


def cap(c, cx, cy, r, color=NAVY, tassel=GOLD):
    c.poly([(cx - r * 0.6, cy), (cx + r * 0.6, cy), (cx + r * 0.55, cy + r * 0.45), (cx - r * 0.55, cy + r * 0.45)], fill=mix(color, INK, 0.2))
    c.poly([(cx, cy - r * 0.5), (cx + r * 1.1, cy), (cx, cy + r * 0.45), (cx - r * 1.1, cy)], fill=color)
    c.line([(cx, cy), (cx + r * 0.8, cy + r * 0.15), (cx + r * 0.8, cy + r * 0.7)], tassel, r * 0.06)
    c.circle(cx + r * 0.8, cy + r * 0.75, r * 0.1, fill=tassel)


def megaphone(c, cx, cy, r, color=RED, handle=NAVY):
    c.poly([(cx - r * 0.7, cy - r * 0.22), (cx + r * 0.6, cy - r * 0.75), (cx + r * 0.6, cy + r * 0.75), (cx - r * 0.7, cy + r * 0.22)], fill=color)
    c.rrect(cx - r * 0.95, cy - r * 0.28, cx - r * 0.6, cy + r * 0.28, r * 0.08, fill=handle)
    c.rrect(cx + r * 0.55, cy - r * 0.8, cx + r * 0.75, cy + r * 0.8, r * 0.08, fill=mix(color, INK, 0.2))
    c.line([(cx - r * 0.4, cy + r * 0.2), (cx - r * 0.25, cy + r * 0.75)], handle, r * 0.16)
    for i, a in enumerate((-25, 0, 25)):
        t = math.radians(a)
        c.line([(cx + r * 0.95 + math.cos(t) * r * 0.1, cy + math.sin(t) * r * 0.5),
                (cx + r * 1.25 + math.cos(t) * r * 0.15, cy + math.sin(t) * r * 0.75)], GOLD, r * 0.08)


def wifi(c, cx, cy, r, color=SKY, bad=False):
    for i, f in enumerate((1.0, 0.68, 0.36)):
        c.arc(cx, cy, r * f, 225, 315, color, r * 0.12)
    c.circle(cx, cy - r * 0.02, r * 0.1, fill=color)
    if bad:
        c.circle(cx + r * 0.6, cy - r * 0.15, r * 0.3, fill=RED)
        c.line([(cx + r * 0.47, cy - r * 0.28), (cx + r * 0.73, cy - r * 0.02)], WHITE, r * 0.08)
        c.line([(cx + r * 0.73, cy - r * 0.28), (cx + r * 0.47, cy - r * 0.02)], WHITE, r * 0.08)


def server(c, cx, cy, w, color=NAVY, led=GREEN):
    h = w * 0.32
    for i in range(3):
        y = cy - h * 1.6 + i * h * 1.1
        c.rrect(cx - w / 2, y, cx + w / 2, y + h, w * 0.04, fill=color)
        c.circle(cx - w * 0.36, y + h / 2, h * 0.13, fill=led if i != 1 else GOLD)
        for k in range(4):
            c.rrect(cx - w * 0.1 + k * w * 0.12, y + h * 0.3, cx - w * 0.05 + k * w * 0.12, y + h * 0.7, 2, fill=mix(color, SKY, 0.4))


def key(c, cx, cy, r, color=GOLD):
    c.circle(cx - r * 0.55, cy, r * 0.42, fill=color)
    c.circle(cx - r * 0.55, cy, r * 0.16, fill=NAVY)
    c.rect(cx - r * 0.2, cy - r * 0.1, cx + r * 0.95, cy + r * 0.1, color)
    c.rect(cx + r * 0.55, cy, cx + r * 0.68, cy + r * 0.35, color)
    c.rect(cx + r * 0.8, cy, cx + r * 0.93, cy + r * 0.28, color)


def heart(c, cx, cy, r, color=RED):
    c.circle(cx - r * 0.42, cy - r * 0.2, r * 0.5, fill=color)
    c.circle(cx + r * 0.42, cy - r * 0.2, r * 0.5, fill=color)
    c.poly([(cx - r * 0.9, cy - r * 0.05), (cx + r * 0.9, cy - r * 0.05), (cx, cy + r * 0.95)], fill=color)


def trophy(c, cx, cy, r, color=GOLD):
    c.arc(cx - r * 0.62, cy - r * 0.4, r * 0.3, 90, 270, color, r * 0.1)
    c.arc(cx + r * 0.62, cy - r * 0.4, r * 0.3, 270, 90, color, r * 0.1)
    c.d.chord([(cx - r * 0.65) * SS, (cy - r * 1.1) * SS, (cx + r * 0.65) * SS, (cy + r * 0.2) * SS], 0, 180, fill=color)
    c.rect(cx - r * 0.65, cy - r * 0.8, cx + r * 0.65, cy - r * 0.45, color)
    c.rect(cx - r * 0.1, cy + r * 0.15, cx + r * 0.1, cy + r * 0.55, color)
    c.rrect(cx - r * 0.45, cy + r * 0.55, cx + r * 0.45, cy + r * 0.75, r * 0.05, fill=mix(color, INK, 0.25))
    c.text(cx, cy - r * 0.5, "1", r * 0.5, NAVY, anchor="mm")


def window(c, x0, y0, x1, y1, rng, dark=True):
    bg = (24, 32, 52) if dark else WHITE
    c.rrect(x0, y0, x1, y1, 12, fill=bg)
    c.rrect(x0, y0, x1, y0 + 34, 12, fill=mix(bg, GREY, 0.3))
    c.rect(x0, y0 + 22, x1, y0 + 34, mix(bg, GREY, 0.3))
    for i, col in enumerate((RED, GOLD, GREEN)):
        c.circle(x0 + 22 + i * 22, y0 + 17, 6, fill=col)
    y = y0 + 56
    indent = 0
    while y < y1 - 24:
        indent = max(0, min(3, indent + rng.choice((-1, 0, 0, 1))))
        x = x0 + 28 + indent * 26
        for _ in range(rng.randint(1, 3)):
            w = rng.randint(30, 110)
            if x + w > x1 - 24:
                break
            c.rrect(x, y, x + w, y + 10, 5, fill=rng.choice((SKY, GOLD, PALE, (232, 110, 120), (120, 200, 160))))
            x += w + 14
        y += 26


def bars(c, x0, y0, x1, y1, values, colors):
    n = len(values)
    gap = (x1 - x0) / (n * 3 + 1)
    top = max(values)
    for i, v in enumerate(values):
        bx = x0 + gap + i * gap * 3
        by = y1 - (y1 - y0) * v / top
        c.rrect(bx, by, bx + gap * 2, y1, 6, fill=colors[i % len(colors)])


def calendar(c, cx, cy, w, color=RED, mark=None):
    h = w * 0.9
    c.rrect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, w * 0.07, fill=WHITE)
    c.rrect(cx - w / 2, cy - h / 2, cx + w / 2, cy - h / 2 + h * 0.24, w * 0.07, fill=color)
    c.rect(cx - w / 2, cy - h / 2 + h * 0.15, cx + w / 2, cy - h / 2 + h * 0.24, color)
    for sx in (-0.25, 0.25):
        c.rrect(cx + sx * w - w * 0.03, cy - h / 2 - h * 0.06, cx + sx * w + w * 0.03, cy - h / 2 + h * 0.08, 3, fill=NAVY)
    for row in range(3):
        for col in range(4):
            x = cx - w * 0.36 + col * w * 0.24
            y = cy - h * 0.12 + row * h * 0.2
            filled = mark is not None and (row * 4 + col) == mark
            c.rrect(x - w * 0.07, y - h * 0.06, x + w * 0.07, y + h * 0.06, 4, fill=color if filled else PALE)


MOTIFS = {}


def motif(name):
    def reg(f):
        MOTIFS[name] = f
        return f
    return reg


# Compositions used on covers and banners: draw around (cx, cy), size s (≈ half height).
@motif("shield")
def m_shield(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(SKY, WARM, 0.55))
    shield(c, cx, cy, s * 0.7, fill=BLUE, mark="check")
    for a in range(0, 360, 45):
        t = math.radians(a + 20)
        c.circle(cx + math.cos(t) * s * 1.12, cy + math.sin(t) * s * 1.12, s * 0.04, fill=GOLD if a % 90 else RED)


@motif("lock")
def m_lock(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(SKY, WARM, 0.55))
    shield(c, cx, cy, s * 0.72, fill=RED, mark="lock", mark_color=WARM)


@motif("phone-warning")
def m_phone(c, cx, cy, s, rng):
    c.circle(cx + s * 0.1, cy, s * 0.95, fill=mix(RED, WARM, 0.82))
    phone(c, cx, cy, s * 1.6, content="warning")
    hook(c, cx + s * 0.72, cy - s * 0.05, s * 0.3)


@motif("phone-chat")
def m_chat(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(SKY, WARM, 0.55))
    phone(c, cx - s * 0.2, cy, s * 1.6, content="chat")
    warning(c, cx + s * 0.55, cy - s * 0.45, s * 0.28)


@motif("id")
def m_id(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(SKY, WARM, 0.55))
    id_card(c, cx - s * 0.1, cy + s * 0.05, s * 1.3)
    shield(c, cx + s * 0.6, cy - s * 0.45, s * 0.34, fill=GREEN, mark="check")


@motif("eye")
def m_eye(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(SKY, WARM, 0.55))
    eye(c, cx, cy - s * 0.05, s * 0.7)
    c.line([(cx - s * 0.7, cy + s * 0.6), (cx + s * 0.7, cy - s * 0.7)], RED, s * 0.09)


@motif("globe")
def m_globe(c, cx, cy, s, rng):
    globe(c, cx, cy, s * 0.8, color=SKY, width=max(2, s * 0.03), fill=NAVY)
    for a in (30, 150, 260):
        t = math.radians(a)
        c.circle(cx + math.cos(t) * s * 0.8, cy + math.sin(t) * s * 0.8, s * 0.08, fill=GOLD)
    shield(c, cx + s * 0.55, cy + s * 0.5, s * 0.3, fill=RED)


@motif("campus")
def m_campus(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(GOLD, WARM, 0.7))
    book(c, cx, cy + s * 0.3, s * 1.3)
    cap(c, cx, cy - s * 0.4, s * 0.55)


@motif("campus-alert")
def m_campus_alert(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(RED, WARM, 0.82))
    cap(c, cx - s * 0.3, cy - s * 0.45, s * 0.42)
    phone(c, cx + s * 0.15, cy + s * 0.1, s * 1.2, content="warning")


@motif("elderly")
def m_elderly(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(GOLD, WARM, 0.7))
    person(c, cx - s * 0.42, cy + s * 0.1, s * 0.5, SKY, cane=True)
    person(c, cx + s * 0.15, cy + s * 0.22, s * 0.38, RED)
    phone(c, cx + s * 0.58, cy - s * 0.05, s * 0.7, content="lock")
    heart(c, cx - s * 0.05, cy - s * 0.62, s * 0.16)


@motif("law")
def m_law(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(SKY, WARM, 0.55))
    scales(c, cx, cy, s * 0.7, color=BLUE)


@motif("finance")
def m_finance(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(GOLD, WARM, 0.7))
    card(c, cx - s * 0.15, cy - s * 0.1, s * 1.1)
    coins(c, cx + s * 0.55, cy + s * 0.45, s * 0.3)
    shield(c, cx + s * 0.5, cy - s * 0.55, s * 0.26, fill=RED)


@motif("phishing")
def m_phishing(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(RED, WARM, 0.82))
    envelope(c, cx - s * 0.05, cy + s * 0.2, s * 1.1)
    hook(c, cx + s * 0.2, cy - s * 0.05, s * 0.35)


@motif("wifi")
def m_wifi(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(SKY, WARM, 0.55))
    wifi(c, cx - s * 0.05, cy + s * 0.35, s * 0.9, color=BLUE, bad=True)


@motif("server")
def m_server(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(SKY, WARM, 0.55))
    server(c, cx - s * 0.1, cy + s * 0.1, s * 1.0)
    padlock(c, cx + s * 0.5, cy + s * 0.15, s * 0.28, body=GOLD)


@motif("key")
def m_key(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(SKY, WARM, 0.55))
    key(c, cx - s * 0.05, cy - s * 0.25, s * 0.7)
    padlock(c, cx + s * 0.05, cy + s * 0.05, s * 0.35, body=BLUE, hole=WARM)


@motif("megaphone")
def m_megaphone(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(RED, WARM, 0.82))
    megaphone(c, cx - s * 0.15, cy, s * 0.6)


@motif("volunteer")
def m_volunteer(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(RED, WARM, 0.82))
    for i, col in enumerate((BLUE, RED, SKY)):
        person(c, cx + (i - 1) * s * 0.5, cy + s * 0.25 - (i == 1) * s * 0.08, s * 0.42, col)
    heart(c, cx, cy - s * 0.55, s * 0.22)


@motif("trophy")
def m_trophy(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(SKY, WARM, 0.55))
    trophy(c, cx, cy + s * 0.05, s * 0.75)


@motif("code")
def m_code(c, cx, cy, s, rng):
    window(c, cx - s * 1.0, cy - s * 0.7, cx + s * 0.8, cy + s * 0.75, rng)
    shield(c, cx + s * 0.85, cy + s * 0.55, s * 0.35, fill=GREEN)


@motif("calendar")
def m_calendar(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(SKY, WARM, 0.55))
    calendar(c, cx - s * 0.08, cy + s * 0.05, s * 1.05, mark=6)
    megaphone(c, cx + s * 0.6, cy - s * 0.55, s * 0.22)


@motif("magnifier")
def m_magnifier(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(SKY, WARM, 0.55))
    magnifier(c, cx - s * 0.15, cy - s * 0.15, s * 0.45, color=NAVY, glass=WARM)
    warning(c, cx - s * 0.15, cy - s * 0.17, s * 0.2)


# -- layouts -----------------------------------------------------------------

def save_jpeg(im, name, quality=85):
    path = IMAGES / name
    im.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
    return path


def banner(name, title, subtitle, label, motifs, seed, style="blue"):
    rng = random.Random(seed)
    c = Canvas(1600, 600)
    background(c, style, rng)
    fg = WHITE if style == "blue" else NAVY
    sub = PALE if style == "blue" else GREY
    # right half: a network with motif badges
    network(c, rng, 860, 60, 1560, 540, 16, alpha(SKY, 0.5)[:3] if style == "blue" else PALE,
            mix(SKY, WHITE, 0.3) if style == "blue" else SKY)
    main, *rest = motifs
    MOTIFS[main](c, 1200, 300, 190, rng)
    for (m, (x, y)) in zip(rest, ((1470, 150), (1460, 460), (930, 470))):
        c.circle(x, y, 78, fill=WARM if style == "blue" else WHITE)
        MOTIFS[m](c, x, y, 62, rng)
    # left: label, title, subtitle
    c.rrect(110, 150, 110 + c.text_width(label, 26) + 44, 196, 23, fill=RED)
    c.text(132, 173, label, 26, WHITE, anchor="lm")
    size = 76 if len(title) <= 8 else 60
    c.text(108, 250, title, size, fg)
    c.rect(112, 262 + size * 1.25, 212, 268 + size * 1.25, GOLD)
    c.text(112, 300 + size * 1.25, subtitle, 30, sub, weight="Medium")
    save_jpeg(c.final(), name)


def cover(name, caption, m, seed, style=None):
    rng = random.Random(seed)
    style = style or ("blue" if seed % 2 else "light")
    c = Canvas(1200, 675)
    background(c, style, rng)
    net = (mix(BLUE, SKY, 0.45), mix(SKY, WHITE, 0.2)) if style == "blue" else (PALE, SKY)
    network(c, rng, 40, 40, 1160, 635, 14, net[0], net[1], width=1.4)
    # a soft band and the motif
    layer, d = c.overlay()
    c.poly([(0, 520), (1200, 380), (1200, 675), (0, 675)], fill=alpha(RED if style == "blue" else BLUE, 0.12), d=d)
    c.merge(layer)
    MOTIFS[m](c, 760, 330, 230, rng)
    if caption:
        w = c.text_width(caption, 40)
        c.rrect(70, 540, 70 + w + 64, 612, 36, fill=RED)
        c.text(102, 576, caption, 40, WHITE, anchor="lm")
    save_jpeg(c.final(), name)


def chart_bar(name, title, note, labels, values, unit, seed):
    rng = random.Random(seed)
    c = Canvas(1200, 675, WARM)
    dots(c, SAND, step=30, r=1.2)
    c.text(70, 56, title, 40, NAVY)
    c.text(70, 116, note, 22, GREY, weight="Regular")
    x0, x1 = 330, 1080
    y = 175
    top = max(values)
    colors = [RED] + [BLUE] * (len(values) - 1)
    step = (600 - 175) / len(values)
    for i, (lab, v) in enumerate(zip(labels, values)):
        by = y + i * step
        c.text(x0 - 24, by + step * 0.38, lab, 26, INK, weight="Medium", anchor="rm")
        c.rrect(x0, by + step * 0.12, x1, by + step * 0.64, 8, fill=mix(PALE, WARM, 0.4))
        c.rrect(x0, by + step * 0.12, x0 + (x1 - x0 - 90) * v / top, by + step * 0.64, 8, fill=colors[i])
        c.text(x0 + (x1 - x0 - 90) * v / top + 14, by + step * 0.38, f"{v}{unit}", 24, colors[i], anchor="lm")
    c.text(1130, 640, "数据来源：临川市反诈中心（演示数据）", 18, GREY, weight="Regular", anchor="rm")
    c.final().save(IMAGES / name, optimize=True)


def chart_columns(name, title, note, labels, values, unit, seed):
    c = Canvas(1200, 675, WARM)
    dots(c, SAND, step=30, r=1.2)
    c.text(70, 56, title, 40, NAVY)
    c.text(70, 116, note, 22, GREY, weight="Regular")
    x0, x1, y0, y1 = 110, 1130, 200, 560
    top = math.ceil(max(values) * 1.1 / 20000) * 20000
    for k in range(5):
        gy = y1 - (y1 - y0) * k / 4
        c.line([(x0, gy), (x1, gy)], SAND if k else GREY, 1.5)
        c.text(x0 - 12, gy, f"{top * k / 4 / 10000:g}万" if k else "0", 18, GREY, weight="Regular", anchor="rm")
    n = len(values)
    slot = (x1 - x0) / n
    for i, (lab, v) in enumerate(zip(labels, values)):
        bx = x0 + i * slot + slot * 0.2
        by = y1 - (y1 - y0) * v / top
        c.rrect(bx, by, bx + slot * 0.6, y1, 8, fill=RED if v == max(values) else BLUE)
        c.rect(bx, y1 - 8, bx + slot * 0.6, y1, RED if v == max(values) else BLUE)
        c.text(bx + slot * 0.3, by - 14, f"{v / 10000:.2f}万", 20, INK, anchor="md")
        c.text(bx + slot * 0.3, y1 + 30, lab, 22, INK, weight="Medium", anchor="mm")
    c.text(1130, 640, "数据来源：宣传周组委会办公室（演示数据）", 18, GREY, weight="Regular", anchor="rm")
    c.final().save(IMAGES / name, optimize=True)


def poster(path, year, day, motif_name, lines, seed, accent=RED):
    """A portrait poster, 1080×1528, saved as a palette PNG (small, flat)."""
    rng = random.Random(seed)
    c = Canvas(1080, 1528, WARM)
    dots(c, SAND, step=34, r=1.6)
    # header
    c.rect(0, 0, 1080, 300, BLUE if year >= 2026 else NAVY)
    layer, d = c.overlay()
    for k in range(5):
        c.circle(980 - k * 40, 40 + k * 30, 170 - k * 20, outline=alpha(SKY, 0.25), width=2, d=d)
    c.merge(layer)
    c.poly([(0, 300), (1080, 240), (1080, 300)], fill=accent)
    c.text(80, 88, f"{year}年临川市网络安全宣传周", 44, WHITE)
    c.text(80, 160, "网络安全为人民　网络安全靠人民", 32, PALE, weight="Medium")
    # motif
    c.circle(540, 620, 250, fill=WHITE)
    c.circle(540, 620, 250, outline=mix(accent, WARM, 0.6), width=8)
    MOTIFS[motif_name](c, 540, 620, 215, rng)
    # day name
    c.text(540, 960, day, 96, accent, anchor="mm")
    c.rect(440, 1030, 640, 1036, GOLD)
    # tips
    y = 1090
    for line in lines:
        c.circle(150, y + 22, 10, fill=accent)
        c.text(180, y + 22, line, 34, INK, weight="Medium", anchor="lm")
        y += 84
    # footer
    c.rect(0, 1420, 1080, 1528, NAVY)
    c.text(80, 1474, "中共临川市委网信办　宣", 28, WHITE, weight="Medium", anchor="lm")
    c.text(1000, 1474, "反诈专线 96110", 28, GOLD, anchor="rm")
    im = c.final().quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, optimize=True)


# -- PDFs --------------------------------------------------------------------

PDF_DATE = time.strptime("2026-09-01 01:00:00", "%Y-%m-%d %H:%M:%S")  # a fixed date: same bytes every run


def wrap(c, text, size, width, weight="Regular"):
    out, line = [], ""
    for ch in text:
        # closing punctuation never starts a line
        if c.text_width(line + ch, size, weight) > width and ch not in "，。、；：！？”）》":
            out.append(line)
            line = ch
        else:
            line += ch
    if line:
        out.append(line)
    return out


def pdf_page(title, blocks, page_no, header):
    """An A4 page at 100 dpi. blocks: list of ('h', text) | ('p', text) | ('li', text)."""
    c = Canvas(827, 1169, WHITE)
    c.rect(0, 0, 827, 70, BLUE)
    c.rect(0, 70, 827, 76, RED)
    c.text(50, 35, header, 18, WHITE, weight="Medium", anchor="lm")
    c.text(777, 35, "临川市委网信办", 18, PALE, weight="Regular", anchor="rm")
    y = 120
    if title:
        c.text(50, y, title, 32, NAVY)
        y += 70
    for kind, text in blocks:
        if kind == "h":
            y += 10
            c.rect(50, y + 4, 56, y + 30, RED)
            c.text(68, y, text, 23, NAVY)
            y += 48
        else:
            indent = 76 if kind == "li" else 50
            if kind == "li":
                c.circle(62, y + 13, 4, fill=BLUE)
            for ln in wrap(c, text, 17, 777 - indent):
                c.text(indent, y, ln, 17, INK, weight="Regular")
                y += 30
            y += 10
    c.line([(50, 1110), (777, 1110)], PALE, 1)
    c.text(413, 1132, f"— {page_no} —", 14, GREY, weight="Regular", anchor="mm")
    return c.final()


def pdf_cover(title, subtitle, year, motif_name, seed):
    rng = random.Random(seed)
    c = Canvas(827, 1169, NAVY)
    gradient(c, NAVY, BLUE)
    network(c, rng, 40, 520, 790, 1100, 18, mix(BLUE, SKY, 0.4), mix(SKY, WHITE, 0.3))
    c.circle(413, 470, 170, fill=WARM)
    MOTIFS[motif_name](c, 413, 470, 150, rng)
    c.text(413, 130, f"{year}年临川市网络安全宣传周", 26, PALE, weight="Medium", anchor="mm")
    c.text(413, 760, title, 46, WHITE, anchor="mm")
    c.text(413, 830, subtitle, 22, PALE, weight="Regular", anchor="mm")
    c.rect(0, 1060, 827, 1169, RED)
    c.text(413, 1114, "中共临川市委网络安全和信息化委员会办公室　编印", 18, WHITE, weight="Medium", anchor="mm")
    return c.final()


def save_pdf(path, pages, title):
    path.parent.mkdir(parents=True, exist_ok=True)
    first, *rest = pages
    first.save(path, "PDF", resolution=100.0, save_all=True, append_images=rest, quality=70,
               title=title, author="临川市委网信办（演示）", creator="scripts/gen_demo_images.py",
               producer="Pillow", creationDate=PDF_DATE, modDate=PDF_DATE)


# -- the portal's images ------------------------------------------------------

BANNERS = [
    # file, title, subtitle, label, motifs, style
    ("hero.jpg", "临川市网络安全宣传门户", "网络安全为人民　网络安全靠人民", "临川市委网信办", ["shield", "lock", "phone-warning", "id"], "blue"),
    ("week-2026-banner.jpg", "2026年网络安全宣传周", "9月14日—20日　全市同步开展", "宣传周", ["shield", "campus", "finance", "id"], "blue"),
    ("week-2025-banner.jpg", "2025年网络安全宣传周", "9月15日—21日　回顾与记录", "宣传周", ["lock", "law", "phone-chat", "campus"], "light"),
    ("topic-cyber-week-2026.jpg", "宣传周2026", "七个主题日　活动报道汇总", "专题", ["calendar", "shield", "volunteer", "trophy"], "blue"),
    ("topic-cyber-week-2025.jpg", "宣传周2025", "主题日活动与成果回顾", "专题", ["megaphone", "law", "campus", "finance"], "light"),
    ("topic-anti-fraud.jpg", "反诈专题", "识骗防骗　守好钱袋子", "专题", ["phone-warning", "phishing", "finance", "magnifier"], "blue"),
    ("topic-personal-info.jpg", "个人信息保护", "规范处理　守护隐私", "专题", ["id", "eye", "lock", "server"], "light"),
    ("topic-youth-online.jpg", "青少年网络安全", "健康上网　护航成长", "专题", ["campus", "phone-chat", "shield", "trophy"], "blue"),
    ("topic-elderly-digital.jpg", "银发族数字助老", "跨越数字鸿沟　乐享智慧生活", "专题", ["elderly", "phone-warning", "heart-badge", "volunteer"], "light"),
]


@motif("heart-badge")
def m_heart(c, cx, cy, s, rng):
    c.circle(cx, cy, s * 0.95, fill=mix(RED, WARM, 0.82))
    heart(c, cx, cy, s * 0.55)


COVERS = [
    # file, caption, motif
    ("cyber-week-2024-review.jpg", "2024宣传周", "megaphone"),
    ("anti-fraud-campus-tour.jpg", "反诈进校园", "campus-alert"),
    ("elderly-smartphone-class.jpg", "银发课堂", "elderly"),
    ("volunteer-team.jpg", "志愿服务", "volunteer"),
    ("app-inspection.jpg", "APP专项检查", "magnifier"),
    ("password-strength.jpg", "口令安全", "key"),
    ("ssh-key-setup.jpg", "SSH密钥", "code"),
    ("public-wifi.jpg", "公共WiFi", "wifi"),
    ("cyber-week-2025-opening.jpg", "2025宣传周", "calendar"),
    ("nginx-tls.jpg", "HTTPS配置", "server"),
    ("cyber-week-2026-opening.jpg", "开幕式", "shield"),
    ("campus-day.jpg", "校园日", "campus"),
    ("telecom-day.jpg", "电信日", "phone-chat"),
    ("rule-of-law-day.jpg", "法治日", "law"),
    ("finance-day.jpg", "金融日", "finance"),
    ("youth-day.jpg", "青少年日", "globe"),
    ("personal-info-day.jpg", "个人信息保护日", "id"),
    ("knowledge-contest.jpg", "知识竞赛", "trophy"),
    ("firewall-baseline.jpg", "安全基线", "lock"),
    ("phishing-alert.jpg", "防范钓鱼", "phishing"),
    ("anti-fraud-alert.jpg", "反诈预警", "phone-warning"),
    ("privacy-cases.jpg", "典型案例", "eye"),
]

POSTERS = {
    2026: [
        ("poster-opening.png", "开幕日", "shield", ["守护网络空间　人人有责", "关注“临川网信”获取资讯", "9月14日至20日　全市联动"], BLUE),
        ("poster-campus.png", "校园日", "campus", ["不晒学生证、录取通知书", "游戏装备交易走正规平台", "遇到网络欺凌及时告诉老师"], RED),
        ("poster-telecom.png", "电信日", "phone-warning", ["陌生来电谈转账　一律挂断", "短信验证码　绝不告诉他人", "接到96110来电请及时接听"], RED),
        ("poster-finance.png", "金融日", "finance", ["高收益、稳赚不赔都是陷阱", "不下载陌生投资理财APP", "不出借、不出售银行卡"], BLUE),
        ("poster-personal-info.png", "个人信息保护日", "id", ["非必要不授权　权限勤检查", "快递面单先涂抹再丢弃", "发现泄露及时举报维权"], RED),
    ],
    2025: [
        ("poster-opening.png", "开幕日", "lock", ["共建网络安全防线", "共享清朗网络空间", "9月15日至21日　全市联动"], BLUE),
        ("poster-campus.png", "校园日", "campus-alert", ["网课链接核实后再点击", "不随意加入陌生群聊", "刷单兼职都是骗局"], RED),
        ("poster-anti-fraud.png", "电信日", "phone-chat", ["公检法不会电话办案", "“客服”退款先核实", "下载国家反诈中心APP"], RED),
        ("poster-law.png", "法治日", "law", ["网络不是法外之地", "不造谣、不信谣、不传谣", "依法维护自身合法权益"], BLUE),
    ],
}


def handbook_2026():
    pages = [pdf_cover("宣传周活动手册", "活动日程　主题日安排　防护要点", 2026, "shield", 301)]
    pages.append(pdf_page("一、活动日程", [
        ("p", "2026年临川市网络安全宣传周于9月14日至20日举办，以“网络安全为人民，网络安全靠人民”为主题，设开幕日和六个主题日，在市民中心、各县区和学校、社区同步开展。"),
        ("h", "主题日安排"),
        ("li", "9月14日　开幕日：开幕式、网络安全博览会开展、知识竞答上线。"),
        ("li", "9月15日　校园日：“开学第一课”进中小学，高校网络安全讲座。"),
        ("li", "9月16日　电信日：营业厅防诈宣传、涉诈电话卡风险提示。"),
        ("li", "9月17日　法治日：数据安全法治论坛、以案释法进企业。"),
        ("li", "9月18日　金融日：银行网点防范投资理财诈骗宣讲。"),
        ("li", "9月19日　青少年日：家长课堂、青少年网络素养展演。"),
        ("li", "9月20日　个人信息保护日：APP权限体检、闭幕活动。"),
        ("h", "参与方式"),
        ("p", "市民可在主会场参观博览会，也可登录临川市网络安全宣传门户参加知识竞答。各社区网格员将在主题日当天走进小区，发放宣传资料并提供现场咨询。"),
    ], 2, "2026年网络安全宣传周活动手册"))
    pages.append(pdf_page("二、防护要点", [
        ("h", "账号与口令"),
        ("li", "为重要账号设置长且独特的口令，并开启双重验证。"),
        ("li", "不同网站不要使用同一个口令，定期检查账号登录记录。"),
        ("h", "防范电信网络诈骗"),
        ("li", "不轻信陌生来电、短信中的转账、退款、中奖信息。"),
        ("li", "短信验证码不告诉任何人，包括自称客服或工作人员的人。"),
        ("li", "接到96110来电请及时接听，遇到可疑情况可拨打110报警。"),
        ("h", "个人信息保护"),
        ("li", "安装APP时仔细阅读权限申请，拒绝与功能无关的授权。"),
        ("li", "快递单、车票等含个人信息的单据，处理前先涂抹遮盖。"),
        ("h", "求助与举报"),
        ("p", "网络违法和不良信息可向12321或属地网信部门举报。本手册内容为演示示例，机构与号码中除全国统一专线外均为虚构。"),
    ], 3, "2026年网络安全宣传周活动手册"))
    save_pdf(DOWNLOADS / "2026" / "handbook.pdf", pages, "2026年临川市网络安全宣传周活动手册")


def anti_fraud_guide_2026():
    pages = [pdf_page("防范电信网络诈骗口袋书", [
        ("p", "本口袋书梳理了本市近年来高发的几类电信网络诈骗手法，供市民对照识别。所有案例均经过改编，人物为化名。"),
        ("h", "刷单返利"),
        ("p", "骗子以“足不出户日赚数百”为诱饵，先让受害人做几单小额任务并返还佣金，随后以“连单”“卡单”为由要求不断追加投入。记住：所有刷单都是诈骗。"),
        ("h", "虚假投资理财"),
        ("p", "骗子在交友软件或群聊中“带单”，引导下载来路不明的投资APP，前期小额盈利可提现，大额投入后平台无法登录。"),
        ("h", "冒充电商物流客服"),
        ("p", "骗子自称客服，以商品质量问题、快递丢失理赔为由，诱导开启屏幕共享、下载会议软件，进而骗取验证码与转账。"),
        ("h", "冒充公检法"),
        ("p", "骗子称受害人涉嫌洗钱，要求配合调查并转入“安全账户”。公检法机关不会通过电话办案，更没有所谓安全账户。"),
        ("h", "记住“三不一多”"),
        ("li", "未知链接不点击，陌生来电不轻信。"),
        ("li", "个人信息不透露，转账汇款多核实。"),
    ], 1, "反诈口袋书")]
    pages.append(pdf_page("", [
        ("h", "发现被骗怎么办"),
        ("li", "第一时间拨打110报警，说明转账时间、账户和金额。"),
        ("li", "保存聊天记录、转账凭证、对方账号等证据。"),
        ("li", "联系开户银行，询问能否对相关交易采取措施。"),
        ("h", "常用电话"),
        ("li", "全国反诈专线：96110（来电请接听，也可主动咨询）"),
        ("li", "报警电话：110"),
        ("li", "临川市反诈中心咨询电话：0000-96110（虚构）"),
        ("p", "本材料仅为演示用途，其中的本地机构与电话号码均为虚构。"),
    ], 2, "反诈口袋书"))
    save_pdf(DOWNLOADS / "2026" / "anti-fraud-pocket-guide.pdf", pages, "防范电信网络诈骗口袋书")


def handbook_2025():
    pages = [pdf_cover("宣传周活动指南", "主题日安排　参与方式　安全小贴士", 2025, "lock", 251)]
    pages.append(pdf_page("活动安排与安全小贴士", [
        ("p", "2025年临川市网络安全宣传周于9月15日至21日举办，设开幕日、校园日、电信日、法治日、金融日、青少年日和个人信息保护日。"),
        ("h", "主要活动"),
        ("li", "9月15日上午，开幕式暨网络安全博览会在临川市民中心举行。"),
        ("li", "宣传周期间，全市中小学统一开展网络安全主题班会。"),
        ("li", "各银行、通信营业网点设立反诈宣传专区。"),
        ("li", "网络安全知识竞答在本门户同步开放。"),
        ("h", "安全小贴士"),
        ("li", "连接公共WiFi时不登录网银、不进行支付操作。"),
        ("li", "手机系统和常用软件及时更新，修补已知漏洞。"),
        ("li", "不扫描来历不明的二维码，不点击短信中的陌生链接。"),
        ("li", "给家中老人讲一讲常见骗局，约定转账前先打电话商量。"),
    ], 2, "2025年网络安全宣传周活动指南"))
    save_pdf(DOWNLOADS / "2025" / "handbook.pdf", pages, "2025年临川市网络安全宣传周活动指南")


def campus_reader_2025():
    pages = [pdf_page("校园网络安全读本（中小学版）", [
        ("p", "亲爱的同学们：网络让学习和生活更方便，也藏着一些陷阱。请和家长一起读一读下面的内容。"),
        ("h", "保护好自己的信息"),
        ("li", "不在网上公开自己的姓名、学校、班级、住址和照片。"),
        ("li", "账号密码只告诉爸爸妈妈，不告诉同学和网友。"),
        ("h", "小心网上的“好处”"),
        ("li", "“免费领皮肤”“低价卖装备”的链接，多半是骗局。"),
        ("li", "网友让你用家长手机扫码、转账，一定先告诉家长。"),
        ("h", "遇到不舒服的事情"),
        ("li", "有人在网上辱骂、威胁你，保存截图，告诉老师和家长。"),
        ("li", "不转发、不参与对同学的嘲笑和攻击。"),
        ("h", "合理安排上网时间"),
        ("p", "和家长约定每天上网的时间，先完成作业再娱乐，多参加户外运动。"),
    ], 1, "校园网络安全读本")]
    save_pdf(DOWNLOADS / "2025" / "campus-reader.pdf", pages, "校园网络安全读本（中小学版）")


def main():
    IMAGES.mkdir(parents=True, exist_ok=True)
    for i, (name, title, sub, label, motifs, style) in enumerate(BANNERS):
        banner(name, title, sub, label, motifs, 100 + i, style)
    for i, (name, caption, m) in enumerate(COVERS):
        cover(name, caption, m, 200 + i)
    chart_bar("anti-fraud-q1-2025-chart.png", "2025年一季度涉网诈骗警情类型占比",
              "全市共接报涉网诈骗警情，按诈骗类型统计（单位：%）",
              ["刷单返利", "虚假投资理财", "冒充电商物流客服", "虚假网络贷款", "冒充公检法", "其他类型"],
              [33, 22, 15, 12, 7, 11], "%", 401)
    chart_columns("cyber-week-2026-chart.png", "2026年宣传周各主题日线上线下参与人次",
                  "含现场活动、线上直播观看与知识竞答参与（单位：人次）",
                  ["开幕日", "校园日", "电信日", "法治日", "金融日", "青少年日", "信息保护日"],
                  [48600, 61200, 39800, 27400, 35100, 52300, 44700], "", 402)
    for year, items in POSTERS.items():
        for k, (name, day, m, lines, accent) in enumerate(items):
            poster(DOWNLOADS / str(year) / name, year, day, m, lines, 500 + year % 100 * 10 + k, accent)
    handbook_2026()
    anti_fraud_guide_2026()
    handbook_2025()
    campus_reader_2025()


if __name__ == "__main__":
    main()
