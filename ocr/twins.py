"""Look-alike characters of a code told apart by the code's own other glyphs.

Tesseract's LSTM model reads some characters of serial numbers as their look-alikes with
high confidence on perfectly printed pages: the 5 of "RLCS5FSF5F1501201" as S, the first
8 of "838094" as 3. Language models and dictionaries cannot help in a serial number, and
the other document of the dossier, printed in the same font, is read alike. But the same
word usually holds the other character too ("...SF5F..."): printed in the same font, at
the same size, by the same printer, and read right there. Glyphs whose ink matches
closely are one character; where such a group was read as two look-alikes, the reading
the rest of the word contradicts loses (:func:`reread_word`). Font-free: only the word's
own glyphs are compared. Nothing else changes.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from ocr import components
from ocr.model import Page, Word

#: The look-alike pairs the recognizer confuses in codes (measured on generated forms).
PAIRS: frozenset[tuple[str, str]] = frozenset(
    {
        (a, b)
        for x, y in (("S", "5"), ("S", "8"), ("3", "8"), ("B", "8"), ("6", "G"))
        for a, b in ((x, y), (y, x))
    }
)
_CONFUSABLE = frozenset(c for pair in PAIRS for c in pair)
#: Words to check: codes of capitals and digits (a hyphen or dot between), six or more.
_CANDIDATE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{5,}$")
#: Glyphs lower than this (pixels) are too small to compare.
MIN_HEIGHT = 14
#: The size glyphs are compared at (width, height).
SIZE = (20, 28)
#: Two glyphs of a word are one character when their shapes correlate at least this
#: much: on the tuning sets' codes read right, one character's glyphs correlated at 0.93
#: or more (5 % quantile), look-alikes at 0.87 at most.
CLOSE = 0.9


def glyphs(crop: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The glyphs of a word crop, left to right, as (x0, y0, x1, y1): ink components,
    specks left out, pieces above or below one another joined."""
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, _, stats, _ = components.with_stats(ink, connectivity=8)
    if n <= 1:
        return []
    largest = int(stats[1:n, cv2.CC_STAT_AREA].max())
    boxes = sorted(
        (int(x), int(y), int(x + w), int(y + h))
        for x, y, w, h, area in stats[1:n]
        if area >= 0.05 * largest
    )
    out: list[tuple[int, int, int, int]] = []
    for b in boxes:
        if out:
            a = out[-1]
            overlap = min(a[2], b[2]) - max(a[0], b[0])
            if overlap > 0.5 * min(a[2] - a[0], b[2] - b[0]):
                out[-1] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                continue
        out.append(b)
    return out


def word_glyphs(
    image: np.ndarray, word: Word
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]] | None:
    """The word's crop (grey) and its glyphs' boxes in it, one per character of its
    text; None where the crop has no contrast or its ink does not split into as many
    glyphs (touching or broken glyphs: no reliable one-to-one match)."""
    x0, y0, x1, y1 = word.box
    ih, iw = image.shape[:2]
    pad = max(2, (y1 - y0) // 6)
    crop = image[max(0, y0 - pad) : min(ih, y1 + pad), max(0, x0 - pad) : min(iw, x1 + pad)]
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    if crop.size == 0 or int(crop.max()) - int(crop.min()) < 40:
        return None
    boxes = glyphs(crop)
    return (crop, boxes) if len(boxes) == len(word.text) else None


def _normalised(crop: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The glyph's ink at ``SIZE``, zero mean, unit norm: its dot product with another
    is their correlation."""
    x0, y0, x1, y1 = box
    glyph = 255.0 - cv2.resize(crop[y0:y1, x0:x1], SIZE, interpolation=cv2.INTER_AREA)
    glyph -= glyph.mean()
    norm = float(np.linalg.norm(glyph))
    return glyph / norm if norm > 0 else glyph


def reread_word(image: np.ndarray, word: Word) -> str:
    """The word's text with its look-alikes read as its own glyphs show them (see the
    module doc); the text as read otherwise.

    Glyphs that match closely (``CLOSE``) are one character. Where such a group was read
    as two characters of a look-alike pair, the reading the word contradicts loses: a
    glyph read so elsewhere in the word that does not match the group ("838094" read
    "338094": the real 3 is unlike the first glyph, which matches the 8; the recognizer
    may read most of a code's 5s as S, but its S is unlike them). Where neither or both
    are contradicted, the reading most of the group has wins, if any."""
    text = word.text
    if not _CANDIDATE.match(text) or not _CONFUSABLE.intersection(text):
        return text
    found = word_glyphs(image, word)
    if found is None:
        return text
    crop, boxes = found
    heights = sorted(y1 - y0 for (_, y0, _, y1), c in zip(boxes, text, strict=True) if c.isalnum())
    tall = heights[len(heights) // 2]
    if tall < MIN_HEIGHT:
        return text
    shapes = {
        i: _normalised(crop, g)
        for i, g in enumerate(boxes)
        if text[i] in _CONFUSABLE and g[3] - g[1] >= 0.8 * tall  # full-height glyphs
    }
    groups = _groups(shapes, boxes, text)
    out = list(text)
    for group in groups:
        labels = sorted({text[i] for i in group})
        if len(labels) != 2 or (labels[0], labels[1]) not in PAIRS:
            continue
        a, b = labels
        # A glyph outside the group read as a or b: that reading is not the group's.
        against = {c for i, c in enumerate(text) if i in shapes and i not in group}
        if (a in against) != (b in against):
            winner = b if a in against else a
        else:
            counts = {c: sum(text[i] == c for i in group) for c in labels}
            if counts[a] == counts[b]:
                continue
            winner = a if counts[a] > counts[b] else b
        for i in group:
            out[i] = winner
    return "".join(out)


def _groups(
    shapes: dict[int, np.ndarray], boxes: list[tuple[int, int, int, int]], text: str
) -> list[set[int]]:
    """Glyphs joined when they match closely and are read alike or as look-alikes."""
    parent = {i: i for i in shapes}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    keys = sorted(shapes)
    for k, i in enumerate(keys):
        wi = boxes[i][2] - boxes[i][0]
        for j in keys[k + 1 :]:
            if text[i] != text[j] and (text[i], text[j]) not in PAIRS:
                continue
            wj = boxes[j][2] - boxes[j][0]
            if abs(wi - wj) > 0.25 * max(wi, wj, 1):
                continue
            if float(np.sum(shapes[i] * shapes[j])) >= CLOSE:
                parent[root(j)] = root(i)
    out: dict[int, set[int]] = {}
    for i in keys:
        out.setdefault(root(i), set()).add(i)
    return [g for g in out.values() if len(g) > 1]


def correct_lookalikes(image: np.ndarray, page: Page) -> Page:
    """``page`` with the look-alikes of its codes read as their own glyphs show them."""
    return page.retexted(lambda w: reread_word(image, w))
