"""Second readings of a field's region, and the vote between them and the page's reading.

Whole-page OCR misreads characters that a second pass on the value's own line reads
right (and the other way round). The caller may hand :func:`extract.fields.extract_fields`
a :class:`Reader`: a function that re-reads one box of one page and returns the readings
in the engine-neutral model (say Tesseract as a single line, and the same crop enlarged
and binarised). Each reading is parsed with the field's own parser; readings that agree on
the canonical value pool their weight, valid values weigh more than invalid ones, and the
page's reading breaks ties. The share of readings that agree is kept as evidence.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from extract import values as V
from ocr.model import Box, Page, union

if TYPE_CHECKING:
    from extract.fields import ExtractedField


class Reader(Protocol):
    """Re-reads the region ``box`` of page ``page`` (its ``Page.number``) as one text line;
    ``latin``: the value is written in unaccented Latin letters, digits and punctuation."""

    def __call__(self, page: int, box: Box, latin: bool = False) -> Sequence[Page]:
        """Zero or more independent readings of the region, their words' boxes in the
        page's coordinates."""
        ...

    def rubbing(self, page: int, box: Box, line_height: float) -> Sequence[Page]:
        """Readings of a rubbing of a stamped number found in the region ``box``
        (:mod:`ocr.rubbing`), if the region holds one."""
        ...


#: Weight of a reading by a Latin-script model on a Latin-only value: its errors are not
#: correlated with those of the two Vietnamese-model readings, and on generated forms it
#: reads codes better than either (``docs/accuracy.md``).
LATIN_WITNESS = 2.0
#: Weight of a reading of another physical copy of the value (the rubbing of a stamped
#: engine or chassis number, :mod:`ocr.rubbing`): its errors are its own, but read alone
#: it is right less often than the typed value's readings together, so it settles a
#: disagreement between them and never outvotes them when they agree.
COPY_WITNESS = 1.0


@dataclass(frozen=True, slots=True)
class _Reading:
    parsed: V.Parsed
    text: str
    ocr: float  # mean word confidence
    original: bool
    witness: float = 1.0
    copy: bool = False


def _key(value: str) -> str:
    """Readings that differ only in case or spacing are the same value."""
    return "".join(unicodedata.normalize("NFC", value).casefold().split())


def _compact(text: str) -> str:
    return "".join(text.split())


def _dropped_ones(field: ExtractedField, text: str, box: Box) -> bool:
    """``text``, a second reading of ``field``'s box, is the valid page reading less one
    or two 1s at its start or end, read from a word box that starts (or ends) where the
    page reading's does: the engine boxed the narrow glyph and wrote nothing for it
    ("18.8.1989" read "8.8.1989", "113335" read "13335" by both models). Such a reading
    is no witness against the page's. Other extra first digits are the page reading's
    own error as often (a "4" or "0" read from a mark before "150", "985522"): there the
    second readings vote."""
    if not field.valid or field.bbox is None or not field.raw:
        return False
    raw, read = _compact(field.raw), _compact(text)
    slack = 0.3 * (field.bbox[3] - field.bbox[1])
    for k in (1, 2):
        if len(read) < 4 or len(raw) != len(read) + k:
            continue
        if raw[:k] == "1" * k and raw[k:] == read and abs(box[0] - field.bbox[0]) <= slack:
            return True
        if raw[-k:] == "1" * k and raw[:-k] == read and abs(box[2] - field.bbox[2]) <= slack:
            return True
    return False


def _weight(r: _Reading) -> float:
    ok = {True: 1.0, None: 0.7, False: 0.3}[r.parsed.valid]
    return r.witness * ok * (0.5 + r.ocr) + (0.05 if r.original else 0.0)


def _parts_of_whole(
    members: Mapping[str, Sequence[_Reading]], whole: Callable[[str], bool]
) -> dict[str, list[_Reading]]:
    """For each whole value read, the readings of values that are parts of it: not whole
    themselves, and held in it."""
    out: dict[str, list[_Reading]] = {}
    for k, group in members.items():
        value = group[0].parsed.value
        if value is None or not whole(value):
            continue
        for other, readings in members.items():
            part = readings[0].parsed.value
            if other != k and part and other in k and not whole(part):
                out.setdefault(k, []).extend(readings)
    return out


def vote(
    field: ExtractedField,
    parse: V.ValueParser,
    ctx: V.Context,
    readings: Sequence[Page],
    latin: bool = False,
    copies: Sequence[Page] = (),
    whole: Callable[[str], bool] | None = None,
) -> ExtractedField:
    """The value most readings support: ``field`` itself unless re-readings outvote it.

    ``copies``: readings of another copy of the value (``COPY_WITNESS``; the feature
    ``copy`` says that one of them gave the value). Adds the features ``readings`` (how
    many were compared) and ``agreement`` (share of them that gave the chosen value) and
    scales the confidence by the agreement. ``whole``: what a whole value of the field is
    (a VIN); a reading that is part of a whole value another reading gives (its first
    characters lost under a fold line) counts for that value.
    """
    original = _Reading(
        V.Parsed(field.value, field.valid, field.problems),
        field.raw or "",
        field.features.get("ocr_mean", 0.5),
        True,
    )
    entries = [original]
    for page, copy in [*((p, False) for p in readings), *((p, True) for p in copies)]:
        words = list(page.words)
        if not words:
            continue
        text = " ".join(w.text for w in words)
        if not copy and _dropped_ones(field, text, union([w.box for w in words])):
            continue
        ocr = sum(w.confidence for w in words) / len(words)
        if copy:
            witness = COPY_WITNESS
        else:
            witness = LATIN_WITNESS if latin and page.lang and "vie" not in page.lang else 1.0
        entries.append(_Reading(parse(text, ctx), text, ocr, False, witness, copy))
    scores: dict[str, float] = {}
    members: dict[str, list[_Reading]] = {}
    for r in entries:
        if r.parsed.value:
            k = _key(r.parsed.value)
            scores[k] = scores.get(k, 0.0) + _weight(r)
            members.setdefault(k, []).append(r)
    if not scores:
        return field
    parts = _parts_of_whole(members, whole) if whole is not None else {}
    for k, support in parts.items():
        scores[k] += sum(_weight(r) for r in support)
    best = max(scores, key=lambda k: scores[k])
    group = members[best]
    agreement = (len(group) + len(parts.get(best, []))) / len(entries)
    features = {**field.features, "readings": float(len(entries)), "agreement": agreement}
    winner = next((r for r in group if r.original), max(group, key=lambda r: r.ocr))
    scale = 0.55 + 0.45 * agreement
    if winner.original:
        return replace(field, confidence=round(field.confidence * scale, 4), features=features)
    factor = {True: 1.0, None: 0.75, False: 0.3}[winner.parsed.valid]
    return replace(
        field,
        value=winner.parsed.value,
        raw=winner.text,
        valid=winner.parsed.valid,
        problems=winner.parsed.problems,
        confidence=round(min(0.99, factor * winner.ocr * scale), 4),
        features={
            **features,
            # The evidence is the winning reading's: its validator's verdict, not the
            # page reading's (an 11-digit ID that outvoted a 12-digit one is no ID).
            "valid": V.valid_feature(winner.parsed.valid),
            "reread": 1.0,
            **({"copy": 1.0} if winner.copy else {}),
        },
    )
