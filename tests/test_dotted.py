"""A code's final 1 that the image shows as a dotted i is read as i (``ocr.dotted``)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.dotted import correct_ones, ends_in_dotted_i
from ocr.model import Line, Page, Word

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
]


def _word(text: str, font: str, px: int = 34) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """``text`` printed on a grey page, and the box an engine would draw around it."""
    img = Image.new("L", (400, 120), 235)
    draw = ImageDraw.Draw(img)
    face = ImageFont.truetype(font, px)
    draw.text((40, 40), text, font=face, fill=25)
    x0, y0, x1, y1 = draw.textbbox((40, 40), text, font=face)
    return np.asarray(img), (int(x0), int(y0), int(x1), int(y1))


@pytest.mark.parametrize("font", FONTS)
def test_a_dotted_i_is_told_from_a_one(font: str) -> None:
    image, box = _word("SH125i", font)
    assert ends_in_dotted_i(image, box)
    image, box = _word("SH1251", font)
    assert not ends_in_dotted_i(image, box)
    image, box = _word("RLHJ1", font)
    assert not ends_in_dotted_i(image, box)


def test_only_a_codes_final_one_is_rewritten() -> None:
    font = FONTS[0]
    image, box = _word("SH125i", font)
    page = Page(1, 400, 120, (Line((Word("SH1251", box, 0.96),)),))
    assert [w.text for w in correct_ones(image, page).words] == ["SH125i"]
    # The same ink under a word that is no code: left alone.
    page = Page(1, 400, 120, (Line((Word("20251", box, 0.96),)),))
    assert correct_ones(image, page) is page
    image, box = _word("SH1251", font)
    page = Page(1, 400, 120, (Line((Word("SH1251", box, 0.96),)),))
    assert correct_ones(image, page) is page
