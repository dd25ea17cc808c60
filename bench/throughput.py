"""End-to-end throughput of ``hoso run`` beside plain Tesseract on the same pages.

Generates a batch of dossiers (clean + scan), then on this machine measures:
  * plain ``tesseract PAGE stdout -l vie`` full-page OCR of every page (the baseline), with 1
    and with N parallel processes, on the same 300 dpi page images hoso rasterizes;
  * ``hoso run`` (ingest → upright/deskew → OCR → classify → extract → persist) with 1 and N
    workers, each into a fresh embedded store, with each OCR backend (``--engines cli api``:
    the tesseract program per call, or Tesseract kept loaded in-process), back to back;
  * ``ocrmypdf --deskew -l vie`` when it is installed (``--ocrmypdf``).
Prints a Markdown table for docs/benchmarks.md. ``OMP_THREAD_LIMIT=1`` everywhere. Beside
wall time it prints the CPU seconds each configuration used (its processes and theirs):
on a machine shared with other work, pages per CPU-second is what a dedicated core would
approach, while wall time also measures the neighbours.

    python bench/throughput.py --dossiers 8 --seed 4242 --workers 2
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fixtures.generate import generate  # noqa: E402
from ingest import rasterize  # noqa: E402

ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def folder_pages(folder: Path) -> Iterator[tuple[Path, rasterize.RasterPage]]:
    """Every page of every file under ``folder`` (sorted), rasterized at 300 dpi."""
    limits = rasterize.Limits(max_pages=500, max_pixels=200_000_000, dpi=300)
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = f.read_bytes()
        kind, count = rasterize.probe(data, f, limits)
        for page in rasterize.pages(data, f, kind, count, limits):
            yield f, page


def rasterize_all(folder: Path, out: Path) -> list[Path]:
    paths = []
    for f, page in folder_pages(folder):
        target = out / f"{f.stem}-{page.number}.pgm"
        cv2.imwrite(str(target), page.image)
        paths.append(target)
    return paths


def children_cpu() -> float:
    """CPU seconds of every finished child process of this one, and of theirs."""
    t = os.times()
    return t.children_user + t.children_system


def plain_tesseract(pages: list[Path], procs: int) -> float:
    def one(p: Path) -> None:
        subprocess.run(
            ["tesseract", str(p), "stdout", "-l", "vie", "--psm", "3", "tsv"],
            env=ENV,
            check=True,
            capture_output=True,
        )

    start = time.perf_counter()
    with ThreadPoolExecutor(procs) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - start


def hoso_run(folder: Path, workers: int, home: Path, engine: str) -> float:
    env = {**ENV, "HOSO_HOME": str(home)}
    for k in list(env):
        if k.startswith("HOSO_") and k != "HOSO_HOME":
            env.pop(k)
    env["HOSO_OCR_ENGINE"] = engine
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "hoso",
            "run",
            str(folder),
            "--out",
            str(home / "out"),
            "--workers",
            str(workers),
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 3):
        raise SystemExit(f"hoso run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return elapsed


def ocrmypdf_run(exe: str | None, folder: Path, procs: int, tmp: Path) -> tuple[float, int] | None:
    """OCRmyPDF on every PDF of the batch; (seconds, pages) or None when not installed."""
    if exe is None:
        return None
    pdfs = sorted(folder.rglob("*.pdf"))
    limits = rasterize.Limits(max_pages=500, max_pixels=200_000_000, dpi=300)
    pages = sum(rasterize.probe(p.read_bytes(), p, limits)[1] for p in pdfs)

    def one(p: Path) -> None:
        subprocess.run(
            [
                exe,
                "--deskew",
                "-l",
                "vie",
                "--jobs",
                "1",
                "--output-type",
                "pdf",
                "--force-ocr",
                str(p),
                str(tmp / f"{p.stem}.ocr.pdf"),
            ],
            env=ENV,
            check=True,
            capture_output=True,
        )

    start = time.perf_counter()
    with ThreadPoolExecutor(procs) as pool:
        list(pool.map(one, pdfs))
    return time.perf_counter() - start, pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dossiers", type=int, default=8)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--levels", nargs="*", default=["clean", "scan"])
    ap.add_argument(
        "--engines",
        nargs="*",
        default=["cli", "api"],
        help="HOSO_OCR_ENGINE values to run hoso with, back to back",
    )
    ap.add_argument("--repeat", type=int, default=1, help="runs of each hoso configuration")
    ap.add_argument(
        "--ocrmypdf",
        default=shutil.which("ocrmypdf"),
        help="ocrmypdf executable (e.g. from its own venv); skipped when absent",
    )
    args = ap.parse_args()
    load_before = f"{os.getloadavg()[0]:.1f}"
    with tempfile.TemporaryDirectory(prefix="hoso-bench-") as tmp_s:
        tmp = Path(tmp_s)
        generate(tmp / "batch", args.dossiers, args.seed, args.levels)
        data = tmp / "batch" / "scans"
        raster = tmp / "pages"
        raster.mkdir()
        pages = rasterize_all(data, raster)
        n = len(pages)
        rows = []
        for procs in sorted({1, args.workers}):
            cpu = children_cpu()
            t = plain_tesseract(pages, procs)
            rows.append((f"plain tesseract -l vie, {procs} proc", procs, t, children_cpu() - cpu))
        for run in range(1, args.repeat + 1):
            for workers in sorted({1, args.workers}):
                for engine in args.engines:
                    home = tmp / f"home-{workers}-{engine}-{run}"
                    cpu = children_cpu()
                    t = hoso_run(data, workers, home, engine)
                    label = f"hoso run ({engine}), {workers} worker(s)"
                    if args.repeat > 1:
                        label += f", run {run}"
                    rows.append((label, workers, t, children_cpu() - cpu))
        ocrmypdf = ocrmypdf_run(args.ocrmypdf, data, args.workers, tmp)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(
        f"data: {args.dossiers} generated dossiers (seed {args.seed}, levels "
        f"{', '.join(args.levels)}), {n} pages at 300 dpi\n"
    )
    print(f"load average before: {load_before}, after: {os.getloadavg()[0]:.1f}\n")
    print("| pipeline | processes | wall s | pages/s | pages/s per core | CPU s | pages/CPU-s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, procs, t, cpu in rows:
        print(
            f"| {name} | {procs} | {t:.1f} | {n / t:.2f} | {n / t / procs:.2f} | {cpu:.1f} | "
            f"{n / cpu:.2f} |"
        )
    if ocrmypdf is not None:
        t, pdf_pages = ocrmypdf
        print(
            f"| ocrmypdf --deskew -l vie ({pdf_pages} PDF pages only) | {args.workers} | "
            f"{t:.1f} | {pdf_pages / t:.2f} | {pdf_pages / t / args.workers:.2f} |"
        )


if __name__ == "__main__":
    main()
