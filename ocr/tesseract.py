"""The one place that runs the ``tesseract`` program, and hoso's calls of Tesseract.

:class:`CliEngine` builds argv/config, runs the program through a single wrapper with a
timeout and maps failures to hoso's exceptions. Images are handed over as PGM files in a
private temporary folder (writing PGM is an order of magnitude cheaper than PNG) and
results are read from Tesseract's stdout. Probes (``version``, ``languages``,
``traineddata_sha256``) are separate from execution.

:func:`ocr_page`, :func:`ocr_text`, :func:`ocr_hocr` and :func:`osd` run on any
:class:`ocr.engine.Engine` (the ``tesserocr`` one keeps Tesseract loaded in the process);
TSV is parsed into the engine-neutral model here, whichever engine read it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from hoso.errors import OcrError, OcrTimeout
from ocr import engine as engines
from ocr import models
from ocr.engine import Engine, Orientation, Output
from ocr.model import Line, Page, Word

__all__ = ["CliEngine", "Orientation", "ocr_hocr", "ocr_page", "ocr_text", "osd", "parse_tsv"]

DEFAULT_TIMEOUT_S = 120.0


# -- probes ---------------------------------------------------------------------------


@functools.cache
def version() -> str:
    """Tesseract's version string, e.g. ``5.3.0``."""
    try:
        return str(pytesseract.get_tesseract_version())
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise OcrError("Tesseract is not installed (apt-get install tesseract-ocr)") from exc


@functools.cache
def languages() -> tuple[str, ...]:
    """Installed traineddata languages."""
    try:
        return tuple(sorted(pytesseract.get_languages(config=f"--tessdata-dir {tessdata_dir()}")))
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise OcrError("Tesseract is not installed (apt-get install tesseract-ocr)") from exc


def system_tessdata_dir() -> Path:
    """The folder of the traineddata files the system's packages installed."""
    for c in (
        "/usr/share/tesseract-ocr/5/tessdata",
        "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/local/share/tessdata",
    ):
        if Path(c).is_dir():
            return Path(c)
    raise OcrError("cannot find Tesseract's tessdata folder; set TESSDATA_PREFIX")


def tessdata_dir() -> Path:
    """The folder of traineddata files both backends read: ``TESSDATA_PREFIX``, else
    hoso's own (:func:`ocr.models.folder`: the system's models and the ones installed from
    a registry), else the system's."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix and Path(prefix).is_dir():
        return Path(prefix)
    own = models.folder()
    return own if own.is_dir() else system_tessdata_dir()


def installed(lang: str) -> bool:
    """Every model of ``lang`` ("vie", "vie+eng") is in :func:`tessdata_dir`."""
    folder = tessdata_dir()
    return all((folder / f"{one}.traineddata").is_file() for one in lang.split("+"))


@functools.cache
def traineddata_sha256(lang: str) -> str:
    """SHA-256 of ``<lang>.traineddata``, recorded with each document's versions."""
    path = tessdata_dir() / f"{lang}.traineddata"
    if not path.is_file():
        raise OcrError(f"Tesseract language '{lang}' is not installed (tesseract-ocr-{lang})")
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the tesseract program ----------------------------------------------------------------

_CONFIGFILE: dict[str, str | None] = {"tsv": "tsv", "hocr": "hocr", "txt": None}


def _argv(
    path: str,
    *,
    lang: str,
    psm: int,
    dpi: int | None,
    configfile: str | None,
    whitelist: str = "",
) -> list[str]:
    argv = ["tesseract", path, "stdout", "--tessdata-dir", str(tessdata_dir())]
    argv += ["-l", lang, "--psm", str(psm)]
    if dpi:
        argv += ["--dpi", str(dpi)]
    for name, value in engines.VARIABLES.items():
        argv += ["-c", f"{name}={value}"]
    if whitelist:
        argv += ["-c", f"tessedit_char_whitelist={whitelist}"]
    if configfile:
        argv.append(configfile)
    return argv


class CliEngine:
    """Runs the ``tesseract`` program once per call (``HOSO_OCR_ENGINE=cli``)."""

    name = "cli"

    def version(self) -> str:
        return version()

    def run(
        self,
        image: np.ndarray,
        *,
        lang: str,
        psm: int,
        dpi: int | None,
        output: Output,
        timeout: float,
        whitelist: str = "",
    ) -> str:
        with tempfile.TemporaryDirectory(prefix="hoso-tess-") as tmp:
            path = os.path.join(tmp, "page.pgm" if image.ndim == 2 else "page.ppm")
            if not cv2.imwrite(path, image):
                raise OcrError("could not write the page image for Tesseract")
            argv = _argv(
                path,
                lang=lang,
                psm=psm,
                dpi=dpi,
                configfile=_CONFIGFILE[output],
                whitelist=whitelist,
            )
            try:
                proc = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
            except subprocess.TimeoutExpired as exc:
                raise OcrTimeout(f"Tesseract ran past {timeout:.0f} s") from exc
            except OSError as exc:
                raise OcrError(
                    f"Tesseract could not run ({exc}); apt-get install tesseract-ocr"
                ) from exc
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise OcrError(f"Tesseract failed: {err[-1] if err else proc.returncode}")
        return proc.stdout.decode("utf-8", "replace")

    def osd(self, image: np.ndarray, *, timeout: float) -> Orientation | None:
        try:
            out = self.run(image, lang="osd", psm=0, dpi=None, output="txt", timeout=timeout)
        except OcrTimeout:
            raise
        except OcrError:
            return None  # "Too few characters" and friends: no opinion, not a failure
        rotate: int | None = None
        conf = 0.0
        for line in out.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Rotate":
                rotate = int(value.strip())
            elif key.strip() == "Orientation confidence":
                conf = float(value.strip())
        if rotate is None:
            return None
        return Orientation(rotate % 360, conf)

    def load(self, lang: str, psm: int) -> None:
        return None  # every call starts the program and loads its model anew


# -- hoso's calls, on any engine ----------------------------------------------------------


def parse_tsv(tsv: str, number: int, width: int, height: int) -> Page:
    """Turn Tesseract's TSV (with or without its header row) into a :class:`Page` of lines
    of words."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for row in tsv.splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        conf = float(cols[10])
        if not text or conf < 0:
            continue
        left, top, w, h = (int(c) for c in cols[6:10])
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        lines.setdefault(key, []).append(
            Word(text, (left, top, left + w, top + h), max(0.0, min(1.0, conf / 100.0)))
        )
    ordered = sorted(
        (Line(tuple(sorted(ws, key=lambda w: w.box[0]))) for ws in lines.values()),
        key=lambda ln: (ln.box[1], ln.box[0]),
    )
    return Page(number, width, height, tuple(ordered))


def ocr_page(
    image: np.ndarray,
    number: int = 1,
    *,
    lang: str = "vie",
    psm: int = 3,
    dpi: int | None = 300,
    timeout: float = DEFAULT_TIMEOUT_S,
    engine: Engine | None = None,
    whitelist: str = "",
) -> Page:
    """OCR a whole (upright) page image into the engine-neutral model; ``whitelist``: the
    only characters the reading may hold (empty: any)."""
    tsv = (engine or engines.default()).run(
        image, lang=lang, psm=psm, dpi=dpi, output="tsv", timeout=timeout, whitelist=whitelist
    )
    return parse_tsv(tsv, number, image.shape[1], image.shape[0])


def ocr_text(
    image: np.ndarray,
    *,
    lang: str = "vie",
    psm: int = 3,
    dpi: int | None = 300,
    timeout: float = DEFAULT_TIMEOUT_S,
    engine: Engine | None = None,
) -> str:
    """Plain text of an image region or page."""
    return (engine or engines.default()).run(
        image, lang=lang, psm=psm, dpi=dpi, output="txt", timeout=timeout
    )


def ocr_hocr(
    image: np.ndarray,
    *,
    lang: str = "vie",
    psm: int = 3,
    dpi: int | None = 300,
    timeout: float = DEFAULT_TIMEOUT_S,
    engine: Engine | None = None,
) -> str:
    """hOCR of a whole page."""
    return (engine or engines.default()).run(
        image, lang=lang, psm=psm, dpi=dpi, output="hocr", timeout=timeout
    )


def osd(
    image: np.ndarray, *, timeout: float = 30.0, engine: Engine | None = None
) -> Orientation | None:
    """Tesseract's orientation detection, or None when it has too little text to say."""
    return (engine or engines.default()).osd(image, timeout=timeout)
