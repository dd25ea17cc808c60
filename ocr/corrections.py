"""The image checks applied to every reading, whole page or strip: the recognizer's
certain confusions that the glyphs themselves settle (:mod:`ocr.periods`,
:mod:`ocr.dotted`, :mod:`ocr.twins`)."""

from __future__ import annotations

import numpy as np

from ocr import dotted, periods, twins
from ocr.model import Page


def correct(image: np.ndarray, page: Page) -> Page:
    """``page`` (a reading of ``image``) with full stops, dotted i's and look-alikes as
    the image shows them."""
    page = periods.correct_stops(image, page)
    return twins.correct_lookalikes(image, dotted.correct_ones(image, page))
