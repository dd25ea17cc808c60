"""Field parsers and plausibility checks: IDs, VIN/engine numbers, licence classes,
sex, phone, years, counts, dates and service life (DOMAIN.md §4–§7, §9).

``parse_*`` functions return the canonical field value (schema fieldValue) or
None; ``*_problems`` functions return human-readable messages, empty when the
value is consistent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extract.normalize import clean_text, digit_runs, digits_only, fold, parse_date
from extract.plates import vehicle_kind

# §5.1: birth-registration province codes of the 63 pre-2025 provinces.
CCCD_PROVINCE_CODES: frozenset[str] = frozenset(
    f"{n:03d}"
    for n in (
        *(1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33),
        *(34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64),
        *(66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94),
        *(95, 96),
    )
)


@dataclass(frozen=True)
class IdNumber:
    """A citizen ID number; ``digits`` is the canonical field value."""

    digits: str
    kind: str  # 'cccd' | 'cmnd'
    province: str | None  # 3-digit birth-registration code, None if CMND or unknown code
    sex: str | None  # 'Nam' | 'Nữ' from the century/sex digit (CCCD only)
    birth_year: int | None  # from century digit + two year digits (CCCD only)


def _decode_century(digits: str) -> tuple[str, int]:
    cg, yy = int(digits[3]), int(digits[4:6])
    return ("Nam" if cg % 2 == 0 else "Nữ"), 1900 + 100 * (cg // 2) + yy


_SEPARATOR_SPACE = re.compile(r"(?<=\d)([.\-]) (?=\d)")


def _numbers(raw: str, lengths: tuple[int, ...]) -> list[str]:
    """Digit strings of the wanted lengths found in ``raw``, best first.

    Runs may contain spaces, dots and hyphens (``001 099 012345``); a run that
    is too long because a label letter joined it (``No 0010...``) is retried
    piece by piece; every piece used must hold a real digit. Candidates of the
    first wanted length come first, then those with fewer OCR substitutions.
    """
    found: list[tuple[int, int, int, str]] = []
    # A stop or hyphen with a space after it is one separator ("0768.838. 703").
    raw = _SEPARATOR_SPACE.sub(r"\1", raw)
    for start, run in digit_runs(raw, separators=" .-"):
        pieces = re.split(r"[ .\-]", run)
        for i in range(len(pieces)):
            if not any(c.isdigit() for c in pieces[i]):
                continue
            for j in range(i + 1, len(pieces) + 1):
                if not any(c.isdigit() for c in pieces[j - 1]):
                    break
                text = "".join(pieces[i:j])
                digits = digits_only(text)
                if len(digits) in lengths and len(digits) == len(text):
                    subs = sum(not c.isdigit() for c in text)
                    found.append((lengths.index(len(digits)), subs, start, digits))
    return [d for *_, d in sorted(found)]


def parse_id_number(raw: str) -> IdNumber | None:
    """12-digit CCCD / số định danh (decoded) or 9-digit CMND from OCR text, else None.

    An unknown CCCD province code gives ``province=None`` (see ``cccd_problems``);
    the number itself is still returned.
    """
    found = _numbers(raw, (12, 9))
    if not found:
        return None
    digits = found[0]
    if len(digits) == 9:
        return IdNumber(digits, "cmnd", None, None, None)
    sex, year = _decode_century(digits)
    province = digits[:3] if digits[:3] in CCCD_PROVINCE_CODES else None
    return IdNumber(digits, "cccd", province, sex, year)


def cccd_problems(
    number: str,
    date_of_birth: str | None = None,
    sex: str | None = None,
    *,
    today: date | None = None,
) -> list[str]:
    """Inconsistencies of a 12-digit ID with itself and with the holder's DOB and sex.

    Checks the province code (§5.1 list), that the century digit does not put
    the birth year after ``today``, the year digits against ``date_of_birth``
    and the sex digit against ``sex`` (both optional, any parseable form).
    """
    digits = digits_only(number)
    if not re.fullmatch(r"\d{12}", digits):
        return [f"CCCD number must have 12 digits, got {len(digits)}"]
    problems = []
    if digits[:3] not in CCCD_PROVINCE_CODES:
        problems.append(f"unknown province code {digits[:3]} (số định danh digits 1-3)")
    id_sex, id_year = _decode_century(digits)
    if id_year > (today or date.today()).year:
        problems.append(f"century/sex digit {digits[3]} implies birth year {id_year}")
    dob = parse_date(date_of_birth) if date_of_birth else None
    if dob is not None and int(dob[:4]) != id_year:
        problems.append(f"birth year {id_year} in the number does not match date of birth {dob}")
    holder_sex = parse_sex(sex) if sex else None
    if holder_sex is not None and holder_sex != id_sex:
        problems.append(f"sex digit {digits[3]} means {id_sex}, but sex is {holder_sex}")
    return problems


_VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_ok(s: str) -> bool:
    """True for a 17-character ISO 3779 VIN (no I, O, Q)."""
    return _VIN.fullmatch(s.strip().upper()) is not None


def vin_check_digit_ok(s: str) -> bool:
    """Advisory: position-9 check digit (mandatory only for North America/China)."""
    vin = s.strip().upper()
    if not vin_ok(vin):
        return False
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    check = total % 11
    return vin[8] == ("X" if check == 10 else str(check))


#: A slashed zero (monospaced print) read as the letter Ø beside a digit: Vietnamese and
#: codes hold no Ø ("Số 10Ø", "ENØAEN-" is a label's "(Engine N°)" read so, not a code).
SLASHED_ZERO = re.compile(r"(?<=\d)[Øø]|[Øø](?=\d)")


def _compact_id(s: str) -> str:
    s = SLASHED_ZERO.sub("0", clean_text(s).upper())
    return re.sub(r"\s+", "", s).strip(":.,;_")


# ISO 3779: the last four characters of a VIN (of its vehicle indicator section) are
# digits; the letters OCR reads for a digit there (S for 5, B for 8) are that digit.
_VIN_SERIAL_DIGITS = str.maketrans("SBZGD", "58260")


def normalize_vin_like(s: str) -> str:
    """Uppercase, drop spaces/hyphens/dots; if 17 characters, read I→1 and O/Q→0, and
    a digit's look-alike letter among the last four (all digits in a VIN) as the digit."""
    s = re.sub(r"[\s\-._/]+", "", _compact_id(s))
    if len(s) == 17 and s.isascii() and s.isalnum():
        s = s.translate(str.maketrans("IOQ", "100"))
        s = s[:13] + s[13:].translate(_VIN_SERIAL_DIGITS)
    return s


def normalize_chassis_number(s: str) -> str:
    """Chassis number (số khung): VIN-normalised when VIN-like, else as printed without spaces."""
    vin = normalize_vin_like(s)
    if vin_ok(vin):
        return vin
    return _compact_id(s)


def _engine_parts(s: str) -> list[str]:
    return [p for p in (_compact_id(part) for part in re.split(r"[;,\n]", s)) if p]


def normalize_engine_number(s: str) -> str:
    """Engine number(s) (số máy): uppercase, no spaces; several joined with '; '."""
    return "; ".join(_engine_parts(s))


def engine_number_ok(s: str) -> bool:
    """True when every '; '-separated engine number is ``[A-Z0-9-]{5,25}``."""
    parts = _engine_parts(s)
    return bool(parts) and all(re.fullmatch(r"[A-Z0-9-]{5,25}", p) for p in parts)


LICENSE_CLASSES_OLD: tuple[str, ...] = (
    "A1", "A2", "A3", "A4", "B1", "B2", "C", "D", "E", "FB2", "FC", "FD", "FE",
)  # fmt: skip
LICENSE_CLASSES_NEW: tuple[str, ...] = (
    "A1", "A", "B1", "B", "C1", "C", "D1", "D2", "D", "BE", "C1E", "CE", "D1E", "D2E", "DE",
)  # fmt: skip
#: Every licence class of the old and the new vocabulary.
LICENSE_CLASSES = frozenset(LICENSE_CLASSES_OLD) | frozenset(LICENSE_CLASSES_NEW)
_CLASS_CONFUSIONS = {"B": "8", "8": "B", "D": "0", "0": "D", "I": "1", "L": "1", "Z": "2"}
NEW_CLASSES_FROM = "2025-01-01"


def _license_token(token: str) -> str | None:
    if token in LICENSE_CLASSES:
        return token
    variants = {""}
    for c in token:
        options = {c, _CLASS_CONFUSIONS.get(c, c)}
        variants = {v + o for v in variants for o in options}
    hits = variants & LICENSE_CLASSES
    return hits.pop() if len(hits) == 1 else None


def parse_license_classes(raw: str) -> str | None:
    """Licence classes in printed order joined by '; ' (``'A1, B2'`` → ``'A1; B2'``).

    Only tokens of the old or new vocabulary are kept (``82`` is read as
    ``B2``); duplicates are dropped; None when no class is found.
    """
    classes: list[str] = []
    for token in fold(raw).split():
        cls = _license_token(token)
        if cls is not None and cls not in classes:
            classes.append(cls)
    return "; ".join(classes) or None


def unread_license_classes(raw: str) -> list[str]:
    """Tokens of ``raw`` shaped like a licence class (one or two letters and digits, a
    letter among them) that are none, even misread: a class of the list read wrong ("R"
    for "A" in "A; B"), which :func:`parse_license_classes` leaves out."""
    return [
        t
        for t in fold(raw).split()
        if len(t) <= 2 and t.isalnum() and not t.isdigit() and _license_token(t) is None
    ]


def license_class_problems(classes: str, issue_date: str | None) -> list[str]:
    """Classes outside the vocabulary in force on ``issue_date`` (new one from 2025-01-01)."""
    issued = parse_date(issue_date) if issue_date else None
    if issued is None:
        vocab, era = LICENSE_CLASSES, "either vocabulary"
    elif issued >= NEW_CLASSES_FROM:
        vocab, era = frozenset(LICENSE_CLASSES_NEW), f"licences issued from {NEW_CLASSES_FROM}"
    else:
        vocab, era = frozenset(LICENSE_CLASSES_OLD), f"licences issued before {NEW_CLASSES_FROM}"
    tokens = [t.strip() for t in classes.split(";") if t.strip()]
    if not tokens:
        return ["no licence class"]
    return [f"class {t} is not valid for {era}" for t in tokens if t not in vocab]


_FEMALE = frozenset({"NU", "FEMALE", "F"})
_MALE = frozenset({"NAM", "MALE", "M"})


def parse_sex(raw: str) -> str | None:
    """'Nam' or 'Nữ' from ``Nam``/``NỮ``/``Nu``/``Male``/``F``...; None if absent or both."""
    words = set(fold(raw).split())
    female, male = bool(words & _FEMALE), bool(words & _MALE)
    if female == male:
        return None
    return "Nữ" if female else "Nam"


def parse_phone(raw: str) -> str | None:
    """Phone number as digits: ``+84``/``84`` become ``0``.

    Accepted: 10 digits starting with 0 (mobile), and 11 digits starting with
    ``02`` (landline with area code) or ``01`` (pre-2018 mobile).
    """
    text = re.sub(r"[()]", " ", raw)
    text = clean_text(re.sub(r"\+\s*84|\b0084", "0", text))
    for digits in _numbers(text, (11, 10)):
        if digits.startswith("84") and len(digits) == 11:
            digits = "0" + digits[2:]
        if re.fullmatch(r"0[1-9]\d{8}|0[12]\d{9}", digits):
            return digits
    return None


def _value_runs(raw: str) -> list[str]:
    """Numeric runs not glued to a preceding letter (``cm3`` is not a 3)."""
    text = clean_text(raw)
    return [run for start, run in digit_runs(text) if not (start and text[start - 1].isalpha())]


#: A number read in pieces ("2 0 2 2", "20 15": digits in printed boxes, or a short value
#: alone in a wide strip, which Tesseract spaces out).
_SPACED_DIGITS = re.compile(r"\d+(?: \d+)+")


def _unspaced(raw: str) -> str:
    """``raw`` without the spaces between its digits when it is only digit groups."""
    text = raw.strip()
    return text.replace(" ", "") if _SPACED_DIGITS.fullmatch(text) else raw


def parse_year(raw: str, lo: int = 1950, hi: int = 2100) -> str | None:
    """First four-digit year in ``lo..hi`` (OCR digit confusions tolerated)."""
    for run in _value_runs(_unspaced(raw)):
        digits = digits_only(run)
        if len(digits) == 4 and lo <= int(digits) <= hi:
            return digits
    return None


def _int_value(text: str) -> int | None:
    digits = "".join(c if c in ".," else digits_only(c) for c in text)
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits):
        return int(re.sub(r"[.,]", "", digits))
    if re.fullmatch(r"\d+(?:[.,]\d{1,2})?", digits):
        return int(float(digits.replace(",", ".")) + 0.5)
    return None


def parse_int_field(raw: str, lo: int, hi: int) -> str | None:
    """Decimal integer for cc, seats, masses: first number in ``lo..hi``.

    Tolerates units (``cm3``, ``chỗ``, ``kg``), dots or commas as thousands
    separators (``1.498``) and a one- or two-digit decimal part, rounded half
    up (``124,9`` → ``125``).
    """
    text = _unspaced(clean_text(raw))
    for m in re.finditer(r"[^\s]+", text):
        for start, run in digit_runs(m.group(0), separators=".,"):
            if start and m.group(0)[start - 1].isalpha():
                continue
            value = _int_value(run)
            if value is not None and lo <= value <= hi:
                return str(value)
    return None


_BIRTH_FIELDS = frozenset({"date_of_birth", "birth_date", "dob"})
_PAST_FIELDS = frozenset(
    {"issue_date", "registration_date", "declaration_date", "first_registration_date"}
)
_EARLIEST_ISSUE = date(1950, 1, 1)


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def date_problems(field: str, iso: str, *, today: date | None = None) -> list[str]:
    """Plausibility of a canonical date value for the named field.

    ``date_of_birth``: 1900-01-01 .. 14 years before today. Issue-type fields
    (``issue_date``, ``registration_date``, ``declaration_date``): 1950-01-01 ..
    today. ``expiry_date``: ``'Không thời hạn'`` or any date from 1950. Other
    fields: only that the value is a real ISO date.
    """
    today = today or date.today()
    if field == "expiry_date" and iso == "Không thời hạn":
        return []
    try:
        value = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return [f"{field}: {iso!r} is not a YYYY-MM-DD date"]
    problems = []
    if field in _BIRTH_FIELDS:
        if value.year < 1900:
            problems.append(f"{field}: {iso} is before 1900")
        if value > _years_before(today, 14):
            problems.append(f"{field}: {iso} makes the holder younger than 14")
    elif field in _PAST_FIELDS:
        if value > today:
            problems.append(f"{field}: {iso} is in the future")
        if value < _EARLIEST_ISSUE:
            problems.append(f"{field}: {iso} is before 1950")
    elif field == "expiry_date" and value < _EARLIEST_ISSUE:
        problems.append(f"{field}: {iso} is before 1950")
    return problems


SERVICE_LIFE_YEARS: dict[str, int | None] = {
    "truck": 25,
    "passenger": 20,
    "exempt": None,
    "unknown": None,
}

_EXEMPT_TYPES = re.compile(r"\b(?:CHUYEN DUNG|RO MOOC|CUU THUONG|CUU HOA|MAY KEO)\b")
_TRUCK_TYPES = re.compile(r"\b(?:TAI|CHO HANG|DAU KEO|BAN TAI|PICK ?UP|BEN|TRUCK|VAN)\b")
_BUS_TYPES = re.compile(r"\b(?:KHACH|BUYT|BUS|COACH)\b")
_SMALL_CAR_TYPES = re.compile(r"\b(?:XE CON|O ?TO CON|DU LICH)\b")
_MAX_EXEMPT_SEATS = 9  # including the driver (= 8 excluding the driver)


def service_life_category(vehicle_type_text: str, seats: int | None) -> str:
    """Service-life category (DOMAIN §7) from ``Loại xe`` text and ``Số chỗ ngồi``.

    ``seats`` is the printed seat count, taken as including the driver. Mapping:

    - mô tô / xe máy / gắn máy → ``'exempt'``;
    - special-purpose (chuyên dùng, cứu thương, cứu hỏa), trailers and
      semi-trailers (rơ moóc), tractors → ``'exempt'``;
    - trucks (tải, chở hàng, bán tải/pickup, đầu kéo, ben, van) → ``'truck'``;
    - buses (khách, buýt) → ``'passenger'``, unless seats ≤ 9;
    - passenger cars (ô tô con, du lịch, chở người, or any car with a seat
      count) → ``'exempt'`` when seats ≤ 9 (≤ 8 excluding the driver),
      ``'passenger'`` above that; ô tô con without a seat count → ``'exempt'``;
    - anything else → ``'unknown'``.

    Military/police vehicles are also exempt but cannot be told from this text.
    """
    key = fold(vehicle_type_text)
    if vehicle_kind(vehicle_type_text) == "motorbike":
        return "exempt"
    if _EXEMPT_TYPES.search(key):
        return "exempt"
    if _TRUCK_TYPES.search(key):
        return "truck"
    if seats is not None:
        return "exempt" if seats <= _MAX_EXEMPT_SEATS else "passenger"
    if _BUS_TYPES.search(key):
        return "passenger"
    if _SMALL_CAR_TYPES.search(key):
        return "exempt"
    return "unknown"


def service_life_end_year(manufacture_year: int, category: str) -> int | None:
    """Last year of service (to 31 December): +25 trucks, +20 passenger, None if exempt.

    A vehicle is past its service life from 1 January of the following year.
    """
    if category not in SERVICE_LIFE_YEARS:
        raise ValueError(f"unknown service-life category {category!r}")
    limit = SERVICE_LIFE_YEARS[category]
    return None if limit is None else manufacture_year + limit
