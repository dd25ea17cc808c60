"""Cardinal orientation of a page (0/90/180/270) and the upright, deskewed image.

Geometry first, Tesseract only when geometry is unsure:

1. *Line direction.* The text pixels' projection profile is searched for its sharpest
   angle twice, once with rows and once with columns as the line direction
   (:func:`ocr.deskew.skew_from_points`). Text lines make one of the two far sharper.
2. *Which way up.* Lines are found in the deskewed, turned point cloud, each line's
   x-height band is located, and the strokes just above it (ascenders, capitals,
   Vietnamese and Latin diacritics) are counted against the strokes just below it
   (descenders, the Vietnamese dot below). Upright print has more above.
3. Only when either step is unsure is Tesseract's OSD asked (0.3-1 s a page).

Rotations are clockwise quarter turns that make the page upright, applied with
``np.rot90(image, -turns)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocr import tesseract
from ocr.clean import to_gray
from ocr.deskew import (
    MIN_PEAK_RATIO,
    SkewFit,
    coarse_search,
    estimate_skew,
    rotate_image,
    settled_skew,
    skew_from_points,
    text_ink,
)
from ocr.engine import Engine

# Below these the geometric answer is "unsure" and OSD is consulted.
AXIS_CONFIDENT = 0.5
UPDOWN_CONFIDENT = 0.6
# OSD's own "Orientation confidence" (roughly a log-likelihood margin) it must reach to
# overrule or settle a geometric answer.
OSD_CONFIDENT = 2.0
# Lines are looked for in vertical strips this many text heights wide, so that text
# columns and a little residual skew do not smear them.
_LINE_STRIP_HEIGHTS = 25.0
# Text smaller than this (working-copy pixels) gives no up/down evidence at all.
_MIN_TEXT_PX = 5.0


@dataclass(frozen=True, slots=True)
class Upright:
    """A page turned upright and straightened."""

    image: np.ndarray
    rotation_deg: int  # clockwise quarter turn applied first (0, 90, 180, 270)
    skew_deg: float  # skew measured after that turn, then removed (positive = clockwise)
    rotation_confidence: float  # 0..1


@dataclass(frozen=True, slots=True)
class OrientationFit:
    """Geometric orientation evidence for one page."""

    rotation: int  # clockwise turn, 0/90/180/270
    confidence: float  # 0..1
    axis_confidence: float  # how clearly lines run along one axis
    line_evidence: float  # the larger peak ratio of the two axes (about 1: no text lines)
    updown_score: float  # > 0: ascender side up after the turn; in [-1, 1]
    lines: int  # text lines the up/down vote used
    skew: SkewFit  # skew of the page after the turn


# -- pure maths on point coordinates --------------------------------------------------


def turn_points(
    xs: np.ndarray, ys: np.ndarray, width: int, height: int, rotation: int
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Point coordinates after a clockwise turn of the image, and the new size."""
    r = rotation % 360
    if r == 0:
        return xs, ys, width, height
    if r == 90:
        return (height - 1) - ys, xs, height, width
    if r == 180:
        return (width - 1) - xs, (height - 1) - ys, width, height
    return ys, (width - 1) - xs, height, width


def axis_confidence(along: float, across: float) -> float:
    """0..1: how much sharper the profile is along one axis than along the other.

    The arguments are peak ratios (best sharpness over median sharpness, see
    :func:`ocr.deskew.coarse_search`); text lines give 1.5-3 along their own direction
    and close to 1 across it.
    """
    a, b = np.log(max(along, 1.0)), np.log(max(across, 1.0))
    if max(a, b) <= np.log(MIN_PEAK_RATIO):
        return 0.0
    return float(min(1.0, abs(a - b) / max(a, b)))


def _core_band(r: np.ndarray, peak: int) -> tuple[int, int]:
    """Rows of the x-height band around a peak of the stroke-count profile.

    Inside the x-height band every letter crosses each row with one to three strokes,
    so the count is high and flat there; above it only ascenders, capitals and marks
    remain. The band is the contiguous run of rows at or above half the peak. (Ink
    mass would not do: round letters put their mass at the band's top and bottom, and
    a line of capitals or digits makes a dense row at cap height.)
    """
    half = 0.5 * r[peak]
    lo = hi = peak
    while lo > 0 and r[lo - 1] >= half:
        lo -= 1
    while hi < r.size - 1 and r[hi + 1] >= half:
        hi += 1
    return lo, hi


def updown_score(
    xs: np.ndarray,
    ys: np.ndarray,
    strokes: np.ndarray,
    text_height: float,
    skew_deg: float,
) -> tuple[float, int]:
    """Strokes above minus strokes below the lines' x-height bands, per line, averaged.

    ``strokes`` is each point's vote: its weight where it starts a run of ink along its
    row, else 0, so summing it over rows counts the strokes that cross them (unlike ink
    mass this is not swayed by heavy descender serifs, as on typewriter p and q).
    Points are straightened by ``skew_deg``; in each vertical strip the peaks of the
    row profile are the lines' x-height bands (:func:`_core_band`); windows of 0.6 band
    heights above and below each band are compared, each line voting
    ``(above - below) / (above + below)``, weighted by the strokes in its band. Returns
    the mean vote in [-1, 1] (positive: upright) and the number of lines that voted.
    """
    if xs.size == 0 or text_height <= 0:
        return 0.0, 0
    rad = np.deg2rad(skew_deg)
    yr = ys * np.cos(rad) - xs * np.sin(rad)
    yr = yr - yr.min()
    strip_w = _LINE_STRIP_HEIGHTS * text_height
    strip = ((xs - xs.min()) // strip_w).astype(np.int64)
    n_strips = int(strip.max()) + 1
    n_rows = int(yr.max()) + 2
    idx = strip * n_rows + yr.astype(np.int64)
    runs = np.bincount(idx, strokes, n_strips * n_rows).reshape(n_strips, n_rows)
    kernel = np.array([1.0, 2.0, 1.0]) / 4.0
    votes = weight = 0.0
    lines = 0
    min_gap = max(2, int(0.8 * text_height))
    for raw in runs:
        r = np.convolve(raw, kernel, mode="same")
        if r.max() <= 0:
            continue
        floor = 0.15 * float(np.percentile(r[r > 0], 90))
        taken = np.zeros(r.size, bool)
        for i in np.argsort(r)[::-1]:
            if r[i] < floor:
                break
            if taken[i]:
                continue
            lo, hi = _core_band(r, i)
            taken[max(0, lo - min_gap) : hi + min_gap + 1] = True
            band = hi - lo + 1
            if band < 0.3 * text_height or band > 2.0 * text_height:
                continue
            reach = max(1, round(0.6 * band))
            above = float(raw[max(0, lo - reach) : lo].sum())
            below = float(raw[hi + 1 : hi + 1 + reach].sum())
            if above + below <= 0:
                continue
            # Rows of specks or stray marks that pass for lines carry little weight.
            core = float(raw[lo : hi + 1].sum())
            votes += core * (above - below) / (above + below)
            weight += core
            lines += 1
    if weight <= 0:
        return 0.0, 0
    return votes / weight, lines


def updown_confidence(score: float, lines: int, text_height: float) -> float:
    """0..1 from the up/down score, how many lines voted and how large the text is.

    Below about 8 px of text height (a 45 dpi photo of a book) ascenders, descenders
    and marks are a pixel or two and the cue means nothing.
    """
    if lines == 0:
        return 0.0
    size = min(1.0, max(0.0, (text_height - _MIN_TEXT_PX) / _MIN_TEXT_PX))
    return float(min(1.0, abs(score) / 0.3) * min(1.0, lines / 4.0) * size)


# -- image level ----------------------------------------------------------------------


def geometric_orientation(gray: np.ndarray, max_angle: float = 15.0) -> OrientationFit:
    """Orientation from page geometry alone (no OCR engine)."""
    ink = text_ink(gray)
    w, h = ink.width, ink.height
    # Line direction from whole-page profiles: grouping ink by line would also group
    # the character columns of monospaced type into sharp "lines".
    ratios = {}
    for turn in (0, 90):
        xs, ys, _, _ = turn_points(ink.xs, ink.ys, w, h, turn)
        ratios[turn] = coarse_search(xs, ys, max_angle, ink.weights)[1]
    base = 0 if ratios[0] >= ratios[90] else 90
    axis_conf = axis_confidence(ratios[base], ratios[90 - base])
    xs, ys, _, _ = turn_points(ink.xs, ink.ys, w, h, base)
    groups = ink.row_groups if base == 0 else ink.col_groups
    skew = skew_from_points(xs, ys, max_angle, ink.weights, groups, ink.text_height)
    starts = ink.row_start if base == 0 else ink.col_start
    score, lines = updown_score(xs, ys, ink.weights * starts, ink.text_height, skew.angle)
    rotation = base if score >= 0 else base + 180
    conf = min(axis_conf, updown_confidence(score, lines, ink.text_height))
    evidence = max(ratios.values())
    return OrientationFit(rotation, conf, axis_conf, evidence, score, lines, skew)


def _decide(image: np.ndarray, engine: Engine | None) -> tuple[int, float, OrientationFit]:
    gray = to_gray(image)
    fit = geometric_orientation(gray)
    if fit.line_evidence < MIN_PEAK_RATIO:
        # No text lines at all (blank, photo, noise): nothing to turn, and OSD guesses.
        return 0, 0.0, fit
    if fit.axis_confidence >= AXIS_CONFIDENT and fit.confidence >= UPDOWN_CONFIDENT:
        if fit.rotation == 0:
            return 0, fit.confidence, fit
        # Turning an upright page ruins it, and underlined or dotted value lines put ink
        # below the x-height band that the up/down cue reads as descenders (measured: 5 of
        # 19 upright 'scan' declarations turned 180). A confident OSD that disagrees wins.
        found = tesseract.osd(gray, engine=engine)
        if (
            found is not None
            and found.confidence >= OSD_CONFIDENT
            and found.rotate != fit.rotation
            and found.rotate % 180 == fit.rotation % 180
        ):
            return found.rotate, min(1.0, found.confidence / 10.0), fit
        return fit.rotation, fit.confidence, fit
    found = tesseract.osd(gray, engine=engine)
    if found is not None and found.confidence >= OSD_CONFIDENT:
        agrees = found.rotate % 180 == fit.rotation % 180
        if agrees or fit.axis_confidence < AXIS_CONFIDENT:
            return found.rotate, max(fit.confidence, min(1.0, found.confidence / 10.0)), fit
    if fit.axis_confidence >= AXIS_CONFIDENT and fit.rotation % 180 == 90:
        # Lines surely run vertically, so the page must turn 90 or 270: best guess.
        return fit.rotation, fit.confidence, fit
    # Lines run horizontally but up/down is unsure, or nothing is sure: leave as is.
    return 0, fit.confidence, fit


def detect_orientation(gray: np.ndarray, engine: Engine | None = None) -> tuple[int, float]:
    """Clockwise quarter turn (0/90/180/270) that makes the page upright, and confidence.

    Geometry decides when it is sure of both the line direction and which way is up.
    Otherwise Tesseract's OSD is consulted, and settles the page when it is confident
    and agrees with the geometric line direction (or geometry has no opinion on it).
    When nothing is sure the page is left as it is (0), unless its lines surely run
    vertically, where the geometric guess between 90 and 270 is returned. An upright
    page is thus never turned on weak evidence.
    """
    rotation, confidence, _ = _decide(gray, engine)
    return rotation, confidence


def upright(gray: np.ndarray, engine: Engine | None = None) -> Upright:
    """Turn the page upright (clockwise quarter turns), then remove its skew.

    Works for gray and BGR images. ``skew_deg`` is measured on the turned page; it is
    taken from the orientation fit when the final turn keeps that fit's line direction
    (a half turn does not change a skew angle), else measured again.
    """
    rotation, confidence, fit = _decide(gray, engine)
    turned = np.ascontiguousarray(np.rot90(gray, -(rotation // 90))) if rotation else gray
    same_axis = rotation % 180 == fit.rotation % 180
    skew = settled_skew(fit.skew) if same_axis else estimate_skew(turned)
    return Upright(rotate_image(turned, skew), rotation, skew, confidence)


def turned(up: Upright, turn: int) -> Upright:
    """``up`` turned a further ``turn`` degrees clockwise (a multiple of 90), its skew
    measured and removed again: for a page whose reading shows it was not upright after
    all. ``skew_deg`` adds the two deskews (rotations about the centre commute with the
    quarter turn)."""
    image = np.ascontiguousarray(np.rot90(up.image, -(turn // 90))) if turn % 360 else up.image
    skew = estimate_skew(image)
    return Upright(
        rotate_image(image, skew),
        (up.rotation_deg + turn) % 360,
        round(up.skew_deg + skew, 3),
        up.rotation_confidence,
    )
