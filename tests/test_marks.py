"""Marks over capitals that the image does not have are dropped (ocr.marks)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.marks import drop_phantom_marks, unmarked
from ocr.model import Line, Page, Word

FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
)


def _line(printed: list[str], face: str) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """``printed`` words drawn on one line, and each word's ink box."""
    img = Image.new("L", (900, 160), 235)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(face, 44)
    boxes, x = [], 40
    for text in printed:
        layer = Image.new("L", img.size, 255)
        ImageDraw.Draw(layer).text((x, 50), text, font=font, fill=0)
        ys, xs = np.nonzero(np.asarray(layer) < 128)
        boxes.append((int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1))
        draw.text((x, 50), text, font=font, fill=30)
        x += int(draw.textlength(text + " ", font=font))
    return np.asarray(img), boxes


def _read(read: list[str], boxes: list[tuple[int, int, int, int]]) -> Page:
    words = tuple(Word(t, b, 0.95) for t, b in zip(read, boxes, strict=True))
    return Page(1, 900, 160, (Line(words),))


def test_a_mark_over_a_capital_the_image_lacks_is_dropped() -> None:
    # "PHAN THU MY" read "PHAN THỦ MY" on every document of a dossier.
    for face in FONTS:
        image, boxes = _line(["PHAN", "THU", "MY"], face)
        fixed = drop_phantom_marks(image, _read(["PHAN", "THỦ", "MY"], boxes))
        assert [w.text for w in fixed.words] == ["PHAN", "THU", "MY"], face


def test_marks_the_image_has_are_kept() -> None:
    for face in FONTS:
        printed = ["NGUYỄN", "THỊ", "THỦY"]
        image, boxes = _line(printed, face)
        page = _read(printed, boxes)
        assert drop_phantom_marks(image, page) is page, face
        # the engine's box missed the mark: the ink above the capitals keeps it
        low = [(b[0], boxes[1][1], b[2], b[3]) for b in boxes]
        page = _read(printed, low)
        assert drop_phantom_marks(image, page) is page, face


def test_only_capitals_beside_plain_capitals_are_judged() -> None:
    image, boxes = _line(["Phan", "Thu", "My"], FONTS[0])
    page = _read(["Phan", "Thủ", "My"], boxes)  # mixed case: not judged here
    assert drop_phantom_marks(image, page) is page
    image, boxes = _line(["THU"], FONTS[0])
    page = _read(["THỦ"], boxes)  # no unmarked capitals to measure the height by
    assert drop_phantom_marks(image, page) is page


def test_only_the_marks_above_go() -> None:
    assert unmarked("TRƯỜNG") == "TRƯƠNG"
    assert unmarked("THỊ") == "THỊ"
    assert unmarked("ĐỖ") == "ĐO"
