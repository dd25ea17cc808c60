"""Normalizers of extract/normalize.py: table tests from DOMAIN.md §8-§9 and properties."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.normalize import (
    clean_text,
    digits_only,
    fold,
    in_style_of,
    name_for_matching,
    normalize_name,
    parse_date,
    parse_expiry,
    strip_leaders,
    tone_placement,
    tone_style,
)

PROPS = settings(database=None, deadline=None, max_examples=300)

# Vietnamese-looking text: letters with every tone/modifier, digits, punctuation, odd spaces.
VIET = st.text(
    alphabet=st.sampled_from(
        list("aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐhnqtgk0123456789 .,:-/()\t\n\u00a0")
        + list("àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
        + ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u00d0", "\u00f0"]
    ),
    max_size=40,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("lựơng", "lượng"),
        ("lưọng", "lượng"),
        ("luợng", "lượng"),
        ("NGƯỜI", "NGƯỜI"),
        ("thuở", "thuở"),  # valid uơ without final consonant is not touched
        ("quơ", "quơ"),
        ("\u00d0ỗ Văn \u00f0ức", "Đỗ Văn đức"),
        ("Nguye\u0302\u0303n", "Nguyễn"),  # NFD → NFC
        ("Nguye\u0303\u0302n", "Nguyễn"),  # tone before circumflex
        ("  Hà\tNội \n", "Hà Nội"),
        ("Hà\u00a0Nội\u200b", "Hà Nội"),
        ("hoà", "hoà"),  # tone placement kept as printed
        ("hòa", "hòa"),
    ],
)
def test_clean_text_table(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@given(VIET)
@PROPS
def test_clean_text_is_idempotent_nfc_single_spaced(s: str) -> None:
    out = clean_text(s)
    assert clean_text(out) == out
    assert unicodedata.is_normalized("NFC", out)
    assert "  " not in out and out == out.strip()
    assert "\u00d0" not in out and "\u00f0" not in out


TONE_PAIRS = [  # (new style, old style)
    ("hoà", "hòa"),
    ("thuỷ", "thủy"),
    ("uý", "úy"),
    ("khoẻ", "khỏe"),
    ("hoá", "hóa"),
    ("Thuỵ", "Thụy"),
    ("HOÀ", "HÒA"),
    ("Khánh Hoà", "Khánh Hòa"),
]


@pytest.mark.parametrize(("new", "old"), TONE_PAIRS)
def test_tone_placement_pairs(new: str, old: str) -> None:
    assert tone_placement(old, "new") == new
    assert tone_placement(new, "new") == new
    assert tone_placement(new, "old") == old
    assert tone_placement(old, "old") == old


@pytest.mark.parametrize("word", ["hoàng", "ngoài", "quý", "quà", "thuế", "Nguyễn", "mùa"])
def test_tone_placement_leaves_unambiguous_syllables(word: str) -> None:
    assert tone_placement(word, "new") == word
    assert tone_placement(word, "old") == word


def test_tone_placement_rejects_unknown_style() -> None:
    with pytest.raises(ValueError):
        tone_placement("hoà", "modern")


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("Số 45 đường Xuân Thủy, Trung Hè", "old"),
        ("phường Yên Hoà, THUỶ", "new"),
        ("Hoàng Mai, Quý Hòa", "old"),  # "Hoàng" and "Quý" are alike in both
        ("Hoàng Mai", None),
        ("Thủy Hoà", None),  # both: no evidence either way
    ],
)
def test_tone_style(text: str, style: str | None) -> None:
    assert tone_style(text) == style


def test_words_put_back_take_the_readings_tone_placement() -> None:
    reading = "Số 45 đường Xuân Thủy, Phường Trung Hè Quận. Câu Giấy"
    assert in_style_of("Số 45 đường Xuân Thủy, Phường Trung Hoà, Quận Cầu Giấy", reading) == (
        "Số 45 đường Xuân Thủy, Phường Trung Hòa, Quận Cầu Giấy"
    )
    # A word the reading has stays as printed, even in the other style; a reading that
    # shows no style changes nothing.
    assert in_style_of("Thuỷ, Trung Hoà", "Thuỷ, Xuân Thủy") == "Thuỷ, Trung Hoà"
    assert in_style_of("Trung Hoà", "Trung Hè") == "Trung Hoà"


@given(VIET)
@PROPS
def test_tone_placement_round_trips_and_keeps_fold(s: str) -> None:
    s = clean_text(s)
    new, old = tone_placement(s, "new"), tone_placement(s, "old")
    assert tone_placement(new, "new") == new
    assert tone_placement(tone_placement(new, "old"), "new") == new
    assert tone_placement(tone_placement(old, "new"), "old") == old
    assert fold(new) == fold(old) == fold(s)
    assert len(new) == len(old) == len(s)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Nguyễn Văn Đức", "NGUYEN VAN DUC"),
        ("NGUYỄN  VĂN ĐỨC", "NGUYEN VAN DUC"),
        ("nguye\u0302\u0303n văn \u00d0ức", "NGUYEN VAN DUC"),
        ("Phường Hoàn Kiếm, TP. Hà Nội", "PHUONG HOAN KIEM TP HA NOI"),
        ("Khánh Hòa", "KHANH HOA"),
        ("Khánh Hoà", "KHANH HOA"),
        ("--:", ""),
    ],
)
def test_fold_table(raw: str, key: str) -> None:
    assert fold(raw) == key


@given(st.text(max_size=60))
@PROPS
def test_fold_is_idempotent_and_ascii(s: str) -> None:
    key = fold(s)
    assert fold(key) == key
    assert key.isascii()
    assert all(c.isupper() or c.isdigit() or c == " " for c in key)
    assert "  " not in key and key == key.strip()


@given(VIET)
@PROPS
def test_fold_ignores_unicode_form(s: str) -> None:
    assert fold(unicodedata.normalize("NFD", s)) == fold(unicodedata.normalize("NFC", s))


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("0O1Q2D", "001020"),
        ("I l | ! i", "11111"),
        ("Z S s B G b T g q", "255866799"),
        ("12.345-678", "12345678"),
        ("ahkm", ""),
    ],
)
def test_digits_only_table(raw: str, digits: str) -> None:
    assert digits_only(raw) == digits


@given(st.text(max_size=60))
@PROPS
def test_digits_only_idempotent_and_digits(s: str) -> None:
    out = digits_only(s)
    assert digits_only(out) == out
    assert all(c in "0123456789" for c in out)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("12/03/2024", "2024-03-12"),
        ("12.03.2024", "2024-03-12"),
        ("12-03-2024", "2024-03-12"),
        ("1/3/2024", "2024-03-01"),
        ("12 / 03 / 2024", "2024-03-12"),
        ("26.5.2018", "2018-05-26"),  # DOMAIN §2.4 certificate example
        ("ngày 12 tháng 3 năm 2024", "2024-03-12"),
        ("ngay 12 thang 03 nam 2024", "2024-03-12"),
        ("NGÀY 12 THÁNG 3 NĂM 2024", "2024-03-12"),
        ("Hà Nội, ngày 05 tháng 11 năm 2025", "2025-11-05"),
        ("ngày ..05.. tháng ..11.. năm ..2025", "2025-11-05"),
        ("Ngày cấp: l2/O3/2O24", "2024-03-12"),
        ("ngày l2 tháng O3 năm 2O24", "2024-03-12"),
        ("Ø9.Ø6.2026", "2026-06-09"),  # slashed zeros
        ("Đăng ký lần đầu ngày 24.5.2018", "2018-05-24"),
        ("2024-03-12", "2024-03-12"),
        ("29/02/2024", "2024-02-29"),
        ("31/02/2024 hoặc 01/03/2024", "2024-03-01"),  # first *valid* date
        ("07I03I2013", "2013-03-07"),  # slashes read as I, l or |
        ("03/12I2025", "2025-12-03"),
        ("12l03l2013", "2013-03-12"),
        ("07|03|2013", "2013-03-07"),
        ("1I/12/2020", "2020-12-11"),  # an I inside a number is still a 1
        ("11:11.1990", "1990-11-11"),  # a stop read as a colon
        ("Hà Nội, ngày 2] tháng 12 năm 2014", "2014-12-21"),  # a serif 1 read as "]"
        ("ngày I] tháng II năm 2019", "2019-11-11"),
    ],
)
def test_parse_date_table(raw: str, iso: str) -> None:
    assert parse_date(raw) == iso


@pytest.mark.parametrize(
    "raw",
    [
        "12/03/24",
        "31/02/2024",
        "29/02/2023",
        "01/01/1899",
        "01/01/2101",
        "",
        "abc",
        "123/03/2024",
        "10:30 2024",
    ],
)
def test_parse_date_rejects(raw: str) -> None:
    assert parse_date(raw) is None


DATE_FORMATS = [
    "{d:02d}/{m:02d}/{y}",
    "{d}/{m}/{y}",
    "{d:02d}.{m:02d}.{y}",
    "{d}-{m}-{y}",
    "{d:02d} / {m:02d} / {y}",
    "ngày {d} tháng {m} năm {y}",
    "ngay {d:02d} thang {m:02d} nam {y}",
    "Hà Nội, ngày {d:02d} tháng {m:02d} năm {y}",
]


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(DATE_FORMATS),
)
@PROPS
def test_parse_date_reads_any_formatted_date(d: date, fmt: str) -> None:
    assert parse_date(fmt.format(d=d.day, m=d.month, y=d.year)) == d.isoformat()


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
@PROPS
def test_parse_date_tolerates_letter_o_for_zero(d: date) -> None:
    text = f"{d.day:02d}/{d.month:02d}/{d.year}".replace("0", "O")
    assert parse_date(text) == d.isoformat()


def test_parse_expiry() -> None:
    assert parse_expiry("Không thời hạn") == "Không thời hạn"
    assert parse_expiry("KHONG THOI HAN") == "Không thời hạn"
    assert parse_expiry("Có giá trị đến: không thời hạn") == "Không thời hạn"
    assert parse_expiry("Có giá trị đến: 12/03/2034") == "2034-03-12"
    assert parse_expiry("12/03/34") is None
    # Its end lost under a seal or a fold: the field holds a date or that phrase.
    assert parse_expiry("Không thời") == "Không thời hạn"
    assert parse_expiry("Không thò") == "Không thời hạn"
    assert parse_expiry("Không") is None  # too little to say
    # Its start lost: the end of the phrase, no other words.
    assert parse_expiry("g thời hạn") == "Không thời hạn"
    assert parse_expiry("thời hạn sử dụng còn lại") is None
    assert parse_expiry("Không th 12/03/2034") == "2034-03-12"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        (": NGUYỄN VĂN A.", "NGUYỄN VĂN A"),
        ("- Trần Thị Bình _", "Trần Thị Bình"),
        ("Lê  Văn \u00d0ức,", "Lê Văn Đức"),
        ("NGUYỄN VĂN A (1975)", "NGUYỄN VĂN A (1975)"),  # kept as printed
    ],
)
def test_normalize_name(raw: str, name: str) -> None:
    assert normalize_name(raw) == name


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("NGUYỄN VĂN A (1975)", "NGUYEN VAN A"),
        ("Thiếu tá Nguyễn Văn A", "NGUYEN VAN A"),
        ("Nguyễn Văn A - Thượng tá", "NGUYEN VAN A"),
        ("Đại úy Trần Văn Bình, SN 1980", "TRAN VAN BINH"),
        ("Lê Thị Hoà", "LE THI HOA"),
        ("Nguyễn Trung Tá", "NGUYEN TRUNG TA"),  # a name, not a rank: two words would not remain
    ],
)
def test_name_for_matching(raw: str, key: str) -> None:
    assert name_for_matching(raw) == key


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("........: Nguyễn Văn A ......", "Nguyễn Văn A"),
        (": 30A-123.45", "30A-123.45"),
        ("…… 12/03/2024 ……", "12/03/2024"),
        ("___ Hà Nội ___", "Hà Nội"),
        ("ngày .... tháng .... năm ....", "ngày tháng năm"),
        ("TP. Hà Nội", "TP. Hà Nội"),
        ("Dung tích: 1.498", "Dung tích: 1.498"),
    ],
)
def test_strip_leaders(raw: str, value: str) -> None:
    assert strip_leaders(raw) == value
