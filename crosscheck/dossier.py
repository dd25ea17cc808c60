"""Consistency inside a dossier: its documents repeat facts, and each repetition is evidence.

The certificate and the declaration print the same engine and chassis numbers, the same
brand, model, colour, year and plate; the owner's name and ID number appear on them and on
the citizen ID; the citizen ID and a driving licence give the same name and date of birth.
Each printed copy is an independent reading of one fact (other page, other font, other
damage), so:

- copies that agree make each other more likely right: their confidences rise;
- copies that disagree make each other less likely right: their confidences fall, and each
  document gets a ``dossier_mismatch`` finding (severity error: someone must look, because
  either the paper disagrees with itself or one copy was misread);
- a document that read nothing of a fact it always prints, or read a value the others all
  but refute, is given the value the dossier supports (:class:`Fill`, a ``dossier_fill``
  finding): damage that made one copy unreadable rarely reaches the other copies, and a
  reviewer confirms one proposed value faster than they type it. Such a value is never
  trusted more than ``FILL_CEILING``, under the review threshold, and the document's own
  reading is kept beside it.

The confidences come from Bayes' rule over the readings of one fact
(:func:`extract.evidence.posteriors`): each reading's calibrated confidence is the chance it
is right, errors are independent, and two misreadings rarely produce the same string. A
reading's new confidence is the posterior of its own value. Values a reviewer entered
count as certain and are never changed here.

Readings are compared on keys that ignore what the documents legitimately print
differently (case of names, separators in plates and engine numbers) but keep everything an
OCR error changes (letters, digits, diacritics). IDs are compared only with IDs of the same
kind: a certificate may show the owner's old 9-digit CMND beside a 12-digit citizen ID.
Addresses only corroborate: documents of different years print the pre- and post-2025
administrative forms, so two copies read alike raise each other's confidence, and copies
that differ change nothing.

Pure functions on plain values; ``reconcile`` in ``hoso.persist`` applies them to a dossier.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.fuzz import ratio

from crosscheck.keys import (
    chassis_key,
    engine_key,
    id_key,
    id_kind,
    int_value,
    name_with_marks,
    plate_key,
)
from crosscheck.restyle import restyle
from extract.evidence import REVIEWED, posteriors
from extract.normalize import marked_key

RULE = "dossier_mismatch"
FILL_RULE = "dossier_fill"
SOURCE = "dossier"
# OCR confidences are kept off 0 and 1 so that no single reading silences the others; a
# reviewer's value is nearly certain (``extract.evidence.REVIEWED``).
FLOOR, CEILING = 0.005, 0.995

CERTIFICATE = "registration_certificate"
DECLARATION = "registration_declaration"
CITIZEN_ID = "citizen_id"
LICENCE = "driving_license"


def _text_key(value: str) -> str | None:
    return marked_key(value) or None


def _int_key(value: str) -> str | None:
    number = int_value(value)
    return None if number is None else str(number)


def _exact(value: str) -> str | None:
    return value.strip() or None


#: A document's reading of a fact that the dossier's evidence gives at most this (or no
#: reading at all) is replaced by the value another document reads with a posterior of at
#: least ``FILL_FROM`` (:func:`_fills`); the value so taken is never trusted more than
#: ``FILL_CEILING``, under the review threshold: a reviewer confirms it on this document's
#: page. Chosen on the tuning sets (``docs/accuracy.md``).
FILL_OWN_BELOW = 0.2
FILL_FROM = 0.5
FILL_CEILING = 0.9
#: How alike (``rapidfuzz.fuzz.ratio`` of the keys, 0-100) a garbled address and another
#: document's address in its style must be for the one to be the other misread.
RESTYLED_AGREEMENT = 80.0
#: A doubtful reading of an address (trusted at most ``DOUBTFUL_BELOW``) that another
#: document's sure reading (at least ``SURE_FROM``) in its style matches but for a few
#: characters (``CLOSE_AGREEMENT``) is that address misread too: a letter or mark lost
#: to a seal or a fold ("Hoàn uốc Việt", "Sẽ 34"). A moved owner's other address differs
#: in more than a few characters, and a reform's other units fail the restyle.
DOUBTFUL_BELOW = 0.6
SURE_FROM = 0.9
CLOSE_AGREEMENT = 90.0


#: The unit words an address spells out or abbreviates (with its full stop) alike.
_UNIT_WORDS = {
    "PHƯỜNG": "P.", "QUẬN": "Q.", "HUYỆN": "H.", "XÃ": "X.", "THỊ TRẤN": "TT.",
    "THỊ XÃ": "TX.", "THÀNH PHỐ": "TP.",
}  # fmt: skip
_UNIT_WORD = re.compile(f"(^|, *)({'|'.join(_UNIT_WORDS)})(?= )")
_PROVINCE_WORD = re.compile(r"^(?:TP\.? |TỈNH )")
#: The most that two readings of an address equal only in ``_address_key`` (not in
#: ``marked_key``) make of each other: a stop that OCR lost can turn one style into the
#: other ("TP. Hà Nội" read "TP Hà Nội" met a "TP Hà Nội" printed on another document).
#: On the tuning sets 87 of 88 addresses such an agreement accepted were right.
STYLE_AGREEMENT = 0.98


def _address_key(value: str) -> str | None:
    """An address as ``marked_key`` gives it, with each part's unit word in one form
    ("phường Kim Giang" and "P. Kim Giang" meet; "P Kim Giang" does not) and the province
    by its name alone ("TP Hà Nội", "TP. Hà Nội", "Thành phố Hà Nội", "Hà Nội"). The
    documents of a dossier print one address in either style; the other letters, marks,
    digits and punctuation, and the spaces after commas, must agree."""
    key = _UNIT_WORD.sub(lambda m: m.group(1) + _UNIT_WORDS[m.group(2)], marked_key(value))
    head, comma, last = key.rpartition(",")
    space = last[: len(last) - len(last.lstrip())]
    return (head + comma + space + _PROVINCE_WORD.sub("", last.lstrip())) or None


def _name_key(value: str) -> str | None:
    return name_with_marks(value) or None


def _id_group(value: str) -> str:
    return id_kind(id_key(value)) or "other"


def _one_group(value: str) -> str:
    return ""


@dataclass(frozen=True)
class Fact:
    """One fact printed on several document types: which field holds it on each, how its
    readings compare, and which readings may be compared at all (``group``)."""

    name: str
    fields: dict[str, str]  # doc_type -> field name
    key: Callable[[str], str | None]
    group: Callable[[str], str] = _one_group
    #: Copies may legitimately differ (addresses of different years): agreement is
    #: evidence, disagreement says nothing (no confidence falls, no mismatch is raised).
    corroborate_only: bool = False
    #: Where ``key`` lets differently printed copies meet (``_address_key``): the key of
    #: copies printed alike. A reading that only meets others in ``key`` is raised at most
    #: to ``STYLE_AGREEMENT``.
    exact: Callable[[str], str | None] | None = None
    #: Copies printed in different styles (addresses): a garbled reading may be given
    #: another document's value in its own style (:func:`_restyled_fills`).
    restyle: bool = False
    #: Document types that may leave the fact blank (DOMAIN.md §2): a document of such a
    #: type that reads nothing is not given another document's value.
    blank_on: frozenset[str] = frozenset()


def _vehicle(
    field: str, key: Callable[[str], str | None], blank_on: frozenset[str] = frozenset()
) -> Fact:
    """A vehicle fact: the same field on the certificate and the declaration."""
    return Fact(field, {CERTIFICATE: field, DECLARATION: field}, key, blank_on=blank_on)


FACTS: tuple[Fact, ...] = (
    Fact(
        "owner_name",
        {
            CERTIFICATE: "owner_name",
            DECLARATION: "owner_name",
            CITIZEN_ID: "full_name",
            LICENCE: "full_name",
        },
        _name_key,
    ),
    Fact(
        "owner_id_number",
        {CERTIFICATE: "owner_id_number", DECLARATION: "owner_id_number", CITIZEN_ID: "id_number"},
        id_key,
        _id_group,
        blank_on=frozenset({CERTIFICATE}),  # certificates before the CCCD print none
    ),
    Fact("date_of_birth", {CITIZEN_ID: "date_of_birth", LICENCE: "date_of_birth"}, _exact),
    # a first registration's declaration is filled in before the plate is issued
    _vehicle("plate_number", plate_key, frozenset({DECLARATION})),
    _vehicle("engine_number", engine_key),
    _vehicle("chassis_number", chassis_key),
    _vehicle("brand", _text_key),
    _vehicle("model_code", _text_key),
    _vehicle("vehicle_type", _text_key),
    _vehicle("color", _text_key),
    _vehicle("manufacture_year", _int_key),
    _vehicle("engine_capacity_cc", _int_key),
    _vehicle("seats", _int_key, frozenset({CERTIFICATE})),  # printed for cars only
    Fact(
        "owner_address",
        {
            CERTIFICATE: "owner_address",
            DECLARATION: "owner_address",
            CITIZEN_ID: "place_of_residence",
            LICENCE: "address",
        },
        _address_key,
        corroborate_only=True,
        exact=_text_key,
        restyle=True,
    ),
    Fact(
        "nationality",
        {CITIZEN_ID: "nationality", LICENCE: "nationality"},
        _text_key,
        corroborate_only=True,
    ),
)


@dataclass(frozen=True)
class Reading:
    """One document's value for a field, with its confidence from extraction."""

    document_id: str
    doc_type: str
    field: str
    value: str
    confidence: float
    fixed: bool = False  # a reviewer's (or registry's) value: certain, never changed here


@dataclass(frozen=True)
class Mismatch:
    """A document's reading of a fact that other documents of the dossier read otherwise."""

    document_id: str
    field: str
    value: str
    others: tuple[Reading, ...]

    @property
    def message(self) -> str:
        elsewhere = "; ".join(f"{o.value!r} on the {_label(o.doc_type)}" for o in self.others)
        return f"{self.field}: {self.value!r} here, {elsewhere}"

    @property
    def other_value(self) -> str:
        """The most trusted differing value (the reference value of the finding)."""
        return max(self.others, key=lambda o: (o.fixed, o.confidence)).value


@dataclass(frozen=True)
class Fill:
    """A document's value taken from the dossier: its own reading of a fact is missing,
    unreadable or all but refuted, and another document reads the fact with confidence
    (:func:`reconcile`)."""

    document_id: str
    field: str
    value: str  # as the source document printed it
    read: str  # the document's own reading ("" when it read nothing)
    confidence: float  # the dossier's posterior of the value, at most FILL_CEILING
    source: Reading  # the most trusted reading of the value

    @property
    def message(self) -> str:
        here = f"read {self.read!r} here" if self.read else "not read here"
        return f"{self.field}: {here}; {self.value!r} taken from the {_label(self.source.doc_type)}"


@dataclass(frozen=True)
class Outcome:
    # (document_id, field) -> the confidence the dossier's evidence gives the reading
    confidence: dict[tuple[str, str], float]
    mismatches: tuple[Mismatch, ...]
    fills: tuple[Fill, ...] = ()


def _label(doc_type: str) -> str:
    return doc_type.replace("_", " ")


def _clip(p: float, low: float = FLOOR, high: float = CEILING) -> float:
    return min(high, max(low, p))


def _keyed(fact: Fact, readings: Iterable[Reading]) -> dict[str, list[tuple[str, Reading]]]:
    """Readings of ``fact`` that have a key, by comparable group."""
    groups: dict[str, list[tuple[str, Reading]]] = defaultdict(list)
    for r in readings:
        key = fact.key(r.value)
        if key is not None:
            groups[fact.group(r.value)].append((key, r))
    return groups


def _corroborated(
    group: Sequence[tuple[str, Reading]], exact: Callable[[str], str | None] | None = None
) -> dict[tuple[str, str], float]:
    """Confidences of the readings that another document's reading equals, from the
    agreeing readings alone (for a fact whose copies may legitimately differ); with
    ``exact``, a reading that no other document's reading equals in it is raised at most
    to ``STYLE_AGREEMENT``."""
    by_key: dict[str, list[tuple[str, Reading]]] = defaultdict(list)
    for key, r in group:
        by_key[key].append((key, r))
    out: dict[tuple[str, str], float] = {}
    for same in by_key.values():
        if len({r.document_id for _, r in same}) < 2:
            continue
        scored = [(key, REVIEWED if r.fixed else _clip(r.confidence)) for key, r in same]
        for (_, r), p in zip(same, posteriors(scored), strict=True):
            if r.fixed:
                continue
            if exact is not None and not any(
                o.document_id != r.document_id and exact(o.value) == exact(r.value) for _, o in same
            ):
                p = min(p, STYLE_AGREEMENT)
            out[(r.document_id, r.field)] = max(p, r.confidence)
    return out


def reconcile(readings: Sequence[Reading]) -> Outcome:
    """The dossier's evidence on every repeated fact, from all its documents' readings.

    Only facts read on at least two documents change anything; a document contributes one
    reading per fact (the field its type prints the fact in).
    """
    by_field: dict[tuple[str, str], list[Reading]] = defaultdict(list)
    for r in readings:
        by_field[(r.doc_type, r.field)].append(r)
    confidence: dict[tuple[str, str], float] = {}
    mismatches: list[Mismatch] = []
    fills: list[Fill] = []
    for fact in FACTS:
        mine = [r for doc_type, f in fact.fields.items() for r in by_field[(doc_type, f)]]
        for group in _keyed(fact, mine).values():
            if len({r.document_id for _, r in group}) < 2:
                continue
            if fact.corroborate_only:
                confidence.update(_corroborated(group, fact.exact))
                continue
            scored = [(key, REVIEWED if r.fixed else _clip(r.confidence)) for key, r in group]
            for (key, r), p in zip(group, posteriors(scored), strict=True):
                if r.fixed:
                    continue
                confidence[(r.document_id, r.field)] = p
                others = tuple(o for k, o in group if k != key)
                if others:
                    mismatches.append(Mismatch(r.document_id, r.field, r.value, others))
        if not fact.corroborate_only:
            fills.extend(_fills(fact, mine, confidence))
        elif fact.restyle:
            fills.extend(_restyled_fills(fact, mine, confidence))
    return Outcome(confidence, tuple(mismatches), tuple(fills))


def _trust(posterior: dict[tuple[str, str], float], r: Reading) -> float:
    """How likely ``r`` is right given the dossier: its posterior where other documents
    read the fact too, else its own confidence; a reviewer's value is nearly certain."""
    if r.fixed:
        return REVIEWED
    return posterior.get((r.document_id, r.field), _clip(r.confidence))


def _restyled_fills(
    fact: Fact, readings: Sequence[Reading], posterior: dict[tuple[str, str], float]
) -> list[Fill]:
    """Garbled readings of an address given another document's reading of it in their
    own style (:func:`crosscheck.restyle.restyle`): the reading is trusted at most
    ``FILL_OWN_BELOW``, the other at least ``FILL_FROM``, and the garbled reading is that
    address misread (``RESTYLED_AGREEMENT``), not another one (documents of other years
    print other administrative units)."""

    trust = functools.partial(_trust, posterior)
    out: list[Fill] = []
    for target in readings:
        if target.fixed or not target.value or trust(target) > DOUBTFUL_BELOW:
            continue
        garbled = trust(target) <= FILL_OWN_BELOW
        sources = sorted(
            (r for r in readings if r.value and r.document_id != target.document_id),
            key=lambda r: (-trust(r), r.document_id),
        )
        for source in sources:
            if trust(source) < (FILL_FROM if garbled else SURE_FROM):
                break
            value = restyle(source.value, target.value)
            if value is None:
                continue
            key, read = fact.key(value), fact.key(target.value)
            agreement = RESTYLED_AGREEMENT if garbled else CLOSE_AGREEMENT
            if key is None or read is None or ratio(key, read) < agreement:
                continue
            if value != target.value:
                out.append(
                    Fill(
                        target.document_id,
                        target.field,
                        value,
                        target.value,
                        min(trust(source), FILL_CEILING),
                        source,
                    )
                )
            break
    return out


def _fills(
    fact: Fact, readings: Sequence[Reading], posterior: dict[tuple[str, str], float]
) -> list[Fill]:
    """The readings of ``fact`` that another document's reading replaces: the document
    read nothing (and its type always prints the fact), nothing the fact's key accepts,
    or a value the dossier's evidence gives at most ``FILL_OWN_BELOW``; the other value's
    posterior is at least ``FILL_FROM``.
    Readings of another comparable group (a CMND beside a CCCD) never replace each
    other."""

    trust = functools.partial(_trust, posterior)
    keyed = [(fact.key(r.value) if r.value else None, r) for r in readings]
    out: list[Fill] = []
    for key, target in keyed:
        if target.fixed:
            continue
        if not target.value and target.doc_type in fact.blank_on:
            continue
        if key is not None and trust(target) > FILL_OWN_BELOW:
            continue
        group = fact.group(target.value) if key is not None else None
        candidates = [
            (trust(r), k, r)
            for k, r in keyed
            if k is not None
            and k != key
            and r.document_id != target.document_id
            and (group is None or fact.group(r.value) == group)
        ]
        if not candidates:
            continue
        best, best_key, _ = max(candidates, key=lambda c: c[0])
        if best < FILL_FROM:
            continue
        source = max(
            (r for _, k, r in candidates if k == best_key),
            key=lambda r: (r.field == target.field, r.fixed, r.confidence),
        )
        out.append(
            Fill(
                target.document_id,
                target.field,
                source.value,
                target.value,
                min(best, FILL_CEILING),
                source,
            )
        )
    return out
