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


def measure(folder: Path, s: Settings, ocr: OcrEngine) -> tuple[int, dict[str, float]]:
    """Seconds spent in each stage over every page of ``folder``, with ``ocr``."""
    limits = rasterize.Limits.of(s)
    t: dict[str, float] = defaultdict(float)
    pages_done = 0
    for item in discover([folder]):
        data = item.path.read_bytes()
        kind, count = rasterize.probe(data, item.path, limits)
        it = rasterize.pages(data, item.path, kind, count, limits)
        images, ocr_pages = {}, []
        while True:
            t0 = time.perf_counter()
            raster = next(it, None)
            t["rasterize"] += time.perf_counter() - t0
            if raster is None:
                break
            t0 = time.perf_counter()
            up = orient.upright(clean.to_gray(raster.image), ocr)
            t["upright"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            image = clean.clean_for_ocr(up.image)
            t["clean"] += time.perf_counter() - t0
            dpi = raster.dpi or s.dpi
            t0 = time.perf_counter()
            page = tesseract.ocr_page(
                image, raster.number, lang=s.ocr_lang, psm=3, dpi=dpi, engine=ocr
            )
            t["ocr page"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            page = recover.recover(image, page, lang=s.ocr_lang, dpi=dpi, engine=ocr)
            t["recover skipped lines"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            if worker._mean_confidence(page) < worker.RECHECK_BELOW:
                worker.recognize(cv2.rotate(image, cv2.ROTATE_180), raster.number, dpi, s, ocr)
            t["half-turn recheck"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            worker.encode_png(image)
            t["encode PNG"] += time.perf_counter() - t0
            images[raster.number] = image
            ocr_pages.append(page)
            pages_done += 1
        t0 = time.perf_counter()
        labels = [classify.classify_page(p) for p in ocr_pages]
        spans = classify.split_documents(labels)
        reader = StripReader(
            images.get, s.ocr_lang, latin_lang=s.ocr_latin_lang or None, engine=ocr
        )
        for span in spans:
            fields.extract_fields(
                span.doc_type, ocr_pages[span.indices.start : span.indices.stop], reader
            )
        t["classify + extract (1st pass)"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        reader.read()
        t["second readings (strips)"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        for span in spans:
            fields.extract_fields(
                span.doc_type, ocr_pages[span.indices.start : span.indices.stop], reader
            )
        t["extract (vote, calibrate)"] += time.perf_counter() - t0
    return pages_done, t


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
    results: dict[str, tuple[int, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="hoso-stages-") as tmp_s:
        tmp = Path(tmp_s)
        generate(tmp, args.dossiers, args.seed, args.levels)
        for name in args.engines:
            ocr = open_engine(name)
            results[name] = measure(tmp / "scans", s, ocr)
            print(f"{ocr.name}: Tesseract {ocr.version()}", file=sys.stderr)
    pages_done = next(iter(results.values()))[0]
    print(f"{pages_done} pages, levels {' '.join(args.levels)}, seed {args.seed}\n")
    print("| stage | " + " | ".join(f"{n} s/page" for n in results) + " |")
    print("|---|" + "---:|" * len(results))
    for k in next(iter(results.values()))[1]:
        print(f"| {k} | " + " | ".join(f"{t[k] / n:.3f}" for n, t in results.values()) + " |")
    totals = []
    for n, t in results.values():
        total = sum(t.values())
        totals.append(f"**{total / n:.2f}** ({n / total:.2f} pages/s)")
    print("| **total** | " + " | ".join(totals) + " |")


if __name__ == "__main__":
    main()
