"""``hoso eval``: predicted records against generated ground truth."""

from __future__ import annotations

import itertools
import json
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

THRESHOLDS = (0.0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995)
RELIABILITY_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 1.0)


def fold_value(value: Any) -> str | None:
    """Comparison form: NFC, case-folded, single spaces (dates are ISO on both sides)."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).replace("\u00d0", "\u0110")
    text = " ".join(text.split()).casefold()
    return text or None


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_truth(path: Path) -> list[dict[str, Any]]:
    """``truth.jsonl`` of a fixtures folder (or the file itself)."""
    return load_jsonl(path / "truth.jsonl" if path.is_dir() else path)


@dataclass
class Tally:
    total: int = 0
    correct: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.correct += int(ok)

    @property
    def rate(self) -> float:
        return self.correct / self.total if self.total else math.nan


@dataclass
class Report:
    documents: int = 0
    matched: int = 0
    doc_type: Tally = field(default_factory=Tally)
    by_level: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_field: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_field_level: dict[tuple[str, str, str], Tally] = field(
        default_factory=lambda: defaultdict(Tally)
    )
    scored: list[tuple[float, bool, str]] = field(default_factory=list)  # (confidence, ok, level)
    mistakes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fields(self) -> Tally:
        t = Tally()
        for v in self.by_level.values():
            t.total += v.total
            t.correct += v.correct
        return t

    def straight_through(
        self, levels: Iterable[str] | None = None, thresholds: Iterable[float] = THRESHOLDS
    ) -> list[tuple[float, float, float, int]]:
        """(threshold, share auto-accepted, error rate among them, accepted count)."""
        wanted = set(levels) if levels is not None else None
        scored = [(c, ok) for c, ok, lv in self.scored if wanted is None or lv in wanted]
        rows = []
        for t in thresholds:
            acc = [ok for c, ok in scored if c >= t]
            share = len(acc) / len(scored) if scored else math.nan
            err = (len(acc) - sum(acc)) / len(acc) if acc else math.nan
            rows.append((t, share, err, len(acc)))
        return rows


def reliability(
    scored: Iterable[tuple[float, bool, str]], edges: Sequence[float] = RELIABILITY_BINS
) -> list[tuple[float, float, int, float, float]]:
    """(low, high, fields, mean confidence, observed accuracy) per confidence bin."""
    rows = []
    items = list(scored)
    for i, (lo, hi) in enumerate(itertools.pairwise(edges)):
        last = i == len(edges) - 2
        got = [(c, ok) for c, ok, _ in items if lo <= c < hi or (last and c == hi)]
        if got:
            mean = sum(c for c, _ in got) / len(got)
            acc = sum(ok for _, ok in got) / len(got)
            rows.append((lo, hi, len(got), mean, acc))
    return rows


def expected_calibration_error(scored: Iterable[tuple[float, bool, str]], bins: int = 10) -> float:
    """Mean |confidence - accuracy| over ten equal-width bins, weighted by their fields."""
    items = list(scored)
    if not items:
        return math.nan
    edges = [i / bins for i in range(bins + 1)]
    return sum(n * abs(mean - acc) for _, _, n, mean, acc in reliability(items, edges)) / len(items)


def _key(record: dict[str, Any]) -> tuple[str, str, int | None]:
    # Scanners reuse file names ("to_khai_1.pdf") in every dossier: the dossier is part of
    # the key.
    source = record["source"]
    return (
        str(record.get("dossier_id", "")),
        Path(str(source["filename"])).name,
        source.get("page_start"),
    )


def evaluate(truth: list[dict[str, Any]], pred: list[dict[str, Any]]) -> Report:
    """Match documents by dossier, source file name and first page; compare every field."""
    by_key = {_key(p): p for p in pred}
    report = Report(documents=len(truth))
    for t in truth:
        p = by_key.get(_key(t))
        level = str(t.get("level", "?"))
        if p is not None:
            report.matched += 1
        report.doc_type.add(p is not None and p.get("doc_type") == t["doc_type"])
        pfields = (p or {}).get("fields", {}) if p and p.get("doc_type") == t["doc_type"] else {}
        for name, value in t["fields"].items():
            pf = pfields.get(name) or {}
            ok = fold_value(pf.get("value")) == fold_value(value)
            report.by_level[level].add(ok)
            report.by_field[(t["doc_type"], name)].add(ok)
            report.by_field_level[(t["doc_type"], name, level)].add(ok)
            confidence = float(pf.get("confidence", 0.0) or 0.0)
            report.scored.append((confidence, ok, level))
            if not ok:
                report.mistakes.append(
                    {
                        "dossier_id": t.get("dossier_id"),
                        "filename": Path(str(t["source"]["filename"])).name,
                        "page_start": t["source"].get("page_start"),
                        "level": level,
                        "doc_type": t["doc_type"],
                        "predicted_doc_type": (p or {}).get("doc_type"),
                        "field": name,
                        "truth": value,
                        "predicted": pf.get("value"),
                        "confidence": confidence,
                    }
                )
    return report


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for k successes in n."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def summary_line(report: Report, threshold: float) -> str:
    st = next((r for r in report.straight_through(thresholds=[threshold])), None)
    f = report.fields
    levels = " ".join(f"{lv}={t.rate:.1%}" for lv, t in sorted(report.by_level.items()))
    auto = f"auto@{threshold:g}={st[1]:.1%} err={st[2]:.2%}" if st else ""
    ece = expected_calibration_error(report.scored)
    return (
        f"SUMMARY docs={report.documents} matched={report.matched} "
        f"doc_type={report.doc_type.rate:.1%} fields={f.rate:.1%} {levels} {auto} ece={ece:.3f}"
    )


# ------------------------------------------------------------ cross-check findings vs planted

# The paper fields a finding of each rule depends on (besides the fields it names): what an
# OCR error must have touched to cause or hide it.
_RULE_INPUTS: dict[str, tuple[str, ...]] = {
    "registry_match": ("plate_number", "chassis_number", "engine_number"),
    "field_mismatch": ("plate_number", "chassis_number", "engine_number"),
    "not_in_registry": ("plate_number", "chassis_number", "engine_number"),
    "multiple_candidates": ("plate_number", "chassis_number", "engine_number"),
    "legacy_id": ("owner_id_number", "id_number"),
    "owner_not_in_population": ("owner_id_number", "id_number"),
    "owner_mismatch": ("owner_id_number", "id_number"),
}


def document_key(dossier_id: Any, filename: Any, page_start: Any) -> str:
    """How ``planted.jsonl`` names a document: ``dossier/file name#first page``."""
    return f"{dossier_id}/{Path(str(filename)).name}#{page_start}"


def _record_key(record: dict[str, Any]) -> str:
    src = record["source"]
    return document_key(record.get("dossier_id"), src["filename"], src.get("page_start"))


@dataclass
class RuleScore:
    """One rule's findings against the expected ones (keys: document, rule, fields)."""

    expected: int = 0
    found: int = 0
    hits: int = 0
    asserted: int = 0  # found findings not marked as resting on a doubtful reading
    hits_asserted: int = 0

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0

    @property
    def precision_asserted(self) -> float:
        return self.hits_asserted / self.asserted if self.asserted else 1.0

    @property
    def recall_asserted(self) -> float:
        return self.hits_asserted / self.expected if self.expected else 1.0


@dataclass
class FindingsReport:
    """Per-rule precision/recall of stored findings against ``planted.jsonl``, and why
    each wrong or missed finding happened (which reading differed from the truth)."""

    scores: dict[str, RuleScore]
    errors: list[dict[str, Any]]  # one per false or missed finding, with its cause
    documents: int = 0  # truth documents
    matched: int = 0  # ... with a predicted document of the same key and type


def _differences(
    truth: dict[str, Any] | None, pred: dict[str, Any] | None, names: Iterable[str]
) -> list[dict[str, Any]]:
    if truth is None or pred is None:
        return []
    out = []
    for name in names:
        if name not in truth["fields"]:
            continue
        want = truth["fields"][name]
        got = (pred["fields"].get(name) or {}).get("value")
        if fold_value(got) != fold_value(want):
            conf = float((pred["fields"].get(name) or {}).get("confidence") or 0.0)
            out.append({"field": name, "truth": want, "read": got, "confidence": conf})
    return out


def _cause(
    truth: dict[str, Any] | None,
    pred: dict[str, Any] | None,
    rule: str,
    fields: Sequence[str],
    threshold: float,
) -> tuple[str, list[dict[str, Any]]]:
    if truth is None:
        return "document not in the truth (split or page range)", []
    if pred is None:
        return "document not found (split or page range)", []
    if pred["doc_type"] != truth["doc_type"]:
        return f"doc type {truth['doc_type']} read as {pred['doc_type']}", []
    names = dict.fromkeys([*fields, *_RULE_INPUTS.get(rule, ())])
    if rule == "owner_mismatch":
        names.update(dict.fromkeys(("owner_name", "full_name", "date_of_birth", "sex")))
    diffs = _differences(truth, pred, names)
    if not diffs:
        return "no reading differs from the truth", []
    doubt = "doubtful" if all(d["confidence"] < threshold for d in diffs) else "confident"
    return f"{doubt} misreading of " + ", ".join(d["field"] for d in diffs), diffs


def score_findings(
    truth: list[dict[str, Any]],
    planted: list[dict[str, Any]],
    records: list[dict[str, Any]],
    rules: Sequence[str],
    threshold: float,
    doubtful_marker: str,
) -> FindingsReport:
    """Score the cross-check findings stored on ``records`` (export records, ``checks``)
    against ``planted`` (expected findings keyed by ``document_key``), rule by rule.

    A finding is (document, rule, fields). Documents are matched by dossier, file name and
    first page, as ``evaluate`` does. Findings whose message carries ``doubtful_marker``
    rest on a reading below the review threshold: they are scored with the others and, as
    "asserted", without them. ``threshold`` sorts the misreadings behind wrong findings
    into doubtful and confident ones.
    """
    truth_by = {_record_key(t): t for t in truth}
    pred_by = {_record_key(p): p for p in records}
    wanted = set(rules)
    expected = {
        (p["document"], p["rule"], ",".join(p["fields"])) for p in planted if p["rule"] in wanted
    }
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for rec in records:
        for c in rec.get("checks") or []:
            if c["rule"] in wanted:
                found[(_record_key(rec), c["rule"], ",".join(c["fields"]))] = c
    scores = {rule: RuleScore() for rule in rules}
    for key in expected:
        scores[key[1]].expected += 1
    errors: list[dict[str, Any]] = []
    for key, check in found.items():
        doc, rule, fields = key
        s = scores[rule]
        s.found += 1
        hit = key in expected
        s.hits += hit
        names = fields.split(",") if fields else []
        if doubtful_marker not in check["message"]:
            s.asserted += 1
            s.hits_asserted += hit
        if not hit:
            cause, diffs = _cause(truth_by.get(doc), pred_by.get(doc), rule, names, threshold)
            errors.append(
                {
                    "error": "false",
                    "document": doc,
                    "rule": rule,
                    "fields": fields,
                    "severity": check["severity"],
                    "message": check["message"],
                    "cause": cause,
                    "differences": diffs,
                }
            )
    for key in sorted(expected - set(found)):
        doc, rule, fields = key
        names = fields.split(",") if fields else []
        cause, diffs = _cause(truth_by.get(doc), pred_by.get(doc), rule, names, threshold)
        errors.append(
            {
                "error": "missed",
                "document": doc,
                "rule": rule,
                "fields": fields,
                "cause": cause,
                "differences": diffs,
            }
        )
    matched = sum(
        1 for k, t in truth_by.items() if k in pred_by and pred_by[k]["doc_type"] == t["doc_type"]
    )
    return FindingsReport(scores, errors, len(truth_by), matched)
