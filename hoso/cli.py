"""``hoso``: the one command-line entry point. Errors become exit codes here, and only here.

Exit codes: 0 everything processed (documents may still need review); 1 unexpected error;
2 bad settings or usage; 3 some input file was rejected as unusable; 4 some file failed to
process (retryable); 5 not found; 128 + N stopped by signal N (130 Ctrl-C, 143 SIGTERM), the
pool's workers ended with it and the unfinished files left for the same command to finish.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hoso import db
from hoso import settings as settings_mod
from hoso.errors import HosoError
from hoso.settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="hoso: digitize scanned vehicle-registration dossiers.",
)
fixtures_app = typer.Typer(no_args_is_help=True, help="Synthetic dossiers with ground truth.")
app.add_typer(fixtures_app, name="fixtures")
console = Console(stderr=True)
out = Console()

WorkersOpt = Annotated[
    int | None, typer.Option("--workers", "-w", help="Worker processes (default: one per core)")
]


def _settings(**overrides: Any) -> Settings:
    return settings_mod.load(**overrides)


def _records_file(out: Path) -> Path:
    """Where exported records go: ``out`` itself ('-': stdout), or ``out/records.jsonl``
    where ``out`` is a folder (as ``hoso run --out`` writes)."""
    return out / "records.jsonl" if str(out) != "-" and out.is_dir() else out


@app.command()
def run(
    inputs: Annotated[
        list[Path], typer.Argument(help="Files or folders (a subfolder = one dossier)")
    ],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where records.jsonl goes")] = Path(
        "out"
    ),
    workers: WorkersOpt = None,
    manifest: Annotated[
        Path | None, typer.Option(help="CSV file,dossier_id overriding folders")
    ] = None,
    batch: Annotated[str | None, typer.Option(help="Batch name (default: run-<timestamp>)")] = None,
) -> None:
    """Digitize scans on this machine: ingest, OCR, extract; write OUT/records.jsonl."""
    from hoso import pipeline

    s = _settings(workers=workers)
    batch_name = batch or time.strftime("run-%Y%m%d-%H%M%S")
    items = pipeline.discover_inputs(inputs, manifest)
    started = time.monotonic()
    with _page_progress("OCR") as (on_start, on_done):
        summary = pipeline.run_embedded(s, items, batch_name, out_dir, on_start, on_done)
    summary.wall_s = time.monotonic() - started
    _print_summary(summary)
    raise typer.Exit(summary.exit_code)


@contextlib.contextmanager
def _page_progress(
    label: str,
) -> Iterator[tuple[Callable[[int], None], Callable[[dict[str, Any]], None]]]:
    """A live bar of pages done / total and pages/s; yields (on_start, on_done)."""
    started = time.monotonic()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("pages"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(label, total=None, rate="")

        def on_start(total_pages: int) -> None:
            progress.update(task, total=total_pages)

        def on_done(result: dict[str, Any]) -> None:
            progress.advance(task, result.get("pages", 0) or 0)
            done = progress.tasks[task].completed
            elapsed = time.monotonic() - started
            progress.update(task, rate=f"{done / elapsed:.2f} pages/s" if elapsed else "")

        yield on_start, on_done


@app.command()
def reextract(
    batch: Annotated[str | None, typer.Option(help="Only this batch")] = None,
    workers: WorkersOpt = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Also export the records here (a file, or a folder)"),
    ] = None,
) -> None:
    """Classify and extract processed files again from their stored pages (no full-page
    OCR): after an extractor or calibration update. Reviewers' values are kept."""
    from hoso import pipeline

    s = _settings(workers=workers)
    with _page_progress("re-extract") as (on_start, on_done):
        results = pipeline.reextract(s, batch, on_start, on_done)
    errors = [r for r in results if r["state"] == "error"]
    done = sum(1 for r in results if r["state"] == "done")
    out.print(f"{done} files re-extracted, {len(errors)} failed (their records are unchanged)")
    for r in errors:
        out.print(f"  {r['sha256'][:12]}  {r['error']}")
    if out_file is not None:
        records = _records_file(out_file)
        n = pipeline.export_records(s, records, batch)
        out.print(f"{n} records written to {records}")
    raise typer.Exit(pipeline.EXIT_FAILED if errors else 0)


def _print_summary(summary: Any) -> None:
    table = Table(title=f"hoso run — batch {summary.batch}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    table.add_row("files", f"{summary.files} ({summary.duplicates} duplicate)")
    table.add_row("documents", str(summary.documents))
    table.add_row("pages", str(summary.pages))
    for doc_type, n in sorted(summary.doc_types.items()):
        table.add_row(f"  {doc_type}", str(n))
    for status, n in sorted(summary.statuses.items()):
        table.add_row(f"  status {status}", str(n))
    table.add_row("fields auto-accepted", str(summary.fields_auto))
    table.add_row("fields to review", str(summary.fields_review))
    table.add_row("rejected files", str(len(summary.rejected)))
    table.add_row("failed files", str(len(summary.failed)))
    table.add_row("wall time", f"{summary.wall_s:.1f} s")
    rate = summary.pages / summary.wall_s if summary.wall_s else 0.0
    table.add_row("throughput", f"{rate:.2f} pages/s")
    table.add_row("records", str(summary.records_path))
    out.print(table)
    if summary.rejected or summary.failed:
        problems = Table(title="files not processed")
        problems.add_column("file")
        problems.add_column("status")
        problems.add_column("reason")
        for name, reason in summary.rejected:
            problems.add_row(name, "rejected", reason)
        for name, reason in summary.failed:
            problems.add_row(name, "failed", reason)
        out.print(problems)


@app.command()
def export(
    out_file: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="JSON Lines file, or a folder for records.jsonl ('-' = stdout)"
        ),
    ],
    batch: Annotated[str | None, typer.Option(help="Only this batch")] = None,
) -> None:
    """Every document in the store as JSON Lines (the schema's contract)."""
    from hoso import pipeline

    s = _settings()
    records = _records_file(out_file)
    n = pipeline.export_records(s, records, batch=batch)
    console.print(f"{n} records written to {records}")


@app.command()
def ocr(
    path: Annotated[Path, typer.Argument(help="A scan: PDF, TIFF, JPEG or PNG")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="txt, hocr or tsv")] = "txt",
) -> None:
    """Full-page OCR after hoso's preprocessing (upright, deskew, clean)."""
    from hoso import pipeline

    if fmt not in {"txt", "hocr", "tsv"}:
        raise typer.BadParameter("--format must be txt, hocr or tsv")
    s = _settings()
    for chunk in pipeline.ocr_file(s, path, fmt):
        sys.stdout.write(chunk)
    sys.stdout.flush()


@app.command("eval")
def eval_cmd(
    truth: Annotated[Path, typer.Option(help="Fixtures folder (truth.jsonl) or the file")],
    pred: Annotated[Path, typer.Option(help="records.jsonl from hoso run / export")],
    threshold: Annotated[float | None, typer.Option(help="Review threshold to report")] = None,
    errors: Annotated[
        Path | None, typer.Option(help="Write every wrong field here (JSON Lines)")
    ] = None,
) -> None:
    """Field accuracy, doc-type accuracy and the straight-through curve against truth."""
    from hoso import evaluate

    s = _settings()
    t = threshold if threshold is not None else s.review_threshold
    report = evaluate.evaluate(evaluate.load_truth(truth), evaluate.load_jsonl(pred))
    if errors is not None:
        with errors.open("w", encoding="utf-8") as fh:
            for m in report.mistakes:
                fh.write(json.dumps(m, ensure_ascii=False) + "\n")
    _print_eval(report, t)


def _print_eval(report: Any, threshold: float) -> None:
    from hoso import evaluate

    fields = Table(title="field exact-match by level")
    fields.add_column("doc_type")
    fields.add_column("field")
    levels = sorted(report.by_level)
    for lv in levels:
        fields.add_column(lv, justify="right")
    for (doc_type, name), _ in sorted(report.by_field.items()):
        cells = []
        for lv in levels:
            tally = report.by_field_level.get((doc_type, name, lv))
            cells.append(f"{tally.rate:.0%} ({tally.total})" if tally and tally.total else "")
        fields.add_row(doc_type, name, *cells)
    fields.add_row("all", "all", *[f"{report.by_level[lv].rate:.1%}" for lv in levels])
    out.print(fields)
    out.print(
        f"doc-type accuracy: {report.doc_type.rate:.1%} "
        f"({report.doc_type.correct}/{report.doc_type.total}); "
        f"matched documents {report.matched}/{report.documents}"
    )
    for title, lvs in (
        ("straight-through (all levels)", None),
        ("straight-through (clean + scan)", ("clean", "scan")),
    ):
        curve = Table(title=title)
        for col in ("threshold", "auto-accepted", "error among accepted", "95% CI", "fields"):
            curve.add_column(col, justify="right")
        for t, share, err, n in report.straight_through(lvs):
            k = round(err * n) if n else 0
            lo, hi = evaluate.wilson(k, n)
            curve.add_row(f"{t:g}", f"{share:.1%}", f"{err:.2%}", f"{lo:.2%}–{hi:.2%}", str(n))
        out.print(curve)
    rel = Table(title="reliability (all levels)")
    for col in ("confidence", "fields", "mean confidence", "observed accuracy"):
        rel.add_column(col, justify="right")
    for lo, hi, n, mean, acc in evaluate.reliability(report.scored):
        rel.add_row(f"[{lo:g}, {hi:g})", str(n), f"{mean:.3f}", f"{acc:.3f}")
    out.print(rel)
    out.print(
        f"expected calibration error: {evaluate.expected_calibration_error(report.scored):.3f}"
    )
    out.print(evaluate.summary_line(report, threshold))


@fixtures_app.command("generate")
def fixtures_generate(
    out_dir: Annotated[Path, typer.Option("--out", "-o")],
    n: Annotated[int, typer.Option("--n", help="Dossiers to generate")] = 10,
    seed: Annotated[int, typer.Option(help="Random seed")] = 1,
    level: Annotated[list[str] | None, typer.Option(help="clean, scan, hard, photo")] = None,
) -> None:
    """Generate synthetic dossiers with ground truth (truth.jsonl)."""
    from fixtures.generate import generate

    docs = generate(out_dir, n, seed, level or None)
    counts = Counter(d["doc_type"] for d in docs)
    console.print(
        f"{n} dossiers, {len(docs)} documents in {out_dir}: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )


@app.command()
def ingest(
    inputs: Annotated[
        list[Path], typer.Argument(help="Files or folders (a subfolder = one dossier)")
    ],
    batch: Annotated[str, typer.Option(help="Batch name")],
    manifest: Annotated[
        Path | None, typer.Option(help="CSV file,dossier_id overriding folders")
    ] = None,
) -> None:
    """Upload originals to the object store and queue them for the RQ workers."""
    from hoso import pipeline

    s = _settings()
    result = pipeline.ingest_and_enqueue(s, pipeline.discover_inputs(inputs, manifest), batch)
    console.print(
        f"batch {batch}: {result.files} files ({result.duplicates} duplicate), "
        f"{result.queued} queued"
    )


@app.command("worker")
def worker_cmd(
    workers: WorkersOpt = None,
    burst: Annotated[bool, typer.Option(help="Quit when the queue is empty")] = False,
) -> None:
    """Run a pool of RQ workers (production topology; needs HOSO_REDIS_URL)."""
    from hoso.workerpool import Pool

    s = _settings(workers=workers)
    raise typer.Exit(Pool(s, s.worker_count, burst=burst).run())


@app.command()
def retry(
    batch: Annotated[str | None, typer.Option(help="Only this batch")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Re-enqueue failed files")] = False,
) -> None:
    """Queue failed files again."""
    from hoso import pipeline

    if not failed:
        raise typer.BadParameter("say what to retry: --failed")
    done = pipeline.retry_failed(_settings(), batch)
    for r in done:
        out.print(f"{r.sha256[:12]}  {r.filename}")
    out.print(f"{len(done)} failed files queued again")


@app.command()
def requeue(
    stale: Annotated[
        bool, typer.Option("--stale", help="Unfinished files no live job holds")
    ] = False,
    batch: Annotated[str | None, typer.Option(help="Only this batch")] = None,
) -> None:
    """Refill the queue from the database (after Redis lost jobs or a worker machine died)."""
    from hoso import pipeline

    if not stale:
        raise typer.BadParameter("say what to requeue: --stale")
    done = pipeline.requeue_stale(_settings(), batch)
    for r in done:
        out.print(f"{r.sha256[:12]}  {r.filename}  (was {r.previous})")
    out.print(f"{len(done)} stale files queued again")


db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply the Alembic migrations (SQLite or PostgreSQL, from HOSO_DATABASE_URL)."""
    s = _settings()
    engine = db.make_engine(s.database_url)
    db.upgrade(engine, revision)
    console.print(f"database at revision {db.current_revision(engine)}")


@app.command()
def config() -> None:
    """Show the effective settings (secrets masked) and what each means."""
    s = _settings()
    table = Table(title="hoso settings")
    for col in ("variable", "value", "meaning"):
        table.add_column(col)
    for name, value in s.masked().items():
        table.add_row(f"HOSO_{name.upper()}", value, settings_mod.DOCS[name])
    out.print(table)


@app.command()
def status(
    batch: Annotated[str | None, typer.Option(help="Only this batch")] = None,
    watch: Annotated[bool, typer.Option("--watch", help="Live progress until done")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between refreshes")] = 2.0,
) -> None:
    """Files and documents by status per batch, throughput and ETA."""
    from hoso import pipeline

    s = _settings()
    engine = db.make_engine(s.database_url)
    db.create_schema(engine)
    sessions = db.session_factory(engine)
    if not watch:
        out.print(
            _status_view(
                pipeline.batch_progress(sessions, batch), pipeline.problem_files(sessions, batch)
            )
        )
        return
    from rich.live import Live

    with Live(console=out, refresh_per_second=2) as live:
        while True:
            progress = pipeline.batch_progress(sessions, batch)
            live.update(_status_view(progress, []))
            if all(p.unfinished == 0 for p in progress):
                break
            time.sleep(interval)
    out.print(_status_view([], pipeline.problem_files(sessions, batch)))


def _status_view(progress: list[Any], problems: list[tuple[str, str, str, str]]) -> Any:
    from rich.console import Group
    from rich.progress_bar import ProgressBar

    parts: list[Any] = []
    if progress:
        parts.append(_status_table(progress))
        for p in progress:
            finished = p.files - p.unfinished
            parts.append(
                Group(
                    f"{p.batch}: {finished}/{p.files} files",
                    ProgressBar(total=max(p.files, 1), completed=finished, width=60),
                )
            )
    if problems:
        table = Table(title="files not processed")
        for col in ("batch", "file", "status", "reason"):
            table.add_column(col)
        for row in problems:
            table.add_row(*row)
        parts.append(table)
    return Group(*parts)


def _status_table(progress: list[Any]) -> Table:
    table = Table(title="hoso status")
    for col in (
        "batch",
        "files",
        "queued",
        "processing",
        "done",
        "rejected",
        "failed",
        "documents",
        "needs_review",
        "pages/s",
        "ETA",
    ):
        table.add_column(col, justify="right" if col != "batch" else "left")
    for p in progress:
        eta = f"{p.eta_s / 60:.1f} min" if p.eta_s is not None else "—"
        rate = f"{p.pages_per_s:.2f}" if p.pages_per_s else "—"
        table.add_row(
            p.batch,
            str(p.files),
            *(
                str(p.states.get(k, 0))
                for k in ("queued", "processing", "done", "rejected", "failed")
            ),
            str(p.documents),
            str(p.needs_review),
            rate,
            eta,
        )
    return table


registry_app = typer.Typer(no_args_is_help=True, help="Vehicle registry snapshot.")
app.add_typer(registry_app, name="registry")
population_app = typer.Typer(no_args_is_help=True, help="Population database extract.")
app.add_typer(population_app, name="population")
crosscheck_app = typer.Typer(no_args_is_help=True, help="Cross-check against the references.")
app.add_typer(crosscheck_app, name="crosscheck")

MappingOpt = Annotated[
    Path | None, typer.Option("--mapping", help="JSON object or CSV: file column,schema column")
]


def _reference_import(kind: str, path: Path, mapping: Path | None, snapshot: bool) -> None:
    from crosscheck import importer

    s = _settings()
    engine = db.make_engine(s.database_url)
    db.create_schema(engine)
    with db.session_factory(engine)() as session, session.begin():
        if kind == "registry":
            result = importer.import_registry(
                session, path, importer.load_mapping(mapping), snapshot=snapshot
            )
        else:
            result = importer.import_population(session, path, importer.load_mapping(mapping))
    withdrawn = f", {result.withdrawn} absent rows marked withdrawn" if snapshot else ""
    console.print(
        f"{kind} import {result.import_id} from {path.name}: {result.rows} rows upserted, "
        f"{result.skipped} skipped{withdrawn}"
    )
    for problem in result.problems:
        console.print(f"  [yellow]skipped[/yellow] {problem}")


@registry_app.command("import")
def registry_import(
    path: Annotated[Path, typer.Argument(help="CSV or JSON Lines, one row per vehicle")],
    mapping: MappingOpt = None,
    snapshot: Annotated[
        bool,
        typer.Option(
            "--snapshot", help="The file is the whole registry: mark rows it lacks withdrawn"
        ),
    ] = False,
) -> None:
    """Upsert a registry file by registry_id (re-importing is harmless)."""
    _reference_import("registry", path, mapping, snapshot)


@population_app.command("import")
def population_import(
    path: Annotated[Path, typer.Argument(help="CSV or JSON Lines, one row per person")],
    mapping: MappingOpt = None,
) -> None:
    """Upsert a population extract by id_number (re-importing is harmless)."""
    _reference_import("population", path, mapping, False)


@crosscheck_app.command("run")
def crosscheck_run(
    batch: Annotated[str | None, typer.Option(help="Only this batch")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date for service life (default today)")
    ] = None,
) -> None:
    """Compare documents with the registry and population database; store findings."""
    from datetime import date

    from crosscheck import run as cc

    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError as exc:
        raise typer.BadParameter(f"--as-of must be YYYY-MM-DD: {exc}") from exc
    s = _settings()
    engine = db.make_engine(s.database_url)
    db.create_schema(engine)
    with db.session_factory(engine)() as session, session.begin():
        summary = cc.run(session, as_of=day, batch=batch, review_threshold=s.review_threshold)
    table = Table(title=f"hoso crosscheck — as of {day.isoformat()}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    table.add_row("documents checked", str(summary.documents))
    table.add_row("dossiers", str(summary.dossiers))
    table.add_row(
        "matching the registry", f"{summary.registry_matching} of {summary.registry_checked}"
    )
    table.add_row(
        "matching the population database",
        f"{summary.population_matching} of {summary.population_checked}",
    )
    for rule, n in summary.not_matching.most_common():
        table.add_row(f"  not matching: {rule}", str(n))
    table.add_row("past service life", str(summary.past_service_life))
    table.add_row("documents sent to review", str(summary.needs_review))
    out.print(table)


@crosscheck_app.command("report")
def crosscheck_report(
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or jsonl")] = "csv",
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="File (default: stdout)")
    ] = None,
    batch: Annotated[str | None, typer.Option(help="Only this batch")] = None,
) -> None:
    """Export cross-check findings, one row each."""
    from crosscheck import run as cc

    if fmt not in {"csv", "jsonl"}:
        raise typer.BadParameter("--format must be csv or jsonl")
    s = _settings()
    engine = db.make_engine(s.database_url)
    db.create_schema(engine)
    with db.session_factory(engine)() as session:
        rows = cc.iter_findings(session, batch=batch)
        if out_file is None:
            n = cc.write_report(rows, sys.stdout, fmt)
            sys.stdout.flush()
        else:
            with out_file.open("w", encoding="utf-8", newline="") as fh:
                n = cc.write_report(rows, fh, fmt)
    console.print(f"{n} findings")


@fixtures_app.command("reference")
def fixtures_reference(
    out_dir: Annotated[Path, typer.Option("--out", "-o")],
    n: Annotated[int, typer.Option("--n", help="Dossiers")] = 480,
    seed: Annotated[int, typer.Option(help="Random seed")] = 1,
    as_of: Annotated[str, typer.Option("--as-of", help="Date the expectations assume")] = (
        "2026-06-30"
    ),
    scans: Annotated[
        bool, typer.Option("--scans", help="Also render the documents as scans in OUT/scans")
    ] = False,
    level: Annotated[
        list[str] | None, typer.Option(help="With --scans: clean, scan, hard, photo (in turn)")
    ] = None,
) -> None:
    """Dossier truth plus registry/population files with planted discrepancies."""
    from datetime import date

    from fixtures.generate import SCANS_DIR
    from fixtures.registry import make_reference, write_reference

    if level and not scans:
        raise typer.BadParameter("--level needs --scans")
    try:
        ref = make_reference(
            n,
            seed,
            date.fromisoformat(as_of),
            scans=out_dir / SCANS_DIR if scans else None,
            levels=level or ["clean"],
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    paths = write_reference(ref, out_dir)
    console.print(
        f"{n} dossiers, {len(ref.truth)} documents, {len(ref.registry)} registry rows, "
        f"{len(ref.population)} people, {len(ref.planted)} expected findings: "
        + ", ".join(str(p) for p in paths.values())
    )


@fixtures_app.command("scale")
def fixtures_scale(
    out_dir: Annotated[Path, typer.Option("--out", "-o")],
    n: Annotated[int, typer.Option("--n", help="Registry rows (and people)")] = 1_000_000,
    docs: Annotated[int, typer.Option("--docs", help="Digitized documents")] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed")] = 1,
    match_share: Annotated[
        float, typer.Option("--match-share", help="Dossiers whose vehicle is registered")
    ] = 0.9,
    discrepancy_share: Annotated[
        float, typer.Option("--discrepancy-share", help="Matching dossiers with a planted one")
    ] = 0.1,
) -> None:
    """Large registry/population CSV files and digitized documents (streamed, bounded memory)."""
    from fixtures.scale import write_scale

    start = time.perf_counter()
    try:
        summary = write_scale(
            out_dir, n, docs, seed, match_share=match_share, discrepancy_share=discrepancy_share
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(
        f"{summary.rows} registry rows, {summary.people} people, {summary.documents} documents "
        f"in {summary.dossiers} dossiers ({summary.matched_dossiers} registered), "
        f"{sum(summary.expected.values())} planted findings in {out_dir} "
        f"({time.perf_counter() - start:.1f} s)"
    )


@fixtures_app.command("load")
def fixtures_load(
    path: Annotated[Path, typer.Argument(help="truth.jsonl or documents.jsonl")],
    batch: Annotated[str, typer.Option(help="Batch name for the documents")] = "fixtures",
) -> None:
    """Store truth records as extracted documents (OCR origin, confidence 1.0), no OCR."""
    from fixtures.registry import load_truth_file

    s = _settings()
    engine = db.make_engine(s.database_url)
    db.create_schema(engine)
    start = time.perf_counter()
    n = load_truth_file(db.session_factory(engine), path, batch)
    console.print(f"{n} documents stored in batch {batch} ({time.perf_counter() - start:.1f} s)")


def main() -> None:
    """Console entry point: the one place where hoso's errors become exit codes."""
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except HosoError as exc:
        console.print(f"[red]error:[/red] {exc}")
        sys.exit(exc.exit_code)
    except (typer.BadParameter, typer.Abort) as exc:
        console.print(f"[red]error:[/red] {exc}")
        sys.exit(2)
    except Exception as exc:
        # Usage errors (a missing option value, an unknown option): Typer raises the
        # ClickException of the click it vendors, which knows how to print itself.
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            sys.exit(code)
        raise


if __name__ == "__main__":
    main()
