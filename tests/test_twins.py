"""A code's look-alikes read as the code's own other glyphs show them (``ocr.twins``)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from ocr.model import Line, Page, Word
from ocr.twins import PAIRS, correct_lookalikes, reread_word
from tests.drawn import code_image

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationMono-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBoldOblique.ttf",
]


def _code(text: str, font: str, noisy: bool = False) -> tuple[np.ndarray, Word]:
    """``text`` printed on a grey page (grainy if ``noisy``) and a reading of it with its
    box, to be given another text."""
    image, box = code_image(
        text, font, font_px=44, paper=232, ink=45, noise=8.0 if noisy else 0.0, seed=7
    )
    return image, Word(text, box, 0.95)


@pytest.mark.parametrize("font", FONTS)
def test_a_look_alike_contradicted_by_the_codes_own_glyph_is_read_again(font: str) -> None:
    # Two of three 5s read as S (as Tesseract read "RLCS5FSF5F1501201"): the code's own
    # S is unlike them, so they are 5s.
    image, word = _code("RLCS5FSF5F1501201", font)
    assert reread_word(image, Word("RLCSSFSFSF1501201", word.box, 0.96)) == "RLCS5FSF5F1501201"
    # The first 8 read as 3: it matches the other 8, and the real 3 is unlike it.
    image, word = _code("838094", font)
    assert reread_word(image, Word("338094", word.box, 0.96)) == "838094"
    # An 8 read as S, with two 8s read right and no S elsewhere.
    image, word = _code("RP8M6D298LY238621", font)
    assert reread_word(image, Word("RPSM6D298LY238621", word.box, 0.96)) == "RP8M6D298LY238621"


def test_two_glyphs_read_as_two_look_alikes_and_nothing_else_say_nothing() -> None:
    image, word = _code("RLHJF5TW6CY099654", FONTS[0])
    # One G and one 6 of the same shape, nothing else read so: which one is right is
    # not for the glyphs to say.
    misread = Word("RLHJF5TWGCY099654", word.box, 0.96)
    assert reread_word(image, misread) == misread.text


@pytest.mark.parametrize("font", FONTS)
def test_codes_read_right_are_never_changed(font: str) -> None:
    rng = random.Random(font)
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    for k in range(30):
        code = "".join(rng.choice(letters) for _ in range(17))
        image, word = _code(code, font, noisy=k % 2 == 1)
        assert reread_word(image, word) == code


def test_only_codes_are_looked_at() -> None:
    image, word = _code("838094", FONTS[0])
    page = Page(1, 1100, 100, (Line((Word("338094", word.box, 0.96),)),))
    assert [w.text for w in correct_lookalikes(image, page).words] == ["838094"]
    # The same ink under a word that is no code (lowercase, too short): left alone.
    for text in ("338o94", "3380"):
        page = Page(1, 1100, 100, (Line((Word(text, word.box, 0.96),)),))
        assert correct_lookalikes(image, page) is page


def test_pairs_are_symmetric() -> None:
    assert all((b, a) in PAIRS for a, b in PAIRS)
