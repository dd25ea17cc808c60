"""Seal rings on grey pages (``ocr.rings``): found by geometry, bridged, and nothing else
taken for one."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr import clean, rings
from tests.test_geometry import FONTS, needs_fonts

pytestmark = needs_fonts


def _grey_scan(page: Image.Image) -> np.ndarray:
    """A low-contrast grey scan of ``page``: levels squeezed into 60-210, blurred."""
    arr = np.asarray(page.convert("L")).astype(np.float32) * (150 / 255) + 60
    return np.ascontiguousarray(cv2.GaussianBlur(arr, (0, 0), 1.0).astype(np.uint8))


def _form(draw: ImageDraw.ImageDraw, face: ImageFont.FreeTypeFont) -> None:
    rows = (
        ("Tên chủ xe:", "NGUYỄN MẠNH HẢI"),
        ("Số máy:", "CGA1-475437"),
        ("Số khung:", "RLSBGH1V1F4068011"),
        ("Nhãn hiệu:", "SUZUKI"),
    )
    for i, (label, value) in enumerate(rows):
        draw.text((120, 300 + 110 * i), label, font=face, fill=20)
        draw.text((520, 300 + 110 * i), value, font=face, fill=20)


def _stamped(ring_width: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """A grey form page, without and with a seal (two rings, a star) scanned in grey at
    the print's darkness, its outer ring running through the engine number."""
    face = ImageFont.truetype(str(FONTS[0]), 44)
    page = Image.new("L", (1654, 2339), 255)
    _form(ImageDraw.Draw(page), face)
    plain = page.copy()
    draw = ImageDraw.Draw(page)
    cx, cy, r = 800, 640, 250
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=40, width=ring_width)
    ri = int(r * 0.62)
    draw.ellipse((cx - ri, cy - ri, cx + ri, cy + ri), outline=40, width=ring_width // 2)
    draw.regular_polygon((cx, cy - 40, 60), 5, fill=40)
    return _grey_scan(plain), _grey_scan(page)


def test_a_grey_seals_rings_are_found_with_their_centre_and_radius() -> None:
    _, page = _stamped()
    found = rings.find_rings(page)
    assert len(found) == 2
    outer, inner = sorted(found, key=lambda q: -q.r_out)
    for ring in found:
        assert abs(ring.cx - 800) <= 2 and abs(ring.cy - 640) <= 2
    # PIL draws an outline inwards from the ellipse's box: the outer band is 238-250,
    # the inner one 149-155.
    assert 234 <= outer.r_in <= 242 and 246 <= outer.r_out <= 254
    assert 145 <= inner.r_in <= 152 and 152 <= inner.r_out <= 159


def test_erased_rings_leave_paper_and_carry_the_strokes_across() -> None:
    """Where the ring ran over plain paper the page is paper again; where it crossed the
    engine number's strokes, they are carried across its band (dark on both sides)."""
    plain, page = _stamped()
    out = clean.clean_for_ocr(page)
    paper = float(np.median(plain))
    on_paper = np.zeros(page.shape, bool)
    cv2.circle(on_paper, (800, 640), 244, 1, thickness=6)
    on_paper &= plain > paper - 10  # the ring's pixels over paper only
    assert page[on_paper].mean() < 0.6 * paper  # the scan has the ring ...
    assert out[on_paper].mean() > 0.95 * paper  # ... erased
    # The engine number's ink where the ring crossed it.
    strokes = np.zeros(page.shape, bool)
    cv2.circle(strokes, (800, 640), 244, 1, thickness=8)
    strokes[:, :] &= (plain < 120) & (np.arange(page.shape[0])[:, None] < 480)
    strokes[:380] = False
    assert strokes.sum() > 50
    assert out[strokes].mean() < 150  # still ink, not paper


@pytest.mark.parametrize(
    "draw_it",
    [
        # The round emblem printed at the top of a card: a filled disc with a star.
        lambda d: d.ellipse((200, 200, 420, 420), fill=90),
        # A photo placeholder's head: a filled ellipse.
        lambda d: d.ellipse((900, 150, 1100, 400), fill=140),
        # Lines of print in a big round font: many O's, none a seal's size.
        lambda d: d.text(
            (100, 700), "OOO OOO 000 QQQ", font=ImageFont.truetype(str(FONTS[0]), 120), fill=20
        ),
        # A thick black frame of a photo corner: not round.
        lambda d: d.rectangle((1200, 700, 1600, 1100), outline=20, width=10),
    ],
)
def test_round_print_that_is_not_a_seal_is_left_as_it_is(draw_it) -> None:  # type: ignore[no-untyped-def]
    face = ImageFont.truetype(str(FONTS[0]), 44)
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    _form(draw, face)
    draw_it(draw)
    gray = _grey_scan(page)
    assert rings.find_rings(gray) == []
    assert rings.remove_seal_rings(gray) is gray


def _seal_over_a_date() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A grey scan of a date of birth under a red seal's star (the seal's ink laid over
    the print at 84 % as a stamp's is), and the masks of the date's and the star's
    pixels."""
    face = ImageFont.truetype(str(FONTS[0]), 44)
    text = Image.new("L", (1654, 2339), 0)
    ImageDraw.Draw(text).text((520, 600), "09.12.1975", font=face, fill=255)
    ImageDraw.Draw(text).text((120, 600), "Ngày sinh:", font=face, fill=255)
    seal = Image.new("L", (1654, 2339), 0)
    draw = ImageDraw.Draw(seal)
    cx, cy, r = 700, 640, 250
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=8)
    ri = int(r * 0.62)
    draw.ellipse((cx - ri, cy - ri, cx + ri, cy + ri), outline=255, width=4)
    draw.regular_polygon((cx, cy - 20, 55), 5, fill=255)
    under = np.where(np.asarray(text) > 128, 20.0, 255.0)
    stamped = np.where(np.asarray(seal) > 128, 0.84 * 87 + 0.16 * under, under)
    grey = stamped * (150 / 255) + 60
    scan = np.ascontiguousarray(cv2.GaussianBlur(grey, (0, 0), 1.0).astype(np.uint8))
    star = Image.new("L", (1654, 2339), 0)
    ImageDraw.Draw(star).regular_polygon((cx, cy - 20, 55), 5, fill=255)
    return scan, np.asarray(text) > 128, np.asarray(star) > 128


def test_print_under_a_grey_seals_star_is_kept_and_the_star_lifted() -> None:
    """The date under the star reads as print again: the star's own level becomes paper,
    the darker print under it the page's print (the inks add up under a stamp)."""
    scan, text, star = _seal_over_a_date()
    out = clean.clean_for_ocr(scan)
    paper = float(np.median(scan))
    grown = cv2.dilate(text.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    inner = cv2.erode(star.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    star_only = inner & ~grown
    date_under = inner & text
    assert star_only.sum() > 1000 and date_under.sum() > 100
    assert scan[star_only].mean() < 0.75 * paper  # the scan has the star ...
    assert out[star_only].mean() > 0.95 * paper  # ... lifted to paper
    printed = float(
        out[
            text & ~cv2.dilate(star.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
        ].mean()
    )
    assert out[date_under].mean() < (printed + paper) / 2  # the date under it is print
