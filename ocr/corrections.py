"""The image checks applied to every reading, whole page or strip: the recognizer's
certain confusions that the glyphs themselves settle (:mod:`ocr.periods`,
:mod:`ocr.marks`, :mod:`ocr.dotted`, :mod:`ocr.shapes`, :mod:`ocr.twins`)."""

from __future__ import annotations

import numpy as np

from ocr import dotted, marks, periods, shapes, twins
from ocr.model import Page


def correct(image: np.ndarray, page: Page) -> Page:
    """``page`` (a reading of ``image``) with full stops, marks over capitals, dotted i's,
    sixes, Fs and look-alikes as the image shows them."""
    page = marks.drop_phantom_marks(image, periods.correct_stops(image, page))
    page = shapes.correct_shapes(image, dotted.correct_ones(image, page))
    return twins.correct_lookalikes(image, page)
