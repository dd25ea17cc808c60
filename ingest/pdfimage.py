"""The scan inside a PDF page, taken as it is instead of rendered.

Scanners and phone apps write each page as one JPEG (or Flate) image stretched over the
whole page and nothing else. At the resolution we would render anyway, poppler's render of
such a page is that image decoded and resampled onto itself, and it costs 0.3 s a grey
A4 page and 0.8 s a colour one at 300 dpi (pdftoppm writes the pixels to a file that
Pillow reads back) where decoding the JPEG costs 0.02–0.05 s (``docs/benchmarks.md``).

``page_image`` returns the decoded image only when the page is surely just that: no page
rotation, a content stream that paints one image XObject and nothing else, placed upright
(no shear, turn or flip) over the whole crop box, at a resolution within
``DPI_TOLERANCE`` of the one asked for, in 8-bit grey or RGB with no mask or decode array.
Anything else (text, vector drawing, several images, CMYK, a low-resolution image that
poppler would enlarge) returns None and the page is rendered by poppler as before.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pikepdf
from PIL import Image

#: How far the embedded image's resolution may be from the one asked for (relative). A
#: 300 dpi scan is stored at 300 ppi give or take the page box's rounding to points.
DPI_TOLERANCE = 0.02
#: How far (points) the image may be from the crop box's edges.
EDGE_TOLERANCE_PT = 1.0

#: Operators that only set state: graphics state, colour, clipping to the page.
_STATE_OPS = frozenset(
    {"q", "Q", "cm", "gs", "w", "J", "j", "M", "d", "ri", "i", "CS", "cs", "SC", "SCN",
     "sc", "scn", "G", "g", "RG", "rg", "K", "k", "BMC", "BDC", "EMC", "MP", "DP"}
)  # fmt: skip


class Embedded:
    """One open PDF whose pages may be taken as their embedded scans."""

    def __init__(self, path: Path) -> None:
        self._pdf = pikepdf.Pdf.open(path)

    def close(self) -> None:
        self._pdf.close()

    def __enter__(self) -> Embedded:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def page_image(self, number: int, dpi: int, max_pixels: int) -> tuple[np.ndarray, int] | None:
        """The page's scan (grey, or BGR for colour) and its resolution, or None when
        the page must be rendered. ``number`` is 1-based."""
        try:
            page = self._pdf.pages[number - 1]
            found = _single_image(page)
            if found is None:
                return None
            image, matrix = found
            return _decode(image, matrix, page, dpi, max_pixels)
        except (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError, OSError):
            return None


def _single_image(page: pikepdf.Page) -> tuple[pikepdf.Stream, list[float]] | None:
    """The image XObject the page paints and the matrix it is painted with, when the page
    paints exactly one image and nothing else."""
    if int(page.obj.get("/Rotate", 0)) % 360 != 0:
        return None
    resources = page.obj.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    ctm = np.eye(3)
    stack: list[np.ndarray] = []
    painted: tuple[pikepdf.Stream, list[float]] | None = None
    for instruction in pikepdf.parse_content_stream(page):
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            return None  # an inline image
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            stack.append(ctm.copy())
        elif op == "Q":
            if not stack:
                return None
            ctm = stack.pop()
        elif op == "cm":
            a, b, c, d, e, f = (float(x) for x in operands)
            ctm = np.array([[a, b, 0], [c, d, 0], [e, f, 1]]) @ ctm
        elif op == "Do":
            name = operands[0] if operands and isinstance(operands[0], pikepdf.Name) else None
            xobject = xobjects.get(name) if xobjects is not None and name is not None else None
            if (
                painted is not None
                or not isinstance(xobject, pikepdf.Stream)
                or xobject.get("/Subtype") != "/Image"
            ):
                return None
            painted = (xobject, [ctm[0, 0], ctm[0, 1], ctm[1, 0], ctm[1, 1], ctm[2, 0], ctm[2, 1]])
        elif op not in _STATE_OPS:
            return None  # text, paths, shadings, inline images: poppler renders the page
    return painted


def _decode(
    image: pikepdf.Stream, matrix: list[float], page: pikepdf.Page, dpi: int, max_pixels: int
) -> tuple[np.ndarray, int] | None:
    a, b, c, d, e, f = matrix
    if abs(b) > 1e-6 or abs(c) > 1e-6 or a <= 0 or d <= 0:
        return None  # turned, sheared or flipped
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    if max(abs(e - x0), abs(f - y0), abs(e + a - x1), abs(f + d - y1)) > EDGE_TOLERANCE_PT:
        return None  # not the whole page
    width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    if width <= 0 or height <= 0 or width * height > max_pixels:
        return None
    ppi_x, ppi_y = width / (a / 72), height / (d / 72)
    if max(abs(ppi_x - dpi), abs(ppi_y - dpi)) > DPI_TOLERANCE * dpi:
        return None
    if int(image.get("/BitsPerComponent", 0)) != 8 or "/SMask" in image or "/Mask" in image:
        return None
    if "/Decode" in image:
        return None
    space = image.get("/ColorSpace")
    if space not in ("/DeviceGray", "/DeviceRGB"):
        return None
    filters = image.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        filters = filters[0] if len(filters) == 1 else None
    if filters == "/DCTDecode":
        raw = np.frombuffer(image.read_raw_bytes(), dtype=np.uint8)
        # A PDF viewer ignores any EXIF orientation inside the stream; so must we.
        flags = cv2.IMREAD_IGNORE_ORIENTATION | (
            cv2.IMREAD_GRAYSCALE if space == "/DeviceGray" else cv2.IMREAD_COLOR
        )
        pixels = cv2.imdecode(raw, flags)
        if pixels is None:
            return None
    else:
        pil = pikepdf.PdfImage(image).as_pil_image()
        pixels = _from_pil(pil)
    if pixels.shape[:2] != (height, width):
        return None
    return np.ascontiguousarray(pixels), round((ppi_x + ppi_y) / 2)


def _from_pil(pil: Image.Image) -> np.ndarray:
    if pil.mode == "L":
        return np.asarray(pil)
    rgb = np.asarray(pil.convert("RGB"))
    return np.ascontiguousarray(rgb[..., ::-1])
