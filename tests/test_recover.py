"""Lines whole-page OCR skipped are found on the image and read again (ocr.recover)."""

from __future__ import annotations

import numpy as np

from ocr import tesseract
from ocr.model import Page
from ocr.recover import missed_lines, recover
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
