"""Skew of a page's text lines, and the rotation that straightens it.

Angles are in degrees; positive means the content is rotated clockwise as displayed
(image y axis pointing down), so a text line that descends to the right has positive
skew. :func:`rotate_image` with that same angle straightens the page.

The image side is thin: the page is shrunk to at most 1800 px, flattened against its
paper brightness and binarized; text-sized connected components are kept (photos,
frames, solid stamps, dark scanner margins and specks are dropped) and grouped into
text lines. The estimator is pure maths on those pixel coordinates: the angle that
makes the lines' projection profiles sharpest (largest sum of squared bin counts) wins,
searched on a coarse grid and refined to 0.02 degrees. Profiles are computed by rotating
point coordinates and counting with :func:`numpy.bincount`, never by rotating images,
so a 300 dpi A4 page takes about 0.1 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr import components
from ocr.clean import background, denoise, to_gray

# Work on at most this many pixels along the longer side: enough resolution for
# 0.05 degrees over a text line, few enough pixels to stay fast.
WORK_MAX_SIDE = 1800
# Profiles are built from at most this many sampled ink pixels (the criterion's
# expectation does not depend on sampling, only its noise does).
MAX_POINTS = 40_000
# Skews smaller than this are reported as exactly 0.0: a straight page is never rotated.
MIN_SKEW_DEG = 0.1
# The best angle must beat the median angle's sharpness by this factor, else the page
# has no dominant text direction (blank, a photo, a barcode) and we report 0.0.
MIN_PEAK_RATIO = 1.08
# Fewer ink pixels than this are no evidence of any direction (noise on a tiny image).
MIN_INK_POINTS = 300
# Text narrower than this many text heights (a word or two) gives no usable angle.
MIN_EXTENT_HEIGHTS = 8.0

# A component's weight is capped at this many squared text heights (a word or two).
_COMPONENT_CAP = 6.0
_COARSE_STEP = 0.25
_COARSE_BIN = 2.0
_COARSE_SPARSE = 4  # grid steps between the angles scored first
_FINE_HALF_WIDTH = 0.4
_FINE_STEP = 0.02


@dataclass(frozen=True, slots=True)
class SkewFit:
    """Result of the projection-profile search over angles."""

    angle: float  # degrees, positive = content rotated clockwise
    peak_ratio: float  # sharpness at ``angle`` / median sharpness over the search range
    extent: float = float("inf")  # width of the ink in text heights (inf: unknown)


# -- pure maths on point coordinates --------------------------------------------------


def profile_sharpness(
    xs: np.ndarray,
    ys: np.ndarray,
    angles_deg: np.ndarray,
    bin_px: float = 1.0,
    weights: np.ndarray | None = None,
    groups: np.ndarray | None = None,
) -> np.ndarray:
    """Sum of squared projection-profile counts for each candidate angle.

    The points are projected onto the axis perpendicular to a line of slope
    ``tan(angle)`` (y down); ink that lies on such lines piles up in few bins and so
    gives a large sum of squares. Counts are split linearly between neighbouring bins,
    which makes the criterion a smooth function of the angle (needed for sub-bin
    refinement). ``weights`` (default 1) scale each point's count.

    ``groups`` (integer labels 0..G-1, e.g. one per text line) gives every group its own
    profile. Without it, ink anywhere on the page shares bins, and two text columns, or
    a stamp beside a paragraph, whose lines do not share baselines reward the angle
    that lines up one's lines with the other's; with it, only ink of the same line can
    pile up together.
    """
    angles = np.deg2rad(np.asarray(angles_deg, dtype=np.float64))
    out = np.zeros(angles.size, dtype=np.float64)
    if xs.size == 0:
        return out
    g = np.zeros(xs.size, np.int64) if groups is None else groups.astype(np.int64)
    n_groups = int(g.max()) + 1
    count = np.bincount(g, minlength=n_groups).astype(np.float64)
    used = np.maximum(count, 1.0)
    dx = (xs - (np.bincount(g, xs, n_groups) / used)[g]).astype(np.float32)
    dy = (ys - (np.bincount(g, ys, n_groups) / used)[g]).astype(np.float32)
    radius2 = np.zeros(n_groups)
    np.maximum.at(radius2, g, dx.astype(np.float64) ** 2 + dy.astype(np.float64) ** 2)
    reach = np.sqrt(radius2) / bin_px + 2.0
    nbins = (2 * reach).astype(np.int64) + 2
    offset = np.concatenate([[0], np.cumsum(nbins)[:-1]])
    per_angle = int(nbins.sum())
    base = (reach[g] + offset[g]).astype(np.float64)
    w = np.ones(xs.size, np.float32) if weights is None else weights.astype(np.float32)
    chunk = max(1, min(4_000_000 // xs.size, 8_000_000 // per_angle))
    for start in range(0, angles.size, chunk):
        a = angles[start : start + chunk]
        cos = np.cos(a).astype(np.float32)[:, None] / bin_px
        sin = np.sin(a).astype(np.float32)[:, None] / bin_px
        pos = dy[None, :] * cos - dx[None, :] * sin
        lo = np.floor(pos)
        frac = pos - lo
        first = (np.arange(a.size, dtype=np.int64) * per_angle)[:, None]
        idx = (lo.astype(np.int64) + base.astype(np.int64)) + first
        total = a.size * per_angle
        upper = frac * w
        lower = w - upper
        hist = np.bincount(idx.ravel(), weights=lower.ravel(), minlength=total + 1)
        hist[1:] += np.bincount(idx.ravel(), weights=upper.ravel(), minlength=total)[:total]
        hist = hist[:total].reshape(a.size, per_angle)
        out[start : start + a.size] = np.einsum("ij,ij->i", hist, hist)
    return out


def peak_center(angles: np.ndarray, scores: np.ndarray, level: float = 0.3) -> float:
    """Middle of the peak's top: where the score stays within ``level`` of its drop.

    Short or few text lines give a flat-topped criterion (any angle within a pixel of
    run-out over the line length is equally sharp); the arg-max then lands anywhere on
    the plateau, while the middle of the band above ``max - level * (max - min)`` is the
    symmetric centre, both for a plateau and for a sharp peak. The band's edges are
    interpolated linearly between grid points.
    """
    i = int(np.argmax(scores))
    top = float(scores[i])
    cut = top - level * (top - float(scores.min()))
    if top <= cut:
        return float(angles[i])
    lo = i
    while lo > 0 and scores[lo - 1] >= cut:
        lo -= 1
    hi = i
    while hi < scores.size - 1 and scores[hi + 1] >= cut:
        hi += 1

    def crossing(inside: int, outside: int) -> float:
        a, b = float(scores[inside]), float(scores[outside])
        t = (a - cut) / (a - b) if a != b else 0.0
        return float(angles[inside] + t * (angles[outside] - angles[inside]))

    left = crossing(lo, lo - 1) if lo > 0 else float(angles[0])
    right = crossing(hi, hi + 1) if hi < scores.size - 1 else float(angles[-1])
    return 0.5 * (left + right)


def coarse_search(
    xs: np.ndarray,
    ys: np.ndarray,
    max_angle: float,
    weights: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    rng: np.random.Generator | None = None,
) -> tuple[float, float]:
    """Best angle on a 0.25 degree grid (2 px bins, a subsample) and the peak ratio.

    The peak ratio is the best angle's sharpness over the median sharpness across the
    grid's whole degrees: about 1 without a dominant line direction, 1.5-3 for text lines.
    """
    if xs.size < MIN_INK_POINTS:
        return 0.0, 1.0
    rng = rng or np.random.default_rng(0)
    n = min(xs.size, MAX_POINTS // 3)
    sub = rng.choice(xs.size, n, replace=False) if n < xs.size else np.arange(xs.size)
    w = None if weights is None else weights[sub]
    g = None if groups is None else np.unique(groups[sub], return_inverse=True)[1].reshape(-1)
    grid = np.linspace(-max_angle, max_angle, round(2 * max_angle / _COARSE_STEP) + 1)
    # Every _COARSE_SPARSE-th grid angle first (1 degree), then the grid steps around the
    # best of those: the criterion falls steadily away from a text direction, so the
    # best of the sparse angles is the one nearest the peak, and a third of the angles
    # are scored. A peak narrower than the grid step can fall between grid points; the
    # 2 px bins widen every peak enough that the best grid angle is within one step of it.
    sparse = np.arange(0, grid.size, _COARSE_SPARSE)
    scores = np.full(grid.size, np.nan)
    scores[sparse] = profile_sharpness(xs[sub], ys[sub], grid[sparse], _COARSE_BIN, w, g)
    top = int(sparse[int(np.argmax(scores[sparse]))])
    near = np.arange(max(0, top - _COARSE_SPARSE + 1), min(grid.size, top + _COARSE_SPARSE))
    near = near[np.isnan(scores[near])]
    if near.size:
        scores[near] = profile_sharpness(xs[sub], ys[sub], grid[near], _COARSE_BIN, w, g)
    median = float(np.median(scores[sparse]))
    best = int(np.nanargmax(scores))
    ratio = float(scores[best]) / median if median > 0 else 1.0
    return float(grid[best]), ratio


def skew_from_points(
    xs: np.ndarray,
    ys: np.ndarray,
    max_angle: float = 15.0,
    weights: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    text_height: float | None = None,
    rng_seed: int = 0,
) -> SkewFit:
    """Angle in ``[-max_angle, max_angle]`` that makes the points' row profile sharpest.

    Coarse grid (0.25 degree, 2 px bins, a subsample) then a fine grid (0.02 degree,
    1 px bins, all points) around the best coarse angle, then the centre of the fine
    peak's top band. ``groups`` gives each text line its own profile (see
    :func:`profile_sharpness`); ``text_height`` only sets the fit's ``extent``.
    """
    if xs.size < MIN_INK_POINTS:
        return SkewFit(0.0, 1.0)
    w = np.ones(xs.size, np.float32) if weights is None else weights
    g = np.zeros(xs.size, np.int64) if groups is None else groups
    rng = np.random.default_rng(rng_seed)
    if xs.size > MAX_POINTS:
        keep = np.sort(rng.choice(xs.size, MAX_POINTS, replace=False))
        xs, ys, w, g = xs[keep], ys[keep], w[keep], g[keep]
    g = np.unique(g, return_inverse=True)[1].reshape(-1)
    extent = float(xs.max() - xs.min()) / text_height if text_height else float("inf")
    best, peak_ratio = coarse_search(xs, ys, max_angle, w, g, rng)
    lo = max(-max_angle, best - _FINE_HALF_WIDTH)
    hi = min(max_angle, best + _FINE_HALF_WIDTH)
    fine = np.arange(lo, hi + _FINE_STEP / 2, _FINE_STEP)
    fine_scores = profile_sharpness(xs, ys, fine, 1.0, w, g)
    return SkewFit(peak_center(fine, fine_scores), peak_ratio, extent)


# -- image to points ------------------------------------------------------------------


def _working_copy(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Downscaled copy (area interpolation) and the factor that was applied."""
    h, w = gray.shape[:2]
    scale = min(1.0, WORK_MAX_SIDE / max(h, w))
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        return cv2.resize(gray, size, interpolation=cv2.INTER_AREA), scale
    return gray, 1.0


def flatten_background(gray: np.ndarray) -> np.ndarray:
    """Page divided by its estimated paper brightness (float32, paper near 1.0)."""
    return gray.astype(np.float32) / np.maximum(background(gray).astype(np.float32), 1.0)


def _otsu(values: np.ndarray) -> float:
    """Otsu's threshold of uint8 values (ink is at or below it)."""
    if values.size == 0:
        return 0.0
    thresh, _ = cv2.threshold(values.reshape(1, -1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return float(thresh)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Binary ink mask (uint8 0/1) robust to uneven light, low contrast and dark margins.

    The page is flattened (divided by its paper brightness), smoothed a little against
    pixel noise, and thresholded with Otsu. Dark scanner margins and photos make a third
    mode that would pull a global threshold away from faint text, so the threshold is
    computed again with the pixels of edge-touching or page-sized components left out.
    """
    flat = cv2.GaussianBlur(flatten_background(gray), (0, 0), 0.8)
    flat8 = np.clip(flat * 255.0, 0, 255).astype(np.uint8)
    # Ink must be clearly darker than the paper, whatever Otsu makes of a blank page.
    thresh = min(_otsu(flat8), 235.0)
    mask = (flat8 <= thresh).astype(np.uint8)
    n, labels, stats, _ = components.with_stats(mask, connectivity=8)
    if n > 1:
        height, width = mask.shape
        x, y, w, h = (stats[1:, i] for i in range(4))
        edge = (x == 0) | (y == 0) | (x + w >= width) | (y + h >= height)
        huge = (h > height // 8) & (w > width // 8)
        drop = np.zeros(n, bool)
        drop[1:] = edge | huge
        if drop.any():
            kept = flat8[~drop[labels]]
            thresh = min(_otsu(kept), 235.0)
            mask = (flat8 <= thresh).astype(np.uint8)
    return mask


@dataclass(frozen=True, slots=True)
class TextInk:
    """Text ink pixels of a downscaled page copy, ready for profile voting."""

    xs: np.ndarray  # float32 column of each pixel in the working copy
    ys: np.ndarray  # float32 row
    weights: np.ndarray  # float32 vote of each pixel (see text_weights)
    text_height: float  # median height of text components, working-copy pixels
    scale: float  # working copy size / original size
    width: int  # working copy size
    height: int
    # Whether the pixel starts a run of ink along its row (left neighbour is paper) or
    # along its column (upper neighbour is paper): counting run starts counts strokes.
    row_start: np.ndarray
    col_start: np.ndarray
    # Text-line label of each pixel, for lines running along rows and along columns.
    row_groups: np.ndarray
    col_groups: np.ndarray


def text_weights(mask: np.ndarray) -> tuple[np.ndarray, float]:
    """Per-pixel weight of ink for voting (text-sized components only) and text height.

    Text height is the median height of glyph-sized components (specks left out, so
    salt-and-pepper noise cannot set it). Anything much taller
    (photos, solid areas, table frames, dark margins) or touching the image edge
    (scanner margins, cut-off material) gets weight 0. A component's total weight is
    capped at a few characters' worth, so one long rule or photocopy-edge streak cannot
    outvote the text lines (its pixels all fall in one bin, and the criterion grows with
    the square of a bin's count).
    """
    n, labels, stats, _ = components.with_stats(mask, connectivity=8)
    weights = np.zeros(n, np.float32)
    med_h = 0.0
    if n > 1:
        x, y, w, h, area = (stats[1:, i].astype(np.float64) for i in range(5))
        height, width = mask.shape
        edge = (x == 0) | (y == 0) | (x + w >= width) | (y + h >= height)
        glyph = (area >= 10) & (h >= 4) & ~edge
        not_speck = (area >= 4) & (h >= 2)
        if glyph.any():
            med_h = float(np.median(h[glyph]))
            solid = (area > 0.9 * w * h) & (h > 1.5 * med_h)
            keep = not_speck & (h <= 3.0 * med_h + 2) & ~edge & ~solid
            cap = _COMPONENT_CAP * med_h * med_h
            weights[1:] = np.where(keep, np.minimum(1.0, cap / np.maximum(area, 1.0)), 0.0)
    return weights[labels], med_h


def line_labels(ink: np.ndarray, text_height: float) -> tuple[np.ndarray, np.ndarray]:
    """Label images grouping ink into text lines running along rows, and along columns.

    Ink is smeared along the line direction by 1.5 text heights (more than a word gap,
    less than a column gutter) and a couple of pixels across it (to keep marks with
    their letters); each connected smear is one line, or one paragraph where lines
    touch, which is as good.
    """
    reach = max(3, round(1.5 * text_height))
    mask = ink.astype(np.uint8)
    labels = []
    for kernel in (np.ones((3, reach), np.uint8), np.ones((reach, 3), np.uint8)):
        _, lab = components.labels(cv2.dilate(mask, kernel), connectivity=8)
        labels.append(lab)
    return labels[0], labels[1]


def text_ink(gray: np.ndarray) -> TextInk:
    """Text ink pixels of a page (gray or BGR) in a copy at most WORK_MAX_SIDE across."""
    work, scale = _working_copy(to_gray(gray))
    weight, text_height = text_weights(ink_mask(denoise(work)))
    ys, xs = np.nonzero(weight)
    ink = weight > 0
    # Index -1 wraps to the far edge, which the "== 0" test overrides.
    row_start = ~ink[ys, xs - 1] | (xs == 0)
    col_start = ~ink[ys - 1, xs] | (ys == 0)
    row_lines, col_lines = line_labels(ink, text_height)
    return TextInk(
        xs.astype(np.float32),
        ys.astype(np.float32),
        weight[ys, xs],
        text_height,
        scale,
        work.shape[1],
        work.shape[0],
        row_start,
        col_start,
        row_lines[ys, xs],
        col_lines[ys, xs],
    )


# -- public API -----------------------------------------------------------------------


def settled_skew(fit: SkewFit) -> float:
    """The skew to act on: the fit's angle, or exactly 0.0 when it should be left alone.

    0.0 when the page is straighter than :data:`MIN_SKEW_DEG`, has no dominant text
    direction (peak ratio below :data:`MIN_PEAK_RATIO`), or its text is too short to
    measure an angle on (under :data:`MIN_EXTENT_HEIGHTS` text heights across).
    """
    if fit.peak_ratio < MIN_PEAK_RATIO or fit.extent < MIN_EXTENT_HEIGHTS:
        return 0.0
    if abs(fit.angle) < MIN_SKEW_DEG:
        return 0.0
    return round(fit.angle, 3)


def fit_skew(gray: np.ndarray, max_angle: float = 15.0) -> SkewFit:
    """Skew fit of a page (gray or BGR) with its evidence (peak ratio, extent)."""
    ink = text_ink(gray)
    return skew_from_points(ink.xs, ink.ys, max_angle, ink.weights, ink.row_groups, ink.text_height)


def estimate_skew(gray: np.ndarray, max_angle: float = 15.0) -> float:
    """Skew of the page's text in degrees; positive = content rotated clockwise.

    Searches ``[-max_angle, max_angle]``. Returns exactly 0.0 for straight pages and for
    pages without usable text lines (see :func:`settled_skew`), so a straight page is
    never resampled.
    """
    return settled_skew(fit_skew(gray, max_angle))


def background_level(img: np.ndarray) -> tuple[float, ...]:
    """Paper brightness per channel: the median of a pixel subsample of the page.

    Text and pictures rarely cover half of a page, so the median is paper; filling with
    it (rather than white) keeps low-contrast pages' histograms intact for Tesseract.
    """
    step = max(1, int(np.sqrt(img.shape[0] * img.shape[1] / 250_000)))
    sample = img[::step, ::step]
    if sample.ndim == 2:
        return (float(np.median(sample)),)
    return tuple(float(np.median(sample[..., c])) for c in range(sample.shape[2]))


def rotate_image(img: np.ndarray, angle_deg: float) -> np.ndarray:
    """Straighten content skewed by ``angle_deg`` (rotate it by ``-angle_deg``).

    The canvas grows so no part of the page is cut off; the uncovered corners are
    filled with the page's background level. Gray and BGR(A) images are accepted. An
    angle of 0 returns the input unchanged.
    """
    if angle_deg == 0.0:
        return img
    h, w = img.shape[:2]
    rad = np.deg2rad(angle_deg)
    cos, sin = abs(np.cos(rad)), abs(np.sin(rad))
    new_w = int(np.ceil(w * cos + h * sin))
    new_h = int(np.ceil(w * sin + h * cos))
    # cv2's positive angle turns content counter-clockwise on screen, which undoes a
    # clockwise (positive) skew.
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle_deg, 1.0)
    m[0, 2] += (new_w - w) / 2.0
    m[1, 2] += (new_h - h) / 2.0
    fill = background_level(img)
    border = fill[0] if len(fill) == 1 else fill
    return cv2.warpAffine(
        img,
        m,
        (new_w, new_h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=border,
    )
