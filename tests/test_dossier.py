"""Consistency inside a dossier: repeated facts raise or lower confidence, disagreements
become findings, and applying it to the store is idempotent and reviewer-safe."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crosscheck import dossier
from crosscheck.dossier import Reading, posteriors, reconcile
from hoso import persist
from hoso.ids import document_id
from hoso.models import (
    Batch,
    CheckState,
    DocStatus,
    Document,
    Dossier,
    FieldHistory,
    File,
    Origin,
)
from hoso.schema import field_names
from tests.dbs import migrated_sessions

CERT, DECL, CID = "registration_certificate", "registration_declaration", "citizen_id"
LIC = "driving_license"


def test_agreement_raises_and_disagreement_lowers_confidence() -> None:
    agree = posteriors([("A", 0.9), ("A", 0.8)])
    assert all(p > 0.99 for p in agree)
    split = posteriors([("A", 0.95), ("B", 0.95)])
    assert all(p < 0.5 for p in split)
    # The more trusted reading keeps more of its confidence.
    strong, weak = posteriors([("A", 0.99), ("B", 0.6)])
    assert strong > 0.9 > 0.1 > weak
    # Two against one: the pair wins.
    a1, a2, b = posteriors([("A", 0.9), ("A", 0.9), ("B", 0.9)])
    assert a1 == pytest.approx(a2) and a1 > 0.9 > 0.1 > b


def test_coinciding_wrong_readings_are_not_certain() -> None:
    """Two weak readings that agree stay short of certainty: errors can coincide."""
    (p, _) = posteriors([("A", 0.3), ("A", 0.3)])
    assert 0.5 < p < 0.99


def test_engine_numbers_of_certificate_and_declaration() -> None:
    out = reconcile(
        [
            Reading("c", CERT, "engine_number", "1NZ-4830921", 0.85),
            Reading("d", DECL, "engine_number", "1NZ 4830921", 0.85),  # separators differ
            Reading("c", CERT, "chassis_number", "RLHJC4412KY000117", 0.9),
            Reading("d", DECL, "chassis_number", "RLHJC4412KY000171", 0.9),
        ]
    )
    assert out.confidence[("c", "engine_number")] > 0.99
    assert out.confidence[("d", "engine_number")] > 0.99
    assert out.confidence[("c", "chassis_number")] < 0.5
    assert {(m.document_id, m.field) for m in out.mismatches} == {
        ("c", "chassis_number"),
        ("d", "chassis_number"),
    }
    (m,) = [m for m in out.mismatches if m.document_id == "c"]
    assert m.other_value == "RLHJC4412KY000171"
    assert "registration declaration" in m.message


def test_owner_across_certificate_declaration_and_citizen_id() -> None:
    out = reconcile(
        [
            Reading("c", CERT, "owner_name", "Nguyễn Văn Hòa", 0.8),
            Reading("d", DECL, "owner_name", "NGUYỄN VĂN HOÀ", 0.8),  # case, tone placement
            Reading("i", CID, "full_name", "NGUYỄN VĂN HOÀ", 0.9),
            Reading("c", CERT, "owner_id_number", "012345678", 0.9),  # old CMND
            Reading("i", CID, "id_number", "001087654321", 0.9),
            Reading("d", DECL, "owner_id_number", "001087654321", 0.7),
        ]
    )
    assert all(out.confidence[(d, f)] > 0.99 for d, f in [("c", "owner_name"), ("i", "full_name")])
    assert out.confidence[("d", "owner_id_number")] > 0.99
    assert ("c", "owner_id_number") not in out.confidence  # a CMND is not compared with a CCCD
    assert out.mismatches == ()


def test_a_name_missing_its_diacritics_disagrees() -> None:
    out = reconcile(
        [
            Reading("c", CERT, "owner_name", "Nguyễn Văn Hòa", 0.9),
            Reading("i", CID, "full_name", "NGUYEN VAN HOA", 0.9),
        ]
    )
    assert {m.document_id for m in out.mismatches} == {"c", "i"}


def test_a_reviewers_value_is_evidence_and_never_changed() -> None:
    out = reconcile(
        [
            Reading("c", CERT, "engine_number", "4830921", 1.0, fixed=True),
            Reading("d", DECL, "engine_number", "4830927", 0.97),
        ]
    )
    assert ("c", "engine_number") not in out.confidence
    assert out.confidence[("d", "engine_number")] < 0.05
    assert [m.document_id for m in out.mismatches] == ["d"]


def test_facts_on_one_document_only_change_nothing() -> None:
    out = reconcile(
        [
            Reading("c", CERT, "engine_number", "4830921", 0.7),
            Reading("c", CERT, "owner_address", "Số 1 phố Huế, Hà Nội", 0.7),
            Reading("i", CID, "place_of_residence", "Số 2 phố Huế, Hà Nội", 0.7),
        ]
    )
    assert out.confidence == {} and out.mismatches == ()


def test_addresses_read_alike_corroborate_and_differing_ones_change_nothing() -> None:
    home = "Xóm 8, TT. Chúc Sơn, H. Chương Mỹ, TP Hà Nội"
    out = reconcile(
        [
            Reading("c", CERT, "owner_address", home, 0.8),
            Reading("i", CID, "place_of_residence", home.upper(), 0.75),
            # The licence, of another year, prints the address otherwise: no evidence either way.
            Reading("l", LIC, "address", "Thôn Chợ, thị trấn Chúc Sơn, huyện Chương Mỹ", 0.6),
        ]
    )
    assert out.confidence[("c", "owner_address")] > 0.97
    assert out.confidence[("i", "place_of_residence")] > 0.97
    assert ("l", "address") not in out.confidence
    assert out.mismatches == ()


def test_an_address_in_the_other_style_corroborates_up_to_a_cap() -> None:
    """Unit words spelled out or abbreviated meet; such an agreement raises a reading to
    ``STYLE_AGREEMENT`` at most (a lost stop can turn one style into the other), an
    agreement as printed above it; a lost stop or another digit meets nothing."""
    short = "Số 54 phố Minh Khai, P. Hoàng Liệt, Q. Hoàng Mai, TP Hà Nội"
    words = "Số 54 phố Minh Khai, phường Hoàng Liệt, quận Hoàng Mai, Thành phố Hà Nội"
    out = reconcile(
        [
            Reading("c", CERT, "owner_address", short, 0.9),
            Reading("d", DECL, "owner_address", words, 0.9),
        ]
    )
    assert out.confidence[("c", "owner_address")] == dossier.STYLE_AGREEMENT
    assert out.confidence[("d", "owner_address")] == dossier.STYLE_AGREEMENT
    assert out.mismatches == ()
    same = reconcile(
        [
            Reading("c", CERT, "owner_address", short, 0.9),
            Reading("d", DECL, "owner_address", short, 0.9),
        ]
    )
    assert same.confidence[("c", "owner_address")] > dossier.STYLE_AGREEMENT
    for other in (
        "Số 54 phố Minh Khai, P Hoàng Liệt, Q. Hoàng Mai, TP Hà Nội",  # a stop lost
        "Số 54 phố Minh Khai,phường Hoàng Liệt, quận Hoàng Mai, TP. Hà Nội",  # a space lost
        "Số 64 phố Minh Khai, phường Hoàng Liệt, quận Hoàng Mai, TP. Hà Nội",
        "Số 54 phố Minh Khai, phường Hoàng Liệt, quận Hoàng Mai",  # the province lost
    ):
        out = reconcile(
            [
                Reading("c", CERT, "owner_address", short, 0.9),
                Reading("d", DECL, "owner_address", other, 0.9),
            ]
        )
        assert out.confidence == {}, other
    # A reading below the cap that already stood higher keeps its confidence.
    high = reconcile(
        [
            Reading("c", CERT, "owner_address", short, 0.99),
            Reading("d", DECL, "owner_address", words, 0.9),
        ]
    )
    assert high.confidence[("c", "owner_address")] == 0.99


def test_a_document_that_read_nothing_takes_the_dossiers_value() -> None:
    out = reconcile(
        [
            Reading("c", CERT, "engine_number", "1NZ-4830921", 0.97),
            Reading("d", DECL, "engine_number", "", 0.1),  # read nothing
            Reading("c", CERT, "plate_number", "30A-123.45", 0.97),
            # A first registration's declaration is filled in before the plate exists.
            Reading("d", DECL, "plate_number", "", 0.1),
        ]
    )
    (fill,) = out.fills
    assert (fill.document_id, fill.field, fill.value, fill.read) == (
        "d",
        "engine_number",
        "1NZ-4830921",
        "",
    )
    assert fill.source.document_id == "c" and fill.confidence == dossier.FILL_CEILING
    assert fill.message == (
        "engine_number: not read here; '1NZ-4830921' taken from the registration certificate"
    )


PRINTED, MISREAD = "RLCS5GY228H600675", "RLCSSGY228H600675"


def _chassis(cert: float, decl: float) -> dossier.Outcome:
    """The certificate reads the chassis number as printed, the declaration misreads it."""
    return reconcile(
        [
            Reading("c", CERT, "chassis_number", PRINTED, cert),
            Reading("d", DECL, "chassis_number", MISREAD, decl),
        ]
    )


def test_a_misreading_the_dossier_refutes_is_replaced_and_a_legible_one_is_not() -> None:
    weak = _chassis(0.96, 0.05)
    (fill,) = weak.fills
    assert (fill.document_id, fill.value, fill.read) == ("d", PRINTED, MISREAD)
    assert weak.confidence[("c", "chassis_number")] > fill.confidence == dossier.FILL_CEILING
    # The disagreement stays a finding on both documents: the paper may differ.
    assert {m.document_id for m in weak.mismatches} == {"c", "d"}
    # Two legible readings that differ: a finding for a person, no value replaced.
    strong = _chassis(0.96, 0.9)
    assert strong.fills == () and len(strong.mismatches) == 2
    # A doubtful reading never replaces another doubtful one.
    assert _chassis(0.4, 0.05).fills == ()


def test_a_garbled_address_is_given_anothers_in_its_own_style() -> None:
    good = "Số 33 phố Láng Hạ, phường Quang Trung, thị xã Sơn Tây, TP. Hà Nội"
    out = reconcile(
        [
            Reading("c", CERT, "owner_address", good, 0.97),
            Reading(
                "i",
                CID,
                "place_of_residence",
                "Số 33 phố Lá, P. Quang Tr, TX. Sơn Tây, TP Hà Nội",
                0.05,
            ),
            # A licence of another year names other units: not this address misread.
            Reading(
                "l", LIC, "address", "Số 33 phố Láng Hạ, Phường Sơn Tây, Thành phố Hà Nội", 0.05
            ),
        ]
    )
    (fill,) = out.fills
    assert (fill.document_id, fill.value) == (
        "i",
        "Số 33 phố Láng Hạ, P. Quang Trung, TX. Sơn Tây, TP Hà Nội",
    )
    assert fill.source.document_id == "c" and fill.confidence == dossier.FILL_CEILING
    # A reading the dossier does not doubt keeps its own style and content.
    kept = reconcile(
        [
            Reading("c", CERT, "owner_address", good, 0.97),
            Reading(
                "i",
                CID,
                "place_of_residence",
                "Số 33 phố Lá, P. Quang Tr, TX. Sơn Tây, TP Hà Nội",
                0.7,
            ),
        ]
    )
    assert kept.fills == ()


def test_a_doubtful_address_a_few_characters_off_a_sure_one_is_that_one_misread() -> None:
    good = "Số 229 đường Hoàng Quốc Việt, P. Thượng Đình, Q. Thanh Xuân, TP Hà Nội"
    read = "Số 229 đường Hoàn uốc Việt, phường Thượng Đình, quận Thanh Xuân, TP. Hà Nội"
    out = reconcile(
        [
            Reading("c", CERT, "owner_address", good, 0.97),
            Reading("i", CID, "place_of_residence", read, 0.52),
        ]
    )
    (fill,) = out.fills
    assert fill.value == (
        "Số 229 đường Hoàng Quốc Việt, phường Thượng Đình, quận Thanh Xuân, TP. Hà Nội"
    )
    # Not from a reading the dossier is not sure of, nor to another house number's
    # address much unlike it.
    unsure = reconcile(
        [
            Reading("c", CERT, "owner_address", good, 0.8),
            Reading("i", CID, "place_of_residence", read, 0.52),
        ]
    )
    assert unsure.fills == ()
    moved = "Số 17 ngõ 4 phố Huế, phường Thượng Đình, quận Thanh Xuân, TP. Hà Nội"
    other = reconcile(
        [
            Reading("c", CERT, "owner_address", good, 0.97),
            Reading("i", CID, "place_of_residence", moved, 0.52),
        ]
    )
    assert other.fills == ()


def test_a_cmnd_never_replaces_a_cccd_nor_anything_a_reviewer_set() -> None:
    out = reconcile(
        [
            Reading("c", CERT, "owner_id_number", "012345678", 0.99),  # the old CMND
            Reading("i", CID, "id_number", "00108765432", 0.05),  # a CCCD a digit short
            Reading("c", CERT, "engine_number", "4830921", 0.99),
            Reading("d", DECL, "engine_number", "", 1.0, fixed=True),  # a reviewer cleared it
        ]
    )
    assert out.fills == ()


def test_every_fact_names_fields_the_schema_has() -> None:
    for fact in dossier.FACTS:
        for doc_type, name in fact.fields.items():
            assert name in field_names(doc_type), (fact.name, doc_type, name)


# -- applied to the store -------------------------------------------------------------------

SHA_CERT, SHA_DECL = "c1" * 32, "d1" * 32


def _store(url: str) -> sessionmaker[Session]:
    sessions = migrated_sessions(url)
    with sessions() as s, s.begin():
        s.add(Batch(id=1, name="b1"))
        s.add(Dossier(id="D1"))
        s.flush()
        for sha, name in ((SHA_CERT, "dang_ky.pdf"), (SHA_DECL, "to_khai.pdf")):
            s.add(
                File(
                    sha256=sha,
                    filename=name,
                    size=10,
                    media_type="application/pdf",
                    object_key=f"originals/{sha}",
                    batch_id=1,
                    dossier_id="D1",
                )
            )
    return sessions


def _document(doc_type: str, engine: str | None, confidence: float) -> persist.DocumentResult:
    """A document whose fields are all confidently read, the engine number aside."""
    fields = [
        persist.FieldResult(n, engine, engine, confidence, 1, (10, 20, 200, 60), True)
        if n == "engine_number"
        else persist.FieldResult(n, f"{n} value", None, 0.99, 1, None, True)
        for n in field_names(doc_type)
    ]
    return persist.DocumentResult(1, 1, doc_type, 0.99, fields)


def _page(doc_type: str) -> persist.PageResult:
    return persist.PageResult(1, 0, 0.0, 1000, 1400, 300, "p.png", "w.json", doc_type, 0.99, 0.9)


def _save(
    sessions: sessionmaker[Session], sha: str, doc: persist.DocumentResult
) -> tuple[list[str], list[str]]:
    """Save a file's document and reconcile its dossier, as the worker does."""
    with sessions() as s, s.begin():
        f = s.get(File, sha)
        assert f is not None
        outcome = persist.save_processed(s, f, [_page(doc.doc_type)], [doc], {}, threshold=0.9)
        return outcome.changed, persist.reconcile_dossier(s, "D1", threshold=0.9)


def _engine(sessions: sessionmaker[Session], sha: str) -> tuple[float, float | None, str]:
    with sessions() as s:
        doc = s.get(Document, document_id(sha, 1, 1))
        assert doc is not None
        (f,) = [f for f in doc.fields if f.name == "engine_number"]
        return f.confidence, f.extracted_confidence, doc.status.value


def test_dossier_evidence_in_the_store(db_url: str) -> None:
    sessions = _store(db_url)
    # The certificate alone: its doubtful engine number sends it to review.
    _, changed = _save(sessions, SHA_CERT, _document(CERT, "4830921", 0.8))
    assert changed == []
    assert _engine(sessions, SHA_CERT) == (0.8, 0.8, "needs_review")
    # The declaration agrees: both readings are now confident and both documents pass.
    _, changed = _save(sessions, SHA_DECL, _document(DECL, "4830921", 0.85))
    assert set(changed) == {document_id(SHA_CERT, 1, 1), document_id(SHA_DECL, 1, 1)}
    conf, base, status = _engine(sessions, SHA_CERT)
    assert conf > 0.99 and base == 0.8 and status == "extracted"
    # Processing a file again with the same results changes nothing (no compounding).
    assert _save(sessions, SHA_DECL, _document(DECL, "4830921", 0.85)) == ([], [])
    # The declaration is read otherwise: a mismatch on both documents, both to review.
    _save(sessions, SHA_DECL, _document(DECL, "4830927", 0.97))
    with sessions() as s:
        for sha, other in ((SHA_CERT, "4830927"), (SHA_DECL, "4830921")):
            doc = s.get(Document, document_id(sha, 1, 1))
            assert doc is not None and doc.status == DocStatus.needs_review
            (check,) = [c for c in doc.checks if c.rule == dossier.RULE]
            assert check.reference_value == other and check.severity.value == "error"
            assert check.source == "dossier" and check.state == CheckState.open
    # A reviewer corrects the declaration: the certificate agrees with them again.
    with sessions() as s, s.begin():
        doc = s.get(Document, document_id(SHA_DECL, 1, 1))
        assert doc is not None
        (f,) = [f for f in doc.fields if f.name == "engine_number"]
        f.value, f.origin, f.confidence = "4830921", Origin.reviewer, 1.0
        persist.reconcile_dossier(s, "D1", threshold=0.9)
    conf, _, status = _engine(sessions, SHA_CERT)
    assert conf > 0.99 and status == "extracted"
    with sessions() as s:
        for sha in (SHA_CERT, SHA_DECL):
            doc = s.get(Document, document_id(sha, 1, 1))
            assert doc is not None and not [c for c in doc.checks if c.rule == dossier.RULE]


def test_agreement_never_raises_a_value_its_validator_rejects(db_url: str) -> None:
    sessions = _store(db_url)
    rejected = _document(CERT, "4830921", 0.8)
    rejected = replace(
        rejected,
        fields=[
            replace(f, valid=False, problems=("not an engine number",))
            if f.name == "engine_number"
            else f
            for f in rejected.fields
        ],
    )
    _save(sessions, SHA_CERT, rejected)
    _save(sessions, SHA_DECL, _document(DECL, "4830921", 0.85))
    conf, base, status = _engine(sessions, SHA_CERT)
    assert conf == base == 0.8 and status == "needs_review"
    # The rejected reading still counts as evidence for the valid one beside it.
    assert _engine(sessions, SHA_DECL)[0] > 0.85


def test_the_dossiers_value_fills_a_field_until_the_document_reads_its_own(db_url: str) -> None:
    sessions = _store(db_url)
    cert_id, decl_id = document_id(SHA_CERT, 1, 1), document_id(SHA_DECL, 1, 1)
    _save(sessions, SHA_CERT, _document(CERT, "4830921", 0.97))
    _save(sessions, SHA_DECL, _document(DECL, None, 0.1))  # the declaration read nothing
    with sessions() as s:
        doc = s.get(Document, decl_id)
        assert doc is not None
        (f,) = [f for f in doc.fields if f.name == "engine_number"]
        assert f.value == "4830921" and f.origin == Origin.ocr and f.valid is True
        assert f.replaced == {"value": None, "valid": True, "source": cert_id}
        # Never accepted unseen: a reviewer confirms it on the declaration's own page.
        assert f.confidence == dossier.FILL_CEILING and doc.status == DocStatus.needs_review
        (check,) = [c for c in doc.checks if c.rule == dossier.FILL_RULE]
        assert check.severity.value == "error" and check.state == CheckState.open
        assert (check.paper_value, check.reference_value) == (None, "4830921")
        (change,) = s.scalars(select(FieldHistory).where(FieldHistory.document_id == decl_id))
        assert (change.old_value, change.new_value) == (None, "4830921")
        assert change.actor == persist.DOSSIER_ACTOR and "registration certificate" in (
            change.reason or ""
        )
    # Reconciling again changes nothing; the export shows the dossier's value.
    with sessions() as s, s.begin():
        assert persist.reconcile_dossier(s, "D1", threshold=0.9) == []
    # Processed again, the declaration reads the number itself: its own reading stands.
    _save(sessions, SHA_DECL, _document(DECL, "4830927", 0.9))
    with sessions() as s:
        doc = s.get(Document, decl_id)
        assert doc is not None
        (f,) = [f for f in doc.fields if f.name == "engine_number"]
        assert f.value == "4830927" and f.replaced is None
        assert not [c for c in doc.checks if c.rule == dossier.FILL_RULE]
        assert [c.rule for c in doc.checks] == [dossier.RULE]
        history = s.scalars(
            select(FieldHistory)
            .where(FieldHistory.document_id == decl_id)
            .order_by(FieldHistory.id)
        )
        assert [(h.new_value, h.actor) for h in history] == [
            ("4830921", persist.DOSSIER_ACTOR),
            ("4830927", persist.DOSSIER_ACTOR),
        ]
