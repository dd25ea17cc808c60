"""Cross-check rules: small objects in one explicit, ordered list (``RULES``).

Each rule looks at one document's ``Context`` and returns findings; it never touches
the database and never changes a value (a differing name is reported, not corrected).
Severity ``error`` blocks auto-approval (the document goes to ``needs_review``).

Service-life mapping (DOMAIN.md §7, ``extract.validators.service_life_category``):
``Loại xe`` text and ``Số chỗ ngồi`` decide the category: motorcycles/mopeds,
special-purpose vehicles, trailers and tractors are exempt; trucks (tải, chở hàng,
bán tải/pickup, đầu kéo, ben, van) have 25 years; buses (khách, buýt) and any car with
more than 9 printed seats (taken as including the driver, i.e. more than 8 passengers)
have 20 years; cars with at most 9 seats are exempt; an unknown type is not judged.
A vehicle is past its service life from 1 January of ``manufacture_year + limit + 1``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from crosscheck.context import Context, VehicleRef
from crosscheck.keys import (
    chassis_key,
    compare_names,
    confusable_difference,
    engine_key,
    fold_part,
    id_key,
    id_kind,
    int_value,
    name_key,
    plate_key,
    text_distance,
    text_key,
)
from extract.gazetteer import district_names
from extract.plates import LOCALITY_CODES
from extract.validators import parse_sex, service_life_category, service_life_end_year

REGISTRY, POPULATION, PAPER = "registry", "population", "crosscheck"
#: Documents that carry their owner's ID number.
_OWNER_ID_DOC_TYPES = frozenset(
    {"citizen_id", "registration_certificate", "registration_declaration"}
)
KEY_FIELDS = ("plate_number", "chassis_number", "engine_number")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # info | warning | error
    message: str
    fields: tuple[str, ...] = ()
    paper_value: str | None = None
    reference_value: str | None = None
    source: str = PAPER
    reference_import_id: int | None = None

    @property
    def fields_key(self) -> str:
        return ",".join(self.fields)


class Rule(Protocol):
    name: str

    def check(self, ctx: Context) -> list[Finding]: ...


def _s(value: str | int | None) -> str | None:
    return None if value is None else str(value)


DOUBTFUL = "doubtful reading"
# Paper fields whose value another field's reading may have taken (a neighbouring line).
_NEIGHBOURS = ("plate_number", "chassis_number", "engine_number", "model_code", "owner_id_number")
_PARTS = re.compile(r"[;,/]")


def _low(doubt: tuple[str, float] | None) -> str | None:
    if doubt is None:
        return None
    name, confidence = doubt
    return f"{name} read with confidence {confidence:.2f}, below the review threshold"


def _doubted(severity: str, message: str, note: str | None) -> tuple[str, str]:
    """An error resting on a doubtful reading becomes a warning that says why (the
    difference may be the misreading; ``docs/crosscheck.md``, "OCR uncertainty")."""
    if note is None:
        return severity, message
    return ("warning" if severity == "error" else severity), f"{message} ({DOUBTFUL}: {note})"


def misreading(
    spec: FieldSpec, paper: str, ref: str, others: Callable[[str], list[str]]
) -> str | None:
    """Why a difference between a read ``paper`` value and ``ref`` has the shape of a
    misreading rather than of a discrepancy, or None: the reading is the start of the
    reference value (a line cut off; for names, whole words), it is — or one of its
    ``;``/``,``/``/``-separated parts is — another field's value (``others(name)``: that
    field on paper and in the reference), a name's diacritics differ where both sides
    carry them (a tone mark misread; a registry without diacritics is not this), or a
    long code differs in one character that OCR confuses with the reference's ("S" for
    "5", ``keys.confusable_difference``)."""
    if spec.how == "name":
        cmp = compare_names(paper, ref)
        if cmp.outcome == "marks" and cmp.unmarked_side is None:
            return "same letters, diacritics differ on both sides"
        words, whole = (name_key(paper) or "").split(), (name_key(ref) or "").split()
        if words and len(words) < len(whole) and whole[: len(words)] == words:
            return f"{spec.name} reads as the first words of the reference value (cut off)"
        return None
    if spec.how in ("int", "id"):
        return None
    if spec.how == "key" and spec.key is not None:
        confused = confusable_difference(spec.key(paper), spec.key(ref))
        if confused:
            return f"{spec.name} differs by one character read {confused}"
    a, b = text_key(paper), text_key(ref)
    if a and len(a) < len(b) and b.startswith(a):
        return f"{spec.name} reads as the start of the reference value (cut off)"
    parts = {a} | {text_key(part) for part in _PARTS.split(paper)}
    for name in _NEIGHBOURS:
        if name != spec.name and parts & {text_key(v) for v in others(name)}:
            return f"{spec.name} reads as (or contains) the {name}"
    return None


def _sibling_agrees(ctx: Context, spec: FieldSpec, ref: str) -> str | None:
    """Another vehicle document of the dossier reads, with confidence, what the registry
    holds: the dossier's papers disagree among themselves, so this reading is the likelier
    misreading (a planted or real change shows on every document)."""
    for other in ctx.siblings:
        value = other.get(spec.name)
        if value and other.doubt(spec.name) is None and _compare(spec, value, ref) is None:
            return f"the dossier's {other.doc_type} reads the registry's {spec.name}"
    return None


class RegistryMatch:
    """The document's vehicle was found in the registry (one row chosen)."""

    name = "registry_match"

    def check(self, ctx: Context) -> list[Finding]:
        if ctx.registry is None or ctx.registry.chosen is None:
            return []
        row = ctx.registry.chosen
        how = ""
        if ctx.registry.tolerant:
            how = f", found with {'; '.join(ctx.registry.tolerant)} (no key matched exactly)"
        return [
            Finding(
                self.name,
                "info",
                f"registry row {row.registry_id}{how}",
                paper_value=ctx.paper.get("plate_number") or ctx.paper.get("chassis_number"),
                reference_value=row.registry_id,
                source=REGISTRY,
                reference_import_id=row.import_id,
            )
        ]


class NotInRegistry:
    """No registry row shares the plate, chassis or engine number (rows that the latest
    snapshot no longer lists do not count; the finding names them)."""

    name = "not_in_registry"

    def check(self, ctx: Context) -> list[Finding]:
        if ctx.registry is None or ctx.registry.candidates:
            return []
        keys = [
            f"{f}={ctx.paper.get(f)}"
            for f in ("plate_number", "chassis_number", "engine_number")
            if ctx.paper.get(f)
        ]
        gone = ctx.registry.withdrawn
        if gone:  # only rows that the latest snapshot no longer lists share a key
            last = gone[-1]
            message = (
                f"no current registry row with this plate, chassis or engine number; "
                f"{', '.join(r.registry_id for r in gone)} absent from the snapshot of "
                f"import {last.withdrawn_import_id} (last listed in import {last.import_id})"
            )
            return [
                Finding(
                    self.name,
                    "error",
                    message,
                    fields=("plate_number", "chassis_number", "engine_number"),
                    paper_value="; ".join(keys) or None,
                    reference_value=", ".join(r.registry_id for r in gone),
                    source=REGISTRY,
                    reference_import_id=last.withdrawn_import_id,
                )
            ]
        # A key read with confidence is evidence enough; when every key is doubtful the
        # miss may be the misreading.
        present = [f for f in KEY_FIELDS if ctx.paper.get(f)]
        confident = any(ctx.paper.doubt(f) is None for f in present)
        doubt = None if confident or not present else ctx.paper.doubt(*present)
        severity, message = _doubted(
            "error", "no registry row with this plate, chassis or engine number", _low(doubt)
        )
        return [
            Finding(
                self.name,
                severity,
                message,
                fields=("plate_number", "chassis_number", "engine_number"),
                paper_value="; ".join(keys) or None,
                source=REGISTRY,
            )
        ]


class MultipleCandidates:
    """Several registry rows share a key; an error when no single one can be chosen."""

    name = "multiple_candidates"

    def check(self, ctx: Context) -> list[Finding]:
        if ctx.registry is None or len(ctx.registry.candidates) < 2:
            return []
        ids = ", ".join(sorted(c.registry_id for c in ctx.registry.candidates))
        chosen = ctx.registry.chosen
        message = f"{len(ctx.registry.candidates)} registry rows share a key; " + (
            f"{chosen.registry_id} agrees on chassis/engine" if chosen else "none can be chosen"
        )
        return [
            Finding(
                self.name,
                "warning" if chosen else "error",
                message,
                fields=("plate_number",),
                paper_value=ctx.paper.get("plate_number"),
                reference_value=ids,
                source=REGISTRY,
            )
        ]


@dataclass(frozen=True)
class FieldSpec:
    """How one field is compared: exact keys, edit distance on folded text, or integers."""

    name: str
    how: str  # 'key' | 'text' | 'int' | 'name' | 'id'
    key: Callable[[str | None], str | None] | None = None
    max_distance: int = 0  # for 'text': folded edit distance still treated as equal


COMPARED_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("plate_number", "key", plate_key),
    FieldSpec("chassis_number", "key", chassis_key),
    FieldSpec("engine_number", "key", engine_key),
    FieldSpec("owner_id_number", "id"),
    FieldSpec("owner_name", "name"),
    FieldSpec("brand", "text", max_distance=1),
    FieldSpec("model_code", "text", max_distance=1),
    FieldSpec("vehicle_type", "text", max_distance=2),
    FieldSpec("color", "text", max_distance=0),
    FieldSpec("manufacture_year", "int"),
    FieldSpec("seats", "int"),
    FieldSpec("engine_capacity_cc", "int"),
)


def _compare(spec: FieldSpec, paper: str, ref: str) -> tuple[str, str] | None:
    """None when the values agree, else (severity, message)."""
    if spec.how == "key":
        assert spec.key is not None
        return None if spec.key(paper) == spec.key(ref) else ("error", "differs")
    if spec.how == "id":
        a, b = id_key(paper), id_key(ref)
        if id_kind(a) != id_kind(b):
            return None  # CMND vs CCCD: needs linking (legacy_id), not comparable
        return None if a == b else ("error", "different ID number")
    if spec.how == "int":
        return None if int_value(paper) == int_value(ref) else ("error", "differs")
    if spec.how == "name":
        cmp = compare_names(paper, ref)
        if cmp.outcome == "same":
            return None
        if cmp.outcome == "marks":
            side = f" ({cmp.unmarked_side} has no diacritics)" if cmp.unmarked_side else ""
            return "warning", "same letters, different diacritics" + side
        if cmp.outcome == "close":
            return "warning", f"close spelling (edit distance {cmp.distance})"
        return "error", "different name"
    distance = text_distance(paper, ref)
    if distance <= spec.max_distance:
        return None
    return "error", f"differs (edit distance {distance})"


class FieldMismatch:
    """Field-by-field comparison with the chosen registry row; one finding per field."""

    name = "field_mismatch"

    def check(self, ctx: Context) -> list[Finding]:
        if ctx.registry is None or ctx.registry.chosen is None:
            return []
        row: VehicleRef = ctx.registry.chosen
        out = []

        def others(name: str) -> list[str]:
            values = (ctx.paper.get(name), _s(row.get(name)))
            return [v for v in values if v]

        for spec in COMPARED_FIELDS:
            paper, ref = ctx.paper.get(spec.name), _s(row.get(spec.name))
            if paper is None or ref is None:
                continue
            verdict = _compare(spec, paper, ref)
            if verdict is None:
                continue
            note = _low(ctx.paper.doubt(spec.name))
            if note is None and spec.name not in ctx.paper.checked:
                note = misreading(spec, paper, ref, others) or _sibling_agrees(ctx, spec, ref)
            severity, message = _doubted(
                verdict[0], f"{spec.name}: {verdict[1]} from registry row {row.registry_id}", note
            )
            out.append(
                Finding(
                    self.name,
                    severity,
                    message,
                    fields=(spec.name,),
                    paper_value=paper,
                    reference_value=ref,
                    source=REGISTRY,
                    reference_import_id=row.import_id,
                )
            )
        return out


class LegacyId:
    """The owner is identified by a 9-digit CMND that must be linked to a số định danh."""

    name = "legacy_id"

    def check(self, ctx: Context) -> list[Finding]:
        if ctx.paper.owner_id_kind != "cmnd":
            return self._from_dossier(ctx)
        field = ctx.paper.id_field
        note = _low(ctx.paper.doubt(field))  # a 12-digit ID cut short reads as a CMND

        def said(message: str) -> str:
            return _doubted("warning", message, note)[1]

        chosen = ctx.registry.chosen if ctx.registry else None
        reg_id = id_key(_s(chosen.get("owner_id_number"))) if chosen else None
        if chosen is not None and id_kind(reg_id) == "cccd":
            return [
                Finding(
                    self.name,
                    "warning",
                    said("CMND on paper; the registry holds a 12-digit ID for this vehicle"),
                    (field,),
                    ctx.paper.get(field),
                    reg_id,
                    REGISTRY,
                    chosen.import_id,
                )
            ]
        if ctx.linked is not None:
            return [
                Finding(
                    self.name,
                    "warning",
                    said(
                        "CMND on paper; one person of that name (and birth date) in the population"
                    ),
                    (field,),
                    ctx.paper.get(field),
                    ctx.linked.id_number,
                    POPULATION,
                    ctx.linked.import_id,
                )
            ]
        return [
            Finding(
                self.name,
                "warning",
                said("CMND on paper; needs linking to a số định danh"),
                (field,),
                ctx.paper.get(field),
            )
        ]

    def _from_dossier(self, ctx: Context) -> list[Finding]:
        """This document's ID was read as something that is not an ID (a digit lost, the
        issue date read in its place) while another document of the dossier reads, with
        confidence, a CMND for the same owner and none reads a 12-digit ID: the owner is
        identified by that CMND here too. A warning that says it rests on the other
        document. A document with no ID read at all may not print one (some certificate
        layouts do not), so it gets none."""
        paper = ctx.paper
        read = paper.get(paper.id_field)
        if (
            read is None
            or paper.owner_id_kind is not None
            or paper.doc_type not in _OWNER_ID_DOC_TYPES
        ):
            return []
        name = name_key(paper.get(paper.name_field))
        cmnd: list[tuple[str, str]] = []
        for other in ctx.siblings:
            other_id = other.owner_id
            if other.owner_id_kind == "cccd":
                return []
            if other.owner_id_kind != "cmnd" or other.doubt(other.id_field) is not None:
                continue
            if name and name_key(other.get(other.name_field)) != name:
                continue
            assert other_id is not None
            cmnd.append((other_id, other.doc_type))
        if len({number for number, _ in cmnd}) != 1:
            return []
        number, doc_type = cmnd[0]
        field = paper.id_field
        return [
            Finding(
                self.name,
                "warning",
                f"CMND {number} on the dossier's {doc_type}; needs linking to a số định danh "
                f"({DOUBTFUL}: this document's {field} reads {read!r})",
                (field,),
                read,
                number,
                PAPER,
                None,
            )
        ]


class OwnerNotInPopulation:
    """The paper's 12-digit ID is not in the population extract."""

    name = "owner_not_in_population"

    def check(self, ctx: Context) -> list[Finding]:
        if not ctx.person_looked_up or ctx.person is not None:
            return []
        field = ctx.paper.id_field
        severity, message = _doubted(
            "error", "ID number not found in the population database", _low(ctx.paper.doubt(field))
        )
        return [
            Finding(
                self.name,
                severity,
                message,
                (field,),
                ctx.paper.get(field),
                source=POPULATION,
            )
        ]


class OwnerMismatch:
    """Name, date of birth or sex on paper disagree with the population database."""

    name = "owner_mismatch"

    def check(self, ctx: Context) -> list[Finding]:
        person = ctx.person
        if person is None:
            return []
        out = []
        name_field = ctx.paper.name_field

        def add(field: str, severity: str, how: str, paper: str, ref: str) -> None:
            # A misread ID looks up someone else: its doubt counts as well.
            note = _low(ctx.paper.doubt(field, ctx.paper.id_field))
            if note is None and field == name_field and field not in ctx.paper.checked:
                note = misreading(FieldSpec(field, "name"), paper, ref, lambda _: [])
            severity, message = _doubted(
                severity, f"{field}: {how} in the population database ({person.id_number})", note
            )
            out.append(
                Finding(
                    self.name,
                    severity,
                    message,
                    (field,),
                    paper,
                    ref,
                    POPULATION,
                    person.import_id,
                )
            )

        paper_name = ctx.paper.get(name_field)
        if paper_name and person.full_name:
            verdict = _compare(FieldSpec(name_field, "name"), paper_name, person.full_name)
            if verdict:
                add(name_field, verdict[0], verdict[1], paper_name, person.full_name)
        dob = ctx.paper.get("date_of_birth")
        if dob and person.date_of_birth and dob != person.date_of_birth:
            add("date_of_birth", "error", "differs", dob, person.date_of_birth)
        sex = ctx.paper.get("sex")
        if sex and person.sex and parse_sex(sex) != person.sex:
            add("sex", "error", "differs", sex, person.sex)
        return out


_DISTRICT_UNIT = re.compile(r"^(?:QUAN|HUYEN|THI XA|THI TRAN|Q|H|TX|TT)\s+\S")
#: Folded ward-level unit words (and abbreviations), one or two words long.
_WARD_WORDS = frozenset({("PHUONG",), ("XA",), ("P",), ("X",), ("TT",), ("THI", "TRAN")})
#: Words before a province's name: a district of the same name there is the province.
_PROVINCE_WORDS = frozenset({"TINH", "TP", "PHO"})


@functools.cache
def _districts_by_first_word() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Listed district names of two words or more (``Quận 3`` is no evidence), as word
    tuples, by their first word."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for name in district_names():
        words = tuple(name.split())
        if len(words) >= 2:
            out.setdefault(words[0], []).append(words)
    return {k: tuple(v) for k, v in out.items()}


def _district_after_ward(parts: Sequence[str]) -> bool:
    """A listed district's name after the ward's own name, with or without its unit word
    and delimiter ("xã Hải Bối huyện Đông Anh", "P. Việt Hưng, Long Biên", "P. Thụy Khuê,
    O. Tây Hồ", "Quậ Cầu Giấy": a unit word left out by the writer or misread). A
    new-form ward named after its old district ("Phường Long Biên") has the name right
    after its unit word, a district name before the ward is a street's, and one with
    nothing after it stands where the province does."""
    words = " , ".join(parts).split()
    districts = _districts_by_first_word()
    ward = None
    for i in range(len(words)):
        size = next((n for n in (2, 1) if tuple(words[i : i + n]) in _WARD_WORDS), 0)
        if size and i + size < len(words) and words[i + size] != ",":
            ward = i + size
            break
    if ward is None:
        return False
    for i in range(ward + 1, len(words)):
        if words[i - 1] in _PROVINCE_WORDS:
            continue
        for name in districts.get(words[i], ()):
            # ... and the province after it: a name in the province's place is the province.
            if tuple(words[i : i + len(name)]) == name and i + len(name) < len(words):
                return True
    return False


def pre_reform_address(address: str) -> bool:
    """True for the pre-01/07/2025 form: a district-level unit (quận/huyện/thị xã) or a
    thị trấn, written out or abbreviated (``Q.``, ``H.``, ``TX.``, ``TT.``), after the
    first comma-separated part (DOMAIN.md §8.2), or a listed district named after the
    ward (``_district_after_ward``)."""
    parts = [fold_part(p).strip() for p in address.split(",")][1:]
    return any(_DISTRICT_UNIT.match(p) for p in parts) or _district_after_ward(parts)


class AddressPreReform:
    """The address names pre-2025 units; not a mismatch by itself (information)."""

    name = "address_pre_reform"

    def check(self, ctx: Context) -> list[Finding]:
        field = ctx.paper.address_field
        address = ctx.paper.get(field)
        if not address or not pre_reform_address(address):
            return []
        person = ctx.person
        return [
            Finding(
                self.name,
                "info",
                "address in the pre-2025 form (district level); compare via a crosswalk",
                (field,),
                address,
                person.place_of_residence if person else None,
                POPULATION if person else PAPER,
                person.import_id if person else None,
            )
        ]


class PastServiceLife:
    """Trucks over 25 and passenger vehicles over 20 years from manufacture (DOMAIN §7)."""

    name = "past_service_life"

    def check(self, ctx: Context) -> list[Finding]:
        if not ctx.paper.is_vehicle:
            return []
        chosen = ctx.registry.chosen if ctx.registry else None

        def value(name: str) -> str | None:
            v = ctx.paper.get(name)
            if v is None and chosen is not None:
                v = _s(chosen.get(name))
            return v

        year = int_value(value("manufacture_year"))
        vtype = value("vehicle_type")
        if year is None or not vtype:
            return []
        category = service_life_category(vtype, int_value(value("seats")))
        end = service_life_end_year(year, category)
        if end is None or ctx.as_of.year <= end:
            return []
        _, message = _doubted(
            "warning",
            f"{category}: manufactured {year}, service life ended 31/12/{end} "
            f"(as of {ctx.as_of.isoformat()})",
            _low(ctx.paper.doubt("manufacture_year", "vehicle_type", "seats")),
        )
        return [
            Finding(
                self.name,
                "warning",
                message,
                ("manufacture_year", "vehicle_type", "seats"),
                f"{year}; {vtype}; {value('seats') or '-'}",
                str(end),
            )
        ]


class PlateNotLocal:
    """The plate's locality code is not one of this office's (a move-in: flag, not reject)."""

    name = "plate_not_local"

    def check(self, ctx: Context) -> list[Finding]:
        if not ctx.paper.is_vehicle or not ctx.local_codes:
            return []
        plate = ctx.paper.get("plate_number")
        key = plate_key(plate)
        if not plate or not key or not key[:2].isdigit() or key[:2] in ctx.local_codes:
            return []
        code = key[:2]
        known = "" if code in LOCALITY_CODES else " (not a locality code in use)"
        _, message = _doubted(
            "warning",
            f"plate locality code {code} is not local{known}",
            _low(ctx.paper.doubt("plate_number")),
        )
        return [
            Finding(
                self.name,
                "warning",
                message,
                ("plate_number",),
                plate,
                ", ".join(sorted(ctx.local_codes)),
            )
        ]


RULES: tuple[Rule, ...] = (
    RegistryMatch(),
    NotInRegistry(),
    MultipleCandidates(),
    FieldMismatch(),
    LegacyId(),
    OwnerNotInPopulation(),
    OwnerMismatch(),
    AddressPreReform(),
    PastServiceLife(),
    PlateNotLocal(),
)
RULE_NAMES: tuple[str, ...] = tuple(r.name for r in RULES)


def evaluate(ctx: Context, rules: tuple[Rule, ...] = RULES) -> list[Finding]:
    """Every finding of ``rules`` (in order) for one document."""
    return [f for rule in rules for f in rule.check(ctx)]
