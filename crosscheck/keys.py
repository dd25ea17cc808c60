"""Exact lookup keys and Vietnamese-aware comparisons (DOMAIN.md §3.3, §4, §5, §8).

Pure functions on plain strings. Keys are for matching only and are never shown
or stored as a field's value.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from extract.normalize import clean_text, fold, name_for_matching, tone_placement
from extract.validators import normalize_vin_like

_PLATE_CHARS = re.compile(r"[^0-9A-ZĐ]")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_ENGINE_SEPARATORS = re.compile(r"[;,\n]")
_NOT_ID = re.compile(r"[^0-9-]")
_NOT_DIGIT = re.compile(r"[^0-9]")
_CCCD = re.compile(r"\d{12}")
_CMND = re.compile(r"\d{9}")
_TAX = re.compile(r"\d{10}(?:-?\d{3})?")


def plate_key(raw: str | None) -> str | None:
    """Plate compacted to ``[0-9A-ZĐ]`` after NFC, uppercase and Ð→Đ.

    ``29-L7 439.89`` and ``29L7-43989`` both give ``29L743989``.

    Printed separators are ignored; digit-like letters are not guessed.
    """
    if not raw:
        return None
    key = _PLATE_CHARS.sub("", clean_text(raw).upper())
    return key or None


def chassis_key(raw: str | None) -> str | None:
    """Chassis number without spaces, hyphens, dots; VIN-like ones read I→1, O/Q→0."""
    if not raw:
        return None
    key = _NOT_ALNUM.sub("", normalize_vin_like(raw))
    return key or None


def engine_key(raw: str | None) -> str | None:
    """Engine number(s): each without spaces/hyphens, sorted, joined with ';'."""
    if not raw:
        return None
    pieces = (_NOT_ALNUM.sub("", clean_text(x).upper()) for x in _ENGINE_SEPARATORS.split(raw))
    parts = sorted(p for p in pieces if p)
    return ";".join(parts) or None


#: Characters that OCR reads one for the other in printed codes (a digit and the letter of
#: the same shape). Chassis keys already read I as 1 and O/Q as 0 (``chassis_key``).
CONFUSABLE: dict[str, str] = {
    "0": "DO",
    "D": "0",
    "O": "0",
    "1": "IL",
    "I": "1",
    "L": "1",
    "2": "Z",
    "Z": "2",
    "5": "S",
    "S": "5",
    "6": "G",
    "G": "6",
    "8": "B",
    "B": "8",
}
#: Shorter codes are not looked up within a confusable character: the chance that another
#: vehicle's number is that one character away grows as codes get shorter.
TOLERANT_MIN_LENGTH = 8


def confusable_variants(key: str | None) -> frozenset[str]:
    """The keys one confusable character away from ``key`` (``"…S…"`` for ``"…5…"``).

    An engine key (``;``-joined numbers) varies one character of one number, and the
    numbers are sorted again. Numbers shorter than :data:`TOLERANT_MIN_LENGTH` are not
    varied."""
    if not key:
        return frozenset()
    parts = key.split(";")
    out: set[str] = set()
    for i, part in enumerate(parts):
        if len(part) < TOLERANT_MIN_LENGTH:
            continue
        for j, c in enumerate(part):
            for alt in CONFUSABLE.get(c, ""):
                varied = [*parts[:i], part[:j] + alt + part[j + 1 :], *parts[i + 1 :]]
                out.add(";".join(sorted(varied)))
    out.discard(key)
    return frozenset(out)


def confusable_difference(paper: str | None, ref: str | None) -> str | None:
    """``"S for 5"`` when the two keys differ in one character only and the paper's is
    what OCR reads for the reference's; None otherwise."""
    if not paper or not ref or len(paper) != len(ref) or len(paper) < TOLERANT_MIN_LENGTH:
        return None
    diffs = [(a, b) for a, b in zip(paper, ref, strict=True) if a != b]
    if len(diffs) == 1 and diffs[0][0] in CONFUSABLE.get(diffs[0][1], ""):
        return f"{diffs[0][0]} for {diffs[0][1]}"
    return None


def id_key(raw: str | None) -> str | None:
    """An owner ID (CCCD, CMND or tax code): ASCII digits only (tax codes keep their '-')."""
    if not raw:
        return None
    key = _NOT_ID.sub("", clean_text(raw)).strip("-")
    return key or None


def id_kind(key: str | None) -> str | None:
    """'cccd' (12 digits), 'cmnd' (9 digits), 'tax' (10 or 13 digits, or 10-3), else None."""
    if not key:
        return None
    if _CCCD.fullmatch(key):
        return "cccd"
    if _CMND.fullmatch(key):
        return "cmnd"
    if _TAX.fullmatch(key):
        return "tax"
    return None


@functools.lru_cache(maxsize=1 << 16)
def name_key(raw: str | None) -> str | None:
    """Folded name without diacritics, ranks and a trailing birth year (matching key)."""
    if not raw:
        return None
    return name_for_matching(raw) or None


_WORD = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=1 << 16)
def fold_part(raw: str) -> str:
    """``fold`` for pieces that recur across documents (name words, address parts, makes,
    colours), computed once each."""
    return fold(raw)


@functools.lru_cache(maxsize=1 << 16)
def name_with_marks(raw: str) -> str:
    """The name's words with their diacritics (NFC, new-style tone placement, uppercase),
    with ranks and a trailing birth year removed like ``name_key``."""
    words = _WORD.findall(tone_placement(clean_text(raw)).upper())
    key = name_for_matching(raw).split()
    folded = [fold_part(w) for w in words]
    for i in range(len(words) - len(key) + 1):
        if folded[i : i + len(key)] == key:
            return " ".join(words[i : i + len(key)])
    return " ".join(words)


@dataclass(frozen=True)
class NameComparison:
    """How two names compare: ``same``, ``marks`` (only diacritics differ), ``close`` or
    ``different``."""

    outcome: str
    distance: int
    unmarked_side: str | None  # 'paper' | 'reference' when one side has no diacritics at all


NAME_CLOSE_DISTANCE = 2  # folded edit distance still treated as a probable typo


def compare_names(paper: str, reference: str) -> NameComparison:
    """Compare (a) exact NFC with tone placement unified, (b) without diacritics, (c) edit distance.

    A name is never corrected: anything but ``same`` becomes a finding.
    """
    a, b = name_with_marks(paper), name_with_marks(reference)
    if a == b:
        return NameComparison("same", 0, None)
    ka, kb = name_key(paper) or "", name_key(reference) or ""
    if ka == kb:
        unmarked = None
        if a.isascii() and not b.isascii():
            unmarked = "paper"
        elif b.isascii() and not a.isascii():
            unmarked = "reference"
        return NameComparison("marks", 0, unmarked)
    distance = Levenshtein.distance(ka, kb)
    outcome = "close" if distance <= NAME_CLOSE_DISTANCE else "different"
    return NameComparison(outcome, distance, None)


def text_key(raw: str | None) -> str:
    """Folded text without spaces or punctuation: for brand, model code, colour, type."""
    return fold_part(raw or "").replace(" ", "")


def text_distance(a: str | None, b: str | None) -> int:
    """Edit distance between the ``text_key`` forms of two values."""
    return int(Levenshtein.distance(text_key(a), text_key(b)))


def int_value(raw: str | int | None) -> int | None:
    """An integer field (year, seats, cc) from its canonical text; None if not a number."""
    if raw is None:
        return None
    if isinstance(raw, int):
        return raw
    digits = _NOT_DIGIT.sub("", raw)
    return int(digits) if digits else None
