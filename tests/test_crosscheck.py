"""Cross-check: keys, each rule on its own, the importer, and precision/recall end to end."""

from __future__ import annotations

import json
import subprocess
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crosscheck import importer, rules
from crosscheck import run as cc
from crosscheck.context import Context, Paper, PersonRef, RegistryLookup, VehicleRef
from crosscheck.keys import (
    chassis_key,
    compare_names,
    confusable_difference,
    confusable_variants,
    engine_key,
    plate_key,
)
from crosscheck.matching import registry_lookups
from fixtures.registry import load_truth_documents, make_reference, write_reference
from hoso import db
from hoso.models import Check, CheckState, DocStatus, Document, PopulationPerson, RegistryVehicle
from tests.clirun import clean_env
from tests.clirun import hoso as run_hoso
from tests.dbs import migrated_sessions

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 6, 30)
HANOI = frozenset({"29", "30", "31", "32", "33", "40"})


# ---------------------------------------------------------------- keys and names


def test_keys_ignore_printing_differences() -> None:
    assert plate_key("29-L7 439.89") == plate_key("29L7-43989") == "29L743989"
    assert plate_key("30A - 123.45") == plate_key("30a12345")
    assert plate_key("29-MÐ1 013.53") == "29MĐ101353"
    assert chassis_key("RLHJF D0Y8KX 697248") == chassis_key("rlhjf-d0y8kx697248")
    assert chassis_key("RLHJFD0Y8KXO97248") == "RLHJFD0Y8KX097248"  # VIN-like: O→0
    assert engine_key("JF63E-3355048") == engine_key("JF63E 3355048")
    assert engine_key("2ZR1; 1NM2") == engine_key("1NM2;2ZR1")


def test_confusable_variants_and_differences() -> None:
    near = confusable_variants("RL4B1234567890123")
    assert "RL4B12345678901Z3" in near and "RL488234567890123" not in near  # one change only
    assert "RL4B1234567890123" not in near and "RL4B1234S67890123" in near
    assert confusable_variants("29A1234") == frozenset()  # short codes are not varied
    # Engine keys: one number varied, the numbers sorted again.
    assert "1NM7727860;2ZR3836350" in confusable_variants("2ZR3836350;INM7727860")
    assert confusable_difference("RL4B1234S67890123", "RL4B1234567890123") == "S for 5"
    assert confusable_difference("RL4B1234X67890123", "RL4B1234567890123") is None
    assert confusable_difference("RL4B12S4S67890123", "RL4B1234567890123") is None
    assert confusable_difference("JA39E49", "JA39E4S") is None  # too short to tell


def test_names_compare_without_silent_correction() -> None:
    assert compare_names("Nguyễn Thị Hòa", "NGUYỄN THỊ HOÀ").outcome == "same"
    nfd = unicodedata.normalize("NFD", "ĐỖ HỮU SƠN")
    assert compare_names("Đỗ Hữu Sơn", nfd).outcome == "same"
    assert compare_names("ĐỖ HỮU SƠN", "ÐỖ HỮU SƠN").outcome == "same"  # eth for Đ
    assert compare_names("Nguyễn Văn An", "Thiếu tá NGUYỄN VĂN AN 1978").outcome == "same"
    bare = compare_names("Nguyễn Văn An", "NGUYEN VAN AN")
    assert (bare.outcome, bare.unmarked_side) == ("marks", "reference")
    assert compare_names("Trần Văn Hùng", "Trần Văn Hưng").outcome == "marks"
    assert compare_names("Lê Thị Lan", "Lê Thị Lanh").outcome == "close"
    assert compare_names("Lê Thị Lan", "Phạm Văn Đức").outcome == "different"


@pytest.mark.parametrize(
    ("address", "old"),
    [
        ("Số 12 phố Kim Mã, phường Kim Mã, quận Ba Đình, Hà Nội", True),
        ("Số 12 phố Kim Mã, P. Kim Mã, Q. Ba Đình, TP Hà Nội", True),
        ("Xóm 3, TT. Sóc Sơn, H. Sóc Sơn, TP Hà Nội", True),
        ("Số 1 phố Trần Phú, Phường Quang Trung, Thị xã Sơn Tây, Thành phố Hà Nội", True),
        ("Số 12 phố Kim Mã, Phường Giảng Võ, Thành phố Hà Nội", False),
        ("Thôn Đoài, Xã Đông Anh, TP. Hà Nội", False),
        ("Số 7 đường Quang Trung, Phường Hà Đông, Thành phố Hà Nội", False),
        # The district's unit word left out (or lost by OCR) between ward and province.
        ("Số 56, ngách 46/5, ngõ 187 Xuân Thủy, P. Việt Hưng, Long Biên, TP Hà Nội", True),
        ("Thôn Bắc, xã Mai Đình, Sóc Sơn, Hà Nội", True),
        ("Số 7, Phường Long Biên, Thành phố Hà Nội", False),
        ("Số 7 Long Biên, Phường Bồ Đề, Thành phố Hà Nội", False),
        ("Số 7, Phường Bồ Đề, Phố Cổ, Thành phố Hà Nội", False),
        # ... or misread, or glued to the ward without a comma (OCR).
        ("Xóm 4, xã Hải Bối huyện Đông Anh, TP. Hà Nội", True),
        ("Tổ dân phố 25, Phường Quảng An Quận Tây Hồ, Thành phố Hà Nội", True),
        ("Số 36 đường Cầu Giấy, phường Việt Hưng. quận Long Biên, TP. Hà Nội", True),
        ("Số 101 đường Xuân Thủy, P. Thụy Khuê, O. Tây Hồ, TP Hà Nội", True),
        ("Số 94, ngõ 13 Hàng Bông, Phường Trung Hòa, Quậ Cầu Giấy, Thành phố Hà Nội", True),
        # A street named after a district before the ward; a province named like a district.
        ("Số 5, đường Cầu Giấy, Phường Dịch Vọng, TP Hà Nội", False),
        ("Số 5, Phường Đông Hà, Tỉnh Quảng Trị", False),
        ("Số 5, Phường Đông Hà, Quảng Trị", False),
    ],
)
def test_pre_reform_address(address: str, old: bool) -> None:
    assert rules.pre_reform_address(address) is old


# ---------------------------------------------------------------- rules, one by one

CAR = {
    "owner_name": "NGUYỄN VĂN AN",
    "owner_id_number": "001080012345",
    "owner_address": "Số 1 phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội",
    "plate_number": "30A-123.45",
    "brand": "TOYOTA",
    "model_code": "VIOS",
    "vehicle_type": "Ô tô con",
    "color": "Trắng",
    "engine_number": "2NR1234567",
    "chassis_number": "RL4B1234567890123",
    "manufacture_year": "2018",
    "engine_capacity_cc": "1496",
    "seats": "5",
}


def _paper(doc_type: str = "registration_certificate", **changes: str | None) -> Paper:
    fields: dict[str, str | None] = dict(CAR) if doc_type != "citizen_id" else {}
    fields.update(changes)
    return Paper("doc-1", "hs-1", doc_type, fields)


def _row(rid: str = "R1", **changes: str | int | None) -> VehicleRef:
    values: dict[str, str | int | None] = {**CAR, "registry_id": rid, "status": "active"}
    values["manufacture_year"], values["seats"], values["engine_capacity_cc"] = 2018, 5, 1496
    values.update(changes)

    def s(name: str) -> str | None:
        v = values.get(name)
        return None if v is None else str(v)

    return VehicleRef(
        rid,
        values,
        plate_key(s("plate_number")),
        chassis_key(s("chassis_number")),
        engine_key(s("engine_number")),
        s("owner_id_number"),
        import_id=1,
    )


def _ctx(paper: Paper | None = None, **kw: Any) -> Context:
    return Context(paper=paper or _paper(), as_of=AS_OF, local_codes=HANOI, **kw)


PERSON = PersonRef("001080012345", "Nguyễn Văn An", "1980-03-04", "Nam", "Phường X", 2)


def test_registry_match_names_the_row() -> None:
    found = rules.RegistryMatch().check(_ctx(registry=RegistryLookup((_row(),), _row())))
    assert [(f.rule, f.severity, f.reference_value) for f in found] == [
        ("registry_match", "info", "R1")
    ]
    assert rules.RegistryMatch().check(_ctx(registry=RegistryLookup())) == []
    assert rules.RegistryMatch().check(_ctx()) == []  # not a vehicle lookup


def test_not_in_registry_only_without_candidates() -> None:
    (f,) = rules.NotInRegistry().check(_ctx(registry=RegistryLookup()))
    assert (f.rule, f.severity, f.source) == ("not_in_registry", "error", "registry")
    assert rules.NotInRegistry().check(_ctx(registry=RegistryLookup((_row(),), _row()))) == []


def test_multiple_candidates_is_an_error_only_when_ambiguous() -> None:
    a, b = _row("R1"), _row("R2", chassis_number="OTHER123", engine_number="X1")
    (resolved,) = rules.MultipleCandidates().check(_ctx(registry=RegistryLookup((a, b), a)))
    assert (resolved.severity, resolved.reference_value) == ("warning", "R1, R2")
    (ambiguous,) = rules.MultipleCandidates().check(_ctx(registry=RegistryLookup((a, b), None)))
    assert ambiguous.severity == "error"
    assert rules.MultipleCandidates().check(_ctx(registry=RegistryLookup((a,), a))) == []


def test_field_mismatch_per_field_with_thresholds() -> None:
    row = _row(
        engine_number="2NR9999999",  # changed engine: error
        owner_name="NGUYEN VAN AN",  # no diacritics: warning, never corrected
        color="TRANG",  # colour without diacritics: equal
        model_code="VIOS ",  # spacing: equal
        vehicle_type="Xe ô tô con",  # within 2 edits: equal
        plate_number="30A12345",
        manufacture_year=2019,
    )
    found = rules.FieldMismatch().check(_ctx(registry=RegistryLookup((row,), row)))
    got = {f.fields: f.severity for f in found}
    assert got == {
        ("engine_number",): "error",
        ("owner_name",): "warning",
        ("manufacture_year",): "error",
    }
    eng = next(f for f in found if f.fields == ("engine_number",))
    assert (eng.paper_value, eng.reference_value) == ("2NR1234567", "2NR9999999")


def test_field_mismatch_does_not_compare_cmnd_with_cccd() -> None:
    row = _row(owner_id_number="001080012345")
    ctx = _ctx(_paper(owner_id_number="012345678"), registry=RegistryLookup((row,), row))
    assert rules.FieldMismatch().check(ctx) == []
    other = _row(owner_id_number="001090099999", owner_name="TRẦN THỊ BÌNH")
    found = rules.FieldMismatch().check(_ctx(registry=RegistryLookup((other,), other)))
    assert {f.fields[0]: f.severity for f in found} == {
        "owner_id_number": "error",
        "owner_name": "error",
    }


def test_doubtful_readings_are_warnings_that_say_so() -> None:
    row = _row(engine_number="2NR9999999", manufacture_year=2019)
    paper = Paper("doc-1", "hs-1", "registration_certificate", dict(CAR), {"engine_number": 0.41})
    found = rules.FieldMismatch().check(_ctx(paper, registry=RegistryLookup((row,), row)))
    got = {f.fields[0]: (f.severity, rules.DOUBTFUL in f.message) for f in found}
    # The doubtful engine number is a warning; the confidently read year stays an error.
    assert got == {"engine_number": ("warning", True), "manufacture_year": ("error", False)}
    assert "0.41" in found[0].message
    # not_in_registry: an error while any key was read with confidence.
    some = Paper("d", "h", "registration_certificate", dict(CAR), {"plate_number": 0.3})
    (f,) = rules.NotInRegistry().check(_ctx(some, registry=RegistryLookup()))
    assert f.severity == "error"
    doubts = {"plate_number": 0.3, "chassis_number": 0.5, "engine_number": 0.8}
    every = Paper("d", "h", "registration_certificate", dict(CAR), doubts)
    (g,) = rules.NotInRegistry().check(_ctx(every, registry=RegistryLookup()))
    assert g.severity == "warning" and "plate_number read with confidence 0.30" in g.message
    # Population: a doubtful ID looks up someone else, so it softens every owner finding.
    card = Paper(
        "c", "h", "citizen_id",
        {"id_number": "001080012345", "full_name": "TRẦN VĂN BA", "date_of_birth": "1980-03-04"},
        {"id_number": 0.6},
    )  # fmt: skip
    (m,) = rules.OwnerMismatch().check(_ctx(card, person=PERSON))
    assert (m.fields, m.severity) == (("full_name",), "warning") and rules.DOUBTFUL in m.message
    (n,) = rules.OwnerNotInPopulation().check(_ctx(card, person_looked_up=True))
    assert n.severity == "warning"


def test_differences_shaped_like_misreadings_are_doubtful() -> None:
    row = _row(vehicle_type="Ô tô tải (pickup cabin kép)", owner_name="NGUYỄN VĂN AN")
    fields = {
        **CAR,
        "vehicle_type": "Ô tô tải (pickup",  # a line cut off
        "engine_number": CAR["chassis_number"],  # the neighbouring line's value
        "owner_name": "NGUYÊN VĂN AN",  # a tone mark misread (both sides marked)
    }
    paper = Paper("doc-1", "hs-1", "registration_certificate", fields)
    found = rules.FieldMismatch().check(_ctx(paper, registry=RegistryLookup((row,), row)))
    assert {f.fields[0]: f.severity for f in found} == {
        "vehicle_type": "warning",
        "engine_number": "warning",
        "owner_name": "warning",
    }
    assert all(rules.DOUBTFUL in f.message for f in found), [f.message for f in found]
    # The same values entered by a reviewer are what they are.
    checked = Paper("doc-1", "hs-1", "registration_certificate", fields, {}, frozenset(fields))
    again = rules.FieldMismatch().check(_ctx(checked, registry=RegistryLookup((row,), row)))
    assert {f.fields[0]: f.severity for f in again}["engine_number"] == "error"
    assert not any(rules.DOUBTFUL in f.message for f in again)
    # A registry without diacritics is a discrepancy, not a misreading.
    bare = _row(owner_name="NGUYEN VAN AN")
    (name,) = rules.FieldMismatch().check(_ctx(registry=RegistryLookup((bare,), bare)))
    assert rules.DOUBTFUL not in name.message
    # A year misread on one document while the dossier's other document reads the
    # registry's: the papers disagree among themselves.
    year = Paper("d1", "h", "registration_certificate", {**CAR, "manufacture_year": "2011"})
    sibling = Paper("d2", "h", "registration_declaration", dict(CAR))
    (y,) = rules.FieldMismatch().check(
        _ctx(year, registry=RegistryLookup((_row(),), _row()), siblings=(sibling,))
    )
    assert y.severity == "warning" and "registration_declaration reads" in y.message
    (alone,) = rules.FieldMismatch().check(_ctx(year, registry=RegistryLookup((_row(),), _row())))
    assert alone.severity == "error"
    # Warnings on doubtful readings say so too.
    plate = Paper("d", "h", "registration_certificate", {**CAR, "plate_number": "51A-123.45"},
                  {"plate_number": 0.2})  # fmt: skip
    (local,) = rules.PlateNotLocal().check(_ctx(plate))
    assert rules.DOUBTFUL in local.message
    short = Paper("d", "h", "citizen_id", {"id_number": "001305458"}, {"id_number": 0.76})
    (legacy,) = rules.LegacyId().check(_ctx(short))
    assert legacy.severity == "warning" and rules.DOUBTFUL in legacy.message


def test_a_code_one_confusable_character_off_is_a_doubtful_difference() -> None:
    paper = _paper(chassis_number="RL4B1234S67890123", engine_number="2NR7654321")
    found = rules.FieldMismatch().check(_ctx(paper, registry=RegistryLookup((_row(),), _row())))
    by_field = {f.fields[0]: f for f in found}
    assert by_field["chassis_number"].severity == "warning"
    assert "read S for 5" in by_field["chassis_number"].message
    # A different engine number (an engine replaced) is a discrepancy.
    assert by_field["engine_number"].severity == "error"
    assert rules.DOUBTFUL not in by_field["engine_number"].message


def test_lookup_finds_the_row_a_misread_key_is_one_character_from(
    db_url: str, tmp_path: Path
) -> None:
    """Plate cut off, chassis read with S for 5 and engine with G for 6: no key matches,
    and the vehicle is registered. The one row a confusable character away is chosen and
    says how it was found; when two rows are that near, none is."""
    rows = [
        {**CAR, "registry_id": "R1", "status": "active"},
        {**CAR, "registry_id": "R2", "status": "active", "plate_number": "30A-999.99",
         "chassis_number": "RL4B9999999999999", "engine_number": "2NR1234561"},
        {**CAR, "registry_id": "R3", "status": "active", "plate_number": "30A-888.88",
         "chassis_number": "RL4B9999999959999", "engine_number": "1KD0000000"},
    ]  # fmt: skip
    path = tmp_path / "registry.csv"
    header = list(importer.REGISTRY_COLUMNS)
    lines = [",".join(header)] + [",".join(str(r.get(c, "")) for c in header) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sessions = migrated_sessions(db_url)
    with sessions() as s, s.begin():
        importer.import_registry(s, path)
    misread = Paper("d1", "h1", "registration_certificate",
                    {**CAR, "plate_number": "30A-123", "chassis_number": "RL4B1234S67890123",
                     "engine_number": "2NR12345G7"})  # fmt: skip
    # The chassis number is one confusable character from R3's (not among its last four,
    # which are digits), the engine number from R2's.
    ambiguous = Paper("d2", "h2", "registration_certificate",
                      {"plate_number": "30A-12", "chassis_number": "RL4B99999999S9999",
                       "engine_number": "2NR123456I"})  # fmt: skip
    exact = Paper("d3", "h3", "registration_certificate", dict(CAR))
    with sessions() as s:
        found = registry_lookups(s, [misread, ambiguous, exact])
    assert found["d1"].chosen is not None and found["d1"].chosen.registry_id == "R1"
    assert found["d1"].tolerant == (
        "chassis_number read S for 5", "engine_number read G for 6"
    )  # fmt: skip
    assert found["d2"].candidates == () and found["d2"].chosen is None
    assert found["d3"].chosen is not None and found["d3"].tolerant == ()
    ctx = _ctx(misread, registry=found["d1"])
    (match,) = rules.RegistryMatch().check(ctx)
    assert "found with chassis_number read S for 5" in match.message
    assert rules.NotInRegistry().check(ctx) == []
    mismatches = {f.fields[0]: f.severity for f in rules.FieldMismatch().check(ctx)}
    # Each differing key has the shape of a misreading: a doubtful warning, not an error.
    assert mismatches == {
        "plate_number": "warning", "chassis_number": "warning", "engine_number": "warning"
    }  # fmt: skip


def test_legacy_id_proposes_the_link() -> None:
    paper = _paper(owner_id_number="012345678")
    row = _row(owner_id_number="001080012345")
    (f,) = rules.LegacyId().check(_ctx(paper, registry=RegistryLookup((row,), row)))
    assert (f.rule, f.severity, f.reference_value, f.source) == (
        "legacy_id",
        "warning",
        "001080012345",
        "registry",
    )
    (g,) = rules.LegacyId().check(_ctx(paper, linked=PERSON))
    assert (g.reference_value, g.source) == ("001080012345", "population")
    assert rules.LegacyId().check(_ctx()) == []


def test_legacy_id_from_the_dossier_when_this_documents_id_is_misread() -> None:
    declaration = Paper("d2", "hs-1", "registration_declaration",
                        {**CAR, "owner_id_number": "012345678"})  # fmt: skip
    for misread in ("12345678", "18.05.2006"):
        paper = _paper(owner_id_number=misread)
        (f,) = rules.LegacyId().check(_ctx(paper, siblings=(declaration,)))
        assert (f.severity, f.reference_value, f.paper_value) == ("warning", "012345678", misread)
        assert "registration_declaration" in f.message and rules.DOUBTFUL in f.message
    short = _paper(owner_id_number="12345678")
    # Nothing read (a layout without the ID), another owner, a doubtful CMND, or a
    # 12-digit ID on another document: no finding.
    assert rules.LegacyId().check(_ctx(_paper(owner_id_number=None), siblings=(declaration,))) == []
    other = Paper("d2", "hs-1", "registration_declaration",
                  {**CAR, "owner_id_number": "012345678", "owner_name": "LÊ THỊ HOA"})  # fmt: skip
    assert rules.LegacyId().check(_ctx(short, siblings=(other,))) == []
    unsure = Paper("d2", "hs-1", "registration_declaration",
                   {**CAR, "owner_id_number": "012345678"}, {"owner_id_number": 0.4})  # fmt: skip
    assert rules.LegacyId().check(_ctx(short, siblings=(unsure,))) == []
    cccd = Paper("d3", "hs-1", "registration_certificate", dict(CAR))
    assert rules.LegacyId().check(_ctx(short, siblings=(declaration, cccd))) == []


def test_owner_not_in_population() -> None:
    (f,) = rules.OwnerNotInPopulation().check(_ctx(person_looked_up=True))
    assert (f.rule, f.severity, f.fields) == (
        "owner_not_in_population",
        "error",
        ("owner_id_number",),
    )
    assert rules.OwnerNotInPopulation().check(_ctx(person_looked_up=True, person=PERSON)) == []
    assert rules.OwnerNotInPopulation().check(_ctx()) == []  # CMND, tax code: not looked up


def test_owner_mismatch_name_dob_sex() -> None:
    card = _paper(
        "citizen_id",
        id_number="001080012345",
        full_name="NGUYỄN VĂN AN",
        date_of_birth="1980-03-04",
        sex="Nam",
    )
    assert rules.OwnerMismatch().check(_ctx(card, person=PERSON)) == []
    wrong = PersonRef("001080012345", "NGUYEN VAN AN", "1980-04-03", "Nữ", None, 2)
    found = rules.OwnerMismatch().check(_ctx(card, person=wrong))
    assert {f.fields[0]: f.severity for f in found} == {
        "full_name": "warning",
        "date_of_birth": "error",
        "sex": "error",
    }
    assert all(f.source == "population" and f.reference_import_id == 2 for f in found)


def test_address_pre_reform_is_information_with_the_new_address() -> None:
    paper = _paper(owner_address="Số 1 phố Huế, P. Bùi Thị Xuân, Q. Hai Bà Trưng, Hà Nội")
    (f,) = rules.AddressPreReform().check(_ctx(paper, person=PERSON))
    assert (f.severity, f.reference_value) == ("info", "Phường X")
    assert rules.AddressPreReform().check(_ctx()) == []


@pytest.mark.parametrize(
    ("vehicle_type", "seats", "year", "past"),
    [
        ("Ô tô tải", "3", 2000, True),  # truck: 25 years, ended 31/12/2025
        ("Ô tô tải", "3", 2001, False),  # ends 31/12/2026
        ("Ô tô khách", "29", 2005, True),  # passenger: 20 years
        ("Ô tô khách", "29", 2006, False),
        ("Ô tô con", "5", 1980, False),  # ≤ 9 seats: exempt
        ("Ô tô con", "16", 2000, True),  # > 9 seats: passenger
        ("Xe mô tô", None, 1980, False),
        ("Ô tô chuyên dùng", None, 1980, False),
    ],
)
def test_past_service_life(vehicle_type: str, seats: str | None, year: int, past: bool) -> None:
    paper = _paper(vehicle_type=vehicle_type, seats=seats, manufacture_year=str(year))
    found = rules.PastServiceLife().check(_ctx(paper))
    assert bool(found) is past
    if past:
        assert found[0].severity == "warning"


def test_past_service_life_takes_missing_values_from_the_registry() -> None:
    paper = _paper(manufacture_year=None, vehicle_type="Ô tô tải", seats=None)
    row = _row(manufacture_year=1990)
    assert rules.PastServiceLife().check(_ctx(paper, registry=RegistryLookup((row,), row)))


def test_plate_not_local() -> None:
    (f,) = rules.PlateNotLocal().check(_ctx(_paper(plate_number="51A-123.45")))
    assert (f.rule, f.severity) == ("plate_not_local", "warning")
    (g,) = rules.PlateNotLocal().check(_ctx(_paper(plate_number="13A-123.45")))
    assert "not a locality code" in g.message
    assert rules.PlateNotLocal().check(_ctx()) == []


def test_rules_are_an_explicit_ordered_list() -> None:
    assert rules.RULE_NAMES == (
        "registry_match",
        "not_in_registry",
        "multiple_candidates",
        "field_mismatch",
        "legacy_id",
        "owner_not_in_population",
        "owner_mismatch",
        "address_pre_reform",
        "past_service_life",
        "plate_not_local",
    )


# ---------------------------------------------------------------- importer


def test_import_is_idempotent_streaming_and_upserts(db_url: str, tmp_path: Path) -> None:
    ref = make_reference(40, 3, AS_OF)
    paths = write_reference(ref, tmp_path / "ref")
    sessions = migrated_sessions(db_url)
    for _ in range(2):
        with sessions() as s, s.begin():
            r = importer.import_registry(s, paths["registry"], chunk=7)
            p = importer.import_population(s, paths["population"], chunk=7)
            assert (r.rows, r.skipped, p.rows) == (len(ref.registry), 0, len(ref.population))
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(RegistryVehicle)) == len(ref.registry)
        assert s.scalar(select(func.count()).select_from(PopulationPerson)) == len(ref.population)
        first = s.get(RegistryVehicle, ref.registry[0]["registry_id"])
        assert first is not None and first.plate_key and first.import_id == 3
    # A JSON Lines file with other column names, a changed value, a duplicate key and a bad row.
    changed = dict(ref.registry[0], color="Tím", registry_id=ref.registry[0]["registry_id"])
    lines = [
        {("mau_son" if k == "color" else k): v for k, v in row.items()}
        for row in (ref.registry[0], changed)
    ] + [{"plate_number": "30A-000.01"}]
    jsonl = tmp_path / "update.jsonl"
    jsonl.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"mau_son": "color"}))
    with sessions() as s, s.begin():
        r = importer.import_registry(s, jsonl, importer.load_mapping(mapping))
        assert (r.rows, r.skipped) == (2, 1)
    with sessions() as s:
        row = s.get(RegistryVehicle, changed["registry_id"])
        assert row is not None and row.color == "Tím"
        assert s.scalar(select(func.count()).select_from(RegistryVehicle)) == len(ref.registry)


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "r.xlsx"
    bad.write_text("x")
    sessions = migrated_sessions(f"sqlite:///{tmp_path / 'x.db'}")
    with sessions() as s, s.begin(), pytest.raises(importer.ReferenceFileError):
        importer.import_registry(s, bad)


# ---------------------------------------------------------------- end to end

N_DOSSIERS = 480


def _measure(db_url: str, tmp_path: Path) -> tuple[dict[str, tuple[float, float, int]], Any]:
    ref = make_reference(N_DOSSIERS, 11, AS_OF)
    paths = write_reference(ref, tmp_path / "ref")
    sessions = migrated_sessions(db_url)
    with sessions() as s, s.begin():
        keys = load_truth_documents(s, ref.truth, "b1")
        importer.import_registry(s, paths["registry"])
        importer.import_population(s, paths["population"])
    with sessions() as s, s.begin():
        # True values are stored at confidence 1.0: the review threshold changes nothing.
        summary = cc.run(s, as_of=AS_OF, review_threshold=0.9)
    by_id = {v: k for k, v in keys.items()}
    with sessions() as s:
        found = {(by_id[r["document_id"]], r["rule"], r["fields"]) for r in cc.iter_findings(s)}
    expected = {(p["document"], p["rule"], ",".join(p["fields"])) for p in ref.planted}
    scores = {}
    for rule in rules.RULE_NAMES:
        f = {x for x in found if x[1] == rule}
        e = {x for x in expected if x[1] == rule}
        tp = len(f & e)
        scores[rule] = (tp / len(f) if f else 1.0, tp / len(e) if e else 1.0, len(e))
    return scores, (ref, summary)


def test_precision_and_recall_per_rule_on_planted_data(db_url: str, tmp_path: Path) -> None:
    scores, (ref, summary) = _measure(db_url, tmp_path)
    planted = Counter(p["kind"] for p in ref.planted)
    dossiers_per_kind = Counter(
        (p["kind"], p["dossier_id"]) for p in ref.planted if p["kind"] not in {"natural", "match"}
    )
    per_kind = Counter(kind for kind, _ in dossiers_per_kind)
    for kind in (
        "engine_changed",
        "resale",
        "name_no_diacritics",
        "missing_vehicle",
        "duplicate_plate",
        "cmnd",
        "not_in_population",
        "dob_differs",
        "sex_differs",
        "population_name_no_diacritics",
        "old_vehicle",
        "non_local_plate",
    ):
        assert per_kind[kind] >= 50, (kind, per_kind[kind], planted)
    for rule, (precision, recall, n) in scores.items():
        assert n >= 50, (rule, n)
        assert precision >= 0.99 and recall >= 0.98, (rule, precision, recall)
    assert summary.dossiers == N_DOSSIERS and summary.past_service_life >= 50


def test_reference_scans_carry_the_generator_truth(tmp_path: Path) -> None:
    """``--scans``: same references as the truth-only mode, files for every document, and
    expectations that the rules meet on the rendered documents' true values."""
    plain = make_reference(8, 11, AS_OF)
    ref = make_reference(8, 11, AS_OF, scans=tmp_path / "scans", levels=("clean", "scan"))
    assert (ref.registry, ref.population) == (plain.registry, plain.population)

    def types(truth: list[dict[str, Any]]) -> list[tuple[str, str]]:
        return sorted((t["dossier_id"], t["doc_type"]) for t in truth)

    assert types(ref.truth) == types(plain.truth)
    for t in ref.truth:
        assert (tmp_path / "scans" / t["dossier_id"] / t["source"]["filename"]).is_file()
    assert {t["level"] for t in ref.truth} == {"clean", "scan"}
    keys = {
        f"{t['dossier_id']}/{t['source']['filename']}#{t['source']['page_start']}"
        for t in ref.truth
    }
    assert {p["document"] for p in ref.planted} <= keys
    paths = write_reference(ref, tmp_path / "ref")
    sessions = migrated_sessions(f"sqlite:///{tmp_path / 'cc.db'}")
    with sessions() as s, s.begin():
        ids = load_truth_documents(s, ref.truth, "b1")
        importer.import_registry(s, paths["registry"])
        importer.import_population(s, paths["population"])
    with sessions() as s, s.begin():
        cc.run(s, as_of=AS_OF)
    by_id = {v: k for k, v in ids.items()}
    with sessions() as s:
        found = {(by_id[r["document_id"]], r["rule"], r["fields"]) for r in cc.iter_findings(s)}
    assert found == {(p["document"], p["rule"], ",".join(p["fields"])) for p in ref.planted}
    with pytest.raises(ValueError):
        make_reference(1, 11, AS_OF, scans=tmp_path / "x", levels=("blurry",))


def test_rerun_keeps_reviewer_state_and_blocks_auto_approval(tmp_path: Path) -> None:
    ref = make_reference(24, 5, AS_OF)
    paths = write_reference(ref, tmp_path / "ref")
    sessions = migrated_sessions(f"sqlite:///{tmp_path / 'cc.db'}")
    with sessions() as s, s.begin():
        load_truth_documents(s, ref.truth, "b1")
        importer.import_registry(s, paths["registry"])
        importer.import_population(s, paths["population"])
    with sessions() as s, s.begin():
        cc.run(s, as_of=AS_OF)
    with sessions() as s, s.begin():
        checks = list(s.scalars(select(Check).order_by(Check.id)))
        errors = [c for c in checks if c.severity.value == "error"]
        assert errors
        for c in errors:
            doc = s.get(Document, c.document_id)
            assert doc is not None and doc.status == DocStatus.needs_review
        errors[0].state = CheckState.resolved
        resolved_id = errors[0].id
    with sessions() as s, s.begin():
        summary = cc.run(s, as_of=AS_OF)
        assert summary.needs_review == 0
    with sessions() as s:
        again = list(s.scalars(select(Check).order_by(Check.id)))
        assert [(c.id, c.rule, c.fields_key) for c in again] == [
            (c.id, c.rule, c.fields_key) for c in checks
        ]
        kept = s.get(Check, resolved_id)
        assert kept is not None and kept.state == CheckState.resolved


def test_cli_import_run_report(tmp_path: Path) -> None:
    ref = make_reference(30, 9, AS_OF)
    paths = write_reference(ref, tmp_path / "ref")
    home = tmp_path / "home"
    env = clean_env(home)
    engine = db.make_engine(f"sqlite:///{home / 'hoso.db'}")
    db.upgrade(engine)
    with db.session_factory(engine)() as s, s.begin():
        load_truth_documents(s, ref.truth, "b1")
    engine.dispose()

    def hoso(*args: str) -> subprocess.CompletedProcess[str]:
        return run_hoso(*args, env=env, timeout=300)

    hoso("registry", "import", str(paths["registry"]))
    hoso("registry", "import", str(paths["registry"]))
    hoso("population", "import", str(paths["population"]))
    run = hoso("crosscheck", "run", "--batch", "b1", "--as-of", AS_OF.isoformat())
    assert "matching the registry" in run.stdout and "past service life" in run.stdout
    csv_out = hoso("crosscheck", "report", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("document_id,dossier_id,source_file,doc_type,rule,severity")
    jsonl = [
        json.loads(x) for x in hoso("crosscheck", "report", "--format", "jsonl").stdout.splitlines()
    ]
    assert len(jsonl) == len(csv_out) - 1 > 0
    assert {r["state"] for r in jsonl} == {"open"}
    assert {r["rule"] for r in jsonl} <= set(rules.RULE_NAMES)
