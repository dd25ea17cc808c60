"""Throughput of the production topology beside the embedded run, on the same batch.

Starts a private PostgreSQL database, a private redis-server and moto's S3 server (all on
loopback), generates a batch, then measures wall time and pages/s of:
  * ``hoso run`` (embedded: SQLite + local folder) with 1 and N workers;
  * ``hoso ingest`` + ``hoso worker --burst`` (PostgreSQL + Redis + S3) with 1 and N workers,
    and the peak resident memory of one worker process (its work-horses included);
and prints the overhead ratio (production / embedded) as a Markdown table.

    python bench/production.py --dossiers 8 --workers 2
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fixtures.generate import generate  # noqa: E402
from tests.redisserver import redis_server  # noqa: E402
from tests.s3server import moto_s3_server  # noqa: E402

PG_ADMIN = os.environ.get("HOSO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOSO_")}
    env.update({"OMP_THREAD_LIMIT": "1", **extra})
    return env


def _hoso(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "hoso", *args], env=env, cwd=REPO, capture_output=True, text=True
    )
    if proc.returncode not in (0, 3):
        raise SystemExit(f"hoso {args[0]} failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def _pages(truth: list[dict]) -> int:
    return sum(r["source"]["page_end"] - r["source"]["page_start"] + 1 for r in truth)


def production(
    scans: Path, workers: int, tmp: Path, s3: str, redis_url: str
) -> tuple[float, float]:
    name = f"hoso_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    env = _clean_env(
        HOSO_HOME=str(tmp / f"prod-{workers}"),
        HOSO_DATABASE_URL=f"{base}/{name}",
        HOSO_REDIS_URL=redis_url,
        HOSO_STORAGE_URL=f"s3://bench-{workers}",
        HOSO_S3_ENDPOINT=s3,
        HOSO_S3_ACCESS_KEY="bench",
        HOSO_S3_SECRET_KEY="bench",
        HOSO_S3_SECURE="false",
    )
    try:
        _hoso(["db", "upgrade"], env)
        t_ingest = _hoso(["ingest", str(scans), "--batch", "bench"], env)
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "hoso", "worker", "--workers", str(workers), "--burst"],
            env=env,
            cwd=REPO,
            capture_output=True,
        )
        if proc.returncode != 0:
            raise SystemExit(proc.stderr.decode()[-3000:])
        t_work = time.perf_counter() - start
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return t_ingest, t_work


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dossiers", type=int, default=8)
    ap.add_argument("--seed", type=int, default=5151)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    counts = sorted({1, args.workers})
    with tempfile.TemporaryDirectory(prefix="hoso-prodbench-") as tmp_s:
        tmp = Path(tmp_s)
        truth = generate(tmp / "batch", args.dossiers, args.seed, ["clean", "scan"])
        scans, pages = tmp / "batch" / "scans", _pages(truth)
        rows: list[tuple[str, int, float, float | None]] = []
        for w in counts:
            t = _hoso(
                ["run", str(scans), "--out", str(tmp / f"out-{w}"), "--workers", str(w)],
                _clean_env(HOSO_HOME=str(tmp / f"emb-{w}")),
            )
            rows.append(("embedded `hoso run`", w, t, None))
        with moto_s3_server() as s3, redis_server(tmp) as rs:
            for w in counts:
                rs.kill()
                rs.start()
                t_ingest, t_work = production(scans, w, tmp, s3, rs.url)
                rows.append(("production ingest + `hoso worker`", w, t_ingest + t_work, t_ingest))
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; data: {args.dossiers} dossiers (seed {args.seed}, clean "
        f"+ scan), {pages} pages\n"
    )
    print("| topology | workers | wall s (ingest s) | pages/s | pages/s per worker |")
    print("|---|---:|---:|---:|---:|")
    for name, w, t, ti in rows:
        ing = f" ({ti:.1f})" if ti is not None else ""
        print(f"| {name} | {w} | {t:.1f}{ing} | {pages / t:.2f} | {pages / t / w:.2f} |")
    emb = {w: t for name, w, t, _ in rows if name.startswith("embedded")}
    prod = {w: t for name, w, t, _ in rows if name.startswith("production")}
    for w in counts:
        print(f"\noverhead ratio production/embedded at {w} worker(s): {prod[w] / emb[w]:.2f}")
    print(f"peak resident memory of any one child process: {peak_kb / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
