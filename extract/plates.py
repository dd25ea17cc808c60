"""Vietnamese registration plates (biển số): parsing, display forms, locality codes.

Rules from DOMAIN.md §3: the raw text is normalised (NFC, uppercase, Ð→Đ),
compacted to ``[0-9A-ZĐ]`` and matched against the documented patterns in the
order FOREIGN, SPECIAL, EMOTO, MOTO/CAR, TEMP. Digit-like letters (O, I, S,
B...) are read as digits only in positions the pattern reserves for digits;
letters are never guessed. A compact string that reads both as a car and as a
motorbike plate is resolved by where the printed separators fall, else by the
vehicle type, else not at all (``None``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from extract.normalize import fold

HANOI_CODES: frozenset[str] = frozenset({"29", "30", "31", "32", "33", "40"})

# §3.2, after the 2025 merger into 34 provinces; 80 = Cục CSGT (central).
LOCALITY_PROVINCES: dict[str, str] = {
    **dict.fromkeys(sorted(HANOI_CODES), "Hà Nội"),
    **dict.fromkeys(["41", *map(str, range(50, 60)), "61", "72"], "TP. Hồ Chí Minh"),
    **dict.fromkeys(["15", "16", "34"], "Hải Phòng"),
    **dict.fromkeys(["99", "98"], "Bắc Ninh"),
    **dict.fromkeys(["22", "23"], "Tuyên Quang"),
    **dict.fromkeys(["24", "21"], "Lào Cai"),
    **dict.fromkeys(["20", "97"], "Thái Nguyên"),
    **dict.fromkeys(["19", "28", "88"], "Phú Thọ"),
    **dict.fromkeys(["89", "17"], "Hưng Yên"),
    **dict.fromkeys(["35", "18", "90"], "Ninh Bình"),
    **dict.fromkeys(["74", "73"], "Quảng Trị"),
    **dict.fromkeys(["43", "92"], "Đà Nẵng"),
    **dict.fromkeys(["76", "82"], "Quảng Ngãi"),
    **dict.fromkeys(["81", "77"], "Gia Lai"),
    **dict.fromkeys(["47", "78"], "Đắk Lắk"),
    **dict.fromkeys(["79", "85"], "Khánh Hòa"),
    **dict.fromkeys(["49", "48", "86"], "Lâm Đồng"),
    **dict.fromkeys(["60", "39", "93"], "Đồng Nai"),
    **dict.fromkeys(["70", "62"], "Tây Ninh"),
    **dict.fromkeys(["66", "63"], "Đồng Tháp"),
    **dict.fromkeys(["65", "83", "95"], "Cần Thơ"),
    **dict.fromkeys(["64", "71", "84"], "Vĩnh Long"),
    **dict.fromkeys(["69", "94"], "Cà Mau"),
    **dict.fromkeys(["68", "67"], "An Giang"),
    "11": "Cao Bằng",
    "12": "Lạng Sơn",
    "14": "Quảng Ninh",
    "25": "Lai Châu",
    "27": "Điện Biên",
    "26": "Sơn La",
    "36": "Thanh Hóa",
    "37": "Nghệ An",
    "38": "Hà Tĩnh",
    "75": "Huế",
    "80": "Cục CSGT",
}
LOCALITY_CODES: frozenset[str] = frozenset(LOCALITY_PROVINCES)

KINDS = ("car", "car_legacy", "motorbike", "electric", "foreign", "special", "temporary")


@dataclass(frozen=True)
class Plate:
    """A parsed plate; ``display`` is the canonical field value (schema fieldValue)."""

    display: str
    kind: str  # one of KINDS
    locality: str
    locality_known: bool
    legacy: bool  # 3- or 4-digit number, or a pre-2010 series letter (I J O Q R)


_L1 = "ABCDEFGHKLMNPSTUVXYZ"  # series position 1
_L2 = "ABCDEFHKLMNPRSTUVXYZ"  # motorbike series position 2 (R yes, G no)
_LEGACY_LETTERS = "IJOQR"
# Digit-like letters read as digits in digit slots only (uppercase: raw is uppercased first).
_SLOT_DIGITS = {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1"}
_SLOT_DIGITS |= {"Z": "2", "S": "5", "G": "6", "T": "7", "B": "8"}
_D = "[0-9" + "".join(_SLOT_DIGITS) + "]"
_D19 = "[1-9" + "".join(k for k, v in _SLOT_DIGITS.items() if v != "0") + "]"
_FOREIGN_SERIES = "NG|QT|CV|NN"
_SPECIAL_SERIES = "LD|DA|KT|HC|MK|CD|TĐ|RM|R"

_LOC = rf"(?P<loc>{_D}{{2}})"
_NUM = rf"(?P<num>{_D}{{4,5}})"
_SERD = rf"(?P<serd>{_D19})"
_COUNTRY = rf"(?P<country>{_D}{{3}})"
_ORDER = rf"(?P<num>{_D}{{2,3}})"

# (kind, priority, pattern). Lower priority wins; MOTO and CAR share one rank
# because their overlap is a genuine ambiguity, not an ordering question.
_TEMPLATES: list[tuple[str, int, re.Pattern[str]]] = [
    (kind, priority, re.compile(pattern))
    for kind, priority, pattern in [
        ("foreign", 0, rf"{_LOC}{_COUNTRY}(?P<ser>{_FOREIGN_SERIES}){_ORDER}"),
        ("foreign", 0, rf"{_LOC}(?P<ser>{_FOREIGN_SERIES}){_COUNTRY}{_ORDER}"),
        ("special", 1, rf"{_LOC}(?P<ser>{_SPECIAL_SERIES}){_NUM}"),
        ("electric", 2, rf"{_LOC}(?P<ser>MĐ){_NUM}"),
        ("electric", 2, rf"{_LOC}(?P<ser>MĐ){_SERD}{_NUM}"),
        ("motorbike", 3, rf"{_LOC}(?P<ser>[{_L1}][{_L2}]){_NUM}"),
        ("motorbike", 3, rf"{_LOC}(?P<ser>[{_L1}]){_SERD}{_NUM}"),
        ("car", 3, rf"{_LOC}(?P<ser>[{_L1}])(?P<num>{_D}{{3,5}})"),
        ("car", 3, rf"{_LOC}(?P<ser>[{_LEGACY_LETTERS}])(?P<num>{_D}{{4}})"),
        ("temporary", 4, rf"T{_LOC}(?P<num>{_D}{{5}})"),
    ]
]


@dataclass(frozen=True)
class _Reading:
    plate: Plate
    priority: int
    substitutions: int
    boundaries: frozenset[int]  # compact indices where the display puts a separator


def _number(num: str) -> str:
    return f"{num[:3]}.{num[3:]}" if len(num) == 5 else num


def _normalise(raw: str) -> str:
    return unicodedata.normalize("NFC", raw).upper().replace("\u00d0", "Đ")


def _compact(text: str) -> tuple[str, frozenset[int]]:
    """Characters ``[0-9A-ZĐ]`` of ``text`` and the positions where separators fell."""
    kept: list[str] = []
    cuts: set[int] = set()
    for c in text:
        if (c.isascii() and c.isalnum()) or c == "Đ":
            kept.append(c)
        elif kept:
            cuts.add(len(kept))
    cuts.discard(len(kept))
    return "".join(kept), frozenset(cuts)


def _slot(text: str | None) -> tuple[str, int]:
    """Digit slot text with confusions mapped, and how many were mapped."""
    if not text:
        return "", 0
    digits = "".join(_SLOT_DIGITS.get(c, c) for c in text)
    return digits, sum(c in _SLOT_DIGITS for c in text)


def _cuts(kind: str, m: re.Match[str], moto_style: bool) -> frozenset[int]:
    """Compact positions where this reading's printed form has a separator."""
    num_start = m.start("num")
    cuts = {num_start + 3} if m.end("num") - num_start == 5 else set()
    if kind == "foreign":
        cuts |= {m.end("loc"), m.start("num"), min(m.end("ser"), m.end("country"))}
    elif kind == "temporary":
        cuts.add(m.end("loc"))
    elif moto_style:
        cuts |= {m.end("loc"), num_start}
    else:
        cuts.add(num_start)
    return frozenset(cuts)


def _readings(compact: str, special_style: str) -> list[_Reading]:
    out = []
    for kind, priority, rx in _TEMPLATES:
        m = rx.fullmatch(compact)
        if m is None:
            continue
        g = m.groupdict()
        loc, s1 = _slot(g["loc"])
        num, s2 = _slot(g["num"])
        country, s3 = _slot(g.get("country"))
        serd, s4 = _slot(g.get("serd"))
        ser = (g.get("ser") or "") + serd
        legacy = kind not in ("foreign", "temporary") and (
            len(num) < 5 or ser in tuple(_LEGACY_LETTERS)
        )
        moto_style = kind in ("motorbike", "electric") or (
            kind == "special" and special_style == "motorbike"
        )
        if kind == "foreign":
            display = f"{loc}-{country}-{ser}-{num}"
        elif kind == "temporary":
            display = f"T{loc}-{_number(num)}"
        elif moto_style:
            display = f"{loc}-{ser} {_number(num)}"
        else:
            display = f"{loc}{ser}-{_number(num)}"
            if kind == "car" and legacy:
                kind = "car_legacy"
        plate = Plate(display, kind, loc, loc in LOCALITY_CODES, legacy)
        out.append(_Reading(plate, priority, s1 + s2 + s3 + s4, _cuts(kind, m, moto_style)))
    return out


def _vehicle_of(plate: Plate) -> str | None:
    if plate.kind in ("car", "car_legacy"):
        return "car"
    if plate.kind in ("motorbike", "electric"):
        return "motorbike"
    return None


def _pick(readings: list[_Reading], cuts: frozenset[int], vehicle: str | None) -> Plate | None:
    """Choose the reading the evidence supports, or None when it does not decide.

    Every digit-slot confusion and every printed separator where a reading has
    none counts against that reading; ties go to the documented pattern order,
    then to the vehicle type, then to the reading with most separators in place.
    """
    if not readings:
        return None

    def cost(r: _Reading) -> tuple[int, int]:
        return (r.substitutions + len(cuts - r.boundaries), r.priority)

    least = min(cost(r) for r in readings)
    best = [r for r in readings if cost(r) == least]
    if vehicle is not None:
        best = [r for r in best if _vehicle_of(r.plate) in (vehicle, None)] or best
    support = max(len(cuts & r.boundaries) for r in best)
    winners = {r.plate for r in best if len(cuts & r.boundaries) == support}
    return winners.pop() if len(winners) == 1 else None


# The number of a domestic plate printed with its dot ("398.12") at the end of a reading.
_DOTTED_NUMBER = re.compile(r"\d{3}\.\d{2}\W*$")


def parse_plate(raw: str, vehicle: str | None = None) -> Plate | None:
    """Parse a printed plate into its canonical display form, or None.

    Evidence is weighed per reading of the compact string: each letter read as
    a digit in a digit slot, and each printed separator where the reading has
    none, counts against it. A cut after the series letter (``30A-``, a line
    break after ``30A``) fits a car; a cut between locality and series or after
    a letter+digit series (``30-A1``) fits a motorbike. Among equally good
    readings the documented pattern order decides, then ``vehicle`` (``'car'``,
    ``'motorbike'`` or None, see ``vehicle_kind``) settles a car/motorbike tie
    such as compact ``30A12345`` (``30A-123.45`` or ``30-A1 2345``), then the
    reading with most separators in place. If that still leaves two readings
    the result is None, never a guess; a printed layout that contradicts
    ``vehicle`` wins, leaving the mismatch to the cross-checks.

    Special series display car style (``29LD-123.45``) unless the vehicle or
    the printed layout is a motorbike's (``29-LD 123.45``). Foreign plates
    printed series-first are displayed country-first (``80-441-NG-02``); a number
    printed with a dot (``88-CV-398.12``) is a domestic plate's, not a foreign one's. A
    label before a colon (``Biển số: ...``) is ignored.
    """
    if vehicle not in (None, "car", "motorbike"):
        raise ValueError(f"vehicle must be 'car', 'motorbike' or None, not {vehicle!r}")
    text = _normalise(raw)
    for candidate in (text, text.rsplit(":", 1)[-1]):
        compact, cuts = _compact(candidate)
        moto_layout = vehicle == "motorbike" or (vehicle is None and 2 in cuts)
        readings = _readings(compact, "motorbike" if moto_layout else "car")
        if _DOTTED_NUMBER.search(candidate):  # "398.12": foreign plates print hyphens only
            readings = [r for r in readings if r.plate.kind != "foreign"] or readings
        plate = _pick(readings, cuts, vehicle)
        if plate is not None:
            return plate
    return None


_MOTORBIKE = re.compile(r"\b(?:MO ?TO|XE MAY|GAN MAY|MOTORBIKE|MOTORCYCLE|SCOOTER)\b")
_NOT_A_PLATE_HINT = re.compile(r"\b(?:MAY KEO|XE MAY CHUYEN DUNG|XE DAP)\b")
_CAR = re.compile(
    r"\b(?:O ?TO|XE CON|XE TAI|XE KHACH|XE BUYT|XE BAN TAI|BAN TAI|XE CHO NGUOI|"
    r"XE CHO HANG|SO MI RO MOOC|RO MOOC|DAU KEO|CAR|TRUCK|BUS)\b"
)


def vehicle_kind(vehicle_type_text: str) -> str | None:
    """``'car'`` or ``'motorbike'`` from a printed vehicle type (``Loại xe``), else None.

    Cars: ô tô (con, tải, khách, bán tải, đầu kéo...), xe con/tải/khách/buýt,
    and rơ moóc / sơ mi rơ moóc (car-layout plates). Motorbikes: mô tô, xe máy
    (incl. xe máy điện), xe gắn máy. Tractors, special machinery and bicycles
    give None.
    """
    key = fold(vehicle_type_text)
    if _NOT_A_PLATE_HINT.search(key):
        return None
    if _MOTORBIKE.search(key):
        return "motorbike"
    if _CAR.search(key):
        return "car"
    return None


def is_vehicle_type(text: str) -> bool:
    """Whether ``text`` names a kind of vehicle (a car, a motorbike, or a tractor or
    other machine that carries no road plate), as a ``Loại xe`` value must."""
    return vehicle_kind(text) is not None or _NOT_A_PLATE_HINT.search(fold(text)) is not None
