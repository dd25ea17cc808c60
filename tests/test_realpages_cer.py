"""``hoso ocr`` against plain ``tesseract -l vie`` on small real pages (issue #4).

The whole measurement is ``bench/realpages_cer.py`` (results in ``docs/realpages.md``);
these pin its two conditions on phototest, whose truth is exact: on the clean upright
page hoso is within 0.5 CER points of plain Tesseract, and on turned copies, which plain
Tesseract reads as garbage, hoso reads the page as well as upright.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hoso import pipeline
from hoso import settings as settings_mod
from ocr import clean
from ocr.deskew import rotate_image
from tests.realpages import PHOTOTEST_TRUTH, cer, realdata_dir

REAL = realdata_dir()
pytestmark = [
    pytest.mark.skipif(
        REAL is None, reason="shared/realdata not found next to the repo (or set REALDATA_DIR)"
    ),
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed"),
]


def _hoso_text(path: Path) -> str:
    return "".join(pipeline.ocr_file(settings_mod.load(), path, "txt"))


def _plain_text(path: Path) -> str:
    argv = ["tesseract", str(path), "-", "-l", "vie"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(argv, capture_output=True, check=True, text=True, env=env).stdout


def _truth() -> str:
    assert REAL is not None
    return (REAL / PHOTOTEST_TRUTH).read_text(encoding="utf-8")


def test_clean_upright_page_within_half_a_point_of_plain_tesseract() -> None:
    assert REAL is not None
    page = REAL / "tesseract-test/phototest.tif"
    hoso, plain = cer(_hoso_text(page), _truth()), cer(_plain_text(page), _truth())
    assert hoso <= plain + 0.5, (hoso, plain)


@pytest.mark.parametrize("name", ["phototest-rotated-180.png", "phototest-rotated-L.png"])
def test_turned_page_read_far_better_than_plain_tesseract(name: str) -> None:
    assert REAL is not None
    page = REAL / "tesseract-test" / name
    hoso, plain = cer(_hoso_text(page), _truth()), cer(_plain_text(page), _truth())
    assert hoso <= 1.0, hoso
    assert plain >= 50.0, plain  # guards the premise: plain Tesseract cannot read it


def test_leader_removal_keeps_small_capitals() -> None:
    # The photo credit "PHOTO: © PAUL BARTON/THE STOCK MARKET" of UNLV page 8071_093,
    # straightened by the 0.363 degrees hoso measures on it: on the half-size working
    # copy its letters are small, evenly pitched compact blobs like leader dots, and
    # "TON/THE STOCK M" is painted over, which costs the page 0.3 CER points.
    assert REAL is not None
    gray = clean.to_gray(np.asarray(Image.open(REAL / "tesseract-test/8071_093.3B.tif")))
    page = rotate_image(gray, 0.363)
    credit = np.s_[2080:2160, 880:1500]
    assert np.array_equal(clean.remove_leaders(page)[credit], page[credit])
