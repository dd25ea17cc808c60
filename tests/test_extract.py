"""Classification and layout-aware field extraction (extract.classify / layout / fields).

Unit tests build the engine-neutral model by hand (so OCR mistakes, merged columns and
split lines are exactly what the test says); one test per doc type runs real Tesseract on
a page drawn with the fixture renderer's primitives.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence

import numpy as np
import pytest

from extract.classify import START_CONFIDENCE, Span, classify_page, split_documents
from extract.fields import MISSING, ExtractedField, extract_fields, vocabulary
from extract.gazetteer import listed_place
from extract.labels import FIELD_LABELS
from extract.layout import analyse
from extract.reread import vote
from extract.rows import Token, build_rows, split_word
from extract.values import (
    address_value,
    certificate_number_value,
    chassis_value,
    color_value,
    engine_value,
    expiry_value,
    license_class_value,
    misworded_date,
    name_value,
    nationality_value,
    owner_id_value,
    vehicle_type_value,
)
from hoso.schema import field_names
from ocr.model import Line, Page, Word

CHAR_W = 18
HEIGHT = 30

Segment = tuple[int, str] | tuple[int, str, float]


def words(y: int, segments: Sequence[Segment]) -> list[Word]:
    """Words of ``segments`` (x, text[, confidence]) on the text line at ``y``."""
    out = []
    for seg in segments:
        x, text = seg[0], seg[1]
        conf = seg[2] if len(seg) > 2 else 0.95
        for part in text.split():
            out.append(Word(part, (x, y, x + CHAR_W * len(part), y + HEIGHT), conf))
            x += CHAR_W * (len(part) + 1)
    return out


def page(*rows: tuple[int, Sequence[Segment]], number: int = 1) -> Page:
    """A page with one Tesseract line per row."""
    return Page(number, 2480, 3508, tuple(Line(tuple(words(y, segs))) for y, segs in rows))


def values(doc_type: str, *pages: Page) -> dict[str, str | None]:
    return {k: f.value for k, f in extract_fields(doc_type, list(pages)).items()}


# -- layout --------------------------------------------------------------------------------


def test_split_word_separates_label_colon_and_leaders() -> None:
    assert [t.text for t in split_word(Word("tên:NGUYỄN", (0, 0, 200, 30), 0.9))] == [
        "tên:",
        "NGUYỄN",
    ]
    assert [t.text for t in split_word(Word("Số/No.:", (0, 0, 140, 30), 0.9))] == ["Số/", "No.:"]
    assert [t.text for t in split_word(Word("HONDA.......", (0, 0, 240, 30), 0.9))] == [
        "HONDA",
        ".......",
    ]
    # Dates and codes keep their slashes.
    assert [t.text for t in split_word(Word("12/05/1990", (0, 0, 200, 30), 0.9))] == ["12/05/1990"]
    # Leader dots are narrow: the VIN before them took 55 % of this word's box (a third
    # of it, by characters, cut the VIN's second reading after "XP").
    vin, dots = split_word(Word("RLCUG0S4XPZ506105" + "." * 34, (820, 0, 1613, 30), 0.55))
    assert 1250 <= vin.box[2] == dots.box[0] <= 1290


def test_a_label_glued_to_its_neighbour_keeps_its_column_below() -> None:
    """Two labels side by side, values below; OCR glued the second label's first word to
    the first label ("expiruê quán"), so only "Place of origin" is found, right of where
    the value starts. The expiry stops at the gap between the columns and the origin
    takes the words that run on left of its found label."""
    p = page(
        (1766, [(329, "Có giá trị đến / Date of expiruê quán / Place of origin:")]),
        (1807, [(330, "18-11-2035"), (803, "Hiệp An, Kinh Môn, Hải Dương")]),
    )
    got = values("citizen_id", p)
    assert got["expiry_date"] == "2035-11-18"
    assert got["place_of_origin"] == "Hiệp An, Kinh Môn, Hải Dương"
    # With no label beside it on its row, a label's column does not reach left: the
    # words there are another line's (a title that happens to hold a label's words).
    lone = page(
        (1766, [(1043, "Place of origin:")]),
        (1807, [(803, "Hiệp An, Kinh Môn, Hải Dương")]),
    )
    alone = values("citizen_id", lone)["place_of_origin"]
    assert alone is not None and alone.endswith("Hải Dương") and "Hiệp" not in alone


def test_rows_follow_word_boxes_not_tesseract_lines() -> None:
    left = words(100, [(100, "Nhãn hiệu: HONDA")])
    right = words(104, [(1300, "Số loại: WAVE ALPHA")])
    below = words(160, [(100, "Loại xe: Xe mô tô")])
    # Tesseract put the right column in one line with the row below, and split the left.
    p = Page(
        1, 2480, 3508, (Line(tuple(left[:1])), Line(tuple(left[1:])), Line(tuple(right + below)))
    )
    rows = build_rows(tok for w in p.words for tok in split_word(w))
    texts = [" ".join(t.text for t in r.tokens) for r in rows]
    assert texts == ["Nhãn hiệu: HONDA Số loại: WAVE ALPHA", "Loại xe: Xe mô tô"]


def test_rows_follow_a_slightly_skewed_line() -> None:
    toks = [
        Token(f"w{i}", f"W{i}", (100 + 200 * i, 100 + 6 * i, 260 + 200 * i, 130 + 6 * i), 0.9)
        for i in range(10)
    ]
    rows = build_rows(toks)
    assert len(rows) == 1 and len(rows[0].tokens) == 10


def test_a_word_box_several_lines_tall_does_not_pull_the_next_line_into_its_row() -> None:
    """The card's photo read as a word ("đà", five lines tall) beside "Quê quán:": the
    first word of the value's line, left of "quán:", stays on its own row."""
    photo = Word("đà", (452, 905, 759, 1067), 0.39)
    label = [Word("Quê", (831, 905, 894, 934), 0.95), Word("quán:", (905, 905, 989, 940), 0.96)]
    value = words(949, [(873, "Kim Chính, Kim Sơn, Ninh Bình")])
    p = Page(1, 2480, 3508, (Line((photo,)), Line(tuple(label)), Line(tuple(value))))
    rows = build_rows(tok for w in p.words for tok in split_word(w))
    texts = [" ".join(t.text for t in r.tokens) for r in rows]
    assert "đà Quê quán:" in texts and "Kim Chính, Kim Sơn, Ninh Bình" in texts
    assert values("citizen_id", p)["place_of_origin"] == "Kim Chính, Kim Sơn, Ninh Bình"


def test_a_nationality_at_the_right_edge_runs_on_to_the_next_line() -> None:
    """ "Việt" ends the line and "Nam" is under it: the one-line reading is half a
    nationality, the wrapped one is the nationality. A word of another line after "Việt"
    is not a country."""
    p = page(
        (1440, [(928, "Giới tính / Sex: Nam"), (1518, "Quốc tịch / Nationality: Việt")]),
        (1482, [(1520, "Nam")]),
    )
    assert values("citizen_id", p)["nationality"] == "Việt Nam"
    assert not nationality_value("Việt Nguyễn", {}).valid


def test_a_kind_of_vehicle_with_an_open_parenthesis_runs_on_to_the_next_line() -> None:
    """ "Ô tô tải (pickup" is cut short where the line ends; its rest is under it."""
    p = page(
        (1000, [(150, "Nhãn hiệu: TOYOTA"), (1400, "Loại xe: Ô tô tải (pickup")]),
        (1042, [(1562, "cabin kép)")]),
    )
    assert values("registration_certificate", p)["vehicle_type"] == ("Ô tô tải (pickup cabin kép)")
    assert not vehicle_type_value("Ô tô tải (pickup", {}).valid


def test_a_model_codes_litres_keep_their_point() -> None:
    from extract.values import model_code_value

    assert model_code_value("CAMRY 2 5Q", {}).value == "CAMRY 2.5Q"
    assert model_code_value("COROLLA CROSS 1 8HV", {}).value == "COROLLA CROSS 1.8HV"
    for kept in ("VESPA LX 125", "CX 5 2 0", "CAMRY 2.5Q", "GRAND I10"):
        assert model_code_value(kept, {}).value == kept


def test_a_motorbike_seat_count_over_three_is_a_misread_count() -> None:
    from extract.values import seats_value

    assert seats_value("68", {"vehicle_type": "Xe mô tô"}).valid is False
    assert seats_value("02", {"vehicle_type": "Xe mô tô"}).value == "2"
    assert seats_value("02", {"vehicle_type": "Xe mô tô"}).valid is True
    assert seats_value("45", {"vehicle_type": "Ô tô khách"}).valid is True
    assert seats_value("45", {}).valid is True  # no kind read: no limit


def test_a_kind_of_vehicle_read_without_its_first_word_is_the_kind_it_ends() -> None:
    """ "mô tô" under a seal that took "Xe": the one listed kind it is the end of."""
    assert (vehicle_type_value("mô tô", {}).value, vehicle_type_value("mô tô", {}).valid) == (
        "Xe mô tô",
        True,
    )
    assert vehicle_type_value("mô tô hai bánh", {}).value == "Xe mô tô hai bánh"
    assert vehicle_type_value("Xe mô tô", {}).value == "Xe mô tô"
    assert vehicle_type_value("tải van", {}).value == "tải van"  # a kind's end, not its rest
    # The English half of its label read before it ("Type" as "r„pe").
    assert vehicle_type_value("r„pe Xe mô tô", {}).value == "Xe mô tô"
    assert vehicle_type_value("Loại Xe mô tô", {}).value == "Loại Xe mô tô"


def test_the_english_half_on_the_line_under_a_label_is_not_a_label_of_its_own() -> None:
    """ "Nơi thường trú:" (read with one error) with its value beside it, "Place of
    residence" under it and the value's second line under that: the value is both lines,
    not the line after the English half."""
    p = page(
        (1610, [(923, "Nơi thường tú: Số 71 ngõ 79 phố Bà Triệu, Phường Tây Mỗ,")]),
        (1662, [(922, "Place of residence")]),
        (1700, [(922, "Quận Nam Từ Liêm, Thành phố Hà Nội")]),
    )
    assert values("citizen_id", p)["place_of_residence"] == (
        "Số 71 ngõ 79 phố Bà Triệu, Phường Tây Mỗ, Quận Nam Từ Liêm, Thành phố Hà Nội"
    )


def test_an_english_half_read_with_digits_for_letters_is_still_the_label() -> None:
    """ "⁄ 0wner's fu11 name!" after "Tên chủ xe": a fraction slash, 0 for O, 1 for l. A
    word of digits after an English half stays the value ("0'" before a CMND number)."""
    p = page((680, [(243, "Tên chủ xe ⁄ 0wner's fu11 name! KHUẤT VĂN HƯNG")]))
    assert values("registration_declaration", p)["owner_name"] == "KHUẤT VĂN HƯNG"
    p = page((893, [(306, "Số định danh (personal ip): 0' 73777929")]))
    owner_id = values("registration_certificate", p)["owner_id_number"]
    assert owner_id is not None and owner_id.startswith("0")


def test_a_piece_of_the_english_half_before_the_value_is_not_the_value() -> None:
    """The English half read in part or misread ("rype-", "Brond", "colo.") between the
    label and the value; Vietnamese values in small letters are kept whole."""
    p = page(
        (100, [(100, "Nhãn hiệu / Brond YAMAHA"), (1300, "Màu sơn / colo. Đen - Bạc")]),
        (160, [(100, "Loại xe / rype- Ô tô con")]),
    )
    got = values("registration_certificate", p)
    assert (got["brand"], got["color"], got["vehicle_type"]) == ("YAMAHA", "Đen - Bạc", "Ô tô con")
    p = page((100, [(100, "Màu sơn: Xanh - Đen")]), (160, [(100, "Tên chủ xe: Phạm Xuân Giang")]))
    got = values("registration_declaration", p)
    assert (got["color"], got["owner_name"]) == ("Xanh - Đen", "Phạm Xuân Giang")


def test_a_bar_beside_the_label_does_not_hide_the_value_under_it() -> None:
    """A vertical rule read as "|" runs from the label's row into the value's: the row
    under "Loại xe:" is still the value's, not one beside the label."""
    p = Page(
        2,
        2480,
        3508,
        (
            Line(tuple(words(1580, [(542, "Loại xe:"), (1569, "Màu sơn:")]))),
            Line((Word("|", (1526, 1559, 1548, 1689), 0.4),)),
            Line(tuple(words(1629, [(541, "Xe mô tô"), (1568, "Vàng")]))),
        ),
    )
    got = values("registration_certificate", p)
    assert (got["vehicle_type"], got["color"]) == ("Xe mô tô", "Vàng")


def test_licence_classes_after_a_label_read_as_another_word() -> None:
    """ "Hạng:" read as "Động:" (the class then runs into the place-and-date line), or not
    read at all with the English "Class" under it: the class codes are still found."""
    p = page(
        (1860, [(553, "Động: A1, B2 Hà Nội, ngày 27 tháng 4 năm 2021")]),
    )
    assert values("driving_license", p)["license_class"] == "A1; B2"
    p = page((1084, [(572, "B2"), (1718, "GIÁM ĐỐC")]), (1129, [(486, "Class")]))
    assert values("driving_license", p)["license_class"] == "B2"
    # A word with a colon before something that is no class code finds nothing.
    p = page((1860, [(553, "Động: Anh Hà Nội, ngày 27 tháng 4 năm 2021")]))
    assert values("driving_license", p)["license_class"] is None


def test_licence_classes_after_hang_without_its_colon_or_alone_on_their_row() -> None:
    """ "Hạng D" (the one-word label needs its colon to count as a label anywhere), and
    "A1; A2; B2" alone on a row whose label the reading lost; a lone letter there is not
    taken (a speck read as "E")."""
    p = page((1000, [(300, "Hạng D")]), (1050, [(300, "Có giá trị đến: 10/08/2030")]))
    assert values("driving_license", p)["license_class"] == "D"
    p = page((1000, [(900, "A1; A2; B2")]), (1050, [(300, "Có giá trị đến: 10/08/2030")]))
    assert values("driving_license", p)["license_class"] == "A1; A2; B2"
    p = page((1000, [(900, "E")]), (1050, [(300, "Có giá trị đến: 10/08/2030")]))
    assert values("driving_license", p)["license_class"] is None
    # "Hạng" read with a letter wrong over a fold ("Hạny-"): the codes after it; the words
    # one letter from it on other rows ("Hạnh phúc", "tháng 10") give none.
    p = page((1000, [(300, "Hạny- A3")]), (1050, [(300, "Có giá trị đến: 10/08/2030")]))
    assert values("driving_license", p)["license_class"] == "A3"
    p = page((1000, [(300, "Độc lập - Tự do - Hạnh phúc")]), (1050, [(300, "ngày 2 tháng 10")]))
    assert values("driving_license", p)["license_class"] is None


def test_a_first_class_whose_separator_was_read_as_a_colon_is_kept() -> None:
    # "A1;" read "Aí:": the colon's token is no English remnant when the list goes on.
    p = page((1000, [(300, "Hạng:"), (700, "Aí: À2; B2")]))
    assert values("driving_license", p)["license_class"] == "A1; A2; B2"
    # A remnant of the English half before a value that is no list still goes.
    p = page((1000, [(300, "Số loại"), (500, "code): WAVE ALPHA")]))
    assert values("registration_certificate", p)["model_code"] == "WAVE ALPHA"


def test_a_value_centred_under_a_long_english_half_is_the_labels() -> None:
    """ "Năm sản xuất / Year of manufacture:" with the year under the end of its English
    half, further right than four line heights past the Vietnamese words."""
    p = page(
        (
            1254,
            [(477, "Năm sản xuất / Year of manufacture:"), (1300, "Dung tích / Capacity: 2198 cc")],
        ),
        (1305, [(1000, "2019")]),
    )
    assert values("registration_certificate", p)["manufacture_year"] == "2019"


def test_the_rest_of_the_english_half_before_a_far_value_is_stepped_over() -> None:
    """ "Số loại / Model code" matched to "Model", with "code" left and the value far to
    the right of it: the gap after "code" does not end the value before it starts."""
    p = page(
        (1640, [(378, "Nhãn hiệu / Brand"), (688, "YAMAHA"), (1301, "Số loại / Model code")]),
        (1700, [(378, "Loại xe / Type"), (688, "Xe mô tô")]),
    )
    p = Page(1, 2480, 3508, (*p.lines, Line(tuple(words(1634, [(1800, "SIRIUS")])))))
    assert values("registration_certificate", p)["model_code"] == "SIRIUS"


def test_a_value_found_by_its_shape_alone_must_validate() -> None:
    """ "Điện thoại:" with nothing after it; the phone search finds the owner's 9-digit
    CMND elsewhere on the page, which no phone number is: the phone stays empty."""
    p = page(
        (917, [(213, "016714087"), (1602, "5.7.2008")]),
        (997, [(170, "Điện thoại:"), (1261, "Email:")]),
        (1128, [(172, "Số tờ khai hải quan:")]),
    )
    assert values("registration_declaration", p)["phone"] is None


def test_a_wrapped_address_does_not_run_into_the_place_and_date_line() -> None:
    """A licence's address fills its line to the edge; the line under it is the place
    and date above the director's signature, not the address's next line."""
    p = page(
        (900, [(932, "Nơi cư trú: Số 226, ngách 47/35, ngõ 266 Tây Sơn,")]),
        (950, [(953, "Phường Yên Hòa, Quận Cầu Giấy, Thành phố Hà Nội")]),
        (1000, [(953, "Hà Nội, ngày 24 tháng 01 năm 2023 GIÁM ĐỐC")]),
    )
    assert values("driving_license", p)["address"] == (
        "Số 226, ngách 47/35, ngõ 266 Tây Sơn, Phường Yên Hòa, Quận Cầu Giấy, Thành phố Hà Nội"
    )


def test_label_with_ocr_errors_and_english_half() -> None:
    p = page(
        (100, [(100, "Nhän hiêu / Brand: HONDA")]),
        (160, [(100, "Sô khung (Chassis N°): RLHJF5800NY123456")]),
        (220, [(100, "Năm sán xuất: 2019")]),
    )
    got = values("registration_certificate", p)
    assert got["brand"] == "HONDA"
    assert got["chassis_number"] == "RLHJF5800NY123456"
    assert got["manufacture_year"] == "2019"


def test_two_labels_on_one_line() -> None:
    p = page((100, [(100, "Nhãn hiệu: HONDA"), (1300, "Số loại: WAVE ALPHA")]))
    got = values("registration_certificate", p)
    assert got["brand"] == "HONDA"
    assert got["model_code"] == "WAVE ALPHA"


def test_value_on_the_line_below_within_the_label_column() -> None:
    p = page(
        (100, [(100, "Họ và tên / Full name:"), (1300, "Giới tính / Sex:")]),
        (150, [(120, "NGUYỄN VĂN AN"), (1320, "Nam")]),
    )
    got = values("citizen_id", p)
    assert got["full_name"] == "NGUYỄN VĂN AN"
    assert got["sex"] == "Nam"


def test_english_half_on_its_own_line_is_not_the_value() -> None:
    p = page(
        (100, [(100, "Quê quán:")]),
        (140, [(100, "Place of origin", 0.6)]),
        (190, [(100, "Yết Kiêu, Gia Lộc, Hải Dương")]),
    )
    assert values("citizen_id", p)["place_of_origin"] == "Yết Kiêu, Gia Lộc, Hải Dương"


def test_wrapped_address_continues_on_the_next_line() -> None:
    first = "Số 12 ngõ 34 phố Huế, phường Hai Bà Trưng, quận Hai Bà Trưng, thành phố"
    p = page(
        (100, [(100, f"Nơi thường trú: {first}")]),
        (140, [(100, "Hà Nội")]),
        (200, [(100, "Có giá trị đến: 12/05/2030")]),
    )
    got = values("citizen_id", p)
    assert got["place_of_residence"] == f"{first} Hà Nội"
    assert got["expiry_date"] == "2030-05-12"


def test_an_address_line_cut_by_words_the_reading_dropped_runs_on_past_the_gap() -> None:
    """A seal's ring through the address's first line: the page reading dropped "ngõ 229
    đường" and left a gap wider than a column's; the words past it, up to the next
    label, are still the address (it ends only with its province), and it wraps."""
    p = page(
        (100, [(100, "Tên chủ xe: NGUYỄN VĂN AN")]),
        (160, [(100, "Địa chỉ: Số 15 ng"), (700, "Hoàng Quốc Việt, phường Kim Liên, quận")]),
        (200, [(120, "Đống Đa, Hà Nội")]),
        (260, [(100, "Số CCCD/CMND: 001090012345")]),
    )
    assert values("registration_certificate", p)["owner_address"] == (
        "Số 15 ng Hoàng Quốc Việt, phường Kim Liên, quận Đống Đa, Hà Nội"
    )
    # A value of another column whose label was not read, past a gap, is not taken
    # when the address before it is whole.
    p = page(
        (160, [(100, "Địa chỉ: Số 15 phố Huế, Hà Nội"), (1500, "0912345678")]),
        (260, [(100, "Số CCCD/CMND: 001090012345")]),
    )
    assert values("registration_certificate", p)["owner_address"] == "Số 15 phố Huế, Hà Nội"


def test_a_speck_between_two_lines_of_an_address_does_not_end_it() -> None:
    """A stamp's fragment read "tiêm" at 0.31 between the first line and the next, which
    lies as near: the address still wraps. Specks with nothing after them end it."""
    p = page(
        (610, [(170, "Địa chỉ:"), (1004, "Số 100, ngách 2/88, Phường Hàng Gai, Quận Hoàn")]),
        (632, [(1029, "tiêm", 0.31)]),
        (655, [(1005, "Kiếm, Thành phố Hà Nội")]),
        (720, [(170, "Số CMND/CCCD/Hộ chiếu của chủ xe: 022632938")]),
    )
    assert values("registration_declaration", p)["owner_address"] == (
        "Số 100, ngách 2/88, Phường Hàng Gai, Quận Hoàn Kiếm, Thành phố Hà Nội"
    )


def test_a_narrow_column_wraps_an_address_over_five_lines() -> None:
    p = page(
        (850, [(875, "Số:"), (1305, "796156705107")]),
        (909, [(874, "Nơi cư trú"), (1304, "Số 222, ngách 66/37, ngõ")]),
        (949, [(1307, "123 Hoàng Quốc Việt,")]),
        (989, [(1303, "Phường Hàng Gai, Quận")]),
        (1029, [(1303, "Hoàn Kiếm, Thành phố Hà")]),
        (1069, [(1303, "Nội")]),
        (1130, [(875, "Hạng:"), (1300, "A1")]),
    )
    assert values("driving_license", p)["address"] == (
        "Số 222, ngách 66/37, ngõ 123 Hoàng Quốc Việt, Phường Hàng Gai, Quận Hoàn Kiếm,"
        " Thành phố Hà Nội"
    )


def test_specks_far_right_of_the_text_do_not_cut_a_wrapped_address() -> None:
    """A phone photo's desk beside the card reads as letters at confidence 0: the text's
    right edge is where its lines end, so the address's first line is full and wraps."""
    first = "Xóm 8, Thị trấn Chúc Sơn, Huyện"
    p = page(
        (100, [(100, "Nơi ĐKHK thường trú:"), (500, first), (2300, "_1x.Í", 0.0)]),
        (140, [(110, "Chương Mỹ, Thành phố Hà Nội"), (2250, "cu.", 0.0)]),
        (200, [(100, "Dân tộc: Kinh"), (2300, "v", 0.0)]),
    )
    assert values("citizen_id", p)["place_of_residence"] == (f"{first} Chương Mỹ, Thành phố Hà Nội")


def test_wrapped_value_steps_over_the_english_half_read_as_a_label() -> None:
    # The chip card prints "Place of residence" under "Nơi thường trú:"; the address
    # wraps below it. The English line is found as a label of the same field.
    p = page(
        (100, [(100, "Nơi thường trú:"), (400, "Số 224, ngách 28/12, ngõ 276 Lê")]),
        (140, [(100, "Place of residence", 0.6)]),
        (180, [(100, "Duẩn, phường Kim Giang, quận Thanh Xuân, TP. Hà Nội")]),
    )
    assert values("citizen_id", p)["place_of_residence"] == (
        "Số 224, ngách 28/12, ngõ 276 Lê Duẩn, phường Kim Giang, quận Thanh Xuân, TP. Hà Nội"
    )


def test_wrapped_value_steps_over_an_english_half_read_in_part() -> None:
    # ... and when only its last word is found as the label, its first words read garbled
    # ("Pliace of"): they are the rest of that label, not the address's second line.
    p = page(
        (100, [(100, "Nơi thường trú:"), (400, "Số 222, ngách 22/84, ngõ 138 Minh")]),
        (140, [(100, "Pliace of", 0.6), (280, "residence", 0.6)]),
        (180, [(100, "Khai, Phường Thành Công, Quận Ba Đình, Thành phố Hà Nội")]),
    )
    assert values("citizen_id", p)["place_of_residence"] == (
        "Số 222, ngách 22/84, ngõ 138 Minh Khai, Phường Thành Công, Quận Ba Đình, Thành phố Hà Nội"
    )


def test_the_rest_of_a_longer_wording_read_without_its_colon_is_label() -> None:
    # "Nơi ĐKHK thường trú:" with its last letters and colon under a seal ("thường tr",
    # "thường t*¿"): the short wording "Nơi ĐKHK" is found, and the words after it are
    # the rest of the label, not the address's first words.
    for tail in ("tr", "t*¿", "trú"):
        p = page(
            (100, [(100, f"Nơi ĐKHK thường {tail}"), (700, "Số 87 ngõ 180 đường Tam Trinh,")]),
            (140, [(100, "P. Yên Nghĩa, Q. Hà Đông, TP Hà Nội")]),
        )
        assert values("citizen_id", p)["place_of_residence"] == (
            "Số 87 ngõ 180 đường Tam Trinh, P. Yên Nghĩa, Q. Hà Đông, TP Hà Nội"
        )


def test_words_of_a_list_are_no_label() -> None:
    # "Nam, X." folds one letter from the label "Năm SX": a comma the label lacks says
    # it is the list of an address, which runs on past it.
    p = page(
        (100, [(100, "Nơi ĐKHK thường trú:"), (560, "Thôn Nam, X. Tiền")]),
        (140, [(100, "Phong, H. Mê Linh, TP Hà Nội")]),
    )
    assert values("citizen_id", p)["place_of_residence"] == (
        "Thôn Nam, X. Tiền Phong, H. Mê Linh, TP Hà Nội"
    )


def test_a_wrapped_line_keeps_its_first_word_set_low() -> None:
    # The second line's first word, its box drawn down by a mark below, lies as much
    # beside "Không thời hạn" (the left column's value) as beside the rest of its line;
    # the recognizer read it in that line, and a column gap parts it from the left one.
    top = words(100, [(100, "Có giá trị đến:"), (900, "Nơi thường trú:")])
    top += words(100, [(1200, "Tổ dân phố 18, X. Tiền Phong, H.")])
    first = Word("Mê", (900, 138, 940, 196), 0.97)
    p = Page(
        1,
        2480,
        3508,
        (
            Line(tuple(top)),
            Line(tuple(words(135, [(100, "Không thời hạn")]))),
            Line((first, *words(156, [(960, "Linh, TP Hà Nội")]))),
        ),
    )
    assert values("citizen_id", p)["place_of_residence"] == (
        "Tổ dân phố 18, X. Tiền Phong, H. Mê Linh, TP Hà Nội"
    )


def test_a_line_across_the_page_is_no_value_of_a_column() -> None:
    # The lone "2" under "Số chỗ ngồi:" was not read; the pledge under the row runs
    # through the column, a word's gap from its words left of it.
    p = page(
        (100, [(100, "Dung tích:"), (800, "Số chỗ ngồi:"), (1500, "Năm sản xuất:")]),
        (150, [(110, "125cm3"), (1510, "2019")]),
        (220, [(100, "Tôi xin cam đoan về nội dung khai trên là đúng và hoàn toàn chịu trách")]),
    )
    assert values("registration_declaration", p)["seats"] is None


def test_a_code_whose_letters_were_read_apart_is_one_code() -> None:
    # "RANGER" printed letter-spaced, read "RAN G E R": the pieces are a quarter of a
    # glyph apart, a space is half a glyph or more ("GRAND I10").
    def code(y: int, *pieces: tuple[int, str]) -> list[Word]:
        return [Word(t, (x, y, x + CHAR_W * len(t), y + HEIGHT), 0.93) for x, t in pieces]

    label = words(100, [(100, "Số loại:")])
    spaced = code(100, (600, "RAN"), (658, "G"), (680, "E"), (702, "R"))
    p = Page(1, 2480, 3508, (Line(tuple(label + spaced)),))
    assert values("registration_certificate", p)["model_code"] == "RANGER"
    p = page((100, [(100, "Số loại: GRAND I10")]))
    assert values("registration_certificate", p)["model_code"] == "GRAND I10"


def test_a_label_word_read_unsure_and_boxed_tall_is_no_speck() -> None:
    # "Địa chỉ:" read "Địa chi:", its last word at confidence 0 in a box as tall as the
    # marks above and below the line: a speck is not spelled with a colon after it.
    label = [Word("Địa", (100, 90, 150, 150), 0.79), Word("chi:", (160, 90, 200, 150), 0.0)]
    value = words(100, [(300, "Số 82, ngách 28/57, ngõ 47 Tam Trinh, Hà Nội")])
    p = Page(1, 2480, 3508, (Line((*label, *value)),))
    assert values("registration_declaration", p)["owner_address"] == (
        "Số 82, ngách 28/57, ngõ 47 Tam Trinh, Hà Nội"
    )


def test_a_wrapped_address_stops_at_a_label_read_without_its_colon() -> None:
    # "Hạng:" read "Hạng" under a licence's address: a label all the same, as it is
    # spelt with its marks ("Hàng Gai" on the line before is not).
    p = page(
        (100, [(100, "Nơi cư trú: Số 77 ngõ 272 phố Kim Mã, phường")]),
        (140, [(100, "Hàng Gai, quận Hoàn Kiếm, TP. Hà Nội")]),
        (178, [(100, "Hạng EE")]),
    )
    assert values("driving_license", p)["address"] == (
        "Số 77 ngõ 272 phố Kim Mã, phường Hàng Gai, quận Hoàn Kiếm, TP. Hà Nội"
    )


def test_a_word_reaching_into_a_region_is_held_there() -> None:
    # "Điện thoại:" starting just inside the end of an address's line: the region holds
    # it though its centre lies beyond (a crop there would take its first letter).
    from extract.layout import analyse

    p = page((100, [(100, "Số 236 phố Hàng Bông, P."), (1786, "Điện thoại:")]))
    lay = analyse(p, vocabulary("registration_declaration"))
    assert lay.holds_words((1600, 100, 1800, 130))
    assert not lay.holds_words((1600, 100, 1780, 130))


def test_a_make_read_with_a_letter_wrong_is_the_listed_make() -> None:
    from extract.values import Parsed, brand_value

    assert brand_value("HYUNDAT", {}) == Parsed("HYUNDAI", True)
    assert brand_value("T0YOTA", {}) == Parsed("TOYOTA", True)
    assert brand_value("MERCEDES BENZ", {}).value == "MERCEDES BENZ"  # as printed
    assert brand_value("HO N DA", {}).value == "HONDA"  # read in pieces
    # Short makes are taken only as they are; a reading near two makes, or near none,
    # and one in small letters stay as read.
    assert brand_value("KIB", {}).value == "KIB"
    assert brand_value("THACCO", {}).value == "THACO"
    assert brand_value("TEACO", {}).value == "TEACO"  # one edit from TERACO and THACO
    assert brand_value("MAZDAX", {}).value == "MAZDA"
    assert brand_value("Hyundat", {}).value == "Hyundat"
    assert brand_value("CÔNG TY CỔ PHẦN Ô TÔ", {}).value == "CÔNG TY CỔ PHẦN Ô TÔ"
    # The start of a make, its end lost, is doubtful.
    assert brand_value("HOND", {}) == Parsed("HOND", False, ("the start of a make: cut short",))
    assert brand_value("HY", {}).valid is False
    assert brand_value("MITSUBISH", {}).value == "MITSUBISHI"  # one letter from the make
    # Its O and U swapped by a worn print, or its first letter lost.
    assert brand_value("TUYUTA", {}) == Parsed("TOYOTA", True)
    assert brand_value("ONDA", {}) == Parsed("HONDA", True)
    assert brand_value("ONDO", {}).value == "ONDO"


def test_unreadable_english_half_after_a_slash() -> None:
    # Italic "Brand:" read "granơ." (colon as a full stop); "Nationality:" read
    # "Aaionaz" without any delimiter.
    p = page((100, [(100, "Nhãn hiệu / granơ. KIA")]))
    assert values("registration_certificate", p)["brand"] == "KIA"
    p = page((100, [(100, "Quốc tịch / Aaionaz Việt Nam")]))
    assert values("driving_license", p)["nationality"] == "Việt Nam"
    # ... or read with letters no word has ("xøsa"); a country's name before it stays.
    assert nationality_value("xøsa Việt Nam", {}).value == "Việt Nam"
    assert nationality_value("Lào Việt Nam", {}).value == "Lào Việt Nam"


def test_english_half_does_not_swallow_the_next_label() -> None:
    p = page(
        (100, [(100, "Số máy (Engine N°):"), (1200, "Số khung (chassis N°):")]),
        (150, [(100, "JF63E6913238"), (1200, "RLHJFGSC5JK301551")]),
    )
    got = values("registration_certificate", p)
    assert (got["engine_number"], got["chassis_number"]) == ("JF63E6913238", "RLHJFGSC5JK301551")


def test_label_remnant_glued_to_an_identifier() -> None:
    split = [t.text for t in split_word(Word("CHASSISN°):RLSBGF3S0MJ409016", (0, 0, 500, 30), 0.9))]
    assert split == ["CHASSISN°):", "RLSBGF3S0MJ409016"]
    assert chassis_value("(chassis N°):RLSBGF3S0MJ409016", {}).value == "RLSBGF3S0MJ409016"
    assert engine_value("Engine No:JF63E6913238", {}).value == "JF63E6913238"


def test_an_o_beside_a_digit_in_an_engine_number_is_a_zero() -> None:
    # Read "NO4C-VN27080" from a clean "N04C-VN27080": engine codes leave out O, I and Q.
    got = engine_value("NO4C-VN27080", {})
    assert (got.value, got.valid) == ("N04C-VN27080", None)
    assert engine_value("N04C-VN27080", {}).valid is True
    # An O beside letters only, or a number holding an I, stays as read.
    assert engine_value("OM651-12345678", {}).value == "OM651-12345678"
    assert engine_value("IO4C-12345", {}).value == "IO4C-12345"


def test_a_list_of_engine_numbers_goes_on_under_the_english_half() -> None:
    # A hybrid's two engines: the first beside "Số máy:", a comma after it, the second
    # under the label's English half.
    p = page(
        (100, [(100, "Số máy:"), (600, "2ZR7509611,")]),
        (150, [(100, "Engine N°")]),
        (200, [(600, "1NM1033675")]),
        (300, [(100, "Số khung:"), (600, "RL4A53BE5P1234567")]),
    )
    assert values("registration_certificate", p)["engine_number"] == "2ZR7509611; 1NM1033675"
    # ... or "A /" and "B" under it, a speck read as a full stop inside the first.
    p = page(
        (100, [(100, "Số máy (Engine N°):"), (600, "2Z.R6697563 /")]),
        (150, [(600, "1NM6088553")]),
        (300, [(100, "Số khung:"), (600, "RL4A53BE5P1234567")]),
    )
    assert values("registration_certificate", p)["engine_number"] == "2ZR6697563; 1NM6088553"


def test_one_value_for_engine_and_chassis_is_a_problem() -> None:
    p = page(
        (100, [(100, "Số máy: RLHJFGSC5JK301551")]), (150, [(100, "Số khung: RLHJFGSC5JK301551")])
    )
    got = extract_fields("registration_certificate", [p], None, calibrated=False)
    assert not got["engine_number"].valid and not got["chassis_number"].valid
    assert any("same" in problem for problem in got["engine_number"].problems)


def test_a_box_edge_read_as_i_before_a_vin_is_dropped() -> None:
    assert chassis_value("IRLHJF46BXKW331493", {}).value == "RLHJF46BXKW331493"
    # A VIN may start with 1 (made in the USA) or L (China): those are kept.
    assert chassis_value("1RLHJF46BXKW331493", {}).value == "1RLHJF46BXKW331493"
    assert chassis_value("LRLHJF46BXKW331493", {}).value == "LRLHJF46BXKW331493"


def test_a_whole_vin_among_other_words_is_the_chassis_number() -> None:
    """The next column's word read after it ("sonnet") is not part of the number; a VIN
    split into groups is still joined."""
    assert chassis_value("JAANJYPC8KU515221 sonnet", {}).value == "JAANJYPC8KU515221"
    assert chassis_value("RLHJA 54DX9E722622", {}).value == "RLHJA54DX9E722622"
    two = chassis_value("RLHJA54DX9E722622 RLHJA54DX9E722623", {})
    assert not two.valid  # two VINs: which one is not for the parser to say


def test_a_zero_read_twice_as_o0_leaves_the_vin() -> None:
    assert chassis_value("RL4BSO0SC8G2529920", {}).value == "RL4BS0SC8G2529920"
    assert chassis_value("RL4BS0OSC8G2529920", {}).value == "RL4BS0SC8G2529920"
    # Not when the result is no VIN, or the O is not beside a 0.
    assert chassis_value("RL4BSOXSC8G2529920", {}).value == "RL4BSOXSC8G2529920"


def test_a_character_read_twice_in_a_vin_is_dropped_when_only_one_pair_is_doubled() -> None:
    assert chassis_value("RLCSS5LPS497483585", {}).value == "RLCS5LPS497483585"
    # Two doubled pairs (SS, XX): which one was read twice is not for the parser to say.
    assert chassis_value("RLCSS58BXXLE081296", {}).value == "RLCSS58BXXLE081296"
    # A 17-character VIN keeps its doubled characters; other chassis numbers are as read.
    assert chassis_value("RLHJJF4600AY11223", {}).value == "RLHJJF4600AY11223"
    assert chassis_value("JF27EE1234567", {}).value == "JF27EE1234567"
    # A stroke before the VIN or a 3 read twice: either, so neither.
    assert chassis_value("1RLHJF46BXKW331493", {}).value == "1RLHJF46BXKW331493"


def test_a_unit_name_put_back_from_the_list_is_written_as_the_paper_writes() -> None:
    # The list spells "Trung Hoà"; the card's "Xuân Thủy" shows it puts the mark on the
    # first vowel, so the name it printed was "Trung Hòa".
    got = address_value("Số 45 ngõ 279 đường Xuân Thủy, Phường Trung Hè Quận. Câu Giấy, Hà Nội", {})
    assert got.value == "Số 45 ngõ 279 đường Xuân Thủy, Phường Trung Hòa, Quận Cầu Giấy, Hà Nội"


def test_address_words_repaired_where_ocr_misreads_are_certain() -> None:
    assert address_value("Xóm 3, Ngh1 Phong, Thành phố Hà Nộ1", {}).value == (
        "Xóm 3, Nghi Phong, Thành phố Hà Nội"
    )
    assert address_value("P. Minh Khai, 'TP Hà Nội", {}).value == "P. Minh Khai, TP Hà Nội"
    assert address_value("Phường ° Quảng An, Hà Nội", {}).value == "Phường Quảng An, Hà Nội"
    # Numbers stay numbers.
    assert address_value("Số 11 ngõ 1, P1, Quận 1", {}).value == "Số 11 ngõ 1, P1, Quận 1"
    # A fraction slash, "§" for an 8, a unit letter that lost its full stop.
    assert address_value("Số 54, ngách 31\u204421, ngõ §2, Q Long Biên", {}).value == (
        "Số 54, ngách 31/21, ngõ 82, Q. Long Biên"
    )
    assert address_value("P Phúc Xá, Q Đống Đa", {}).value == "P. Phúc Xá, Q. Đống Đa"
    # A semicolon between parts is a comma (addresses print no semicolon).
    assert address_value("ngõ 218 Trần Phú; phường Trung Hòa, quận Cầu Giấy, Hà Nội", {}).value == (
        "ngõ 218 Trần Phú, phường Trung Hòa, quận Cầu Giấy, Hà Nội"
    )
    # Not a unit letter: inside a name, before a number or a lowercase word.
    for kept in (
        "Xóm Q Hạ, Hà Nội",
        "Khu P 5, Hà Nội",
        "Đội H nhà 3, Hà Nội",
        "§ 5 Hà Nội",
        "X đội 3",
    ):
        assert address_value(kept, {}).value == kept


def test_a_comma_lost_before_a_listed_unit_is_put_back() -> None:
    assert address_value("Số 59 phố Trần Phú phường Đại Kim, quận Hoàng Mai, Hà Nội", {}).value == (
        "Số 59 phố Trần Phú, phường Đại Kim, quận Hoàng Mai, Hà Nội"
    )
    assert address_value("Xã Kim Chung Huyện Đông Anh, Thành phố Hà Nội", {}).value == (
        "Xã Kim Chung, Huyện Đông Anh, Thành phố Hà Nội"
    )
    for kept in (
        "Số 5 phố Huế phường Hàng Bài quận Hoàn Kiếm Hà Nội",  # printed without commas
        "Số 12 Phường Mai, Hà Nội",  # no listed unit after the word
        "Số 33 phố Láng Hạ, phường Quang Trung, thị xã Sơn Tây, TP. Hà Nội",  # "thị xã"
    ):
        assert address_value(kept, {}).value == kept


def test_specks_or_a_leader_read_after_the_province_go() -> None:
    assert address_value("Xóm 3, huyện Đông Anh, TP. Hà Nội mm HH HH HH", {}).value == (
        "Xóm 3, huyện Đông Anh, TP. Hà Nội"
    )
    assert address_value("Tổ dân phố 23, Huyện Mê Linh, Thành phố Hà Nội 6 0-s.e", {}).value == (
        "Tổ dân phố 23, Huyện Mê Linh, Thành phố Hà Nội"
    )
    # Words after the province that are words, and an address without its province, stay.
    for kept in ("Số 5, Q. Đống Đa, Hà Nội Việt Nam", "Số 5, Q. Đống Đa, Hà"):
        assert address_value(kept, {}).value == kept


def test_a_stop_read_for_the_comma_before_a_unit_word() -> None:
    assert address_value("Xóm 3. xã Phù Linh, huyện Sóc Sơn, TP. Hà Nội", {}).value == (
        "Xóm 3, xã Phù Linh, huyện Sóc Sơn, TP. Hà Nội"
    )
    assert address_value("Số 89, Phường Cửa Nam, Quận Hoàn Kiếm. Thành phố Hà Nội", {}).value == (
        "Số 89, Phường Cửa Nam, Quận Hoàn Kiếm, Thành phố Hà Nội"
    )


def test_specks_read_before_an_address_go() -> None:
    for read in (
        "Asøss Số 130 ngõ 246, Q. Long Biên, TP Hà Nội",
        "c Số 130 ngõ 246, Q. Long Biên, TP Hà Nội",
        "x42»; Số 130 ngõ 246, Q. Long Biên, TP Hà Nội",
        "##« øƒ ses««e Số 130 ngõ 246, Q. Long Biên, TP Hà Nội",
        "6x ø/ naadexe Số 130 ngõ 246, Q. Long Biên, TP Hà Nội",
        # The end of the label, read with other marks or after a misread word.
        "thưởng Số 130 ngõ 246, Q. Long Biên, TP Hà Nội",
        "Ống trú Số 130 ngõ 246, Q. Long Biên, TP Hà Nội",
        "of residence: SỐ 130 ngõ 246, Q. Long Biên, TP Hà Nội",
        "th g trị Số 130 ngõ 246, Q. Long Biên, TP Hà Nội",
        "o esơence. Số 130 ngõ 246, Q. Long Biên, TP Hà Nội",
    ):
        assert address_value(read, {}).value == "Số 130 ngõ 246, Q. Long Biên, TP Hà Nội"
    # Vietnamese words before the first word are the address's own.
    for kept in ("Nhà Số 5, Q. Long Biên, TP Hà Nội", "Đoài Số 5, Q. Long Biên, TP Hà Nội"):
        assert address_value(kept, {}).value == kept


def test_address_commas_spaced_and_ngach_slashes_restored() -> None:
    assert address_value("Xóm 7,X. Trung Giã, H. Sóc Sơn,TP Hà Nội", {}).value == (
        "Xóm 7, X. Trung Giã, H. Sóc Sơn, TP Hà Nội"
    )
    assert address_value("Số 151 , ngách 72/58 , ngõ 2", {}).value == ("Số 151, ngách 72/58, ngõ 2")
    assert address_value("Số 222, ngách 27142, ngõ 136", {}).value == (
        "Số 222, ngách 27/42, ngõ 136"
    )
    # Three digits may be a ngách's own number; two "1"s, or one at an end, say nothing.
    for kept in ("ngách 215, ngõ 3", "ngách 21114", "ngách 1234"):
        assert address_value(kept, {}).value == kept
    assert address_value("Số 111, ngách 46I6, ngõ 95 Hàng Bông", {}).value == (
        "Số 111, ngách 46/6, ngõ 95 Hàng Bông"
    )
    assert address_value("Số 129, ngách 50i3, ngõ 205", {}).value == "Số 129, ngách 50/3, ngõ 205"
    assert address_value("Số 222, ngách 22!84, ngõ 138", {}).value == "Số 222, ngách 22/84, ngõ 138"
    assert address_value("Xóm †1, Sóc Sơn", {}).value == "Xóm 11, Sóc Sơn"  # a dagger for 1
    # "Số" read in capitals before a house number, a backtick alone between words.
    assert address_value("SỐ 157, ngõ 235 Bà Triệu, Hà Nội", {}).value == (
        "Số 157, ngõ 235 Bà Triệu, Hà Nội"
    )
    assert address_value("ngõ 146 Trần Phú, phường Hàng Bạc, ` quận Hoàn Kiếm", {}).value == (
        "ngõ 146 Trần Phú, phường Hàng Bạc, quận Hoàn Kiếm"
    )
    assert address_value("SỐ 34 PHỐ HUẾ, HÀ NỘI", {}).value == "SỐ 34 PHỐ HUẾ, HÀ NỘI"
    # A comma between digits, and digits and I anywhere but a ngách, are left as read.
    for kept in ("Số 1,5 Hà Nội", "Số 12I3 Hà Nội", "ngõ 46I6"):
        assert address_value(kept, {}).value == kept
    # An I or l before or after a number's digits is a 1 ("Xóm I1" read on a scanned
    # licence); a full stop after a comma is a speck.
    assert address_value("Xóm I1, TT. Văn Điển, ngõ l2, Q. Hà Đông,. TP Hà Nội", {}).value == (
        "Xóm 11, TT. Văn Điển, ngõ 12, Q. Hà Đông, TP Hà Nội"
    )
    for kept in ("Xóm II, Hà Nội", "Nhà A1, Hà Nội", "TP. Hà Nội"):
        assert address_value(kept, {}).value == kept
    # A house number's leading 1 read apart, as a digit or an I, is part of it.
    assert address_value("Số I 10 ngõ 267 phố Kim Mã, Hà Nội", {}).value == (
        "Số 110 ngõ 267 phố Kim Mã, Hà Nội"
    )
    assert address_value("Số 1 70, ngách 58/56, Hà Nội", {}).value == "Số 170, ngách 58/56, Hà Nội"
    for kept in ("Số 1, ngõ 12, Hà Nội", "Số 1 ngõ 12, Hà Nội"):
        assert address_value(kept, {}).value == kept
    # "phố" before a street's name, its o read with another mark.
    for read in ("Số 13 phổ Bà Triệu, Hà Nội", "Số 13 phô Bà Triệu, Hà Nội"):
        assert address_value(read, {}).value == "Số 13 phố Bà Triệu, Hà Nội"
    assert address_value("phường Phổ Quang, Hà Nội", {}).value == "phường Phổ Quang, Hà Nội"


def test_house_lane_and_road_words_read_with_other_marks_are_set_right() -> None:
    # A word of the letters of "Số" or "ngõ" before a number, "đường" before a name.
    pairs = {
        "So 127, ngách 74/22, ngõ 73 Bà Triệu, Hà Nội": (
            "Số 127, ngách 74/22, ngõ 73 Bà Triệu, Hà Nội"
        ),
        "Số 189, ngách 13/21, ngã 206 Trường Chinh, Hà Nội": (
            "Số 189, ngách 13/21, ngõ 206 Trường Chinh, Hà Nội"
        ),
        "Số 207 đướng Nguyễn Chí Thanh, Hà Nội": "Số 207 đường Nguyễn Chí Thanh, Hà Nội",
        "Số 9 dường Láng, Hà Nội": "Số 9 đường Láng, Hà Nội",
        # A dash between "Số" and its number, a slashed zero in a number.
        "Số-169 đường Lạc Long Quân, Hà Nội": "Số 169 đường Lạc Long Quân, Hà Nội",
        "Số 10Ø ngõ 168 đường Cầu Giấy, Hà Nội": "Số 100 ngõ 168 đường Cầu Giấy, Hà Nội",
        # A full stop after a number before the lane, a semicolon glued to the next part.
        "Số 136. ngách 83/10, ngõ 266 Nguyễn Văn Cừ, Hà Nội": (
            "Số 136, ngách 83/10, ngõ 266 Nguyễn Văn Cừ, Hà Nội"
        ),
        "Số 179, ngách 71/29;ngõ 23 Láng Hạ, Hà Nội": "Số 179, ngách 71/29, ngõ 23 Láng Hạ, Hà Nội",
    }
    for read, printed in pairs.items():
        assert address_value(read, {}).value == printed
    # The English half of the label read before the address, a unit's stop glued to it.
    assert address_value("¿ Address: Số 163 ngõ 216, Hà Nội", {}).value == "Số 163 ngõ 216, Hà Nội"
    assert address_value("F € of resie Tổ dân phố 5, P. Hàng Gai, TP Hà Nội", {}).value == (
        "Tổ dân phố 5, P. Hàng Gai, TP Hà Nội"
    )
    assert address_value("Số 199, Q. Cầu Giấy, TP.Hà Nội", {}).value == (
        "Số 199, Q. Cầu Giấy, TP. Hà Nội"
    )
    # The first word, or "Tổ dân phố", read with a letter or a mark wrong or in pieces.
    starts = {
        "Tố đán phố 2, phường Cửa Nam, Hà Nội": "Tổ dân phố 2, phường Cửa Nam, Hà Nội",
        "Tổ d n.phố 8, phường Bồ Đề, Hà Nội": "Tổ dân phố 8, phường Bồ Đề, Hà Nội",
        "Thồn, Trung, xã Bát Tràng, Hà Nội": "Thôn Trung, xã Bát Tràng, Hà Nội",
        "Ẩhôn Đoài, thị trấn Quang Minh, Hà Nội": "Thôn Đoài, thị trấn Quang Minh, Hà Nội",
        "Xom 11, Xã Tiền Phong, Hà Nội": "Xóm 11, Xã Tiền Phong, Hà Nội",
        # "ngõ" one letter off after a ngách's number, its comma read as a stop or bracket.
        "Số 168, ngách 73/80. rgỏ 6 Trần Phú, Hà Nội": (
            "Số 168, ngách 73/80, ngõ 6 Trần Phú, Hà Nội"
        ),
        "Số 222, ngách 16/70) ngö 146 Tam Trinh, Hà Nội": (
            "Số 222, ngách 16/70, ngõ 146 Tam Trinh, Hà Nội"
        ),
        # A comma lost before a bare unit letter or "TP", or read as a stop before "TP".
        "Số 1, P. Hoàng Liệt, Q. Hoàng Mai. TP Hà Nội": (
            "Số 1, P. Hoàng Liệt, Q. Hoàng Mai, TP Hà Nội"
        ),
        "Tổ dân phố 23, P. Thụy Khuê Q Tây Hồ, TP Hà Nội": (
            "Tổ dân phố 23, P. Thụy Khuê, Q. Tây Hồ, TP Hà Nội"
        ),
        "Số 124 đường Lê Duẩn, P. Thượng Cát, Q. Bắc Từ Liêm TP Hà Nội": (
            "Số 124 đường Lê Duẩn, P. Thượng Cát, Q. Bắc Từ Liêm, TP Hà Nội"
        ),
    }
    for read, printed in starts.items():
        assert address_value(read, {}).value == printed
    # ("ngá" may be "ngách" cut short.)
    assert address_value("Số 189, ngá 3/21, Hà Nội", {}).value == "Số 189, ngá 3/21, Hà Nội"
    kept_as_read = (
        "thôn Đoài, xã Kim Chung, Hà Nội",
        "Tổ 5, phường Bồ Đề, Hà Nội",
        "Khu A, Hà Nội",
    )
    for kept in (*kept_as_read, "Than Uyên, Lai Châu"):
        assert address_value(kept, {}).value == kept
    # Those words before a name, not a number, are other words.
    for kept in ("ngã tư Sở, Hà Nội", "Số 5 ngõ Sơn Tây, Hà Nội", "thôn Dương Xá, Hà Nội"):
        assert address_value(kept, {}).value == kept


def test_address_part_words_read_with_a_letter_wrong_are_set_right() -> None:
    # A word one letter or its marks away from "Số", "ngõ", "ngách", "Xóm" before a number,
    # or from "đường", "phố" before a name, is that word; a house number's 1 read as Í.
    pairs = {
        "Sở Í73 ngõ 36 đường Đê La Thành, Hà Nội": "Số 173 ngõ 36 đường Đê La Thành, Hà Nội",
        "Sé 199 ngõ 177 đường Quang Trung, Hà Nội": "Số 199 ngõ 177 đường Quang Trung, Hà Nội",
        "Số 51, ngacf 31/77, ngõ 115 Kim Mã, Hà Nội": "Số 51, ngách 31/77, ngõ 115 Kim Mã, Hà Nội",
        "Số 8, ngàch 90/42, ngõ 2 Láng Hạ, Hà Nội": "Số 8, ngách 90/42, ngõ 2 Láng Hạ, Hà Nội",
        "Xórn 4, X. Tả Thanh Oai, H. Thanh Trì, TP Hà Nội": (
            "Xóm 4, X. Tả Thanh Oai, H. Thanh Trì, TP Hà Nội"
        ),
        "Số 118 điường Tam Trinh, Hà Nội": "Số 118 đường Tam Trinh, Hà Nội",
        "Số 76 điờng Nguyễn Văn Cừ, Hà Nội": "Số 76 đường Nguyễn Văn Cừ, Hà Nội",
        "Số 137 phó Vọng, Hà Nội": "Số 137 phố Vọng, Hà Nội",
        "Sđ 147 phê Minh Khai, Hà Nội": "Số 147 phố Minh Khai, Hà Nội",
        "S6 187 ngÕ Í82 đường Lê Duẩn, Hà Nội": "Số 187 ngõ 182 đường Lê Duẩn, Hà Nội",
    }
    for read, printed in pairs.items():
        assert address_value(read, {}).value == printed
    # Other words in those places stay: a street group's number, a name's own word.
    for kept in (
        "Tổ 3, phường Láng, Hà Nội",
        "Thôn Phú Mỹ, xã Tự Lập, Hà Nội",
        "Số 12 phố Huế, Hà Nội",
    ):
        assert address_value(kept, {}).value == kept


def test_a_birth_year_that_the_number_and_the_expiry_both_contradict_is_theirs() -> None:
    # 094 0 80...: a man born in 1980; the card runs to his 40th birthday.
    rows = [
        (100, [(100, "Số định danh cá nhân: 094080938098")]),
        (160, [(100, "Ngày sinh: 27/10/1985")]),
        (220, [(100, "Có giá trị đến: 27/10/2020")]),
    ]
    got = extract_fields("citizen_id", [page(*rows)])
    assert got["date_of_birth"].value == "1980-10-27"
    assert got["id_number"].valid is True
    # With another day, or an expiry at no card age from the number's year, it stays.
    other_day = [rows[0], (160, [(100, "Ngày sinh: 26/10/1985")]), rows[2]]
    assert extract_fields("citizen_id", [page(*other_day)])["date_of_birth"].value == "1985-10-26"
    other_end = [rows[0], rows[1], (220, [(100, "Có giá trị đến: 27/10/2022")])]
    assert extract_fields("citizen_id", [page(*other_end)])["date_of_birth"].value == "1985-10-27"


def test_a_date_of_birth_under_a_seal_is_the_cards_number_year_and_expiry_day() -> None:
    """The date of birth lost under a seal ("ĐỚN") or not read at all, on a card whose
    number codes 1980 and whose expiry is the 40th birthday: 27 October 1980, proposed for
    review, never auto-accepted."""
    number = (100, [(100, "Số định danh cá nhân: 094080938098")])
    expiry = (220, [(100, "Có giá trị đến: 27/10/2020")])
    for dob in ((160, [(100, "Ngày sinh: ĐỚN")]), (160, [(100, "Họ và tên: LÊ VĂN AN")])):
        got = extract_fields("citizen_id", [page(number, dob, expiry)])["date_of_birth"]
        assert got.value == "1980-10-27"
        assert 0.0 < got.confidence <= 0.9
    # An expiry at no card age from the number's year proposes nothing.
    other_end = (220, [(100, "Có giá trị đến: 27/10/2022")])
    blank = (160, [(100, "Họ và tên: LÊ VĂN AN")])
    assert (
        extract_fields("citizen_id", [page(number, blank, other_end)])["date_of_birth"].value
        is None
    )


def test_ten_digits_from_00_are_a_short_cccd_not_a_tax_code() -> None:
    short = owner_id_value("0011585537", {})
    assert (short.value, short.valid) == ("0011585537", False)
    assert owner_id_value("0101234567", {}).valid


def test_citizen_id_fields_that_the_card_repeats_corroborate() -> None:
    # 001 (Hà Nội), 1 = born in the 1900s, female; expiry on the 40th birthday.
    rows = [
        (100, [(100, "Số: 001185012345")]),
        (150, [(100, "Ngày sinh: 14/03/1985")]),
        (200, [(100, "Giới tính: Nữ")]),
        (250, [(100, "Có giá trị đến: 14/03/2025")]),
    ]
    got = extract_fields("citizen_id", [page(*rows)])
    assert got["sex"].features.get("corroborated") == 1.0
    assert got["date_of_birth"].features.get("corroborated") == 1.0
    assert got["expiry_date"].features.get("corroborated") == 1.0
    alone = extract_fields("citizen_id", [page(rows[1], rows[2])])
    assert got["sex"].confidence > alone["sex"].confidence
    assert got["date_of_birth"].confidence > alone["date_of_birth"].confidence
    # An expiry that is not a birthday of the holder confirms nothing.
    other = extract_fields(
        "citizen_id", [page(*rows[:3], (250, [(100, "Có giá trị đến: 15/03/2025")]))]
    )
    assert "corroborated" not in other["expiry_date"].features


def test_digits_read_for_dotted_zeros_are_repaired_when_nothing_else_validates() -> None:
    """Monospaced type prints a dotted zero that OCR reads as 9, 8 or 6: "31/18/2833" is
    no date, and the one date it becomes with its fewest such digits read as zeros is
    taken (for review: the reading is kept as raw, the evidence says not validated)."""
    rows = [
        (100, [(100, "Số: 001185012345")]),
        (150, [(100, "Ngày sinh: 14/03/1985")]),
        (250, [(100, "Có giá trị đến: 31/18/2833")]),
    ]
    got = extract_fields("citizen_id", [page(*rows)], calibrated=False)
    expiry = got["expiry_date"]
    assert (expiry.value, expiry.raw, expiry.valid) == ("2033-10-31", "31/18/2833", True)
    assert expiry.features["repaired"] == 1.0 and expiry.features["valid"] == 0.5
    assert expiry.confidence < 0.5  # the invalid reading's confidence
    # A phone number's leading zero read as 6.
    phone = extract_fields(
        "registration_declaration", [page((100, [(100, "Điện thoại: 6779.580.351")]))]
    )
    assert phone["phone"].value == "0779580351"
    assert (
        values("driving_license", page((100, [(100, "Ngày sinh: 39/09/1990")])))["date_of_birth"]
        == "1990-09-30"
    )
    # Two repairs that both validate (20/02/1989, 29/02/1980): nothing says which.
    ambiguous = values("driving_license", page((100, [(100, "Ngày sinh: 29/02/1989")])))
    assert ambiguous["date_of_birth"] == "29/02/1989"
    # Free text is never repaired.
    assert (
        values("citizen_id", page((300, [(100, "Quê quán: Thôn 8")])))["place_of_origin"]
        == "Thôn 8"
    )


def test_a_cmnd_number_confirms_the_fields_such_a_card_does_not_print() -> None:
    cmnd = [
        (100, [(100, "GIẤY CHỨNG MINH NHÂN DÂN")]),
        (150, [(100, "Số: 012345678")]),
        (200, [(100, "Họ tên: NGUYỄN VĂN AN")]),
        (250, [(100, "Sinh ngày: 14/03/1985")]),
    ]
    got = extract_fields("citizen_id", [page(*cmnd)])
    for name in ("sex", "nationality", "expiry_date"):
        assert got[name].value is None and got[name].features.get("corroborated") == 1.0, name
    # A 12-digit number says nothing about them; a sex label read with nothing after it
    # is a value missed, not one the card does not print.
    cccd = extract_fields("citizen_id", [page(cmnd[0], (150, [(100, "Số: 001185012345")]))])
    assert "corroborated" not in cccd["sex"].features
    assert got["sex"].confidence > cccd["sex"].confidence
    seen = extract_fields("citizen_id", [page(*cmnd, (300, [(100, "Giới tính:")]))])
    assert "corroborated" not in seen["sex"].features
    # A card that prints a nationality is no CMND: nine digits are a number read short.
    short = extract_fields("citizen_id", [page(*cmnd, (300, [(100, "Quốc tịch: Việt Nam")]))])
    assert short["id_number"].valid is False and "read short" in short["id_number"].problems[0]
    assert "corroborated" not in short["sex"].features


def certificate(*lines: str) -> dict[str, ExtractedField]:
    """The fields of a certificate page printing ``lines``, one under the other."""
    rows = [(100 + 50 * i, [(100, line)]) for i, line in enumerate(lines)]
    return extract_fields("registration_certificate", [page(*rows)])


def test_a_motorbike_certificate_confirms_it_prints_no_seats() -> None:
    """DOMAIN.md §3: the certificate prints "Số chỗ ngồi" for cars only."""

    base = ("Nhãn hiệu: HONDA", "Số máy: JF81E1234567", "Dung tích: 110")
    bike = certificate(*base, "Loại xe: Xe máy", "Biển số đăng ký: 29-B1 123.45")
    assert bike["seats"].value is None and bike["seats"].features.get("corroborated") == 1.0
    car = certificate(*base, "Loại xe: Ô tô con", "Biển số đăng ký: 30A-123.45")
    assert "corroborated" not in car["seats"].features
    assert bike["seats"].confidence > car["seats"].confidence
    # A car plate against a motorbike type, or a seat label read with nothing after it:
    # nothing is confirmed.
    mixed = certificate(*base, "Loại xe: Xe máy", "Biển số đăng ký: 30A-123.45")
    assert "corroborated" not in mixed["seats"].features
    seen = certificate(*base, "Loại xe: Xe máy", "Số chỗ ngồi:")
    assert "corroborated" not in seen["seats"].features


def test_a_certificate_with_no_owner_id_anywhere_confirms_it_prints_none() -> None:
    base = (
        "Tên chủ xe: NGUYỄN VĂN AN", "Địa chỉ: Số 3 phố Huế, Hà Nội", "Nhãn hiệu: HONDA",
        "Số loại: WAVE", "Loại xe: Xe máy", "Màu sơn: Đỏ", "Số máy: JF81E1234567",
        "Số khung: RLHJF8100NY123456", "Biển số đăng ký: 29-B1 123.45",
    )  # fmt: skip
    none = certificate(*base)["owner_id_number"]
    assert none.value is None and none.features.get("corroborated") == 1.0
    # A number of the shape without its label is found by the search; a label read with
    # nothing after it is a value missed.
    found = certificate(*base, "001185012345")["owner_id_number"]
    assert found.value == "001185012345"
    seen = certificate(*base, "Số CCCD/CMND:")["owner_id_number"]
    assert seen.value is None and "corroborated" not in seen.features
    assert none.confidence > seen.confidence


def test_a_place_of_origin_of_listed_unit_names_is_confirmed() -> None:
    def origin(text: str) -> ExtractedField:
        return extract_fields("citizen_id", [page((100, [(100, f"Quê quán: {text}")]))])[
            "place_of_origin"
        ]

    listed = origin("Hiệp An, Kinh Môn, Hải Dương")
    assert listed.features.get("corroborated") == 1.0
    # Two parts (one may be lost), a misread letter, a street: no confirmation (a misread
    # mark alone is restored from the list first).
    for text in (
        "Kinh Môn, Hải Dương",
        "Hiệp An, Kinh Mân, Hải Dương",
        "Số 3, Kinh Môn, Hải Dương",
    ):
        assert "corroborated" not in origin(text).features, text
    assert listed.confidence > origin("Hiệp An, Kinh Mân, Hải Dương").confidence
    # A part whose letters several listed names share ("Gia Viên", "Gia Viễn"): a misread
    # mark may have made it; and a name the mark restoration wrote is not confirmed.
    assert "corroborated" not in origin("Gia Phương, Gia Viên, Ninh Bình").features
    assert not listed_place("Điền Hải, Diễn Châu, Nghệ An", "Diễn Hải, Diễn Châu, Nghệ An")


def test_a_blank_label_does_not_take_the_place_and_date_line_below() -> None:
    # "Đăng ký lần đầu ngày:" printed but its value unread: the issue line under it, far
    # to the right, is another fact (and the certificate prints a first registration).
    p = page(
        (100, [(100, "Biển số đăng ký: 29A-123.45")]),
        (150, [(100, "Đăng ký lần đầu ngày:")]),
        (200, [(1400, "Hà Nội, ngày 05 tháng 11 năm 2015")]),
    )
    assert values("registration_certificate", p)["registration_date"] is None
    # Without the label, the issue line is the registration date.
    p = page(
        (100, [(100, "Biển số đăng ký: 29A-123.45")]),
        (200, [(1400, "Hà Nội, ngày 05 tháng 11 năm 2015")]),
    )
    assert values("registration_certificate", p)["registration_date"] == "2015-11-05"


def test_a_word_of_the_english_half_is_not_the_value() -> None:
    p = page((100, [(100, "Số loại (Model"), (500, "code AIR BLADE")]))
    assert values("registration_certificate", p)["model_code"] == "AIR BLADE"
    # The slash between the halves read as a letter, the value far to the right.
    p = page((100, [(100, "Số máy Í Engine N°:"), (960, "D4DD655613")]))
    assert values("registration_certificate", p)["engine_number"] == "D4DD655613"


def test_a_tax_code_belongs_to_an_organisation() -> None:
    person = page(
        (100, [(100, "Tên chủ xe: NGUYỄN VĂN AN")]), (150, [(100, "Mã định danh: 0890081686")])
    )
    got = extract_fields("registration_certificate", [person], None, calibrated=False)
    assert got["owner_id_number"].value == "0890081686"
    assert got["owner_id_number"].valid is False
    firm = page(
        (100, [(100, "Tên chủ xe: CÔNG TY TNHH AN PHÚ")]),
        (150, [(100, "Mã định danh: 0890081686")]),
    )
    got = extract_fields("registration_certificate", [firm], None, calibrated=False)
    assert got["owner_id_number"].valid, got["owner_id_number"]


def test_a_colour_is_words() -> None:
    assert color_value("Xanh-Đen", {}) == color_value("Xanh - Đen", {})
    assert color_value("Xanh-Đen", {}).value == "Xanh - Đen"
    assert color_value("Ghi", {}).valid
    misread = color_value("Gh1", {})
    assert (misread.value, misread.valid) == ("Gh1", False)


def test_a_colour_word_read_without_its_marks_gets_them() -> None:
    assert color_value("Đen - Bac", {}).value == "Đen - Bạc"
    assert color_value("Xam", {}).value == "Xám"
    assert color_value("ĐEN - BAC", {}).value == "ĐEN - BẠC"
    assert color_value("Đen = Bạc", {}).value == "Đen - Bạc"  # a dash read as "="
    # "DO" folds to two colour words, but "đô" is one only after "đỏ" (wine red): a
    # misread "Đồ" alone is "Đỏ", after "Đỏ" it is "đô". A word that is no colour is
    # left as read.
    assert color_value("Đồ - Đen", {}).value == "Đỏ - Đen"
    assert color_value("ĐỒ - ĐEN", {}).value == "ĐỎ - ĐEN"
    assert color_value("Đỏ đồ", {}).value == "Đỏ đô"
    assert color_value("Đỏ đô", {}).value == "Đỏ đô"
    assert color_value("Xanh ngoc bich", {}).value == "Xanh ngọc bich"
    # A colour word read in two pieces is one; two colour words stay two colours.
    assert color_value("Trắ ng", {}).value == "Trắng"
    assert color_value("Đ en - Bạc", {}).value == "Đen - Bạc"
    assert color_value("Xanh Đen", {}).value == "Xanh - Đen"


def test_two_capitalised_colours_are_two_colours_whose_dash_was_lost() -> None:
    assert color_value("Trắng Xanh", {}).value == "Trắng - Xanh"
    # A word that qualifies a colour is written small; capitals say nothing; a colour
    # qualified by another colour word is one colour.
    assert color_value("Xanh đen", {}).value == "Xanh đen"
    assert color_value("TRẮNG XANH", {}).value == "TRẮNG XANH"
    assert color_value("Xanh Dương", {}).value == "Xanh Dương"


def test_a_colour_read_with_a_letter_wrong_or_marks_around_it() -> None:
    # Each colour starts with a colour word: one letter from exactly one is that word.
    assert color_value("Đen - Bạo", {}).value == "Đen - Bạc"
    assert color_value("TRẮNC", {}).value == "TRẮNG"
    # Words that qualify a colour after it stay as read ("Vàng kim", gold), as does a
    # first word one letter from two colours ("Kim": Kem or Tím).
    assert color_value("Vàng kim", {}).value == "Vàng kim"
    assert color_value("Kim", {}).value == "Kim"
    # Marks read before or after the colours are no part of them.
    assert color_value("—_ Xanh - Đen", {}).value == "Xanh - Đen"
    assert color_value("Đen - Bạc *", {}).value == "Đen - Bạc"


def test_vehicle_type_must_name_a_vehicle_and_fit_the_capacity() -> None:
    assert vehicle_type_value("Xe mồ tô", {}).value == "Xe mô tô"  # a listed kind
    assert vehicle_type_value("XE MỒ TÔ", {}).value == "XE MÔ TÔ"
    # ... read with a space lost or put in.
    assert vehicle_type_value("Ôtô con", {}).value == "Ô tô con"
    assert vehicle_type_value("Xemô tô", {}).value == "Xe mô tô"
    # A listed kind cut short is read in part, not another kind.
    assert vehicle_type_value("Xe mô tô hai", {}).valid is False
    assert vehicle_type_value("Xe mô tô", {}).valid is True
    assert certificate_number_value("NO.413831", {}).value == "413831"
    p = page((100, [(100, "Loại xe: NỘI")]))
    got = extract_fields("registration_certificate", [p], None, calibrated=False)
    assert got["vehicle_type"].valid is False
    p = page((100, [(100, "Loại xe: Ô tô con")]), (150, [(100, "Dung tích: 124 cm3")]))
    got = extract_fields("registration_certificate", [p], None, calibrated=False)
    assert got["vehicle_type"].valid and got["engine_capacity_cc"].valid is False
    p = page((100, [(100, "Loại xe: Ô tô con")]), (150, [(100, "Dung tích: 1248 cm3")]))
    got = extract_fields("registration_certificate", [p], None, calibrated=False)
    assert got["engine_capacity_cc"].valid


def test_leader_dots_read_as_letters_do_not_continue_a_value() -> None:
    first = "Số 12 ngõ 34 phố Huế, phường Hai Bà Trưng,"
    second = "quận Hai Bà Trưng, thành phố Hà Nội, Việt Nam"
    p = page(
        (100, [(100, f"Nơi thường trú: {first}")]),
        (140, [(100, second)]),  # ends at the right margin, as a wrapped line does
        (180, [(100, "HH HN mm HH BÓN HH HO", 0.25)]),
    )
    assert values("citizen_id", p)["place_of_residence"] == f"{first} {second}"


def test_a_continuation_line_ending_in_leader_dots_read_as_letters_still_continues() -> None:
    """The dotted leader after the last line of a wrapped address, read as letters at
    low confidence on the same row ("Hà Nội {.Hị ỊoOỤ HO ..."): the words before it are
    the value's end, not junk."""
    first = "Số 12 ngõ 34 phố Huế, phường Hai Bà Trưng,"
    second = "quận Hai Bà Trưng, Hà Nội"
    p = page(
        (100, [(100, f"Nơi thường trú: {first}")]),
        (140, [(100, second), (570, "{.Hị ỊoOỤ HO ỤÔ HÔ Ko Ho Ko HỒ MÔ Ho HH", 0.1)]),
        (180, [(100, "HH HN mm HH BÓN HH HO", 0.25)]),
    )
    assert values("citizen_id", p)["place_of_residence"] == f"{first} {second}"


def test_a_name_that_folds_to_a_label_stays_a_name() -> None:
    # "NGUYỄN QUÂN" folds to the label "Nguyên quán" (place of origin on a CMND).
    p = page((100, [(100, "Họ tên:"), (400, "NGUYỄN QUÂN")]), (160, [(100, "Quê quán: Hà Nội")]))
    got = values("citizen_id", p)
    assert got["full_name"] == "NGUYỄN QUÂN"
    assert got["place_of_origin"] == "Hà Nội"


def test_short_labels_need_a_colon() -> None:
    # "Số 5" inside an address is not the certificate-number label "Số:".
    p = page(
        (100, [(100, "Số: 474115")]),
        (160, [(100, "Địa chỉ: Số 5 ngõ 12 phố Huế, Hà Nội")]),
    )
    got = values("registration_certificate", p)
    assert got["certificate_number"] == "474115"
    assert got["owner_address"] == "Số 5 ngõ 12 phố Huế, Hà Nội"


def test_a_certificate_number_under_an_unread_label_is_a_lone_number_above_the_fields() -> None:
    """ "Số (No.):" read as specks: the lone number above the first field label is the
    certificate's; a number after a word of its row is another label's value (the
    owner's ID after "Mã định", its label read in part, auto-accepted at 0.97)."""
    p = page(
        (100, [(100, "CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ")]),
        (160, [(100, ">2(,o,"), (400, "474115")]),
        (220, [(100, "Số máy: P4AT502428")]),
    )
    assert values("registration_certificate", p)["certificate_number"] == "474115"
    for label in ("Số JNo.:", "sốixo:"):  # "Số (No.):" misread, not found as the label
        p = page(
            (100, [(100, "CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ")]),
            (160, [(100, label), (400, "409608")]),
            (220, [(100, "Số máy: P4AT502428")]),
        )
        assert values("registration_certificate", p)["certificate_number"] == "409608"
    # Specks read on a line of their own just under it, starting as far left, are not
    # words before it.
    p = page(
        (100, [(100, "Số")]),
        (160, [(400, "474115")]),
        (172, [(399, "acc 002558<‡", 0.1)]),
        (240, [(100, "Tên chủ xe: TRẦN XUÂN KHÁNH")]),
    )
    assert values("registration_certificate", p)["certificate_number"] == "474115"
    p = page(
        (100, [(100, "CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ")]),
        (160, [(100, "Mã định"), (400, "9172408")]),
        (220, [(100, "Số máy: P4AT502428")]),
    )
    assert values("registration_certificate", p)["certificate_number"] is None


def test_the_dotted_line_under_a_value_neither_ends_it_nor_splits_its_row() -> None:
    """The dots of the line an address is typed on, read as marks between two of its
    words ("Mỗ, . ..-... Quận"), lie under the words: the value goes on after them, and
    they do not draw the row's band down until the rest starts a row of its own."""
    label = words(630, [(198, "Địa chỉ:")])
    address = "Số 161 ngõ 64 đường Lê Duẩn, Phường Đại Mỗ, Quận Nam Từ Liêm, Thành phố Hà Nội"
    # Words with a descender or comma reach lower than the others.
    line = [
        Word(w.text, (w.box[0], 622, w.box[2], 668 if set(w.text) & set("gpyạ,") else 657), 0.95)
        for w in words(622, [(350, address)])
    ]
    x = next(w.box[2] for w in line if w.text == "Mỗ,")  # the dots lie under "Quận"
    dots = [
        Word(".", (x + 4, 665, x + 9, 668), 0.4),
        Word("..-...", (x + 12, 649, x + 88, 677), 0.06),
    ]
    p = Page(1, 2480, 3508, (Line(tuple(label + line)), Line(tuple(dots))))
    rows = build_rows(tok for w in p.words for tok in split_word(w))
    assert len([r for r in rows if any(t.key for t in r.tokens)]) == 1
    assert values("registration_certificate", p)["owner_address"] == address


def test_value_stops_at_dotted_leader() -> None:
    p = page((100, [(100, "Màu sơn: ........ Đỏ - Đen ............. c2xx")]))
    assert values("registration_certificate", p)["color"] == "Đỏ - Đen"


def test_hits_report_label_score() -> None:
    vocab = tuple(
        (f, lb) for f, lbs in FIELD_LABELS["registration_certificate"].items() for lb in lbs
    )
    layout = analyse(page((100, [(100, "Nhãn hiêu: HONDA")])), vocab)
    assert [h.tag for h in layout.hits] == ["brand"]
    assert layout.hits[0].score == 1.0  # tone marks are folded away before matching
    typo = analyse(page((100, [(100, "Nhăn hieư: HONDA")])), vocab).hits[0]
    assert typo.score == 1.0
    letter = analyse(page((100, [(100, "Nhãn hicu: HONDA")])), vocab).hits[0]
    assert 0.8 < letter.score < 1.0


def test_a_garbled_label_is_recovered_when_its_value_validates() -> None:
    p = page(
        (100, [(100, "Têa chÈ xe NGUYỄN VĂN AN")]),  # Tên chủ xe
        (160, [(100, "Điện thọc ABC")]),  # Điện thoại, but no phone number after it
        (220, [(100, "Nhan hiu: HONDA")]),
    )
    got = values("registration_declaration", p)
    assert got["owner_name"] == "NGUYỄN VĂN AN"
    assert got["phone"] is None  # after a garbled label only a valid value counts
    # Labels found as printed come first; a garbled one never shadows them.
    layout = analyse(p, vocabulary("registration_declaration"))
    assert [h.tag for h in layout.hits] == ["brand#0"]
    assert {h.tag for h in layout.recovered} == {"owner_name#0", "phone#0"}
    assert all(h.score < 0.8 for h in layout.recovered)


def test_a_label_whose_first_word_was_not_read_is_recovered() -> None:
    # "Số loại" with "Số" read as "£á" at 0.06: the rest of the label read exactly.
    p = page(
        (100, [(100, "Nhãn hiệu: SUZUKI"), (700, "£á", 0.06), (760, "loại RAIDER R150")]),
        (160, [(100, "Loại xe: Xe mô tô hai bánh")]),
    )
    assert values("registration_declaration", p)["model_code"] == "RAIDER R150"
    # Read confidently, the first word is what was printed: no label of this form.
    p = page(
        (100, [(100, "Nhãn hiệu: SUZUKI"), (700, "Gá", 0.9), (760, "loại RAIDER R150")]),
        (160, [(100, "Loại xe: Xe mô tô hai bánh")]),
    )
    assert values("registration_declaration", p)["model_code"] is None


def test_a_rival_label_must_start_with_the_garbled_span_letter() -> None:
    """ "Giới nh:" (the "tí" of "tính" lost) is nearer "Giới tính" than "Nơi sinh" by less
    than the margin, but "Nơi sinh" cannot be what was read: its first letter is not
    the span's."""
    p = page(
        (537, [(910, "Ngày, tháng, năm sinh: 09.08.1975")]),
        (604, [(910, "Giới nh: Nam"), (1477, "Quốc tịch: Việt Nam")]),
    )
    assert values("citizen_id", p)["sex"] == "Nam"


def test_a_title_is_no_garbled_label() -> None:
    # "NHẬN ĐĂNG KÝ" of the title is as near "Ngày đăng ký" as the first-registration
    # label whose "đầu" was read as dots: only a label in small letters with a valid date
    # after it is the registration date, not the issue date of the signature line.
    p = page(
        (100, [(100, "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE")]),
        (160, [(100, "VEHICLE REGISTRATION CERTIFICATE")]),
        (220, [(100, "Số máy: SC50A6800047")]),
        (280, [(100, "Đăng ký lần .. ngày: 1.3.2014")]),
        (340, [(100, "Hà Nội, ngày 21 tháng 05 năm 2018")]),
    )
    assert values("registration_certificate", p)["registration_date"] == "2014-03-01"


def test_an_issue_date_standing_in_where_the_first_registration_row_is_garbled() -> None:
    """The issue date stands in for the first registration only where the certificate
    prints no such row: with the row's label read garbled and its date unread, the
    stand-in is in doubt (valid unknown), not taken as read."""
    rows = [
        (100, [(100, "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE")]),
        (220, [(100, "Số máy: SC50A6800047")]),
        (400, [(1300, "Hà Nội, ngày 21 tháng 05 năm 2018")]),
    ]
    got = extract_fields("registration_certificate", [page(*rows)])["registration_date"]
    assert (got.value, got.valid) == ("2018-05-21", True)
    garbled = [*rows[:2], (280, [(100, "Đăng ky lần vay 04!ÐÈ.M@I4")]), rows[2]]
    got = extract_fields("registration_certificate", [page(*garbled)])["registration_date"]
    assert (got.value, got.valid) == ("2018-05-21", None)
    assert got.problems


def test_a_garbled_label_begins_its_row_or_a_column() -> None:
    # "Quốc Việt," inside the address is as near "Quốc tịch" as a garbled label can be,
    # and a licence that prints no nationality is not given the address as one.
    p = page(
        (100, [(100, "Nơi cư trú: Số 182 đường Hoàng Quốc Việt,")]),
        (160, [(100, "P. Quan Hoa, Q. Cầu Giấy, TP Hà Nội")]),
        (220, [(100, "Hạng: A1")]),
    )
    assert analyse(p, vocabulary("driving_license")).recovered == ()
    assert values("driving_license", p)["nationality"] is None
    assert nationality_value("Q. Cầu Giấy, TP Hà Nội", {}).valid is False
    assert nationality_value("Hàn Quốc", {}).valid is True


def test_a_garbled_span_is_the_nearest_label_or_none() -> None:
    voc = vocabulary("registration_declaration")
    # Nearer the owner's "Năm sinh" than "Năm sản xuất": not the manufacture year.
    assert analyse(page((100, [(100, "Nam sanh 2009")])), voc).recovered == ()
    # "Dz tích" is nearer "Dung tích" than "Quốc tịch" by less than the margin, but
    # "Quốc tịch" could not be read so (its first letter is not the span's): no rival.
    (hit,) = analyse(page((100, [(100, "Dz tích 109 cm3")])), voc).recovered
    assert hit.field == "engine_capacity_cc"


# -- fields --------------------------------------------------------------------------------


def test_every_schema_field_is_returned_and_missing_ones_are_none() -> None:
    for doc_type in (
        "registration_certificate",
        "registration_declaration",
        "citizen_id",
        "driving_license",
    ):
        got = extract_fields(doc_type, [page((100, [(100, "Nhãn hiệu: HONDA")]))])
        assert tuple(got) == field_names(doc_type)
        for name, f in got.items():
            if name != "brand":
                # Not found: no value and no place; the calibrated confidence is the chance
                # that the paper really leaves it blank, below the review threshold.
                assert (f.value, f.raw, f.page, f.bbox) == (None, None, None, None)
                assert f.confidence < 0.9
        raw = extract_fields("citizen_id", [page((100, [(100, "Nhãn hiệu: HONDA")]))], None, False)
        assert all(f == MISSING for f in raw.values())


def test_an_empty_field_says_whether_its_label_is_on_the_page() -> None:
    """A label without a value is a value missed; no label, a field this layout lacks."""
    p = page(
        (100, [(100, "Giới tính:")]),
        (160, [(100, "Quốc tịch: '")]),
        (220, [(100, "Nhãn hiệu: HONDA")]),
    )
    got = extract_fields("citizen_id", [p], None, calibrated=False)
    features = {
        n: {k: v for k, v in got[n].features.items() if k not in ("page_ocr", "label_share")}
        for n in ("sex", "nationality", "expiry_date")
    }
    assert got["sex"].features["page_ocr"] == pytest.approx(0.95)  # the page's mean word conf
    # Two of the card's eight labelled fields have their label on the page.
    assert got["expiry_date"].features["label_share"] == 0.25
    assert all(got[n].value is None for n in features)
    # The sex and the expiry have no search over the document; the nationality is looked
    # for as "Việt Nam" no label claims, and was not found.
    assert features["sex"] == {"label_seen": 1.0, "value_blank": 1.0, "searched": 0.0}
    assert features["nationality"] == {"label_seen": 1.0, "value_blank": 0.0, "searched": 1.0}
    assert features["expiry_date"] == {"label_seen": 0.0, "value_blank": 0.0, "searched": 0.0}
    # A place of origin is searched for whole, as an address no label claims.
    assert got["place_of_origin"].features["searched"] == 1.0


def test_half_a_nationality_is_viet_nam_for_review() -> None:
    # No other country's name has the word "Việt": half of it read, or read one letter
    # wrong, is Việt Nam, doubtful. "Nam" alone may be the sex beside it.
    p = page((100, [(100, "Quốc tịch: Việt")]))
    got = extract_fields("citizen_id", [p], None, calibrated=False)["nationality"]
    assert (got.value, got.valid) == ("Việt Nam", None)
    for read in ("Nawonay Việt", "Việt Nan"):
        assert (nationality_value(read, {}).value, nationality_value(read, {}).valid) == (
            "Việt Nam",
            None,
        )
    assert nationality_value("Nam", {}).valid is False
    p = page((100, [(100, "Quốc tịch: VIỆT NAM")]))
    got = extract_fields("citizen_id", [p], None, calibrated=False)["nationality"]
    assert (got.value, got.valid) == ("Việt Nam", True)


def test_unknown_doc_type_has_no_fields() -> None:
    assert extract_fields("unknown", [page((100, [(100, "Nhãn hiệu: HONDA")]))]) == {}


def test_canonical_values_and_evidence() -> None:
    p = page(
        (100, [(100, "Số: 474115")]),
        (160, [(100, "Tên chủ xe: NGUYỄN VĂN AN")]),
        (220, [(100, "Mã định danh: 001 090 012345")]),
        (280, [(100, "Loại xe: Ô tô con"), (1300, "Biển số đăng ký: 30A-123.45")]),
        (340, [(100, "Số máy: 1NZ-1234567"), (1300, "Dung tích: 1.496 cm3")]),
        (400, [(100, "Số chỗ ngồi: 05 chỗ"), (1300, "Đăng ký lần đầu ngày: 24.5.2018")]),
    )
    got = extract_fields("registration_certificate", [p])
    assert got["owner_id_number"].value == "001090012345"
    assert got["plate_number"].value == "30A-123.45"
    assert got["engine_capacity_cc"].value == "1496"
    assert got["seats"].value == "5"
    assert got["registration_date"].value == "2018-05-24"
    plate = got["plate_number"]
    assert plate.valid is True and plate.page == 1 and plate.raw == "30A-123.45"
    assert plate.bbox is not None and plate.bbox[0] > 1300
    assert 0.8 < plate.confidence <= 0.99
    assert {"ocr_mean", "label_score", "valid"} <= set(plate.features)


def test_invalid_values_are_returned_as_read_with_low_confidence() -> None:
    p = page(
        (100, [(100, "Họ và tên: TRẦN THỊ BÌNH")]),
        (160, [(100, "Số định danh cá nhân: 0010900123")]),  # 10 digits
        (220, [(100, "Ngày sinh: 31/02/1990")]),  # no such day
    )
    got = extract_fields("citizen_id", [p])
    assert got["id_number"].value == "0010900123"
    assert got["id_number"].valid is False and got["id_number"].confidence < 0.9
    assert got["id_number"].confidence < got["full_name"].confidence
    assert got["date_of_birth"].value == "31/02/1990"
    assert got["date_of_birth"].valid is False
    assert got["full_name"].valid is True and got["full_name"].confidence > 0.8


def test_names_are_never_corrected() -> None:
    """Only a misread surname's marks are restored (extract.surnames); a name printed
    without any mark stays so."""
    p = page((100, [(100, "Họ và tên: NGUYEN VAN  AN")]))
    assert values("citizen_id", p)["full_name"] == "NGUYEN VAN AN"
    p = page((100, [(100, "Họ và tên: NGUYÊN VĂN AN")]))
    assert values("citizen_id", p)["full_name"] == "NGUYỄN VĂN AN"
    assert name_value("ri name", {}).valid is False  # a garbled English half is no name


def test_a_name_of_one_word_is_read_in_part() -> None:
    # Family name and given name: "NGU" (of NGUYỄN ĐỨC KHOA under a seal) is not a name.
    assert name_value("NGU", {}).valid is False
    assert name_value("VŨ", {}).problems == ("a family name and a given name are expected",)
    assert name_value("VŨ HẢI", {}).valid is True
    assert name_value("CÔNG TY TNHH AN PHÁT", {}).valid is True


def test_a_name_that_starts_with_a_given_name_lost_its_family_name() -> None:
    # "TRẦN" under a seal: a Vietnamese name starts with its family name.
    assert name_value("TUẤN LONG", {}).problems == (
        "no family name: its first word is a given name",
    )
    assert name_value("Thị Khánh Trang", {}).valid is False
    for kept in ("TRẦN TUẤN LONG", "MAI ANH", "KIM NGÂN", "JOHN SMITH"):
        assert name_value(kept, {}).valid is True  # "Mai", "Kim" are family names too


def test_a_seals_place_name_read_over_the_name_is_no_name() -> None:
    # The seal's lettering "HÀ NỘI" read where the name is (three documents of a dossier
    # agreed on it at 0.9+): the name under it, read on the row below, is the value.
    assert name_value("HÀ NỘI", {}).problems == ("a province's name, not a person's",)
    p = page(
        (100, [(100, "Họ và tên / Full name:"), (900, "HÀ NỘI")]),
        (150, [(150, "TRẦN NGỌC HỒNG")]),
        (200, [(100, "Ngày sinh / Date of birth: 12/05/1990")]),
    )
    assert values("citizen_id", p)["full_name"] == "TRẦN NGỌC HỒNG"
    # A surname and a listed given name are a person, whatever province they also name.
    for name in ("Hà Nam", "HÀ GIANG", "Thái Bình"):
        assert name_value(name, {}).valid is True


def test_an_english_half_in_parentheses_read_garbled_with_a_stop_is_label() -> None:
    # "Địa chỉ (Address):" with the half read "(Aszess)." and "Loại xe (Type):" as
    # "(r„s).": not the value's first words.
    p = page(
        (100, [(100, "Tên chủ xe (Owner's full name): NGUYỄN VĂN AN")]),
        (160, [(100, "Địa chỉ (Aszess). Số 212 ngõ 4 đường Nguyễn Chí Thanh, TP Hà Nội")]),
        (220, [(100, "Loại xe (r„s). Xe mô tô")]),
    )
    got = values("registration_certificate", p)
    assert got["owner_address"] == "Số 212 ngõ 4 đường Nguyễn Chí Thanh, TP Hà Nội"
    assert got["vehicle_type"] == "Xe mô tô"


def test_a_syllable_ending_in_a_stop_carries_a_sharp_or_heavy_tone() -> None:
    # "MAI" read "MAT": a syllable ending in p, t, c or ch takes sắc or nặng, so "MAT"
    # is none; the names of organisations and names printed without marks are exempt.
    assert name_value("BÙI THÙY MAT", {}).problems == ("no Vietnamese syllable: MAT",)
    for name in ("BÙI THÙY MAI", "TRẦN QUỐC ĐẠT", "ĐẶNG THỊ BÍCH", "LÊ ĐỨC KHÁNH"):
        assert name_value(name, {}).valid is True
    assert name_value("NGUYEN VAN PHUC", {}).valid is True
    assert name_value("CÔNG TY TNHH ABC", {}).valid is True


def test_specks_after_a_name_are_not_part_of_it() -> None:
    # A leader's end and a speck read after the name ("CƯỜNG ...{ 1."): no letter, no name.
    assert name_value("NGUYỄN TRỌNG CƯỜNG ...{ 1.", {}) == name_value("NGUYỄN TRỌNG CƯỜNG", {})
    assert name_value("NGUYỄN TRỌNG CƯỜNG", {}).valid is True
    # A modifier letter alone is no letter ("-ˆ" after a name on a photo, at 1.0).
    assert name_value("HOÀNG QUỲNH ANH -ˆ", {}).value == "HOÀNG QUỲNH ANH"
    assert name_value("} ! LƯU MINH LONG", {}).value == "LƯU MINH LONG"  # and before it
    # A stop or comma after a word inside a person's name is a speck.
    assert name_value("LƯU NGỌC. TRUNG", {}) == name_value("LƯU NGỌC TRUNG", {})
    assert name_value("LƯU, NGỌC TRUNG.", {}).value == "LƯU NGỌC TRUNG"
    assert name_value("HỒ.MINH VŨ", {}).value == "HỒ MINH VŨ"  # a space read as a stop
    # ... and so is a hyphen between two words of a Vietnamese name; a foreigner's name
    # (printed without marks) and a firm's keep theirs.
    assert name_value("LƯƠNG DUY-THỊNH", {}).value == "LƯƠNG DUY THỊNH"
    assert name_value("JEAN-PIERRE DUPONT", {}).value == "JEAN-PIERRE DUPONT"
    assert name_value("CÔNG TY TNHH AN-PHÚ", {}).value == "CÔNG TY TNHH AN-PHÚ"


def test_cccd_checked_against_birth_year_and_sex() -> None:
    p = page(
        (100, [(100, "Số định danh cá nhân: 001090012345")]),  # male, born 1990
        (160, [(100, "Ngày sinh: 12/05/1991"), (1300, "Giới tính: Nữ")]),
    )
    f = extract_fields("citizen_id", [p])["id_number"]
    assert f.value == "001090012345" and f.valid is False
    assert any("1990" in p and "1991" in p for p in f.problems)
    assert any("Nữ" in p for p in f.problems)


def test_sex_and_nationality_unread_on_a_card_come_from_its_number() -> None:
    # A seal over "Giới tính" and "Quốc tịch": the 12-digit number is a citizen's and
    # codes the sex (4th digit 0: a man born in the 1900s). For review, not accepted.
    p = page(
        (100, [(100, "Số định danh cá nhân: 001090012345")]),
        (160, [(100, "Họ và tên: NGUYỄN VĂN AN")]),
        (220, [(100, "Ngày sinh: 12/05/1990")]),
        (280, [(100, "Giới tính:"), (1300, "Quốc tịch:")]),
    )
    got = extract_fields("citizen_id", [p])
    assert (got["sex"].value, got["nationality"].value) == ("Nam", "Việt Nam")
    assert got["sex"].confidence < 0.95 and got["sex"].problems
    # A number whose birth year the date of birth contradicts is still a citizen's; its
    # sex digit may be the misread one.
    p = page(
        (100, [(100, "Số định danh cá nhân: 001090012345")]),
        (220, [(100, "Ngày sinh: 12/05/1995")]),
        (280, [(100, "Giới tính:"), (1300, "Quốc tịch:")]),
    )
    got = extract_fields("citizen_id", [p])
    assert (got["sex"].value, got["nationality"].value) == (None, "Việt Nam")
    # A 9-digit CMND prints neither and codes neither.
    p = page((100, [(100, "Số: 012345678")]), (160, [(100, "Họ tên: NGUYỄN VĂN AN")]))
    got = extract_fields("citizen_id", [p])
    assert (got["sex"].value, got["nationality"].value) == (None, None)


def test_a_card_with_a_citizens_number_says_viet_nam_whatever_was_read() -> None:
    # A seal over "Việt Nam" left "Nai": only a citizen holds a 12-digit personal
    # number, so the card printed Việt Nam; the reading stays as the field's raw.
    rows = (
        (100, [(100, "Số định danh cá nhân: 001090012345")]),
        (220, [(100, "Ngày sinh: 12/05/1990")]),
        (280, [(100, "Giới tính: Nam"), (1300, "Quốc tịch: Nai")]),
    )
    got = extract_fields("citizen_id", [page(*rows)])["nationality"]
    assert (got.value, got.raw) == ("Việt Nam", "Nai")
    assert got.confidence < 0.95 and "'Nai'" in got.problems[0]
    # Without the number it stays as read: nothing else says whose card it is.
    got = extract_fields("citizen_id", [page(*rows[1:])])["nationality"]
    assert got.value == "Nai"
    # A licence is no proof of citizenship: a foreigner's says another country.
    rows = (
        (100, [(100, "Số: 001090012345")]),
        (160, [(100, "Họ và tên: NGUYỄN VĂN AN")]),
        (220, [(100, "Ngày sinh: 12/05/1990"), (1300, "Quốc tịch: Lào")]),
    )
    assert extract_fields("driving_license", [page(*rows)])["nationality"].value == "Lào"


def test_plate_checked_against_vehicle_type() -> None:
    p = page(
        (100, [(100, "Loại xe: Xe mô tô")]),
        (160, [(100, "Biển số đăng ký: 30A-123.45")]),
    )
    f = extract_fields("registration_certificate", [p])["plate_number"]
    assert f.value == "30A-123.45"  # read as printed, flagged, not re-interpreted
    assert f.valid is False
    assert f.problems == ("car plate 30A-123.45 on a motorbike (Xe mô tô)",)
    assert f.features["cross_check_failed"] == 1.0
    # The calibration sees the verdict: a plate read well but contradicted is doubtful.
    assert f.features["valid"] == 0.0
    assert (
        extract_fields("registration_certificate", [p], calibrated=True)["plate_number"].confidence
        < 0.5
    )


def test_a_plate_row_read_without_a_plates_digits_is_blank() -> None:
    """A declaration filled in before the plate was issued leaves "BIỂN SỐ MỚI" blank; a
    seal's ring or a stain read there ("cảN") is no plate, and the dossier must not fill
    the certificate's plate in as if this one were misread."""
    p = page(
        (100, [(100, "BIỂN SỐ MỚI: cảN"), (1300, "Màu biển:")]),
        (160, [(100, "Loại xe: Xe mô tô")]),
    )
    got = extract_fields("registration_declaration", [p])["plate_number"]
    assert got.value is None
    # The next row's label or number, read under the blank row: too few digits for a
    # plate, or too many.
    for read in ("$6 loail", "Màu sơn: 06", "0144462099939 09"):
        p = page(
            (100, [(100, "BIỂN SỐ MỚI:"), (1300, "Màu biển:")]),
            (140, [(100, read)]),
            (200, [(100, "Loại xe: Xe mô tô")]),
        )
        assert extract_fields("registration_declaration", [p])["plate_number"].value is None
    p = page(
        (100, [(100, "BIỂN SỐ MỚI: 33X-8206"), (1300, "Màu biển:")]),
        (160, [(100, "Loại xe: Xe mô tô")]),
    )
    misread = extract_fields("registration_declaration", [p])["plate_number"]
    assert misread.value == "33X-8206" and misread.valid is False  # a plate, misread
    p = page(
        (100, [(100, "BIỂN SỐ MỚI: 30B -"), (1300, "Màu biển:")]),
        (160, [(100, "Loại xe: Xe mô tô")]),
    )
    begun = extract_fields("registration_declaration", [p])["plate_number"]
    assert begun.value == "30B"  # its start, the rest under a seal


def test_a_class_of_the_list_read_as_no_class_puts_the_list_in_doubt() -> None:
    """ "A; B" read "R; B": the list is not "B" for sure (auto-accepted at 0.98)."""
    doubtful = license_class_value("R; B", {})
    assert (doubtful.value, doubtful.valid) == ("B", None)
    assert license_class_value("A1, B2", {}).valid is True
    assert license_class_value("Hạng / Class: B2", {}).valid is True
    # "A1;" of "A1; B2" with B2 under a seal: the list goes on past what was read.
    cut = license_class_value("A1;", {})
    assert (cut.value, cut.valid) == ("A1", None) and "in part" in cut.problems[0]


def test_licence_classes_checked_against_issue_date() -> None:
    p = page(
        (100, [(100, "Hạng / Class: B2")]),
        (160, [(100, "Ngày cấp: 10/03/2025")]),
    )
    got = extract_fields("driving_license", [p])
    assert got["license_class"].value == "B2"
    assert got["license_class"].valid is False
    assert any("B2" in p for p in got["license_class"].problems)


def test_several_engine_numbers_are_joined() -> None:
    p = page((100, [(100, "Số máy 1: JF86E1234567"), (1300, "Số máy 2: JF86E7654321")]))
    assert values("registration_declaration", p)["engine_number"] == ("JF86E1234567; JF86E7654321")


def test_an_engine_line_number_read_without_its_colon_is_the_labels() -> None:
    """ "Số máy 1" with its colon unread and the number under it (read with a slashed
    zero): the "1" is the line's number, the value is the row under it."""
    p = page(
        (944, [(282, "Số máy 1"), (1007, "Số máy 2:")]),
        (980, [(295, "SC50AØ6800047")]),
    )
    assert values("registration_declaration", p)["engine_number"] == "SC50A06800047"


def test_a_blank_engine_line_does_not_take_the_chassis_number_under_it() -> None:
    """ "Số máy 2:" left blank; on the row under it the chassis number after "Số khung:"
    is typed far right and reaches under "Số máy 2:": it is the chassis number only."""
    p = page(
        (861, [(172, "Số máy 1:"), (583, "CGA1-036552"), (1260, "Số máy 2:")]),
        (923, [(172, "Số khung:"), (1100, "RLSBGM601KN925003")]),
    )
    got = values("registration_declaration", p)
    assert got["engine_number"] == "CGA1-036552"
    assert got["chassis_number"] == "RLSBGM601KN925003"
    # A value typed under the blank line's own label is still its value.
    p = page(
        (861, [(172, "Số máy 1:"), (583, "CGA1-036552"), (1260, "Số máy 2:")]),
        (923, [(172, "Số khung:"), (420, "RLSBGM601KN925003"), (1270, "JF86E7654321")]),
    )
    assert values("registration_declaration", p)["engine_number"] == "CGA1-036552; JF86E7654321"


def test_declaration_date_from_the_signature_line_and_plate_from_new_plate() -> None:
    p = page(
        (100, [(100, "BIỂN SỐ CŨ:"), (1300, "Màu biển:")]),
        (160, [(100, "BIỂN SỐ MỚI: 29-B1 123.45"), (1300, "Màu biển: Trắng")]),
        (220, [(100, "Loại xe: Xe mô tô")]),
        (900, [(1300, "Hà Nội, ngày 5 tháng 3 năm 2024")]),
        (960, [(1500, "CHỦ XE")]),
    )
    got = values("registration_declaration", p)
    assert got["plate_number"] == "29-B1 123.45"
    assert got["declaration_date"] == "2024-03-05"


def test_a_short_label_without_a_colon_heads_its_row_before_the_value_column() -> None:
    """Old licences print "Số", "Hạng" without colons (or OCR loses a colon to noise):
    such a short word counts as its label where it heads its row, read exactly, with the
    value a column apart; "Số" at the head of an address stays a word of it."""
    licence = page(
        (100, [(100, "GIẤY PHÉP LÁI XE")]),
        (200, [(100, "Họ tên"), (500, "NGUYỄN THỊ TUYẾT")]),
        (260, [(100, "Nơi cư trú"), (500, "Số 12 ngõ 5 phố Huế, Hà Nội")]),
        (320, [(100, "Hạng"), (500, "AI,C")]),
    )
    got = values("driving_license", licence)
    assert got["license_class"] == "A1; C"
    assert got["address"] == "Số 12 ngõ 5 phố Huế, Hà Nội"


def test_a_signature_line_date_with_a_zero_misread_is_repaired() -> None:
    """The declaration's date has no label: its place-and-date line is found by its
    shape. With the month's dotted zero read as 6 ("tháng 68") no reading validates, and
    a value found by shape alone that does not validate was dropped before the zero
    repair could see it (hard tuning set: 2024-08-06 lost)."""
    p = page(
        (100, [(100, "Tên chủ xe: NGUYỄN VĂN AN")]),
        (900, [(1300, "Hà Nội, ngày 06 tháng 68 năm 2024")]),
        (960, [(1500, "CHỦ XE")]),
    )
    got = extract_fields("registration_declaration", [p])["declaration_date"]
    assert got.value == "2024-08-06" and got.valid
    assert got.features["repaired"] == 1.0
    # A line that no repair makes a date stays blank.
    p = page(
        (100, [(100, "Tên chủ xe: NGUYỄN VĂN AN")]),
        (900, [(1300, "Hà Nội, ngày 06 tháng 17 năm 2024")]),
    )
    assert extract_fields("registration_declaration", [p])["declaration_date"].value is None


def test_issue_date_beside_another_fields_label_on_one_ocr_row() -> None:
    """Whole-page OCR joins "Hạng / Class: A1, B2" and the place-and-date line beside it."""
    p = page(
        (100, [(100, "Họ tên / Full name: TRẦN THU LOAN")]),
        (160, [(100, "Hạng / Class: A1, B2"), (1100, "Hà Nội, ngày 22 tháng 8 năm 2019")]),
        (220, [(100, "Có giá trị đến / Expires: 22-08-2029")]),
    )
    got = values("driving_license", p)
    assert got["issue_date"] == "2019-08-22"
    assert got["expiry_date"] == "2029-08-22"


def test_id_number_without_a_readable_label() -> None:
    p = page((100, [(100, "sø. 001090012345")]), (160, [(100, "Họ và tên: AN")]))
    assert values("citizen_id", p)["id_number"] == "001090012345"


def test_rereadings_outvote_a_page_misreading() -> None:
    field = ExtractedField(
        "RLHJF58OONY123456",
        "RLHJF58OONY123456",
        0.5,
        1,
        (0, 0, 10, 10),
        True,
        (),
        {"ocr_mean": 0.6},
    )
    from extract.values import chassis_value

    again = [page((0, [(0, "RLHJF5800NY123456", 0.9)])), page((0, [(0, "RLHJF5800NY123456")]))]
    won = vote(field, chassis_value, {}, again)
    assert won.value == "RLHJF5800NY123456"
    assert won.features["agreement"] == pytest.approx(2 / 3)
    kept = vote(field, chassis_value, {}, [])
    assert kept.value == field.value and kept.features["agreement"] == 1.0


def test_a_rereading_that_wins_brings_its_own_verdict() -> None:
    # A CCCD read at confidence 0 (leader dots glued to it) outvoted by two readings that
    # lost its last digit: the field's evidence says the value is no ID.
    from extract.values import owner_id_value

    field = ExtractedField(
        "001053789395", "001053789395...", 0.2, 1, (0, 0, 300, 30), True, (), {"ocr_mean": 0.0}
    )
    again = [page((0, [(0, "00105378939", 0.95)])), page((0, [(0, "00105378939", 0.9)]))]
    won = vote(field, owner_id_value, {}, again, latin=True)
    assert (won.value, won.valid, won.features["valid"]) == ("00105378939", False, 0.0)


def test_a_rereading_that_dropped_a_first_digit_it_boxed_is_no_witness() -> None:
    """ "18.8.1989" read "8.8.1989" by both strip readings, from a word box starting at
    the page reading's "1": the engine saw the ink and wrote nothing for it."""
    from extract.values import past_date_value

    parse = past_date_value("date_of_birth")
    field = ExtractedField(
        "1989-08-18", "18.8.1989", 0.9, 1, (1058, 1154, 1227, 1187), True, (), {"ocr_mean": 0.94}
    )

    def reading(text: str, x0: int) -> Page:
        return Page(1, 2480, 3508, (Line((Word(text, (x0, 1154, 1227, 1187), 0.95),)),))

    dropped = [reading("8.8.1989", 1058), reading("8.8.1989", 1058)]
    assert vote(field, parse, {}, dropped).value == "1989-08-18"
    # A reading whose box starts right of the page reading's (a speck the page read as a
    # first "1" left out of it) is still a witness, and so is any other disagreement.
    assert vote(field, parse, {}, [reading("8.8.1989", 1085)] * 2).value == "1989-08-08"
    assert vote(field, parse, {}, [reading("19.8.1989", 1058)] * 2).value == "1989-08-19"
    # A first digit other than 1 that the second readings leave out was a mark before
    # the value, read as a digit on the page ("450" for "150").
    from extract.values import capacity_value

    cc = ExtractedField("450", "450", 0.9, 1, (900, 1154, 980, 1187), True, (), {"ocr_mean": 0.9})
    assert vote(cc, capacity_value, {}, [reading("50", 900)] * 2).value != "450"


def test_a_latin_model_reading_outweighs_two_alike_vietnamese_readings() -> None:
    """Model codes in monospaced type: ``vie`` reads EXCITER as EXCTTER twice (page and
    strip), the Latin model reads it right; for a Latin-only field its reading weighs more."""
    from extract.values import text_value

    field = ExtractedField(
        "EXCTTER", "EXCTTER", 0.8, 1, (0, 0, 10, 10), None, (), {"ocr_mean": 0.9}
    )
    vie = page((0, [(0, "EXCTTER", 0.9)]))
    eng = Page(1, 2480, 3508, page((0, [(0, "EXCITER", 0.9)])).lines, lang="eng")
    assert vote(field, text_value, {}, [vie, eng], latin=True).value == "EXCITER"
    # On a Vietnamese-text field the same readings are two against one.
    assert vote(field, text_value, {}, [vie, eng], latin=False).value == "EXCTTER"


# -- classification -------------------------------------------------------------------------


def _titled(title: str, *rows: tuple[int, Sequence[Segment]]) -> Page:
    return page((80, [(700, title)]), *rows)


def test_classify_titles_with_ocr_errors() -> None:
    cases = {
        "GIÁY KHAI ĐĂNG KY XF": "registration_declaration",
        "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE": "registration_certificate",
        "CĂN CUỚC CÔNG DÂN": "citizen_id",
        "CHỨNG MINH NHÂN DÂN": "citizen_id",
        "GIẤY PHÉP LÁI XE / DRIVER'S LICENSE": "driving_license",
    }
    for title, expected in cases.items():
        doc_type, conf = classify_page(_titled(title, (200, [(100, "Họ và tên: AN")])))
        assert doc_type == expected, title
        assert conf >= START_CONFIDENCE


def test_declaration_procedure_line_does_not_make_a_certificate() -> None:
    p = _titled(
        "GIẤY KHAI ĐĂNG KÝ XE",
        (140, [(300, "(Cấp đổi chứng nhận đăng ký xe, biển số xe)")]),
        (200, [(100, "Tên chủ xe: AN"), (1300, "Điện thoại: 0912345678")]),
    )
    assert classify_page(p)[0] == "registration_declaration"


def test_classify_by_labels_alone_is_low_confidence() -> None:
    p = page(
        (100, [(100, "DỮ LIỆU ĐIỆN TỬ VỀ NGUỒN GỐC CỦA XE")]),
        (200, [(100, "Mã hồ sơ nguồn gốc xe: RLHJF5800NY123456")]),
        (260, [(100, "Số khung: RLHJF5800NY123456"), (1300, "Số máy: JF86E1234567")]),
    )
    doc_type, conf = classify_page(p)
    assert doc_type == "registration_declaration"
    assert conf < START_CONFIDENCE


def test_a_page_with_its_title_unread_is_typed_by_its_labels() -> None:
    # A photocopied licence whose title the specks made unreadable: half its labels, one
    # of them ("Hạng") printed on no other document.
    p = page(
        (100, [(100, "% XXXE")]),
        (160, [(100, "Sinh ngày: 01-08-1956")]),
        (220, [(100, "Nơi cư trú: Số 54, ngách 31/21, ngõ 300 Trường Chinh")]),
        (280, [(100, "Hạng: D")]),
        (340, [(100, "Có giá trị đến ngày: 12/12/2029")]),
    )
    doc_type, confidence = classify_page(p)
    assert doc_type == "driving_license"
    assert confidence < START_CONFIDENCE  # no title: it does not start a document


def test_a_page_is_weighed_once_for_its_evidence() -> None:
    # A job asks about each page twice (when it is read, and when its file is split into
    # documents); the second answer comes from the first, and cannot be changed by a caller.
    from extract.classify import page_evidence

    p = _titled("GIẤY KHAI ĐĂNG KÝ XE", (200, [(100, "Tên chủ xe: AN")]))
    page_evidence.cache_clear()
    first = page_evidence(p)
    assert classify_page(p)[0] == "registration_declaration"
    assert page_evidence.cache_info().hits == 1 and page_evidence.cache_info().misses == 1
    assert page_evidence(p) is first
    with pytest.raises(TypeError):
        first["citizen_id"] = first["registration_declaration"]  # type: ignore[index]


def test_blank_page_is_unknown() -> None:
    assert classify_page(page((100, [(100, "~~ ..")])))[0] == "unknown"


def test_split_documents() -> None:
    pages = [
        ("registration_declaration", 0.9),
        ("registration_declaration", 0.4),  # electronic-data page: continues
        ("unknown", 0.1),  # unreadable third page: continues
        ("registration_certificate", 0.95),
        ("citizen_id", 0.9),
        ("citizen_id", 0.9),  # a second card: a new title starts a new document
        ("unknown", 0.0),  # card back
        ("unknown", 0.0),  # nothing left to continue: its own document
    ]
    assert split_documents(pages) == [
        Span("registration_declaration", 1, 3, 0.9),
        Span("registration_certificate", 4, 4, 0.95),
        Span("citizen_id", 5, 5, 0.9),
        Span("citizen_id", 6, 7, 0.9),
        Span("unknown", 8, 8, 0.0),
    ]
    assert split_documents([]) == []
    assert list(Span("citizen_id", 2, 3, 0.9).indices) == [1, 2]


# -- real Tesseract on drawn pages ----------------------------------------------------------

TESSERACT = shutil.which("tesseract") is not None

PAGES: dict[str, tuple[str, list[list[tuple[str, str]]], dict[str, str]]] = {
    "registration_certificate": (
        "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE",
        [
            [("Số", "474115")],
            [("Tên chủ xe", "NGUYỄN VĂN AN")],
            [("Nhãn hiệu", "TOYOTA"), ("Số loại", "VIOS")],
            [("Loại xe", "Ô tô con"), ("Màu sơn", "Trắng")],
            [("Số máy", "2NR4567890"), ("Số khung", "RL4B12345P0123456")],
            [("Biển số đăng ký", "30A-123.45")],
        ],
        {
            "plate_number": "30A-123.45",
            "engine_number": "2NR4567890",
            "chassis_number": "RL4B12345P0123456",
            "brand": "TOYOTA",
            "certificate_number": "474115",
            "owner_name": "NGUYỄN VĂN AN",
        },
    ),
    "registration_declaration": (
        "GIẤY KHAI ĐĂNG KÝ XE",
        [
            [("Tên chủ xe", "TRẦN THỊ BÌNH")],
            [("Mã định danh", "001190012345"), ("Điện thoại", "0912345678")],
            [("Nhãn hiệu", "HONDA"), ("Số loại", "VISION")],
            [("Số máy", "JF58E1234567"), ("Năm sản xuất", "2021")],
        ],
        {
            "owner_id_number": "001190012345",
            "phone": "0912345678",
            "engine_number": "JF58E1234567",
            "manufacture_year": "2021",
        },
    ),
    "citizen_id": (
        "CĂN CƯỚC CÔNG DÂN",
        [
            [("Số", "001090012345")],
            [("Họ và tên", "LÊ VĂN HẢI")],
            [("Ngày sinh", "12/05/1990"), ("Giới tính", "Nam")],
            [("Có giá trị đến", "12/05/2030")],
        ],
        {
            "id_number": "001090012345",
            "date_of_birth": "1990-05-12",
            "sex": "Nam",
            "expiry_date": "2030-05-12",
        },
    ),
    "driving_license": (
        "GIẤY PHÉP LÁI XE",
        [
            [("Số", "010123456789")],
            [("Họ tên", "PHẠM MINH ĐỨC")],
            [("Ngày sinh", "03/07/1985")],
            [("Hạng", "B2"), ("Có giá trị đến", "04/08/2031")],
        ],
        {
            "license_number": "010123456789",
            "date_of_birth": "1985-07-03",
            "license_class": "B2",
            "expiry_date": "2031-08-04",
        },
    ),
}


def _draw(title: str, rows: list[list[tuple[str, str]]]) -> np.ndarray:
    from fixtures import fonts
    from fixtures.layout import BLACK, Canvas, Item, Style, draw_rows

    fam = fonts.family("DejaVu Sans")
    st = Style(
        fam,
        fam,
        34,
        40,
        False,
        False,
        "none",
        "flow",
        "none",
        False,
        0.3,
        0,
        18,
        BLACK,
        BLACK,
        "slash",
    )
    c = Canvas(2200, 160 + 80 * len(rows))
    c.centered(30, title, fonts.face(fam, 52, bold=True), 0, 2200)
    draw_rows(c, [[Item(lb, v) for lb, v in row] for row in rows], 80, 2120, 130, st)
    return np.asarray(c.image.convert("L"))


@pytest.mark.skipif(not TESSERACT, reason="Tesseract is not installed")
@pytest.mark.parametrize("doc_type", sorted(PAGES))
def test_real_ocr_of_a_drawn_page(doc_type: str) -> None:
    from ocr.tesseract import ocr_page

    title, rows, expected = PAGES[doc_type]
    ocred = ocr_page(_draw(title, rows), 1)
    assert classify_page(ocred)[0] == doc_type
    got = extract_fields(doc_type, [ocred])
    assert {k: got[k].value for k in expected} == expected
    assert all(got[k].valid for k in expected)


def test_a_comma_read_as_a_full_stop_between_address_parts_is_a_comma() -> None:
    assert address_value("Tổ dân phố 34. P. Trung Hưng. TX. Sơn Tây, TP Hà Nội", {}).value == (
        "Tổ dân phố 34, P. Trung Hưng, TX. Sơn Tây, TP Hà Nội"
    )
    # ... and before a unit word whose mark was not read ("Thi trấn").
    assert address_value(
        "Tổ dân phố 34. Thi trấn Chúc Sơn, Huyện Chương Mỹ, TP Hà Nội", {}
    ).value == ("Tổ dân phố 34, Thị trấn Chúc Sơn, Huyện Chương Mỹ, TP Hà Nội")
    # A unit's own abbreviation keeps its stop; a stop before a name stays a stop.
    for kept in ("Xóm 8, TT. Chúc Sơn, H. Chương Mỹ, TP. Hà Nội", "Thôn X. H. Gia Lâm"):
        assert address_value(kept, {}).value == kept


def test_the_place_and_date_line_read_into_an_addresss_end_goes() -> None:
    read = "Số 144, P. Phú Diễn, Q. Bắc Từ Liêm, Hà Nội ý 31 tháná 01 năm 2021 @I"
    assert address_value(read, {}).value == "Số 144, P. Phú Diễn, Q. Bắc Từ Liêm, Hà Nội"


def test_a_province_read_twice_at_an_addresss_end_is_a_seals_lettering() -> None:
    assert address_value("Số 39 ngõ 46, Q. Tây Hồ, TP Hà Nội HÀ NỘI", {}).value == (
        "Số 39 ngõ 46, Q. Tây Hồ, TP Hà Nội"
    )
    assert address_value("Thôn Đoài, X. Uy Nỗ, Huế HUẾ", {}).value == "Thôn Đoài, X. Uy Nỗ, Huế"
    # A street named after a province before the province is no repeat.
    kept = "Số 5 phố Huế, Hà Nội"
    assert address_value(kept, {}).value == kept


def test_the_end_of_an_address_label_read_into_the_value_is_dropped() -> None:
    """ "Nơi thường trú" read in part leaves "thường" before the address."""
    assert address_value("thường Tổ dân phố 16, P. Trung Hưng, TP Hà Nội", {}).value == (
        "Tổ dân phố 16, P. Trung Hưng, TP Hà Nội"
    )
    assert address_value("cư trú: Số 5 phố Huế, Hà Nội", {}).value == "Số 5 phố Huế, Hà Nội"
    # A capitalised place named so, and a label word alone, are kept.
    for kept in ("Thường Tín, Hà Nội", "thường"):
        assert address_value(kept, {}).value == kept
    # The papers print an address from its capitalised first word: small words before
    # it are the label's end, however misread ("quán ăn" was kept before session 21).
    assert address_value("quán ăn Số 5, Hà Nội", {}).value == "Số 5, Hà Nội"


def test_the_region_read_again_for_an_invalid_value_spans_its_row() -> None:
    """From the label's end (words dropped between them) to the next label on the row;
    a valid value, or one under its label, is read again from its own words only."""
    p = page((500, [(150, "Số CCCD/CMND:"), (700, "0010"), (1000, "Số loại: VIOS")]))
    layout = analyse(p, vocabulary("registration_certificate"))
    hit = next(h for h in layout.hits if h.field == "owner_id_number")
    value = layout.value(hit)
    assert value.text == "0010" and value.box is not None
    x0, y0, x1, y1 = layout.reread_region(hit, value, True) or value.box
    assert x0 < 700 and hit.box[2] < x0  # back to the label's end
    assert 960 < x1 < 1000 and (y0, y1) == value.box[1::2]  # on to "Số loại"
    assert layout.reread_region(hit, value, False) == value.box


def test_a_second_reading_fills_in_what_the_first_lost_and_yields_to_it_otherwise() -> None:
    first = page((100, [(100, "Số máy: JC91E8333385")]), (150, [(100, "x8f ,, 2021")]))
    second = page(
        (100, [(100, "Số máy: JC91E8333386")]),  # read otherwise: the first reading's stays
        (150, [(100, "Năm sản xuất: 2021")]),  # a label the first reading lost
    )
    got = extract_fields("registration_certificate", [first], calibrated=False, second=[second])
    assert got["engine_number"].value == "JC91E8333385"
    assert got["manufacture_year"].value == "2021"
    alone = extract_fields("registration_certificate", [first], calibrated=False)
    assert alone["manufacture_year"].value is None


def test_a_birth_date_whose_label_is_unread_is_the_earliest_date_in_figures() -> None:
    """A card's or licence's "Ngày sinh" lost under a seal: the holder's birth is the
    earliest date the document prints in figures (issue and expiry come later); the dates
    of other fields' rows are theirs."""
    rows = [
        (100, [(100, "Số: 001190012345")]),
        (150, [(100, "N#ỳ s!h"), (400, ": 14.6.1990")]),  # the label unreadable
        (200, [(100, "Có giá trị đến: 14/06/1980")]),  # another field's row (misread)
        (250, [(100, "Ngày, tháng, năm: 12/05/2021")]),  # the issue date, later
    ]
    assert values("citizen_id", page(*rows))["date_of_birth"] == "1990-06-14"
    licence = page((100, [(100, "Ngày cấp 05/01/2015")]), (150, [(100, "11:02.1984")]))
    assert values("driving_license", licence)["date_of_birth"] == "1984-02-11"
    # Nothing in figures: nothing found (the worded place-and-date line is no birth).
    worded = page((300, [(100, "Hà Nội, ngày 12 tháng 3 năm 2021")]))
    assert values("citizen_id", worded)["date_of_birth"] is None


def test_a_short_label_read_unsure_is_no_speck() -> None:
    """Tesseract read "Họ tên:" as "Họ tê:" with confidence 0: marked letters are a word
    read unsure, not noise, so the label and the name after it stay (before: the name was
    taken from under the English half, "Dafe oƒ bình")."""
    p = page(
        (100, [(100, "Họ tê:", 0.0), (300, "NGUYỄN PHƯƠNG MY")]),
        (140, [(100, "Full name")]),
        (200, [(100, "Ngày sinh: 09.11.1974")]),
        (240, [(100, "Dafe oƒ bình:")]),
    )
    assert values("driving_license", p)["full_name"] == "NGUYỄN PHƯƠNG MY"
    # Specks read as short ASCII marks or letters still go.
    specks = page(
        (100, [(100, "ii", 0.0), (200, "=", 0.0)]), (200, [(100, "Ngày sinh: 09.11.1974")])
    )
    assert extract_fields("driving_license", [specks])["full_name"].value is None


def test_a_place_and_date_line_with_a_zero_misread_is_found_and_repaired() -> None:
    """ "ngày 06 tháng 04 năm 2018" under a seal read "ngày 96 thịng 04 năm 2018": the line
    is a misworded date by its words though its day is none, and the day's dotted zero
    read as 9 is repaired (for review); a line whose numbers no zero makes a date stays
    unfound."""
    licence = page(
        (100, [(100, "Họ tên: NGUYỄN VĂN AN")]),
        (900, [(1200, "Hà NgÍi, ngày 96 thịng 04 năm 2018")]),
    )
    got = extract_fields("driving_license", [licence])["issue_date"]
    assert got.value == "2018-04-06" and got.confidence < 0.95
    lost = page(
        (100, [(100, "Họ tên: NGUYỄN VĂN AN")]),
        (900, [(1200, "Hà Nội, ngày 47 thịng 53 năm 2018")]),
    )
    assert values("driving_license", lost)["issue_date"] is None


def test_a_place_and_date_line_with_misread_words_keeps_its_numbers() -> None:
    """ "ngày 11 tháng 01 năm 2001" read "rigày 11 tháng 01 nãtn 2001": the words for
    month and year within two letters, the numbers whole, make the date."""
    licence = page(
        (100, [(100, "Họ tên: NGUYỄN VĂN AN")]),
        (900, [(1200, "Hả Nộ:, rigày 11 tháng 01 nãtn 2001")]),
    )
    assert values("driving_license", licence)["issue_date"] == "2001-01-11"
    assert misworded_date("lý 05 thán, 05 năm 2020") == "2020-05-05"
    # Numbers between other words are no date: an address, a date with a number lost.
    assert misworded_date("Tổ 5 Phường 12 Quận 10 năm 2019") is None
    assert misworded_date("Số 12 ngõ 34 phố 56 Hà Nội 2020") is None
    assert misworded_date("Hà Nội, ngày 10 3i ng 1. tiềm 2008") is None


def test_a_worded_date_with_a_word_lost_or_a_zero_read_as_two_digits() -> None:
    # The month's word lost under a seal: its numbers on one row of a declaration.
    declaration = page(
        (100, [(100, "Tên chủ xe: NGUYỄN VĂN AN")]),
        (900, [(1200, "Hà Nội ngày 28"), (1500, "08 năm 2022")]),
    )
    assert values("registration_declaration", declaration)["declaration_date"] == "2022-08-28"
    assert misworded_date("Hà Nội, ngày 5 tháng 11 2019") == "2019-11-05"
    # A dotted zero read "60" in a year of five digits.
    assert misworded_date("Hà NỘI, ngày 3 thắng 2 năm 26009") == "2009-02-03"
    assert misworded_date("ngày 28 tháng 01 năm 26020") == "2020-01-28"
    # Without "ngày", or with a fifth digit that no dotted zero explains, no date.
    assert misworded_date("Tổ 28 08 năm 2022") is None
    assert misworded_date("ngày 3 tháng 2 năm 23022") is None


def test_a_date_value_with_its_separators_read_as_spaces() -> None:
    card = page(
        (100, [(100, "Họ tên: NGUYỄN CÔNG VIỆT")]),
        (200, [(100, "Ngày sinh: 13 03.1969")]),
        (300, [(100, "Có giá trị đến: 05 08 2031")]),
    )
    got = values("driving_license", card)
    assert (got["date_of_birth"], got["expiry_date"]) == ("1969-03-13", "2031-08-05")
    # Only a whole value of a day, a month and a year: other numbers are no date.
    assert expiry_value("Số 12 3 2020", {}).value == "Số 12 3 2020"
    assert expiry_value("12 3 20201", {}).valid is False


# -- values whose label was not read ---------------------------------------------------------


def test_a_place_of_origin_whose_label_was_lost_is_found_under_the_card_holders_rows() -> None:
    """ "Quê quán" read as "Quê" alone (a seal's ring over "quán / Place of origin"): the
    quê quán is the unclaimed line of three bare, listed place names; the residence under
    its own label stays the residence's, and its wrapped end ("Đông Ngạc, Quận ...") is no
    quê quán."""
    p = page(
        (600, [(632, "Số / No.: 001075748469")]),
        (680, [(636, "Họ và tên / Full name: NGUYỄN VĂN AN")]),
        (790, [(636, "Quê")]),
        (826, [(632, "Đông Thành, Thanh Ba, Phú Thọ")]),
        (862, [(632, "Nơi thường trú: Tổ dân phố 19, Phường Đông Ngạc,")]),
        (904, [(636, "Quận Bắc Từ Liêm, TP. Hà Nội")]),
    )
    got = values("citizen_id", p)
    assert got["place_of_origin"] == "Đông Thành, Thanh Ba, Phú Thọ"
    assert got["place_of_residence"] == (
        "Tổ dân phố 19, Phường Đông Ngạc, Quận Bắc Từ Liêm, TP. Hà Nội"
    )
    # The residence's wrapped end alone, under its lost first line: no quê quán.
    tail = page(
        (680, [(636, "Họ và tên / Full name: NGUYỄN VĂN AN")]),
        (904, [(636, "P. Hàng Bài, Q. Hoàn Kiếm, TP Hà Nội")]),
    )
    assert values("citizen_id", tail)["place_of_origin"] is None


def test_an_origin_found_without_its_label_starts_at_its_first_listed_commune() -> None:
    """ "Nguyên quán" read as "t'guyên quán" with no colon: the words before the first
    listed commune are the label's."""
    p = page(
        (680, [(636, "Họ và tên / Full name: NGUYỄN VĂN AN")]),
        (826, [(632, "t'guyên quán Vạn Điểm, Thường Tín, Hà Nội")]),
    )
    assert values("citizen_id", p)["place_of_origin"] == "Vạn Điểm, Thường Tín, Hà Nội"


def test_the_place_right_of_another_facts_label_is_no_place_of_origin() -> None:
    """A 2024 card prints no quê quán but "Nơi đăng ký khai sinh" (place of birth
    registration), its place far right of the English half read as junk: that label's
    value, past the column gap, is not taken for the missing quê quán."""
    p = page(
        (680, [(909, "Họ, chữ đệm và tên khai sinh / Full name: BÙI NGỌC HẢI")]),
        (1832, [(909, "Nơi cư trú / Place of residence: Thôn Đông, xã Tả Thanh Oai,")]),
        (1870, [(909, "huyện Thanh Trì, Hà Nội")]),
        (
            1906,
            [(909, "Nơi đăng ký khai sinh / ®iace øe/+n zeg/straøon."), (1900, "Đông Phong,")],
        ),
        (1906, [(2150, "Yên Phong, Bắc Ninh")]),
    )
    assert values("citizen_id", p)["place_of_origin"] is None


def test_an_owner_address_after_an_unread_label_is_found_from_its_house_number() -> None:
    """ "Địa chỉ:" read as "o{a chỉ:": the address after it is the owner's, from its
    house number on; a line that is an address's end alone ("phường Yên Nghĩa, quận Hà
    Đông, TP. Hà Nội", its first line lost) is not a whole address."""
    p = page(
        (998, [(555, "Tên chủ xe: HOÀNG TUẤN HUY")]),
        (1058, [(554, "o{a chỉ: Số 137 phố Vọng, Xã Bát Tràng, Huyện Gia Lâm, Thành phố Hà Nội")]),
        (1117, [(555, "Mã định danh: 001081925216")]),
    )
    got = values("registration_declaration", p)
    assert got["owner_address"] == "Số 137 phố Vọng, Xã Bát Tràng, Huyện Gia Lâm, Thành phố Hà Nội"
    tail = page(
        (998, [(555, "Tên chủ xe: HOÀNG TUẤN HUY")]),
        (1100, [(700, "phường Yên Nghĩa, quận Hà Đông, TP. Hà Nội")]),
    )
    assert values("registration_declaration", tail)["owner_address"] is None


def test_an_address_wrapped_under_an_unread_label_is_found_whole() -> None:
    """A licence's "Nơi cư trú:" lost under a fold: the address and its wrapped end
    under it are the address."""
    p = page(
        (900, [(932, "~~~ -: Số 226, ngách 47/35, ngõ 266 Tây Sơn,")]),
        (950, [(953, "Phường Yên Hòa, Quận Cầu Giấy, Thành phố Hà Nội")]),
        (1000, [(953, "Hà Nội, ngày 24 tháng 01 năm 2023")]),
    )
    assert values("driving_license", p)["address"] == (
        "Số 226, ngách 47/35, ngõ 266 Tây Sơn, Phường Yên Hòa, Quận Cầu Giấy, Thành phố Hà Nội"
    )


def test_a_make_or_a_kind_of_vehicle_alone_on_its_line_is_found_without_its_label() -> None:
    """ "Nhãn hiệu" and "Loại xe" read as junk under a seal: a listed make in capitals and a
    listed kind that end a run of words no label claims, after at most three words of the
    unread label, are the brand and the kind; the title's "XE MÔ TÔ" in capitals is no
    kind, and a word that is no listed make is no brand."""
    p = page(
        (300, [(900, "CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY")]),
        (1230, [(555, "Nhãn l.tệu YAMAHA"), (1643, "Số loại: JANUS")]),
        (1289, [(555, "ì Xe mô tô"), (1495, "Dung tích: 125")]),
    )
    got = values("registration_certificate", p)
    assert (got["brand"], got["vehicle_type"]) == ("YAMAHA", "Xe mô tô")
    title = page(
        (300, [(900, "CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY")]),
        (1230, [(761, "YAMAH4")]),
    )
    got = values("registration_certificate", title)
    assert (got["brand"], got["vehicle_type"]) == (None, None)


def test_words_on_a_found_labels_row_are_its_value_not_a_value_found_alone() -> None:
    """ "Loại xe:" found, its value read in pieces past a column gap ("Xe mô tô" ... "bánh",
    "hai" under a seal): those words are the labelled reading's, left to it and to review,
    not a kind found without its label."""
    p = page(
        (978, [(482, "Loại xe:"), (755, "Xe mô tô"), (945, "bánh")]),
        (1040, [(482, "Màu sơn: Đỏ")]),
    )
    lay = analyse(p, vocabulary("registration_declaration"))
    assert [t.text for _, run in lay.unclaimed() for t in run] == ["Xe", "mô", "tô", "bánh"]
    assert lay.unclaimed("vehicle_type") == []


class _RowReader:
    """Reads a region of one row as the paper prints it: ``printed`` words whose left
    edges lie inside the region (a second reading that sees what the page reading lost)."""

    def __init__(self, printed: Sequence[tuple[int, str]]) -> None:
        self.printed = printed
        self.boxes: list[tuple[int, int, int, int]] = []

    def __call__(
        self, page: int, box: tuple[int, int, int, int], latin: bool = False
    ) -> list[Page]:
        self.boxes.append(box)
        x0, y0, x1, y1 = box
        ws = [
            Word(text, (x, y0, min(x1, x + 22 * len(text)), y1), 0.9)
            for x, text in self.printed
            if x0 <= x < x1
        ]
        return [Page(page, 2480, 3508, (Line(tuple(ws)),) if ws else ())]

    def rubbing(self, page: int, box: tuple[int, int, int, int], line_height: float) -> list[Page]:
        return []


def test_a_chassis_number_cut_short_is_read_whole_from_its_row() -> None:
    """A fold line through "RLH|JF7UU4KG724454": the page reading kept "4KG724454" far
    from its label and the crop of its words read "U4KG724454", both valid frame numbers.
    Such a value, not a VIN, is read again from the label's end; the VIN read there that
    holds it wins, its parts counting for it."""
    p = page(
        (500, [(100, "Số khung:"), (780, "4KG724454")]),
        (560, [(100, "Năm sản xuất: 2019")]),
    )
    cut = _RowReader([(780, "4KG724454")])  # nothing more on the paper: as read
    assert extract_fields("registration_certificate", [p], cut)["chassis_number"].value == (
        "4KG724454"
    )
    whole = _RowReader([(600, "RLHJF7UU4KG724454")])
    got = extract_fields("registration_certificate", [p], whole)["chassis_number"]
    assert got.value == "RLHJF7UU4KG724454"
    assert any(x0 < 600 for x0, *_ in whole.boxes)  # read back to the label
    # The next column's words after the value hold it too, but make no VIN: no witness.
    column = _RowReader([(760, "4KG724454"), (1200, "AAA")])
    assert extract_fields("registration_certificate", [p], column)["chassis_number"].value == (
        "4KG724454"
    )
    # A VIN read beside a whole VIN is another value, not its part.
    vin = page((500, [(100, "Số khung:"), (780, "RLHJF7UU4KG724454")]))
    other = _RowReader([(600, "RLCJF7UU4KG724999")])
    assert extract_fields("registration_certificate", [vin], other)["chassis_number"].value == (
        "RLHJF7UU4KG724454"
    )


def test_a_phone_line_left_blank_reads_as_blank() -> None:
    """After "Điện thoại:" left blank, the row's other words ("SĐT" of the label, the
    place-and-date line's date beside it) are no phone number: the field is blank. A
    number with a digit misread stays, to be reviewed."""
    for after in ("SĐT", "22.09.2024", "liêu", "0"):
        p = page(
            (100, [(100, "Tên chủ xe: NGUYỄN VĂN AN")]), (150, [(100, f"Điện thoại: {after}")])
        )
        got = extract_fields("registration_declaration", [p])["phone"]
        assert got.value is None, (after, got)
    misread = page((150, [(100, "Điện thoại: 0583 8Ba.020")]))
    assert values("registration_declaration", misread)["phone"] == "0583 8Ba.020"
    cut = page((150, [(100, "Điện thoại: 0794,")]))  # its end under a seal: to review
    assert values("registration_declaration", cut)["phone"] == "0794"


def test_a_kind_of_vehicle_one_letter_off_a_listed_one_is_that_kind() -> None:
    """A closed list: a reading one letter from exactly one listed kind ("Xe :o tô", its m
    under a fold line) is that kind; one letter from two ("Xe mô tô hai bánh" and "ba
    bánh" are two apart) or a short reading stays as read."""
    snapped = vehicle_type_value("Xe :o tô", {})
    assert (snapped.value, snapped.valid) == ("Xe mô tô", True)
    assert vehicle_type_value("Ô tô tả", {}).value == "Ô tô tải"
    assert vehicle_type_value("Xe gắn máv", {}).value == "Xe gắn máy"
    between = vehicle_type_value("Xe mô tô ha bánh", {})  # one from "ba", one from "hai"
    assert between.value == "Xe mô tô ha bánh"
    assert vehicle_type_value("Xe mo", {}).value != "Xe máy"


def test_a_plate_without_its_label_is_found_with_a_hyphen_for_its_space() -> None:
    """Its label lost under a seal, a plate is found by its shape; the space between the
    series and the number may be read as a hyphen ("32-U3-812.36", a fold line through
    it): the same plate, in its printed form."""
    p = page(
        (100, [(100, "TỜ KHAI ĐĂNG KÝ XE")]),
        (160, [(100, "-"), (500, "32-U3-812.36")]),
        (220, [(100, "Loại xe: Xe mô tô")]),
    )
    assert values("registration_declaration", p)["plate_number"] == "32-U3 812.36"


def test_a_nationality_whose_label_was_not_read_is_viet_nam_ending_a_run() -> None:
    """ "Quốc tịch" read as "ch" or lost: "Việt Nam" (as a value prints it) ending a short
    run of words no label claims is the nationality, without the label's rest; the
    national motto's capitals are not."""
    card = page(
        (100, [(100, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
        (300, [(100, "Họ và tên: NGUYỄN VĂN AN")]),
        (360, [(100, "ch Việt Nam")]),
    )
    got = extract_fields("citizen_id", [card], None, calibrated=False)["nationality"]
    assert (got.value, got.valid, got.raw) == ("Việt Nam", True, "Việt Nam")
    motto = page((100, [(100, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]))
    assert (
        extract_fields("citizen_id", [motto], None, calibrated=False)["nationality"].value is None
    )


def test_a_nationality_with_a_colon_or_semicolon_inside_is_no_nationality() -> None:
    """ "Vi;: Nam", a second reading of "Việt Nam" under a seal, is not a country's name
    that could outvote the page's reading; a stop or colon after the name is the print's."""
    assert nationality_value("Vi;: Nam", {}).valid is False
    assert nationality_value("Hàn Quốc", {}) == nationality_value("Hàn Quốc:", {})
    assert nationality_value("Hàn Quốc", {}).valid is True
