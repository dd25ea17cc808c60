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

from extract.gazetteer import is_listed_unit
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


def _closest(read: str, names: Sequence[str]) -> str | None:
    """The one listed name ``read`` is close to, if any: the most alike in letters
    (:data:`CLOSE`), every other name at least :data:`MARGIN` less alike, unless it is
    alike in letters and less in marks ("Thái Thụy" and "Thái Thủy")."""
    key = fold(read)
    if not key or not names:
        return None
    scored = sorted(
        ((ratio(key, fold(n)), ratio(marked_key(read), marked_key(n)), n) for n in set(names)),
        reverse=True,
    )
    (letters, marks, name), rivals = scored[0], scored[1:]
    if letters < CLOSE:
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
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 2 or not all(parts):
        return value
    before, after = _tree()
    province = _closest(_bare(parts[-1]), [*before, *after])
    if province is None:
        return value
    names: list[str | None] = [None] * len(parts)
    names[-1] = province
    if len(parts) >= 3 and province in before:
        district = _closest(_bare(parts[-2]), list(before[province]))
        names[-2] = district
        if district is not None:
            names[-3] = _closest(_bare(parts[-3]), before[province][district])
    elif len(parts) == 2 and province in after:
        names[0] = _closest(_bare(parts[0]), after[province])
    # A part that is a listed name as read stays: the unit may have been merged or
    # renamed since the card was printed, and the list only knows its new place.
    out = [
        part
        if name is None or marked_key(_bare(part)) == marked_key(name) or is_listed_unit(part)
        else _written(part, name)
        for part, name in zip(parts, names, strict=True)
    ]
    return ", ".join(out)
