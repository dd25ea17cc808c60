"""Run the cross-check over stored documents and export its findings.

``run`` takes the caller's ``Session`` (the CLI owns ``with session.begin():``), reads
documents' field values, looks candidates up in chunks, evaluates ``rules.RULES`` and
stores the findings as ``check_result`` rows. Re-running replaces the cross-check's own
findings and keeps a reviewer's ``resolved`` state while paper and reference values stay
the same. An open ``error`` finding moves an auto-approved (``extracted``) document to
``needs_review``.
"""

from __future__ import annotations

import csv
import enum
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any, cast

from sqlalchemy import String, Table, bindparam, delete, insert, select, text, type_coerce, update
from sqlalchemy.orm import Session

from crosscheck.context import CHECKED_DOC_TYPES, VEHICLE_DOC_TYPES, Context, Paper
from crosscheck.matching import any_of, population_lookups, registry_lookups
from crosscheck.rules import RULE_NAMES, RULES, Finding, Rule, evaluate
from extract.plates import HANOI_CODES
from hoso.models import (
    Batch,
    Check,
    CheckState,
    DocStatus,
    Document,
    FieldRow,
    File,
    Origin,
    Severity,
    utcnow,
)

CHUNK = 2000
# Rules whose findings mean "this dossier does not match its references".
MISMATCH_RULES = (
    "not_in_registry",
    "multiple_candidates",
    "field_mismatch",
    "legacy_id",
    "owner_not_in_population",
    "owner_mismatch",
)
_CHECKS = cast(Table, Check.__table__)
_FIELDS = cast(Table, FieldRow.__table__)
# What a finding writes into its check_result row (besides document, rule and fields).
_EVIDENCE = ("severity", "message", "paper_value", "reference_value", "source")


@dataclass
class Summary:
    documents: int = 0
    dossiers: int = 0
    registry_checked: int = 0  # dossiers with a vehicle document
    registry_matching: int = 0  # ... every one matched, no registry error or warning
    population_checked: int = 0  # dossiers with an owner 12-digit ID looked up
    population_matching: int = 0  # ... found, nothing disagrees
    not_matching: Counter[str] = field(default_factory=Counter)  # rule → dossiers
    past_service_life: int = 0
    findings: Counter[str] = field(default_factory=Counter)  # rule → findings
    needs_review: int = 0  # documents moved to needs_review by this run


_Checked = tuple[Paper, list[Finding], bool]  # paper, its findings, population looked up


@dataclass(frozen=True)
class _Target:
    id: str
    dossier_id: str
    doc_type: str
    status: DocStatus


#: Tables the run reads by key, and the share of their rows changed since the last
#: ANALYZE past which their statistics are refreshed first.
_ANALYZED = ("file", "document", "field", "check_result")
_STALE_SHARE = 0.2


def _analyze_if_stale(session: Session) -> None:
    """On PostgreSQL, ANALYZE the tables the run reads when they have no statistics yet or
    a fifth of their rows changed since (a batch just digitized or loaded; autovacuum gets
    to it later): with estimates of a few hundred rows for a million, the per-chunk lookups
    were planned as scans (100k documents: 53.4 s, 49.5 s after ANALYZE, which took 0.9 s)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    rows = session.execute(
        text(
            "SELECT relname, n_live_tup, n_mod_since_analyze, "
            "coalesce(last_analyze, last_autoanalyze) IS NULL AS never "
            "FROM pg_stat_user_tables WHERE relname = ANY(:names)"
        ),
        {"names": list(_ANALYZED)},
    )
    for name, live, changed, never in rows.all():
        if never or changed > _STALE_SHARE * max(live, 1000):
            session.execute(text(f'ANALYZE "{name}"'))


def _documents(session: Session, batch: str | None, chunk: int) -> Iterator[list[_Target]]:
    """The documents to check, in dossier order, a chunk at a time (a server-side cursor on
    PostgreSQL: the list of documents is never held whole)."""
    stmt = (
        select(Document.id, File.dossier_id, Document.doc_type, Document.status)
        .join(File, Document.file_sha256 == File.sha256)
        .where(Document.doc_type.in_(sorted(CHECKED_DOC_TYPES)))
        .order_by(File.dossier_id, Document.id)
    )
    if batch is not None:
        stmt = stmt.join(Batch, File.batch_id == Batch.id).where(Batch.name == batch)
    if session.get_bind().dialect.name == "postgresql":
        # Every row is read, so the cursor is planned for all of them. PostgreSQL's default
        # (0.1) prefers a plan that starts fast; with statistics stale after a bulk load it
        # chose a nested loop over every file for every document (1.9 s per chunk at 20k
        # documents, quadratic in the batch).
        session.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
    for rows in session.execute(stmt.execution_options(yield_per=chunk)).partitions():
        yield [_Target(*row) for row in rows]


def _papers(session: Session, targets: list[_Target], threshold: float) -> dict[str, Paper]:
    """Each target's field values, with one query for the chunk; OCR values below the
    review ``threshold`` are marked doubtful, values a person entered as checked."""
    if not targets:
        return {}
    values: dict[str, dict[str, str | None]] = {t.id: {} for t in targets}
    doubtful: dict[str, dict[str, float]] = {t.id: {} for t in targets}
    checked: dict[str, set[str]] = {t.id: set() for t in targets}
    # Plain table columns, the origin as its stored text: the rows (about 14 a document) are
    # read without the ORM's row and enum processing, a tenth of the run's time at 100k.
    c = _FIELDS.c
    stmt = select(
        c.document_id, c.name, c.value, c.confidence, type_coerce(c.origin, String)
    ).where(any_of(session, c.document_id, values))
    for doc_id, name, value, confidence, origin in session.execute(stmt):
        values[doc_id][name] = value
        if origin != Origin.ocr.value:
            checked[doc_id].add(name)
        elif confidence is not None and confidence < threshold:
            doubtful[doc_id][name] = float(confidence)
    return {
        t.id: Paper(
            t.id, t.dossier_id, t.doc_type, values[t.id], doubtful[t.id], frozenset(checked[t.id])
        )
        for t in targets
    }


def _siblings(
    session: Session, papers: dict[str, Paper], threshold: float
) -> dict[str, list[Paper]]:
    """Dossier id → its vehicle documents' papers, for the dossiers of the chunk (those
    outside the chunk, or the batch, read with one more query)."""
    wanted = sorted({p.dossier_id for p in papers.values() if p.is_vehicle})
    stmt = (
        select(Document.id, File.dossier_id, Document.doc_type, Document.status)
        .join(File, Document.file_sha256 == File.sha256)
        .where(any_of(session, File.dossier_id, wanted))
        .where(Document.doc_type.in_(sorted(VEHICLE_DOC_TYPES)))
        .order_by(File.dossier_id, Document.id)
    )
    targets = [_Target(*row) for row in session.execute(stmt)] if wanted else []
    outside = _papers(session, [t for t in targets if t.id not in papers], threshold)
    by_dossier: dict[str, list[Paper]] = defaultdict(list)
    for t in targets:
        by_dossier[t.dossier_id].append(papers.get(t.id) or outside[t.id])
    return by_dossier


def _checks(session: Session, ids: list[str]) -> dict[str, list[Any]]:
    """Every check_result row of the chunk's documents (extraction findings included)."""
    by_doc: dict[str, list[Any]] = defaultdict(list)
    stmt = select(_CHECKS).where(any_of(session, _CHECKS.c.document_id, ids)).order_by(_CHECKS.c.id)
    for row in session.execute(stmt):
        by_doc[row.document_id].append(row)
    return by_doc


@dataclass
class _Changes:
    """What one chunk changes in check_result, collected to be written in bulk."""

    delete: list[int] = field(default_factory=list)
    insert: list[dict[str, Any]] = field(default_factory=list)
    update: list[dict[str, Any]] = field(default_factory=list)


def sync_findings(
    document_id: str, rows: list[Any], findings: list[Finding], changes: _Changes
) -> bool:
    """Plan what makes the document's cross-check rows equal ``findings`` (into
    ``changes``); True when an open ``error`` finding remains on the document afterwards.

    ``rows`` are all the document's check_result rows. A row whose paper or reference value
    changed is opened again: a reviewer must look again; otherwise its state is kept.
    """
    wanted = {(f.rule, f.fields_key): f for f in findings}
    blocking = False
    have = {}
    for row in rows:
        key = (row.rule, row.fields_key)
        if row.rule in RULE_NAMES and key not in wanted:
            changes.delete.append(row.id)
            continue
        have[key] = row
        if key not in wanted and row.severity == Severity.error and row.state == CheckState.open:
            blocking = True
    for key, f in wanted.items():
        row = have.get(key)
        severity = Severity(f.severity)
        new = (severity, f.message, f.paper_value, f.reference_value, f.source)
        if row is None:
            state = CheckState.open
            changes.insert.append(
                {
                    "document_id": document_id,
                    "rule": f.rule,
                    "fields": list(f.fields),
                    "fields_key": f.fields_key,
                    **dict(zip(_EVIDENCE, new, strict=True)),
                    "reference_import_id": f.reference_import_id,
                    "state": state,
                }
            )
        else:
            state = row.state
            if (row.paper_value, row.reference_value) != (f.paper_value, f.reference_value):
                state = CheckState.open  # the evidence changed: a reviewer must look again
            old = tuple(getattr(row, c) for c in _EVIDENCE)
            if (new, f.reference_import_id, state) != (old, row.reference_import_id, row.state):
                changes.update.append(
                    {
                        "check_id": row.id,
                        **dict(zip(_EVIDENCE, new, strict=True)),
                        "reference_import_id": f.reference_import_id,
                        "state": state,
                    }
                )
        if severity == Severity.error and state == CheckState.open:
            blocking = True
    return blocking


def _write(session: Session, changes: _Changes) -> None:
    """Apply a chunk's changes: bulk DELETE and UPDATE, and new rows in one go (``COPY`` on
    PostgreSQL), in finding order, so ids ascend as the findings did."""
    if changes.delete:
        session.execute(delete(_CHECKS).where(any_of(session, _CHECKS.c.id, changes.delete)))
    if changes.update:
        stmt = (
            update(_CHECKS)
            .where(_CHECKS.c.id == bindparam("check_id"))
            .values({c: bindparam(c) for c in (*_EVIDENCE, "reference_import_id", "state")})
        )
        session.connection().execute(stmt, changes.update)
    if not changes.insert:
        return
    now = utcnow()
    rows = [{**row, "created_at": now} for row in changes.insert]
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(_CHECKS), rows)
        return
    cols = [c.name for c in _CHECKS.columns if c.name != "id"]
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY check_result ({', '.join(cols)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(
                [
                    json.dumps(row[c])
                    if c == "fields"
                    else row[c].value
                    if isinstance(row[c], enum.Enum)
                    else row[c]
                    for c in cols
                ]
            )


def run(
    session: Session,
    *,
    as_of: date,
    batch: str | None = None,
    local_codes: frozenset[str] = HANOI_CODES,
    rules: tuple[Rule, ...] = RULES,
    chunk: int = CHUNK,
    review_threshold: float = 0.0,
) -> Summary:
    """Cross-check every registration and ID document (of ``batch``) and store the findings.

    OCR values below ``review_threshold`` (the setting ``HOSO_REVIEW_THRESHOLD``; 0: none)
    are doubtful: a difference on one is reported as a warning that says so, not an error
    (``docs/crosscheck.md``, "OCR uncertainty").

    Documents are read, looked up and written a chunk at a time, with a few set-based
    statements per chunk; the summary is tallied per dossier as dossiers end (documents
    come in dossier order), so memory depends on the chunk size, not on the documents.
    """
    summary = Summary()
    dossier: list[_Checked] = []
    _analyze_if_stale(session)
    for part in _documents(session, batch, chunk):
        ids = [t.id for t in part]
        papers = _papers(session, part, review_threshold)
        siblings = _siblings(session, papers, review_threshold)
        existing = _checks(session, ids)
        registry = registry_lookups(session, papers.values())
        people, links = population_lookups(session, papers.values())
        changes = _Changes()
        review: list[str] = []
        for target in part:
            paper = papers[target.id]
            looked_up = paper.owner_id_kind == "cccd"
            ctx = Context(
                paper=paper,
                as_of=as_of,
                registry=registry.get(target.id),
                person=people.get(paper.owner_id or "") if looked_up else None,
                person_looked_up=looked_up,
                linked=links.get(target.id),
                local_codes=local_codes,
                siblings=tuple(
                    p for p in siblings.get(paper.dossier_id, ()) if p.document_id != target.id
                ),
            )
            findings = evaluate(ctx, rules)
            blocking = sync_findings(target.id, existing.get(target.id, []), findings, changes)
            if target.status == DocStatus.extracted and blocking:
                review.append(target.id)
            summary.documents += 1
            summary.findings.update(f.rule for f in findings)
            if dossier and dossier[-1][0].dossier_id != paper.dossier_id:
                _tally_dossier(summary, dossier)
                dossier = []
            dossier.append((paper, findings, looked_up))
        _write(session, changes)
        if review:
            session.execute(
                update(Document)
                .where(any_of(session, Document.id, review))
                .values(status=DocStatus.needs_review)
            )
            summary.needs_review += len(review)
    if dossier:
        _tally_dossier(summary, dossier)
    return summary


def _tally_dossier(summary: Summary, docs: list[_Checked]) -> None:
    summary.dossiers += 1
    rules = {f.rule for _, findings, _ in docs for f in findings if f.severity != "info"}
    vehicle = [(p, fs) for p, fs, _ in docs if p.is_vehicle]
    if vehicle:
        summary.registry_checked += 1
        matched = all(any(f.rule == "registry_match" for f in fs) for _, fs in vehicle)
        registry_problem = any(
            f.source == "registry" and f.severity != "info" for _, fs in vehicle for f in fs
        )
        if matched and not registry_problem:
            summary.registry_matching += 1
    if any(looked for _, _, looked in docs):
        summary.population_checked += 1
        if not rules & {"owner_not_in_population", "owner_mismatch", "legacy_id"}:
            summary.population_matching += 1
    for rule in MISMATCH_RULES:
        if rule in rules:
            summary.not_matching[rule] += 1
    if "past_service_life" in rules:
        summary.past_service_life += 1


REPORT_COLUMNS = (
    "document_id",
    "dossier_id",
    "source_file",
    "doc_type",
    "rule",
    "severity",
    "fields",
    "paper_value",
    "reference_value",
    "source",
    "state",
    "message",
)


def iter_findings(
    session: Session, batch: str | None = None, include_info: bool = True
) -> Iterator[dict[str, Any]]:
    """Cross-check findings as report rows, ordered by dossier, document and rule order."""
    stmt = (
        select(Check, Document.doc_type, File.dossier_id, File.filename)
        .join(Document, Check.document_id == Document.id)
        .join(File, Document.file_sha256 == File.sha256)
        .where(Check.rule.in_(RULE_NAMES))
        .order_by(File.dossier_id, Document.id, Check.id)
    )
    if batch is not None:
        stmt = stmt.join(Batch, File.batch_id == Batch.id).where(Batch.name == batch)
    if not include_info:
        stmt = stmt.where(Check.severity != Severity.info)
    for check, doc_type, dossier_id, filename in session.execute(
        stmt.execution_options(yield_per=1000)
    ):
        yield {
            "document_id": check.document_id,
            "dossier_id": dossier_id,
            "source_file": filename,
            "doc_type": doc_type,
            "rule": check.rule,
            "severity": check.severity.value,
            "fields": ",".join(check.fields or []),
            "paper_value": check.paper_value,
            "reference_value": check.reference_value,
            "source": check.source,
            "state": check.state.value,
            "message": check.message,
        }


def write_report(rows: Iterator[dict[str, Any]], out: IO[str], fmt: str) -> int:
    """Write report rows as ``csv`` or ``jsonl``; return how many."""
    n = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            n += 1
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    else:
        raise ValueError(f"unknown report format {fmt!r} (csv or jsonl)")
    return n
