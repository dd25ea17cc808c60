"""Where a page's time goes: each stage of ``worker.run_file`` timed on its own.

Runs the stages in one process (``OMP_THREAD_LIMIT=1``) on generated pages and prints the
mean seconds per page of: rasterize (with seal washing on colour pages), upright
(orientation + skew + straighten), clean, whole-page OCR, recovery of skipped lines, the
half-turn recheck, encoding the upright PNG, and classify + extract with the second
readings (the vie strip and the eng strip of Latin-only values). With ``--engines cli api``
(the default when tesserocr is installed) the same pages are timed with each OCR backend,
one after the other, and printed side by side.

    python bench/stages.py --dossiers 6 --seed 4242
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import cv2  # noqa: E402

import worker  # noqa: E402
from extract import classify, fields  # noqa: E402
from fixtures.generate import generate  # noqa: E402
from hoso.settings import Settings, load  # noqa: E402
from ingest import rasterize  # noqa: E402
from ingest.upload import discover  # noqa: E402
from ocr import clean, orient, recover, tesseract  # noqa: E402
from ocr.engine import Engine as OcrEngine  # noqa: E402
from ocr.engine import api_available, open_engine  # noqa: E402
from ocr.reread import StripReader  # noqa: E402


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the tesseract programs)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Clock:
    """Wall and CPU seconds per stage. On a machine shared with other work, wall time
    grows with the load; CPU time much less, so both are printed."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self._start = (0.0, 0.0)

    def start(self) -> None:
        self._start = (time.perf_counter(), _cpu())

    def stop(self, stage: str) -> None:
        self.wall[stage] += time.perf_counter() - self._start[0]
        self.cpu[stage] += _cpu() - self._start[1]


def measure(folder: Path, s: Settings, ocr: OcrEngine) -> tuple[int, Clock]:
    """Seconds spent in each stage over every page of ``folder``, with ``ocr``."""
    limits = rasterize.Limits.of(s)
    clock = Clock()
    pages_done = 0
    for item in discover([folder]):
        data = item.path.read_bytes()
        kind, count = rasterize.probe(data, item.path, limits)
        it = rasterize.pages(data, item.path, kind, count, limits)
        images, ocr_pages = {}, []
        while True:
            clock.start()
            raster = next(it, None)
            clock.stop("rasterize")
            if raster is None:
                break
            clock.start()
            up = orient.upright(clean.to_gray(raster.image), ocr)
            clock.stop("upright")
            clock.start()
            image = clean.clean_for_ocr(up.image)
            clock.stop("clean")
            dpi = raster.dpi or s.dpi
            clock.start()
            page = tesseract.ocr_page(
                image, raster.number, lang=s.ocr_lang, psm=3, dpi=dpi, engine=ocr
            )
            clock.stop("ocr page")
            clock.start()
            page = recover.recover(image, page, lang=s.ocr_lang, dpi=dpi, engine=ocr)
            clock.stop("recover skipped lines")
            clock.start()
            if worker._mean_confidence(page) < worker.RECHECK_BELOW:
                worker.recognize(cv2.rotate(image, cv2.ROTATE_180), raster.number, dpi, s, ocr)
            clock.stop("half-turn recheck")
            clock.start()
            worker.encode_png(image)
            clock.stop("encode PNG")
            images[raster.number] = image
            ocr_pages.append(page)
            pages_done += 1
        clock.start()
        labels = [classify.classify_page(p) for p in ocr_pages]
        spans = classify.split_documents(labels)
        reader = StripReader(
            images.get, s.ocr_lang, latin_lang=s.ocr_latin_lang or None, engine=ocr
        )
        for span in spans:
            fields.extract_fields(
                span.doc_type, ocr_pages[span.indices.start : span.indices.stop], reader
            )
        clock.stop("classify + extract (1st pass)")
        clock.start()
        reader.read()
        clock.stop("second readings (strips)")
        clock.start()
        for span in spans:
            fields.extract_fields(
                span.doc_type, ocr_pages[span.indices.start : span.indices.stop], reader
            )
        clock.stop("extract (vote, calibrate)")
    return pages_done, clock


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dossiers", type=int, default=6)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--levels", nargs="*", default=["clean", "scan"])
    ap.add_argument(
        "--engines",
        nargs="*",
        default=["cli", "api"] if api_available() else ["cli"],
        help="OCR backends (HOSO_OCR_ENGINE values) to time one after the other",
    )
    args = ap.parse_args()
    cv2.setNumThreads(1)
    s = load()
    results: dict[str, tuple[int, Clock]] = {}
    with tempfile.TemporaryDirectory(prefix="hoso-stages-") as tmp_s:
        tmp = Path(tmp_s)
        generate(tmp, args.dossiers, args.seed, args.levels)
        for name in args.engines:
            ocr = open_engine(name)
            results[name] = measure(tmp / "scans", s, ocr)
            print(f"{ocr.name}: Tesseract {ocr.version()}", file=sys.stderr)
    pages_done = next(iter(results.values()))[0]
    print(f"{pages_done} pages, levels {' '.join(args.levels)}, seed {args.seed}\n")
    print(
        "| stage | "
        + " | ".join(f"{n} wall s/page | {n} CPU s/page" for n in results)
        + " |\n|---|"
        + "---:|---:|" * len(results)
    )
    for k in next(iter(results.values()))[1].wall:
        cells = [f"{c.wall[k] / n:.3f} | {c.cpu[k] / n:.3f}" for n, c in results.values()]
        print(f"| {k} | " + " | ".join(cells) + " |")
    totals = []
    for n, c in results.values():
        wall, cpu = sum(c.wall.values()), sum(c.cpu.values())
        totals.append(
            f"**{wall / n:.2f}** ({n / wall:.2f} pages/s) | **{cpu / n:.2f}** "
            f"({n / cpu:.2f} pages/CPU-s)"
        )
    print("| **total** | " + " | ".join(totals) + " |")


if __name__ == "__main__":
    main()
