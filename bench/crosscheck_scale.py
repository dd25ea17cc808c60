"""The cross-check at scale: reference imports and a cross-check run, time and peak memory.

Generates (``hoso fixtures scale``) a registry and a population extract of the largest size
and ``--docs`` digitized documents, then, each as its own ``hoso`` process (so that its peak
RSS is its own, read with ``os.wait4``), into a fresh database per size and backend:

  * ``hoso registry import`` and ``hoso population import`` at every ``--sizes`` (the first
    rows of the generated files) on PostgreSQL and, up to ``--sqlite-max``, SQLite;
  * on the largest PostgreSQL database: ``hoso fixtures load`` of the documents, then
    ``hoso crosscheck run`` twice (first run, and a re-run that changes nothing), and the
    recall of the planted findings.

Prints Markdown tables for docs/benchmarks.md. Wall times include the ~1 s start of a
``hoso`` process; peak RSS is the ``hoso`` process's, not PostgreSQL's.

    python bench/crosscheck_scale.py --sizes 200000 1000000 --docs 100000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

AS_OF = "2026-06-30"


def hoso_command(repo: Path) -> list[str]:
    """``python -m hoso`` (a checkout older than hoso/__main__.py: ``-m hoso.cli``)."""
    module = "hoso" if (repo / "hoso" / "__main__.py").exists() else "hoso.cli"
    return [sys.executable, "-m", module]


@dataclass
class Run:
    wall_s: float
    peak_rss_mib: float
    output: str
    cpu_s: float = 0.0  # user + system time of the hoso process (not PostgreSQL's)


def hoso(args: list[str], env: dict[str, str], repo: Path = REPO) -> Run:
    """One ``hoso`` command (of the checkout at ``repo``) as a child process: wall time, its
    own peak RSS and CPU time."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            [*hoso_command(repo), *args], env={**env, "PYTHONPATH": str(repo)}, cwd=repo,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        log.seek(0)
        output = log.read()
    if proc.returncode != 0:
        raise SystemExit(f"hoso {' '.join(args)} failed ({proc.returncode}):\n{output}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, usage.ru_maxrss / 1024, output, cpu)  # Linux: ru_maxrss in KiB


def head(src: Path, dst: Path, rows: int) -> Path:
    """The header and the first ``rows`` rows of a CSV file (rows have no line breaks)."""
    with src.open(encoding="utf-8") as fin, dst.open("w", encoding="utf-8") as fout:
        for n, line in enumerate(fin):
            if n > rows:
                break
            fout.write(line)
    return dst


class Database:
    """A fresh database: PostgreSQL (created and dropped) or a SQLite file."""

    def __init__(self, backend: str, admin_url: str, folder: Path) -> None:
        self.backend = backend
        self.admin_url = admin_url
        if backend == "postgresql":
            import psycopg

            self.name = f"hoso_bench_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
            self.url = f"{base}/{self.name}"
        else:
            self.name = str(folder / f"bench-{uuid.uuid4().hex[:10]}.db")
            self.url = f"sqlite:///{self.name}"

    def drop(self) -> None:
        if self.backend == "postgresql":
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(self.name + suffix).unlink(missing_ok=True)


def env_for(url: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOSO_")}
    return {**env, "HOSO_HOME": str(home), "HOSO_DATABASE_URL": url, "PYTHONPATH": str(REPO)}


def clear_findings(url: str) -> None:
    """Remove the cross-check's findings (a baseline's first run then starts as the first
    run of this checkout did; documents keep the statuses that run gave them)."""
    from sqlalchemy import text

    from crosscheck.rules import RULE_NAMES
    from hoso import db

    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text("DELETE FROM check_result WHERE rule = ANY(:rules)"), {"rules": list(RULE_NAMES)}
        )
    engine.dispose()


def recall(url: str, data: Path) -> tuple[Counter[str], Counter[str]]:
    """(planted findings per rule, of which found) on the database at ``url``."""
    from crosscheck.run import iter_findings
    from fixtures.registry import truth_document_id
    from fixtures.scale import document_key
    from hoso import db

    ids = {}
    with (data / "documents.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            ids[document_key(rec)] = truth_document_id(rec)
    engine = db.make_engine(url)
    found: set[tuple[str, str, str]] = set()
    with db.session_factory(engine)() as session:
        for row in iter_findings(session, include_info=False):
            found.add((row["document_id"], row["rule"], row["fields"]))
    engine.dispose()
    planted: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    with (data / "planted.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            p = json.loads(line)
            planted[p["rule"]] += 1
            hit[p["rule"]] += (ids[p["document"]], p["rule"], ",".join(p["fields"])) in found
    return planted, hit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sqlite-max", type=int, default=200_000, help="largest SQLite import")
    ap.add_argument("--data", type=Path, help="reuse the files of an earlier run here")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "hoso-xscale")
    ap.add_argument(
        "--pg-admin",
        default=os.environ.get("HOSO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    ap.add_argument("--skip-crosscheck", action="store_true")
    ap.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. `git archive` of an older commit): its PostgreSQL imports "
        "run right after this one's, on the same files, and its cross-check after this one's "
        "on the same documents, for a side-by-side comparison",
    )
    args = ap.parse_args()
    sizes = sorted(args.sizes)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    home = work / "home"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f}"
    )

    data = args.data or work / f"data-{sizes[-1]}-{args.docs}-{args.seed}"
    if not (data / "scale.json").exists():
        gen = hoso(
            ["fixtures", "scale", "--out", str(data), "--n", str(sizes[-1]),
             "--docs", str(args.docs), "--seed", str(args.seed)],
            env_for("sqlite://", home),
        )  # fmt: skip
        print(
            f"generate {sizes[-1]:,} rows + {args.docs:,} documents: {gen.wall_s:.1f} s "
            f"({sizes[-1] / gen.wall_s:,.0f} rows/s), peak RSS {gen.peak_rss_mib:.0f} MiB"
        )
    print(json.loads((data / "scale.json").read_text()))

    rows: list[tuple[str, int, str, int, float, float, float, float]] = []
    largest_pg: Database | None = None
    for size in sizes:
        files = {}
        for kind in ("registry", "population"):
            src = data / f"{kind}.csv"
            files[kind] = src if size == sizes[-1] else head(src, work / f"{kind}-{size}.csv", size)
        runs = [("postgresql", REPO), ("sqlite", REPO)]
        if args.baseline:
            runs.insert(1, ("postgresql baseline", args.baseline.resolve()))
        for label, repo in runs:
            backend = label.split()[0]
            if backend == "sqlite" and size > args.sqlite_max:
                continue
            database = Database(backend, args.pg_admin, work)
            env = env_for(database.url, home)
            hoso(["db", "upgrade"], env, repo)
            for kind in ("registry", "population"):
                run = hoso([kind, "import", str(files[kind])], env, repo)
                n = int(run.output.split(" rows upserted")[0].rsplit(" ", 1)[1])
                rows.append((label, size, kind, n, run.wall_s, run.cpu_s, run.peak_rss_mib,
                             os.getloadavg()[0]))  # fmt: skip
                print(
                    f"{label:20} {size:>9,} {kind:10} {n:>9,} rows {run.wall_s:7.1f} s "
                    f"{n / run.wall_s:>9,.0f} rows/s  cpu {run.cpu_s:6.1f} s  "
                    f"peak RSS {run.peak_rss_mib:5.0f} MiB  load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
            if label == "postgresql" and size == sizes[-1] and not args.skip_crosscheck:
                largest_pg = database
            else:
                database.drop()

    print(
        "\n| database | file rows | import | wall s | rows/s | hoso CPU µs/row | peak RSS MiB "
        "| load |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for label, size, kind, n, wall, cpu, rss, load in rows:
        print(
            f"| {label} | {size:,} | {kind} | {wall:.1f} | {n / wall:,.0f} | {cpu / n * 1e6:.1f} "
            f"| {rss:.0f} | {load:.1f} |"
        )

    if largest_pg is None:
        return
    try:
        env = env_for(largest_pg.url, home)
        loaded = hoso(["fixtures", "load", str(data / "documents.jsonl"), "--batch", "scale"], env)
        print(
            f"\nload {args.docs:,} documents: {loaded.wall_s:.1f} s "
            f"({args.docs / loaded.wall_s:,.0f} documents/s), "
            f"peak RSS {loaded.peak_rss_mib:.0f} MiB"
        )
        print("\n| cross-check | documents | wall s | documents/s | peak RSS MiB |")
        print("|---|---:|---:|---:|---:|")

        def timed_runs(prefix: str, repo: Path) -> None:
            for label in ("first run", "re-run (nothing changes)"):
                run = hoso(["crosscheck", "run", "--as-of", AS_OF], env, repo)
                print(
                    f"| {prefix}{label} | {args.docs:,} | {run.wall_s:.1f} "
                    f"| {args.docs / run.wall_s:,.0f} | {run.peak_rss_mib:.0f} |",
                    flush=True,
                )

        timed_runs("", REPO)
        planted, hit = recall(largest_pg.url, data)
        if args.baseline:  # from no cross-check findings, as this checkout's first run
            clear_findings(largest_pg.url)
            timed_runs("baseline, ", args.baseline.resolve())
        print("\n| planted rule | planted | found |")
        print("|---|---:|---:|")
        for rule in sorted(planted):
            print(f"| {rule} | {planted[rule]:,} | {hit[rule]:,} |")
    finally:
        largest_pg.drop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
