"""Digits and Fs read as letters given back by their strokes (``ocr.shapes``)."""

from __future__ import annotations

import numpy as np
import pytest

from ocr.model import Line, Page, Word
from ocr.shapes import correct_shapes, reread_word
from tests.drawn import code_image

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSerifBold.ttf",
]


def _printed(
    text: str, font: str, noise: float = 0.0
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    return code_image(text, font, font_px=40, paper=235, ink=40, noise=noise, seed=3)


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("noise", [0.0, 12.0])
def test_a_six_read_as_g_is_a_six_and_a_g_stays(font: str, noise: float) -> None:
    # Printed "RLUA6FT02BA007189" read with its 6 as G (Tesseract, DejaVu Sans Bold).
    image, box = _printed("RLUA6FT02BA007189", font, noise)
    assert reread_word(image, Word("RLUAGFT02BA007189", box, 0.82)) == "RLUA6FT02BA007189"
    # The G of an engine code has no bowl: it stays, and so does the 6 read right.
    image, box = _printed("G4LAGD396012", font, noise)
    assert reread_word(image, Word("G4LAGD396012", box, 0.9)) == "G4LAGD396012"


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("noise", [0.0, 12.0])
def test_an_s_with_bowls_is_the_digit_they_make(font: str, noise: float) -> None:
    # "JF86E3242442" read "JFS6E3242442", "RP9KEZ0H5D1795834" read "RPSKEZ…" (here a
    # code whose glyphs do not touch in any face): an S closes no bowl; the S of the
    # code, read right, stays.
    image, box = _printed("JF86E3242442", font, noise)
    assert reread_word(image, Word("JFS6E3242442", box, 0.9)) == "JF86E3242442"
    image, box = _printed("RP9N4Z0H5D1795834", font, noise)
    assert reread_word(image, Word("RPSN4Z0H5D1795834", box, 0.96)) == "RP9N4Z0H5D1795834"
    image, box = _printed("RLHJFS5RXST128091", font, noise)
    assert reread_word(image, Word("RLHJFS5RXST128091", box, 0.9)) == "RLHJFS5RXST128091"


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("noise", [0.0, 12.0])
def test_an_f_read_as_e_is_an_f_and_an_e_stays(font: str, noise: float) -> None:
    # Printed "30F-568.88" and "JF58E9166675" read with the F as E (Tesseract, a bold
    # serif face); the E of the engine code has its foot and stays.
    image, box = _printed("JF58E9166675", font, noise)
    assert reread_word(image, Word("JE58E9166675", box, 0.9)) == "JF58E9166675"
    image, box = _printed("33F", font, noise)
    assert reread_word(image, Word("33E", box, 0.88)) == "33F"
    image, box = _printed("RLHJEB7E0H4736143", font, noise)
    assert reread_word(image, Word("RLHJEB7E0H4736143", box, 0.9)) == "RLHJEB7E0H4736143"


@pytest.mark.parametrize("font", [f for f in FONTS if "Sans" not in f] + [FONTS[0]])
def test_a_slab_serif_i_read_as_t_is_an_i(font: str) -> None:
    # "GRAND I10" read "GRAND T10": the I is barred at both ends, a T only at its top.
    image, box = _printed("I10", font)
    assert reread_word(image, Word("T10", box, 0.9)) == "I10"
    image, box = _printed("T10", font)
    assert reread_word(image, Word("T10", box, 0.9)) == "T10"


def test_only_codes_are_looked_at() -> None:
    image, box = _printed("GIANG FE", FONTS[0])
    page = Page(1, 1100, 100, (Line((Word("GIANG EE", box, 0.9),)),))
    assert correct_shapes(image, page) is page
