"""Both OCR backends (``HOSO_OCR_ENGINE``) give the same engine-neutral model.

The ``api`` backend (tesserocr, Tesseract kept loaded) is set up the way the ``cli`` backend
sets up the ``tesseract`` program, and both hand their TSV to the same parser, so the
words, boxes and confidences of a generated page must be the same. The bundled library
(tesserocr 2.8.0: Tesseract 5.3.4) and Debian's program (5.3.0) share the LSTM code that
reads these pages; were a later wheel to read a word differently, this is where it shows.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import worker
from fixtures.dossier import random_facts
from fixtures.render import render
from hoso import pipeline
from hoso.errors import ConfigError, OcrError, OcrTimeout
from hoso.settings import load
from ocr import recover, tesseract
from ocr.engine import Engine, api_available, open_engine
from ocr.model import Page
from ocr.reread import StripReader

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="no tesseract")
needs_api = pytest.mark.skipif(not api_available(), reason="tesserocr is not installed")


@cache
def _page(seed: int, doc_type: str = "registration_certificate") -> np.ndarray:
    """The first page of a generated document, gray, 300 dpi."""
    rng = random.Random(seed)
    doc = render(doc_type, random_facts(rng), rng)
    return np.ascontiguousarray(np.asarray(doc.pages[0].convert("L")))


@cache
def _engine(kind: str) -> Engine:
    return open_engine(kind)


def _assert_same(a: Page, b: Page) -> None:
    assert [ln.text for ln in a.lines] == [ln.text for ln in b.lines]
    assert [w.box for w in a.words] == [w.box for w in b.words]
    # Confidences go through the same float formatting in both TSVs.
    for x, y in zip(a.words, b.words, strict=True):
        assert x.confidence == pytest.approx(y.confidence, abs=1e-6)


def test_cli_is_selected_by_setting() -> None:
    ocr = open_engine(load({"HOSO_OCR_ENGINE": "cli"}).ocr_engine)
    assert ocr.name == "cli" and ocr.version().startswith("5.")
    image = _page(1)
    page = tesseract.ocr_page(image[:900], 1, engine=ocr)
    assert page.width == image.shape[1] and any("ĐĂNG KÝ" in ln.text.upper() for ln in page.lines)


def test_auto_prefers_the_api_when_it_imports() -> None:
    assert open_engine("auto").name == ("api" if api_available() else "cli")


def test_without_tesserocr_auto_runs_the_cli_and_api_is_a_settings_error() -> None:
    """A machine where the binding does not import (a fresh process that cannot find it)."""
    code = (
        "import sys; sys.modules['tesserocr'] = None\n"
        "from hoso.errors import ConfigError\n"
        "from ocr.engine import open_engine\n"
        "print(open_engine('auto').name)\n"
        "try:\n    open_engine('api')\nexcept ConfigError as exc:\n    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout.splitlines()
    assert out[0] == "cli" and "needs the tesserocr package" in out[1]


def test_unknown_engine_is_a_settings_error() -> None:
    with pytest.raises(ConfigError, match="HOSO_OCR_ENGINE"):
        load({"HOSO_OCR_ENGINE": "gpu"})
    with pytest.raises(ConfigError):
        open_engine("gpu")


@needs_api
@pytest.mark.parametrize("seed", [1, 2])
def test_api_reads_the_same_words_and_boxes_as_the_cli(seed: int) -> None:
    image = _page(seed)
    cli = tesseract.ocr_page(image, 1, engine=_engine("cli"))
    api = tesseract.ocr_page(image, 1, engine=_engine("api"))
    assert len(list(cli.words)) > 60
    _assert_same(cli, api)


@needs_api
def test_a_reused_api_instance_reads_a_page_as_a_fresh_one_does() -> None:
    """Nothing of one page (image, resolution hint, results) leaks into the next call."""
    api = _engine("api")
    first = tesseract.ocr_page(_page(1), 1, engine=api)
    tesseract.ocr_page(_page(2)[:1200], 1, dpi=None, engine=api)
    again = tesseract.ocr_page(_page(1), 1, engine=api)
    fresh = tesseract.ocr_page(_page(1), 1, engine=open_engine("api"))
    assert first == again == fresh


@needs_api
def test_strips_and_recovery_read_the_same_with_both_engines() -> None:
    """The psm 6 strips of ``vie`` and ``eng`` (second readings) and of skipped lines."""
    image = _page(1)
    page = tesseract.ocr_page(image, 1, engine=_engine("cli"))
    boxes = [ln.box for ln in page.lines if len(ln.text) > 8][:8]
    readings = {}
    for kind in ("cli", "api"):
        reader = StripReader(lambda n: image, engine=_engine(kind))
        for box in boxes:
            reader(1, box, latin=True)
        reader.read()
        readings[kind] = [p for b in boxes for p in reader(1, b)]
        assert [p.lang for p in readings[kind][:2]] == ["vie", "eng"]
    for a, b in zip(readings["cli"], readings["api"], strict=True):
        _assert_same(a, b)
    # Recovery reads the lines a page's OCR did not return: here, every line of the page.
    empty = Page(1, image.shape[1], image.shape[0])
    got = [
        recover.recover(image, empty, lang="vie", dpi=300, engine=_engine(k))
        for k in ("cli", "api")
    ]
    assert len(got[0].lines) > 5
    _assert_same(*got)


@needs_api
@pytest.mark.parametrize("turn", [1, 2, 3])
def test_api_osd_answers_as_the_cli_does(turn: int) -> None:
    turned = np.ascontiguousarray(np.rot90(_page(1), turn))  # counter-clockwise
    cli = tesseract.osd(turned, engine=_engine("cli"))
    api = tesseract.osd(turned, engine=_engine("api"))
    assert cli is not None and api is not None
    assert cli.rotate == api.rotate == (turn * 90) % 360
    assert api.confidence == pytest.approx(cli.confidence, abs=0.01)
    # A blank page has no opinion, not a failure.
    assert tesseract.osd(np.full((600, 600), 255, np.uint8), engine=_engine("api")) is None


@needs_api
def test_text_and_hocr_outputs_match() -> None:
    image = _page(2)[:1000]
    cli, api = _engine("cli"), _engine("api")
    assert tesseract.ocr_text(image, engine=cli) == tesseract.ocr_text(image, engine=api)
    hocr = tesseract.ocr_hocr(image, engine=api)
    assert hocr.startswith("<?xml") and hocr.rstrip().endswith("</html>")
    assert f"tesseract {api.version()}" in hocr and "ocrx_word" in hocr


@pytest.mark.parametrize("kind", ["cli", pytest.param("api", marks=needs_api)])
def test_timeouts_and_missing_models_are_our_errors(kind: str) -> None:
    ocr = open_engine(kind)
    with pytest.raises(OcrTimeout):
        tesseract.ocr_page(_page(1), 1, timeout=0.001, engine=ocr)
    with pytest.raises(OcrError):
        tesseract.ocr_page(_page(1)[:300], 1, lang="tlh", engine=ocr)


@pytest.mark.parametrize("kind", ["cli", pytest.param("api", marks=needs_api)])
def test_versions_name_the_tesseract_that_read_the_page(kind: str) -> None:
    ocr = open_engine(kind)
    vers = worker.versions(load({}), ocr)
    assert vers["ocr_engine"] == kind and vers["tesseract"] == ocr.version()
    assert vers["traineddata_vie"] == tesseract.traineddata_sha256("vie")[:16]


@needs_api
def test_hoso_ocr_gives_the_same_words_with_either_engine(tmp_path: Path) -> None:
    """``hoso ocr`` end to end (orientation, deskew, cleaning, OCR) with each setting."""
    from PIL import Image

    path = tmp_path / "page.png"
    Image.fromarray(np.ascontiguousarray(np.rot90(_page(2), 2))).save(path, dpi=(300, 300))
    out = {
        kind: "".join(pipeline.ocr_file(load({"HOSO_OCR_ENGINE": kind}), path, "tsv"))
        for kind in ("cli", "api")
    }
    assert out["cli"] == out["api"] and out["cli"].count("\n") > 60


def _read_in_child(seed: int) -> list[str]:
    return [
        ln.text for ln in tesseract.ocr_page(_page(seed)[:1200], 1, engine=_engine("api")).lines
    ]


@needs_api
def test_models_loaded_before_a_fork_serve_the_forked_process() -> None:
    """``hoso worker``: RQ forks a work-horse per job from a process with models loaded."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    api = _engine("api")
    for lang, psm in (("vie", 3), ("vie", 6), ("eng", 6), ("osd", 0)):
        api.load(lang, psm)
    here = [ln.text for ln in tesseract.ocr_page(_page(1)[:1200], 1, engine=api).lines]
    with ProcessPoolExecutor(1, mp_context=mp.get_context("fork")) as pool:
        assert pool.submit(_read_in_child, 1).result(timeout=120) == here
