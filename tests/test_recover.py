"""Lines whole-page OCR skipped are found on the image and read again (ocr.recover)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr import tesseract
from ocr.model import Page
from ocr.recover import missed_lines, recover

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TEXT = [
    "Tên chủ xe: NGUYỄN VĂN AN",
    "Địa chỉ: Số 142 ngõ 160 đường Lê Duẩn, Hà Nội",
    "Nhãn hiệu: HONDA   Số loại: WAVE",
    "Số khung: RLHJF5800NY123456",
]


def _page() -> np.ndarray:
    img = Image.new("L", (1600, 700), 235)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 36)
    for i, line in enumerate(TEXT):
        draw.text((80, 80 + i * 140), line, font=font, fill=20)
    return np.asarray(img)


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
