"""Reference rows converted without the general text cleaning, where it would only compose.

``importer.registry_row`` / ``population_row`` run ``clean_text`` on every value and the key
functions on the cleaned values (~35 µs a row on the 2-core machine, most of an import).
Most rows of an export are *plain*: after NFC and the Ð → Đ look-alike replacement every
value holds only printable ASCII (no backslash) and the letters of ``LETTERS`` (an ASCII
letter with a Vietnamese vowel modifier and/or tone mark, đ, Đ), single spaces between words
and none at the ends, no ``ư``/``ơ`` pair that ``clean_text`` would repair, integers as plain
digits and dates in the export's ISO form. For such a value ``clean_text`` is exactly that
NFC + replacement (a modifier written after a tone mark never composes, so such a value is
not plain, and the mark reordering has nothing to do), so the stored value needs no more
work and the keys only the steps that act on letters and digits. Every other row goes
through ``registry_row`` / ``population_row``; ``tests/test_import_plain.py`` checks that
both give the same fields.

Fields come back as ``COPY`` text (``\\N`` for NULL) in ``REGISTRY_TABLE`` /
``POPULATION_TABLE`` column order.
"""

from __future__ import annotations

import bisect
import itertools
import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from crosscheck.keys import _ENGINE_SEPARATORS, _NOT_ALNUM, _NOT_ID, _PLATE_CHARS
from extract.normalize import (
    _CHAR_FIXES,
    _LEADING_RANK,
    _MODIFIERS,
    _TONES,
    _TRAILING_RANK,
    _TRAILING_YEAR,
    _split_tone,
    fold,
    strip_ranks,
)
from extract.validators import parse_sex


def _is_letter(c: str) -> bool:
    """A precomposed NFC letter: an ASCII letter with one or two Vietnamese marks (at most
    one vowel modifier and one tone mark)."""
    if unicodedata.normalize("NFC", c) != c:
        return False
    nfd = unicodedata.normalize("NFD", c)
    marks = nfd[1:]
    return (
        nfd[0].isascii()
        and nfd[0].isalpha()
        and 1 <= len(marks) <= 2
        and all(m in _MODIFIERS or m in _TONES for m in marks)
        and sum(m in _MODIFIERS for m in marks) <= 1
        and sum(m in _TONES for m in marks) <= 1
    )


LETTERS = "".join(c for c in map(chr, range(0x80, 0x1F00)) if _is_letter(c)) + "đĐ"
# Look-alikes clean_text replaces by a letter (Ð → Đ...); its deletions are not plain.
_FIX_LETTERS = {k: v for k, v in _CHAR_FIXES.items() if v}
FIXES = "".join(map(chr, _FIX_LETTERS))  # "ÐðƉɖ" (checked by the tests)
# Printable ASCII but space and backslash, and LETTERS: the characters of a plain word.
_CHARS = "!-\\[\\]-~" + LETTERS
# A row's values joined with backslashes (which plain values do not hold).
_PLAIN_ROW = re.compile(f"[{_CHARS} \\\\]*")


def _family(bases: str, toned: bool | None = None) -> str:
    """u/ư/o/ơ (as ``bases`` says) in both cases, with any tone (or only with one)."""
    out = []
    for c in "uUoO" + LETTERS:
        base, tone = _split_tone(c)
        if base in bases and (toned is None or bool(tone) == toned):
            out.append(c)
    return "".join(out)


# Pairs normalize._fix_uo_cluster may rewrite (a superset: such rows take the general path):
# ư+o, u+ơ, toned ư+ơ in any case and tone. One leading class lets the search skip ahead.
_U, _UH, _UH_TONED = _family("uU"), _family("ưƯ"), _family("ưƯ", toned=True)
_O, _OH = _family("oO"), _family("ơƠ")
_UO_PAIRS = re.compile(
    f"[{_U}{_UH}](?:(?<=[{_UH}])[{_O}]|(?<=[{_U}])[{_OH}]|(?<=[{_UH_TONED}])[{_OH}])"
)
# normalize.fold of a plain value, letter by letter (one ASCII letter or digit each).
_FOLD = str.maketrans(
    {c: fold(c) for c in LETTERS} | {c: c.upper() for c in string.ascii_lowercase}
)
_NOT_FOLDED = re.compile(r"[^A-Z0-9]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Year, seats, cc: empty, or digits as str(int()) writes them, well inside ``integer``.
_INTS = re.compile(r"(?:[1-9][0-9]{0,8}|0)?,(?:[1-9][0-9]{0,8}|0)?,(?:[1-9][0-9]{0,8}|0)?")
_SEX = {"Nam": "Nam", "Nữ": "Nữ", "": None}
NULL = "\\N"

REGISTRY_TABLE = (
    "registry_id", "plate_number", "plate_key", "chassis_number", "chassis_key",
    "engine_number", "engine_key", "brand", "model_code", "vehicle_type", "color",
    "manufacture_year", "seats", "engine_capacity_cc", "owner_name", "owner_id_number",
    "owner_id_key", "owner_address", "registration_date", "status",
)  # fmt: skip
POPULATION_TABLE = (
    "id_number", "full_name", "name_key", "date_of_birth", "sex", "place_of_residence",
)  # fmt: skip


def _badly_spaced(joined: str, sep: str) -> bool:
    """Two spaces in a row, or a space at either end of a value (values joined by
    ``sep``): ``clean_text`` would change them."""
    return (
        "  " in joined
        or " " + sep in joined
        or sep + " " in joined
        or joined[:1] == " "
        or joined[-1:] == " "
    )


def plain_values(values: Sequence[str]) -> Sequence[str] | None:
    """The values as ``clean_text`` returns them, when it only composes them (NFC) and
    replaces Ð look-alikes; None when it would change more (see the module docstring)."""
    joined = "\\".join(values)
    if joined.count("\\") != len(values) - 1:
        return None
    changed = False
    if not joined.isascii():
        composed = unicodedata.normalize("NFC", joined)  # the same object when already NFC
        if composed is not joined:
            joined, changed = composed, True
        if "Ð" in joined or "ð" in joined or "Ɖ" in joined or "ɖ" in joined:  # FIXES
            joined, changed = joined.translate(_FIX_LETTERS), True
    if _badly_spaced(joined, "\\"):
        return None
    if joined.isascii():
        if not joined.isprintable():
            return None
    elif _PLAIN_ROW.fullmatch(joined) is None or _UO_PAIRS.search(joined) is not None:
        return None
    return joined.split("\\") if changed else values


def _date(v: str) -> str | None:
    """The export's ISO date as ``importer._date`` reads it (PostgreSQL reads the text the
    same way); None when it needs ``parse_date``."""
    if not v:
        return NULL
    if _ISO_DATE.fullmatch(v) and 1900 <= int(v[:4]) <= 2100:
        try:
            date.fromisoformat(v)
        except ValueError:
            return None
        return v
    return None


# The keys of plain values. Most are ASCII letters and digits once upper-cased and rid of
# their separators; the regular expression runs only on the others.


def _plate_key(v: str) -> str:
    s = v.upper().replace("-", "").replace(".", "").replace(" ", "")
    if s.isalnum() and s.isascii():
        return s
    return _PLATE_CHARS.sub("", s) or NULL


def _chassis_key(v: str) -> str:
    s = v.upper().replace(" ", "").strip(":.,;_")
    s = s.replace("-", "").replace(".", "").replace("_", "").replace("/", "")
    if s.isalnum() and s.isascii():
        return s.replace("I", "1").replace("O", "0").replace("Q", "0") if len(s) == 17 else s
    return _NOT_ALNUM.sub("", s) or NULL


def _engine_key(v: str) -> str:
    if "," not in v and ";" not in v:
        s = v.upper().replace("-", "").replace(" ", "")
        if s.isalnum() and s.isascii():
            return s
        return _NOT_ALNUM.sub("", s) or NULL
    pieces = (_NOT_ALNUM.sub("", x.upper()) for x in _ENGINE_SEPARATORS.split(v))
    parts = sorted(p for p in pieces if p)
    return ";".join(parts) or NULL


def _id_key(v: str) -> str:
    if v.isdigit() and v.isascii():
        return v
    return _NOT_ID.sub("", v).strip("-") or NULL


def _name_key(v: str) -> str:
    if not v:
        return NULL
    return strip_ranks(_NOT_FOLDED.sub(" ", v.translate(_FOLD)).strip()) or NULL


def registry_fields(v: Sequence[str]) -> list[str] | None:
    """COPY fields of a plain registry row (``importer.REGISTRY_COLUMNS`` order in ``v``),
    in ``REGISTRY_TABLE`` order; None when the row needs the general path. Raises
    ``ValueError`` without a registry_id."""
    clean = plain_values(v)
    if clean is None:
        return None
    (rid, plate, chassis, engine, brand, model, vtype, color, year, seats, cc, owner, owner_id,
     address, registered, status) = clean  # fmt: skip
    day = _date(registered)
    if day is None or _INTS.fullmatch(f"{year},{seats},{cc}") is None:
        return None
    if not rid:
        raise ValueError("no registry_id")
    n = NULL
    return [
        rid, plate or n, _plate_key(plate), chassis or n, _chassis_key(chassis),
        engine or n, _engine_key(engine), brand or n, model or n, vtype or n, color or n,
        year or n, seats or n, cc or n, owner or n, owner_id or n, _id_key(owner_id),
        address or n, day, status or n,
    ]  # fmt: skip


def population_fields(v: Sequence[str]) -> list[str] | None:
    """COPY fields of a plain population row (``importer.POPULATION_COLUMNS`` order), in
    ``POPULATION_TABLE`` order; None for the general path. Raises ``ValueError`` without an
    ID number."""
    clean = plain_values(v)
    if clean is None:
        return None
    number, name, born, sex, residence = clean
    day = _date(born)
    if day is None:
        return None
    key = _id_key(number)
    if key == NULL:
        raise ValueError("no id_number")
    parsed = _SEX[sex] if sex in _SEX else parse_sex(sex)
    return [key, name or NULL, _name_key(name), day, parsed or NULL, residence or NULL]


def copy_field(value: Any) -> str:
    """One value of a converted row as a COPY text field."""
    if value is None:
        return NULL
    if isinstance(value, date):
        return value.isoformat()
    s = str(value)
    if "\\" in s or "\t" in s or "\n" in s or "\r" in s:
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s


# Blocks of rows at once. A row's conversion above costs ~20 µs, mostly the interpreter
# stepping through a dozen small calls per value; on a block the same steps run once per
# column over the column's values joined by SEP (``str`` methods and regular expressions in
# C), and only the few values the column-wide check does not clear take the per-value
# functions. ``registry_block`` / ``population_block`` give exactly the lines that
# ``registry_fields`` / ``population_fields`` give row by row, or None when any row of the
# block needs the general path (the caller then converts that block row by row).

SEP = "\x1f"  # not printable, so never inside a plain value
_PLAIN_BLOCK = re.compile(f"[{_CHARS} \x1f]*")
_INT = "(?:[1-9][0-9]{0,8}|0)?"
_INTS_BLOCK = re.compile(f"{_INT}(?:\x1f{_INT})*")
_DAY = "(?:(?:19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2})?"
_DATES_BLOCK = re.compile(f"{_DAY}(?:\x1f{_DAY})*")
_VIN_LOOKALIKES = str.maketrans("IOQ", "100")
_NOT_FOLDED_BLOCK = re.compile("[^A-Z0-9\x1f]+")
# Names strip_ranks would change: any of its three patterns matches (one name per line).
_RANK_OR_YEAR = re.compile(
    "|".join(p.pattern for p in (_LEADING_RANK, _TRAILING_RANK, _TRAILING_YEAR)), re.MULTILINE
)


def plain_block(values: Sequence[str]) -> list[str] | None:
    """``plain_values`` of many values at once (one column of a block of rows): all of
    them as ``clean_text`` returns them, or None when any one is not plain."""
    joined = SEP.join(values)
    if not joined.isascii():
        joined = unicodedata.normalize("NFC", joined)  # SEP composes with nothing
        for look_alike, letter in _FIX_LETTERS.items():
            joined = joined.replace(chr(look_alike), letter)
    if _badly_spaced(joined, SEP):
        return None
    if joined.isascii():  # printable but backslash: as _PLAIN_BLOCK, faster
        if "\\" in joined or not joined.replace(SEP, " ").isprintable():
            return None
    elif _PLAIN_BLOCK.fullmatch(joined) is None or _UO_PAIRS.search(joined) is not None:
        return None
    out = joined.split(SEP)
    return out if len(out) == len(values) else None  # a value held SEP itself


def _or_null(values: Sequence[str]) -> Sequence[str]:
    return [v or NULL for v in values] if "" in values else values


def _dates(values: Sequence[str]) -> Sequence[str] | None:
    """``_date`` of every value, or None when any one needs ``parse_date``."""
    if _DATES_BLOCK.fullmatch(SEP.join(values)) is None:
        return None
    try:
        for _ in map(date.fromisoformat, filter(None, values)):
            pass
    except ValueError:
        return None
    return _or_null(values)


def _keys(values: Sequence[str], stepped: str, one: Callable[[str], str]) -> Sequence[str]:
    """The keys of a column: ``stepped`` is its values joined by SEP after the steps of
    the key function ``one`` that act on every value (upper case, separators removed); a
    value that comes out ASCII letters and digits is its key, the others take ``one``."""
    bare = stepped.replace(SEP, "")
    keys = stepped.split(SEP)
    if bare.isascii() and (bare.isalnum() or not bare):
        return _or_null(keys)
    return [k if k.isascii() and k.isalnum() else one(v) for k, v in zip(keys, values, strict=True)]


def _plate_keys(values: Sequence[str]) -> Sequence[str]:
    s = SEP.join(values).upper().replace("-", "").replace(".", "").replace(" ", "")
    return _keys(values, s, _plate_key)


def _chassis_keys(values: Sequence[str]) -> Sequence[str]:
    """Where a value's key is ASCII letters and digits, strip(":.,;_") had nothing to strip
    that the replacements do not remove."""
    s = SEP.join(values).upper().replace(" ", "").replace("-", "").replace(".", "")
    s = s.replace("_", "").replace("/", "")
    bare = s.replace(SEP, "")
    if not (bare.isascii() and (bare.isalnum() or not bare)):
        return list(map(_chassis_key, values))
    keys = s.split(SEP)
    vins = s.translate(_VIN_LOOKALIKES).split(SEP)
    return [vin if len(k) == 17 else k or NULL for k, vin in zip(keys, vins, strict=True)]


def _engine_keys(values: Sequence[str]) -> Sequence[str]:
    """A value with ',' or ';' keeps them here, so it takes ``_engine_key``."""
    return _keys(values, SEP.join(values).upper().replace("-", "").replace(" ", ""), _engine_key)


def _id_keys(values: Sequence[str]) -> Sequence[str]:
    joined = SEP.join(values)
    bare = joined.replace(SEP, "")
    if bare.isascii() and (bare.isdigit() or not bare):
        return _or_null(values)
    return list(map(_id_key, values))


def _name_keys(values: Sequence[str]) -> Sequence[str]:
    folded = _NOT_FOLDED_BLOCK.sub(" ", SEP.join(values).translate(_FOLD))
    keys = [k.strip() for k in folded.split(SEP)]
    lines = "\n".join(keys)
    if _RANK_OR_YEAR.search(lines) is not None:
        starts = list(itertools.accumulate((len(k) + 1 for k in keys), initial=0))
        for m in _RANK_OR_YEAR.finditer(lines):
            i = bisect.bisect_right(starts, m.start()) - 1
            keys[i] = strip_ranks(keys[i])
    return _or_null(keys)


def _columns(rows: Sequence[Sequence[str]], width: int) -> list[list[str]] | None:
    """The columns of a block of rows, each as ``plain_block`` gives it; None when a row is
    not ``width`` long or a value is not plain."""
    if set(map(len, rows)) != {width}:
        return None
    columns = []
    for values in zip(*rows, strict=True):
        column = plain_block(values)
        if column is None:
            return None
        columns.append(column)
    return columns


def _lines(columns: list[Sequence[str]], tail: str) -> str:
    """The COPY text of the rows whose fields ``columns`` hold, each line ending in
    ``tail``."""
    return "".join(map("\t".join, zip(*columns, itertools.repeat(tail[1:]))))


def registry_block(rows: Sequence[Sequence[str]], tail: str) -> tuple[Sequence[str], str] | None:
    """(registry_id of every row, COPY text) of a block of rows of 16 values
    (``importer.REGISTRY_COLUMNS`` order): each line is ``registry_fields`` of the row
    joined by tabs, then ``tail`` (the other table columns and the newline, after a tab).
    None when any row of the block is not plain or has no registry_id."""
    columns = _columns(rows, 16)
    if columns is None:
        return None
    (rid, plate, chassis, engine, brand, model, vtype, color, year, seats, cc, owner, owner_id,
     address, registered, status) = columns  # fmt: skip
    day = _dates(registered)
    if day is None or "" in rid:
        return None
    for column in (year, seats, cc):
        if _INTS_BLOCK.fullmatch(SEP.join(column)) is None:
            return None
    fields = [
        rid, _or_null(plate), _plate_keys(plate), _or_null(chassis), _chassis_keys(chassis),
        _or_null(engine), _engine_keys(engine), _or_null(brand), _or_null(model),
        _or_null(vtype), _or_null(color), _or_null(year), _or_null(seats), _or_null(cc),
        _or_null(owner), _or_null(owner_id), _id_keys(owner_id), _or_null(address), day,
        _or_null(status),
    ]  # fmt: skip
    return rid, _lines(fields, tail)


def population_block(rows: Sequence[Sequence[str]], tail: str) -> tuple[Sequence[str], str] | None:
    """``registry_block`` for population rows (``importer.POPULATION_COLUMNS`` order): the
    key is the ID number's key; None when a row is not plain or has no ID number."""
    columns = _columns(rows, 5)
    if columns is None:
        return None
    number, name, born, sex, residence = columns
    keys = _id_keys(number)
    day = _dates(born)
    if day is None or NULL in keys:
        return None
    sexes = [(_SEX[s] if s in _SEX else parse_sex(s)) or NULL for s in sex]
    fields = [keys, _or_null(name), _name_keys(name), day, sexes, _or_null(residence)]
    return keys, _lines(fields, tail)
