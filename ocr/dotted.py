"""Ones the recognizer wrote for a dotted i at the end of a code.

Tesseract's LSTM model reads a lower-case i after digits as the digit 1: the model code
"SH125i" comes out "SH1251", alike on the certificate and the declaration, with high
confidence, so the dossier's agreement makes the error certain. The image tells them
apart in any font: an i is a short stem with a dot above it, two pieces of ink; a 1 is
one piece as tall as the digits beside it. A word that holds a letter and ends in a digit
followed by "1" is rewritten with "i" when its rightmost glyph is such a stem and dot.
Nothing else changes.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from ocr import components
from ocr.model import Page, Word

#: Words to check: a letter somewhere, a digit and then 1 at the end.
_CANDIDATE = re.compile(r"^(?=.*[A-Za-z]).*\d1$")
#: Words lower than this (pixels) are too small to judge.
MIN_HEIGHT = 12
#: The i's stem starts at least this share of the glyphs' height below their top...
STEM_DROP = 0.18
#: ...and its dot is at most this share of that height tall, clear of the stem.
DOT_MAX = 0.3


def _pieces(crop: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Ink components of a word crop as (x0, y0, x1, y1), specks left out."""
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, _, stats, _ = components.with_stats(ink, connectivity=8)
    height = crop.shape[0]
    least = max(2, int((0.04 * height) ** 2))
    return [
        (int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, area in stats[1:n] if area >= least
    ]


def ends_in_dotted_i(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the rightmost glyph in the word box is a dotted i (see the module doc)."""
    x0, y0, x1, y1 = box
    ih, iw = image.shape[:2]
    pad = max(2, (y1 - y0) // 4)
    crop = image[max(0, y0 - pad) : min(ih, y1 + pad), max(0, x0) : min(iw, x1 + 2)]
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    if y1 - y0 < MIN_HEIGHT or crop.size == 0 or int(crop.max()) - int(crop.min()) < 40:
        return False
    pieces = _pieces(crop)
    if len(pieces) < 3:
        return False
    top = min(p[1] for p in pieces)
    bottom = max(p[3] for p in pieces)
    height = bottom - top
    if height < MIN_HEIGHT:
        return False
    last = max(pieces, key=lambda p: p[2])
    # The glyph: the rightmost piece and whatever lies above or below it.
    glyph = [p for p in pieces if min(p[2], last[2]) - max(p[0], last[0]) > 0]
    if len(glyph) != 2:
        return False
    dot, stem = sorted(glyph, key=lambda p: p[1])
    return (
        dot[3] < stem[1]  # apart
        and dot[3] - dot[1] <= DOT_MAX * height
        and stem[1] - top >= STEM_DROP * height
        and stem[3] >= bottom - 0.1 * height  # the stem stands on the baseline
    )


def correct_ones(image: np.ndarray, page: Page) -> Page:
    """``page`` with each code's final 1 that the image shows as a dotted i read as i."""

    def text_of(w: Word) -> str:
        if _CANDIDATE.match(w.text) and ends_in_dotted_i(image, w.box):
            return w.text[:-1] + "i"
        return w.text

    return page.retexted(text_of)
