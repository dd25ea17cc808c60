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
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crosscheck.context import CHECKED_DOC_TYPES, Context, Paper
from crosscheck.matching import population_lookups, registry_lookups
from crosscheck.rules import RULE_NAMES, RULES, Finding, Rule, evaluate
from extract.plates import HANOI_CODES
from hoso.models import Batch, Check, CheckState, DocStatus, Document, File, Severity
from hoso.persist import has_blocking_check

CHUNK = 500
# Rules whose findings mean "this dossier does not match its references".
MISMATCH_RULES = (
    "not_in_registry",
    "multiple_candidates",
    "field_mismatch",
    "legacy_id",
    "owner_not_in_population",
    "owner_mismatch",
)


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


def _documents(session: Session, batch: str | None) -> list[tuple[str, str]]:
    stmt = (
        select(Document.id, File.dossier_id)
        .join(File, Document.file_sha256 == File.sha256)
        .where(Document.doc_type.in_(sorted(CHECKED_DOC_TYPES)))
        .order_by(File.dossier_id, Document.id)
    )
    if batch is not None:
        stmt = stmt.join(Batch, File.batch_id == Batch.id).where(Batch.name == batch)
    return [(d, s) for d, s in session.execute(stmt)]


def _paper(doc: Document) -> Paper:
    return Paper(doc.id, doc.file.dossier_id, doc.doc_type, {f.name: f.value for f in doc.fields})


def sync_findings(doc: Document, findings: list[Finding]) -> bool:
    """Make the document's cross-check rows equal ``findings``; True if anything changed."""
    wanted = {(f.rule, f.fields_key): f for f in findings}
    changed = False
    for existing in list(doc.checks):
        if existing.rule in RULE_NAMES and (existing.rule, existing.fields_key) not in wanted:
            doc.checks.remove(existing)
            changed = True
    have = {(c.rule, c.fields_key): c for c in doc.checks}
    for key, f in wanted.items():
        row = have.get(key)
        if row is None:
            doc.checks.append(
                Check(
                    rule=f.rule,
                    severity=Severity(f.severity),
                    message=f.message,
                    fields=list(f.fields),
                    fields_key=f.fields_key,
                    paper_value=f.paper_value,
                    reference_value=f.reference_value,
                    source=f.source,
                    reference_import_id=f.reference_import_id,
                    state=CheckState.open,
                )
            )
            changed = True
            continue
        if (row.paper_value, row.reference_value) != (f.paper_value, f.reference_value):
            row.state = CheckState.open  # the evidence changed: a reviewer must look again
            changed = True
        new = (Severity(f.severity), f.message, f.paper_value, f.reference_value, f.source)
        old = (row.severity, row.message, row.paper_value, row.reference_value, row.source)
        if new != old or row.reference_import_id != f.reference_import_id:
            (row.severity, row.message, row.paper_value, row.reference_value, row.source) = new
            row.reference_import_id = f.reference_import_id
            changed = True
    return changed


def run(
    session: Session,
    *,
    as_of: date,
    batch: str | None = None,
    local_codes: frozenset[str] = HANOI_CODES,
    rules: tuple[Rule, ...] = RULES,
    chunk: int = CHUNK,
) -> Summary:
    """Cross-check every registration and ID document (of ``batch``) and store the findings."""
    summary = Summary()
    targets = _documents(session, batch)
    by_dossier: dict[str, list[_Checked]] = defaultdict(list)
    for start in range(0, len(targets), chunk):
        ids = [d for d, _ in targets[start : start + chunk]]
        docs = list(
            session.scalars(
                select(Document)
                .where(Document.id.in_(ids))
                .options(
                    selectinload(Document.fields),
                    selectinload(Document.checks),
                    selectinload(Document.file),
                )
            )
        )
        papers = {d.id: _paper(d) for d in docs}
        registry = registry_lookups(session, papers.values())
        people, links = population_lookups(session, papers.values())
        for doc in docs:
            paper = papers[doc.id]
            looked_up = paper.owner_id_kind == "cccd"
            ctx = Context(
                paper=paper,
                as_of=as_of,
                registry=registry.get(doc.id),
                person=people.get(paper.owner_id or "") if looked_up else None,
                person_looked_up=looked_up,
                linked=links.get(doc.id),
                local_codes=local_codes,
            )
            findings = evaluate(ctx, rules)
            sync_findings(doc, findings)
            if doc.status == DocStatus.extracted and has_blocking_check(doc):
                doc.status = DocStatus.needs_review
                summary.needs_review += 1
            summary.documents += 1
            summary.findings.update(f.rule for f in findings)
            by_dossier[paper.dossier_id].append((paper, findings, looked_up))
        session.flush()
    _tally(summary, by_dossier)
    return summary


def _tally(summary: Summary, by_dossier: dict[str, list[_Checked]]) -> None:
    summary.dossiers = len(by_dossier)
    for docs in by_dossier.values():
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
