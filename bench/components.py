"""Two image primitives every page goes through several times, each beside what it replaced.

* Labelling the connected components of a page's ink (5-7 passes a page in cleaning,
  skew estimation and line recovery): OpenCV's default algorithm for 8-connectivity
  against BBDT (``ocr.components``), and whether their outputs are identical.
* Area reduction by a whole factor (the paper's background, rule and leader search, line
  recovery): ``cv2.resize`` to ``(w // f, h // f)`` of the whole page, whose scale is not a
  whole number unless the page's size is a multiple of ``f``, against ``ocr.clean.shrink``.

Pages: generated dossiers (clean + scan), rasterized at 300 dpi and turned upright and
straightened as the worker does, so their sizes are those the cleaning steps see.

    python bench/components.py --dossiers 4 --seed 4242
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from throughput import folder_pages  # noqa: E402 (bench/ is on sys.path when run)

from fixtures.generate import generate  # noqa: E402
from ocr import clean, components, orient  # noqa: E402


def upright_pages(folder: Path) -> list[np.ndarray]:
    return [orient.upright(clean.to_gray(page.image)).image for _, page in folder_pages(folder)]


def per_page_ms(fn: Callable[[np.ndarray], object], images: list[np.ndarray], rounds: int) -> float:
    for im in images[:2]:
        fn(im)
    start = time.perf_counter()
    for _ in range(rounds):
        for im in images:
            fn(im)
    return (time.perf_counter() - start) / rounds / len(images) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dossiers", type=int, default=4)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory(prefix="hoso-bench-") as tmp:
        generate(Path(tmp), args.dossiers, args.seed, ["clean", "scan"])
        pages = upright_pages(Path(tmp) / "scans")
    masks = []
    for gray in pages:
        _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
        masks.append(ink)
    whole = sum(1 for g in pages if g.shape[0] % 2 == 0 and g.shape[1] % 2 == 0)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"OpenCV {cv2.__version__}, one thread"
    )
    print(
        f"data: {len(pages)} upright pages of {args.dossiers} generated dossiers (seed "
        f"{args.seed}, clean + scan), {whole} of even size; ms a page, the mean of "
        f"{args.rounds} rounds\n"
    )
    same = all(
        all(
            np.array_equal(a, b)
            for a, b in zip(
                components.with_stats(m)[1:],
                cv2.connectedComponentsWithStats(m, connectivity=8)[1:],
                strict=True,
            )
        )
        for m in masks
    )
    print("| step | before (ms) | now (ms) | same output |")
    print("|---|---:|---:|---|")
    before = per_page_ms(
        lambda m: cv2.connectedComponentsWithStats(m, connectivity=8), masks, args.rounds
    )
    now = per_page_ms(components.with_stats, masks, args.rounds)
    verdict = "yes" if same else "no"
    print(f"| label ink components (8-connected) | {before:.1f} | {now:.1f} | {verdict} |")
    for f in (2, 8, 38):

        def resized(g: np.ndarray, f: int = f) -> np.ndarray:
            h, w = g.shape
            return cv2.resize(g, (w // f, h // f), interpolation=cv2.INTER_AREA)

        def shrunk(g: np.ndarray, f: int = f) -> np.ndarray:
            return clean.shrink(g, f)

        apart = np.mean([np.abs(resized(g).astype(np.float32) - shrunk(g)).mean() for g in pages])
        before = per_page_ms(resized, pages, args.rounds)
        now = per_page_ms(shrunk, pages, args.rounds)
        print(
            f"| area reduction by {f} | {before:.1f} | {now:.1f} | "
            f"no: {apart:.2f} grey levels apart on average (grid shifted < {f} px) |"
        )


if __name__ == "__main__":
    main()
