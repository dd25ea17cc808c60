"""The machine-readable zone of chip citizen ID cards: the card's facts a second time, with
check digits.

A chip CCCD prints on its back three 30-character lines in the ICAO 9303 TD1 layout
(DOMAIN.md §5.1, "MRZ starting IDVNM"): the document number (the last nine digits of the
personal number) with its check digit and the 12-digit personal number; the date of birth
(YYMMDD) with its check digit, the sex (M/F), the expiry (YYMMDD) with its check digit and
the nationality; the name in capitals without marks (not used: it has no marks to
confirm). Photocopies of a card in a dossier
show both sides on one page, and the MRZ's plain monospaced print survives damage that
makes the front's small labels unreadable.

A value is taken from the MRZ only where its check digit (ICAO 9303: weights 7, 3, 1, mod
10, which catches every single-character substitution) verifies it: the personal number
where the document number's check digit verifies the personal number's last nine digits
(the first three, a province code, are left to the CCCD validator). OCR's usual look-alikes in
digit positions (O/D/Q for 0, I/l for 1, S for 5, B for 8, Z for 2, G for 6) are read as
the digits they stand for before checking, and « as <.

Pure functions on OCR lines (:class:`ocr.model.Page`); ``extract.fields`` weighs the
values against the front's readings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz.distance import Levenshtein

from ocr.model import Box, Page

#: What OCR reads for a digit in a position that can only hold a digit.
_AS_DIGIT = str.maketrans("ODQIlJSBZGT|", "000111585271")
_WEIGHTS = (7, 3, 1)
_D = "[0-9ODQIlJSBZGT|]"
#: Line 2: birth YYMMDD + check, sex, expiry YYMMDD + check, nationality (VNM, one
#: letter of it misread at most).
_DATES = re.compile(f"({_D}{{6}})({_D})([MF])({_D}{{6}})({_D})(?:VN|V.M|.NM)")
#: Line 1 after "IDVNM" (often read as a word of its own): document number (9) + check +
#: personal number (12), then filler. The line's start is often lost (read as a word of its
#: own, or not at all: "74779" + check + the personal number), so the document number may
#: be read in part or not at all; its check digit is over the personal number's last nine
#: digits, and the digits read of it must end them.
_NUMBERS = re.compile(f"({_D}{{0,9}})({_D})({_D}{{12}})<")
#: A chip card's expiry is at most this many years after the birth (the card issued at 60
#: needs none; "991231" stands for none on some cards).
MAX_VALIDITY_YEARS = 100


@dataclass(frozen=True)
class Zone:
    """What the MRZ of one page says; each fact None where it is missing or fails its
    check digit. ``boxes``: where each fact was read (field name -> page, box)."""

    id_number: str | None = None
    date_of_birth: str | None = None  # ISO
    sex: str | None = None  # "Nam" / "Nữ"
    expiry_date: str | None = None  # ISO
    raw: dict[str, str] = field(default_factory=dict)
    boxes: dict[str, tuple[int, Box]] = field(default_factory=dict)


def check_digit(data: str) -> int:
    """ICAO 9303 check digit of ``data`` (digits, capitals A=10..Z=35, filler < = 0)."""
    total = 0
    for i, ch in enumerate(data):
        if ch.isdigit():
            v = int(ch)
        elif "A" <= ch <= "Z":
            v = ord(ch) - 55
        else:
            v = 0
        total += v * _WEIGHTS[i % 3]
    return total % 10


def _digits(text: str) -> str:
    return text.translate(_AS_DIGIT)


def _checked(text: str, check: str) -> str | None:
    """``text`` read as digits when ``check`` (read as a digit) verifies it."""
    digits, mark = _digits(text), _digits(check)
    if not digits.isdigit() or not mark.isdigit():
        return None
    return digits if check_digit(digits) == int(mark) else None


#: The document number read whole (nine digits) may differ from the personal number's
#: last nine in this many characters: a digit read as two ("302778519" read "3562778519",
#: the regex then takes its last nine "562778519"). The check digit has verified the
#: personal number's nine already (it catches every single substitution); the document
#: number, a second print of them, need only confirm that reading, not repeat it.
DOCUMENT_EDITS = 2


def _agrees(document: str, nine: str) -> bool:
    """The document number's digits as read confirm the personal number's last nine:
    those read of a number whose start was lost end them; one read whole is within
    :data:`DOCUMENT_EDITS` of them."""
    if nine.endswith(document):
        return True
    return len(document) == len(nine) and Levenshtein.distance(document, nine) <= DOCUMENT_EDITS


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("«", "<<").replace("‹", "<")


def _birth(yymmdd: str, century: int | None, today: date) -> date | None:
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    years = [century + yy] if century is not None else [2000 + yy, 1900 + yy]
    for year in years:
        try:
            born = date(year, mm, dd)
        except ValueError:
            return None
        if born <= today:
            return born
    return None


def _expiry(yymmdd: str, born: date | None) -> date | None:
    try:
        ends = date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return None
    if born is not None and (ends <= born or ends.year - born.year >= MAX_VALIDITY_YEARS):
        return None
    if born is None and ends.year >= 2099:
        return None
    return ends


def _century(id_number: str | None) -> int | None:
    """The birth century coded in a CCCD number's fourth digit (DOMAIN.md §5.1)."""
    if id_number is None or len(id_number) != 12:
        return None
    return 1900 + 100 * (int(id_number[3]) // 2)


def read(pages: Iterable[Page], today: date | None = None) -> Zone:
    """The MRZ facts found on ``pages`` (the first verified reading of each)."""
    today = today or date.today()
    number: tuple[str, str, int, Box] | None = None
    dates: tuple[re.Match[str], int, Box] | None = None
    for page in pages:
        for line in page.lines:
            text = _squeezed(line.text)
            if number is None:
                for m in _NUMBERS.finditer(text):
                    personal = _digits(m.group(3))
                    document = _digits(m.group(1))
                    if _checked(personal[3:], m.group(2)) is not None and _agrees(
                        document, personal[3:]
                    ):
                        number = (personal, m.group(0), page.number, line.box)
                        break
            if dates is None:
                found = _DATES.search(text)
                if found is not None:
                    dates = (found, page.number, line.box)
    facts: dict[str, str] = {}
    raw: dict[str, str] = {}
    boxes: dict[str, tuple[int, Box]] = {}
    if number is not None:
        facts["id_number"] = number[0]
        raw["id_number"], boxes["id_number"] = number[1], (number[2], number[3])
    if dates is not None:
        m, page_no, box = dates
        birth_digits = _checked(m.group(1), m.group(2))
        expiry_digits = _checked(m.group(4), m.group(5))
        born = (
            _birth(birth_digits, _century(facts.get("id_number")), today) if birth_digits else None
        )
        if born is not None:
            facts["date_of_birth"] = born.isoformat()
        # the sex letter has no check digit of its own: one of the line's must verify
        if birth_digits or expiry_digits:
            facts["sex"] = {"M": "Nam", "F": "Nữ"}[m.group(3)]
        ends = _expiry(expiry_digits, born) if expiry_digits else None
        if ends is not None:
            facts["expiry_date"] = ends.isoformat()
        for f in ("date_of_birth", "sex", "expiry_date"):
            if f in facts:
                raw[f], boxes[f] = m.group(0), (page_no, box)
    return Zone(
        id_number=facts.get("id_number"),
        date_of_birth=facts.get("date_of_birth"),
        sex=facts.get("sex"),
        expiry_date=facts.get("expiry_date"),
        raw=raw,
        boxes=boxes,
    )
