"""Where a page's time goes: each stage of ``worker.run_file`` timed on its own.

Runs the stages in one process (``OMP_THREAD_LIMIT=1``) on generated pages and prints the
mean seconds per page of: rasterize (with seal washing on colour pages), upright
(orientation + skew + straighten), clean, whole-page OCR, recovery of skipped lines, the
half-turn recheck, encoding the upright PNG, and classify + extract with the second
readings (the vie strip and the eng strip of Latin-only values).

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
from hoso.settings import load  # noqa: E402
from ingest import rasterize  # noqa: E402
from ingest.upload import discover  # noqa: E402
from ocr import clean, orient, recover, tesseract  # noqa: E402
from ocr.reread import StripReader  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dossiers", type=int, default=6)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--levels", nargs="*", default=["clean", "scan"])
    args = ap.parse_args()
    cv2.setNumThreads(1)
    s = load()
    limits = rasterize.Limits.of(s)
    t: dict[str, float] = defaultdict(float)
    pages_done = 0
    with tempfile.TemporaryDirectory(prefix="hoso-stages-") as tmp_s:
        tmp = Path(tmp_s)
        generate(tmp, args.dossiers, args.seed, args.levels)
        for item in discover([tmp / "scans"]):
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
                up = orient.upright(clean.to_gray(raster.image))
                t["upright"] += time.perf_counter() - t0
                t0 = time.perf_counter()
                image = clean.clean_for_ocr(up.image)
                t["clean"] += time.perf_counter() - t0
                dpi = raster.dpi or s.dpi
                t0 = time.perf_counter()
                page = tesseract.ocr_page(image, raster.number, lang=s.ocr_lang, psm=3, dpi=dpi)
                t["ocr page"] += time.perf_counter() - t0
                t0 = time.perf_counter()
                page = recover.recover(image, page, lang=s.ocr_lang, dpi=dpi)
                t["recover skipped lines"] += time.perf_counter() - t0
                t0 = time.perf_counter()
                if worker._mean_confidence(page) < worker.RECHECK_BELOW:
                    worker.recognize(cv2.rotate(image, cv2.ROTATE_180), raster.number, dpi, s)
                t["half-turn recheck"] += time.perf_counter() - t0
                t0 = time.perf_counter()
                cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
                t["encode PNG"] += time.perf_counter() - t0
                images[raster.number] = image
                ocr_pages.append(page)
                pages_done += 1
            t0 = time.perf_counter()
            labels = [classify.classify_page(p) for p in ocr_pages]
            spans = classify.split_documents(labels)
            reader = StripReader(images.get, s.ocr_lang, latin_lang=s.ocr_latin_lang or None)
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
    total = sum(t.values())
    print(f"{pages_done} pages, levels {' '.join(args.levels)}, seed {args.seed}\n")
    print("| stage | s/page |\n|---|---:|")
    for k, v in t.items():
        print(f"| {k} | {v / pages_done:.3f} |")
    print(f"| **total** | **{total / pages_done:.2f}** ({pages_done / total:.2f} pages/s) |")


if __name__ == "__main__":
    main()
