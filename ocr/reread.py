"""Second readings of field values, batched: one Tesseract call per page and model, not per field.

Whole-page OCR misreads characters that a reading of the value's own line gets right (and
the other way round). Starting Tesseract once per field would cost more than the page
itself, so the value crops of a page are stacked into one strip image, read once as a
block of single lines, and the words are mapped back to their crops by position. The
rubbings of stamped numbers that a page carries (:mod:`ocr.rubbing`) are read the same
way, in a strip of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from ocr import components, corrections, rubbing, tesseract
from ocr.engine import Engine
from ocr.model import Box, Line, Page, Word

MARGIN = 6  # pixels kept around each value box
GAP = 28  # blank rows between crops in the strip
LEFT = 24
#: The tallest strip read in one call. Tesseract reads no image over 32,767 pixels
#: high: the recovery strip of a hard page's 600 candidate lines (41,002 pixels) failed,
#: and the whole file with it. Taller strips are read in parts.
MAX_STRIP = 16_000


def batches(boxes: Sequence[Box]) -> list[list[Box]]:
    """``boxes`` in order, in groups whose strip stays under :data:`MAX_STRIP` high (a
    box taller than that alone in its group)."""
    out: list[list[Box]] = []
    height = GAP
    for box in boxes:
        tall = box[3] - box[1] + 2 * MARGIN + GAP
        if not out or height + tall > MAX_STRIP:
            out.append([])
            height = GAP
        out[-1].append(box)
        height += tall
    return out


@dataclass
class StripReader:
    """Records which boxes extraction wants re-read, reads them in one call per page, and
    answers :class:`extract.reread.Reader` calls from what it read.

    Boxes of Latin-only values (``latin=True``: codes, numbers) are also read with
    ``latin_lang``, a Latin-script model whose confusions differ from the Vietnamese one's
    (measured on generated forms: it reads monospaced I, F, 6 that ``vie`` reads as T, E,
    G), so that the vote between readings has an independent witness.
    """

    load: Callable[[int], np.ndarray | None]  # the upright page image by page number
    lang: str = "vie"
    dpi: int | None = 300
    timeout: float = tesseract.DEFAULT_TIMEOUT_S
    latin_lang: str | None = "eng"
    engine: Engine | None = None  # None: this process's default (``ocr.engine.default``)
    wanted: dict[tuple[int, Box], bool] = field(default_factory=dict)
    readings: dict[tuple[int, Box], list[Page]] = field(default_factory=dict)
    #: Regions that may hold a rubbing, with the line height of their page.
    rubbings: dict[tuple[int, Box], float] = field(default_factory=dict)
    rubbing_readings: dict[tuple[int, Box], list[Page]] = field(default_factory=dict)
    recording: bool = True

    def __call__(self, page: int, box: Box, latin: bool = False) -> Sequence[Page]:
        if self.recording:
            self.wanted[(page, box)] = self.wanted.get((page, box), False) or latin
            return ()
        return tuple(self.readings.get((page, box), ()))

    def rubbing(self, page: int, box: Box, line_height: float) -> Sequence[Page]:
        """The readings of the rubbing in region ``box`` (:mod:`ocr.rubbing`): none when
        the region holds no rubbing or nothing was read in it."""
        if self.recording:
            self.rubbings[(page, box)] = line_height
            return ()
        return tuple(self.rubbing_readings.get((page, box), ()))

    def read(self) -> None:
        """Read every recorded box; later calls answer from these readings."""
        self.recording = False
        by_page: dict[int, list[Box]] = {}
        for page, box in sorted(self.wanted):
            by_page.setdefault(page, []).append(box)
        rubbings: dict[int, list[Box]] = {}
        for page, box in sorted(self.rubbings):
            rubbings.setdefault(page, []).append(box)
        for page in sorted(set(by_page) | set(rubbings)):
            image = self.load(page)  # once per page: decoding a stored page costs
            if image is None:
                continue
            boxes = by_page.get(page, [])
            if boxes:
                for b, p in zip(boxes, self._read_strip(image, boxes, self.lang), strict=True):
                    self.readings.setdefault((page, b), []).append(p)
            latin = [b for b in boxes if self.wanted[(page, b)]]
            if self.latin_lang and latin:
                for b, p in zip(
                    latin, self._read_strip(image, latin, self.latin_lang), strict=True
                ):
                    self.readings.setdefault((page, b), []).append(p)
            self._read_rubbings(page, image, rubbings.get(page, []))

    def _read_strip(self, image: np.ndarray, boxes: Sequence[Box], lang: str) -> list[Page]:
        """One reading per box, its words' boxes in the page's coordinates."""
        return [p for group in batches(boxes) for p in self._read_batch(image, group, lang)]

    def _read_batch(self, image: np.ndarray, boxes: Sequence[Box], lang: str) -> list[Page]:
        strip, bands, regions = _composed(image, boxes)
        page = tesseract.ocr_page(
            strip, 1, lang=lang, psm=6, dpi=self.dpi, timeout=self.timeout, engine=self.engine
        )
        page = corrections.correct(strip, page)
        origins = [
            (x0 - LEFT, y0 - top) for (x0, y0, _, _), (top, _) in zip(regions, bands, strict=True)
        ]
        return split(page, bands, lang, origins)

    def _read_rubbings(self, page: int, image: np.ndarray, boxes: Sequence[Box]) -> None:
        """The page's rubbings, prepared as dark characters on white, in one strip read
        with the page's model and with the Latin one, restricted to the stamped
        characters; two readings, whose agreement is evidence."""
        found: list[tuple[Box, np.ndarray]] = []
        for x0, y0, x1, y1 in boxes:
            line_height = self.rubbings[(page, (x0, y0, x1, y1))]
            ink = rubbing.prepare(image[y0:y1, x0:x1], line_height)
            if ink is not None:
                found.append(((x0, y0, x1, y1), ink))
        if not found:
            return
        strip, bands = stack([ink for _, ink in found], 255)
        for lang in dict.fromkeys(x for x in (self.lang, self.latin_lang) if x):
            read = tesseract.ocr_page(
                strip,
                1,
                lang=lang,
                psm=6,
                dpi=self.dpi,
                timeout=self.timeout,
                engine=self.engine,
                whitelist=rubbing.CHARSET,
            )
            for (box, _), one in zip(found, split(read, bands, lang), strict=True):
                if one.words:
                    self.rubbing_readings.setdefault((page, box), []).append(one)


def compose(image: np.ndarray, boxes: Iterable[Box]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Stack the crops of ``boxes`` (:func:`crop_region`) into one strip; return it and
    each crop's row band."""
    strip, bands, _ = _composed(image, boxes)
    return strip, bands


def _composed(
    image: np.ndarray, boxes: Iterable[Box]
) -> tuple[np.ndarray, list[tuple[int, int]], list[Box]]:
    """:func:`compose`, and the page region each crop was cut from."""
    h, w = image.shape[:2]
    background = int(np.median(image[:: max(1, h // 200), :: max(1, w // 200)]))
    regions = [crop_region(image, box) for box in boxes]
    strip, bands = stack([image[y0:y1, x0:x1] for x0, y0, x1, y1 in regions], background)
    return strip, bands, regions


#: A crop reaches out to the whole of a glyph the box cuts, up to this share of the
#: box's height on each side ...
REACH = 0.5
#: ... and to a glyph just outside the box, as far from it as letters of a word are
#: apart (this share of the box's height; a word space is 0.5 or more): Tesseract boxed
#: "26-04-1977" from its 6, 0.22 of the height right of the 2, and both second readings
#: of the crop read "6-04-1977".
NEAR = 0.3


def crop_region(image: np.ndarray, box: Box) -> Box:
    """The region read for ``box``: the box with ``MARGIN`` around it, widened to the
    whole of the glyphs the box cuts and of a glyph just outside it (``NEAR``). An
    engine's word box may miss part of a glyph at the word's end (the left half of
    "838094"'s first 8: its crop read "338094" in both models), or the whole of one;
    pieces of ink that only lie near the box are left out."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = box
    top, bottom = max(0, y0 - MARGIN), min(h, y1 + MARGIN)
    left, right = max(0, x0 - MARGIN), min(w, x1 + MARGIN)
    tall = y1 - y0
    for reach, outside in ((REACH, False), (REACH + NEAR + 1.0, True)):
        wide0, wide1 = max(0, left - int(reach * tall)), min(w, right + int(reach * tall))
        window = image[top:bottom, wide0:wide1]
        if window.size == 0 or window.ndim != 2 or int(window.max()) - int(window.min()) < 40:
            break
        _, ink = cv2.threshold(window, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        n, _, stats, _ = components.with_stats(ink, connectivity=8)
        inner0, inner1 = x0 - wide0, x1 - wide0  # the box in the window's columns
        for cx, _, cw, ch, _ in stats[1:n]:
            if ch < 0.4 * tall or cw > 2 * tall:
                continue  # a speck, a rule or an underline: no glyph
            if not outside:
                if cx < inner0 < cx + cw:  # a glyph the box's left edge cuts
                    left = min(left, wide0 + int(cx) - 2)
                if cx < inner1 < cx + cw:
                    right = max(right, wide0 + int(cx + cw) + 2)
            elif ch >= 0.6 * tall and 0 <= inner0 - (cx + cw) <= NEAR * tall:
                left = min(left, wide0 + int(cx) - 2)  # a whole glyph just before it
            elif ch >= 0.6 * tall and 0 <= cx - inner1 <= NEAR * tall:
                right = max(right, wide0 + int(cx + cw) + 2)
    return max(0, left), top, min(w, right), bottom


def stack(crops: Sequence[np.ndarray], background: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The ``crops`` one under another on ``background``; the strip and each crop's band."""
    width = max((c.shape[1] for c in crops), default=1) + 2 * LEFT
    height = sum(c.shape[0] + GAP for c in crops) + GAP
    strip = np.full((height, width), background, dtype=np.uint8)
    bands = []
    y = GAP
    for c in crops:
        strip[y : y + c.shape[0], LEFT : LEFT + c.shape[1]] = c
        bands.append((y, y + c.shape[0]))
        y += c.shape[0] + GAP
    return strip, bands


def split(
    page: Page,
    bands: Sequence[tuple[int, int]],
    lang: str | None = None,
    origins: Sequence[tuple[int, int]] | None = None,
) -> list[Page]:
    """The words of the strip's reading that fall in each band, as one-line pages; with
    ``origins`` (the strip's offset from each crop's page), their boxes moved back to the
    page's coordinates."""
    out: list[list[Word]] = [[] for _ in bands]
    for word in page.words:
        centre = (word.box[1] + word.box[3]) / 2
        for i, (top, bottom) in enumerate(bands):
            if top - GAP / 2 <= centre < bottom + GAP / 2:
                if origins is not None:
                    dx, dy = origins[i]
                    x0, y0, x1, y1 = word.box
                    word = Word(word.text, (x0 + dx, y0 + dy, x1 + dx, y1 + dy), word.confidence)
                out[i].append(word)
                break
    return [
        Page(
            1,
            page.width,
            bottom - top,
            (Line(tuple(sorted(ws, key=lambda w: w.box[0]))),) if ws else (),
            lang,
        )
        for ws, (top, bottom) in zip(out, bands, strict=True)
    ]
