"""A page in which no document is recognised is read again flattened (worker.recognize_upright).

A photocopied card is greyer than the page around it; Tesseract's global threshold then
falls between the two papers and the card's text is lost. Real Tesseract, a drawn page.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

import worker
from extract import classify
from hoso.settings import load
from ocr import clean, orient
from ocr.engine import open_engine
from ocr.model import Line, Page, Word
from ocr.reread import StripReader
from tests.drawn import OWNER, rows_image

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ROWS = [
    "GIẤY PHÉP LÁI XE",
    "Số: 296321150867",
    "Họ tên: NGUYỄN TRỌNG CƯỜNG",
    "Ngày sinh: 03.06.1998",
    "Quốc tịch: Việt Nam",
    "Hạng: B2",
    "Có giá trị đến: 03.06.2033",
]


def _card_on_a_page(paper: int = 175, ink: int = 120, page: int = 235) -> np.ndarray:
    img = Image.new("L", (1700, 2200), page)
    draw = ImageDraw.Draw(img)
    draw.rectangle((250, 300, 1450, 1100), fill=paper)
    font = ImageFont.truetype(FONT, 34)
    for i, text in enumerate(ROWS):
        draw.text((300, 350 + i * 100), text, font=font, fill=ink)
    return np.asarray(img)


def test_flatten_makes_faint_text_on_grey_paper_black_on_white() -> None:
    image = _card_on_a_page()
    flat = clean.flatten(image)
    assert np.median(flat[320:340, 260:1440]) > 245  # the card's paper is white now
    assert np.median(flat[:200, :]) > 245  # and so is the page around it
    assert flat.min() < 200  # the text is still ink


def _sealed_row(seal: int = 150, ink: int = 70, paper: int = 212) -> np.ndarray:
    """A row of print under a grey seal's ring: a red seal scanned in grey lies half-way
    between the print and the paper."""
    img = Image.new("L", (1400, 500), paper)
    draw = ImageDraw.Draw(img)
    draw.ellipse((350, 20, 810, 480), outline=seal, width=9)
    draw.text(
        (100, 215),
        "Ngày sinh / Date of birth: 06.11.1995",
        font=ImageFont.truetype(FONT, 44),
        fill=ink,
    )
    return np.asarray(img)


def test_ink_levels_make_a_grey_seal_paper_and_keep_the_print() -> None:
    image = _sealed_row()
    ring = (slice(240, 260), slice(350, 362))  # the ring's left side, clear of the print
    print_row = (slice(215, 270), slice(830, 1300))  # print clear of the ring

    def otsu_ink(a: np.ndarray) -> np.ndarray:
        return cv2.threshold(a, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1] > 0

    assert otsu_ink(image)[ring].mean() > 0.5  # the ring is ink to Otsu's threshold ...
    out = clean.ink_levels(image)
    assert otsu_ink(out)[ring].mean() < 0.05  # ... and paper once stretched
    kept = otsu_ink(out)[print_row].sum() / otsu_ink(image)[print_row].sum()
    assert kept > 0.8
    assert out[print_row].min() == 0 and np.median(out) == 255
    flat = np.full((50, 50), 200, np.uint8)
    assert clean.ink_levels(flat) is flat  # no ink: unchanged


def test_a_faint_card_is_read_from_its_flattened_copy() -> None:
    settings = load({})
    ocr = open_engine(settings.ocr_engine)
    image = _card_on_a_page()
    first = worker.recognize(image, 1, 300, settings, ocr)
    assert classify.classify_page(first)[0] == classify.UNKNOWN  # the failure itself
    up, page = worker.recognize_upright(orient.Upright(image, 0, 0.0, 1.0), 1, 300, settings, ocr)
    assert classify.classify_page(page)[0] == "driving_license"
    assert "296321150867" in page.text
    assert up.image is not image  # the stored page is the one that was read


def test_a_recognised_page_is_read_once() -> None:
    settings = load({})
    ocr = open_engine(settings.ocr_engine)
    image = _card_on_a_page(paper=250, ink=20, page=250)
    up, page = worker.recognize_upright(orient.Upright(image, 0, 0.0, 1.0), 1, 300, settings, ocr)
    assert classify.classify_page(page)[0] == "driving_license"
    assert up.image is image


def test_a_faint_card_on_its_side_is_read_turned() -> None:
    """Orientation missed (a landscape scan of a faint card): the garbage reading with no
    document in it is read turned a quarter each way, and the turn that reads is kept."""
    settings = load({})
    ocr = open_engine(settings.ocr_engine)
    image = _card_on_a_page(paper=215, ink=150, page=225)
    for quarter, turn in ((1, 90), (3, 270)):
        side = np.ascontiguousarray(np.rot90(image, quarter))
        assert classify.classify_page(worker.recognize(side, 1, 300, settings, ocr))[0] == (
            classify.UNKNOWN
        )
        up, page = worker.recognize_upright(
            orient.Upright(side, 0, 0.0, 0.3), 1, 300, settings, ocr
        )
        assert up.rotation_deg == turn
        assert classify.classify_page(page)[0] == "driving_license"
        assert "296321150867" in page.text


def test_a_faint_card_upside_down_is_read_by_its_flattened_half_turn() -> None:
    """The half-turn recheck reads the page as it is, and a faint card stays garbage that
    way too; the flattened half turn reads."""
    settings = load({})
    ocr = open_engine(settings.ocr_engine)
    image = np.ascontiguousarray(np.rot90(_card_on_a_page(paper=215, ink=150, page=225), 2))
    unflattened = worker.recognize(np.ascontiguousarray(np.rot90(image, 2)), 1, 300, settings, ocr)
    assert classify.classify_page(unflattened)[0] == classify.UNKNOWN  # the failure itself
    up, page = worker.recognize_upright(orient.Upright(image, 0, 0.0, 0.3), 1, 300, settings, ocr)
    assert up.rotation_deg == 180
    assert classify.classify_page(page)[0] == "driving_license"
    assert "296321150867" in page.text


CERTIFICATE = [
    "CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ",
    "Tên chủ xe: NGUYỄN VĂN AN",
    "Nhãn hiệu: TOYOTA    Số loại: VIOS",
    "Loại xe: Ô tô con    Màu sơn: Trắng",
    "Số máy: 2NRX123456",
    "Số khung: RL4B23F00J1234567",
    "Năm sản xuất:    Dung tích:    Số chỗ ngồi:",
]


def _certificate(seats: str | None) -> np.ndarray:
    """Labels of a row with their values on the row under them, as card layouts print
    them; with ``seats``, a lone digit under "Số chỗ ngồi:"."""
    img = Image.new("L", (1700, 1200), 250)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    for i, text in enumerate(CERTIFICATE):
        draw.text((100, 100 + i * 100), text, font=font, fill=20)
    last = 100 + (len(CERTIFICATE) - 1) * 100
    label_x = 100 + draw.textlength("Năm sản xuất:    Dung tích:    ", font=font)
    draw.text((100, last + 50), "2018", font=font, fill=20)
    draw.text(
        (100 + draw.textlength("Năm sản xuất:    ", font=font), last + 50),
        "1496",
        font=font,
        fill=20,
    )
    if seats is not None:
        draw.text((label_x + 20, last + 50), seats, font=font, fill=20)
    return np.asarray(img)


def _drawn(rows: list[str]) -> np.ndarray:
    """``rows`` printed one under another in black on a light page, 300 dpi."""
    return rows_image(rows, size=(1700, 900), paper=250, font_px=34, left=100, top=100, step=100)


def _without(page: Page, text: str) -> Page:
    """The page's reading without the words ``text`` (as whole-page OCR drops a lone digit)."""
    lines = tuple(Line(tuple(w for w in ln.words if w.text != text)) for ln in page.lines)
    return replace(page, lines=tuple(ln for ln in lines if ln.words))


def test_a_value_the_page_reading_dropped_is_read_again_under_its_label() -> None:
    settings = load({})
    ocr = open_engine(settings.ocr_engine)
    image = _certificate("5")
    page = _without(worker.recognize(image, 1, 300, settings, ocr), "5")
    assert "ngồi" in page.text and "5" not in page.text.split()
    reader = StripReader(lambda n: image)
    (_, fields), *_ = worker.extract_spans([page], reader)
    assert fields["seats"].value == "5"
    assert fields["seats"].features.get("reread") == 1.0
    assert fields["seats"].features.get("blank_reread") == 1.0
    assert fields["seats"].page == 1 and fields["seats"].bbox is not None
    # Without a reader the field stays missing; a region blank on the paper reads as
    # nothing.
    (_, alone), *_ = worker.extract_spans([page])
    assert alone["seats"].value is None
    blank = _certificate(None)
    (_, empty), *_ = worker.extract_spans(
        [worker.recognize(blank, 1, 300, settings, ocr)], StripReader(lambda n: blank)
    )
    assert empty["seats"].value is None


CARD = [
    "CĂN CƯỚC CÔNG DÂN",
    "Số: 001078119540",
    "Họ và tên: NGUYỄN HỮU CƯỜNG",
    "Ngày sinh: 07.07.1978",
    "Giới tính: Nam",
    "Quốc tịch: Việt Nam",
]


def _misread(page: Page, wrong: dict[str, str]) -> Page:
    """The page's reading with some words read otherwise."""
    lines = tuple(
        Line(tuple(replace(w, text=wrong.get(w.text, w.text)) for w in ln.words))
        for ln in page.lines
    )
    return replace(page, lines=lines)


def test_a_card_number_read_a_digit_long_under_a_garbled_label_is_read_again() -> None:
    """ "Số:" unreadable and one digit of the number read twice: the search for a lone
    12-digit number finds nothing, the 13-digit run it finds instead is read again from
    its box, and that reading is the card's number."""
    settings = load({})
    ocr = open_engine(settings.ocr_engine)
    image = _drawn(CARD)
    read = worker.recognize(image, 1, 300, settings, ocr)
    assert "001078119540" in read.text
    page = _misread(read, {"Số:": "sø/xo:", "001078119540": "0041078119540"})
    (_, fields), *_ = worker.extract_spans([page], StripReader(lambda n: image))
    assert fields["id_number"].value == "001078119540"
    assert fields["id_number"].features.get("reread") == 1.0
    # Without the second reading a 13-digit run found by its shape is not the number.
    (_, alone), *_ = worker.extract_spans([page])
    assert alone["id_number"].value is None


def test_a_value_well_under_its_label_is_read_whole() -> None:
    """A bold "7" printed a little lower under "Số chỗ ngồi / Seats:" than a line's
    spacing: the region read again reaches down to its foot (cut short, it read as
    nothing here, and as "5" on a generated certificate)."""
    settings = load({})
    ocr = open_engine(settings.ocr_engine)
    img = Image.new("L", (1700, 1200), 235)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    for i, text in enumerate(CERTIFICATE[:-1]):
        draw.text((100, 100 + i * 100), text, font=font, fill=20)
    draw.text((100, 800), "Năm sản xuất: 2021", font=font, fill=20)
    draw.text((800, 800), "Số chỗ ngồi / Seats:", font=font, fill=20)
    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf", 46)
    draw.text((800, 870), "7", font=bold, fill=20)
    image = np.asarray(img)
    page = _without(worker.recognize(image, 1, 300, settings, ocr), "7")
    assert "ngồi" in page.text and "7" not in page.text.split()
    (_, fields), *_ = worker.extract_spans([page], StripReader(lambda n: image))
    assert fields["seats"].value == "7"


def test_a_place_and_date_line_with_its_month_misread_is_settled_by_its_second_reading() -> None:
    """ "tháng 11" read "tháng l1]": the line no longer parses as a date, so the licence
    had no issue date; as a worded date's shape it is read again, and that reading is."""
    settings = load({})
    ocr = open_engine(settings.ocr_engine)
    img = Image.new("L", (1700, 1300), 250)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    for i, text in enumerate([*ROWS, "", "Hà Nội, ngày 12 tháng 11 năm 2019"]):
        draw.text((300, 100 + i * 100), text, font=font, fill=20)
    image = np.asarray(img)
    read = worker.recognize(image, 1, 300, settings, ocr)
    assert "2019" in read.text.split()
    page = _misread(read, {"11": "l1]"})
    (_, alone), *_ = worker.extract_spans([page])
    assert alone["issue_date"].value is None  # no reader: nothing stands for the date
    (_, fields), *_ = worker.extract_spans([page], StripReader(lambda n: image))
    assert fields["issue_date"].value == "2019-11-12"
    assert fields["issue_date"].features.get("reread") == 1.0


def _cut(page: Page, word: str, keep: int) -> Page:
    """The page's reading with ``word`` cut to its first ``keep`` characters, its box cut
    with it (as whole-page OCR drops the end of a number under a seal's ring)."""

    def one(w: Word) -> Word:
        if w.text != word:
            return w
        x0, y0, x1, y1 = w.box
        return Word(w.text[:keep], (x0, y0, x0 + (x1 - x0) * keep // len(word), y1), 0.9)

    return replace(page, lines=tuple(Line(tuple(one(w) for w in ln.words)) for ln in page.lines))


def test_a_value_read_in_part_is_read_again_on_to_the_next_label() -> None:
    """ "001" of "001048164497": its own box holds only those digits; the region from there
    to where the row's next label would start holds the whole number."""
    image = _drawn(OWNER)
    settings = load({})
    page = _cut(
        worker.recognize(image, 1, 300, settings, open_engine(settings.ocr_engine)),
        "001048164497",
        3,
    )
    assert "001048164497" not in page.text and "001" in page.text.split()
    (_, fields), *_ = worker.extract_spans([page], StripReader(lambda n: image))
    assert fields["owner_id_number"].value == "001048164497"


def _title_only(confidence: float) -> Page:
    """A first reading that found the card's title and lost everything else."""
    words = [
        Word(text, (300 + 120 * i, 350, 400 + 120 * i, 390), confidence)
        for i, text in enumerate(("GIẤY", "PHÉP", "LÁI", "XE"))
    ]
    return Page(1, 1700, 2200, (Line(tuple(words)),))


def test_a_poorly_read_page_is_read_again_for_what_the_first_reading_lost() -> None:
    ocr = open_engine(load({}).ocr_engine)
    image = _card_on_a_page()
    reader = StripReader(lambda n: image, engine=ocr)
    poor = _title_only(0.6)
    again = worker.second_readings([poor], reader, {1})
    assert "296321150867" in again[1].text
    labels, docs = worker.extract_documents([poor], reader)
    assert labels[0][0] == "driving_license"
    got = {f.name: f.value for f in docs[0].fields}
    assert got["license_number"] == "296321150867"
    assert got["date_of_birth"] == "1998-06-03"
    assert worker.second_readings([poor], reader, set()) == {}


def _citizen_id(
    confidence: float, *, lost: tuple[str, ...] = (), garbled: tuple[str, ...] = ()
) -> Page:
    """A citizen ID's reading, its rows starting with ``lost`` missing and the values of
    those starting with ``garbled`` read as specks."""
    rows = [
        "CĂN CƯỚC CÔNG DÂN",
        "Số / No.: 001090012345",
        "Họ và tên / Full name: NGUYỄN VĂN AN",
        "Ngày sinh / Date of birth: 12/05/1990",
        "Giới tính / Sex: Nam",
        "Quốc tịch / Nationality: Việt Nam",
        "Quê quán / Place of origin: Xã Vân Nội, Huyện Đông Anh, Hà Nội",
        "Nơi thường trú / Place of residence: Số 5 phố Huế, Quận Hai Bà Trưng, Hà Nội",
        "Có giá trị đến / Date of expiry: 12/05/2030",
    ]
    lines = []
    for i, text in enumerate(r for r in rows if not r.startswith(lost)):
        if text.startswith(garbled):
            text = text.partition(":")[0] + ": ~ }"
        x, out = 100, []
        for part in text.split():
            out.append(Word(part, (x, 100 + 60 * i, x + 18 * len(part), 130 + 60 * i), confidence))
            x += 18 * (len(part) + 1)
        lines.append(Line(tuple(out)))
    return Page(1, 2480, 3508, tuple(lines))


def test_the_pages_read_again_are_the_poorly_read_and_the_doubtful_with_fields_lost() -> None:
    def chosen(page: Page) -> set[int]:
        spans = classify.split_documents([classify.classify_page(page)])
        return worker.doubtful_pages([page], spans)

    below, doubtful = worker.SECOND_LOOK_BELOW, worker.SECOND_LOOK_DOUBTFUL
    assert chosen(_citizen_id(below - 0.05)) == {1}  # poorly read: always
    # Read fairly well: only when the first reading lost fields of its document ...
    fair = (below + doubtful) / 2
    assert chosen(_citizen_id(fair)) == set()
    assert chosen(_citizen_id(fair, garbled=("Ngày sinh", "Số /"))) == {1}
    assert chosen(_citizen_id(fair, garbled=("Ngày sinh",), lost=("Quê quán",))) == {1}
    # ... not fields an older form does not print (a CMND: no sex, nationality, expiry),
    # unless more are missing than such a form lacks.
    cmnd = ("Giới tính", "Quốc tịch", "Có giá trị")
    assert chosen(_citizen_id(fair, lost=cmnd)) == set()
    assert chosen(_citizen_id(fair, lost=(*cmnd, "Quê quán"))) == {1}
    assert chosen(_citizen_id(doubtful + 0.02, garbled=("Ngày sinh", "Số /"))) == set()
    assert chosen(Page(1, 1700, 2200, ())) == set()  # a blank page


def test_an_address_word_the_page_reading_dropped_garbled_or_invented_is_read_again() -> None:
    """A wrapped address is not read again whole: its doubtful words are, with their
    neighbours for context. A word the page reading dropped as a speck comes back from its
    gap, a word garbled at confidence 0 is replaced, and a speck read as a word, which
    reads as nothing on its own, goes."""
    settings = load({})
    ocr = open_engine(settings.ocr_engine)
    rows = [
        *CARD,
        "Nơi thường trú: Số 1, ngách 32/45, ngõ 75 Lĩnh Nam,",
        "Phường Phú La, Quận Hà Đông, Hà Nội",
    ]
    image = rows_image(rows, size=(1700, 900), paper=250, font_px=34, left=100, top=100, step=55)
    read = worker.recognize(image, 1, 300, settings, ocr)
    words = {w.text: w for w in read.words}
    assert {"1,", "75", "Nam,"} <= set(words)
    right = "Số 1, ngách 32/45, ngõ 75 Lĩnh Nam, Phường Phú La, Quận Hà Đông, Hà Nội"
    (_, fields), *_ = worker.extract_spans([read], StripReader(lambda n: image))
    assert fields["place_of_residence"].value == right
    x1 = words["Nam,"].box[2]
    y0, y1 = words["Nam,"].box[1], words["Nam,"].box[3]
    middle = (y0 + y1) // 2
    speck = Word("IS", (x1 + 45, middle, x1 + 60, middle + 5), 0.35)  # a flat speck
    garbled = replace(words["75"], text="HIGIl)", confidence=0.0)
    lines = tuple(
        Line(
            tuple(garbled if w.text == "75" else w for w in ln.words)
            + ((speck,) if words["Nam,"] in ln.words else ())
        )
        for ln in _without(read, "1,").lines
    )
    page = replace(read, lines=lines)
    (_, alone), *_ = worker.extract_spans([page])
    assert alone["place_of_residence"].value == (
        "Số ngách 32/45, ngõ HIGIl) Lĩnh Nam, IS, Phường Phú La, Quận Hà Đông, Hà Nội"
    )
    (_, fields), *_ = worker.extract_spans([page], StripReader(lambda n: image))
    assert fields["place_of_residence"].value == right


def test_the_word_a_wrapped_address_line_ended_with_is_read_again() -> None:
    """The page reading dropped "Chùa" at the end of a residence's first line, the rest
    of the address on the line under it: the end of the line is read again (a street's
    name is on no list that could restore it)."""
    settings = load({})
    ocr = open_engine(settings.ocr_engine)
    rows = [
        "CĂN CƯỚC CÔNG DÂN",
        "Số: 001078119540",
        "Họ và tên: NGUYỄN HỮU CƯỜNG",
        "Nơi thường trú: Số 124, ngách 12/5, ngõ 81 phố Chùa",
        "Bộc, P. Trung Hưng, TX. Sơn Tây, TP Hà Nội",
        "Có giá trị đến: 07.07.2038",
    ]
    image = rows_image(rows, size=(1700, 700), paper=250, font_px=34, left=100, top=100, step=52)
    read = worker.recognize(image, 1, 300, settings, ocr)
    assert "Chùa" in read.text.split()
    page = _without(read, "Chùa")
    (_, alone), *_ = worker.extract_spans([page])
    assert alone["place_of_residence"].value == (
        "Số 124, ngách 12/5, ngõ 81 phố Bộc, P. Trung Hưng, TX. Sơn Tây, TP Hà Nội"
    )
    (_, fields), *_ = worker.extract_spans([page], StripReader(lambda n: image))
    assert fields["place_of_residence"].value == (
        "Số 124, ngách 12/5, ngõ 81 phố Chùa Bộc, P. Trung Hưng, TX. Sơn Tây, TP Hà Nội"
    )
