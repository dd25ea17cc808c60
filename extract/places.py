"""Places of origin (quê quán) set right from the hierarchy of administrative units.

A citizen ID prints the holder's place of origin as commune, district, province ("Xuân
Huy, Lâm Thao, Phú Thọ"; after the 2025 reform commune, province). Each part is a name
from a closed list, and each list is short once the part after it is known: a province
has a few dozen districts, a district a few dozen communes (``data/admin_tree.json``,
built by ``scripts/build_gazetteer.py`` from the General Statistics Office lists). A part
that OCR misread ("Lệm Thao", "Hả: Háu", "Thai Thụy") is the one name of its list that it
is close to, where the list has one such name. Parts that are listed names as read stay as
read (the paper's spelling: a commune since merged is listed, but not under its old
district), as does any part whose list has no single close name.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Sequence
from importlib import resources
from typing import Any

from rapidfuzz.fuzz import ratio

from extract.gazetteer import district_names, is_listed_unit
from extract.normalize import fold, marked_key

#: Unit words before a name, longest first.
_UNIT_WORDS = (
    "Thành phố", "Thị trấn", "Thị xã", "Tỉnh", "Quận", "Huyện", "Phường", "Xã",
)  # fmt: skip
_UNIT = re.compile(
    r"^(" + "|".join(_UNIT_WORDS) + r"|TP\.?|TX\.?|TT\.?|[PQHXT]\.)\s*", re.IGNORECASE
)
#: How alike (``rapidfuzz.fuzz.ratio`` of the folded names, 0-100) a misread part and a
#: listed name must be...
CLOSE = 75.0
#: ...and how much less alike the next listed name must be.
MARGIN = 10.0
#: A province is inferred from the district and commune before it only where both are
#: this alike to listed names: a part cut short ("Thuận" of "Thuận Thành") is 75 % alike
#: to names of other provinces' districts.
COMPLETE = 90.0


def _bare(name: str) -> str:
    m = _UNIT.match(name)
    return name[m.end() :] if m else name


@functools.cache
def _tree() -> tuple[dict[str, dict[str, list[str]]], dict[str, list[str]]]:
    """Bare names: province -> district -> communes before the reform, province ->
    communes after it."""
    raw: dict[str, Any] = json.loads(
        resources.files("extract").joinpath("data/admin_tree.json").read_text("utf-8")
    )
    before = {
        _bare(p): {_bare(d): [_bare(w) for w in wards] for d, wards in districts.items()}
        for p, districts in raw["before_2025"].items()
    }
    after = {_bare(p): [_bare(c) for c in communes] for p, communes in raw["after_2025"].items()}
    return before, after


@functools.lru_cache(maxsize=4096)
def _keys(names: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """Each distinct name with its folded and marked keys (lists are compared often)."""
    return tuple((n, fold(n), marked_key(n)) for n in dict.fromkeys(names))


def _closest(read: str, names: Sequence[str], close: float = CLOSE) -> str | None:
    """The one listed name ``read`` is close to, if any: the most alike in letters
    (``close``, :data:`CLOSE` unless given), every other name at least :data:`MARGIN`
    less alike, unless it is alike in letters and less in marks ("Thái Thụy" and "Thái
    Thủy")."""
    key = fold(read)
    if not key or not names:
        return None
    marked = marked_key(read)
    scored = sorted(
        ((ratio(key, k), ratio(marked, m), n) for n, k, m in _keys(tuple(names))),
        reverse=True,
    )
    (letters, marks, name), rivals = scored[0], scored[1:]
    if letters < close:
        return None
    for other_letters, other_marks, _ in rivals:
        if other_letters <= letters - MARGIN:
            break
        if other_letters < letters or other_marks >= marks:
            return None
    return name


def _written(part: str, name: str) -> str:
    """``name`` in place of the name in ``part``: the part's unit word and case kept."""
    m = _UNIT.match(part)
    head = part[: m.end()] if m else ""
    return head + (name.upper() if part[len(head) :].isupper() else name)


def repair_origin(value: str) -> str:
    """``value`` with its misread parts replaced by the names the hierarchy gives them."""
    text = unicodedata.normalize("NFC", value)
    parts = _province_apart([p.strip() for p in text.split(",")])
    if len(parts) < 2 or not all(parts):
        return value
    before, after = _tree()
    province = _closest(_bare(parts[-1]), [*before, *after])
    if province is None:
        completed = _with_province(parts)
        return value if completed is None else repair_origin(completed)
    names: list[str | None] = [None] * len(parts)
    names[-1] = province
    if len(parts) >= 3 and province in before:
        district = _closest(_bare(parts[-2]), list(before[province]))
        names[-2] = district
        if district is not None:
            names[-3] = _closest(_bare(parts[-3]), before[province][district])
    elif len(parts) == 2 and province in after:
        names[0] = _closest(_bare(parts[0]), after[province])
    out = [
        part
        if name is None
        or _kept(_bare(part), name, district=len(parts) >= 3 and i == len(parts) - 2)
        else _written(part, name)
        for i, (part, name) in enumerate(zip(parts, names, strict=True))
    ]
    return ", ".join(out)


def _province_apart(parts: list[str]) -> list[str]:
    """The parts with a province run into the part before it set apart: the comma
    between them lost ("Mão Điền, Thuận Thành Bắc Ninh"). Only a province name read
    exactly (letters and marks) at the end of a last part with a name before it (not
    only a unit word: "Tỉnh Phú Thọ") is taken."""
    if len(parts) < 2:
        return parts
    before, after = _tree()
    words = parts[-1].split()
    for k in (3, 2):
        rest = " ".join(words[:-k])
        if _bare(rest) and " ".join(words[-k:]) in (*before, *after):
            return [*parts[:-1], rest, " ".join(words[-k:])]
    return parts


def _kept(read: str, name: str, district: bool = False) -> bool:
    """Whether a part read ``read`` stays as read where the hierarchy names it ``name``:
    when it is that name, or a listed name as read (the unit may have been merged or
    renamed since the card was printed, and the list only knows its new place), unless
    it has the letters of ``name`` with other marks: "Đông Thanh" (a commune of another
    district) under Thanh Ba is its "Đông Thành" with a mark misread, not a unit since
    moved. A ``district`` part stays only as a district's name: "Gia Lạc" under Hải
    Dương is a commune's name elsewhere, and its Gia Lộc misread."""
    if marked_key(read) == marked_key(name):
        return True
    if district and fold(read) not in district_names():
        return False
    return is_listed_unit(read) and fold(read) != fold(name)


def _with_province(parts: list[str]) -> str | None:
    """A place of origin whose province was lost ("Nam Hồng, Nam Trực") or read in part
    ("…, Nam Trực, Nam"), completed with the one province whose district and commune
    these are; None where no single province has them."""
    before, _ = _tree()
    if len(parts) == 2:
        commune, district, tail = parts[0], parts[1], None
    elif len(parts) == 3:
        commune, district, tail = parts[0], parts[1], parts[2]
    else:
        return None
    found = [
        p
        for p, districts in before.items()
        if (d := _closest(_bare(district), list(districts), COMPLETE)) is not None
        and _closest(_bare(commune), districts[d], COMPLETE) is not None
    ]
    if len(found) != 1:
        return None
    (province,) = found
    if tail is None:
        return ", ".join([*parts, province.upper() if district.isupper() else province])
    if len(fold(tail)) >= 3 and fold(province).startswith(fold(tail)):
        return ", ".join([commune, district, province.upper() if tail.isupper() else province])
    return None


#: How each unit word may be written before its name, besides itself and in lower case.
_SHORT = {
    "Thành phố": ("TP.", "TP"),
    "Tỉnh": ("T.",),
    "Quận": ("Q.",),
    "Huyện": ("H.",),
    "Thị xã": ("TX.", "TX"),
    "Phường": ("P.",),
    "Xã": ("X.",),
    "Thị trấn": ("TT.", "TT"),
}
#: A unit word read garbled ("ghận", "Thỉnh phố", "phiường") is at least this alike
#: (``ratio`` of the folded words) to the unit's own word, or the start of it ("Qu") ...
UNIT_WORD_CLOSE = 50.0
#: ... and none of the other words that may stand before a place's name (folded).
_OTHER_WORDS = frozenset(
    {"THON", "XOM", "TO", "AP", "KHU", "KHOI", "BAN", "LANG", "CUM", "DOI", "NGO", "NGACH"}
    | {"SO", "DUONG", "PHO", "KP", "TDP", "TO DAN PHO", "KHU PHO"}
)


#: Every unit word and abbreviation, folded.
_UNIT_KEYS = frozenset(fold(w) for unit, short in _SHORT.items() for w in (unit, *short))


def _unit_forms(unit: str) -> set[str]:
    """The ways ``unit``'s word is written before a name ("Quận", "Q."), folded."""
    return {fold(w) for w in (unit, *_SHORT.get(unit, ()))}


@functools.cache
def _units() -> tuple[
    dict[str, str],
    dict[str, dict[str, str]],
    dict[str, dict[str, dict[str, str]]],
    dict[str, dict[str, str]],
]:
    """Unit words by bare name: provinces; districts by province; communes by province
    and district before the reform; communes by province after it."""
    raw: dict[str, Any] = json.loads(
        resources.files("extract").joinpath("data/admin_tree.json").read_text("utf-8")
    )

    def word(name: str) -> str:
        m = _UNIT.match(name)
        return name[: m.end()].strip() if m else ""

    provinces = {_bare(p): word(p) for p in [*raw["before_2025"], *raw["after_2025"]]}
    districts = {_bare(p): {_bare(d): word(d) for d in ds} for p, ds in raw["before_2025"].items()}
    communes = {
        _bare(p): {_bare(d): {_bare(w): word(w) for w in ws} for d, ws in ds.items()}
        for p, ds in raw["before_2025"].items()
    }
    after = {_bare(p): {_bare(c): word(c) for c in cs} for p, cs in raw["after_2025"].items()}
    return provinces, districts, communes, after


def _unit_part(part: str, units: dict[str, str]) -> tuple[str, str] | None:
    """(repaired part, name) for a part that names one of ``units`` after its unit word
    (as printed, abbreviated, garbled or left out); None for any other part."""
    words = part.split()
    best: tuple[float, int, str] | None = None
    for k in range(min(2, len(words) - 1) + 1):
        rest = " ".join(words[k:])
        name = _closest(rest, list(units))
        if name is not None:
            score = ratio(fold(rest), fold(name))
            if best is None or score > best[0]:
                best = (score, k, name)
    if best is None:
        return None
    _, k, name = best
    head, rest = " ".join(words[:k]), " ".join(words[k:])
    unit = units[name]
    if head and head not in (unit, unit.lower(), *_SHORT.get(unit, ())):
        if not unit:
            return None
        key, own = fold(head), fold(unit)
        alike = ratio(key, own) >= UNIT_WORD_CLOSE or (len(key) >= 2 and own.startswith(key))
        if not alike or key in _OTHER_WORDS or key in _UNIT_KEYS - _unit_forms(unit):
            # Another word before the name ("Thôn", "ngõ"), or another unit's word ("Huyện
            # Từ Liêm", a district before 2013, is no ward named Từ Liêm): not this unit.
            return None
        head = unit.lower() if head[0].islower() else unit
    keep = _kept(rest, name)
    written = rest if keep else (name.upper() if rest.isupper() else name)
    return (f"{head} {written}" if head else written), name


def _unit_word(part: str) -> str | None:
    """The unit word or abbreviation that ``part`` begins with, as printed, else None."""
    m = _UNIT.match(part)
    return m.group(1) if m else None


def _in_style_of(word: str, unit: str) -> str:
    """``unit``'s word written as ``word`` (another unit's) is: abbreviated ("P." → "Q."),
    in small letters ("phường" → "quận") or capitalised ("Phường" → "Quận")."""
    if word.endswith("."):
        return _SHORT[unit][0]
    return unit.lower() if word[:1].islower() else unit


def _with_unit_word(
    ward: str, ward_unit: str, district: str, district_unit: str
) -> tuple[str, str]:
    """A ward and a district part of one address, the one printed without its unit
    word given it in the style of the other ("phường Thượng Cát, Bắc Từ Liêm" →
    "..., quận Bắc Từ Liêm"): an address writes its units all alike, and OCR lost the
    word (a seal, a fold)."""
    ward_word, district_word = _unit_word(ward), _unit_word(district)
    if ward_word and not district_word and district_unit in _SHORT:
        district = f"{_in_style_of(ward_word, district_unit)} {district}"
    elif district_word and not ward_word and ward_unit in _SHORT:
        ward = f"{_in_style_of(district_word, ward_unit)} {ward}"
    return ward, district


#: Unit abbreviations that are written with a full stop ("TP." besides "TP"), bare.
_BARE_SHORT = frozenset(w.rstrip(".") for short in _SHORT.values() for w in short if "." in w)


def _stops_joined(parts: list[str]) -> list[str]:
    """The parts with a unit's abbreviation parted from its name by a comma joined to it,
    the comma read for its full stop ("TP, Hà Nội" → "TP. Hà Nội")."""
    out: list[str] = []
    for part in parts:
        if out and out[-1] in _BARE_SHORT and part:
            out[-1] = f"{out[-1]}. {part}"
        else:
            out.append(part)
    return out


def _district_apart(parts: list[str]) -> list[str]:
    """The parts with a last part that holds a district and its province apart
    ("quận Tây Hồ. Hà Nội", the comma read as a full stop or lost) set apart: only
    where the words before the province name a district of it, after its unit word."""
    provinces, districts, _, _ = _units()
    words = parts[-1].split()
    for k in range(1, len(words) - 1):
        head, tail = " ".join(words[:k]), " ".join(words[k:])
        found = _unit_part(tail, provinces)
        if found is None or found[1] not in districts or not _unit_word(head):
            continue
        head = head.removesuffix(".") if not _UNIT.fullmatch(head) else head
        if _unit_part(head, districts[found[1]]) is not None:
            return [*parts[:-1], head, tail]
    return parts


def _cut_short(part: str, units: dict[str, str]) -> tuple[str, str] | None:
    """(repaired part, name) for a part that is one of ``units`` read cut short after its
    unit word ("quận Cầu" for "quận Cầu Giấy", where the ward before it is one of Cầu
    Giấy's): the start of the name of only one of them, three letters or more, with its
    marks, written under that unit's own word ("Xã Gia Lâm", a commune, is no huyện Gia
    Lâm cut short)."""
    m = _UNIT.match(part)
    if m is None:
        return None
    read = marked_key(part[m.end() :])
    if len(fold(part[m.end() :])) < 3:
        return None
    names = [n for n in units if marked_key(n).startswith(read) and len(marked_key(n)) > len(read)]
    if len(names) != 1:
        return None
    if fold(m.group(1)) not in _unit_forms(units[names[0]]):
        return None
    return _written(part, names[0]), names[0]


def repair_address(value: str) -> str:
    """``value`` (a residence address: house, street, then ward, district and province)
    with the unit parts at its end set right from the hierarchy, as
    :func:`repair_origin` does for places of origin; a garbled unit word before a
    listed name ("ghận Ba Đình", "Thỉnh phố Hà Nội") becomes the unit's own word, in
    the case the part shows. A comma read for an abbreviation's stop ("TP, Hà Nội"), a
    stop read for the comma before the province ("quận Tây Hồ. Hà Nội") and a district or
    a ward cut short (:func:`_cut_short`) are set right too. Parts before the units, and
    parts that name no listed unit closely, stay as read."""
    text = unicodedata.normalize("NFC", value)
    parts = _stops_joined([p.strip() for p in text.split(",")])
    if len(parts) < 2 or not all(parts):
        return value
    provinces, districts, communes, after = _units()
    found = _unit_part(parts[-1], provinces)
    if found is None:
        parts = _district_apart(parts)
        found = _unit_part(parts[-1], provinces)
    if found is None:
        return value
    parts[-1], province = found
    if len(parts) >= 3 and province in districts:
        district = _unit_part(parts[-2], districts[province])
        if district is None:
            # Two districts alike to the reading ("Thanh Tn": Thanh Trì, Thanh Xuân): the
            # ones whose communes hold the ward before it ("X. Tả Thanh Oai") decide.
            holding = {
                d: word
                for d, word in districts[province].items()
                if _unit_part(parts[-3], communes[province][d]) is not None
            }
            district = _unit_part(parts[-2], holding) if holding else None
            if district is None and holding:
                district = _cut_short(parts[-2], holding)
        if district is not None:
            parts[-2], name = district
            ward = _unit_part(parts[-3], communes[province][name])
            if ward is not None:
                parts[-3] = ward[0]
                ward_unit = communes[province][name][ward[1]]
                district_unit = districts[province][name]
                parts[-3], parts[-2] = _with_unit_word(
                    parts[-3], ward_unit, parts[-2], district_unit
                )
            return ", ".join(parts)
    if province in after:
        commune = _unit_part(parts[-2], after[province]) or _cut_short(parts[-2], after[province])
        if commune is not None:
            parts[-2] = commune[0]
    return ", ".join(parts)
