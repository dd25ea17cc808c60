"""What the rules see: one document's paper values and what the references say about it.

Plain frozen values, no database objects, so every rule is a pure function that a
unit test can call with hand-written inputs.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from crosscheck.keys import chassis_key, engine_key, id_key, id_kind, plate_key

VEHICLE_DOC_TYPES = frozenset({"registration_certificate", "registration_declaration"})
PERSON_DOC_TYPES = frozenset({"citizen_id"})
CHECKED_DOC_TYPES = VEHICLE_DOC_TYPES | PERSON_DOC_TYPES


@dataclass(frozen=True)
class Paper:
    """A document's field values as digitized (canonical text, ``None`` when absent).

    ``doubtful`` names the fields OCR read below the review threshold, with their
    confidence: the document goes to review for them anyway, and a difference on one of
    them may be a misreading rather than a discrepancy. ``checked`` names the values a
    person entered or confirmed (origin reviewer or registry): never doubtful."""

    document_id: str
    dossier_id: str
    doc_type: str
    fields: Mapping[str, str | None]
    doubtful: Mapping[str, float] = field(default_factory=dict)
    checked: frozenset[str] = frozenset()

    def get(self, name: str) -> str | None:
        value = self.fields.get(name)
        return value if value else None

    def doubt(self, *names: str) -> tuple[str, float] | None:
        """The least confident of ``names`` that has a doubtful value, or None."""
        read = [(n, self.doubtful[n]) for n in names if n in self.doubtful and self.get(n)]
        return min(read, key=lambda x: x[1]) if read else None

    @property
    def is_vehicle(self) -> bool:
        return self.doc_type in VEHICLE_DOC_TYPES

    @property
    def name_field(self) -> str:
        return "full_name" if self.doc_type in PERSON_DOC_TYPES else "owner_name"

    @property
    def id_field(self) -> str:
        return "id_number" if self.doc_type in PERSON_DOC_TYPES else "owner_id_number"

    @property
    def address_field(self) -> str:
        return "place_of_residence" if self.doc_type in PERSON_DOC_TYPES else "owner_address"

    @functools.cached_property
    def owner_id(self) -> str | None:
        return id_key(self.get(self.id_field))

    @property
    def owner_id_kind(self) -> str | None:
        return id_kind(self.owner_id)

    def vehicle_keys(self) -> tuple[str | None, str | None, str | None]:
        """(plate, chassis, engine) lookup keys; all None for a non-vehicle document."""
        return self._vehicle_keys

    @functools.cached_property
    def _vehicle_keys(self) -> tuple[str | None, str | None, str | None]:
        if not self.is_vehicle:
            return None, None, None
        return (
            plate_key(self.get("plate_number")),
            chassis_key(self.get("chassis_number")),
            engine_key(self.get("engine_number")),
        )


@dataclass(frozen=True)
class VehicleRef:
    """One registry row (values as imported, keys as computed on import)."""

    registry_id: str
    values: Mapping[str, str | int | None]
    plate_key: str | None
    chassis_key: str | None
    engine_key: str | None
    owner_id_key: str | None
    import_id: int | None = None  # the import that last listed the row
    withdrawn_import_id: int | None = None  # the snapshot that no longer lists it

    def get(self, name: str) -> str | int | None:
        return self.values.get(name)


@dataclass(frozen=True)
class PersonRef:
    """One person of the population extract."""

    id_number: str
    full_name: str | None
    date_of_birth: str | None  # ISO
    sex: str | None  # 'Nam' | 'Nữ'
    place_of_residence: str | None
    import_id: int | None = None


@dataclass(frozen=True)
class RegistryLookup:
    """Candidates found by exact keys (or, failing those, one confusable character away)
    and the one chosen (None: none or ambiguous).

    Rows a registry snapshot no longer lists are never candidates; ``withdrawn`` holds
    those that share a key, so a finding can name them."""

    candidates: tuple[VehicleRef, ...] = ()
    chosen: VehicleRef | None = None
    withdrawn: tuple[VehicleRef, ...] = ()
    #: Set when no key matched exactly and the one candidate was found with a key read one
    #: confusable character away: what was read for what ("chassis_number S for 5").
    tolerant: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    paper: Paper
    as_of: date
    registry: RegistryLookup | None = None  # None: not a vehicle document
    person: PersonRef | None = None  # population row of the paper's 12-digit ID
    person_looked_up: bool = False  # the paper's CCCD was looked up in the population
    linked: PersonRef | None = None  # CMND holder found in the population by name (+DOB)
    local_codes: frozenset[str] = field(default_factory=frozenset)
    siblings: tuple[Paper, ...] = ()  # the dossier's other vehicle documents
