"""Page cleaning before OCR: grey conversion, uneven light, impulse noise, dotted leaders,
dotted zeros.

Each step is measured (see ``docs/preprocessing.md``): a step runs only where it helps
Tesseract on average and does not hurt clean pages. The measurements are pure maths on
arrays (``impulse_noise_fraction``, ``illumination_spread``, ``leader_runs``); the
transforms are thin OpenCV wrappers.
"""

from __future__ import annotations

import bisect

import cv2
import numpy as np

from ocr import components, rings
from ocr.model import Box

# A pixel is an impulse (a salt or pepper speck) when it is darker, or lighter, than
# every one of its 8 neighbours by more than this many grey levels.
IMPULSE_DELTA = 80
# Above this fraction of impulse pixels the specks are replaced by their 3x3 median
# (stroke pixels are never touched); below it the page is left alone.
IMPULSE_FRACTION = 0.0005
# Above this fraction specks clump and sit on strokes, where the speck-only repair
# cannot see them, and a full 3x3 median of the page pays off despite thinning strokes.
HEAVY_IMPULSE_FRACTION = 0.005
# Divide out the background only when the paper's brightness varies by more than this
# fraction across the page (a phone photo, a shadow, a fading scanner lamp).
ILLUMINATION_SPREAD = 0.15
# Dotted leaders ("Họ tên: ......") and dotted rules under values make Tesseract drop or
# garble whole form rows. A leader is at least LEADER_MIN_RUN dots in a row: small
# compact specks (at most LEADER_DOT_MAX px on the working copy), centres on one line,
# each within LEADER_REACH dot sizes of the next, with an even pitch (spread of the
# spacing at most LEADER_PITCH_SPREAD of its mean) and similar areas. Diacritics and the
# periods of dates or abbreviations never make eight such dots in a row.
LEADER_MIN_RUN = 8
LEADER_DOT_MAX = 8
LEADER_REACH = 3.5
LEADER_PITCH_SPREAD = 0.3
# ... and its dots are at most LEADER_TEXT_RATIO of the page's text height (the median
# height of the components too big to be dots).
LEADER_TEXT_RATIO = 0.45
# Specks that survive the impulse repair (clumps of 2-12 pixels from scanner dust, paper
# grain, photo sensor noise) make Tesseract garble whole lines. A page has speck noise
# when its Otsu ink holds more than SPECK_DENSITY components of at most SPECK_AREA pixels
# per megapixel: clean and scanned pages measured at most 36, noisy ones 70 to 6,000.
# Such a page gets a 3x3 median and its remaining specks painted with paper.
SPECK_AREA = 12
SPECK_CLEARANCE = 12
SPECK_DENSITY = 150.0
# Leaders are found on a half-size copy of pages at least this many pixels on their short
# side (300 dpi A4), where a dot is still 2-3 px: labelling the full page costs 4x more.
LEADER_HALVE_FROM = 2200
# The scanner bed or the table showing around the paper: a region darker than
# MARGIN_DARK of the paper's level that touches the image's edge (within MARGIN_THICKNESS
# of its short side), covers more than MARGIN_AREA of it and is on average thicker than
# MARGIN_THICKNESS (a ruled line or a dark word at the edge is not). Tesseract binarises a
# page with one Otsu threshold: a dark margin pulls it below faint grey print, which then
# reads as paper.
MARGIN_DARK = 0.6
MARGIN_AREA = 0.002
MARGIN_THICKNESS = 0.01
# A dark band whose holes of at least MARGIN_HOLE pixels (on the half-size copy) make
# more than MARGIN_PRINT of its area carries light print (a title printed white on a
# dark band) and is not a margin.
MARGIN_HOLE = 12
MARGIN_PRINT = 0.01


def to_gray(img: np.ndarray) -> np.ndarray:
    """Any decoded page (gray, gray+alpha, BGR, BGRA, bool/1-bit, 16-bit, float) as uint8.

    Alpha is composited onto white (transparent PNG areas are paper, not ink). 16-bit
    and float images are scaled by their type's range, not stretched, so a faint page
    stays faint.
    """
    if img.dtype == np.bool_:
        return np.where(img, 255, 0).astype(np.uint8)
    if img.ndim == 3 and img.shape[2] in (2, 4):
        top = float(_type_max(img.dtype))
        alpha = img[..., -1:].astype(np.float32) / top
        img = (img[..., :-1].astype(np.float32) * alpha + top * (1 - alpha)).astype(img.dtype)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    if img.dtype != np.uint8:
        img = _to_uint8(img)
    if img.ndim == 3:
        return gray_without_seals(img)
    return img


# Seals (con dấu) are printed in red or blue ink over the signature and often over field
# values; in grey they are as dark as the text under them. A seal is a saturated ink
# component of one colour about a seal's size (at least SEAL_MIN_FRACTION of the page's
# short side on each side, roughly round); inside its box each pixel takes the seal ink's
# own channel (red for a red seal), which is paper-bright for the seal's ink and stays
# dark for black text and for print of the other colour. Coloured text
# elsewhere (a red licence number) is not a seal and keeps its ordinary grey, nor is a
# tinted card background (bigger than SEAL_MAX_FRACTION of the short side, or more than
# SEAL_MAX_FILL of its box coloured).
SEAL_MIN_FRACTION = 0.05
SEAL_MAX_FRACTION = 0.5
SEAL_MAX_FILL = 0.5
SEAL_SATURATION = 35
#: How much darker than a seal's ink the print under it must be for the seal's box to be
#: stretched to paper (:func:`seal_levels`); measured on the hard tuning set's seals: ink at
#: 155-200, black print at 76-135 (its darkest percent), blue-ink print 124-136 under a blue
#: seal at 157.
SEAL_TEXT_GAP = 45


def gray_without_seals(bgr: np.ndarray) -> np.ndarray:
    """Grey of a BGR page with red and blue seals washed out (:data:`SEAL_MIN_FRACTION`).

    Red and blue ink are looked at apart: a blue seal over a licence's red number and
    title is one blue ring, read in the blue channel (:func:`seal_levels`), where the red
    print stays dark. Where a red and a blue seal's boxes overlap, a pixel takes the
    lighter of the two readings (both seals' ink is paper there)."""
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    f = 2 if min(h, w) >= 1200 else 1
    small = bgr[::f, ::f]
    red, blue = _seal_inks(small)
    if not (red.any() or blue.any()):
        return gray
    out = gray.copy()
    done = np.zeros(gray.shape, bool)
    for coloured, channel in ((red, 2), (blue, 0)):
        for x0, y0, x1, y1 in _seal_boxes(coloured.astype(np.uint8), f, (h, w)):
            levels = seal_levels(bgr[y0:y1, x0:x1], gray[y0:y1, x0:x1], channel)
            box = out[y0:y1, x0:x1]
            seen = done[y0:y1, x0:x1]
            box[...] = np.where(seen, np.maximum(box, levels), levels)
            seen[...] = True
    return out


def _seal_boxes(coloured: np.ndarray, f: int, shape: tuple[int, int]) -> list[Box]:
    """Boxes, in the full page's pixels, of the seals among the ink ``coloured`` of one
    colour (found on a copy ``f`` times smaller than the page of shape ``shape``)."""
    h, w = shape
    joined = cv2.dilate(coloured, np.ones((5, 5), np.uint8))
    n, _, stats, _ = components.with_stats(joined, connectivity=8)
    short = min(coloured.shape[:2])
    least, most = SEAL_MIN_FRACTION * short, SEAL_MAX_FRACTION * short
    out: list[Box] = []
    for i in range(1, n):
        x, y, bw, bh = (int(v) for v in stats[i, :4])
        if not (least <= bw <= most and least <= bh <= most and 0.6 <= bw / bh <= 1.7):
            continue
        # A seal is a ring of ink with text inside: a tinted card or a coloured block,
        # however round, is mostly filled.
        if np.count_nonzero(coloured[y : y + bh, x : x + bw]) > SEAL_MAX_FILL * bw * bh:
            continue
        pad = 4
        x0, y0 = max(0, (x - pad) * f), max(0, (y - pad) * f)
        x1, y1 = min(w, (x + bw + pad) * f), min(h, (y + bh + pad) * f)
        out.append((x0, y0, x1, y1))
    return out


def _seal_inks(bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of saturated red ink and of saturated blue ink (bool)."""
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    inked = (sat >= SEAL_SATURATION) & (val >= 50)
    return inked & ((hue <= 12) | (hue >= 160)), inked & (hue >= 95) & (hue <= 135)


def seal_levels(bgr: np.ndarray, gray: np.ndarray, channel: int | None = None) -> np.ndarray:
    """The grey of a seal's box (BGR ``bgr``, its plain grey ``gray``) without the seal.

    Each pixel takes the seal's ``channel`` (BGR index: 2 for a red seal, 0 for a blue
    one), where the seal's ink is about as light as the paper and print of the other
    colour stays dark (None: each pixel's lightest channel, which washed out a licence's
    red number under a blue seal with the seal). On a faded or low-contrast scan that
    leaves the ring well under the paper's level (red seals at 0.8-0.9 of it on the hard
    fixtures, blue ones at 0.75), and Tesseract's one Otsu threshold over the page turns
    it black across the words. Where the print is darker than the seal's ink by at least
    :data:`SEAL_TEXT_GAP`, the box's levels are stretched: the print (the box's darkest
    percent) keeps its level, the seal's ink (the median of the channel over the pixels
    of the seal's colour) and everything lighter become the paper of the grey page
    around, linearly in between, so the box does not stand out from the page. Values in
    ink of the seal's colour about as light as the seal keep the plain channel, which
    fades them less.
    """
    red, blue = _seal_inks(bgr)
    if channel is None:
        light, ink = _lightest_channel(bgr), red | blue
    else:
        light, ink = np.ascontiguousarray(bgr[..., channel]), red if channel == 2 else blue
    if not ink.any():
        return light
    seal = float(np.median(light[ink]))
    paper = float(np.percentile(light, 90))
    text = float(np.percentile(light, 1))
    if not (seal < paper and seal - text >= SEAL_TEXT_GAP):
        return light
    level = float(np.percentile(gray, 90)) / max(paper, 1.0)  # the grey page's paper
    lf = light.astype(np.float32)
    stretched = (text + (lf - text) * (paper - text) / (seal - text)) * level
    out = np.where(lf <= text, lf * level, np.minimum(stretched, paper * level))
    return np.clip(out, 0, 255).astype(np.uint8)


def _lightest_channel(bgr: np.ndarray) -> np.ndarray:
    """Per pixel, the lightest of the three channels (OpenCV's element-wise max: numpy's
    ``max(axis=2)`` took 0.19 s on an A4 page at 300 dpi)."""
    b, g, r = cv2.split(bgr)
    return np.asarray(cv2.max(cv2.max(b, g), r))


def _type_max(dtype: np.dtype) -> int:
    if np.issubdtype(dtype, np.integer):
        return int(np.iinfo(dtype).max)
    return 1


def _to_uint8(img: np.ndarray) -> np.ndarray:
    if np.issubdtype(img.dtype, np.floating):
        top = 1.0 if float(np.nanmax(img)) <= 1.0 else 255.0
        return np.clip(np.nan_to_num(img) * (255.0 / top), 0, 255).astype(np.uint8)
    if img.dtype == np.uint16:
        return (img >> 8).astype(np.uint8)
    return np.clip(img, 0, 255).astype(np.uint8)


# -- measurements (pure maths) --------------------------------------------------------


def impulse_mask(gray: np.ndarray) -> np.ndarray:
    """Isolated salt or pepper specks: pixels beyond all 8 neighbours by IMPULSE_DELTA.

    Stroke edges and corners of crisp, bilevel text are not specks, so clean scans have
    next to none.
    """
    ring = np.ones((3, 3), np.uint8)
    ring[1, 1] = 0
    # Saturating uint8 differences (0 when negative): how much darker a pixel is than its
    # darkest neighbour, and lighter than its lightest (faster than int16 arithmetic).
    below = cv2.subtract(cv2.erode(gray, ring), gray)
    above = cv2.subtract(gray, cv2.dilate(gray, ring))
    return np.asarray(cv2.max(below, above) > IMPULSE_DELTA)


def impulse_noise_fraction(gray: np.ndarray) -> float:
    """Fraction of pixels that are isolated salt or pepper specks."""
    return float(np.count_nonzero(impulse_mask(gray))) / float(max(1, gray.size))


def shrink(image: np.ndarray, f: int) -> np.ndarray:
    """``image`` reduced ``f`` times by area averaging, ``(w // f, h // f)`` pixels.

    The last rows and columns that do not fill a whole ``f`` block (fewer than ``f``, at the
    page's edge) are left out, so that OpenCV takes its whole-factor path: 0.3-9 ms on a
    300 dpi page instead of 14-35 ms when the page's size is not a multiple of ``f``
    (a deskewed page rarely is; ``bench/components.py``).
    """
    if f <= 1:
        return image
    h, w = image.shape[:2]
    sw, sh = max(1, w // f), max(1, h // f)
    return cv2.resize(image[: sh * f, : sw * f], (sw, sh), interpolation=cv2.INTER_AREA)


def background(gray: np.ndarray) -> np.ndarray:
    """Paper brightness at every pixel (uint8), ignoring the text on it.

    A max filter (grey closing: ink is darker than paper) on a coarse copy, wide enough
    to bridge text strokes, then smoothed and scaled back up. Working on the coarse copy
    keeps it at a few milliseconds for a 300 dpi page.
    """
    h, w = gray.shape
    f = _coarse_factor(gray)
    small = cv2.resize(gray, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    return cv2.resize(_paper(small), (w, h), interpolation=cv2.INTER_LINEAR)


def _coarse_factor(gray: np.ndarray) -> int:
    return max(1, min(gray.shape[:2]) // 64)


def _paper(small: np.ndarray) -> np.ndarray:
    """The paper of a coarse copy of a page: a max filter wide enough to bridge text
    strokes (grey closing: ink is darker than paper), smoothed."""
    return cv2.GaussianBlur(cv2.dilate(small, np.ones((5, 5), np.uint8)), (5, 5), 0)


def illumination_spread(gray: np.ndarray) -> float:
    """How uneven the paper's brightness is: (p95 - p5) / p95 of the background.

    Measured on the coarse background alone, reduced by whole blocks (:func:`shrink`):
    the spread only decides whether :func:`normalize_illumination` runs, whose
    background is reduced exactly (an area reduction by a factor that is not a whole
    number cost 26 ms of the 28 this took on a 300 dpi page).
    """
    bg = _paper(shrink(gray, _coarse_factor(gray)))
    lo, hi = np.percentile(bg, [5, 95])
    return float((hi - lo) / max(hi, 1.0))


def leader_runs(stats: np.ndarray, centroids: np.ndarray) -> list[np.ndarray]:
    """Dotted leaders among connected components, as arrays of component indices.

    ``stats`` and ``centroids`` are what ``cv2.connectedComponentsWithStats`` returns
    (row 0, the background, is ignored). Each dot is linked to its nearest right
    neighbour on the same line with a similar area; chains of at least
    :data:`LEADER_MIN_RUN` dots with an even pitch are leaders.
    """
    w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
    size = np.maximum(w, h)
    cand = np.flatnonzero(
        (size <= LEADER_DOT_MAX)
        & (area >= 2)
        & (w * 3 >= h)
        & (h * 3 >= w)
        & (area * 2 >= w * h)  # compact: not a thin stroke piece or an accent's slant
    )
    cand = cand[cand > 0]
    if cand.size < LEADER_MIN_RUN:
        return []
    letters = h[1:][h[1:] > LEADER_DOT_MAX]
    text_h = float(np.median(letters)) if letters.size >= 20 else None
    cx, cy = centroids[cand, 0], centroids[cand, 1]
    csize, carea, ch = size[cand], area[cand], h[cand]
    band = 3.0  # centres are bucketed in 3-px rows; a dot looks in its own and both neighbours
    rows: dict[int, tuple[list[float], list[int]]] = {}
    for k in np.argsort(cx, kind="stable").tolist():
        xs, ks = rows.setdefault(int(cy[k] // band), ([], []))
        xs.append(float(cx[k]))
        ks.append(k)
    nxt = np.full(cand.size, -1)
    taken = np.zeros(cand.size, bool)
    for k in range(cand.size):
        reach = LEADER_REACH * float(csize[k]) + 1.0
        best, best_dx = -1, reach
        row = int(cy[k] // band)
        for r in (row - 1, row, row + 1):
            got = rows.get(r)
            if got is None:
                continue
            j = bisect.bisect_right(got[0], float(cx[k]))
            if j == len(got[0]):
                continue
            other = got[1][j]
            dx = got[0][j] - float(cx[k])
            if (
                dx <= best_dx
                and abs(cy[other] - cy[k]) <= max(1.5, 0.5 * float(ch[k]))
                and 0.5 * carea[k] <= carea[other] <= 2.0 * carea[k]
            ):
                best, best_dx = other, dx
        if best >= 0 and not taken[best]:
            nxt[k] = best
            taken[best] = True
    runs = []
    for start in np.flatnonzero(~taken).tolist():
        chain = [start]
        while nxt[chain[-1]] >= 0:
            chain.append(int(nxt[chain[-1]]))
        if len(chain) < LEADER_MIN_RUN:
            continue
        pitch = np.diff(cx[chain])
        # A line of small capitals ("PAUL BARTON/THE STOCK") is evenly pitched too, but
        # its letters are nearly as tall as the page's text; leader dots are far smaller.
        small = text_h is None or float(ch[chain].mean()) <= LEADER_TEXT_RATIO * text_h
        if pitch.std() <= LEADER_PITCH_SPREAD * pitch.mean() and small:
            runs.append(cand[chain])
    return runs


def leader_boxes(gray: np.ndarray) -> list[np.ndarray]:
    """Dot boxes (x0, y0, x1, y1 in page pixels, one row per dot) of each dotted leader."""
    f = 2 if min(gray.shape) >= LEADER_HALVE_FROM else 1
    work = shrink(gray, f)
    # Otsu picked on a subsample; leaders are printed in the same ink as the labels.
    t, _ = cv2.threshold(work[::2, ::2].copy(), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = np.where(work <= t, np.uint8(255), np.uint8(0))
    _, _, stats, centroids = components.with_stats(ink, connectivity=8)
    boxes = []
    for run in leader_runs(stats, centroids):
        s = stats[run, :4].astype(np.int64)
        boxes.append(np.stack([s[:, 0], s[:, 1], s[:, 0] + s[:, 2], s[:, 1] + s[:, 3]], 1) * f)
    return boxes


# -- transforms -----------------------------------------------------------------------


def normalize_illumination(gray: np.ndarray) -> np.ndarray:
    """Divide the page by its background so paper is evenly bright (uneven light, shadows).

    The result keeps the page's own paper level (the 95th percentile of the background)
    instead of stretching to white, so faint text stays as faint relative to paper as it
    was, only no longer varying across the page.
    """
    bg = background(gray).astype(np.float32)
    level = float(np.percentile(bg[::8, ::8], 95))
    out = gray.astype(np.float32) * (level / np.maximum(bg, 1.0))
    return np.clip(out, 0, 255).astype(np.uint8)


def paper_level(gray: np.ndarray) -> int:
    """The paper's grey level: the 90th percentile of a strided sample of the page."""
    return int(np.percentile(gray[::4, ::4], 90))


def margin_mask(gray: np.ndarray) -> np.ndarray:
    """Pixels of dark margins around the paper (bool; see :data:`MARGIN_DARK`), grown by
    a few pixels to take in their blurred edge. Found on a half-size copy."""
    h, w = gray.shape
    small = gray[::2, ::2]
    sh, sw = small.shape
    dark = (small < MARGIN_DARK * paper_level(gray)).astype(np.uint8)
    _, labels, stats, _ = components.with_stats(dark, connectivity=4)
    x, y, bw, bh, area = (stats[1:, i] for i in range(5))
    # Within a sliver of the edge: deskewing fills the corners it uncovers with paper,
    # which can leave a thin light line between a margin and the image's edge.
    near = MARGIN_THICKNESS * min(sh, sw)
    edge = (x <= near) | (y <= near) | (x + bw >= sw - near) | (y + bh >= sh - near)
    thick = area / np.maximum(bw, bh) > near  # mean thickness along its length
    ids = np.flatnonzero(edge & thick & (area > MARGIN_AREA * sh * sw)) + 1
    if not len(ids):
        return np.zeros(gray.shape, dtype=bool)
    found = np.zeros((sh, sw), dtype=np.uint8)
    for i in ids:
        x0, y0, x1, y1 = x[i - 1], y[i - 1], x[i - 1] + bw[i - 1], y[i - 1] + bh[i - 1]
        region = (labels[y0:y1, x0:x1] == i).astype(np.uint8)
        if _printed_holes(region) <= MARGIN_PRINT * area[i - 1]:
            found[y0:y1, x0:x1] |= region
    if not found.any():
        return np.zeros(gray.shape, dtype=bool)
    grow = max(3, min(h, w) // 300) * 2 + 1
    mask = cv2.resize(found, (w, h), interpolation=cv2.INTER_NEAREST)
    return cv2.dilate(mask, np.ones((grow, grow), np.uint8)).astype(bool)


def _printed_holes(region: np.ndarray) -> int:
    """Area of the holes in a dark region big enough to be light print on it (a title
    printed white on a dark band), not the single-pixel salt of a scanner bed."""
    contours, hierarchy = cv2.findContours(region, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return 0
    holes = [cv2.contourArea(c) for c, hi in zip(contours, hierarchy[0], strict=True) if hi[3] >= 0]
    return int(sum(a for a in holes if a >= MARGIN_HOLE))


def fill_margins(gray: np.ndarray) -> np.ndarray:
    """Paint dark margins around the paper (the scanner bed, a table under a photo) with
    the paper's level, else the input."""
    mask = margin_mask(gray)
    if not mask.any():
        return gray
    out = gray.copy()
    out[mask] = np.uint8(np.median(gray[~mask][::7]))
    return out


def denoise(gray: np.ndarray) -> np.ndarray:
    """Remove salt-and-pepper specks where they are measurably present, else the input.

    Light specking: only the speck pixels are replaced by their 3x3 median, so strokes
    keep every pixel (a full median costs small text more than the specks do). Heavy
    specking (over :data:`HEAVY_IMPULSE_FRACTION`): a full 3x3 median.
    """
    specks = impulse_mask(gray)
    fraction = float(np.count_nonzero(specks)) / float(max(1, gray.size))
    if fraction <= IMPULSE_FRACTION:
        return gray
    median = cv2.medianBlur(gray, 3)
    if fraction > HEAVY_IMPULSE_FRACTION:
        return median
    out = gray.copy()
    out[specks] = median[specks]
    return out


def remove_leaders(gray: np.ndarray) -> np.ndarray:
    """Paint dotted leaders and dotted rules with the paper around them, else the input.

    Each dot's box, grown by a couple of pixels for its blurred rim, is filled with the
    paper level of its run (the 90th percentile of the run's band), so no grey ghost of
    the dots is left for Tesseract's binarisation.
    """
    runs = leader_boxes(gray)
    if not runs:
        return gray
    out = gray.copy()
    h, w = gray.shape
    pad = 2
    for dots in runs:
        x0, y0 = max(0, int(dots[:, 0].min()) - pad), max(0, int(dots[:, 1].min()) - pad)
        x1, y1 = min(w, int(dots[:, 2].max()) + pad), min(h, int(dots[:, 3].max()) + pad)
        paper = np.uint8(np.percentile(gray[y0:y1, x0:x1], 90))
        for bx0, by0, bx1, by1 in dots.tolist():
            out[max(0, by0 - pad) : by1 + pad, max(0, bx0 - pad) : bx1 + pad] = paper
    return out


def _ink_components(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, labels, stats, centroids = components.with_stats(ink, connectivity=8)
    return labels, stats, centroids


def speck_density(gray: np.ndarray) -> float:
    """Isolated specks per megapixel: ink components of at most :data:`SPECK_AREA` pixels
    farther than :data:`SPECK_CLEARANCE` pixels from any larger ink (so that diacritics,
    i-dots and full stops beside their letters do not count), measured on the middle third
    of the page."""
    h = gray.shape[0]
    band = gray[h // 3 : 2 * h // 3]
    if band.size == 0:
        return 0.0
    labels, stats, centroids = _ink_components(band)
    area = stats[:, cv2.CC_STAT_AREA]
    big = area > 4 * SPECK_AREA
    big[0] = False
    near = cv2.dilate(
        big[labels].astype(np.uint8), np.ones((2 * SPECK_CLEARANCE + 1,) * 2, np.uint8)
    )
    small = np.flatnonzero(area <= SPECK_AREA)
    small = small[small > 0]
    xs = np.clip(centroids[small, 0].astype(int), 0, band.shape[1] - 1)
    ys = np.clip(centroids[small, 1].astype(int), 0, band.shape[0] - 1)
    isolated = np.count_nonzero(near[ys, xs] == 0)
    return float(isolated) / (band.size / 1e6)


def despeckle(gray: np.ndarray) -> np.ndarray:
    """3x3 median, then paint the specks left (ink components of at most
    :data:`SPECK_AREA` pixels) with the paper's level; only on speckled pages."""
    if speck_density(gray) <= SPECK_DENSITY:
        return gray
    out = cv2.medianBlur(gray, 3)
    labels, stats, _ = _ink_components(out)
    small = stats[:, cv2.CC_STAT_AREA] <= SPECK_AREA
    small[0] = False
    out[small[labels]] = int(np.percentile(out[::4, ::4], 60))
    return out


# Ruled lines: fold lines across a photocopy, frames and table rules of a form. Tesseract
# takes a long vertical line for a column separator and cuts the text rows it crosses, and
# a fold through a card's rows made it drop them (hard fixtures, ``docs/accuracy.md``).
# A rule is ink (darker than the local paper by RULE_INK grey levels) that stays after an
# opening with a line RULE_LENGTH of the page's short side long (and at least
# RULE_MIN_PX); letters are never that long. Its pixels are painted with the paper.
RULE_LENGTH = 1 / 15
RULE_MIN_PX = 60
RULE_INK = 25


def local_paper(gray: np.ndarray) -> np.ndarray:
    """The paper's level around every pixel: a max filter a little wider than a stroke
    (15 px on a page 1,650 px across, scaled with the page), smoothed. Unlike
    :func:`background` it follows the paper closely, card edges and margins included."""
    k = max(9, round(15 * min(gray.shape) / 1650) | 1)
    return cv2.GaussianBlur(cv2.dilate(gray, np.ones((k, k), np.uint8)), (k, k), 0)


def rule_mask(gray: np.ndarray) -> np.ndarray:
    """Pixels of long horizontal and vertical lines (uint8, 255 = rule), grown by one.

    Found on a half-size copy of pages at least :data:`LEADER_HALVE_FROM` pixels on their
    short side (a 300 dpi A4 rule is still 1-2 px wide there), at a quarter of the cost.
    """
    h, w = gray.shape
    f = 2 if min(h, w) >= LEADER_HALVE_FROM else 1
    work = shrink(gray, f)
    short = min(work.shape)
    local = local_paper(work)
    ink = np.where(cv2.subtract(local, work) > RULE_INK, np.uint8(255), np.uint8(0))
    length = max(RULE_MIN_PX // f, int(short * RULE_LENGTH))
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    lines = cv2.bitwise_or(across, down)
    if not lines.any():
        return np.zeros_like(gray)
    if f > 1:
        lines = cv2.resize(lines, (w, h), interpolation=cv2.INTER_NEAREST)
    return cv2.dilate(lines, np.ones((3, 3), np.uint8))


def remove_rules(gray: np.ndarray) -> np.ndarray:
    """Paint long ruled lines (:func:`rule_mask`) with the paper around them, else the
    input (the same array)."""
    lines = rule_mask(gray)
    if not lines.any():
        return gray
    h, w = gray.shape
    f = 8
    small = shrink(gray, f)
    paper = cv2.resize(cv2.medianBlur(small, 5), (w, h), interpolation=cv2.INTER_LINEAR)
    out = gray.copy()
    painted = lines > 0
    out[painted] = paper[painted]
    return out


# Dotted zeros: monospaced and typewriter-like faces (Liberation Mono, DejaVu Sans Mono)
# print 0 with a dot in its counter, which Tesseract reads as 8, 9 or 6 ("ngõ 192" for
# "ngõ 102"). The dot is an ink component alone in the hole of another: at most
# COUNTER_DOT_AREA of the hole's area, COUNTER_DOT_HEIGHT of its height and
# COUNTER_DOT_WIDTH of its width (dots measured 0.15-0.25 and 0.29-0.40 of them; the pieces
# of strokes a blurred photo leaves alone inside a B or an 8 at least 0.33 and 0.37), compact
# (its ink fills at least COUNTER_DOT_FILL of its box) and near the hole's centre, in a
# hole no taller or wider than COUNTER_MAX of the page's short side (a letter's counter,
# not a table cell or a box around a digit). No Latin or Vietnamese letter has such a part.
COUNTER_DOT_AREA = 0.35
COUNTER_DOT_HEIGHT = 0.3
COUNTER_DOT_WIDTH = 0.45
COUNTER_DOT_FILL = 0.55
COUNTER_MAX = 1 / 40
COUNTER_DARKER = 0.7


def counter_dots(gray: np.ndarray) -> list[tuple[np.ndarray, tuple[int, int, int, int]]]:
    """Dots alone inside a letter's counter (:data:`COUNTER_DOT_AREA`): each dot's contour
    with the box (x, y, w, h) of the hole it sits in."""
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # At Otsu's level a bold face's dot can touch its ring through one grey pixel; at a
    # darker level it stands alone, and the rings of print dark enough to matter stay shut.
    # (On a page of two grey levels, a 1-bit scan, Otsu's level is the ink's own.)
    level = max(otsu * COUNTER_DARKER, float(gray.min()) + 1)
    _, ink = cv2.threshold(gray, level, 255, cv2.THRESH_BINARY_INV)
    return _dots_in_counters(ink, max(12, int(min(gray.shape) * COUNTER_MAX)))


def _dots_in_counters(
    ink: np.ndarray, limit: int
) -> list[tuple[np.ndarray, tuple[int, int, int, int]]]:
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    tree = hierarchy[0]
    parent = tree[:, 3]
    # outer boundaries (their parent is a hole, whose parent is ink) without a hole
    inside = np.flatnonzero(
        (parent >= 0) & (tree[np.maximum(parent, 0), 3] >= 0) & (tree[:, 2] < 0)
    )
    found = []
    for i in inside.tolist():
        hole = int(parent[i])
        hx, hy, hw, hh = cv2.boundingRect(contours[hole])
        if hw > limit or hh > limit:
            continue
        x, y, w, h = cv2.boundingRect(contours[i])
        area = cv2.contourArea(contours[i]) + cv2.arcLength(contours[i], True) / 2
        if (
            area > COUNTER_DOT_AREA * max(1.0, cv2.contourArea(contours[hole]))
            or h > COUNTER_DOT_HEIGHT * hh
            or area < COUNTER_DOT_FILL * w * h
            or w > COUNTER_DOT_WIDTH * hw
            or abs(2 * x + w - 2 * hx - hw) > hw / 2
            or abs(2 * y + h - 2 * hy - hh) > hh / 2
        ):
            continue
        found.append((contours[i], (hx, hy, hw, hh)))
    return found


def remove_counter_dots(gray: np.ndarray) -> np.ndarray:
    """Paint the dots of dotted zeros (:func:`counter_dots`) with the paper inside their
    counter, else the input (the same array)."""
    dots = counter_dots(gray)
    if not dots:
        return gray
    out = gray.copy()
    for contour, (hx, hy, hw, hh) in dots:
        hole = out[hy : hy + hh, hx : hx + hw]
        mask = np.zeros(hole.shape, np.uint8)
        # the dot filled, and its blurred rim (2 px)
        cv2.drawContours(mask, [contour], -1, 255, cv2.FILLED, offset=(-hx, -hy))
        cv2.drawContours(mask, [contour], -1, 255, 2, offset=(-hx, -hy))
        hole[mask > 0] = np.uint8(np.percentile(hole, 90))
    return out


def flatten(gray: np.ndarray) -> np.ndarray:
    """The page divided by its local paper level (a max filter a little wider than a
    stroke), paper stretched to white: faint text on grey or unevenly lit paper, and
    dark scanner margins, become black on white. Not a default step (on grainy or
    JPEG-blocky paper it turns the texture into ink); a second reading of a page whose
    first one found no document in it (``worker.recognize_upright``)."""
    local = local_paper(gray)
    out = gray.astype(np.float32) * (255.0 / np.maximum(local, 1).astype(np.float32))
    return np.clip(out, 0, 255).astype(np.uint8)


# Grey lighter than INK_LEVELS_SHARE of the way from the ink's level to the paper's is
# paper (``ink_levels``). A grey scan of a red or blue seal puts its ring and lettering
# half-way between print and paper (205/35/45 red is 87 of 255), so is a fold's shadow or
# a card's tint; Tesseract's one Otsu threshold for the page takes them for ink where they
# cross the print. On the hard tuning set the second readings stretched at 0.55, 0.65
# and 0.75 left 506, 496 and 497 fields wrong (flattened only: 516).
INK_LEVELS_SHARE = 0.65
# The ink's level: this percentile of the pixels darker than the page's Otsu threshold.
INK_PERCENTILE = 5


def ink_levels(gray: np.ndarray, share: float = INK_LEVELS_SHARE) -> np.ndarray:
    """The page stretched so that its ink is black and grey lighter than ``share`` of the
    way from the ink's level to the paper's is white (:data:`INK_LEVELS_SHARE`). A page
    without ink darker than its paper is returned unchanged (the same array)."""
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    ink = gray[gray < otsu]
    if ink.size == 0:
        return gray
    dark = float(np.percentile(ink, INK_PERCENTILE))
    top = dark + share * (paper_level(gray) - dark)
    if top - dark < 8:
        return gray
    out = (gray.astype(np.float32) - dark) * (255.0 / (top - dark))
    return np.clip(out, 0, 255).astype(np.uint8)


def clean_for_ocr(gray: np.ndarray) -> np.ndarray:
    """The cleaning that measurably helps Tesseract, each step only where it is needed.

    A dark scanner bed or table around the paper is painted with paper
    (:func:`fill_margins`). Measured salt-and-pepper specks are removed (:func:`denoise`),
    and uneven light is divided out (:func:`normalize_illumination`) when the paper's
    brightness varies by more than :data:`ILLUMINATION_SPREAD` across the page. The rings
    of a seal scanned in grey are erased where they run over paper
    (``ocr.rings.remove_seal_rings``). Long ruled lines and fold lines
    (:func:`remove_rules`), dotted leaders and dotted rules (:func:`remove_leaders`) are
    painted over with paper. Pages still speckled after that get :func:`despeckle`; the
    dots in dotted zeros go last (:func:`remove_counter_dots`). A clean, evenly lit page
    without margins, seal rings, rules, leaders or dotted zeros is returned unchanged
    (the same array). See ``docs/preprocessing.md`` for the measurements.
    """
    out = denoise(fill_margins(gray))
    if illumination_spread(out) > ILLUMINATION_SPREAD:
        out = normalize_illumination(out)
    out = rings.remove_seal_rings(out)
    return remove_counter_dots(despeckle(remove_leaders(remove_rules(out))))
