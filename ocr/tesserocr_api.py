"""Tesseract kept loaded in the worker process, through the ``tesserocr`` binding.

One ``PyTessBaseAPI`` per (language, layout mode) is initialised on first use and reused
for every later call of this process: no program start, no model load, no image file.
Workers are processes (``hoso run`` spawns them, RQ forks a work-horse per job), and an
instance is never shared between threads.

Each call is set up as the ``tesseract`` program sets itself up (``ocr.tesseract``
builds that argv): the same variables (:data:`ocr.engine.VARIABLES`), the resolution
hint as ``user_defined_dpi`` (what ``--dpi`` sets) and an 8-bit image without a
resolution of its own (a PGM has none), so both backends see the same input; their
output is Tesseract's own TSV/text/hOCR, converted by the same parser.
"""

from __future__ import annotations

import time

import cv2
import numpy as np
import tesserocr

from hoso.errors import OcrError, OcrTimeout
from ocr import tesseract
from ocr.engine import VARIABLES, Orientation, Output

OSD_PSM = int(tesserocr.PSM.OSD_ONLY)
_HOCR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title></title>
  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
  <meta name='ocr-system' content='tesseract {version}' />
  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf'/>
 </head>
 <body>
"""
_HOCR_TAIL = """ </body>
</html>
"""


class ApiEngine:
    """Tesseract in-process (``HOSO_OCR_ENGINE=api``)."""

    name = "api"

    def __init__(self) -> None:
        self._apis: dict[tuple[str, int], tesserocr.PyTessBaseAPI] = {}

    def version(self) -> str:
        # "tesseract 5.3.4\n leptonica-…": the library this process links, not the program.
        return str(tesserocr.tesseract_version()).split()[1]

    def _api(self, lang: str, psm: int) -> tesserocr.PyTessBaseAPI:
        api = self._apis.get((lang, psm))
        if api is None:
            path = tesseract.tessdata_dir()
            for one in lang.split("+"):
                if not (path / f"{one}.traineddata").is_file():
                    raise OcrError(
                        f"Tesseract language '{one}' is not installed (tesseract-ocr-{one})"
                    )
            try:
                api = tesserocr.PyTessBaseAPI(
                    path=f"{path}/", lang=lang, psm=psm, oem=tesserocr.OEM.DEFAULT
                )
            except RuntimeError as exc:
                raise OcrError(f"Tesseract could not load '{lang}' from {path}: {exc}") from exc
            for name, value in VARIABLES.items():
                api.SetVariable(name, value)
            self._apis[(lang, psm)] = api
        return api

    def _set_image(self, api: tesserocr.PyTessBaseAPI, image: np.ndarray, dpi: int | None) -> None:
        if image.dtype != np.uint8 or image.ndim not in (2, 3):
            raise OcrError(f"cannot OCR an image of {image.dtype} × {image.shape}")
        if image.ndim == 3:
            # Tesseract wants RGB; OpenCV images are BGR (the CLI path writes a PPM, in RGB).
            image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        image = np.ascontiguousarray(image)
        height, width = image.shape[:2]
        depth = 1 if image.ndim == 2 else image.shape[2]
        api.SetImageBytes(image.tobytes(), width, height, depth, width * depth)
        # Kept per instance between calls: set on every call ("0": let Tesseract estimate).
        api.SetVariable("user_defined_dpi", str(dpi or 0))

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
        api = self._api(lang, psm)
        self._set_image(api, image, dpi)
        # Kept per instance between calls, like the resolution: set on every call.
        api.SetVariable("tessedit_char_whitelist", whitelist)
        start = time.monotonic()
        if not api.Recognize(timeout=max(1, int(timeout * 1000))):
            if time.monotonic() - start >= timeout:
                raise OcrTimeout(f"Tesseract ran past {timeout:.0f} s")
            raise OcrError("Tesseract could not read the image")
        if output == "tsv":
            return str(api.GetTSVText(0))
        if output == "hocr":
            return _HOCR_HEAD.format(version=self.version()) + api.GetHOCRText(0) + _HOCR_TAIL
        return str(api.GetUTF8Text())

    def load(self, lang: str, psm: int) -> None:
        self._api("osd" if psm == OSD_PSM else lang, psm)

    def osd(self, image: np.ndarray, *, timeout: float) -> Orientation | None:
        api = self._api("osd", OSD_PSM)
        self._set_image(api, image, None)
        # The API gives OSD no deadline (``timeout`` is the CLI's): it reads a handful of
        # characters, under half a CPU second for a 300 dpi page here.
        found = api.DetectOrientationScript()
        if not found:
            return None  # too little text: no opinion, not a failure
        # orient_deg is how far the page is turned clockwise; the CLI's "Rotate" undoes it.
        return Orientation((360 - int(found["orient_deg"])) % 360, float(found["orient_conf"]))
