"""Tone marks of administrative unit names restored from the official list."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.gazetteer import ends_with_province, join_split_syllables, restore_marks
from extract.normalize import fold
from extract.values import address_value


@pytest.mark.parametrize(
    ("read", "restored"),
    [
        ("Q. Long Biên, TP Hà Nôi", "Q. Long Biên, TP Hà Nội"),
        ("Xóm 9, thi trấn Quang Minh, huyện Mê Linh", "Xóm 9, thị trấn Quang Minh, huyện Mê Linh"),
        (
            "Phường Việt Hưng. Quân Long Biên, Thành phô Hà Nội",
            "Phường Việt Hưng. Quận Long Biên, Thành phố Hà Nội",
        ),
        ("Nghi Phong, Nghỉ Lộc, Nghệ An", "Nghi Phong, Nghi Lộc, Nghệ An"),
        ("phường Trung Hoa, quận Cầu Giấy", "phường Trung Hoà, quận Cầu Giấy"),
        ("Thôn Trung, X. Kiêu Ky, H. Gia Lâm", "Thôn Trung, X. Kiêu Kỵ, H. Gia Lâm"),
        ("SỐ 5 PHỐ HUẾ, QUẬN HAI BÀ TRƯNG, HÀ NÔI", "SỐ 5 PHỐ HUẾ, QUẬN HAI BÀ TRƯNG, HÀ NỘI"),
        # A word of a listed name read in capitals beside words that are not: its case.
        ("Phường Vĩnh TUY, Quận Hai Bà Trưng", "Phường Vĩnh Tuy, Quận Hai Bà Trưng"),
    ],
)
def test_unit_names_get_their_marks_back(read: str, restored: str) -> None:
    assert restore_marks(read) == restored


@pytest.mark.parametrize(
    "text",
    [
        # Streets sharing the letters of some unit's bare name elsewhere in the country.
        "Số 54 phố Minh Khai, phường Hoàng Liệt, quận Hoàng Mai, Hà Nội",
        # ... also after a lane's number, where bare names are looked up: the lowercase
        # "phố Minh" is the street word and a name, not the commune "Phổ Minh".
        "Số 238 ngõ 210 phố Minh Khai, Phường Tây Hồ, TP. Hà Nội",
        "Số 178 ngõ 244 đường Nguyễn Chí Thanh, xã Tả Thanh Oai",
        # House numbers and hamlets are not in the list.
        "Xóm 11, Thôn Bắc",
        # A listed name printed in the other tone placement (the list writes "Trung Hoà").
        "Tổ dân phố 35, phường Trung Hòa, quận Cầu Giấy, TP. Hà Nội",
    ],
)
def test_streets_and_right_names_are_left_alone(text: str) -> None:
    assert restore_marks(text) == text


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạHNQTP ,.", max_size=60))
def test_only_marks_change_never_letters(text: str) -> None:
    out = restore_marks(text)
    assert fold(out) == fold(text)


def test_a_lost_stroke_is_restored_but_not_another_name_with_other_marks() -> None:
    # "Đống Đa" read without its stroke is the listed name; "Diễn Hải" (a commune the list
    # lacks) differs from the listed "Điền Hải" in its stroke and its tone: kept as read.
    assert restore_marks("Số 1, Dống Đa, Hà Nội") == "Số 1, Đống Đa, Hà Nội"
    assert restore_marks("Diễn Hải, Diễn Châu, Nghệ An") == "Diễn Hải, Diễn Châu, Nghệ An"


@pytest.mark.parametrize(
    ("read", "joined"),
    [
        (
            "Phường Thụy Khuê, Quậ n Tây Hồ, Thành phố Hà Nội",
            "Phường Thụy Khuê, Quận Tây Hồ, Thành phố Hà Nội",
        ),
        ("Xã Mai Đình, Huyện Só c Sơn", "Xã Mai Đình, Huyện Sóc Sơn"),
        ("Thành phố Hà Nộ i", "Thành phố Hà Nội"),
    ],
)
def test_a_listed_word_broken_by_a_space_is_joined(read: str, joined: str) -> None:
    assert join_split_syllables(read) == joined


@pytest.mark.parametrize(
    "text",
    ["Ngõ 5 a, P. Cầu Diễn", "Thôn Bắc, xã Mai Đình", "Tổ dân phố số 5", "Thôn Bắc xã Mai Đình"],
)
def test_words_that_stand_alone_are_not_joined(text: str) -> None:
    assert join_split_syllables(text) == text


@pytest.mark.parametrize(
    "address",
    [
        "Kim Chính, Kim Sơn, Ninh Bình",
        "Xóm 11, Xã Mai Đình, Huyện Sóc Sơn Thành phố Hà Nội",
        "Số 5 Hàng Bông, TP. Hà Nội",
        "Tổ 3, P. Bến Nghé, Q.1, TP. Hồ Chí Minh",
        "Thôn Đông, xã Tân Lập, huyện Đan Phượng, tỉnh Hà Tây",
    ],
)
def test_an_address_ends_with_its_province(address: str) -> None:
    assert ends_with_province(address)


def test_an_address_read_in_part_is_not_valid_yet() -> None:
    # The last line lost: the address stops at the commune.
    assert not ends_with_province("Số 183 ngõ 13 phố Hàng Bông, X. Hải Bối")
    parsed = address_value("Số 183 ngõ 13 phố Hàng Bông, X. Hải Bối", {})
    assert parsed.valid is None and parsed.problems == ("no province at its end: read in part",)
    assert address_value(
        "Số 183 ngõ 13 phố Hàng Bông, X. Hải Bối, H. Đông Anh, TP Hà Nội", {}
    ).valid


def test_an_i_read_as_l_in_a_listed_name_is_restored() -> None:
    """Vietnamese has l only at a syllable's start: "Mal", "Oal", "Gal" are misread
    "Mai", "Oai", "Gai", taken back where a listed unit name settles it."""
    assert restore_marks("Xóm 7, Xã Tả Thanh Oal, Huyện Thanh Trì") == (
        "Xóm 7, Xã Tả Thanh Oai, Huyện Thanh Trì"
    )
    assert restore_marks("phường Đại Kim, quận Hoàng Mal, Hà Nội") == (
        "phường Đại Kim, quận Hoàng Mai, Hà Nội"
    )
    assert restore_marks("Tổ 1, phường Hàng Ga1") == "Tổ 1, phường Hàng Gai"
    # Words that are no listed unit name keep their l ("Royal City" is a building).
    assert restore_marks("Số 1 Royal City, quận Thanh Xuân") == "Số 1 Royal City, quận Thanh Xuân"


def test_a_street_named_after_a_place_takes_the_places_marks() -> None:
    # Streets are named after the places they lead to, and spelt as the place is.
    assert restore_marks("Số 157 đường Cầu Giây, TT. Quang Minh") == (
        "Số 157 đường Cầu Giấy, TT. Quang Minh"
    )
    assert restore_marks("ngách 82/37, ngõ 168 Ngoc Lâm, Phường Láng Hạ") == (
        "ngách 82/37, ngõ 168 Ngọc Lâm, Phường Láng Hạ"
    )
    # Not after any number: "Số 12" is a house, not a lane.
    assert restore_marks("Số 12 Ngoc Lâm") == "Số 12 Ngoc Lâm"
