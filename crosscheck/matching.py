"""Candidate lookup by exact normalized keys, batched over a chunk of documents.

Registry candidates share the plate, chassis or engine key with the paper. One
candidate is chosen when it is the only one, or the only one agreeing on chassis or
engine number; otherwise the document is ambiguous (``multiple_candidates``). The
population is looked up by the paper's 12-digit ID; a 9-digit CMND holder is looked
up by name (and date of birth when the paper has one) to propose a link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crosscheck.context import Paper, PersonRef, RegistryLookup, VehicleRef
from crosscheck.importer import REGISTRY_COLUMNS
from crosscheck.keys import name_key
from hoso.models import PopulationPerson, RegistryVehicle


def vehicle_ref(row: RegistryVehicle) -> VehicleRef:
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
    )


def person_ref(row: PopulationPerson) -> PersonRef:
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
    conditions = [
        getattr(RegistryVehicle, col).in_(sorted(keys)) for col, keys in wanted.items() if keys
    ]
    if conditions:
        for row in session.scalars(select(RegistryVehicle).where(or_(*conditions))):
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
        candidates = tuple(sorted(found.values(), key=lambda r: r.registry_id))
        out[p.document_id] = RegistryLookup(candidates, choose(p, candidates))
    return out


def population_lookups(
    session: Session, papers: Iterable[Paper]
) -> tuple[dict[str, PersonRef], dict[str, PersonRef]]:
    """(people by 12-digit ID, proposed links by document id for CMND holders)."""
    papers = list(papers)
    ids = {p.owner_id for p in papers if p.owner_id_kind == "cccd" and p.owner_id}
    people: dict[str, PersonRef] = {}
    if ids:
        stmt = select(PopulationPerson).where(PopulationPerson.id_number.in_(sorted(ids)))
        people = {r.id_number: person_ref(r) for r in session.scalars(stmt)}
    legacy = {
        p.document_id: k
        for p in papers
        if p.owner_id_kind == "cmnd" and (k := name_key(p.get(p.name_field)))
    }
    links: dict[str, PersonRef] = {}
    if legacy:
        by_name: dict[str, list[PersonRef]] = defaultdict(list)
        stmt = select(PopulationPerson).where(PopulationPerson.name_key.in_(set(legacy.values())))
        for r in session.scalars(stmt):
            assert r.name_key is not None
            by_name[r.name_key].append(person_ref(r))
        for p in papers:
            if p.document_id not in legacy:
                continue
            same = by_name.get(legacy[p.document_id], [])
            dob = p.get("date_of_birth")
            if dob:
                same = [s for s in same if s.date_of_birth == dob]
            if len(same) == 1:
                links[p.document_id] = same[0]
    return people, links
