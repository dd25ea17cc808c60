"""Full stops the recognizer wrote where the image has none.

Tesseract's LSTM model has learned that abbreviations end in a full stop and writes one
after "TP" (thành phố), "TT" or "P" even where the page prints "TP Hà Nội" without it; in
an address that is a wrong value read with high confidence. A real full stop is ink: a
small blob on the baseline at the right end of the word's box, or just right of it, often
fainter than the letters (thin, blurred). A word whose text ends in
letter + "." but whose box holds no such blob loses the stop. Nothing else is changed,
and a speck where the stop would be keeps it (the correction only ever removes a stop
that the image plainly does not have).

The opposite happens too: at the end of a text line the model often leaves out the stop
of an abbreviation ("Thanh Trì, TP." read "TP"), and the address is then read wrong with
high confidence. An administrative unit's abbreviation with no punctuation ("TP", "Q"),
followed on its line by a lone dot-sized blob on the baseline before any other ink, gets
its stop back (:func:`restore_stops`).
"""

from __future__ import annotations

import numpy as np

from ocr import components
from ocr.model import Page, Word

#: A full stop is at most this share of the word's box height, in both directions...
DOT_MAX = 0.35
#: ...its bottom in the lowest DOT_BAND of the box, its centre in the right half.
DOT_BAND = 0.45
#: Words shorter than this (pixels) are too small to judge.
MIN_HEIGHT = 10
#: Ink is darker than the paper by this share of the paper-to-stroke contrast.
INK_SHARE = 1 / 3


def ink_blobs(crop: np.ndarray, reference: np.ndarray) -> list[tuple[int, ...]] | None:
    """Ink components of ``crop`` (x, y, w, h, area; at least 2 pixels), with ink judged by
    the paper and stroke levels of ``reference``; None when ``reference`` has too little
    contrast to judge by. A printed stop is a small blob, often fainter than the letters'
    strokes (blurred, thin): anything a third of the way from the paper to the strokes is
    ink."""
    paper, strokes = (float(v) for v in np.percentile(reference, [90, 3]))
    if paper - strokes < 40:
        return None
    ink = np.where(crop < paper - INK_SHARE * (paper - strokes), np.uint8(255), np.uint8(0))
    n, _, stats, _ = components.with_stats(ink, connectivity=8)
    return [tuple(int(v) for v in stats[i]) for i in range(1, n) if stats[i][4] >= 2]


def has_stop(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the word box holds a full stop at its right end (see the module doc)."""
    x0, y0, x1, y1 = box
    h, w = y1 - y0, x1 - x0
    if h < MIN_HEIGHT or w < 2:
        return True
    pad = max(2, h // 2)  # a stop may sit a little right of the box the engine drew
    ih, iw = image.shape[:2]
    ya, yb = max(0, y0), min(ih, y1 + 1)
    xa, xb = max(0, x0), min(iw, x1 + pad)
    crop = image[ya:yb, xa:xb]
    if crop.size == 0:
        return True
    blobs = ink_blobs(crop, crop)
    if blobs is None:
        return True  # no contrast to judge by
    for cx, cy, cw, ch, _ in blobs:
        if cw > DOT_MAX * h or ch > DOT_MAX * h:
            continue
        if cx + cw >= crop.shape[1] and xb < iw:
            continue  # cut by the crop: a piece of the next word's first letter
        bottom = ya + cy + ch
        centre = xa + cx + cw / 2
        if bottom >= y1 - DOT_BAND * h and centre >= x0 + 0.5 * w:
            return True
    return False


def _stop_to_check(text: str) -> bool:
    return len(text) >= 2 and text.endswith(".") and text[-2].isalpha()


def drop_phantom_stops(image: np.ndarray, page: Page) -> Page:
    """``page`` with the full stops that :func:`has_stop` does not find removed."""

    def fix(words: tuple[Word, ...]) -> tuple[Word, ...]:
        return tuple(
            Word(w.text[:-1], w.box, w.confidence)
            if _stop_to_check(w.text) and not has_stop(image, w.box)
            else w
            for w in words
        )

    return page.relined(fix)


#: Words that may be an abbreviation whose stop was not read: the abbreviated
#: administrative units of Vietnamese addresses (thành phố, thị trấn, thị xã, phường,
#: quận, huyện, xã). A speck after a word of a title ("XE") must not become a stop.
ABBREVIATIONS = frozenset({"TP", "TT", "TX", "P", "Q", "H", "X"})
#: A stop restored is about as wide as it is tall (a comma's tail makes it taller).
STOP_ASPECT = 1.6
#: How far below the word's box a stop's bottom may reach (share of the box height): a
#: comma hangs lower.
STOP_BELOW = 0.12
#: How far right of the word's box a stop may lie (share of the box height): a
#: monospaced font centres it in a letter's cell, 0.6-0.9 of the capitals' height from
#: the letter before ("TP." in Liberation Mono and FreeMono); a proportional font puts it
#: within 0.3.
STOP_REACH = 1.0


def stop_after(
    image: np.ndarray, box: tuple[int, int, int, int], next_x: int | None = None
) -> bool:
    """Whether a lone full stop follows the word box on its baseline: the first ink right
    of the box (before ``next_x``, the next word's left edge) is one dot-sized blob whose
    bottom sits on the word's baseline."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    if h < MIN_HEIGHT:
        return False
    ih, iw = image.shape[:2]
    reach = x1 + max(3, int(STOP_REACH * h))
    if next_x is not None:
        reach = min(reach, next_x - 1)
    xa, xb = min(iw, x1 + 1), min(iw, reach)
    ya, yb = max(0, y0 - h // 4), min(ih, y1 + h // 2)
    if xb - xa < 3 or yb <= ya:
        return False
    word = image[max(0, y0) : min(ih, y1 + 1), max(0, x0) : xa]
    crop = image[ya:yb, xa:xb]
    if word.size == 0 or crop.size == 0:
        return False
    blobs = ink_blobs(crop, word)
    if blobs is None or len(blobs) != 1:
        return False  # nothing, or more than a stop (a comma and a speck, a letter)
    cx, cy, cw, ch, _ = blobs[0]
    if cx == 0 or cx + cw >= crop.shape[1] or cy == 0 or cy + ch >= crop.shape[0]:
        return False  # touches the crop's edge: part of something larger
    if cw > DOT_MAX * h or ch > DOT_MAX * h or max(cw, ch) > STOP_ASPECT * min(cw, ch):
        return False
    bottom = ya + cy + ch
    return y1 - DOT_BAND * h <= bottom <= y1 + STOP_BELOW * h


def restore_stops(image: np.ndarray, page: Page) -> Page:
    """``page`` with the stops that :func:`stop_after` finds after abbreviations put back."""

    def fix(words: tuple[Word, ...]) -> tuple[Word, ...]:
        out = list(words)
        for i, w in enumerate(words):
            next_x = words[i + 1].box[0] if i + 1 < len(words) else None
            if w.text in ABBREVIATIONS and stop_after(image, w.box, next_x):
                out[i] = Word(w.text + ".", w.box, w.confidence)
        return tuple(out)

    return page.relined(fix)


def correct_stops(image: np.ndarray, page: Page) -> Page:
    """Stops the image does not have removed, stops it has after abbreviations restored."""
    return restore_stops(image, drop_phantom_stops(image, page))
