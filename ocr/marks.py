"""Marks the recognizer wrote over capitals where the image has none.

Tesseract's Vietnamese model has learned which syllables are common and writes the mark
of the likelier one: a name printed "PHAN THU MY" is read "PHAN THỦ MY" on every document
of a dossier, with high confidence. Over a capital a mark (grave, acute, tilde, hook,
circumflex, breve) is ink above the capitals' height. A word in capitals read with such a
mark, whose box does not rise above the other capitals of its line and whose image has no
ink in the band above them, loses the marks above its letters; the marks below (the dot)
and beside (the horn of Ơ, Ư) are left as read, and so is every word where the image
shows anything above (the correction only ever removes a mark the image plainly does not
have).
"""

from __future__ import annotations

import statistics
import unicodedata

import numpy as np

from ocr.model import Page, Word
from ocr.periods import ink_blobs

#: Combining marks written above a letter.
ABOVE = frozenset("\u0300\u0301\u0303\u0309\u0302\u0306")
#: A mark's ink rises this share of the capitals' height above them at least (measured
#: 0.2-0.4 in the installed fonts at 300 dpi); a box whose top is lower holds no mark.
MARK_RISE = 0.12
#: The band searched for a mark's ink, in shares of the capitals' height above them.
BAND = (0.5, 0.08)
#: Words shorter than this (pixels) are too small to judge.
MIN_HEIGHT = 12


def _letters(text: str) -> str:
    return text.strip(".,:;()")


def _capitals(text: str) -> bool:
    core = _letters(text)
    return len(core) >= 2 and core.isalpha() and core == core.upper()


def _marked(text: str) -> bool:
    return any(c in ABOVE for c in unicodedata.normalize("NFD", text))


def unmarked(text: str) -> str:
    """``text`` without the marks above its letters ("THỦ" → "THU", "NGUYỄN" → "NGUYEN",
    "THỊ" stays, "TRƯỜNG" → "TRƯƠNG")."""
    nfd = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if c not in ABOVE))


def _ink_above(image: np.ndarray, box: tuple[int, int, int, int], top: float, h: float) -> bool:
    """Whether the image shows ink between ``BAND`` shares of ``h`` above ``top`` over the
    word's width (judged by the word's own paper and stroke levels, as a full stop is:
    :func:`ocr.periods.ink_blobs`); True where there is no contrast to judge by."""
    x0, y0, x1, y1 = box
    ih, iw = image.shape[:2]
    ya, yb = max(0, int(top - BAND[0] * h)), max(0, int(top - BAND[1] * h))
    xa, xb = max(0, x0), min(iw, x1)
    word = image[max(0, y0) : min(ih, y1), xa:xb]
    if yb <= ya or xb <= xa or word.size == 0:
        return True  # at the page's edge: nothing to judge by
    blobs = ink_blobs(image[ya:yb, xa:xb], word)
    return blobs is None or any(area >= 3 for *_, area in blobs)


def _line(image: np.ndarray, words: tuple[Word, ...]) -> tuple[Word, ...]:
    capitals = [w for w in words if _capitals(w.text)]
    plain = [w for w in capitals if not _marked(w.text) and w.height >= MIN_HEIGHT]
    if not plain or len(plain) == len(capitals):
        return words
    top = statistics.median(w.box[1] for w in plain)
    h = statistics.median(w.height for w in plain)
    out = []
    for w in words:
        if (
            w in capitals
            and _marked(w.text)
            and w.box[1] >= top - MARK_RISE * h
            and not _ink_above(image, w.box, top, h)
        ):
            w = Word(unmarked(w.text), w.box, w.confidence)
        out.append(w)
    return tuple(out)


def drop_phantom_marks(image: np.ndarray, page: Page) -> Page:
    """``page`` with the marks above capitals that the image does not have removed (see
    the module doc); ``page`` itself when none is."""
    return page.relined(lambda words: _line(image, words))
