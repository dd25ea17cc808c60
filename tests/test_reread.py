"""Batched second readings: crops stacked into one strip, read once, mapped back."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.model import Line, Page, Word
from ocr.reread import GAP, MARGIN, StripReader, compose, crop_region, split

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def test_compose_keeps_each_crop_in_its_band() -> None:
    image = np.full((400, 600), 230, dtype=np.uint8)
    image[100:130, 50:250] = 0
    image[300:340, 100:500] = 0
    strip, bands = compose(image, [(50, 100, 250, 130), (100, 300, 500, 340)])
    assert len(bands) == 2 and bands[0][1] + GAP == bands[1][0]
    for (top, bottom), h in zip(bands, (30, 40), strict=True):
        assert bottom - top == h + 12  # the crop and its margins
        assert int(strip[top + 6 : bottom - 6].min()) == 0
    assert int(strip[: bands[0][0]].min()) == 230  # background, not white


def test_a_crop_takes_the_whole_of_a_glyph_its_box_cuts() -> None:
    """An engine's box that misses the left half of a number's first 8 (whose crop then
    read "338094" in both models): the crop reaches out to the whole glyph, and no
    further; a neighbour beyond the margin stays out, and so does a rule."""
    img = Image.new("L", (900, 200), 240)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 44)
    draw.text((300, 60), "838094", font=font, fill=60)
    draw.text((200, 60), "Số:", font=font, fill=60)
    x0, y0, x1, y1 = (int(v) for v in draw.textbbox((300, 60), "838094", font=font))
    image = np.asarray(img)
    ink = int(np.flatnonzero((image[y0:y1, 280:x1] < 150).any(axis=0))[0]) + 280
    left, top, right, bottom = crop_region(image, (ink + 12, y0, x1, y1))
    assert ink - 4 <= left < ink and (top, bottom) == (y0 - MARGIN, y1 + MARGIN)
    assert right == x1 + MARGIN
    assert crop_region(image, (x0, y0, x1, y1)) == (
        x0 - MARGIN,
        y0 - MARGIN,
        x1 + MARGIN,
        y1 + MARGIN,
    )
    ruled = image.copy()
    ruled[y1 + 2 : y1 + 4, 100:800] = 0  # an underline the box's edges cross
    assert crop_region(ruled, (x0, y0, x1, y1 + 3))[0] == x0 - MARGIN


def test_a_crop_takes_a_whole_glyph_just_outside_its_box() -> None:
    """Tesseract boxed "26-04-1977" from its 6, leaving the 2 out (a letter's gap away):
    both readings of the crop read "6-04-1977". The crop takes the 2; the label before
    the value, a word's space away, stays out."""
    img = Image.new("L", (900, 200), 240)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
    draw.text((100, 60), "ngày:", font=font, fill=60)
    draw.text((260, 60), "26-04-1977", font=font, fill=60)
    _, y0, x1, y1 = (int(v) for v in draw.textbbox((260, 60), "26-04-1977", font=font))
    image = np.asarray(img)
    columns = np.flatnonzero((image[y0:y1, 250:x1] < 150).any(axis=0)) + 250
    gaps = np.flatnonzero(np.diff(columns) > 1)
    two_end, six = int(columns[gaps[0]]), int(columns[gaps[0] + 1])  # the 2's end, the 6
    left = crop_region(image, (six, y0, x1, y1))[0]
    two = int(columns[0])
    assert two - 4 <= left < two
    label_end = int(np.flatnonzero((image[y0:y1, 100:250] < 150).any(axis=0))[-1]) + 100
    assert left > label_end and two_end < six


def test_split_assigns_words_by_position() -> None:
    words = (
        Word("A", (30, 30, 60, 60), 0.9),
        Word("B", (30, 110, 60, 140), 0.8),
        Word("C", (80, 32, 120, 58), 0.9),
    )
    page = Page(1, 300, 200, (Line(words),))
    first, second = split(page, [(28, 62), (108, 142)])
    assert [w.text for w in first.words] == ["A", "C"] and [w.text for w in second.words] == ["B"]


def _name_and(second: str) -> np.ndarray:
    """A page with a name at y 80 and ``second`` at y 250, both at x 100."""
    img = Image.new("L", (1400, 400), 245)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 40)
    draw.text((100, 80), "NGUYỄN VĂN AN", font=font, fill=10)
    draw.text((100, 250), second, font=font, fill=10)
    return np.asarray(img)


def test_strip_reader_reads_recorded_boxes_once() -> None:
    image = _name_and("29A-123.45")
    loads: list[int] = []

    def load(n: int) -> np.ndarray:
        loads.append(n)
        return image

    reader = StripReader(load)
    name_box, plate_box = (95, 75, 520, 135), (95, 245, 400, 305)
    assert reader(1, name_box) == () and reader(1, plate_box) == ()  # recording
    reader.read()
    (name,) = reader(1, name_box)
    (plate,) = reader(1, plate_box)
    assert name.text == "NGUYỄN VĂN AN" and plate.text == "29A-123.45"
    assert loads == [1] and reader(1, (0, 0, 5, 5)) == ()
    # The words of a reading are where they stand on the page, not in the strip.
    x0, y0, x1, y1 = next(plate.words).box
    assert abs(x0 - 100) <= 6 and 245 <= y0 < y1 <= 305 and x1 > 300


def test_strip_reader_adds_a_latin_model_reading_for_latin_boxes() -> None:
    image = _name_and("RLHJF5800NY123456")
    reader = StripReader(lambda n: image)
    name_box, vin_box = (95, 75, 520, 135), (95, 245, 600, 305)
    reader(1, name_box)
    reader(1, vin_box, latin=True)
    reader.read()
    (name,) = reader(1, name_box)
    vie, eng = reader(1, vin_box)
    assert (name.lang, vie.lang, eng.lang) == ("vie", "vie", "eng")
    assert name.text == "NGUYỄN VĂN AN"
    assert vie.text == eng.text == "RLHJF5800NY123456"
