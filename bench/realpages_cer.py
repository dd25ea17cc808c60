"""Character error rate of ``hoso ocr`` against plain ``tesseract -l vie`` on real pages.

Run: ``.venv/bin/python bench/realpages_cer.py [--only SUBSTRING] [--json FILE]``

For every page of ``shared/realdata`` that has text truth (see its SOURCES.md):

* hoso: ``hoso.pipeline.ocr_file(settings, FILE, "txt")`` in this process, the same code
  as ``hoso ocr FILE --format txt`` (rasterize, upright, deskew, clean, Tesseract ``vie``);
  its wall time is the time to that page's text, rasterization included, CLI start-up not;
* plain: ``tesseract FILE - -l vie`` on the original file; a PDF page is rasterized first
  with ``pdftoppm -r 300 -png`` (the pdftoppm time is counted in the plain wall time). A
  multi-page TIFF is read by one Tesseract call and its time split evenly over its pages.

CER = Levenshtein distance / truth length, both texts NFC with every whitespace run
(newlines and form feeds too) collapsed to one space. Group figures pool the edits and
the truth characters of their pages. Everything runs with OMP_THREAD_LIMIT=1 and one
OpenCV thread, one page at a time.

Truth: phototest, eurotext, the UNLV pages and viet.tif have upstream truth; the rotated
phototest copies share ``phototest.gold.txt``; the vietsample1.tif pages are our own
transcriptions and vietsample1.pdf's truth is its text layer (its 200 dpi renders in
``derived/`` share it; hoso rejects the PDF itself as encrypted, though it has only an
RC4 owner password, so its pages are shown but left out of the group figures). The
OCRmyPDF pages (linn.png, cardinal.pdf, skew.pdf, rotated_skew.pdf and their 150 dpi
renders) are all linn.png, whose ``linn.txt`` is only approximate (OCR-derived: bullets
read as "0"), so their CER has a floor of a few points for both engines; the difference
between the engines is what counts.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hoso import pipeline
from hoso import settings as settings_mod
from hoso.errors import RejectedInput
from tests.realpages import PHOTOTEST_TRUTH, char_edits, realdata_dir

CLEAN, ROTATED, SKEWED = "clean upright", "rotated", "skewed"
GROUPS = (CLEAN, ROTATED, SKEWED)
PHOTOTEST = PHOTOTEST_TRUTH
LINN = "ocrmypdf-tests/linn.txt"
VIET_PDF = "vietocr3-samples/gt/vietsample1.pdf.textlayer.txt"


@dataclass(frozen=True)
class Case:
    """One file of shared/realdata, the truth of each of its pages and its group."""

    path: str
    truths: tuple[str, ...]  # one per page; "FILE#N" = page N of a "=== page N ===" file
    group: str


CASES = [
    Case("tesseract-test/phototest.tif", (PHOTOTEST,), CLEAN),
    Case("tesseract-test/eurotext.tif", ("tesseract-test/eurotext.txt",), CLEAN),
    Case("tesseract-test/viet.tif", ("tesseract-test/gt/viet.tif.gt.txt",), CLEAN),
    Case("tesseract-test/8071_093.3B.tif", ("tesseract-test/8071_093.3B.txt",), CLEAN),
    Case("tesseract-test/8087_054.3B.tif", ("tesseract-test/8087_054.3B.txt",), CLEAN),
    Case(
        "vietocr3-samples/vietsample1.tif",
        (
            "vietocr3-samples/gt/vietsample1.tif.page1.txt",
            "vietocr3-samples/gt/vietsample1.tif.page2.txt",
        ),
        CLEAN,
    ),
    Case("vietocr3-samples/vietsample1.pdf", (f"{VIET_PDF}#1", f"{VIET_PDF}#2"), CLEAN),
    Case("vietocr3-samples/derived/vietsample1_pdf_p1_200dpi.png", (f"{VIET_PDF}#1",), CLEAN),
    Case("vietocr3-samples/derived/vietsample1_pdf_p2_200dpi.png", (f"{VIET_PDF}#2",), CLEAN),
    Case("ocrmypdf-tests/linn.png", (LINN,), CLEAN),
    Case("ocrmypdf-tests/derived/cardinal_p1_150dpi.png", (LINN,), CLEAN),
    Case("tesseract-test/phototest-rotated-L.png", (PHOTOTEST,), ROTATED),
    Case("tesseract-test/phototest-rotated-R.png", (PHOTOTEST,), ROTATED),
    Case("tesseract-test/phototest-rotated-180.png", (PHOTOTEST,), ROTATED),
    Case("tesseract-test/phototestrot.tif", (PHOTOTEST,), ROTATED),
    Case("ocrmypdf-tests/derived/cardinal_p2_150dpi.png", (LINN,), ROTATED),
    Case("ocrmypdf-tests/derived/cardinal_p3_150dpi.png", (LINN,), ROTATED),
    Case("ocrmypdf-tests/derived/cardinal_p4_150dpi.png", (LINN,), ROTATED),
    Case("ocrmypdf-tests/skew.pdf", (LINN,), SKEWED),
    Case("ocrmypdf-tests/rotated_skew.pdf", (LINN,), SKEWED),
    Case("ocrmypdf-tests/derived/skew_p1_150dpi.png", (LINN,), SKEWED),
    Case("ocrmypdf-tests/derived/rotated_skew_p1_150dpi.png", (LINN,), SKEWED),
]
#: cardinal.pdf holds linn.png four times, p1 upright and p2-p4 turned; its pages are
#: split over the groups after the run.
CARDINAL = "ocrmypdf-tests/cardinal.pdf"
CARDINAL_GROUPS = (CLEAN, ROTATED, ROTATED, ROTATED)


@dataclass
class Row:
    page: str
    group: str
    truth_chars: int
    hoso_edits: int | None  # None: hoso rejected the file (see ``note``)
    plain_edits: int
    hoso_s: float
    plain_s: float
    note: str = ""

    @property
    def hoso_cer(self) -> float:
        if self.hoso_edits is None:
            return float("nan")
        return 100.0 * self.hoso_edits / self.truth_chars

    @property
    def plain_cer(self) -> float:
        return 100.0 * self.plain_edits / self.truth_chars


def read_truth(root: Path, ref: str) -> str:
    path, _, page = ref.partition("#")
    text = (root / path).read_text(encoding="utf-8")
    if not page:
        return text
    parts = re.split(r"^=== page (\d+) ===$", text, flags=re.M)
    by_page = {int(parts[i]): parts[i + 1] for i in range(1, len(parts), 2)}
    return by_page[int(page)]


def hoso_pages(path: Path) -> list[tuple[str, float]]:
    """Text and wall seconds of each page, as ``hoso ocr FILE --format txt`` makes them."""
    s = settings_mod.load()
    out: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    for chunk in pipeline.ocr_file(s, path, "txt"):
        if chunk == "\f":
            continue
        now = time.perf_counter()
        out.append((chunk, now - t0))
        t0 = now
    return out


def _tesseract(image: Path) -> str:
    argv = ["tesseract", str(image), "-", "-l", "vie"]
    return subprocess.run(argv, capture_output=True, check=True, text=True).stdout


def plain_pages(path: Path) -> list[tuple[str, float]]:
    """Text and wall seconds of each page read by plain ``tesseract -l vie``."""
    if path.suffix.lower() != ".pdf":
        t0 = time.perf_counter()
        pages = _tesseract(path).split("\f")
        if len(pages) > 1 and not pages[-1].strip():
            pages = pages[:-1]
        each = (time.perf_counter() - t0) / len(pages)
        return [(p, each) for p in pages]
    out: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="realpages-") as tmp:
        t0 = time.perf_counter()
        subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), f"{tmp}/p"], check=True)
        render_each = (time.perf_counter() - t0) / max(len(list(Path(tmp).iterdir())), 1)
        for png in sorted(Path(tmp).glob("p-*.png")):
            t0 = time.perf_counter()
            text = _tesseract(png)
            out.append((text, render_each + time.perf_counter() - t0))
    return out


def measure(root: Path, case: Case) -> list[Row]:
    plain = plain_pages(root / case.path)
    note = ""
    try:
        hoso: list[tuple[str | None, float]] = list(hoso_pages(root / case.path))
    except RejectedInput as exc:
        note = f"hoso rejected the file: {exc}"
        hoso = [(None, 0.0)] * len(plain)
    if not len(hoso) == len(plain) == len(case.truths):
        raise RuntimeError(
            f"{case.path}: {len(hoso)} hoso pages, {len(plain)} plain, {len(case.truths)} truths"
        )
    rows = []
    for n, (truth_ref, (h_text, h_s), (p_text, p_s)) in enumerate(
        zip(case.truths, hoso, plain, strict=True), start=1
    ):
        truth = read_truth(root, truth_ref)
        name = case.path if len(case.truths) == 1 else f"{case.path} p{n}"
        plain_edits, chars = char_edits(p_text, truth)
        hoso_edits = None if h_text is None else char_edits(h_text, truth)[0]
        rows.append(Row(name, case.group, chars, hoso_edits, plain_edits, h_s, p_s, note))
    return rows


def all_cases() -> list[Case]:
    cardinal = Case(CARDINAL, (LINN,) * 4, CLEAN)
    return [*CASES, cardinal]


def regroup(rows: list[Row]) -> list[Row]:
    for n, row in enumerate(r for r in rows if r.page.startswith(CARDINAL + " p")):
        row.group = CARDINAL_GROUPS[n]
    return rows


def table(rows: Sequence[Row]) -> str:
    head = (
        "| page | group | truth chars | hoso CER % | plain CER % | hoso − plain | "
        "hoso s | plain s |\n|---|---|---:|---:|---:|---:|---:|---:|"
    )
    lines = [head]
    for r in rows:
        if r.hoso_edits is None:
            hoso, diff, secs = "rejected", "", ""
        else:
            hoso, diff = f"{r.hoso_cer:.2f}", f"{r.hoso_cer - r.plain_cer:+.2f}"
            secs = f"{r.hoso_s:.1f}"
        lines.append(
            f"| {r.page} | {r.group} | {r.truth_chars} | {hoso} | {r.plain_cer:.2f} | "
            f"{diff} | {secs} | {r.plain_s:.1f} |"
        )
    return "\n".join(lines)


def group_table(rows: Sequence[Row]) -> str:
    lines = [
        "| group | pages | truth chars | hoso CER % | plain CER % | hoso − plain | "
        "worst page hoso − plain | hoso s | plain s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for g in (*GROUPS, "all"):
        # Pages hoso rejected are left out of both engines' figures.
        rs = [r for r in rows if g in (r.group, "all") and r.hoso_edits is not None]
        if not rs:
            continue
        chars = sum(r.truth_chars for r in rs)
        h = 100.0 * sum(r.hoso_edits or 0 for r in rs) / chars
        p = 100.0 * sum(r.plain_edits for r in rs) / chars
        worst = max(r.hoso_cer - r.plain_cer for r in rs)
        lines.append(
            f"| {g} | {len(rs)} | {chars} | {h:.2f} | {p:.2f} | {h - p:+.2f} | {worst:+.2f} | "
            f"{sum(r.hoso_s for r in rs):.1f} | {sum(r.plain_s for r in rs):.1f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="measure only files whose path contains this")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    args = ap.parse_args(argv)
    root = realdata_dir()
    if root is None:
        print("shared/realdata not found (set REALDATA_DIR)", file=sys.stderr)
        return 2
    cv2.setNumThreads(1)
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout
    print(f"{version.splitlines()[0]}; realdata: {root}", flush=True)
    rows: list[Row] = []
    for case in all_cases():
        if args.only and args.only not in case.path:
            continue
        got = measure(root, case)
        for r in got:
            print(
                f"  {r.page}: hoso {r.hoso_cer:.2f}  plain {r.plain_cer:.2f} {r.note}", flush=True
            )
        rows.extend(got)
    rows = regroup(rows)
    rows.sort(key=lambda r: GROUPS.index(r.group))
    print()
    print(table(rows))
    print()
    print(group_table(rows))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
