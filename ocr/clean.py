"""Page cleaning before OCR: grey conversion, uneven light, impulse noise.

Each step is measured (see ``docs/preprocessing.md``): a step runs only where it helps
Tesseract on average and does not hurt clean pages. The measurements are pure maths on
arrays (``impulse_noise_fraction``, ``illumination_spread``); the transforms are thin
OpenCV wrappers.
"""

from __future__ import annotations

import cv2
import numpy as np

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
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    return img


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
    g = gray.astype(np.int16)
    lowest = cv2.erode(gray, ring).astype(np.int16)
    highest = cv2.dilate(gray, ring).astype(np.int16)
    return (g + IMPULSE_DELTA < lowest) | (g - IMPULSE_DELTA > highest)


def impulse_noise_fraction(gray: np.ndarray) -> float:
    """Fraction of pixels that are isolated salt or pepper specks."""
    return float(np.count_nonzero(impulse_mask(gray))) / float(max(1, gray.size))


def background(gray: np.ndarray) -> np.ndarray:
    """Paper brightness at every pixel (uint8), ignoring the text on it.

    A max filter (grey closing: ink is darker than paper) on a coarse copy, wide enough
    to bridge text strokes, then smoothed and scaled back up. Working on the coarse copy
    keeps it at a few milliseconds for a 300 dpi page.
    """
    h, w = gray.shape
    f = max(1, min(h, w) // 64)
    small = cv2.resize(gray, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    bg = cv2.GaussianBlur(cv2.dilate(small, np.ones((5, 5), np.uint8)), (5, 5), 0)
    return cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)


def illumination_spread(gray: np.ndarray) -> float:
    """How uneven the paper's brightness is: (p95 - p5) / p95 of the background."""
    bg = background(gray)[::8, ::8]
    lo, hi = np.percentile(bg, [5, 95])
    return float((hi - lo) / max(hi, 1.0))


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


def clean_for_ocr(gray: np.ndarray) -> np.ndarray:
    """The cleaning that measurably helps Tesseract, each step only where it is needed.

    Measured salt-and-pepper specks are removed (:func:`denoise`), and uneven light is
    divided out (:func:`normalize_illumination`) when the paper's brightness varies by
    more than :data:`ILLUMINATION_SPREAD` across the page. A clean, evenly lit page is returned
    unchanged (the same array). See ``docs/preprocessing.md`` for the measurements.
    """
    out = denoise(gray)
    if illumination_spread(out) > ILLUMINATION_SPREAD:
        out = normalize_illumination(out)
    return out
