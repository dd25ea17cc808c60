"""Persisting results: idempotent re-runs, reviewer values kept, history recorded."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hoso import db, persist, records
from hoso.ids import document_id, file_record_id
from hoso.models import Batch, Dossier, FieldHistory, FieldRow, File, FileState, Origin, utcnow
from hoso.schema import field_names, validation_errors

SHA = "ab" * 32
VERSIONS = {"hoso": "test"}


def _sessions(tmp_path: Path) -> sessionmaker[Session]:
    engine = db.make_engine(f"sqlite:///{tmp_path / 't.db'}")
    db.create_schema(engine)
    sessions = db.session_factory(engine)
    with sessions() as s, s.begin():
        s.add(Batch(id=1, name="b1"))
        s.add(Dossier(id="D1"))
        s.flush()
        s.add(
            File(
                sha256=SHA,
                filename="d1.pdf",
                size=10,
                media_type="application/pdf",
                object_key=f"originals/{SHA}",
                batch_id=1,
                dossier_id="D1",
            )
        )
    return sessions


def _doc(name_value: str, conf: float = 0.95, valid: bool = True) -> persist.DocumentResult:
    fields = [
        persist.FieldResult(n, None, None, 0.0, None, None, None) for n in field_names("citizen_id")
    ]
    fields[1] = persist.FieldResult(
        "full_name", name_value, name_value, conf, 1, (10, 20, 200, 60), valid
    )
    return persist.DocumentResult(1, 1, "citizen_id", 0.99, fields)


def _page() -> persist.PageResult:
    return persist.PageResult(
        1,
        0,
        0.0,
        1000,
        1400,
        300,
        "pages/x/1/upright.png",
        "pages/x/1/words.json",
        "citizen_id",
        0.99,
        0.9,
    )


def _save(sessions: sessionmaker[Session], doc: persist.DocumentResult) -> persist.Outcome:
    with sessions() as s, s.begin():
        f = s.get(File, SHA)
        assert f is not None
        return persist.save_processed(s, f, [_page()], [doc], VERSIONS, threshold=0.9)


def test_rerun_is_idempotent_and_records_validate(tmp_path: Path) -> None:
    sessions = _sessions(tmp_path)
    first = _save(sessions, _doc("NGUYỄN VĂN AN"))
    again = _save(sessions, _doc("NGUYỄN VĂN AN"))
    assert first.changed == [document_id(SHA, 1, 1)] and again.changed == []
    with sessions() as s:
        (rec,) = list(records.iter_records(s))
        assert s.get(File, SHA).state == FileState.done  # type: ignore[union-attr]
    assert validation_errors(rec) == []
    assert rec["fields"]["full_name"]["value"] == "NGUYỄN VĂN AN"
    # empty fields made the document doubtful
    assert rec["status"] == "needs_review"
    assert set(rec["fields"]) == set(field_names("citizen_id"))


def test_reprocessing_never_overwrites_a_reviewer(tmp_path: Path) -> None:
    sessions = _sessions(tmp_path)
    _save(sessions, _doc("NGUYEN VAN AN", conf=0.4))
    doc_id = document_id(SHA, 1, 1)
    with sessions() as s, s.begin():
        row = s.get(FieldRow, (doc_id, "full_name"))
        assert row is not None
        s.add(
            FieldHistory(
                document_id=doc_id,
                name="full_name",
                old_value=row.value,
                new_value="NGUYỄN VĂN AN",
                old_origin="ocr",
                new_origin="reviewer",
                actor="reviewer1",
                at=utcnow(),
            )
        )
        row.value, row.origin, row.confidence = "NGUYỄN VĂN AN", Origin.reviewer, 1.0
    _save(sessions, _doc("NGUYEN VAN AM", conf=0.3))
    with sessions() as s:
        row = s.get(FieldRow, (doc_id, "full_name"))
        assert row is not None and row.value == "NGUYỄN VĂN AN" and row.origin == Origin.reviewer
        history = s.scalars(select(FieldHistory).where(FieldHistory.document_id == doc_id)).all()
        assert [(h.actor, h.new_value) for h in history] == [("reviewer1", "NGUYỄN VĂN AN")]


def test_ocr_changes_are_recorded_in_history(tmp_path: Path) -> None:
    sessions = _sessions(tmp_path)
    _save(sessions, _doc("NGUYEN VAN AM"))
    _save(sessions, _doc("NGUYỄN VĂN AN"))
    with sessions() as s:
        (h,) = s.scalars(select(FieldHistory)).all()
        assert (h.old_value, h.new_value, h.actor) == ("NGUYEN VAN AM", "NGUYỄN VĂN AN", "hoso-ocr")


def test_rejected_file_is_one_record_then_replaced_on_success(tmp_path: Path) -> None:
    sessions = _sessions(tmp_path)
    with sessions() as s, s.begin():
        f = s.get(File, SHA)
        assert f is not None
        persist.save_file_error(s, f, FileState.failed, "Tesseract ran past 180 s", VERSIONS)
    with sessions() as s:
        (rec,) = list(records.iter_records(s))
    assert validation_errors(rec) == []
    assert (rec["document_id"], rec["status"], rec["doc_type"]) == (
        file_record_id(SHA),
        "failed",
        "unknown",
    )
    assert rec["source"]["page_start"] is None and rec["fields"] == {}
    _save(sessions, _doc("NGUYỄN VĂN AN"))
    with sessions() as s:
        ids = [r["document_id"] for r in records.iter_records(s)]
    assert ids == [document_id(SHA, 1, 1)]


def test_a_finding_raised_with_the_document_holds_it_for_review(tmp_path: Path) -> None:
    """A blocking finding saved in the same transaction as its document counts at once
    (the state column's default is only filled in at flush)."""
    sessions = _sessions(tmp_path)
    confident = persist.DocumentResult(
        1,
        1,
        "citizen_id",
        0.99,
        [
            persist.FieldResult(n, "1", "1", 0.99, 1, None, n != "id_number")
            for n in field_names("citizen_id")
        ],
        [persist.CheckResult(persist.VALIDATION_RULE, "error", "id_number: too short")],
    )
    _save(sessions, confident)
    with sessions() as s:
        (rec,) = list(records.iter_records(s))
    assert rec["status"] == "needs_review"
