"""Seals on grey pages: rings found by their geometry and erased where they run over
paper; the star inside lifted off the print under it.

A red or blue seal (con dấu) scanned in grey is as dark as the print it covers, so
the colour washing of ``ocr.clean.gray_without_seals`` cannot see it. Its rings can
still be told apart: a thin circle of ink, unbroken most of the way round, of a seal's
size. Where a ring crosses a value it joins the characters and the lines into one blot
that Tesseract reads as junk or drops. Only the rings' bands are erased, and only where
they run over paper (paper just inside and just outside the band on the same radius);
where a stroke crosses the ring or ends on it, the band keeps its pixels on that radius,
so the strokes stay whole. A seal with two rings has a solid star inside the inner one
(far thicker than any stroke of print): the inks add up, so print under the star is
darker than the star alone, and the star's body is rescaled from its own level (paper)
to the print's. The seal's lettering is left as it is: its glyphs are strokes like the
print's, and erasing them erased values with them (tried, ``docs/accuracy.md``,
session 24).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# Rings are looked for on a copy whose short side is about WORK_SIDE pixels (a ring's
# stroke of 4-9 px at 200-300 dpi is still 2-3 px there).
WORK_SIDE = 800
# A seal's radius is between these fractions of the page's short side: official seals
# are 30-45 mm across on an A4 page (210 mm), a card's seal 15-20 mm on a card copied
# at its size on an A4 page.
MIN_RADIUS = 0.035
MAX_RADIUS = 0.16
# ... and at least MIN_RADIUS_PX pixels (a 10 mm seal at 200 dpi; a strip cut from a page,
# a line of text, has no seal).
MIN_RADIUS_PX = 40
# A seal's ring is thin for its size: its band at most RING_THIN of its radius (a round
# letter's stroke is a fifth to a third of its radius).
RING_THIN = 0.12
# A ring is ink on at least RING_COVERAGE of the circle's angles (overlapping print only
# adds ink; a fold or faded ink breaks it a little), and clearly thin: at its band's
# width away on either side, the coverage falls under RING_CONTRAST of it (text lines
# and filled shapes stay dark there).
RING_COVERAGE = 0.7
RING_CONTRAST = 0.6
# A second, inner ring of the same seal is looked for between these fractions of the
# outer radius.
INNER_FROM = 0.45
INNER_TO = 0.9
ANGLES = 360
# A ring's band is erased this many pixels wider on each side than measured (its ink's
# blurred edge).
BAND_GROW = 1.0
# ... measured on the full page out to where the ring's median darkness falls under this
# share of its darkest (its blurred edges).
BAND_EDGE = 0.15
# A ring's centre is fitted to the ink within FIT_REACH pixels (working copy) of the
# circle first found.
FIT_REACH = 4.0
# A seal's star is ink inside its inner ring at least STAR_THICK of the seal's radius
# from the nearest paper (a stroke of print is far thinner).
STAR_THICK = 0.035
# Print under the star is darker than the star's level by at least STAR_UNDER grey levels
# (or twice the spread of the star's own pixels), in at least STAR_PRINT_PX pixels.
STAR_UNDER = 6.0
STAR_PRINT_PX = 20


@dataclass(frozen=True)
class Ring:
    """A ring's centre and the inner and outer radius of its band (full-page pixels)."""

    cx: float
    cy: float
    r_in: float
    r_out: float


def _ink(small: np.ndarray) -> np.ndarray:
    """Ink of the working copy (bool): darker than Otsu's threshold."""
    _, mask = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask.astype(bool)


def _hits(ink: np.ndarray, cx: float, cy: float, radii: np.ndarray) -> np.ndarray:
    """Whether each circle of ``radii`` about (cx, cy) falls on ink in each of
    :data:`ANGLES` directions (rows: radii; points outside the image count as no ink)."""
    h, w = ink.shape
    t = np.linspace(0.0, 2 * math.pi, ANGLES, endpoint=False)
    xs = np.rint(cx + radii[:, None] * np.cos(t)).astype(np.int64)
    ys = np.rint(cy + radii[:, None] * np.sin(t)).astype(np.int64)
    inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    hit = np.zeros(xs.shape, bool)
    hit[inside] = ink[ys[inside], xs[inside]]
    return hit


def _coverage(ink: np.ndarray, cx: float, cy: float, radii: np.ndarray) -> np.ndarray:
    """For each radius, the share of :data:`ANGLES` directions in which the circle of that
    radius about (cx, cy) falls on ink."""
    return _hits(ink, cx, cy, radii).mean(axis=1)


def _band(profile: np.ndarray, radii: np.ndarray, peak: int) -> tuple[float, float]:
    """The radii around ``peak`` where the profile stays at half the peak or more."""
    half = profile[peak] / 2
    lo = peak
    while lo > 0 and profile[lo - 1] >= half:
        lo -= 1
    hi = peak
    while hi < len(profile) - 1 and profile[hi + 1] >= half:
        hi += 1
    return float(radii[lo]), float(radii[hi])


def _fit_centre(ink: np.ndarray, cx: float, cy: float, r: float) -> tuple[float, float]:
    """The centre of the circle of ink near radius ``r`` about (cx, cy): in each direction
    the middle of the ink within a few pixels of the circle, a least-squares circle through
    those points, fitted again without the points far off it (print crossing the ring)."""
    t = np.linspace(0.0, 2 * math.pi, ANGLES, endpoint=False)
    rad = r + np.arange(-FIT_REACH, FIT_REACH + 0.25, 0.5)
    hit = _hits(ink, cx, cy, rad).T  # rows: directions
    n = hit.sum(axis=1)
    keep = n > 0
    if keep.sum() < ANGLES // 4:
        return cx, cy
    mid = (hit * rad).sum(axis=1)[keep] / n[keep]
    px, py = cx + mid * np.cos(t[keep]), cy + mid * np.sin(t[keep])
    for _ in range(2):
        # x² + y² = 2ax + 2by + c (Kåsa's algebraic fit)
        a = np.column_stack([2 * px, 2 * py, np.ones_like(px)])
        (ox, oy, c), *_ = np.linalg.lstsq(a, px * px + py * py, rcond=None)
        radius = math.sqrt(max(c + ox * ox + oy * oy, 0.0))
        off = np.abs(np.hypot(px - ox, py - oy) - radius)
        close = off <= 1.5
        if close.sum() < ANGLES // 4:
            break
        px, py = px[close], py[close]
    return float(ox), float(oy)


def _ring_at(
    ink: np.ndarray, cx: float, cy: float, r: float
) -> tuple[float, float, float, float] | None:
    """The ring near radius ``r`` about a centre near (cx, cy), refined: (cx, cy, r_in,
    r_out) on the working copy, or None when there is no thin ring there."""
    cx, cy = _fit_centre(ink, cx, cy, r)
    radii = np.arange(max(2.0, r - 6), r + 6.25, 0.5)
    prof = _coverage(ink, cx, cy, radii)
    k = int(np.argmax(prof))
    top = float(prof[k])
    if top < RING_COVERAGE:
        return None
    r_in, r_out = _band(prof, radii, k)
    if r_out - r_in > RING_THIN * r_out:
        return None
    width = max(r_out - r_in, 1.0)
    around = _coverage(ink, cx, cy, np.array([r_in - 1.5 * width - 1, r_out + 1.5 * width + 1]))
    if around.max() > RING_CONTRAST * top:
        return None
    return cx, cy, r_in, r_out


def find_rings(gray: np.ndarray) -> list[Ring]:
    """The seal rings of a grey page: each seal's outer ring and, where it has one, its
    inner ring (:data:`RING_COVERAGE`, :data:`RING_CONTRAST`)."""
    h, w = gray.shape
    f = max(1, round(min(h, w) / WORK_SIDE))
    small = cv2.resize(gray, (w // f, h // f), interpolation=cv2.INTER_AREA) if f > 1 else gray
    short = min(small.shape)
    lo, hi = max(int(MIN_RADIUS * short), MIN_RADIUS_PX // f), int(MAX_RADIUS * short)
    if hi <= lo:
        return []
    circles = cv2.HoughCircles(
        cv2.GaussianBlur(small, (5, 5), 0),
        cv2.HOUGH_GRADIENT_ALT,
        dp=1.5,
        minDist=lo,
        param1=100,
        param2=0.6,
        minRadius=lo,
        maxRadius=hi,
    )
    if circles is None:
        return []
    ink = _ink(small)
    found: list[tuple[float, float, float, float]] = []

    def add(ring: tuple[float, float, float, float] | None) -> bool:
        if ring is None or any(_same(ring, q) for q in found):
            return False
        found.append(ring)
        return True

    for cx, cy, r in circles[0]:
        ring = _ring_at(ink, float(cx), float(cy), float(r))
        if add(ring):
            assert ring is not None
            x, y, r_in, r_out = ring
            # The same seal's other ring, inside or outside this one.
            add(_partner(ink, x, y, INNER_FROM * r_in, INNER_TO * r_in))
            add(_partner(ink, x, y, r_out / INNER_TO, min(r_out / INNER_FROM, hi)))
    return [
        _full_band(gray, Ring(x * f, y * f, r_in * f, r_out * f), f) for x, y, r_in, r_out in found
    ]


def _full_band(gray: np.ndarray, ring: Ring, f: int) -> Ring:
    """``ring`` with its band measured on the full page: the radii about its centre where
    the median grey over all directions is darker than paper by more than
    :data:`BAND_EDGE` of the ring's own darkness (its blurred edges included)."""
    reach = (ring.r_out - ring.r_in) / 2 + 3 * f + 4
    mid = (ring.r_in + ring.r_out) / 2
    radii = np.arange(max(1.0, mid - reach), mid + reach + 0.5, 0.5)
    t = np.linspace(0.0, 2 * math.pi, 2 * ANGLES, endpoint=False)
    xs, ys = ring.cx + radii[:, None] * np.cos(t), ring.cy + radii[:, None] * np.sin(t)
    prof = np.median(_sample(gray, xs, ys), axis=1)
    k = int(np.argmin(prof))
    paper = float(max(prof[0], prof[-1]))
    dark = paper - BAND_EDGE * (paper - float(prof[k]))
    lo = k
    while lo > 0 and prof[lo - 1] <= dark:
        lo -= 1
    hi = k
    while hi < len(prof) - 1 and prof[hi + 1] <= dark:
        hi += 1
    return Ring(ring.cx, ring.cy, float(radii[lo]), float(radii[hi]))


def _same(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Two findings of one ring: about the same centre, bands that overlap."""
    return math.hypot(a[0] - b[0], a[1] - b[1]) <= 3 and a[2] <= b[3] + 1 and b[2] <= a[3] + 1


def _partner(
    ink: np.ndarray, cx: float, cy: float, r_from: float, r_to: float
) -> tuple[float, float, float, float] | None:
    """The ring about (cx, cy) with a radius between ``r_from`` and ``r_to``, if any."""
    if r_to <= r_from:
        return None
    radii = np.arange(r_from, r_to, 0.5)
    prof = _coverage(ink, cx, cy, radii)
    k = int(np.argmax(prof))
    return _ring_at(ink, cx, cy, float(radii[k])) if prof[k] >= RING_COVERAGE else None


def erase_rings(gray: np.ndarray, rings: list[Ring]) -> np.ndarray:
    """The page with each ring's band (grown by :data:`BAND_GROW`) painted over where it
    runs over paper: a pixel of the band whose radius meets paper just inside and just
    outside the band takes the grey there (weighted by how near it is to each side).
    Where either side is ink, a stroke crosses the ring or ends on it, and the band keeps
    its pixels on that radius."""
    if not rings:
        return gray
    out = gray.copy()
    h, w = gray.shape
    for ring in rings:
        a = max(1.0, ring.r_in - BAND_GROW)
        b = ring.r_out + BAND_GROW
        x0, x1 = max(0, int(ring.cx - b) - 1), min(w, int(ring.cx + b) + 2)
        y0, y1 = max(0, int(ring.cy - b) - 1), min(h, int(ring.cy + b) + 2)
        ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        dx, dy = xs - np.float32(ring.cx), ys - np.float32(ring.cy)
        rho = np.sqrt(dx * dx + dy * dy)
        band = (rho >= a) & (rho <= b)
        if not band.any():
            continue
        ux, uy = dx[band] / rho[band], dy[band] / rho[band]
        t = (rho[band] - a) / (b - a)
        inner = _sample(gray, ring.cx + ux * (a - 2), ring.cy + uy * (a - 2))
        outer = _sample(gray, ring.cx + ux * (b + 2), ring.cy + uy * (b + 2))
        box = out[y0:y1, x0:x1]
        here = box[band].astype(np.float32)
        paper = float(np.median(np.concatenate([inner, outer])))
        ink = float(np.median(here))
        cut = (paper + ink) / 2
        over_paper = (inner > cut) & (outer > cut)
        bridged = np.clip((1 - t) * inner + t * outer, 0, 255)
        box[band] = np.where(over_paper, bridged, here).astype(np.uint8)
    return out


def _sample(gray: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The grey at the points (x, y), each at its nearest pixel (the edge's beyond it)."""
    h, w = gray.shape
    xi = np.clip(np.rint(x).astype(np.int64), 0, w - 1)
    yi = np.clip(np.rint(y).astype(np.int64), 0, h - 1)
    return gray[yi, xi].astype(np.float32)


def remove_seal_rings(gray: np.ndarray) -> np.ndarray:
    """The page with its seal rings erased (:func:`erase_rings`) and its seals' stars
    lifted off the print under them (:func:`erase_stars`), else the input."""
    found = find_rings(gray)
    return erase_stars(erase_rings(gray, found), found)


def _seal_centres(rings: list[Ring]) -> list[tuple[Ring, Ring]]:
    """Each seal's outer ring with its inner ring (about the same centre, inside it)."""
    out = []
    for outer in rings:
        inside = [
            q
            for q in rings
            if q is not outer
            and math.hypot(q.cx - outer.cx, q.cy - outer.cy) <= 0.05 * outer.r_out
            and q.r_out < outer.r_in
        ]
        if inside:
            out.append((outer, max(inside, key=lambda q: q.r_out)))
    return out


def erase_stars(gray: np.ndarray, rings: list[Ring]) -> np.ndarray:
    """The page with the solid star inside each seal's inner ring (:data:`STAR_THICK`)
    lifted off the print under it. Print under the seal's ink is darker than the ink
    alone (the inks add up): the star's pixels are rescaled so that its own level (the
    median of its solid core) becomes the paper around it and the darkest print under it
    the page's print; a star over nothing but paper becomes paper."""
    out = gray
    h, w = gray.shape
    for outer, inner in _seal_centres(rings):
        r = inner.r_in - 1
        x0, x1 = max(0, int(inner.cx - r)), min(w, int(inner.cx + r) + 1)
        y0, y1 = max(0, int(inner.cy - r)), min(h, int(inner.cy + r) + 1)
        box = gray[y0:y1, x0:x1]
        ys, xs = np.mgrid[y0:y1, x0:x1]
        disc = np.hypot(xs - inner.cx, ys - inner.cy) < r
        if not disc.any():
            continue
        cut, _ = cv2.threshold(box, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        ink = (box < cut) & disc
        if not ink.any() or not (~ink & disc).any():
            continue
        dist = cv2.distanceTransform(ink.astype(np.uint8), cv2.DIST_L2, 3)
        thick = max(3.0, STAR_THICK * outer.r_out)
        solid = (dist >= thick).astype(np.uint8)
        if not solid.any():
            continue
        k = int(thick + 3)  # the star's arms, out from its solid core
        grown = cv2.dilate(solid, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        body = cv2.dilate(((grown > 0) & ink).astype(np.uint8), np.ones((3, 3), np.uint8))
        star = body.astype(bool) & disc
        core = box[dist >= thick].astype(np.float32)
        level = float(np.median(core))
        spread = 1.4826 * float(np.median(np.abs(core - level)))
        paper = float(np.median(box[~ink & disc]))
        under = star & (box < level - max(STAR_UNDER, 2 * spread))
        grey = box.astype(np.float32)
        if under.sum() >= STAR_PRINT_PX:
            darkest = float(np.percentile(box[under], 5))
            rest = ink & ~star
            printed = min(darkest, float(np.percentile(box[rest], 10)) if rest.any() else darkest)
            gain = (paper - printed) / max(level - darkest, 1.0)
            lifted = np.clip(paper - (level - grey) * gain, printed, paper)
        else:
            lifted = np.full(grey.shape, paper, np.float32)
        if out is gray:
            out = gray.copy()
        out[y0:y1, x0:x1][star] = lifted[star].astype(np.uint8)
    return out
