"""Text lines whole-page OCR skipped, found on the image and read in one extra call.

Tesseract's page layout analysis sometimes drops a whole text line (found with ``--psm 3``:
a long line with a dotted underline under one word, the lower half of a card beside a seal,
a date printed next to a dotted leader; the sparse-text mode the worker now uses, ``--psm
11``, drops fewer). The words are on the page, only the layout step
threw them away; read as a block of lines (``--psm 6``) they come out. This module finds
such lines from the image alone: ink whose connected components have the size of the
page's characters, outside every box the page's OCR returned, grouped into lines. Their
crops are stacked into one strip (:func:`ocr.reread.compose`), read once, and the words
are put back at their place on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

import cv2
import numpy as np

from ocr import components, tesseract
from ocr.clean import shrink
from ocr.engine import Engine
from ocr.model import Box, Line, Page, Word
from ocr.reread import LEFT, MARGIN, batches, compose

#: Word confidence below which a recovered word is dropped (seals and signatures read as
#: text come out with low confidence).
MIN_CONFIDENCE = 0.6


def missed_lines(image: np.ndarray, page: Page) -> list[Box]:
    """Boxes of lines of character-sized ink that ``page`` has no word on."""
    heights = [w.box[3] - w.box[1] for w in page.words if len(w.text) > 1]
    full_h = int(median(heights)) if len(heights) >= 5 else 32
    # Half resolution is enough to see lines of characters and costs a quarter.
    f = 2 if full_h >= 20 else 1
    small = shrink(image, f)
    h = max(4, full_h // f)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    pad = max(1, h // 4)
    for w in page.words:
        x0, y0, x1, y1 = (v // f for v in w.box)
        ink[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad] = 0
    # Ruled lines and frames are not text.
    long_h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, 4 * h), np.uint8))
    long_v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((4 * h, 1), np.uint8))
    ink = cv2.subtract(ink, cv2.bitwise_or(long_h, long_v))
    _, labels, stats, _ = components.with_stats(ink, connectivity=8)
    cw, ch = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    area = stats[:, cv2.CC_STAT_AREA]
    keep = (ch >= 0.35 * h) & (ch <= 1.6 * h) & (cw <= 2.5 * h) & (area >= 0.04 * h * h)
    keep[0] = False
    if not keep.any():
        return []
    chars = (keep[labels] * 255).astype(np.uint8)
    joined = cv2.dilate(chars, np.ones((max(1, h // 6), max(3, h)), np.uint8))
    m, _, boxes, _ = components.with_stats(joined, connectivity=8)
    out: list[Box] = []
    for j in range(1, m):
        x, y, bw, bh = (int(v) for v in boxes[j, :4])
        if bw < 3 * h or bh > 2.2 * h:
            continue
        count = components.labels(chars[y : y + bh, x : x + bw])[0] - 1
        if count >= 4:
            half = max(1, h // 2)
            out.append(((x + half) * f, y * f, (x + bw - half) * f, (y + bh) * f))
    return sorted(out, key=lambda b: (b[1], b[0]))


def read_lines(
    image: np.ndarray,
    boxes: Sequence[Box],
    *,
    lang: str,
    dpi: int | None,
    timeout: float = tesseract.DEFAULT_TIMEOUT_S,
    engine: Engine | None = None,
) -> list[list[Word]]:
    """The words of each of ``boxes``, read in one call per strip (:func:`batches`), in
    page coordinates (words under :data:`MIN_CONFIDENCE` dropped)."""
    return [
        words
        for group in batches(boxes)
        for words in _read_batch(image, group, lang=lang, dpi=dpi, timeout=timeout, engine=engine)
    ]


def _read_batch(
    image: np.ndarray,
    boxes: Sequence[Box],
    *,
    lang: str,
    dpi: int | None,
    timeout: float,
    engine: Engine | None,
) -> list[list[Word]]:
    strip, bands = compose(image, boxes)
    read = tesseract.ocr_page(strip, 1, lang=lang, psm=6, dpi=dpi, timeout=timeout, engine=engine)
    h, w = image.shape[:2]
    out: list[list[Word]] = [[] for _ in boxes]
    for word in read.words:
        if word.confidence < MIN_CONFIDENCE or not word.text.strip():
            continue
        centre = (word.box[1] + word.box[3]) / 2
        for i, ((x0, y0, _x1, _y1), (top, bottom)) in enumerate(zip(boxes, bands, strict=True)):
            if top <= centre < bottom:
                dx = max(0, x0 - MARGIN) - LEFT
                dy = max(0, y0 - MARGIN) - top
                bx0, by0, bx1, by1 = word.box
                box = (
                    min(w, max(0, bx0 + dx)),
                    min(h, max(0, by0 + dy)),
                    min(w, max(0, bx1 + dx)),
                    min(h, max(0, by1 + dy)),
                )
                out[i].append(Word(word.text, box, word.confidence))
                break
    return out


def recover(
    image: np.ndarray,
    page: Page,
    *,
    lang: str,
    dpi: int | None,
    timeout: float = tesseract.DEFAULT_TIMEOUT_S,
    engine: Engine | None = None,
) -> Page:
    """``page`` with the lines its OCR skipped read and added (unchanged when none)."""
    boxes = missed_lines(image, page)
    if not boxes:
        return page
    read = read_lines(image, boxes, lang=lang, dpi=dpi, timeout=timeout, engine=engine)
    # Boxes side by side on one text line ("Địa chỉ:" and its value) make one line.
    rows: list[tuple[Box, list[Word]]] = []
    for box, words in sorted(zip(boxes, read, strict=True), key=lambda bw: bw[0][1]):
        if not words:
            continue
        if rows and _overlap(rows[-1][0], box) > 0.5:
            (x0, y0, x1, y1), ws = rows[-1]
            rows[-1] = ((min(x0, box[0]), y0, max(x1, box[2]), max(y1, box[3])), ws + words)
        else:
            rows.append((box, list(words)))
    if not rows:
        return page
    lines = [*page.lines, *(Line(tuple(sorted(ws, key=lambda w: w.box[0]))) for _, ws in rows)]
    lines.sort(key=lambda ln: (ln.box[1], ln.box[0]))
    return Page(page.number, page.width, page.height, tuple(lines), page.lang)


def _overlap(a: Box, b: Box) -> float:
    """Vertical overlap of two boxes over the smaller one's height."""
    inter = min(a[3], b[3]) - max(a[1], b[1])
    return max(0, inter) / max(1, min(a[3] - a[1], b[3] - b[1]))
