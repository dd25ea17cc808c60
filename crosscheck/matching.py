"""Candidate lookup by exact normalized keys, batched over a chunk of documents.

Registry candidates share the plate, chassis or engine key with the paper and are listed
by the latest registry snapshot (withdrawn rows are kept aside). One
candidate is chosen when it is the only one, or the only one agreeing on chassis or
engine number; otherwise the document is ambiguous (``multiple_candidates``). The
population is looked up by the paper's 12-digit ID; a 9-digit CMND holder is looked
up by name (and date of birth when the paper has one) to propose a link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, any_, bindparam, or_, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from crosscheck.context import Paper, PersonRef, RegistryLookup, VehicleRef
from crosscheck.importer import REGISTRY_COLUMNS
from crosscheck.keys import confusable_difference, confusable_variants, name_key
from hoso.models import PopulationPerson, RegistryVehicle

_REGISTRY = cast(Table, RegistryVehicle.__table__)
_POPULATION = cast(Table, PopulationPerson.__table__)


def any_of(session: Session, column: Any, values: Collection[Any]) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``column = ANY(array)``: one parameter, so the
    statement text (and its parsing) does not grow with the number of values."""
    ordered = sorted(values)
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam(None, ordered, type_=postgresql.ARRAY(column.type))
        condition: ColumnElement[bool] = column == any_(array)
        return condition
    in_list: ColumnElement[bool] = column.in_(ordered)
    return in_list


def vehicle_ref(row: Any) -> VehicleRef:
    """A registry row (ORM object or result row) as the rules see it."""
    values: dict[str, str | int | None] = {}
    for c in REGISTRY_COLUMNS:
        v = getattr(row, c)
        values[c] = v.isoformat() if hasattr(v, "isoformat") else v
    return VehicleRef(
        row.registry_id,
        values,
        row.plate_key,
        row.chassis_key,
        row.engine_key,
        row.owner_id_key,
        row.import_id,
        row.withdrawn_import_id,
    )


def person_ref(row: Any) -> PersonRef:
    """A population row (ORM object or result row) as the rules see it."""
    return PersonRef(
        row.id_number,
        row.full_name,
        row.date_of_birth.isoformat() if row.date_of_birth else None,
        row.sex,
        row.place_of_residence,
        row.import_id,
    )


def choose(paper: Paper, candidates: Sequence[VehicleRef]) -> VehicleRef | None:
    """The one candidate for ``paper``: the only one, or the only one sharing chassis/engine."""
    if len(candidates) == 1:
        return candidates[0]
    _, chassis, engine = paper.vehicle_keys()
    strong = [
        c
        for c in candidates
        if (chassis and c.chassis_key == chassis) or (engine and c.engine_key == engine)
    ]
    return strong[0] if len(strong) == 1 else None


def registry_lookups(session: Session, papers: Iterable[Paper]) -> dict[str, RegistryLookup]:
    """``RegistryLookup`` per vehicle document id, with one query for the whole chunk."""
    vehicles = [p for p in papers if p.is_vehicle]
    wanted: dict[str, set[str]] = {"plate_key": set(), "chassis_key": set(), "engine_key": set()}
    for p in vehicles:
        for col, key in zip(wanted, p.vehicle_keys(), strict=True):
            if key:
                wanted[col].add(key)
    by_key: dict[tuple[str, str], list[VehicleRef]] = defaultdict(list)
    conditions = [any_of(session, _REGISTRY.c[col], keys) for col, keys in wanted.items() if keys]
    if conditions:
        for row in session.execute(select(_REGISTRY).where(or_(*conditions))):
            ref = vehicle_ref(row)
            for col in wanted:
                key = getattr(ref, col)
                if key in wanted[col]:
                    by_key[(col, key)].append(ref)
    out: dict[str, RegistryLookup] = {}
    for p in vehicles:
        found: dict[str, VehicleRef] = {}
        for col, key in zip(wanted, p.vehicle_keys(), strict=True):
            for ref in by_key.get((col, key), []) if key else []:
                found.setdefault(ref.registry_id, ref)
        rows = sorted(found.values(), key=lambda r: r.registry_id)
        candidates = tuple(r for r in rows if r.withdrawn_import_id is None)
        withdrawn = tuple(r for r in rows if r.withdrawn_import_id is not None)
        out[p.document_id] = RegistryLookup(candidates, choose(p, candidates), withdrawn)
    unmatched = [
        p for p in vehicles if not (out[p.document_id].candidates or out[p.document_id].withdrawn)
    ]
    if unmatched:
        out.update(_tolerant_lookups(session, unmatched))
    return out


#: The code keys looked up one confusable character away when no key matches exactly.
_TOLERANT_COLUMNS = (("chassis_key", "chassis_number", 1), ("engine_key", "engine_number", 2))
_KEYS_PER_QUERY = 5000


def _tolerant_lookups(session: Session, papers: Sequence[Paper]) -> dict[str, RegistryLookup]:
    """For documents no key found: the one current registry row whose chassis or engine
    number is one confusable character from the paper's ("…S…" read for "…5…"; long codes
    only, ``keys.confusable_variants``). A misread character in every key is what turns a
    registered vehicle into a false ``not_in_registry``; two or more such rows find nothing,
    and documents whose key matched a withdrawn row are not looked up again."""
    variants: dict[str, dict[str, frozenset[str]]] = {}
    wanted: dict[str, set[str]] = {col: set() for col, _, _ in _TOLERANT_COLUMNS}
    for p in papers:
        keys = p.vehicle_keys()
        per_col = {col: confusable_variants(keys[i]) for col, _, i in _TOLERANT_COLUMNS}
        variants[p.document_id] = per_col
        for col, near in per_col.items():
            wanted[col] |= near
    by_key: dict[tuple[str, str], list[VehicleRef]] = defaultdict(list)
    for col, wanted_keys in wanted.items():
        ordered = sorted(wanted_keys)
        # A page of keys per statement: a chunk of unmatched documents has tens of thousands
        # of variants at worst, over SQLite's limit on bound parameters.
        for i in range(0, len(ordered), _KEYS_PER_QUERY):
            page = ordered[i : i + _KEYS_PER_QUERY]
            stmt = select(_REGISTRY).where(
                any_of(session, _REGISTRY.c[col], page), _REGISTRY.c.withdrawn_import_id.is_(None)
            )
            for row in session.execute(stmt):
                ref = vehicle_ref(row)
                by_key[(col, getattr(ref, col))].append(ref)
    out: dict[str, RegistryLookup] = {}
    for p in papers:
        keys = p.vehicle_keys()
        found: dict[str, VehicleRef] = {}
        notes: dict[str, list[str]] = defaultdict(list)
        for col, field, i in _TOLERANT_COLUMNS:
            for key in sorted(variants[p.document_id][col]):
                for ref in by_key.get((col, key), []):
                    found.setdefault(ref.registry_id, ref)
                    how = confusable_difference(keys[i], key) or "one character"
                    notes[ref.registry_id].append(f"{field} read {how}")
        if len(found) == 1:
            (ref,) = found.values()
            out[p.document_id] = RegistryLookup((ref,), ref, tolerant=tuple(notes[ref.registry_id]))
    return out


def population_lookups(
    session: Session, papers: Iterable[Paper]
) -> tuple[dict[str, PersonRef], dict[str, PersonRef]]:
    """(people by 12-digit ID, proposed links by document id for CMND holders)."""
    papers = list(papers)
    ids = {p.owner_id for p in papers if p.owner_id_kind == "cccd" and p.owner_id}
    people: dict[str, PersonRef] = {}
    if ids:
        stmt = select(_POPULATION).where(any_of(session, _POPULATION.c.id_number, ids))
        people = {r.id_number: person_ref(r) for r in session.execute(stmt)}
    # A CMND holder is linked when exactly one person has the name (and the paper's birth
    # date, when it shows one).
    wanted: dict[str, tuple[str, str | None]] = {}
    for p in papers:
        if p.owner_id_kind == "cmnd" and (k := name_key(p.get(p.name_field))):
            wanted[p.document_id] = (k, p.get("date_of_birth"))
    if not wanted:
        return people, {}
    if session.get_bind().dialect.name == "postgresql":
        found = _namesakes_postgresql(session, set(wanted.values()))
    else:
        found = _namesakes(session, set(wanted.values()))
    links = {d: same[0] for d, pair in wanted.items() if len(same := found.get(pair, [])) == 1}
    return people, links


_Namesakes = dict[tuple[str, str | None], list[PersonRef]]


def _namesakes(session: Session, pairs: set[tuple[str, str | None]]) -> _Namesakes:
    """People per (name key, birth date or None): everyone with the name, then filtered."""
    by_name: dict[str, list[PersonRef]] = defaultdict(list)
    stmt = select(_POPULATION).where(any_of(session, _POPULATION.c.name_key, {n for n, _ in pairs}))
    for r in session.execute(stmt):
        by_name[r.name_key].append(person_ref(r))
    return {
        (name, dob): [s for s in by_name.get(name, []) if dob is None or s.date_of_birth == dob]
        for name, dob in pairs
    }


def _namesakes_postgresql(session: Session, pairs: set[tuple[str, str | None]]) -> _Namesakes:
    """As ``_namesakes``, but at most two people per pair (enough to tell "exactly one"), so
    a common name does not bring back thousands of rows."""
    usable: list[tuple[str, date | None]] = []
    out: _Namesakes = {pair: [] for pair in pairs}
    for name, dob in sorted(pairs, key=lambda p: (p[0], p[1] or "")):
        day = _iso_date(dob) if dob is not None else None
        if dob is None or day is not None:  # a date no row can equal matches nobody
            usable.append((name, day))
    if not usable:
        return out
    stmt = text(
        "SELECT n.name AS wanted_name, n.dob AS wanted_dob, p.* "
        "FROM unnest(CAST(:names AS text[]), CAST(:dobs AS date[])) AS n(name, dob) "
        "CROSS JOIN LATERAL (SELECT * FROM population_person q WHERE q.name_key = n.name "
        "AND (n.dob IS NULL OR q.date_of_birth = n.dob) LIMIT 2) AS p"
    )
    rows = session.execute(stmt, {"names": [n for n, _ in usable], "dobs": [d for _, d in usable]})
    for r in rows:
        dob = r.wanted_dob.isoformat() if r.wanted_dob else None
        out[(r.wanted_name, dob)].append(person_ref(r))
    return out


def _iso_date(value: str) -> date | None:
    """The date a canonical ``YYYY-MM-DD`` string names; None for anything else."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if day.isoformat() == value else None
