"""Lines whole-page OCR skipped are found on the image and read again (ocr.recover)."""

from __future__ import annotations

import numpy as np
import pytest

from ocr import reread, tesseract
from ocr.model import Page
from ocr.recover import missed_lines, read_lines, recover
from ocr.reread import GAP, MARGIN, MAX_STRIP, batches
from tests.drawn import rows_image

TEXT = [
    "Tên chủ xe: NGUYỄN VĂN AN",
    "Địa chỉ: Số 142 ngõ 160 đường Lê Duẩn, Hà Nội",
    "Nhãn hiệu: HONDA   Số loại: WAVE",
    "Số khung: RLHJF5800NY123456",
]


def _page() -> np.ndarray:
    return rows_image(TEXT, size=(1600, 700), paper=235, font_px=36, left=80, top=80, step=140)


def test_a_dropped_line_is_found_and_read_back_in_place() -> None:
    image = _page()
    full = tesseract.ocr_page(image, 1, psm=6, dpi=300)
    assert "Duẩn" in full.text
    # As if the layout analysis had thrown the address line away.
    kept = tuple(ln for ln in full.lines if "Duẩn" not in ln.text)
    partial = Page(1, full.width, full.height, kept)
    boxes = missed_lines(image, partial)
    assert boxes and all(200 <= b[1] <= 240 for b in boxes)  # only the address row
    again = recover(image, partial, lang="vie", dpi=300)
    texts = [ln.text for ln in again.lines]
    assert sum("Duẩn" in t for t in texts) == 1
    assert texts.index(next(t for t in texts if "Duẩn" in t)) == 1  # in reading order
    address = next(ln for ln in again.lines if "Duẩn" in ln.text)
    assert 200 <= address.box[1] <= 240  # page coordinates, not the strip's


def test_a_fully_read_page_is_left_as_it_is() -> None:
    image = _page()
    full = tesseract.ocr_page(image, 1, psm=6, dpi=300)
    assert missed_lines(image, full) == []
    assert recover(image, full, lang="vie", dpi=300) is full


def test_many_lines_are_read_in_strips_tesseract_accepts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hard page's 600 candidate lines made a strip 41,002 pixels high, which Tesseract
    does not read (the whole file failed): the boxes go in strips under ``MAX_STRIP``,
    and each box keeps its own words."""
    boxes = [(60, 60 + 10 * i, 1500, 110 + 10 * i) for i in range(700)]
    groups = batches(boxes)
    assert [b for g in groups for b in g] == boxes and len(groups) > 1
    assert all(sum(b[3] - b[1] + 2 * MARGIN + GAP for b in g) + GAP <= MAX_STRIP for g in groups)
    image = _page()
    rows = [(60, 60 + 140 * i, 1500, 130 + 140 * i) for i in range(len(TEXT))]
    whole = read_lines(image, rows, lang="vie", dpi=300)
    monkeypatch.setattr(reread, "MAX_STRIP", 150)  # one line per strip
    assert [len(g) for g in batches(rows)] == [1] * len(TEXT)
    apart = read_lines(image, rows, lang="vie", dpi=300)
    texts = [" ".join(w.text for w in ws) for ws in apart]
    assert texts[1] == " ".join(w.text for w in whole[1]) and "Duẩn" in texts[1]
    assert "RLHJF5800NY123456" in texts[3] and "WAVE" in texts[2] and "NGUYỄN" in texts[0]
    assert all(140 * i <= w.box[1] <= 140 * i + 120 for i, ws in enumerate(apart) for w in ws)
