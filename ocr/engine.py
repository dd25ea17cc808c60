"""The seam between hoso and the Tesseract it runs: one small protocol, two backends.

``cli`` (:class:`ocr.tesseract.CliEngine`) starts the ``tesseract`` program for every call;
``api`` (:class:`ocr.tesserocr_api.ApiEngine`) keeps Tesseract loaded in the worker process
through the ``tesserocr`` binding, one initialised instance per model and layout mode,
reused for every page. Starting the program and loading its model cost about 0.1 s a call,
and a page makes four or more calls (page, skipped-line strip, value strips, sometimes
OSD), so the in-process backend is the default whenever ``tesserocr`` imports.

Both return Tesseract's own text formats (TSV, plain text, hOCR) and OSD answer, so the
conversion into the engine-neutral model (:func:`ocr.tesseract.parse_tsv`) is one code
path whichever backend read the page.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from hoso.errors import ConfigError
from hoso.settings import OCR_ENGINES as KINDS

Output = Literal["tsv", "txt", "hocr"]
#: Tesseract variables every call sets, whichever backend runs it. Dossiers are dark print
#: on light paper (cleaning makes sure of it). Tesseract 5 otherwise re-reads every doubtful
#: line inverted, which measured here doubles the time per page (7 pages: 13.9 s → 6.7 s)
#: for text that does not exist on these documents.
VARIABLES: dict[str, str] = {"tessedit_do_invert": "0"}


@dataclass(frozen=True, slots=True)
class Orientation:
    """Tesseract OSD's answer: clockwise turn that makes the page upright."""

    rotate: int
    confidence: float


class Engine(Protocol):
    """One way of running Tesseract. Not shared between threads: workers are processes."""

    #: ``api`` or ``cli``, recorded with each document's versions.
    name: str

    def version(self) -> str:
        """Version of the Tesseract library that this backend runs, e.g. ``5.3.4``."""
        ...

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
        """Read ``image`` (8-bit gray or BGR) once; Tesseract's ``output`` as text.

        ``dpi`` is the resolution hint (Tesseract's ``user_defined_dpi``, the CLI's
        ``--dpi``); None lets Tesseract estimate it. ``whitelist``: the only characters the
        reading may hold (Tesseract's ``tessedit_char_whitelist``; empty: any). Raises
        :class:`hoso.errors.OcrError`, or :class:`hoso.errors.OcrTimeout` past ``timeout``
        seconds.
        """
        ...

    def osd(self, image: np.ndarray, *, timeout: float) -> Orientation | None:
        """Orientation detection, or None when the page has too little text to say."""
        ...

    def load(self, lang: str, psm: int) -> None:
        """Make later calls with ``lang`` and ``psm`` cheap (``psm`` 0: OSD); a no-op where
        nothing stays loaded. Called before a process forks its work-horses, so that they
        inherit the models instead of loading them for every job."""
        ...


@functools.cache
def api_available() -> bool:
    """True when the ``tesserocr`` binding imports (the ``api`` backend can run): installed,
    and its bundled Tesseract and Leptonica load on this machine."""
    try:
        importlib.import_module("tesserocr")
    except ImportError:
        return False
    return True


def open_engine(kind: str = "auto") -> Engine:
    """The backend named by ``kind`` (``HOSO_OCR_ENGINE``): ``api``, ``cli``, or ``auto``
    (``api`` when ``tesserocr`` is installed, else ``cli``)."""
    if kind not in KINDS:
        raise ConfigError(f"HOSO_OCR_ENGINE={kind!r}: expected one of {', '.join(KINDS)}")
    if kind == "api" or (kind == "auto" and api_available()):
        if not api_available():
            raise ConfigError("HOSO_OCR_ENGINE=api needs the tesserocr package (pip install)")
        from ocr.tesserocr_api import ApiEngine

        return ApiEngine()
    from ocr.tesseract import CliEngine

    return CliEngine()


_default: Engine | None = None


def default() -> Engine:
    """This process's ``auto`` engine, for library callers that pass none (tests, benches).

    The worker and the CLI pass the engine their settings select instead.
    """
    global _default
    if _default is None:
        _default = open_engine("auto")
    return _default
