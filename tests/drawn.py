"""Pages drawn for tests: rows of text printed one under another (real fonts, real pixels)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def rows_image(
    rows: Sequence[str],
    *,
    size: tuple[int, int],
    paper: int,
    font_px: int,
    left: int,
    top: int,
    step: int,
) -> np.ndarray:
    """A gray page of ``size`` (width, height) with ``rows`` in near-black ink, the first
    at (``left``, ``top``), each ``step`` pixels under the one before."""
    img = Image.new("L", size, paper)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, font_px)
    for i, text in enumerate(rows):
        draw.text((left, top + i * step), text, font=font, fill=20)
    return np.asarray(img)
