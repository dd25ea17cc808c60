"""A PDF page that is one scan is decoded as it is; every other page goes to poppler."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest
from PIL import Image

from ingest import pdfimage, rasterize
from ocr.clean import gray_without_seals

MAX_PIXELS = 50_000_000


def _scan(mode: str = "L", size: tuple[int, int] = (620, 877)) -> Image.Image:
    """A page with a few black bars of "text" and, in colour, a red ring."""
    rng = np.random.default_rng(3)
    rgb = np.full((size[1], size[0], 3), 235, np.uint8)
    for y in range(80, size[1] - 80, 60):
        x1 = int(rng.integers(200, size[0] - 60))
        rgb[y : y + 14, 60:x1] = 25
    img = Image.fromarray(rgb)
    if mode == "RGB":
        cv2.circle(rgb, (300, 300), 120, (205, 35, 45), 10)
        img = Image.fromarray(rgb)
    return img.convert(mode)


def _jpeg(img: Image.Image, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, **kw)
    return buf.getvalue()


def _pdf(
    path: Path,
    jpeg: bytes,
    size_px: tuple[int, int],
    *,
    ppi: float,
    colour: bool = False,
    content: bytes | None = None,
    rotate: int = 0,
) -> Path:
    """A one-page PDF painting ``jpeg`` over the whole page at ``ppi`` (or ``content``)."""
    w_pt, h_pt = size_px[0] * 72 / ppi, size_px[1] * 72 / ppi
    pdf = pikepdf.new()
    image = pdf.make_stream(
        jpeg,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=size_px[0],
        Height=size_px[1],
        ColorSpace=pikepdf.Name.DeviceRGB if colour else pikepdf.Name.DeviceGray,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    stream = content or f"q {w_pt:.4f} 0 0 {h_pt:.4f} 0 0 cm /Im0 Do Q".encode()
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, w_pt, h_pt],
            Resources=pikepdf.Dictionary(
                XObject=pikepdf.Dictionary(Im0=image), Font=pikepdf.Dictionary(F1=font)
            ),
            Contents=pdf.make_stream(stream),
        )
    )
    if rotate:
        page.obj.Rotate = rotate
    pdf.pages.append(page)
    pdf.save(path)
    return path


def _decode(jpeg: bytes, flags: int) -> np.ndarray:
    pixels = cv2.imdecode(np.frombuffer(jpeg, np.uint8), flags)
    assert pixels is not None
    return np.asarray(pixels)


def _pages(path: Path, dpi: int) -> list[rasterize.RasterPage]:
    limits = rasterize.Limits(max_pages=5, max_pixels=MAX_PIXELS, dpi=dpi)
    data = path.read_bytes()
    kind, count = rasterize.probe(data, path, limits)
    return list(rasterize.pages(data, path, kind, count, limits))


def test_a_scan_at_the_asked_resolution_is_its_own_pixels(tmp_path: Path) -> None:
    scan = _scan()
    jpeg = _jpeg(scan)
    path = _pdf(tmp_path / "scan.pdf", jpeg, scan.size, ppi=150)
    decoded = _decode(jpeg, cv2.IMREAD_GRAYSCALE)
    with pdfimage.Embedded(path) as pdf:
        found = pdf.page_image(1, 150, MAX_PIXELS)
    assert found is not None
    assert found[1] == 150 and np.array_equal(found[0], decoded)
    (page,) = _pages(path, 150)
    assert page.dpi == 150 and np.array_equal(page.image, decoded)


def test_colour_scans_taken_as_they_are_still_lose_their_seals(tmp_path: Path) -> None:
    scan = _scan("RGB")
    jpeg = _jpeg(scan)
    path = _pdf(tmp_path / "colour.pdf", jpeg, scan.size, ppi=150, colour=True)
    (page,) = _pages(path, 150)
    bgr = _decode(jpeg, cv2.IMREAD_COLOR)
    assert np.array_equal(page.image, gray_without_seals(bgr))
    assert page.image[178:184, 290:310].mean() > 200  # the ring's top is paper now


def test_exif_orientation_inside_the_stream_is_ignored_as_a_pdf_viewer_does(
    tmp_path: Path,
) -> None:
    scan = _scan()
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90° clockwise to display"
    jpeg = _jpeg(scan, exif=exif.tobytes())
    path = _pdf(tmp_path / "exif.pdf", jpeg, scan.size, ppi=150)
    (page,) = _pages(path, 150)
    assert page.image.shape == (scan.size[1], scan.size[0])


@pytest.mark.parametrize(
    ("why", "ppi", "content", "rotate"),
    [
        ("a 200 ppi scan poppler enlarges to 300 dpi", 200, None, 0),
        ("a /Rotate page", 300, None, 90),
        ("text painted over the scan", 300, b"q 148.8 0 0 210.48 0 0 cm /Im0 Do Q "
         b"BT /F1 12 Tf 20 20 Td (copy) Tj ET", 0),
        ("the scan over half the page", 300, b"q 74.4 0 0 210.48 0 0 cm /Im0 Do Q", 0),
        ("the scan turned a quarter", 300, b"q 0 210.48 -148.8 0 148.8 0 cm /Im0 Do Q", 0),
        ("the scan painted twice", 300, b"q 148.8 0 0 210.48 0 0 cm /Im0 Do Q "
         b"q 148.8 0 0 210.48 0 0 cm /Im0 Do Q", 0),
    ],
)  # fmt: skip
def test_pages_that_are_not_just_one_scan_go_to_poppler(
    tmp_path: Path, why: str, ppi: int, content: bytes | None, rotate: int
) -> None:
    scan = _scan()
    path = _pdf(
        tmp_path / "page.pdf", _jpeg(scan), scan.size, ppi=ppi, content=content, rotate=rotate
    )
    with pdfimage.Embedded(path) as pdf:
        assert pdf.page_image(1, 300, MAX_PIXELS) is None, why
    (page,) = _pages(path, 300)  # rendered: the page's size at 300 dpi
    w_pt, h_pt = scan.size[0] * 72 / ppi, scan.size[1] * 72 / ppi
    if rotate:
        w_pt, h_pt = h_pt, w_pt
    assert page.dpi == 300
    assert abs(page.image.shape[1] - w_pt / 72 * 300) <= 2
    assert abs(page.image.shape[0] - h_pt / 72 * 300) <= 2


def test_a_scan_over_the_pixel_limit_is_not_decoded(tmp_path: Path) -> None:
    scan = _scan()
    path = _pdf(tmp_path / "big.pdf", _jpeg(scan), scan.size, ppi=150)
    with pdfimage.Embedded(path) as pdf:
        assert pdf.page_image(1, 150, scan.size[0] * scan.size[1] - 1) is None
