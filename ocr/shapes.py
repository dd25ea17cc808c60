"""Look-alikes of a code told apart by a stroke one of them has and the other lacks.

Tesseract's models read some glyphs of serial numbers and plates as their look-alikes
with high confidence and in every reading (page, strip, Latin model alike): the 6 of
"RLUA6FT02BA007189" as G in a bold sans face, the 8 of "JF86E…" as S, the F of
"30F-568.88" and "JF58E…" as E in a bold serif one, the slab-serif I of "GRAND I10" as
T, on clean 300 dpi pages. Language and position cannot tell them apart in a VIN, an
engine code, a model code or a plate series, where both are allowed. Their strokes can,
whatever the face: a 6 closes a bowl in its lower half where a G is open at the right,
an 8 closes two where an S closes none, an E has an arm along the baseline where an F
has only its stem (and a serif), and an upright I's foot is as wide as its top where a
T's is not. A glyph read "G" in a code whose ink encloses a low bowl is a 6; one read
"S" with two bowls an 8 (one high up: a 9; one low: a 6); one read "E" whose foot is as
narrow as an F's is an F; one read "T" barred at both ends an I. Nothing else changes:
a glyph whose strokes do not say otherwise keeps its reading.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from ocr import components
from ocr.model import Page, Word
from ocr.twins import MIN_HEIGHT, word_glyphs

#: Words looked at: capitals and digits (a dot or hyphen between), at least one digit.
CODE = re.compile(r"^(?=.*\d)[A-Z0-9][A-Z0-9.\-]*$")
#: The smallest bowl, as a share of the glyph's box: specks of paper inside a stroke of a
#: noisy scan are smaller. A 6's bowl takes 10-20 % of its box in the faces installed.
MIN_BOWL = 0.04
#: A low bowl's centre lies this far down the glyph or lower (a 6's about two thirds
#: down, the lower one of an 8 0.68-0.76 on the tuning sets), a high one's above ``HIGH``
#: (a 9's, an 8's upper one at 0.18-0.25).
LOW = 0.55
HIGH = 0.45
#: The glyph's bottom and top bands (a share of its height) and the share of its width
#: their ink spans: an E's arms span it all (0.9-1.0 on the tuning sets' codes), an F's
#: foot, serif included, 0.5-0.64, while its top arm spans it all.
BAND = 0.15
FOOT = 0.75
ARM = 0.8
SLAB = 0.9


def _bowls(ink: np.ndarray) -> list[float]:
    """The heights of the centres of the bowls ``ink`` (a glyph's box, ink = 255)
    encloses, as shares of the glyph's height, top to bottom."""
    h, w = ink.shape
    paper = np.pad(255 - ink, 1, constant_values=255)
    n, labels, stats, centroids = components.with_stats(paper, connectivity=4)
    border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])))
    return sorted(
        (float(centroids[i][1]) - 1) / h
        for i in range(1, n)
        if i not in border and stats[i, cv2.CC_STAT_AREA] >= MIN_BOWL * h * w
    )


def _closed(read: str, ink: np.ndarray) -> str:
    """What a glyph read ``read`` (G or S, letters with no bowl) is by its bowls: a G
    with a low one is a 6; an S with two is an 8, with one high up a 9, low down a 6."""
    bowls = _bowls(ink)
    if read == "G":
        return "6" if bowls and bowls[-1] >= LOW else read
    if len(bowls) == 2 and bowls[0] < HIGH and bowls[1] >= LOW:
        return "8"
    if len(bowls) == 1:
        return "9" if bowls[0] < HIGH else "6" if bowls[0] >= LOW else read
    return read


def _span(band: np.ndarray) -> float:
    """The share of a band's columns holding ink."""
    return float((band.max(axis=0) > 0).mean()) if band.size else 0.0


def _foot_missing(ink: np.ndarray) -> bool:
    """``ink`` (a glyph read "E") has its top arm but no arm along the baseline."""
    h = ink.shape[0]
    band = max(1, int(BAND * h))
    return _span(ink[:band]) >= ARM and _span(ink[h - band :]) < FOOT


def _barred_both_ends(ink: np.ndarray) -> bool:
    """``ink`` (a glyph read "T") is as wide at its foot as at its top: a slab-serif I
    (a T's foot, serifs included, spans 0.7 of its width at most in the faces
    installed; an upright I's bars span it all)."""
    h = ink.shape[0]
    band = max(1, int(BAND * h))
    return _span(ink[:band]) >= SLAB and _span(ink[h - band :]) >= SLAB


def reread_word(image: np.ndarray, word: Word) -> str:
    """The word's text with each G or S whose glyph closes bowls read as the digit they
    make, each E whose glyph has no foot read as F, each T barred at both ends as I."""
    text = word.text
    if not set("GEST").intersection(text) or not CODE.match(text):
        return text
    found = word_glyphs(image, word)
    if found is None:
        return text
    crop, boxes = found
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    out = list(text)
    for i, (c, (gx0, gy0, gx1, gy1)) in enumerate(zip(text, boxes, strict=True)):
        if c not in "GEST" or gy1 - gy0 < MIN_HEIGHT:
            continue
        glyph = ink[gy0:gy1, gx0:gx1]
        if c == "E":
            out[i] = "F" if _foot_missing(glyph) else c
        elif c == "T":
            out[i] = "I" if _barred_both_ends(glyph) else c
        else:
            out[i] = _closed(c, glyph)
    return "".join(out)


def correct_shapes(image: np.ndarray, page: Page) -> Page:
    """``page`` with the digits, Fs and Is of its codes given back."""
    return page.retexted(lambda w: reread_word(image, w))
