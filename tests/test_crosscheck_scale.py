"""Cross-check at scale: the large-file generator, set-based lookups that must give what the
per-row definitions give on both databases, and registry snapshots."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crosscheck import importer
from crosscheck import run as cc
from crosscheck.keys import chassis_key, engine_key, plate_key
from extract.plates import parse_plate
from extract.validators import vin_check_digit_ok
from fixtures.people import cccd_consistent
from fixtures.registry import (
    REGISTRY_HEADER,
    load_truth_documents,
    load_truth_file,
    make_reference,
    truth_document_id,
    write_reference,
)
from fixtures.scale import PLANTED_KINDS, document_key, write_scale
from hoso import db
from hoso.models import ReferenceImport, RegistryVehicle
from tests.clirun import clean_env
from tests.clirun import hoso as run_hoso
from tests.dbs import migrated_sessions

AS_OF = date(2026, 6, 30)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


_REPORT = ("document_id", "rule", "severity", "fields", "paper_value", "reference_value",
           "source", "state", "message")  # fmt: skip


def _report(url: str) -> list[tuple[Any, ...]]:
    engine = db.make_engine(url)
    with db.session_factory(engine)() as s:
        rows = [tuple(r[k] for k in _REPORT) for r in cc.iter_findings(s)]
    engine.dispose()
    return rows


# ---------------------------------------------------------------- generator


def test_scale_files_are_deterministic_format_valid_and_keyed_uniquely(tmp_path: Path) -> None:
    a = write_scale(tmp_path / "a", 3000, 400, seed=2, discrepancy_share=0.3)
    write_scale(tmp_path / "b", 3000, 400, seed=2, discrepancy_share=0.3)
    for name in ("registry.csv", "population.csv", "documents.jsonl", "planted.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    registry = _csv(tmp_path / "a" / "registry.csv")
    people = _csv(tmp_path / "a" / "population.csv")
    docs = (tmp_path / "a" / "documents.jsonl").read_text("utf-8").splitlines()
    assert (len(registry), len(people), len(docs), a.documents) == (3000, a.people, 400, 400)
    assert list(registry[0]) == list(REGISTRY_HEADER)
    for key in (plate_key, chassis_key, engine_key):
        column = {plate_key: "plate_number", chassis_key: "chassis_number"}.get(
            key, "engine_number"
        )
        keys = [key(r[column]) for r in registry]
        assert len(set(keys)) == len(keys), column
    assert len({r["registry_id"] for r in registry}) == 3000
    assert len({p["id_number"] for p in people}) == len(people) > 2900
    # Only a planted population birth date can disagree with the ID's year.
    off = [p for p in people if not cccd_consistent(p["id_number"],
                                                    date.fromisoformat(p["date_of_birth"]),
                                                    p["sex"])]  # fmt: skip
    assert len(off) <= a.planted["dob_differs"]
    for r in registry:
        assert parse_plate(r["plate_number"]) is not None, r["plate_number"]
        chassis = r["chassis_number"].replace(" ", "")
        assert len(chassis) == 17 and vin_check_digit_ok(chassis), chassis
    assert set(a.planted) >= {*PLANTED_KINDS, "match", "not_in_registry"}


def test_scale_planted_findings_are_found(db_url: str, tmp_path: Path) -> None:
    summary = write_scale(tmp_path / "s", 2000, 500, seed=3, discrepancy_share=0.5)
    data = tmp_path / "s"
    sessions = migrated_sessions(db_url)
    # Small chunks: dossiers must stay whole across the loader's and the run's chunks.
    assert load_truth_file(sessions, data / "documents.jsonl", "b1", chunk=37) == 500
    with sessions() as s, s.begin():
        importer.import_registry(s, data / "registry.csv")
        importer.import_population(s, data / "population.csv")
    with sessions() as s, s.begin():
        result = cc.run(s, as_of=AS_OF, chunk=64)
    assert (result.documents, result.dossiers) == (500, summary.dossiers)
    ids = {}
    for line in (data / "documents.jsonl").read_text("utf-8").splitlines():
        rec = json.loads(line)
        ids[document_key(rec)] = truth_document_id(rec)
    found = {(r[0], r[1], r[3]) for r in _report(db_url)}
    planted = [json.loads(x) for x in (data / "planted.jsonl").read_text("utf-8").splitlines()]
    assert {p["kind"] for p in planted} >= {*PLANTED_KINDS, "not_in_registry"}
    missed = [
        p for p in planted if (ids[p["document"]], p["rule"], ",".join(p["fields"])) not in found
    ]
    assert missed == []
    # No natural field mismatch: every one found was planted.
    mismatches = {f for f in found if f[1] == "field_mismatch"}
    assert len(mismatches) == sum(p["rule"] == "field_mismatch" for p in planted)


# ---------------------------------------------------------------- set-based lookups


def test_findings_are_identical_on_sqlite_and_postgresql(pg_url: str, tmp_path: Path) -> None:
    """The PostgreSQL paths (ANY arrays, LATERAL namesakes, COPY) against SQLite's."""
    ref = make_reference(60, 13, AS_OF)
    paths = write_reference(ref, tmp_path / "ref")
    reports = []
    for url in (f"sqlite:///{tmp_path / 'x.db'}", pg_url):
        sessions = migrated_sessions(url)
        with sessions() as s, s.begin():
            load_truth_documents(s, ref.truth, "b1")
            importer.import_registry(s, paths["registry"])
            importer.import_population(s, paths["population"])
        with sessions() as s, s.begin():
            cc.run(s, as_of=AS_OF, chunk=16)
        reports.append(_report(url))
    assert reports[0] == reports[1]
    assert any(r[1] == "legacy_id" and r[6] == "population" for r in reports[0])


def test_cmnd_holder_is_linked_only_to_a_single_namesake(db_url: str, tmp_path: Path) -> None:
    pop = tmp_path / "population.csv"
    pop.write_text(
        "id_number,full_name,date_of_birth,sex,place_of_residence\n"
        "001080000001,Nguyễn Văn An,1980-01-01,Nam,\n"
        "001082000002,NGUYỄN VĂN AN,1982-02-02,Nam,\n"
        "001185000003,Trần Thị Bình,1985-03-03,Nữ,\n",
        encoding="utf-8",
    )

    def card(n: int, name: str, dob: str | None) -> dict[str, Any]:
        return {
            "dossier_id": f"hs-{n}",
            "source": {"filename": f"hs-{n}.pdf", "page_start": 1, "page_end": 1},
            "doc_type": "citizen_id",
            "fields": {"id_number": f"01234567{n}", "full_name": name, "date_of_birth": dob},
        }

    records = [
        card(1, "NGUYỄN VĂN AN", None),  # two namesakes: no link
        card(2, "NGUYỄN VĂN AN", "1982-02-02"),  # one with that birth date
        card(3, "TRẦN THỊ BÌNH", None),  # one namesake
        card(4, "TRẦN THỊ BÌNH", "1985-02-30"),  # no such date: nobody
        card(5, "NGUYỄN VĂN AN", "1990-01-01"),  # nobody born then
    ]
    sessions = migrated_sessions(db_url)
    with sessions() as s, s.begin():
        load_truth_documents(s, records, "b1")
        importer.import_population(s, pop)
    with sessions() as s, s.begin():
        cc.run(s, as_of=AS_OF)
    links = {r[0]: r[5] for r in _report(db_url) if r[1] == "legacy_id"}
    assert links == {
        truth_document_id(records[0]): None,
        truth_document_id(records[1]): "001082000002",
        truth_document_id(records[2]): "001185000003",
        truth_document_id(records[3]): None,
        truth_document_id(records[4]): None,
    }


# ---------------------------------------------------------------- registry snapshots


def test_registry_snapshot_withdraws_absent_rows(db_url: str, tmp_path: Path) -> None:
    ref = make_reference(24, 5, AS_OF)
    paths = write_reference(ref, tmp_path / "ref")
    sessions = migrated_sessions(db_url)
    with sessions() as s, s.begin():
        load_truth_documents(s, ref.truth, "b1")
        first = importer.import_registry(s, paths["registry"]).import_id
    with sessions() as s, s.begin():
        cc.run(s, as_of=AS_OF)
    report = _report(db_url)
    ambiguous = {r[0] for r in report if r[1] == "multiple_candidates"}
    doc, rid = next(
        (r[0], r[5]) for r in report if r[1] == "registry_match" and r[0] not in ambiguous
    )
    partial = tmp_path / "partial.csv"
    with partial.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=REGISTRY_HEADER)
        writer.writeheader()
        writer.writerows(r for r in ref.registry if r["registry_id"] != rid)

    # Without --snapshot a file that lacks a row changes nothing for that row.
    with sessions() as s, s.begin():
        assert importer.import_registry(s, partial).withdrawn == 0
    with sessions() as s, s.begin():
        snap = importer.import_registry(s, partial, snapshot=True)
        assert snap.withdrawn == 1
    with sessions() as s, s.begin():
        again = importer.import_registry(s, partial, snapshot=True)
        assert again.withdrawn == 0  # already withdrawn: keeps the first snapshot that missed it
    with sessions() as s:
        row = s.get(RegistryVehicle, rid)
        assert row is not None  # kept, nothing lost
        assert (row.import_id, row.withdrawn_import_id) == (first, snap.import_id)
        record = s.get(ReferenceImport, snap.import_id)
        assert record is not None and (record.snapshot, record.withdrawn) == (True, 1)
        current = s.scalars(select(RegistryVehicle.withdrawn_import_id).distinct()).all()
        assert set(current) == {None, snap.import_id}

    with sessions() as s, s.begin():
        cc.run(s, as_of=AS_OF)
    mine = {r[1]: r for r in _report(db_url) if r[0] == doc}
    assert "registry_match" not in mine
    gone = mine["not_in_registry"]
    assert (gone[2], gone[5]) == ("error", rid)
    assert f"absent from the snapshot of import {snap.import_id}" in gone[8]
    assert f"last listed in import {first}" in gone[8]

    # A later file listing the row again makes it current.
    with sessions() as s, s.begin():
        importer.import_registry(s, paths["registry"])
    with sessions() as s, s.begin():
        cc.run(s, as_of=AS_OF)
    mine = {r[1]: r for r in _report(db_url) if r[0] == doc}
    assert mine["registry_match"][5] == rid and "not_in_registry" not in mine


def test_cli_scale_load_snapshot_and_run(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = clean_env(home)
    data = tmp_path / "scale"

    def hoso(*args: str) -> str:
        proc = run_hoso(*args, env=env, timeout=300)
        return proc.stdout + proc.stderr

    out = hoso("fixtures", "scale", "--out", str(data), "--n", "600", "--docs", "100")
    assert "600 registry rows" in out and "100 documents" in out
    assert "100 documents stored in batch scale" in hoso(
        "fixtures", "load", str(data / "documents.jsonl"), "--batch", "scale"
    )
    rows = (data / "registry.csv").read_text("utf-8").splitlines()
    (tmp_path / "snapshot.csv").write_text("\n".join(rows[:-5]) + "\n", encoding="utf-8")
    hoso("registry", "import", str(data / "registry.csv"))
    out = hoso("registry", "import", str(tmp_path / "snapshot.csv"), "--snapshot")
    assert "595 rows upserted, 0 skipped, 5 absent rows marked withdrawn" in out
    hoso("population", "import", str(data / "population.csv"))
    out = hoso("crosscheck", "run", "--as-of", AS_OF.isoformat())
    assert "documents checked" in out and "100" in out
