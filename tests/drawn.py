"""Pages drawn for tests: rows of text printed one under another (real fonts, real pixels)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


#: A certificate's owner and vehicle rows, as printed (the values a test reads back).
OWNER = [
    "CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ",
    "Tên chủ xe: NGUYỄN VĂN AN",
    "Số CCCD/CMND: 001048164497",
    "Nhãn hiệu: TOYOTA    Số loại: VIOS",
    "Số máy: 2NRX123456",
    "Số khung: RL4B23F00J1234567",
]


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


def code_image(
    text: str,
    font: str,
    *,
    font_px: int,
    paper: int,
    ink: int,
    noise: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """``text`` printed once in ``font`` on a grey strip 1100 × 100 at (30, 20), grainy
    with Gaussian noise of ``noise`` levels if given; the image and the text's box."""
    img = Image.new("L", (1100, 100), paper)
    draw = ImageDraw.Draw(img)
    face = ImageFont.truetype(font, font_px)
    draw.text((30, 20), text, font=face, fill=ink)
    x0, y0, x1, y1 = (int(v) for v in draw.textbbox((30, 20), text, font=face))
    pixels = np.asarray(img).astype(np.float64)
    if noise:
        pixels = pixels + np.random.default_rng(seed).normal(0, noise, pixels.shape)
    return np.clip(pixels, 0, 255).astype(np.uint8), (x0, y0, x1, y1)
