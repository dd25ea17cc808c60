"""Places of origin set right from the hierarchy of administrative units (``extract.places``)."""

from __future__ import annotations

import pytest

from extract import values as V
from extract.places import repair_address, repair_origin


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
        # A listed name (of another district) with the letters of its own district's
        # commune and other marks: a mark misread, not a commune since moved.
        ("Đông Thanh, Thanh Ba, Phú Thọ", "Đông Thành, Thanh Ba, Phú Thọ"),
        ("Xã Xuân Huy, Huyện Lệm Thao, Tỉnh Phú Thọ", "Xã Xuân Huy, Huyện Lâm Thao, Tỉnh Phú Thọ"),
        # A commune's name (of another province) where a district is: a district misread.
        ("Yết Kiêu, Gia Lạc, Hải Dương", "Yết Kiêu, Gia Lộc, Hải Dương"),
        # The comma before the province lost.
        ("Mão Điện, Thuận Thành Bắc Ninh", "Mão Điền, Thuận Thành, Bắc Ninh"),
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
        "Gia Ph Gia Viễn, Ninh Bình",  # two parts run together: not a commune, not Ninh Bình
    ],
)
def test_what_the_list_cannot_settle_stays_as_read(read: str) -> None:
    assert repair_origin(read) == read


def test_a_stop_or_colon_read_for_a_comma_parts_a_place_of_origin() -> None:
    read = V.origin_value("Xuân Quan, Văn Giar: Hưng Yến", {})
    assert read.value == "Xuân Quan, Văn Giang, Hưng Yên"
    assert (
        V.origin_value("Kim Chính; Kim Sơn, Ninh Bình", {}).value == "Kim Chính, Kim Sơn, Ninh Bình"
    )
    # An abbreviated unit word keeps its stop; three parts are left as they are.
    kept = "X. Tân Hội, H. Đan Phượng, Hà Nội"
    assert V.origin_value(kept, {}).value == kept


def test_the_card_field_parser_repairs_and_validates() -> None:
    parsed = V.origin_value("Xuân Huy, Lệm Thao, Phú Thọ", {})
    assert parsed.value == "Xuân Huy, Lâm Thao, Phú Thọ" and parsed.valid is True


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        # A garbled unit word before a listed name, in the case the part shows.
        (
            "Tổ dân phố 16, phường Thành Công, ghận Ba Đình, TP. Hà Nội",
            "Tổ dân phố 16, phường Thành Công, quận Ba Đình, TP. Hà Nội",
        ),
        (
            "Số 196 phố Tây Sơn, Phường Thượng Đình, Qu Thanh Xuân, Thành phố Hà Nội",
            "Số 196 phố Tây Sơn, Phường Thượng Đình, Quận Thanh Xuân, Thành phố Hà Nội",
        ),
        (
            "Thôn Đoài, Thị trấn Văn Điển, Huyện Thanh Trì, Thỉnh phố Hà Nội",
            "Thôn Đoài, Thị trấn Văn Điển, Huyện Thanh Trì, Thành phố Hà Nội",
        ),
        (
            "Số 133, ngõ 71 Ngọc Lâm, phiường Phúc Đồng, quận Long Biên, Hà Nội",
            "Số 133, ngõ 71 Ngọc Lâm, phường Phúc Đồng, quận Long Biên, Hà Nội",
        ),
        # A misread name: the one close name of the district's communes.
        (
            "Số 27, ngõ 225 Quang Trung, X. Phù Đống, H. Gia Lâm, TP Hà Nội",
            "Số 27, ngõ 225 Quang Trung, X. Phù Đổng, H. Gia Lâm, TP Hà Nội",
        ),
        # After the 2025 reform: commune, province.
        ("Thôn Bắc, Xa Gia Lâm, Thành phố Hà Nội", "Thôn Bắc, Xã Gia Lâm, Thành phố Hà Nội"),
        # A district two are alike to ("Thanh Tn": Thanh Trì, Thanh Xuân): the one that
        # holds the ward before it.
        (
            "Xóm 3, X. Tả Thanh Oai, H. Thanh Tn, TP Hà Nội",
            "Xóm 3, X. Tả Thanh Oai, H. Thanh Trì, TP Hà Nội",
        ),
        # The stop after the province's abbreviation read as a comma; the ward's lost
        # unit word then written as the district's is.
        (
            "Số 199 đường Tam Trinh, Đông Ngạc, quận Bắc Từ Liêm, TP, Hà Nội",
            "Số 199 đường Tam Trinh, phường Đông Ngạc, quận Bắc Từ Liêm, TP. Hà Nội",
        ),
        # The comma between the district and the province read as a full stop.
        (
            "Số 76 đường Nguyễn Văn Cừ, phường Bưởi, quận Tây Hồ. Hà Nội",
            "Số 76 đường Nguyễn Văn Cừ, phường Bưởi, quận Tây Hồ, Hà Nội",
        ),
        # A ward cut short after the 2025 reform: the one of the city that begins so.
        (
            "Số 124, ngách 32/57, ngõ 300 Tây Sơn, Phường Khương, Thành phố Hà Nội",
            "Số 124, ngách 32/57, ngõ 300 Tây Sơn, Phường Khương Đình, Thành phố Hà Nội",
        ),
        # A district cut short: the one district that holds the ward and begins so.
        (
            "Số 199 ngõ 177 đường Quang Trung, phường Nghĩa Đô, quận Cầu, TP. Hà Nội",
            "Số 199 ngõ 177 đường Quang Trung, phường Nghĩa Đô, quận Cầu Giấy, TP. Hà Nội",
        ),
    ],
)
def test_the_unit_parts_of_an_address_are_set_right(read: str, expected: str) -> None:
    assert repair_address(read) == expected


@pytest.mark.parametrize(
    "read",
    [
        "Số 5, P. Hàng Bạc, Q. Hoàn Kiếm, TP Hà Nội",  # right as read
        "Thôn Tây Tựu, Huyện Từ Liêm, Hà Nội",  # a district before 2013: another unit's word
        "Số 1 ngõ 2 phố Huế, Hà Nội",  # no unit part but the province
        "huyện Thanh Tn, Hà Nội",  # Thanh Trì or Thanh Xuân: the list cannot say
        "Xóm Phù Linh, huyện Sóc Sơn, Hà Nội",  # a hamlet's word is not a garbled unit word
        "Số 7 đường Láng, phường Láng Thượng, quận Đống Đa, Phnom Penh",  # no listed province
        # "Thanh" begins three districts; none holds a ward named so closely.
        "Số 3, phường Quán Thánh, quận Thanh, Hà Nội",
        # A commune after the 2025 reform named as a district was: not the district
        # "cut short", and the hamlet before it stays a hamlet.
        "Thôn Thượng, Xã Gia Lâm, TP. Hà Nội",
        # A province after a street, not a district: nothing to set apart.
        "Số 9 đường Láng. Hà Nội",
    ],
)
def test_what_the_hierarchy_cannot_settle_stays_as_read(read: str) -> None:
    assert repair_address(read) == read


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        # After a number, and a ward of one word: the whole part up to the comma.
        (
            "Tổ dân phố 1 Phường Láng, Thành phố Hà Nội",
            "Tổ dân phố 1, Phường Láng, Thành phố Hà Nội",
        ),
        # "phường" read with a letter wrong.
        (
            "Tổ dân phố 3 whường Tây Mỗ, quận Nam Từ Liêm, TP. Hà Nội",
            "Tổ dân phố 3, phường Tây Mỗ, quận Nam Từ Liêm, TP. Hà Nội",
        ),
    ],
)
def test_a_comma_lost_before_a_ward_is_put_back(read: str, expected: str) -> None:
    assert V.address_value(read, {}).value == expected


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        # A street's name with a mark lost or changed: the listed street of its letters.
        (
            "Số 74 ngõ 15 phố Tôn Đức Thăng, Xã Tiền Phong, Huyện Mê Linh, Thành phố Hà Nội",
            "Số 74 ngõ 15 phố Tôn Đức Thắng, Xã Tiền Phong, Huyện Mê Linh, Thành phố Hà Nội",
        ),
        (
            "Số 118 đường Tạm Trinh, Phường Ngọc Hà, Thành phố Hà Nội",
            "Số 118 đường Tam Trinh, Phường Ngọc Hà, Thành phố Hà Nội",
        ),
        # After a lane's number.
        (
            "Số 84, ngách 87/96, ngõ 217 Thai Ha, thị trấn Quang Minh, huyện Mê Linh, TP. Hà Nội",
            "Số 84, ngách 87/96, ngõ 217 Thái Hà, thị trấn Quang Minh, huyện Mê Linh, TP. Hà Nội",
        ),
        # The other tone placement of a listed name, a street no list holds, and the
        # city's "Thành phố" stay as read.
        (
            "Số 83 đường Xuân Thuỷ, Phường Phúc Đồng, Quận Long Biên, Thành phố Hà Nội",
            "Số 83 đường Xuân Thuỷ, Phường Phúc Đồng, Quận Long Biên, Thành phố Hà Nội",
        ),
        (
            "Số 3 đường Tân Xuân, Phường Xuân Đỉnh, Quận Bắc Từ Liêm, Thành phố Hà Nội",
            "Số 3 đường Tân Xuân, Phường Xuân Đỉnh, Quận Bắc Từ Liêm, Thành phố Hà Nội",
        ),
    ],
)
def test_a_street_name_takes_the_marks_of_the_listed_street(read: str, expected: str) -> None:
    assert V.address_value(read, {}).value == expected


def test_a_town_abbreviation_is_written_as_the_address_writes_the_others() -> None:
    # The comma read as a stop before "TT", and the stop after "TT" lost: the address
    # writes "H." with its stop.
    got = V.address_value("Thôn Giữa. TT Trâu Quỳ, H. Gia Lâm, TP Hà Nội", {}).value
    assert got == "Thôn Giữa, TT. Trâu Quỳ, H. Gia Lâm, TP Hà Nội"
    # An address that writes no stop after its abbreviations keeps "TT" bare.
    bare = "Xóm 4, TT Chúc Sơn, huyện Chương Mỹ, TP Hà Nội"
    assert V.address_value(bare, {}).value == bare


@pytest.mark.parametrize(
    "read",
    [
        # A ward whose name is one letter from the unit word is no garbled unit word.
        "Số 12, phường Khương Thượng, quận Đống Đa, Hà Nội",
        "Số 5 ngõ 3 Khương Thượng, quận Đống Đa, Hà Nội",
        # A street that is no listed ward.
        "Số 8 phố Huế, quận Hai Bà Trưng, Hà Nội",
        # The first word of a ward's name after its unit word, one letter from "phường".
        "Tổ dân phố 14, phường Khương Thanh Xuân, TP. Hà Nội",
    ],
)
def test_no_comma_where_no_ward_follows(read: str) -> None:
    parsed = V.address_value(read, {})
    assert parsed.value is not None
    assert parsed.value.count(",") == read.count(",")


def test_the_address_parser_repairs_unit_parts() -> None:
    parsed = V.address_value("Tổ dân phố 16, phường Thành Công, ghận Ba Đình, TP. Hà Nội", {})
    assert parsed.value == "Tổ dân phố 16, phường Thành Công, quận Ba Đình, TP. Hà Nội"
    assert parsed.valid is True


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("Nam Hồng, Nam Trực", "Nam Hồng, Nam Trực, Nam Định"),  # the last line lost
        ("Nam Thanh, Nam Trực, Nam", "Nam Thanh, Nam Trực, Nam Định"),  # read in part
        ("KIM CHÍNH, KIM SƠN", "KIM CHÍNH, KIM SƠN, NINH BÌNH"),
        ("Xuân Huy, Lâm Thao", "Xuân Huy, Lâm Thao, Phú Thọ"),
        # "Bắc": Bắc Ninh or Bắc Giang, but only Bắc Ninh has a Yên Phong with a Tam
        # Giang; then the district's misread name is set right too.
        ("Tam Giang, Yên hong, Bắc", "Tam Giang, Yên Phong, Bắc Ninh"),
    ],
)
def test_a_lost_province_is_the_one_that_holds_the_district_and_commune(
    read: str, expected: str
) -> None:
    assert repair_origin(read) == expected


def test_a_province_the_district_and_commune_do_not_settle_stays_lost() -> None:
    assert repair_origin("Xuân Phú, Xuân") == "Xuân Phú, Xuân"  # no such district
    assert repair_origin("Nam Thanh, Nam Trực, Hà") == "Nam Thanh, Nam Trực, Hà"  # not its start
    # A district cut short is three quarters alike to other provinces' districts ("Thuận"
    # of Thuận Thành, Bắc Ninh, and Thọ Xuân, Thanh Hóa): too little to infer from.
    assert repair_origin("Mão Điền, Thuận") == "Mão Điền, Thuận"


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        (
            "Số 162 ngõ 164 phố Thái Hà, phường Thượng Cát, Bắc Từ Liêm, TP. Hà Nội",
            "Số 162 ngõ 164 phố Thái Hà, phường Thượng Cát, quận Bắc Từ Liêm, TP. Hà Nội",
        ),
        ("Xóm 6, Uy Nỗ, H. Đông Anh, TP Hà Nội", "Xóm 6, X. Uy Nỗ, H. Đông Anh, TP Hà Nội"),
        (
            "Số 5, Phường Đội Cấn, Ba Đình, Thành phố Hà Nội",
            "Số 5, Phường Đội Cấn, Quận Ba Đình, Thành phố Hà Nội",
        ),
    ],
)
def test_a_unit_word_lost_is_written_as_the_other_units_are(read: str, expected: str) -> None:
    assert repair_address(read) == expected


def test_units_printed_without_their_words_stay_so() -> None:
    assert repair_address("Số 5, Đội Cấn, Ba Đình, Hà Nội") == "Số 5, Đội Cấn, Ba Đình, Hà Nội"
    assert repair_origin("Hoằng Lộc, Hoằng Hóa, Thanh Hóa") == "Hoằng Lộc, Hoằng Hóa, Thanh Hóa"
