"""Field parsers and checks of extract/validators.py (DOMAIN.md §4-§7, §9)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.validators import (
    CCCD_PROVINCE_CODES,
    LICENSE_CLASSES_NEW,
    LICENSE_CLASSES_OLD,
    IdNumber,
    cccd_problems,
    date_problems,
    engine_number_ok,
    license_class_problems,
    normalize_chassis_number,
    normalize_engine_number,
    normalize_vin_like,
    parse_id_number,
    parse_int_field,
    parse_license_classes,
    parse_phone,
    parse_sex,
    parse_year,
    service_life_category,
    service_life_end_year,
    vin_check_digit_ok,
    vin_ok,
)

PROPS = settings(database=None, deadline=None, max_examples=300)

# ---------------------------------------------------------------- CCCD / CMND


def make_cccd(province: str, dob: date, sex: str, serial: int) -> str:
    century = (dob.year - 1900) // 100
    return f"{province}{2 * century + (sex == 'Nữ')}{dob.year % 100:02d}{serial:06d}"


cccd_inputs = st.tuples(
    st.sampled_from(sorted(CCCD_PROVINCE_CODES)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31)),
    st.sampled_from(["Nam", "Nữ"]),
    st.integers(0, 999_999),
)


def test_province_codes_are_the_63_of_domain_5_1() -> None:
    assert len(CCCD_PROVINCE_CODES) == 63
    assert "001" in CCCD_PROVINCE_CODES  # Hà Nội
    assert "003" not in CCCD_PROVINCE_CODES


@given(cccd_inputs)
@PROPS
def test_cccd_from_any_dob_and_sex_is_consistent(inputs: tuple[str, date, str, int]) -> None:
    province, dob, sex, serial = inputs
    number = make_cccd(province, dob, sex, serial)
    assert parse_id_number(number) == IdNumber(number, "cccd", province, sex, dob.year)
    assert cccd_problems(number, dob.isoformat(), sex) == []
    assert cccd_problems(number, dob.strftime("%d/%m/%Y"), sex.upper()) == []


@given(cccd_inputs)
@PROPS
def test_flipping_the_sex_digit_is_a_problem(inputs: tuple[str, date, str, int]) -> None:
    province, dob, sex, serial = inputs
    number = make_cccd(province, dob, sex, serial)
    flipped = number[:3] + str(int(number[3]) ^ 1) + number[4:]
    problems = cccd_problems(flipped, dob.isoformat(), sex)
    assert len(problems) == 1 and "sex" in problems[0]


@given(cccd_inputs, st.integers(1, 99))
@PROPS
def test_wrong_birth_year_is_a_problem(inputs: tuple[str, date, str, int], shift: int) -> None:
    province, dob, sex, serial = inputs
    number = make_cccd(province, dob, sex, serial)
    other = date(1900 + (dob.year - 1900 + shift) % 125, 1, 1)
    problems = cccd_problems(number, other.isoformat(), sex)
    assert any("birth year" in p for p in problems)


def test_cccd_problems_table() -> None:
    assert cccd_problems("001099012345") == []
    assert cccd_problems("003099012345") == ["unknown province code 003 (số định danh digits 1-3)"]
    assert cccd_problems("00109901234") == ["CCCD number must have 12 digits, got 11"]
    assert any("2199" in p for p in cccd_problems("001499012345"))
    assert cccd_problems("001230012345", today=date(2030, 1, 1)) == []
    assert cccd_problems("001230012345", today=date(2029, 12, 31)) == [
        "century/sex digit 2 implies birth year 2030"
    ]


@pytest.mark.parametrize(
    ("raw", "digits", "kind"),
    [
        ("001099012345", "001099012345", "cccd"),
        ("Số: 001 099 012345", "001099012345", "cccd"),
        ("Số/No: 0O1O99O12345", "001099012345", "cccd"),
        ("No 001099012345", "001099012345", "cccd"),
        ("CMND số 123456789", "123456789", "cmnd"),
        ("123.456.789", "123456789", "cmnd"),
    ],
)
def test_parse_id_number_tolerates_labels_and_ocr(raw: str, digits: str, kind: str) -> None:
    parsed = parse_id_number(raw)
    assert parsed is not None and (parsed.digits, parsed.kind) == (digits, kind)


def test_parse_id_number_cmnd_and_rejects() -> None:
    assert parse_id_number("123456789") == IdNumber("123456789", "cmnd", None, None, None)
    unknown = parse_id_number("003099012345")
    assert unknown is not None and unknown.province is None and unknown.birth_year == 1999
    assert parse_id_number("CMND 12345678") is None  # 8 digits; the D of CMND is no digit
    assert parse_id_number("1234567890") is None
    assert parse_id_number("") is None


# ---------------------------------------------------------------- VIN / engine / chassis

VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9), strict=True))}
VALUES |= {**dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9}
VALUES |= dict(zip("STUVWXYZ", range(2, 10), strict=True))
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def with_check_digit(vin: str) -> str:
    check = sum(VALUES[c] * w for c, w in zip(vin, WEIGHTS, strict=True)) % 11
    return vin[:8] + ("X" if check == 10 else str(check)) + vin[9:]


@pytest.mark.parametrize("vin", ["1HGCM82633A004352", "1M8GDM9AXKP042788", "11111111111111111"])
def test_known_check_digits(vin: str) -> None:
    assert vin_ok(vin) and vin_check_digit_ok(vin)


@given(st.text(alphabet=VIN_CHARS, min_size=17, max_size=17))
@PROPS
def test_vin_check_digit(raw: str) -> None:
    vin = with_check_digit(raw)
    assert vin_ok(vin) and vin_check_digit_ok(vin)
    wrong = vin[:8] + ("0" if vin[8] != "0" else "1") + vin[9:]
    assert vin_ok(wrong) and not vin_check_digit_ok(wrong)


@pytest.mark.parametrize("bad", ["1HGCM82633A00435", "1HGCM82633A0043521", "IHGCM82633A004352", ""])
def test_vin_ok_rejects(bad: str) -> None:
    assert not vin_ok(bad) and not vin_check_digit_ok(bad)


@given(
    st.text(alphabet=VIN_CHARS, min_size=13, max_size=13),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.data(),
)
@PROPS
def test_normalize_vin_like_repairs_ioq(head: str, serial: str, data: st.DataObject) -> None:
    vin = head + serial  # ISO 3779: a VIN's last four characters are digits
    noisy = vin.replace("0", data.draw(st.sampled_from("OQ0"))).replace("1", "I").lower()
    noisy = noisy[:5] + " - " + noisy[5:]
    assert normalize_vin_like(noisy) == vin
    assert normalize_chassis_number(noisy) == vin


def test_letters_read_for_digits_in_a_vins_last_four_are_the_digits() -> None:
    assert normalize_vin_like("RLCS5035XRC05S865") == "RLCS5035XRC055865"
    assert normalize_chassis_number("JHHYHAXW5D566BZ35") == "JHHYHAXW5D5668235"
    # Before the last four, letters are the VIN's own ("RLCSS…" may be printed so).
    assert normalize_vin_like("RLCSS035XRC055865") == "RLCSS035XRC055865"


def test_vin_like_mapping_only_at_length_17() -> None:
    assert normalize_vin_like("rlhjf58OO ny123456") == "RLHJF5800NY123456"
    assert normalize_vin_like("RLHJF58OONY12345") == "RLHJF58OONY12345"  # 16: not VIN-like
    assert normalize_chassis_number(": ab-12 3O4 ") == "AB-123O4"  # as printed, no spaces


def test_engine_numbers() -> None:
    assert normalize_engine_number(" jf86e 1234567 ") == "JF86E1234567"
    assert normalize_engine_number("JF86E-1234567; jf86e 7654321") == "JF86E-1234567; JF86E7654321"
    assert engine_number_ok("JF86E1234567")
    assert engine_number_ok("jf86e 12345")
    assert engine_number_ok("JF86E1234567; 1NZ-1234567")
    assert not engine_number_ok("E12")
    assert not engine_number_ok("A" * 26)
    assert not engine_number_ok("JF86E/12345")
    assert not engine_number_ok("")
    assert normalize_engine_number("SC50AØ6800047") == "SC50A06800047"  # a slashed zero


# ---------------------------------------------------------------- licence classes


def test_vocabularies() -> None:
    assert set(LICENSE_CLASSES_NEW) == {
        *("A1", "A", "B1", "B", "C1", "C", "D1", "D2", "D"),
        *("BE", "C1E", "CE", "D1E", "D2E", "DE"),
    }
    assert set(LICENSE_CLASSES_OLD) == {
        *("A1", "A2", "A3", "A4", "B1", "B2", "C", "D", "E"),
        *("FB2", "FC", "FD", "FE"),
    }


@pytest.mark.parametrize(
    ("raw", "classes"),
    [
        ("A1, B2", "A1; B2"),
        ("Hạng/Class: B2", "B2"),
        ("hạng a1 và b2", "A1; B2"),
        ("C1E; CE", "C1E; CE"),
        ("82", "B2"),
        ("A1, A1", "A1"),
        ("không rõ", None),
        ("", None),
    ],
)
def test_parse_license_classes(raw: str, classes: str | None) -> None:
    assert parse_license_classes(raw) == classes


@given(st.lists(st.sampled_from(sorted(set(LICENSE_CLASSES_NEW) | set(LICENSE_CLASSES_OLD)))))
@PROPS
def test_parse_license_classes_keeps_printed_order(tokens: list[str]) -> None:
    expected = list(dict.fromkeys(tokens))
    assert parse_license_classes(", ".join(tokens)) == ("; ".join(expected) or None)


def test_license_class_problems() -> None:
    assert license_class_problems("A1; B2", "2024-12-31") == []
    assert license_class_problems("A; B; C1", "2025-01-01") == []
    assert license_class_problems("B2", "2025-03-01") == [
        "class B2 is not valid for licences issued from 2025-01-01"
    ]
    assert license_class_problems("A1; B", "15/06/2010") == [
        "class B is not valid for licences issued before 2025-01-01"
    ]
    assert license_class_problems("B2; CE", None) == []
    assert license_class_problems("X9", None) == ["class X9 is not valid for either vocabulary"]
    assert license_class_problems("", None) == ["no licence class"]


# ---------------------------------------------------------------- sex, phone, numbers


@pytest.mark.parametrize(
    ("raw", "sex"),
    [
        ("Nam", "Nam"),
        ("NAM", "Nam"),
        ("Nữ", "Nữ"),
        ("NỮ", "Nữ"),
        ("Nu", "Nữ"),
        ("Nữ/F", "Nữ"),
        ("Nam / M", "Nam"),
        ("Male", "Nam"),
        ("Female", "Nữ"),
        ("M", "Nam"),
        ("F", "Nữ"),
        ("Giới tính / Sex: Nữ", "Nữ"),
        ("Nam/Nữ", None),
        ("", None),
        ("Khác", None),
    ],
)
def test_parse_sex(raw: str, sex: str | None) -> None:
    assert parse_sex(raw) == sex


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("(+84) 912.345.678", "0912345678"),
        ("84912345678", "0912345678"),
        ("SĐT: 0912345678", "0912345678"),
        ("024 3825 1234", "02438251234"),
        ("12345", None),
        ("0912 345 67", None),
        # A stop with a space after it still groups the digits.
        ("0768.838. 703", "0768838703"),
    ],
)
def test_parse_phone(raw: str, phone: str | None) -> None:
    assert parse_phone(raw) == phone


@given(st.from_regex(r"0[35789][0-9]{8}", fullmatch=True), st.sampled_from(["", " ", ".", "-"]))
@PROPS
def test_parse_phone_any_grouping(phone: str, sep: str) -> None:
    grouped = sep.join([phone[:4], phone[4:7], phone[7:]])
    assert parse_phone(grouped) == phone
    assert parse_phone("+84" + sep + grouped[1:]) == phone


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("2015", "2015"),
        ("Năm sản xuất: 2015", "2015"),
        ("2O15", "2015"),
        ("2 0 2 2", "2022"),  # read one digit at a time
        ("20 15", "2015"),  # or in two pieces
        ("1949", None),
        ("15", None),
        ("", None),
    ],
)
def test_parse_year(raw: str, year: str | None) -> None:
    assert parse_year(raw) == year


def test_parse_year_bounds() -> None:
    assert parse_year("1930", lo=1900) == "1930"
    assert parse_year("2030", hi=2026) is None


@pytest.mark.parametrize(
    ("raw", "lo", "hi", "value"),
    [
        ("1.498 cm3", 10, 20000, "1498"),
        ("1498cm3", 10, 20000, "1498"),
        ("Dung tích: 124,9 cm3", 10, 20000, "125"),
        ("109,1", 10, 20000, "109"),
        ("5 chỗ", 1, 100, "5"),
        ("Số chỗ ngồi: 05", 1, 100, "5"),
        ("l6 chỗ", 1, 100, "16"),
        ("1 2 5", 10, 20000, "125"),  # read one digit at a time
        ("1 2 5 cc", 10, 20000, None),  # not only digits: the first number that fits
        ("cm3", 1, 100, None),
        ("999", 1, 100, None),
        ("", 1, 100, None),
    ],
)
def test_parse_int_field(raw: str, lo: int, hi: int, value: str | None) -> None:
    assert parse_int_field(raw, lo, hi) == value


@given(st.integers(1, 999_999), st.sampled_from(["cm3", " cm3", " chỗ", " kg", ""]))
@PROPS
def test_parse_int_field_with_thousand_dots(n: int, unit: str) -> None:
    dotted = f"{n:,}".replace(",", ".")
    assert parse_int_field(dotted + unit, 1, 999_999) == str(n)
    assert parse_int_field(str(n) + unit, 1, 999_999) == str(n)


# ---------------------------------------------------------------- dates

TODAY = date(2025, 11, 10)


@pytest.mark.parametrize(
    ("field", "iso", "n_problems"),
    [
        ("date_of_birth", "1990-05-01", 0),
        ("date_of_birth", "2011-11-10", 0),  # exactly 14
        ("date_of_birth", "2011-11-11", 1),
        ("date_of_birth", "1899-12-31", 1),
        ("issue_date", "2025-11-10", 0),
        ("issue_date", "2025-11-11", 1),
        ("registration_date", "1949-12-31", 1),
        ("declaration_date", "2020-02-29", 0),
        ("expiry_date", "Không thời hạn", 0),
        ("expiry_date", "2035-01-01", 0),
        ("issue_date", "2024-02-30", 1),
        ("issue_date", "12/03/2024", 1),
    ],
)
def test_date_problems(field: str, iso: str, n_problems: int) -> None:
    assert len(date_problems(field, iso, today=TODAY)) == n_problems


def test_date_problems_leap_day_today() -> None:
    assert date_problems("date_of_birth", "2010-02-28", today=date(2024, 2, 29)) == []
    assert date_problems("date_of_birth", "2010-03-01", today=date(2024, 2, 29)) != []


# ---------------------------------------------------------------- service life


@pytest.mark.parametrize(
    ("vehicle_type", "seats", "category"),
    [
        ("Ô tô con", 5, "exempt"),
        ("Ô tô con", None, "exempt"),
        ("Ô tô con", 9, "exempt"),  # ≤ 9 including the driver
        ("Ô tô chở người", 16, "passenger"),
        ("Ô tô khách", 29, "passenger"),
        ("Ô tô khách", None, "passenger"),
        ("Ô tô tải", None, "truck"),
        ("Ô tô tải (pickup cabin kép)", 5, "truck"),
        ("Ô tô đầu kéo", 2, "truck"),
        ("Mô tô", None, "exempt"),
        ("Xe máy điện", 2, "exempt"),
        ("Sơ mi rơ moóc", None, "exempt"),
        ("Ô tô chuyên dùng", None, "exempt"),
        ("Ô tô cứu thương", 8, "exempt"),
        ("Ô tô", 10, "passenger"),
        ("Ô tô", None, "unknown"),
    ],
)
def test_service_life_category(vehicle_type: str, seats: int | None, category: str) -> None:
    assert service_life_category(vehicle_type, seats) == category


@given(st.integers(1950, 2030))
@PROPS
def test_service_life_end_year(year: int) -> None:
    assert service_life_end_year(year, "truck") == year + 25
    assert service_life_end_year(year, "passenger") == year + 20
    assert service_life_end_year(year, "exempt") is None
    assert service_life_end_year(year, "unknown") is None


def test_service_life_rejects_unknown_category() -> None:
    with pytest.raises(ValueError):
        service_life_end_year(2000, "bus")
