"""Places of origin set right from the hierarchy of administrative units (``extract.places``)."""

from __future__ import annotations

import pytest

from extract import values as V
from extract.places import repair_origin


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("Xuân Huy, Lệm Thao, Phú Thọ", "Xuân Huy, Lâm Thao, Phú Thọ"),  # a letter
        ("Hải Minh, Hả: Háu, Nam Định", "Hải Minh, Hải Hậu, Nam Định"),  # letters and marks
        ("ong An, Vũ Thư, Thái Bình", "Song An, Vũ Thư, Thái Bình"),  # a letter lost
        # Letters alike, marks not: "Thái Thủy" is listed too, but not in Thái Bình.
        ("Thụy Dân, Thai Thụy, Thái Bình", "Thụy Dân, Thái Thụy, Thái Bình"),
        ("öng Kết, Khoái Châu, Hưng Yên", "Đông Kết, Khoái Châu, Hưng Yên"),
        ("XUÂN HUY, LỆM THAO, PHÚ THỌ", "XUÂN HUY, LÂM THAO, PHÚ THỌ"),  # case kept
        ("Xã Xuân Huy, Huyện Lệm Thao, Tỉnh Phú Thọ", "Xã Xuân Huy, Huyện Lâm Thao, Tỉnh Phú Thọ"),
    ],
)
def test_a_misread_part_is_the_one_close_name_of_its_list(read: str, expected: str) -> None:
    assert repair_origin(read) == expected


@pytest.mark.parametrize(
    "read",
    [
        "Mão Điền, Thuận Thành, Bắc Ninh",  # right as read
        "Hoằng Phụ, Hoằng Hóa, Thanh Hóa",  # the other tone placement of a listed name
        # Listed names as read stay, though the list has them elsewhere now (merged
        # communes): the paper's old name, not a misreading.
        "Nghi Phong, Nghi Lộc, Nghệ An",
        "Gia Tân, Gia Lộc, Hải Dương",
        "Tam Giang, Yên hong, Bắc",  # the province cut short: Bắc Ninh? Bắc Giang?
        "Xuân Huy, Lâm Thao",  # no province
        "Gia Ph Gia Viễn, Ninh Bình",  # two parts run together: not a commune, not Ninh Bình
    ],
)
def test_what_the_list_cannot_settle_stays_as_read(read: str) -> None:
    assert repair_origin(read) == read


def test_the_card_field_parser_repairs_and_validates() -> None:
    parsed = V.origin_value("Xuân Huy, Lệm Thao, Phú Thọ", {})
    assert parsed.value == "Xuân Huy, Lâm Thao, Phú Thọ" and parsed.valid is True
