"""Full stops the recognizer adds where the page has none are dropped (ocr.periods)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.model import Line, Page, Word
from ocr.periods import correct_stops, drop_phantom_stops, has_stop, restore_stops

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
MONO = "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf"


def _word(
    text: str, paper: int = 235, ink: int = 30
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """``text`` drawn on paper, and the box of its ink (as an engine reports it)."""
    img = Image.new("L", (400, 120), paper)
    ImageDraw.Draw(img).text((40, 30), text, font=ImageFont.truetype(FONT, 40), fill=ink)
    arr = np.asarray(img)
    ys, xs = np.nonzero(arr < (paper + ink) // 2)
    return arr, (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)


def test_a_printed_stop_is_found() -> None:
    image, box = _word("TP.")
    assert has_stop(image, box)
    image, box = _word("TT.", paper=170, ink=90)  # a faint photocopy
    assert has_stop(image, box)


def test_no_stop_on_the_page_means_none_in_the_word() -> None:
    image, box = _word("TP")
    assert not has_stop(image, box)
    page = Page(1, 400, 120, (Line((Word("TP.", box, 0.96), Word("Hà", (300, 30, 360, 70), 0.9))),))
    assert [w.text for w in drop_phantom_stops(image, page).words] == ["TP", "Hà"]


def test_only_a_stop_after_a_letter_is_checked() -> None:
    # "1.498" and a lone "." are left as read; so is a real stop.
    image, box = _word("TP")
    page = Page(1, 400, 120, (Line((Word("12.", box, 0.9), Word(".", box, 0.9))),))
    assert drop_phantom_stops(image, page) is page
    image, box = _word("Q.")
    page = Page(1, 400, 120, (Line((Word("Q.", box, 0.9),)),))
    assert drop_phantom_stops(image, page) is page


def test_a_faint_stop_right_of_the_box_is_found() -> None:
    # The engine's box ends at the letter; the stop, printed fainter, sits just right of it.
    img = Image.new("L", (400, 120), 235)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 40)
    draw.text((40, 30), "X", font=font, fill=40)
    letter = np.asarray(img)
    ys, xs = np.nonzero(letter < 135)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    draw.text((box[2] + 2, 30), ".", font=font, fill=140)
    assert has_stop(np.asarray(img), box)


def _line_end(
    text: str, tail: str, face: str = FONT
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """``text`` + ``tail`` drawn on paper, and the box of ``text`` alone: the engine read
    the word without what follows it."""
    img = Image.new("L", (400, 120), 235)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(face, 40)
    draw.text((40, 30), text, font=font, fill=30)
    arr = np.asarray(img)
    ys, xs = np.nonzero(arr < 135)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    if tail:
        draw.text((40 + draw.textlength(text, font=font), 30), tail, font=font, fill=30)
    return np.asarray(img), box


def test_a_stop_the_engine_left_out_after_an_abbreviation_is_restored() -> None:
    # "Thanh Trì, TP." at the end of a line was read "TP": the address then read wrong.
    image, box = _line_end("TP", ".")
    page = Page(1, 400, 120, (Line((Word("TP", box, 0.97),)),))
    assert [w.text for w in restore_stops(image, page).words] == ["TP."]
    image, box = _line_end("Q", ".")
    page = Page(1, 400, 120, (Line((Word("Q", box, 0.97),)),))
    assert [w.text for w in correct_stops(image, page).words] == ["Q."]


def test_a_monospaced_stop_in_the_middle_of_its_cell_is_restored() -> None:
    # "Thanh Xuân, TP. Hà Nội" typed in a monospaced font, "Hà" read as another line: the
    # stop sits 0.6-0.9 of the capitals' height right of the P, and "TP" lost it.
    for face in (MONO, "/usr/share/fonts/truetype/freefont/FreeMono.ttf"):
        image, box = _line_end("TP", ".", face)
        page = Page(1, 400, 120, (Line((Word("TP", box, 0.97),)),))
        assert [w.text for w in restore_stops(image, page).words] == ["TP."], face
        for tail in ("", ",", " H"):
            image, box = _line_end("TP", tail, face)
            page = Page(1, 400, 120, (Line((Word("TP", box, 0.97),)),))
            assert restore_stops(image, page) is page, (face, tail)


def test_no_stop_is_restored_without_one_on_the_page() -> None:
    for tail in ("", ",", "H"):  # nothing, a comma (hangs below the line), a letter
        image, box = _line_end("TP", tail)
        page = Page(1, 400, 120, (Line((Word("TP", box, 0.97),)),))
        assert restore_stops(image, page) is page, tail
    # words that are no unit abbreviation keep what they were read as ("XE" + a speck)
    image, box = _line_end("XE", ".")
    page = Page(1, 400, 120, (Line((Word("XE", box, 0.97),)),))
    assert restore_stops(image, page) is page
