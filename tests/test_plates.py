"""Plate parsing (extract/plates.py): every DOMAIN.md §3 example, generated plates, OCR noise."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.plates import (
    HANOI_CODES,
    LOCALITY_CODES,
    LOCALITY_PROVINCES,
    Plate,
    parse_plate,
    vehicle_kind,
)

PROPS = settings(database=None, deadline=None, max_examples=300)

L1 = "ABCDEFGHKLMNPSTUVXYZ"
L2 = "ABCDEFHKLMNPRSTUVXYZ"
SPECIAL = ["LD", "DA", "KT", "HC", "MK", "CD", "TĐ", "RM", "R"]
FOREIGN = ["NG", "QT", "CV", "NN"]


def test_locality_codes_match_domain_3_2() -> None:
    assert frozenset({"29", "30", "31", "32", "33", "40"}) == HANOI_CODES
    assert len(LOCALITY_CODES) == 81
    unused = {f"{n}" for n in range(11, 100)} - LOCALITY_CODES
    assert unused == {"13", "42", "44", "45", "46", "87", "91", "96"}
    assert LOCALITY_PROVINCES["33"] == "Hà Nội"
    assert LOCALITY_PROVINCES["80"] == "Cục CSGT"
    assert LOCALITY_PROVINCES["72"] == "TP. Hồ Chí Minh"


# Every plate string in DOMAIN.md §3 and the schema's fieldValue description.
DOMAIN_EXAMPLES = [
    ("30A-123.45", None, "30A-123.45", "car"),
    ("29A-1234", None, "29A-1234", "car_legacy"),
    ("29-B1 123.45", None, "29-B1 123.45", "motorbike"),
    ("29-B1\n123.45", None, "29-B1 123.45", "motorbike"),  # printed on two lines
    ("29-B1 1234", None, "29-B1 1234", "motorbike"),
    ("29-AB 123.45", None, "29-AB 123.45", "motorbike"),
    ("29-MĐ1 013.53", None, "29-MĐ1 013.53", "electric"),
    ("80-441-NG-02", None, "80-441-NG-02", "foreign"),
    ("80NN16806", None, "80-168-NN-06", "foreign"),  # FOREIGN before MOTO
    ("88-CV-398.12", None, "88-CV 398.12", "motorbike"),  # a dotted number is domestic
    ("30A12345", "car", "30A-123.45", "car"),
    ("30A12345", "motorbike", "30-A1 2345", "motorbike"),
]


@pytest.mark.parametrize(("raw", "vehicle", "display", "kind"), DOMAIN_EXAMPLES)
def test_domain_examples(raw: str, vehicle: str | None, display: str, kind: str) -> None:
    plate = parse_plate(raw, vehicle)
    assert plate is not None
    assert plate.display == display
    assert plate.kind == kind
    assert plate.locality == display.lstrip("T")[:2]
    assert plate.locality_known


def test_ambiguous_compact_without_evidence_is_not_guessed() -> None:
    assert parse_plate("30A12345") is None
    assert parse_plate("29B11234") is None  # car 29B-112.34 or motorbike 29-B1 1234
    assert parse_plate("29MĐ12345") is None  # 29-MĐ1 2345 or 29-MĐ 123.45


def test_military_plates_are_out_of_scope() -> None:
    assert parse_plate("TC-3386") is None


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("30A\n123.45", "30A-123.45"),  # short car plate, two lines
        ("30-A1\n2345", "30-A1 2345"),
        ("30A 12345", "30A-123.45"),  # cut after the series letter = car
        ("30A-12345", "30A-123.45"),
        ("30-A12345", "30-A1 2345"),  # cut between locality and series = motorbike
        ("30A1 2345", "30-A1 2345"),  # cut after letter+digit series = motorbike
        ("30A1-2345", "30-A1 2345"),
    ],
)
def test_printed_separators_resolve_car_or_motorbike(raw: str, display: str) -> None:
    plate = parse_plate(raw)
    assert plate is not None and plate.display == display


def test_printed_layout_beats_vehicle_hint() -> None:
    plate = parse_plate("30-A1 2345", "car")
    assert plate is not None and plate.display == "30-A1 2345"
    plate = parse_plate("30A-123.45", "motorbike")
    assert plate is not None and plate.display == "30A-123.45"


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("30a-123.45", "30A-123.45"),
        ("29-MÐ1 013.53", "29-MĐ1 013.53"),  # Ð (eth) → Đ
        ("3OA-l23.4S", "30A-123.45"),  # O, l, S in digit slots
        ("30A-l23.45", "30A-123.45"),  # l is a series letter L, but the cut says car
        ("29-B1 I23.45", "29-B1 123.45"),
        ("29-BI 123.45", "29-B1 123.45"),  # series digit slot
        ("Biển số: 30A-123.45", "30A-123.45"),
        ("  30 A - 123 . 45  ", "30A-123.45"),
        ("29ab 12345", "29-AB 123.45"),
        ("80 NG 441 02", "80-441-NG-02"),  # series-first printing
        ("12NG/123456", "12-123-NG-456"),  # DOMAIN §10 test strings (S13)
        ("12123QT456", "12-123-QT-456"),
        ("14LD/12345", "14LD-123.45"),
        ("14RM12345", "14RM-123.45"),
        ("T12/34567", "T12-345.67"),
    ],
)
def test_noisy_and_other_forms(raw: str, display: str) -> None:
    plate = parse_plate(raw)
    assert plate is not None and plate.display == display


def test_letters_are_never_guessed() -> None:
    # 8 in the series position is not read as B: no pattern fits.
    assert parse_plate("308-123.45") is None
    assert parse_plate("29-I1 123.45") is None  # I is no series letter


@pytest.mark.parametrize(
    ("raw", "kind", "legacy"),
    [
        ("29A-123", "car_legacy", True),  # "biển 3 số"
        ("29O-1234", "car_legacy", True),  # pre-2010 letter
        ("29R-1234", "special", True),  # SPECIAL (trailer) before the legacy R car
        ("29-B1 1234", "motorbike", True),
        ("30A-123.45", "car", False),
    ],
)
def test_legacy_flag(raw: str, kind: str, legacy: bool) -> None:
    plate = parse_plate(raw)
    assert plate is not None
    assert (plate.kind, plate.legacy) == (kind, legacy)


def test_unknown_locality_is_parsed_but_flagged() -> None:
    plate = parse_plate("13A-123.45")
    assert plate == Plate("13A-123.45", "car", "13", False, False)


def test_special_series_display_style() -> None:
    assert parse_plate("29LD12345") == Plate("29LD-123.45", "special", "29", True, False)
    assert parse_plate("29LD12345", "motorbike") == Plate(
        "29-LD 123.45", "special", "29", True, False
    )
    assert parse_plate("29-KT 123.45") == Plate("29-KT 123.45", "special", "29", True, False)


def test_bad_vehicle_argument() -> None:
    with pytest.raises(ValueError):
        parse_plate("30A-123.45", "truck")


def _number(n: int, width: int) -> str:
    s = f"{n:0{width}d}"
    return f"{s[:3]}.{s[3:]}" if width == 5 else s


loc_st = st.sampled_from(sorted(LOCALITY_CODES))
num_st = st.integers(1, 99999)


@st.composite
def plates(draw: st.DrawFn) -> tuple[str, str, str | None]:
    """(display, kind, vehicle) for a valid plate of any kind."""
    loc = draw(loc_st)
    kind = draw(
        st.sampled_from(["car", "car4", "moto2", "moto1", "electric", "foreign", "special", "temp"])
    )
    width = draw(st.sampled_from([4, 5]))
    n = draw(st.integers(1, 10**width - 1))
    num = _number(n, width)
    if kind == "car":
        return f"{loc}{draw(st.sampled_from(L1))}-{_number(n, 5)}", "car", "car"
    if kind == "car4":
        return f"{loc}{draw(st.sampled_from(L1))}-{_number(n % 10000, 4)}", "car_legacy", "car"
    if kind == "moto2":
        series = draw(
            st.sampled_from(L1)
            .flatmap(lambda a: st.sampled_from([a + b for b in L2]))
            # SPECIAL and FOREIGN series take precedence (DOMAIN §3.3 order).
            .filter(lambda s: s not in SPECIAL and s not in FOREIGN)
        )
        return f"{loc}-{series} {num}", "motorbike", "motorbike"
    if kind == "moto1":
        series = draw(st.sampled_from(L1)) + str(draw(st.integers(1, 9)))
        return f"{loc}-{series} {num}", "motorbike", "motorbike"
    if kind == "electric":
        digit = draw(st.sampled_from(["", *"123456789"]))
        return f"{loc}-MĐ{digit} {num}", "electric", "motorbike"
    if kind == "foreign":
        country = f"{draw(st.integers(0, 999)):03d}"
        order = f"{draw(st.integers(0, 999)):0{draw(st.sampled_from([2, 3]))}d}"
        return f"{loc}-{country}-{draw(st.sampled_from(FOREIGN))}-{order}", "foreign", None
    if kind == "special":
        return f"{loc}{draw(st.sampled_from(SPECIAL))}-{num}", "special", "car"
    return f"T{loc}-{_number(n, 5)}", "temporary", None


def _compact(display: str) -> str:
    return re.sub(r"[^0-9A-ZĐ]", "", display)


@given(plates())
@PROPS
def test_display_round_trips(p: tuple[str, str, str | None]) -> None:
    display, kind, _ = p
    plate = parse_plate(display)
    assert plate is not None
    assert plate.display == display
    assert plate.kind == kind
    assert plate.locality_known


@given(plates())
@PROPS
def test_compact_with_vehicle_gives_same_display(p: tuple[str, str, str | None]) -> None:
    display, kind, vehicle = p
    compact = _compact(display)
    plate = parse_plate(compact, vehicle)
    # MĐ + 5 digits and MĐ<digit> + 4 digits compact alike when the 5 digits start 1-9.
    electric_clash = kind == "electric" and len(compact) == 9 and compact[4] != "0"
    if electric_clash:
        assert plate is None
    else:
        assert plate is not None and plate.display == display


@given(plates(), st.sampled_from(["\n", " ", "  ", " - "]))
@PROPS
def test_case_and_spacing_do_not_matter(p: tuple[str, str, str | None], sep: str) -> None:
    display, _, vehicle = p
    noisy = display.lower().replace(" ", sep)
    plate = parse_plate(noisy, vehicle)
    assert plate is not None and plate.display == display


@given(plates(), st.data())
@PROPS
def test_one_digit_confusion_is_repaired(
    p: tuple[str, str, str | None], data: st.DataObject
) -> None:
    display, kind, vehicle = p
    # Locality and number slots only: a series digit read as S/B/T/Z is a valid
    # series letter, and a temporary plate's locality next to its T is ambiguous.
    number_start = max(display.rfind("-"), display.rfind(" ")) + 1
    slots = [*([] if kind == "temporary" else [0, 1]), *range(number_start, len(display))]
    positions = [i for i in slots if display[i] in "0158"]
    if not positions:
        return
    i = data.draw(st.sampled_from(positions))
    noisy = display[:i] + {"0": "O", "1": "I", "5": "S", "8": "B"}[display[i]] + display[i + 1 :]
    plate = parse_plate(noisy, vehicle)
    assert plate is not None and plate.display == display


DISPLAY_RE = re.compile(
    r"\d{2}[A-ZĐ]{1,2}-\d{3}(\.\d{2})?|\d{2}[A-ZĐ]{1,2}-\d{4}|"
    r"\d{2}-[A-ZĐ]{1,2}\d? \d{3}(\.\d{2})?|\d{2}-[A-ZĐ]{1,2}\d? \d{4}|"
    r"\d{2}-\d{3}-[A-Z]{2}-\d{2,3}|T\d{2}-\d{3}\.\d{2}"
)


@given(st.text(alphabet="0123456789ABDGIKLMNOQRSTZĐ -.\n", max_size=14))
@PROPS
def test_any_text_gives_none_or_a_display_form(s: str) -> None:
    plate = parse_plate(s)
    if plate is not None:
        assert DISPLAY_RE.fullmatch(plate.display), plate
        assert plate.locality_known == (plate.locality in LOCALITY_CODES)
        assert parse_plate(plate.display) == plate


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Ô tô con", "car"),
        ("xe ô tô tải", "car"),
        ("Ô TÔ KHÁCH", "car"),
        ("Ôtô chở người", "car"),
        ("Xe bán tải", "car"),
        ("Sơ mi rơ moóc", "car"),
        ("Mô tô", "motorbike"),
        ("MÔ TÔ HAI BÁNH", "motorbike"),
        ("Xe máy", "motorbike"),
        ("Xe máy điện", "motorbike"),
        ("Xe gắn máy", "motorbike"),
        ("Máy kéo", None),
        ("Xe máy chuyên dùng", None),
        ("Xe đạp điện", None),
        ("", None),
    ],
)
def test_vehicle_kind(text: str, kind: str | None) -> None:
    assert vehicle_kind(text) == kind
