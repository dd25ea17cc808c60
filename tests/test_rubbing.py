"""Rubbings of stamped engine and chassis numbers (``ocr.rubbing``, ``extract.rubbings``):
found under their titles, read, and used as a witness of the typed value.

Real Tesseract on drawn pages; the rubbings are the fixtures' (``fixtures.marks.rubbing``:
grey grain, light characters).
"""

from __future__ import annotations

import random
import shutil

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import worker
from extract import rubbings
from extract import values as V
from extract.fields import RUBBING, ExtractedField, analyse_document
from extract.reread import vote
from fixtures.marks import rubbing as draw_rubbing
from hoso.settings import load
from ocr import rubbing, tesseract
from ocr.engine import open_engine
from ocr.model import Line, Page, Word
from ocr.reread import StripReader

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="no tesseract")

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ENGINE = "JA39E4970996"
VIN = "RLHJA54DX9E722622"
LH = 34  # line height of the drawn pages' 30 px text, as the layout measures it


def _declaration(chassis_typed: bool = True, rubbings_pasted: bool = True) -> np.ndarray:
    """A declaration's vehicle rows and its two rubbing boxes, 300 dpi, gray."""
    img = Image.new("L", (2480, 1800), 245)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 30)
    rows = [
        "GIẤY KHAI ĐĂNG KÝ XE",
        "Tên chủ xe: NGUYỄN VĂN AN",
        "Nhãn hiệu: HONDA        Số loại: WAVE ALPHA",
        f"Số máy 1: {ENGINE}",
        f"Số khung: {VIN}" if chassis_typed else "Số khung:",
        "Tôi xin cam đoan về nội dung khai trên là đúng",
    ]
    for i, text in enumerate(rows):
        draw.text((150, 100 + i * 80), text, font=font, fill=30)
    rng = random.Random(7)
    top = 700
    for (x0, x1), title, number in (
        ((150, 1210), "Nơi dán bản chà số máy", ENGINE),
        ((1270, 2330), "Nơi dán bản chà số khung", VIN),
    ):
        draw.rectangle((x0, top, x1, top + 400), outline=30, width=3)
        draw.text(((x0 + x1) / 2, top + 30), title, font=font, fill=30, anchor="mt")
        if rubbings_pasted:
            img.paste(
                draw_rubbing(x1 - x0 - 80, 200, number, rng).convert("L"), (x0 + 40, top + 120)
            )
    return np.asarray(img)


def _read(image: np.ndarray) -> Page:
    settings = load({})
    return worker.recognize(image, 1, 300, settings, open_engine(settings.ocr_engine))


def test_a_rubbing_is_found_and_made_dark_characters_on_white() -> None:
    image = _declaration()
    region = image[790:1110, 150:1210]  # under the engine box's title
    box = rubbing.locate(region, LH)
    assert box is not None
    x0, y0, x1, y1 = box
    # The pasted rubbing is 980 × 200 at (40, 30) in this region.
    assert abs(x0 - 40) < 20 and abs(y0 - 30) < 20 and abs(x1 - 1020) < 20 and abs(y1 - 230) < 20
    ink = rubbing.prepare(region, LH)
    assert ink is not None and set(np.unique(ink)) <= {0, 255}
    dark = float(np.mean(ink == 0))
    assert 0.03 < dark < 0.3  # characters, not grain
    assert np.mean(ink[:, :20] == 0) < 0.02  # no grain left along the edges


def test_regions_without_a_rubbing_hold_none() -> None:
    image = _declaration(rubbings_pasted=False)
    assert rubbing.locate(image[790:1110, 150:1210], LH) is None  # an empty box
    assert rubbing.locate(image[80:520, 100:1400], LH) is None  # lines of print
    seal = np.full((400, 1000), 240, np.uint8)
    yy, xx = np.mgrid[:400, :1000]
    seal[(yy - 200) ** 2 + (xx - 500) ** 2 < 180**2] = 120  # round and dark: a seal
    assert rubbing.locate(seal, LH) is None


def test_the_strip_reader_reads_each_rubbing_with_both_models() -> None:
    image = _declaration()
    reader = StripReader(lambda n: image)
    boxes = [(150, 790, 1210, 1110), (1210, 790, 2330, 1110), (150, 80, 1400, 520)]
    for box in boxes:
        assert reader.rubbing(1, box, LH) == ()  # recording
    reader.read()
    engine_readings = reader.rubbing(1, boxes[0], LH)
    chassis_readings = reader.rubbing(1, boxes[1], LH)
    assert [p.lang for p in engine_readings] == ["vie", "eng"]
    assert {V.engine_value(p.text, {}).value for p in engine_readings} == {ENGINE}
    assert {V.chassis_value(p.text, {}).value for p in chassis_readings} == {VIN}
    assert reader.rubbing(1, boxes[2], LH) == ()  # print, no rubbing: nothing read


def test_the_rubbing_regions_lie_under_their_titles() -> None:
    layout = analyse_document("registration_declaration", [_read(_declaration())]).layouts[0]
    (engine,) = rubbings.regions(layout, "engine_number")
    (chassis,) = rubbings.regions(layout, "chassis_number")
    assert engine[2] == chassis[0]  # split halfway between the two titles
    assert 700 < engine[1] < 800 and engine[3] > 1040  # from the title down past the rubbing
    assert engine[0] < 190 and chassis[2] > 2290  # each holds its whole rubbing


def _words(*rows: tuple[int, str]) -> Page:
    lines = []
    for y, text in rows:
        x, words = 150, []
        for part in text.split():
            if part == "|":
                x += 300
                continue
            words.append(Word(part, (x, y, x + 20 * len(part), y + 30), 0.95))
            x += 20 * len(part) + 15
        lines.append(Line(tuple(words)))
    return Page(1, 2480, 3508, tuple(lines))


def test_a_title_read_in_part_is_the_box_of_the_other_number() -> None:
    """ "Nơi dán bản chà số ntáy" is found only as the titles' common start; beside the
    chassis box's title it can only be the engine box's."""
    page = _words(
        (100, "Số khung: RLHJA54DX9E722622"),
        (700, "Nơi dán bản chà số ntáy | Nơi dán bản chà số khung"),
    )
    layout = analyse_document("registration_declaration", [page]).layouts[0]
    (engine,) = rubbings.regions(layout, "engine_number")
    (chassis,) = rubbings.regions(layout, "chassis_number")
    assert engine[2] == chassis[0] and engine[0] < chassis[0]
    alone = _words((700, "Nơi dán bản chà số ntáy"))
    layout = analyse_document("registration_declaration", [alone]).layouts[0]
    assert rubbings.regions(layout, "engine_number") == []  # which box: unknown


def test_a_chassis_number_the_typed_line_lost_is_read_from_its_rubbing() -> None:
    image = _declaration(chassis_typed=False)
    page = _read(image)
    assert VIN not in page.text.replace(" ", "")
    (_, alone), *_ = worker.extract_spans([page])
    assert alone["chassis_number"].value != VIN and not alone["chassis_number"].valid
    (_, fields), *_ = worker.extract_spans([page], StripReader(lambda n: image))
    chassis = fields["chassis_number"]
    assert chassis.value == VIN
    assert chassis.features["label_tier"] == RUBBING
    assert chassis.bbox is not None and chassis.bbox[1] > 700  # the rubbing's region
    assert fields["engine_number"].value == ENGINE  # typed, and its rubbing agrees


def _field(value: str) -> ExtractedField:
    return ExtractedField(value, value, 0.9, 1, (0, 0, 10, 10), True, (), {"ocr_mean": 0.9})


def _reading(text: str, lang: str = "vie") -> Page:
    return Page(1, 100, 30, (Line((Word(text, (0, 0, 90, 30), 0.9),)),), lang)


def test_a_rubbing_settles_a_disagreement_but_never_outvotes_agreeing_readings() -> None:
    typed, other = "RLHJA54DX9E722622", "RLHJAS4DX9E722622"
    agreed = vote(_field(typed), V.chassis_value, {}, [_reading(typed)], copies=[_reading(other)])
    assert agreed.value == typed
    # The typed value's readings disagree (the Latin model weighs twice): the rubbing's
    # reading settles it for the value it shares.
    split = vote(
        _field(typed),
        V.chassis_value,
        {},
        [_reading(other, "eng")],
        latin=True,
        copies=[_reading(typed), _reading(typed, "eng")],
    )
    assert split.value == typed


def test_the_whitelist_restricts_what_both_engines_read() -> None:
    img = Image.new("L", (900, 120), 250)
    ImageDraw.Draw(img).text((20, 30), "Số: AB-1234", font=ImageFont.truetype(FONT, 48), fill=20)
    image = np.asarray(img)
    for kind in ("cli", "api"):
        engine = open_engine(kind)
        free = tesseract.ocr_page(image, 1, psm=7, engine=engine).text
        digits = tesseract.ocr_page(image, 1, psm=7, engine=engine, whitelist="0123456789").text
        assert "Số" in free
        assert digits and set(digits.replace(" ", "")) <= set("0123456789")
        # The whitelist is set on every call, not kept for the next one.
        assert tesseract.ocr_page(image, 1, psm=7, engine=engine).text == free


def test_a_long_title_with_its_marks_misread_is_found_without_a_colon() -> None:
    """Five words or more matching letter for letter are the title, whatever their marks;
    shorter labels without a colon still need their marks (a name folds to a label)."""
    page = _words((700, "Nơi đân bán chà số khung"), (800, "NGUYỄN QUÂN"))
    layout = analyse_document("registration_declaration", [page]).layouts[0]
    assert [h.wording for h in layout.hits] == ["Nơi dán bản chà số khung"]
    assert rubbings.regions(layout, "chassis_number")
