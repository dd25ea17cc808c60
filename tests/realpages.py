"""Real pages in ``../shared/realdata`` whose geometry is exactly known (its SOURCES.md).

Read in place, never copied into the repository. Tests and benchmarks share these facts.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from rapidfuzz.distance import Levenshtein

#: 150 dpi renders with their exact skew, degrees, positive = content turned clockwise.
SKEWED_RENDERS = [
    ("ocrmypdf-tests/derived/skew_p1_150dpi.png", 1.865),
    ("ocrmypdf-tests/derived/rotated_skew_p1_150dpi.png", -2.79),
]
#: The PDFs those renders come from (the skew is read from their placement matrix).
SKEWED_PDFS = [("skew.pdf", 1.865), ("rotated_skew.pdf", -2.79)]
#: Pages and the clockwise quarter turn that makes each upright.
TURNS = [
    ("tesseract-test/phototest-rotated-L.png", 90),
    ("tesseract-test/phototest-rotated-R.png", 270),
    ("tesseract-test/phototest-rotated-180.png", 180),
    ("tesseract-test/phototestrot.tif", 90),
    ("tesseract-test/phototest.tif", 0),
    ("tesseract-test/eurotext.tif", 0),
    ("ocrmypdf-tests/derived/cardinal_p1_150dpi.png", 0),
    ("ocrmypdf-tests/derived/cardinal_p2_150dpi.png", 270),
    ("ocrmypdf-tests/derived/cardinal_p3_150dpi.png", 180),
    ("ocrmypdf-tests/derived/cardinal_p4_150dpi.png", 90),
]
#: Exact truth of phototest.tif, and of its turned copies in TURNS.
PHOTOTEST_TRUTH = "tesseract-test/phototest.gold.txt"


def realdata_dir() -> Path | None:
    """``shared/realdata`` beside the checkout, or $REALDATA_DIR; None when absent."""
    here = Path(__file__).resolve().parents[2] / "shared" / "realdata"
    env = os.environ.get("REALDATA_DIR")
    for cand in (Path(env) if env else None, here):
        if cand is not None and cand.is_dir():
            return cand
    return None


def normalize_text(text: str) -> str:
    """NFC, every whitespace run (newlines, form feeds) as one space, stripped."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def char_edits(hyp: str, truth: str) -> tuple[int, int]:
    """Levenshtein distance of ``hyp`` to ``truth`` and the truth's length, both normalized."""
    t = normalize_text(truth)
    return Levenshtein.distance(normalize_text(hyp), t), len(t)


def cer(hyp: str, truth: str) -> float:
    """Character error rate in percent of the truth's length (after ``normalize_text``)."""
    edits, chars = char_edits(hyp, truth)
    return 100.0 * edits / max(chars, 1)
