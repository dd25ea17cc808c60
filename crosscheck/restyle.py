"""One address in the style another reading of it shows.

The documents of a dossier print the owner's address each in its own style: unit words
spelled out in lower case ("phường Kim Giang, quận Thanh Xuân, Hà Nội"), capitalised
("Phường Kim Giang, Quận Thanh Xuân, Thành phố Hà Nội") or abbreviated ("P. Kim Giang,
Q. Thanh Xuân, TP Hà Nội"). Where damage left one document's reading of the address
garbled but still showing its style, the address another document reads well can be given
in that style (:func:`restyle`); the content comes from the good reading, only the unit
words and the province's prefix from the garbled one. Pure functions on strings.
"""

from __future__ import annotations

import re

from rapidfuzz.fuzz import partial_ratio, ratio

#: Unit kinds and how each style writes them (DOMAIN.md §4).
_FORMS: dict[str, dict[str, str]] = {
    "phường": {"lower": "phường", "title": "Phường", "short": "P."},
    "xã": {"lower": "xã", "title": "Xã", "short": "X."},
    "thị trấn": {"lower": "thị trấn", "title": "Thị trấn", "short": "TT."},
    "quận": {"lower": "quận", "title": "Quận", "short": "Q."},
    "huyện": {"lower": "huyện", "title": "Huyện", "short": "H."},
    "thị xã": {"lower": "thị xã", "title": "Thị xã", "short": "TX."},
}
#: Each written form -> (unit kind, style).
_STYLE_OF: dict[str, tuple[str, str]] = {
    form: (kind, style) for kind, forms in _FORMS.items() for style, form in forms.items()
}
_UNIT = re.compile(
    "^(" + "|".join(re.escape(f) for f in sorted(_STYLE_OF, key=len, reverse=True)) + r")\s+(\S.*)$"
)
#: How alike (``rapidfuzz.fuzz.ratio``, 0-100) a unit's name in a garbled reading must be
#: to the name the good reading gives it.
NAME_AGREEMENT = 70.0
#: How a reading may write the province before its name; a prefix that begins another
#: ("TP " of "TP. ") comes after it.
_PREFIXES = ("Thành phố ", "TP. ", "TP ", "Tỉnh ", "tỉnh ")


def _unit(segment: str) -> tuple[str, str, str] | None:
    """(kind, style, name) of a segment that starts with a unit word as printed."""
    m = _UNIT.match(segment)
    if m is None:
        return None
    kind, style = _STYLE_OF[m.group(1)]
    return kind, style, m.group(2)


def _province(segment: str, name: str) -> str | None:
    """The prefix ``segment`` writes before the province ``name`` ("" for none), if the
    segment is that province, its prefix read intact and its name at most misread."""
    for prefix in _PREFIXES:
        if segment.startswith(prefix):
            rest = segment.removeprefix(prefix)
            return prefix if ratio(rest.casefold(), name.casefold()) >= NAME_AGREEMENT else None
    # No prefix read: the segment is the name alone, not a prefix misread before it.
    alone = len(segment) <= len(name) + 1
    return "" if alone and ratio(segment.casefold(), name.casefold()) >= NAME_AGREEMENT else None


def _split(address: str) -> list[str]:
    return [part.strip() for part in address.split(",")]


def _skips_a_unit(parts: list[str], like: str, read: set[str]) -> bool:
    """True when ``like`` reads a unit of the address after one it lacks altogether, unit
    word and name: "Phường Bồ Đề, TP. Hà Nội" beside "Phường Bồ Đề, Quận Long Biên, Thành
    phố Hà Nội" is the two-level address of the 2025 reform, not the other misread (a
    reading cut short loses the units at its end, not one between two it kept)."""
    units = [u for u in map(_unit, parts) if u is not None]
    seen_before = False
    for kind, _, name in units:
        if kind in read:
            seen_before = True
        elif seen_before and partial_ratio(name.casefold(), like.casefold()) < NAME_AGREEMENT:
            return True
    return False


def restyle(address: str, like: str) -> str | None:
    """``address`` with its unit words and province prefix written as ``like`` writes
    them, or None where ``like`` shows no single style (no unit word read intact, styles
    that disagree) or does not end in the same province read intact."""
    parts, model = _split(address), _split(like)
    units = [u for u in (_unit(p) for p in model) if u is not None]
    styles = {style for _, style, _ in units}
    if len(styles) != 1:
        return None
    named = {kind: name for kind, _, name in (u for u in map(_unit, parts) if u is not None)}
    for kind, _, name in units:
        # A unit the address lacks or names otherwise: another address (documents of
        # other years print other administrative units), not this one misread.
        if kind not in named or ratio(name.casefold(), named[kind].casefold()) < NAME_AGREEMENT:
            return None
    if _skips_a_unit(parts, like, {kind for kind, _, _ in units}):
        return None
    (style,) = styles
    last, prefix = parts[-1], None
    name = next((last.removeprefix(p) for p in _PREFIXES if last.startswith(p)), last)
    if _unit(last) is None:
        prefix = _province(model[-1], name)
        if prefix is None:
            return None
    out = []
    for i, part in enumerate(parts):
        unit = _unit(part)
        if unit is not None:
            kind, _, rest = unit
            out.append(f"{_FORMS[kind][style]} {rest}")
        elif i == len(parts) - 1 and prefix is not None:
            out.append(prefix + name)
        else:
            out.append(part)
    return ", ".join(out)
