"""``hoso eval`` matching and arithmetic."""

from __future__ import annotations

from typing import Any

from hoso.evaluate import evaluate, fold_value, wilson


def _doc(dossier: str, value: str, conf: float = 0.9) -> dict[str, Any]:
    return {
        "dossier_id": dossier,
        "source": {"filename": "to_khai_1.pdf", "page_start": 1},
        "doc_type": "citizen_id",
        "level": "clean",
        "fields": {"full_name": {"value": value, "confidence": conf}},
    }


def test_same_file_name_in_two_dossiers_is_matched_to_its_own_truth() -> None:
    truth = [_doc("D1", "NGUYỄN VĂN AN"), _doc("D2", "TRẦN THỊ BÌNH")]
    for t in truth:
        t["fields"] = {k: v["value"] for k, v in t["fields"].items()}
    pred = [_doc("D2", "TRẦN THỊ BÌNH", 0.95), _doc("D1", "NGUYỄN VĂN AM", 0.6)]
    report = evaluate(truth, pred)
    assert (report.matched, report.fields.correct, report.fields.total) == (2, 1, 2)
    (t90,) = report.straight_through(thresholds=[0.9])
    assert t90 == (0.9, 0.5, 0.0, 1)  # one of two auto-accepted, and it is right


def test_folding_and_interval() -> None:
    assert fold_value(" Nguyễn  Văn\u00a0An ") == fold_value("NGUYỄN VĂN AN")
    assert fold_value("\u00d0ỗ") == fold_value("Đỗ")
    lo, hi = wilson(5, 1000)
    assert 0.0015 < lo < 0.005 < hi < 0.012
